"""What one elementwise pass costs on this machine: NumPy's float32 loops, in ns per element.

The floor counts matrix products only, but every workload also runs elementwise passes, and
their cost differs between machines far more than a GEMM's does: NumPy runs vector loops for
exp and tanh only where the CPU has the instructions its build dispatches them to (measured:
about 0.35 ns per float32 exp on an AVX-512 machine, about 3 ns on an AVX2-only one, where
the loop is a scalar one), while torch brings its own vector exp. So the report prints these
rates with the CPU's SIMD extensions: they say how much of a miss the machine explains
(softmax is one exp per score, an LSTM step three σ blocks and two tanh).
"""

import time

import numpy as np

ELEMENTS = 1 << 20  # 4 MB of float32: the size of a W5 score block, well past the L2 cache
REPEATS = 7


def _best_ns(fn, elements):
    fn()
    best = float("inf")
    for _ in range(REPEATS):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best * 1e9 / elements


def simd_extensions():
    """The vector extensions NumPy found on this CPU, widest first (AVX512F, AVX2, ...)."""
    try:
        from numpy._core._multiarray_umath import __cpu_features__ as found
    except ImportError:  # NumPy < 2
        from numpy.core._multiarray_umath import __cpu_features__ as found
    order = ("AVX512_SPR", "AVX512_ICL", "AVX512_SKX", "AVX512F", "AVX2", "FMA3", "AVX", "SSE42",
             "ASIMD", "NEON", "VSX", "VX")
    return [name for name in order if found.get(name)]


def measure(elements=ELEMENTS):
    """{"exp": ns, "tanh": ns, "multiply": ns} per float32 element (the best of REPEATS passes
    over ``elements`` numbers from N(0, 4)), and "simd": the CPU's extensions."""
    x = np.random.default_rng(0).normal(0.0, 2.0, elements).astype(np.float32)
    out = np.empty_like(x)
    rates = {"exp": _best_ns(lambda: np.exp(x, out=out), elements),
             "tanh": _best_ns(lambda: np.tanh(x, out=out), elements),
             "multiply": _best_ns(lambda: np.multiply(x, x, out=out), elements)}
    rates["simd"] = simd_extensions()
    return rates


def format_rates(rates):
    """One line of the report."""
    simd = ", ".join(rates["simd"]) or "none found"
    return (f"NumPy float32 passes, ns per element (1 M elements): exp {rates['exp']:.2f}, "
            f"tanh {rates['tanh']:.2f}, multiply {rates['multiply']:.2f}  (CPU SIMD: {simd})")
