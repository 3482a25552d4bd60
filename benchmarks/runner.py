"""Run the workloads and collect the figures: minigrad, torch and the NumPy floor.

Timing follows BENCHMARKS.md. For each case, both frameworks' models are built first. Then
each *participant* (minigrad, torch, the floor) runs a **block**: 3 warm-up calls, then at
least 10 calls each timed alone with ``time.perf_counter()`` (after a device sync on a GPU),
then an untimed pause of 0.3 s so that its helper threads (torch's OpenMP pool, OpenBLAS's
threads) go idle before the next block starts. At least 3 rounds, the order rotating so that
each participant goes first in turn. The figure is the median over all timed calls. gc stays on.

The floor's block times each matrix product of the case alone (its own warm-ups and timed
calls) with the array module's matmul on contiguous float32 operands (each row- or
column-major, whichever BLAS runs faster); the floor is the sum over the products of count x median.

``--protocol interleaved`` is the older protocol, kept to show its effect: one call of each
participant in turn (minigrad, torch, floor, minigrad, ...). On a 2-core machine one
framework's still-spinning threads then slow the other's next call, torch's most: it measures
how the frameworks disturb each other, not how fast each one is.

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
from .frameworks import FrameworkMissing, load_framework
from .workloads import W6_STEPS, WORKLOADS, build, floor_products, load_extra_workloads, sizes_for

ORDER = ("minigrad", "torch")
FLOOR = "floor"
GPU_BATCH_SCALE = 8


# ---- timing -----------------------------------------------------------------------------------------
# A participant is {part: zero-argument callable}: a framework has one part (the case), the
# floor one part per matrix product. Both timers return {name: {part: [seconds]}}, or
# {name: "error text"} for a participant whose call raised (it drops out, the others go on).

def _timed_call(fn, sync):
    start = time.perf_counter()
    fn()
    sync()
    return time.perf_counter() - start


def time_blocks(participants, syncs, warmup=3, iters=10, rounds=3, pause=0.3):
    """The block protocol: per round, each participant's warm-ups and timed calls back to back,
    then ``pause`` seconds untimed; round r starts with participant r (mod their number)."""
    results = {name: {part: [] for part in parts} for name, parts in participants.items()}
    names = list(participants)
    for r in range(rounds):
        order = names[r % len(names):] + names[:r % len(names)] if names else []
        for name in order:
            if isinstance(results[name], str):
                continue
            try:
                for part, fn in participants[name].items():
                    for i in range(warmup + iters):
                        elapsed = _timed_call(fn, syncs[name])
                        if i >= warmup:
                            results[name][part].append(elapsed)
            except Exception as e:  # report it in the table, keep timing the others
                results[name] = f"{type(e).__name__}: {e}"
            if pause:
                time.sleep(pause)
    return results


def time_interleaved(participants, syncs, warmup=3, iters=20, settle=0.0):
    """The older protocol: one call of each participant in turn, ``settle`` seconds untimed before each."""
    results = {name: {part: [] for part in parts} for name, parts in participants.items()}
    for i in range(warmup + iters):
        for name, parts in participants.items():
            if isinstance(results[name], str):
                continue
            try:
                for part, fn in parts.items():
                    if settle:
                        time.sleep(settle)
                    elapsed = _timed_call(fn, syncs[name])
                    if i >= warmup:
                        results[name][part].append(elapsed)
            except Exception as e:
                results[name] = f"{type(e).__name__}: {e}"
    return results


def summarize(samples):
    """Median and min in ms, with every sample (ms) for the JSON."""
    if isinstance(samples, str):
        return {"error": samples}
    ms = [s * 1e3 for s in samples]
    return {"median": statistics.median(ms), "min": min(ms), "samples": ms}


def summarize_floor(timed, products):
    """The floor: sum over the products of count x median (and count x min), each product listed."""
    if isinstance(timed, str):
        return {"error": timed}
    listed, median, fastest = [], 0.0, 0.0
    for p in products:
        fig = summarize(timed[str(p.key)])
        median, fastest = median + p.count * fig["median"], fastest + p.count * fig["min"]
        listed.append({"product": str(p), "count": p.count, "median": fig["median"], "min": fig["min"]})
    return {"median": median, "min": fastest, "products": listed}


_LAYOUTS = {}  # (device, product) -> (a transposed?, b transposed?): probed once per process
PROBE_MIN_MACS = 2 ** 22  # smaller products are timed row-major: their layout changes little


def _operands(fw, rng, product, layout):
    """The product's two float32 operands, each C-contiguous or the transpose of a C-contiguous
    array (``layout``: transposed or not, for a and b), of uniform random values."""
    import numpy as np

    out = []
    for shape, transposed in zip(product.shapes, layout):
        stored = shape[:-2] + (shape[-1], shape[-2]) if transposed else shape
        array = fw.gemm_operand(rng.random(stored, dtype=np.float32))  # values do not change BLAS times
        out.append(array.swapaxes(-1, -2) if transposed else array)
    return out


def _fastest_layout(fw, rng, product, probe=True):
    """The layout BLAS runs ``product`` fastest in: each operand row-major or column-major.

    The gap can be large: on one machine (64, 32768) @ (32768, 576) took 580 ms with both
    operands row-major and 25 ms with both column-major. One warm-up and one timed call each,
    for products of at least PROBE_MIN_MACS multiply-adds (``probe`` False: row-major).
    """
    key = (fw.device, product)
    if key in _LAYOUTS:
        return _LAYOUTS[key]
    if not probe or product.m * product.k * product.n * (product.stack or 1) < PROBE_MIN_MACS:
        return (False, False)
    times = {}
    for layout in ((False, False), (True, False), (False, True), (True, True)):
        a, b = _operands(fw, rng, product, layout)
        fw.matmul(a, b)
        fw.sync()
        times[layout] = _timed_call(lambda: fw.matmul(a, b), fw.sync)
    _LAYOUTS[key] = min(times, key=times.get)
    return _LAYOUTS[key]


def floor_participant(fw, products, probe=True):
    """{product: callable} timing each distinct product alone on float32 operands, each in the
    layout (row- or column-major, never a copy) that BLAS runs fastest."""
    import numpy as np

    rng = np.random.default_rng(0)
    parts = {}
    for p in products:
        if str(p.key) not in parts:
            a, b = _operands(fw, rng, p.key, _fastest_layout(fw, rng, p.key, probe))
            parts[str(p.key)] = (lambda a, b: lambda: fw.matmul(a, b))(a, b)
    return parts


def measure(participants, syncs, args):
    if args.protocol == "interleaved":
        return time_interleaved(participants, syncs, args.warmup, args.iters, args.settle)
    return time_blocks(participants, syncs, args.warmup, args.iters, args.rounds, args.pause)


def run_workload(workload, frameworks, args, batch_scale=1, **sizes):
    """Build ``workload`` in each framework, time each case with its floor; one row per case."""
    if workload.measure is not None:
        return workload.measure(args, frameworks, sizes)
    built, errors = {}, {}
    for name, fw in frameworks.items():
        try:
            built[name] = build(workload, fw, batch_scale, **sizes)
        except Exception as e:  # a layer that does not exist yet, say: show it, time the rest
            errors[name] = f"build failed: {type(e).__name__}: {e}"
    floors = floor_products(workload, batch_scale, **sizes)
    rows = []
    for case in workload.cases:
        participants = {n: {case.label: b[case.label]} for n, b in built.items()}
        syncs = {n: frameworks[n].sync for n in participants}
        products = floors.get(case.label)
        if products:
            participants[FLOOR] = floor_participant(frameworks["minigrad"], products, probe=not args.smoke)
            syncs[FLOOR] = frameworks["minigrad"].sync
        timed = measure(participants, syncs, args)
        on_gpu = args.device != "cpu"
        target = workload.gpu_target if on_gpu and case.target_of == "floor" else (None if on_gpu else case.target)
        row = {"id": workload.id, "workload": workload.title, "case": case.label, "unit": "ms",
               "target": target, "target_of": ("torch" if on_gpu else case.target_of) if target else None,
               "sizes": sizes_for(workload, batch_scale, **sizes),
               "gflop": None if case.gflop is None else case.gflop * (1 if workload.id == "W0" else batch_scale),
               "ops": workload.ops}
        for name in ORDER:
            if name in errors:
                row[name] = {"error": errors[name]}
            elif name in timed:
                fig = timed[name]
                row[name] = summarize(fig if isinstance(fig, str) else fig[case.label])
            else:
                row[name] = None
        row[FLOOR] = summarize_floor(timed[FLOOR], products) if products else None
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
               "target": target, "target_of": "torch" if target else None, "gflop": None, FLOOR: None}
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
    extra_errors = load_extra_workloads()
    p = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="minigrad vs PyTorch and the NumPy floor on the workloads of BENCHMARKS.md, timed in blocks.")
    p.add_argument("--only", default=None,
                   help=f"comma-separated workload ids, e.g. W2,W3 (default: {','.join(_default_ids())})")
    p.add_argument("--protocol", choices=("blocks", "interleaved"), default="blocks",
                   help="blocks (default, the fair protocol) or interleaved: one call of each framework in "
                        "turn, which shows how their helper threads slow each other, not their speed")
    p.add_argument("--iters", type=int, default=None,
                   help="timed calls per block (default 10), or per case when interleaved (default 20)")
    p.add_argument("--warmup", type=int, default=3, help="warm-up calls per block (default 3)")
    p.add_argument("--rounds", type=int, default=3, help="rounds of blocks, the first framework alternating (default 3)")
    p.add_argument("--pause", type=float, default=0.3, metavar="SECONDS",
                   help="untimed pause after each block, so its threads go idle (default 0.3)")
    p.add_argument("--settle", type=float, default=0.0, metavar="SECONDS",
                   help="interleaved protocol only: untimed pause before each call (default 0)")
    p.add_argument("--sweep", action="store_true",
                   help="instead of the workloads: W1 and W5 at 4 batch sizes, W4 at 4 sequence lengths, "
                        "minigrad / floor at each (scripts/plot_sweep.py plots its --json)")
    p.add_argument("--json", metavar="FILE", default=None, help="also write the figures to FILE as JSON")
    p.add_argument("--floors", action="store_true", help="also print each floor, product by product")
    p.add_argument("--device", choices=("cpu", "cuda"), default="cpu",
                   help="cpu (default), or cuda: the GPU variants (batch x8), CuPy vs torch CUDA")
    p.add_argument("--smoke", action="store_true",
                   help="smoke run: 1 round of 1 warm-up and 1 timed call, no pauses; checks that "
                        "everything runs, the timings mean nothing")
    p.add_argument("--smoke-w6-steps", type=int, default=None, metavar="N",
                   help=f"smoke setting: W6 runs N train steps instead of {W6_STEPS} (its figures are then not W6's)")
    p.add_argument("--minigrad-only", action="store_true", help="run minigrad alone, as if torch were missing")
    args = p.parse_args(argv)
    args.extra_errors = extra_errors
    if args.iters is None:
        args.iters = 20 if args.protocol == "interleaved" else 10
    if args.smoke:
        args.warmup, args.iters, args.rounds, args.pause, args.settle = 1, 1, 1, 0.0, 0.0
    if args.iters < 1 or args.rounds < 1 or args.warmup < 0 or args.settle < 0 or args.pause < 0:
        p.error("--iters and --rounds must be >= 1, --warmup, --pause and --settle >= 0")
    if args.settle and args.protocol != "interleaved":
        p.error("--settle belongs to --protocol interleaved (the block protocol pauses with --pause)")
    if args.only:
        ids = [s.strip().upper() for s in args.only.split(",") if s.strip()]
        unknown = [i for i in ids if i not in WORKLOADS]
        if unknown:
            p.error(f"--only: unknown workload(s) {', '.join(unknown)}; choose from {', '.join(WORKLOADS)}")
        args.ids = [i for i in WORKLOADS if i in ids]
    else:
        args.ids = _default_ids()
    return args


def _default_ids():
    return [i for i, w in WORKLOADS.items() if w.in_default_run]


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


def _protocol_note(args):
    if args.smoke:
        return "SMOKE RUN: 1 warm-up, 1 timed call, no pauses; these figures are not measurements"
    if args.protocol == "interleaved":
        return (f"INTERLEAVED protocol ({args.warmup} warm-ups + {args.iters} calls, settle {args.settle:g} s): "
                "each call runs right after the other framework's, whose threads may still spin; "
                "it shows how they disturb each other, not their speed")
    if args.iters < 10 or args.warmup < 3 or args.rounds < 3:
        return (f"{args.rounds} rounds of {args.warmup} warm-ups + {args.iters} timed calls: "
                "fewer than the protocol's 3 rounds of 3 + 10")
    return None


def load_frameworks(args, notes):
    frameworks = {}
    try:
        frameworks["minigrad"] = load_framework("minigrad", args.device)
    except FrameworkMissing as e:
        raise SystemExit(f"cannot run the benchmark: {e}")
    if args.minigrad_only:
        notes.append("torch left out (--minigrad-only): minigrad's figures and the floors alone")
    else:
        try:
            frameworks["torch"] = load_framework("torch", args.device)
        except FrameworkMissing as e:
            notes.append(f"{e}: minigrad's figures and the floors alone")
    return frameworks


def run(args, out=sys.stdout):
    """Run what ``args`` asks for; return the results dict (what --json writes)."""
    notes = [f"{name} could not be imported, its workloads are left out: {err}"
             for name, err in getattr(args, "extra_errors", {}).items()]
    load_at_start = _load_average()
    memory, steps = None, W6_STEPS
    if "W6" in args.ids and args.device == "cpu" and not args.sweep:  # first, while this process is small
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
    frameworks = load_frameworks(args, notes)
    batch_scale = GPU_BATCH_SCALE if args.device != "cpu" else 1
    if args.device != "cpu":
        notes.append(f"GPU variants: batch x{GPU_BATCH_SCALE}, targets minigrad / torch; "
                     "W6 (host memory) is a CPU-only workload")
    protocol_note = _protocol_note(args)
    if protocol_note:
        notes.append(protocol_note)

    results = {"meta": dict(_versions(), device=args.device, protocol=args.protocol, warmup=args.warmup,
                            iters=args.iters, rounds=args.rounds if args.protocol == "blocks" else None,
                            pause=args.pause if args.protocol == "blocks" else None, settle=args.settle,
                            batch_scale=batch_scale, smoke=bool(args.smoke), torch_threads=2,
                            sweep=bool(args.sweep), date=time.strftime("%Y-%m-%d %H:%M:%S"),
                            frameworks=list(frameworks), load_average=[load_at_start, None]),
               "notes": notes, "rows": []}
    if args.sweep:
        from . import sweep

        results["rows"] = sweep.run_sweep(args, frameworks, batch_scale, out)
    for wid in [] if args.sweep else args.ids:
        w = WORKLOADS[wid]
        if wid == "W6":
            if args.device == "cpu":
                results["rows"] += memory_rows(memory, steps)
            continue
        print(f"  {wid} {w.title} ...", file=out, flush=True)
        results["rows"] += run_workload(w, frameworks, args, batch_scale)
    if args.device == "cpu":  # what an elementwise pass costs here (benchmarks/elementwise.py)
        from . import elementwise

        results["elementwise_ns"] = elementwise.measure()
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
    if args.floors:
        print("\n" + report.format_floors(results))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)
        print(f"figures written to {args.json}")
    return 0
