"""Time erf, erfc and gelu on BERT's GELU shape (8, 128, 1536): the every-branch formulas
against the compacted ones, in one process, in the fair block protocol.

Each round times one block of calls of each variant (the order alternating between rounds),
after a few warm-up calls; the median over rounds of the per-call time is reported. "plain"
swaps the every-branch forms back in (``_erf_reference`` for erf_array, ``_erfc_reference`` for
erfc_array, GELU's forward as it was: ``0.5 * x * (1 + erf(x / sqrt 2))``, new arrays each step,
and GELU's backward on Tensors, op by op).

    python scripts/bench_erf.py [--shape 8,128,1536] [--dtype float32] [--rounds 7] [--iters 5]
"""

import argparse
import contextlib
import math
import statistics
import time

import numpy as np

import minigrad
from minigrad.ops import activation, erf_rational, exponential


def _plain_gelu_forward(ctx, x, approximate):
    ctx.save_for_backward(x)
    ctx.approximate = approximate
    if approximate == "tanh":
        t = np.tanh(activation._SQRT_2_OVER_PI * (x + activation._GELU_A * x * x * x))
        return 0.5 * x * (1 + t)
    return 0.5 * x * (1 + activation.erf_array(x * (1 / math.sqrt(2))))


@contextlib.contextmanager
def plain():
    """The every-branch forms in place of the compacted ones, for the duration (the names the
    Functions Erf, GELU and Erfc call)."""
    saved = activation.erf_array, exponential.erfc_array, activation.GELU.forward, activation.is_grad_enabled
    activation.erf_array, exponential.erfc_array = erf_rational._erf_reference, erf_rational._erfc_reference
    activation.GELU.forward = staticmethod(_plain_gelu_forward)
    activation.is_grad_enabled = lambda: True  # GELU.backward on Tensors, op by op
    try:
        yield
    finally:
        activation.erf_array, exponential.erfc_array = saved[:2]
        activation.GELU.forward, activation.is_grad_enabled = staticmethod(saved[2]), saved[3]


def block(fn, iters, variant):
    with plain() if variant == "plain" else contextlib.nullcontext():
        fn()  # warm-up
        start = time.perf_counter()
        for _ in range(iters):
            fn()
        return (time.perf_counter() - start) / iters


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shape", default="8,128,1536")
    parser.add_argument("--dtype", default="float32")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--iters", type=int, default=5)
    args = parser.parse_args()
    shape = tuple(int(s) for s in args.shape.split(","))
    x = np.random.default_rng(0).standard_normal(shape).astype(args.dtype)  # BERT's pre-activations are about N(0, 1)
    t = minigrad.tensor(x, requires_grad=True)
    half = np.dtype(args.dtype).type(1 / math.sqrt(2))

    def gelu_backward():
        minigrad.nn.functional.gelu(t).sum().backward()
        t.grad = None

    cases = {"erf_array(x / sqrt 2)": lambda: activation.erf_array(x * half),
             "erfc_array(x)": lambda: exponential.erfc_array(x),
             "gelu forward": lambda: minigrad.nn.functional.gelu(t.detach()),
             "gelu forward + backward": gelu_backward}
    print(f"shape {shape} {args.dtype}: median over {args.rounds} rounds of a {args.iters}-call block, ms per call")
    print(f"  {'':28s} {'plain':>8s} {'compacted':>10s} {'speed-up':>9s}")
    for name, fn in cases.items():
        times = {"plain": [], "compacted": []}
        for r in range(args.rounds):
            for variant in (("plain", "compacted") if r % 2 == 0 else ("compacted", "plain")):
                times[variant].append(block(fn, args.iters, variant))
                time.sleep(0.05)
        before, after = (statistics.median(times[v]) for v in ("plain", "compacted"))
        print(f"  {name:28s} {1e3 * before:8.2f} {1e3 * after:10.2f} {before / after:8.2f}x")


if __name__ == "__main__":
    main()
