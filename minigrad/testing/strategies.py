"""Inputs for gradient checks: NumPy helpers and hypothesis strategies.

Finite differences only agree with a gradient where the function is smooth. ReLU has a
kink at 0, ``abs`` too, ``max`` jumps when two values tie, ``log`` and ``sqrt`` blow up
near 0. A sample that lands on such a point makes a correct op fail its check (or, worse,
a wrong one pass), so inputs are built to keep away from them *by construction*.

Two kinds of tools live here:

- plain NumPy helpers (``smooth_normal``, ``positive``, ``away_from``, ``no_ties``,
  ``distinct``, ``uniform``, ``unit_interval``), which take a ``numpy.random.Generator``
  and return float64 arrays. Registry entries use them in ``sample_inputs(rng)``.
  They need NumPy only.
- hypothesis strategies (``shapes``, ``broadcastable_shapes``, ``arrays``, ``tensors``,
  ...) for property tests. hypothesis is imported when one of them is first called, so
  ``import minigrad.testing.strategies`` works without it.
"""

import numpy as np

# ---- NumPy helpers: rng -> float64 array, kinks kept away by construction ---------------


def smooth_normal(rng, shape, scale=1.0):
    """Standard normal values times ``scale`` (for ops smooth everywhere: exp, tanh, +, *)."""
    return scale * rng.standard_normal(shape)


def uniform(rng, shape, low=-1.0, high=1.0):
    """Uniform values in [low, high)."""
    return rng.uniform(low, high, size=shape)


def positive(rng, shape, low=0.5, high=2.0):
    """Values in [low, high), away from 0 (for log, sqrt, division, pow with a real exponent)."""
    if low <= 0:
        raise ValueError(f"positive: low must be > 0, got {low}")
    return rng.uniform(low, high, size=shape)


def unit_interval(rng, shape, margin=0.1):
    """Values in [margin, 1 - margin] (probabilities for BCE, inputs of atanh-like ops)."""
    return rng.uniform(margin, 1.0 - margin, size=shape)


def away_from(values, points=(0.0,), margin=0.1):
    """``values`` with every entry at least ``margin`` away from each kink in ``points``.

    An entry closer than ``margin`` to a kink ``p`` is pushed to ``p +- margin`` on its own
    side (so the sign pattern, e.g. which inputs ReLU lets through, is kept). Kinks closer
    than ``2 * margin`` to each other are handled one after the other; choose a margin
    smaller than half their distance. Returns a new float64 array.

    >>> away_from(np.array([-0.01, 0.0, 0.3]), (0.0,), 0.1)
    array([-0.1,  0.1,  0.3])
    """
    out = np.array(values, dtype=np.float64, copy=True)
    for p in np.atleast_1d(np.asarray(points, dtype=np.float64)):
        d = out - p
        near = np.abs(d) < margin
        out[near] = p + np.where(d[near] < 0, -margin, margin)
    return out


def no_ties(rng, shape, gap=0.1, scale=1.0):
    """Values whose every pair differs by at least ``gap * scale`` (max/min/sort without ties).

    A random permutation of evenly spaced values, centered on 0 and jittered by less than
    half the gap, so no two entries are close, on any axis.
    """
    shape = tuple(np.atleast_1d(shape).astype(int)) if not isinstance(shape, tuple) else shape
    n = int(np.prod(shape, dtype=np.int64))
    base = (np.arange(n) - (n - 1) / 2.0) * gap
    base = base + rng.uniform(-0.25 * gap, 0.25 * gap, size=n)
    return (scale * rng.permutation(base)).reshape(shape)


def distinct(values, margin=1e-2):
    """``values`` changed as little as needed so every pair differs by at least ``margin``.

    Sorted, each value is raised to at least ``margin`` above the previous one, and put
    back in its place: order is kept, and no two entries tie (for max, min, sort, median).
    Returns a new float64 array of the same shape.
    """
    arr = np.array(values, dtype=np.float64, copy=True)
    flat = arr.reshape(-1)
    order = np.argsort(flat, kind="stable")
    s = flat[order]
    # s'_i = max_{j<=i}(s_j - j*margin) + i*margin: the smallest non-decreasing fix
    k = np.arange(s.size) * margin
    fixed = np.maximum.accumulate(s - k) + k
    flat[order] = fixed
    return arr


# ---- hypothesis strategies (hypothesis is imported on first use) -------------------------


def _st():
    try:
        from hypothesis import strategies as st
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError(
            "minigrad.testing.strategies: the hypothesis strategies need hypothesis; "
            "install the test extra: pip install 'minigrad[test]'"
        ) from e
    return st
