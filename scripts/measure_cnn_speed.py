"""minigrad / NumPy floor for W2 and W3 in process CPU time (blocks of calls, medians).

Run with OPENBLAS_NUM_THREADS=1 in the environment of this command only:
    OPENBLAS_NUM_THREADS=1 PYTHONPATH=. python scripts/measure_cnn_speed.py [--compare] [W2 W3]

--compare also times each workload with the CNN fast paths switched off (the 2 x 2 max-pool
tiling, the shifted-products convolution and the per-image columns of shallow kernels), in
alternating blocks of the same process.
"""

import statistics
import sys
import time

import numpy as np

from benchmarks import workloads
from benchmarks.frameworks import load_framework
from minigrad.ops import conv, pooling

_TILING, _WASTE, _PER_IMAGE = pooling._is_2x2_tiling, conv.MAX_SHIFTED_WASTE, conv.MAX_PER_IMAGE_DEPTH


def _fast_paths(on):
    pooling._is_2x2_tiling = _TILING if on else (lambda *args: False)
    conv.MAX_SHIFTED_WASTE = _WASTE if on else 0  # 0: the shifted layout never pays, im2col runs
    conv.MAX_PER_IMAGE_DEPTH = _PER_IMAGE if on else -1


def _block(fn, calls):
    times = []
    for _ in range(calls):
        t = time.process_time()
        fn()
        times.append(time.process_time() - t)
    return times


def _floor_fn(products):
    rng = np.random.default_rng(0)
    pairs = [(p.count, rng.standard_normal(p.shapes[0], dtype=np.float32),
              rng.standard_normal(p.shapes[1], dtype=np.float32)) for p in products]

    def run():
        for count, a, b in pairs:
            for _ in range(count):
                np.matmul(a, b)
    return run


def main(ids, compare=False):
    fw = load_framework("minigrad")
    modes = (True, False) if compare else (True,)
    for wid in ids:
        workload = workloads.WORKLOADS[wid]
        cases = workloads.build(workload, fw)
        floors = workloads.floor_products(workload)
        for label, fn in cases.items():
            floor = _floor_fn(floors[label])
            mt, ft = {mode: [] for mode in modes}, []
            for _ in range(3):
                for mode in modes:
                    _fast_paths(mode)
                    _block(fn, 3)
                    mt[mode] += _block(fn, 10)
                _block(floor, 2)
                ft += _block(floor, 10)
            _fast_paths(True)
            f = statistics.median(ft)
            for mode in modes:
                m = statistics.median(mt[mode])
                name = "minigrad" if mode else "fast paths off"
                print(f"{wid} {label:11s} {name:14s} {m * 1e3:7.1f} ms  floor {f * 1e3:7.1f} ms  ratio {m / f:.2f}")


if __name__ == "__main__":
    args = sys.argv[1:]
    compare = "--compare" in args
    main([a for a in args if a != "--compare"] or ["W2", "W3"], compare)
