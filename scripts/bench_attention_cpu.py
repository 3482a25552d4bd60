"""W4 / W5 minigrad ÷ NumPy floor in process CPU time (a shared machine: CPU time, not wall time).

Per round: a block of minigrad calls (3 warm-ups, 10 timed, median), then a block per floor
product the same way; the ratio per round, and the median of the ratios. Run with one BLAS
thread: OPENBLAS_NUM_THREADS=1 python scripts/bench_attention_cpu.py W5,W4 5
(ROOT=<a minigrad checkout> measures another tree)."""
import os
import statistics as st
import sys
import time

import numpy as np

sys.path.insert(0, os.environ.get("ROOT", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")))
from benchmarks import workloads as W
from benchmarks.frameworks import load_framework

def block(fn, iters=10, warm=3):
    for _ in range(warm): fn()
    ts = []
    for _ in range(iters):
        t = time.process_time(); fn(); ts.append(time.process_time() - t)
    return st.median(ts)

ids = sys.argv[1].split(",") if len(sys.argv) > 1 else ["W5", "W4"]
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
fw = load_framework("minigrad")
rng = np.random.default_rng(0)
for wid in ids:
    wl = W.WORKLOADS[wid]
    cases = W.build(wl, fw)
    floors = W.floor_products(wl)
    for label, fn in cases.items():
        prods = []
        for p in floors[label]:
            a, b = p.shapes
            A, B = rng.standard_normal(a, dtype=np.float32), rng.standard_normal(b, dtype=np.float32)
            prods.append((p.count, (lambda A=A, B=B: np.matmul(A, B))))
        ratios, ms, fs = [], [], []
        for _ in range(rounds):
            t = block(fn)
            fl = sum(c * block(f) for c, f in prods)
            ratios.append(t / fl); ms.append(t); fs.append(fl)
        print(f"{wid} {label}: minigrad {st.median(ms)*1e3:.2f} ms  floor {st.median(fs)*1e3:.2f} ms  "
              f"ratio median {st.median(ratios):.3f} (rounds {', '.join(f'{r:.2f}' for r in ratios)})", flush=True)
