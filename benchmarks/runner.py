"""Run the workloads side by side and collect the figures.

Timing follows BENCHMARKS.md: for each case, both frameworks' models are built first, then
3 warm-up rounds and at least 20 timed rounds run interleaved (minigrad, torch, minigrad,
torch, ...), each call timed alone with ``time.perf_counter()`` (after a device sync on a
GPU). Python's gc stays on. Interleaving means a noisy neighbour slows both frameworks
alike, so the *ratio* of medians is what counts.

W6 (memory) runs each framework in a fresh Python process: it imports the framework, reads
its resident set size (RSS), builds W2, runs 20 train steps and reports the peak RSS
(``resource.getrusage(...).ru_maxrss``).
"""

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import time

from . import report
from .workloads import W6_STEPS, WORKLOADS, FrameworkMissing, build, load_framework

ORDER = ("minigrad", "torch")
GPU_BATCH_SCALE = 8


# ---- timing -----------------------------------------------------------------------------------------
def time_interleaved(fns, syncs, warmup, iters, settle=0.0):
    """Run ``fns`` ({name: callable}) round-robin; return {name: [seconds] or error string}.

    Before each call the harness sleeps ``settle`` seconds, untimed. Both frameworks keep
    helper threads that busy-wait for a while after their work ends (torch's OpenMP pool
    spins ~300,000 rounds, NumPy's OpenBLAS threads up to ~0.1 s): on a 2-core machine, the
    framework timed next would share the cores with them. After the pause each call starts, as
    it would in a program of its own, with the other framework's threads asleep.
    A framework whose call raises drops out with the error; the others go on.
    """
    results = {name: [] for name in fns}
    live = dict(fns)
    for i in range(warmup + iters):
        for name in list(live):
            fn, sync = live[name], syncs[name]
            if settle:
                time.sleep(settle)
            try:
                start = time.perf_counter()
                fn()
                sync()
                elapsed = time.perf_counter() - start
            except Exception as e:  # report it in the table, keep timing the others
                results[name] = f"{type(e).__name__}: {e}"
                del live[name]
                continue
            if i >= warmup:
                results[name].append(elapsed)
    return results


def summarize(samples):
    """Median and min in ms, with every sample (ms) for the JSON."""
    if isinstance(samples, str):
        return {"error": samples}
    ms = [s * 1e3 for s in samples]
    return {"median": statistics.median(ms), "min": min(ms), "samples": ms}


def run_workload(workload, frameworks, args, batch_scale):
    """Build ``workload`` in each framework, time each case; one row per case."""
    built, errors = {}, {}
    for name, fw in frameworks.items():
        try:
            built[name] = build(workload, fw, batch_scale)
        except Exception as e:  # a layer that does not exist yet, say: show it, time the rest
            errors[name] = f"build failed: {type(e).__name__}: {e}"
    rows = []
    for case in workload.cases:
        fns = {n: b[case.label] for n, b in built.items()}
        syncs = {n: frameworks[n].sync for n in fns}
        timed = time_interleaved(fns, syncs, args.warmup, args.iters, args.settle)
        row = {"id": workload.id, "workload": workload.title, "case": case.label, "unit": "ms",
               "target": workload.gpu_target if args.device != "cpu" else case.target,
               "gflop": None if case.gflop is None else
               case.gflop * (1 if workload.id == "W0" else batch_scale)}
        for name in ORDER:
            if name in errors:
                row[name] = {"error": errors[name]}
            elif name in timed:
                row[name] = summarize(timed[name])
            else:
                row[name] = None
        rows.append(row)
    del built
    gc.collect()  # free this workload's models before the next one (outside any timing)
    return rows


# ---- W6: memory, one fresh process per framework -------------------------------------------------------
def _rss_mib_now():
    """This process's resident set size now, in MiB (Linux /proc; elsewhere the peak so far)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return _peak_rss_mib()


def _peak_rss_mib():
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2 ** 20 if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KiB on Linux


def _peak_rss_hwm_mib():
    """The peak RSS of this process image alone (Linux VmHWM), or None where /proc is missing."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def w6_child(name, steps):
    """Body of the fresh W6 process: import, build W2, train ``steps`` steps, print JSON."""
    try:
        fw = load_framework(name, "cpu")
    except FrameworkMissing as e:
        print(json.dumps({"missing": str(e)}))
        return
    after_import = _rss_mib_now()
    step = build(WORKLOADS["W6"], fw)["train step"]
    for _ in range(steps):
        step()
    print(json.dumps({"rss_after_import_mib": after_import, "peak_rss_mib": _peak_rss_mib(),
                      "peak_rss_hwm_mib": _peak_rss_hwm_mib(), "steps": steps}))


def measure_memory(names, steps):
    """Run ``w6_child`` for each framework in its own process: {name: figures or {"error"}}.

    Call it while this process is still small (before any framework is loaded here): Linux
    carries ``ru_maxrss`` over ``exec``, so a child started from a big parent would report the
    parent's size as its own peak. ``peak_rss_hwm_mib`` (VmHWM) is the child's own peak, a check.
    """
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ)
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    out = {}
    for name in names:
        code = f"from benchmarks.runner import w6_child; w6_child({name!r}, {int(steps)})"
        proc = subprocess.run([sys.executable, "-c", code], cwd=root, env=env,
                              capture_output=True, text=True, timeout=900)
        if proc.returncode != 0:
            tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
            out[name] = {"error": f"W6 process failed: {tail}"}
            continue
        fig = json.loads(proc.stdout.strip().splitlines()[-1])
        if "missing" not in fig:
            out[name] = fig
    return out


def memory_rows(mem, steps):
    rows = []
    for key, label, target in (("peak_rss_mib", "peak RSS", 0.6), ("rss_after_import_mib", "RSS after import", None)):
        row = {"id": "W6", "workload": f"memory, {steps} W2 steps", "case": label, "unit": "MiB",
               "target": target, "gflop": None}
        for name in ORDER:
            fig = mem.get(name)
            if fig is None:
                row[name] = None
            elif "error" in fig:
                row[name] = fig
            else:
                row[name] = {"median": fig[key], "min": fig[key], "samples": [fig[key]]}
        rows.append(row)
    return rows


# ---- the command line -------------------------------------------------------------------------------
def parse_args(argv=None):
    p = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="minigrad vs PyTorch on the workloads W0-W6 of BENCHMARKS.md, timed interleaved.")
    p.add_argument("--only", default=None, help="comma-separated workload ids, e.g. W2,W3 (default: all)")
    p.add_argument("--iters", type=int, default=20, help="timed iterations per case (default 20, the protocol's minimum)")
    p.add_argument("--warmup", type=int, default=3, help="warm-up iterations per case (default 3)")
    p.add_argument("--json", metavar="FILE", default=None, help="also write the figures to FILE as JSON")
    p.add_argument("--device", choices=("cpu", "cuda"), default="cpu",
                   help="cpu (default), or cuda: the GPU variants (batch x8), CuPy vs torch CUDA")
    p.add_argument("--smoke", action="store_true",
                   help="smoke run: 1 warm-up and 1 timed iteration of each case; checks that "
                        "everything runs, the timings mean nothing")
    p.add_argument("--smoke-w6-steps", type=int, default=None, metavar="N",
                   help=f"smoke setting: W6 runs N train steps instead of {W6_STEPS} (its figures are then not W6's)")
    p.add_argument("--settle", type=float, default=0.0, metavar="SECONDS",
                   help="untimed pause before each call, so the other framework's spinning threads "
                        "are idle (default 0: the protocol times the calls back to back)")
    p.add_argument("--minigrad-only", action="store_true", help="run minigrad alone, as if torch were missing")
    args = p.parse_args(argv)
    if args.smoke:
        args.warmup, args.iters, args.settle = 1, 1, 0.0
    if args.iters < 1 or args.warmup < 0 or args.settle < 0:
        p.error("--iters must be >= 1, --warmup and --settle >= 0")
    if args.only:
        ids = [s.strip().upper() for s in args.only.split(",") if s.strip()]
        unknown = [i for i in ids if i not in WORKLOADS]
        if unknown:
            p.error(f"--only: unknown workload(s) {', '.join(unknown)}; choose from {', '.join(WORKLOADS)}")
        args.ids = [i for i in WORKLOADS if i in ids]
    else:
        args.ids = list(WORKLOADS)
    return args


def _versions():
    import platform

    import numpy

    v = {"python": platform.python_version(), "numpy": numpy.__version__, "platform": platform.platform(),
         "cpu_count": os.cpu_count()}
    try:
        import minigrad

        v["minigrad"] = minigrad.__version__
    except Exception:
        pass
    try:
        import torch

        v["torch"] = torch.__version__
    except Exception:
        v["torch"] = None
    return v


def run(args, out=sys.stdout):
    """Run what ``args`` asks for; return the results dict (what --json writes)."""
    notes = []
    load_at_start = _load_average()
    memory = None
    if "W6" in args.ids and args.device == "cpu":  # first, while this process is small (see measure_memory)
        steps = args.smoke_w6_steps or W6_STEPS
        if args.smoke_w6_steps:
            notes.append(f"W6 ran {steps} train steps (smoke setting), not {W6_STEPS}")
        print(f"  W6 {WORKLOADS['W6'].title}: a fresh process per framework ...", file=out, flush=True)
        memory = measure_memory(["minigrad"] if args.minigrad_only else list(ORDER), steps)
        for name, fig in memory.items():
            hwm = fig.get("peak_rss_hwm_mib")
            if hwm and abs(fig["peak_rss_mib"] - hwm) > 0.1 * hwm:
                notes.append(f"W6 {name}: ru_maxrss {fig['peak_rss_mib']:.0f} MiB but the process's own "
                             f"peak (VmHWM) is {hwm:.0f} MiB: the parent process was large when it started")
    frameworks = {}
    try:
        frameworks["minigrad"] = load_framework("minigrad", args.device)
    except FrameworkMissing as e:
        raise SystemExit(f"cannot run the benchmark: {e}")
    if args.minigrad_only:
        notes.append("torch left out (--minigrad-only): minigrad's figures alone")
    else:
        try:
            frameworks["torch"] = load_framework("torch", args.device)
        except FrameworkMissing as e:
            notes.append(f"{e}: minigrad's figures alone")
    batch_scale = GPU_BATCH_SCALE if args.device != "cpu" else 1
    if args.device != "cpu":
        notes.append(f"GPU variants: batch x{GPU_BATCH_SCALE}; W6 (host memory) is a CPU-only workload")
    if args.smoke:
        notes.append("SMOKE RUN: 1 warm-up, 1 timed iteration; these figures are not measurements")
    elif args.iters < 20 or args.warmup < 3:
        notes.append(f"{args.warmup} warm-ups and {args.iters} timed iterations: fewer than the protocol's 3 and 20")

    results = {"meta": dict(_versions(), device=args.device, warmup=args.warmup, iters=args.iters,
                            batch_scale=batch_scale, smoke=bool(args.smoke), torch_threads=2,
                            date=time.strftime("%Y-%m-%d %H:%M:%S"),
                            frameworks=list(frameworks), load_average=[load_at_start, None]),
               "notes": notes, "rows": []}
    for wid in args.ids:
        w = WORKLOADS[wid]
        if wid == "W6":
            if args.device != "cpu":
                continue
            results["rows"] += memory_rows(memory, steps)
            continue
        print(f"  {wid} {w.title} ...", file=out, flush=True)
        results["rows"] += run_workload(w, frameworks, args, batch_scale)
    results["meta"]["load_average"][1] = _load_average()
    report.add_derived(results)
    return results


def _load_average():
    """The 1-minute load average (other processes competing for the cores), or None."""
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None


def main(argv=None):
    args = parse_args(argv)
    results = run(args)
    print(report.format_table(results))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)
        print(f"figures written to {args.json}")
    return 0
