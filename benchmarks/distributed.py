"""Data-parallel training speed: steps per second on 1 and 2 ranks, scaling, and overlap.

    python -m benchmarks.distributed                 # digits CNN and W2, on 1 and 2 ranks
    python -m benchmarks.distributed --ranks 1 2 3 --steps 30 --json

For each model and world size N this launches ``mpiexec -n N`` (one process per rank, each
with one BLAS thread) and times DistributedDataParallel training steps with a fixed batch
per rank (weak scaling: N ranks process N times the samples per step). It reports:

- step ms: the slowest rank's mean time per step (forward, backward with the gradient
  all-reduces, Adam), and samples/s over all ranks;
- efficiency: step time on 1 rank / step time on N ranks (1.0 is perfect scaling: N times
  the samples in the same time);
- all-reduce ms: one step's buckets all-reduced on their own, with nothing to hide behind;
- no-sync ms: the same steps under ``no_sync()`` (the same computation on the same shared
  cores, no all-reduce at all);
- exposed ms: step ms - no-sync ms, what the communication added to a step (not hidden by
  backward, plus the ranks waiting for each other); hidden = 1 - exposed / all-reduce, the
  share of the communication that overlapped the computation (0% when exposed exceeds it);
- waited ms: the part of it spent blocked at backward's end in the reducer's final wait.

The data are random tensors of the models' input shapes: speed does not depend on them.
Models: the digits CNN of examples/digits_cnn.py (8x8 images, batch 32 per rank) and W2 of
BENCHMARKS.md (28x28, two conv blocks, batch 64 per rank). On a machine with fewer cores
than ranks the ranks share cores, and the efficiency measures that sharing, not the
method: read the numbers with the core count printed beside them.
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODELS = {"digits CNN": {"batch": 32, "shape": (1, 8, 8)}, "W2": {"batch": 64, "shape": (1, 28, 28)}}


def build(name):
    from minigrad import nn

    if name == "W2":
        return nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Flatten(), nn.Linear(3136, 128), nn.ReLU(), nn.Linear(128, 10))
    sys.path.insert(0, os.path.join(ROOT, "examples"))
    from digits_cnn import make_model

    return make_model()


def worker(name, steps, warmup, rounds):
    """One rank's measurement (run under mpiexec); rank 0 prints one RESULT line of JSON."""
    import numpy as np

    import minigrad as mg
    import minigrad.distributed as dist
    from minigrad import nn, optim
    from minigrad.distributed import ReduceOp
    from minigrad.nn.parallel import DistributedDataParallel

    dist.init_process_group("mpi")
    rank, world = dist.get_rank(), dist.get_world_size()
    mg.manual_seed(0)
    spec = MODELS[name]
    model = DistributedDataParallel(build(name))
    opt = optim.Adam(model.parameters(), lr=1e-3)
    rng = np.random.default_rng(rank)
    x = mg.tensor(rng.standard_normal((spec["batch"],) + spec["shape"], dtype=np.float32))
    y = mg.tensor(rng.integers(0, 10, size=spec["batch"]))

    def step():
        opt.zero_grad()
        nn.functional.cross_entropy(model(x), y).backward()
        opt.step()

    def timed(steps):
        """The slowest rank's mean seconds per step."""
        dist.barrier()
        start = time.perf_counter()
        for _ in range(steps):
            step()
        seconds = mg.tensor([(time.perf_counter() - start) / steps], dtype="float64")
        dist.all_reduce(seconds, op=ReduceOp.MAX)
        return float(seconds.array[0])

    for _ in range(warmup):
        step()
    reducer = model.reducer
    reducer.wait_seconds = 0.0
    synced, local = [], []
    for _ in range(rounds):  # alternating blocks, so both feel the machine's load alike
        synced.append(timed(steps))
        with model.no_sync():  # the same computation on the same cores, without any all-reduce
            local.append(timed(steps))
    step_s, local_s = min(synced), min(local)  # the least disturbed block of each
    waited = mg.tensor([reducer.wait_seconds / (steps * rounds)], dtype="float64")
    dist.all_reduce(waited, op=ReduceOp.MAX)

    # The same buckets all-reduced with nothing else running: the communication to hide.
    dist.barrier()
    start = time.perf_counter()
    for _ in range(steps):
        requests = [dist.group.WORLD.backend.all_reduce(b.buffer, ReduceOp.SUM) for b in reducer.buckets]
        for request in requests:
            request.Wait()
    alone = mg.tensor([(time.perf_counter() - start) / steps], dtype="float64")
    dist.all_reduce(alone, op=ReduceOp.MAX)
    if rank == 0:
        print("RESULT " + json.dumps({
            "model": name, "ranks": world, "batch_per_rank": spec["batch"], "step_ms": 1e3 * step_s,
            "samples_per_s": world * spec["batch"] / step_s, "local_step_ms": 1e3 * local_s,
            "allreduce_ms": 1e3 * float(alone.array[0]), "exposed_ms": 1e3 * (step_s - local_s),
            "waited_ms": 1e3 * float(waited.array[0]), "buckets": len(reducer.buckets),
            "gradient_mb": reducer.comm_bytes / 2 ** 20}), flush=True)
    dist.destroy_process_group()


def launch(name, ranks, steps, warmup, rounds, timeout):
    """Run ``worker`` on ``ranks`` processes; its RESULT dict (the process group is killed on timeout)."""
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
               PYTHONPATH=os.pathsep.join(p for p in (ROOT, os.environ.get("PYTHONPATH")) if p))
    cmd = ["mpiexec", "-n", str(ranks), sys.executable, "-m", "benchmarks.distributed", "--worker", name,
           "--steps", str(steps), "--warmup", str(warmup), "--rounds", str(rounds)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=ROOT,
                            start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise SystemExit(f"{' '.join(cmd)}: no result in {timeout}s")
    for line in out.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{out[-2000:]}")


def table(rows):
    head = (f"{'model':<11} {'ranks':>5} {'batch/rank':>10} {'step ms':>8} {'samples/s':>9} {'efficiency':>10} "
            f"{'no-sync ms':>10} {'all-reduce ms':>13} {'exposed ms':>10} {'hidden':>6} {'waited ms':>9}")
    lines = [head, "-" * len(head)]
    for r in rows:
        hidden = "-" if r["ranks"] == 1 else f"{min(1.0, max(0.0, 1 - r['exposed_ms'] / r['allreduce_ms'])):.0%}"
        lines.append(f"{r['model']:<11} {r['ranks']:>5} {r['batch_per_rank']:>10} {r['step_ms']:>8.2f} "
                     f"{r['samples_per_s']:>9.0f} {r['efficiency']:>10.2f} {r['local_step_ms']:>10.2f} "
                     f"{r['allreduce_ms']:>13.3f} {r['exposed_ms']:>10.3f} {hidden:>6} {r['waited_ms']:>9.3f}")
    return "\n".join(lines)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--ranks", type=int, nargs="+", default=[1, 2], help="world sizes to measure")
    p.add_argument("--models", nargs="+", default=list(MODELS), choices=list(MODELS))
    p.add_argument("--steps", type=int, default=10, help="timed steps per block")
    p.add_argument("--rounds", type=int, default=3, help="blocks of synced and of no_sync steps, alternating")
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--timeout", type=float, default=300, help="seconds before a launch is killed")
    p.add_argument("--json", action="store_true", help="print the figures as JSON too")
    p.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.worker:
        return worker(args.worker, args.steps, args.warmup, args.rounds)
    if shutil.which("mpiexec") is None:
        raise SystemExit("benchmarks.distributed needs mpiexec and mpi4py: pip install -e '.[distributed]'")
    rows = []
    for name in args.models:
        base = None
        for n in args.ranks:
            r = launch(name, n, args.steps, args.warmup, args.rounds, args.timeout)
            base = r["step_ms"] if base is None or n == 1 else base
            r["efficiency"] = base / r["step_ms"]
            rows.append(r)
    print(f"DistributedDataParallel on MPI, {os.cpu_count()} CPU cores, 1 BLAS thread per rank; "
          f"the fastest of {args.rounds} blocks of {args.steps} steps")
    print(table(rows))
    if args.json:
        print(json.dumps(rows, indent=1))
    return rows


if __name__ == "__main__":
    main()
