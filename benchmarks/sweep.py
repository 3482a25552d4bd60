"""How cost grows with the work: W1 and W5 at 4 batch sizes, W4 at 4 sequence lengths.

At each size the workload is timed like any other (same protocol, its floor in the same run),
so minigrad / floor shows where per-op Python overhead dominates (small sizes: a fixed cost per
op over little arithmetic) and where the matrix products do (large sizes: the ratio falls
towards the share of elementwise passes). ``python -m benchmarks --sweep --json FILE`` writes
the figures; ``scripts/plot_sweep.py FILE`` plots them.
"""

from .runner import run_workload
from .workloads import WORKLOADS

# workload id -> (the size that varies, its values); the middle-large value is the workload's own
SWEEP = {
    "W1": ("batch", (16, 64, 256, 1024)),
    "W4": ("seq", (8, 16, 64, 128)),
    "W5": ("batch", (2, 4, 16, 32)),
}


def run_sweep(args, frameworks, batch_scale=1, out=None, sweep=None):
    """One row per (workload, case, size), with ``swept`` naming the size that varies."""
    rows = []
    for wid, (name, values) in (sweep or SWEEP).items():
        workload = WORKLOADS[wid]
        for value in values:
            if out is not None:
                print(f"  {wid} {workload.title}, {name} {value} ...", file=out, flush=True)
            for row in run_workload(workload, frameworks, args, batch_scale, **{name: value}):
                row["swept"] = name
                rows.append(row)
    return rows
