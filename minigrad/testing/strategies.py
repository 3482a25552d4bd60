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

import functools

import numpy as np

# ---- NumPy helpers: rng -> float64 array, kinks kept away by construction ---------------


def smooth_normal(rng, shape, scale=1.0):
    """Standard normal values times ``scale`` (for ops smooth everywhere: exp, tanh, +, *)."""
    return np.asarray(scale * rng.standard_normal(shape))  # a 0-d array, not a scalar, for shape ()


def uniform(rng, shape, low=-1.0, high=1.0):
    """Uniform values in [low, high)."""
    return np.asarray(rng.uniform(low, high, size=shape))


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


def noncontiguous(array):
    """The same values in non-contiguous memory: axes stored in reverse order, every other slot.

    The view lives in a NaN-filled buffer twice as large, so an op that ignores strides
    and reads raw memory picks up NaNs and fails loudly. 0-d and one-element arrays are
    returned as copies (they cannot be non-contiguous in a useful way).
    """
    a = np.asarray(array)
    if a.size <= 1:
        return a.copy()
    buf = np.full(a.shape[::-1] + (2,), np.nan, dtype=a.dtype) if a.dtype.kind == "f" else \
        np.zeros(a.shape[::-1] + (2,), dtype=a.dtype)
    view = buf[..., 0].transpose(tuple(range(a.ndim))[::-1])
    view[...] = a
    return view


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


def _lazy_composite(fn):
    """Like ``hypothesis.strategies.composite``, but hypothesis is imported at the first call."""

    @functools.wraps(fn)
    def strategy(*args, **kwargs):
        return _st().composite(fn)(*args, **kwargs)

    return strategy


def _hnp():
    _st()
    from hypothesis.extra import numpy as hnp

    return hnp


def seeds():
    """Seeds for ``numpy.random.default_rng``: lets hypothesis choose (and replay) sample inputs."""
    return _st().integers(min_value=0, max_value=2**32 - 1)


def shapes(min_dims=0, max_dims=3, min_side=1, max_side=4):
    """Array shapes: tuples of ``min_dims..max_dims`` sides, each in ``min_side..max_side``."""
    st = _st()
    return st.lists(st.integers(min_side, max_side), min_size=min_dims, max_size=max_dims).map(tuple)


def broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, min_side=1, max_side=4):
    """Tuples of ``num_shapes`` shapes that broadcast together (sides of 1, missing leading axes)."""
    return _hnp().mutually_broadcastable_shapes(num_shapes=num_shapes, min_dims=min_dims, max_dims=max_dims,
                                                min_side=min_side, max_side=max_side).map(
        lambda b: tuple(b.input_shapes))


def broadcastable_pair(min_dims=0, max_dims=3, min_side=1, max_side=4):
    """Pairs of shapes (a, b) that broadcast together."""
    return broadcastable_shapes(2, min_dims, max_dims, min_side, max_side)


def arrays(shape, dtype=np.float64, low=-3.0, high=3.0, kinks=(), margin=0.1, distinct_margin=None):
    """float NumPy arrays of ``shape`` (a tuple or a strategy of tuples), values in [low, high].

    kinks: points to keep ``margin`` away from (``away_from``), e.g. ``(0.0,)`` for relu/abs.
    distinct_margin: when set, every pair of values differs by at least this much (``distinct``),
    e.g. for max, min, sort.
    """
    st, hnp = _st(), _hnp()
    elements = st.floats(min_value=low, max_value=high, allow_nan=False, allow_infinity=False, width=64)

    def fix(a):
        a = a.astype(np.float64)
        if len(kinks):
            a = away_from(a, kinks, margin)
        if distinct_margin is not None:
            a = distinct(a, distinct_margin)
        return a.astype(dtype)

    return hnp.arrays(np.float64, shape, elements=elements).map(fix)


def positive_arrays(shape, dtype=np.float64, low=0.5, high=2.0):
    """float arrays with values in [low, high], away from 0 (log, sqrt, division)."""
    if low <= 0:
        raise ValueError(f"positive_arrays: low must be > 0, got {low}")
    return arrays(shape, dtype, low, high)


@_lazy_composite
def tensors(draw, shape=None, dtype=np.float64, requires_grad=True, noncontiguous_ok=True, device="cpu",
            **array_kwargs):
    """minigrad Tensors: ``arrays(shape, **array_kwargs)`` as tensors, sometimes non-contiguous.

    shape: a tuple, a strategy of tuples, or None for ``shapes()``. With ``noncontiguous_ok``
    hypothesis also draws strided views with permuted axes (``noncontiguous``) holding the
    same values, so every property is tested on both memory layouts.
    """
    from .. import backend
    from ..tensor import Tensor

    st = _st()
    if shape is None:
        shape = shapes()
    if not isinstance(shape, tuple):
        shape = draw(shape)
    a = draw(arrays(shape, np.float64, **array_kwargs)).astype(dtype)
    if noncontiguous_ok and draw(st.booleans()):
        a = noncontiguous(a)
    t = Tensor._make(backend.to_device(a, device))
    return t.requires_grad_() if requires_grad else t
