"""Registry entries for minigrad/ops/arithmetic.py, and for the tensor-bound form of clamp.

reciprocal's inputs stay away from 0, float_power's base is positive (a real exponent of a
negative base is nan); clamp's input stays away from both (tensor) bounds.
"""

import numpy as np

from ...ops import arithmetic as A
from ...ops import elementwise as E
from ..registry import OpInfo, Sample
from ..strategies import away_from, positive, smooth_normal


def _unary(rng):
    return [Sample((smooth_normal(rng, (3, 4)),)), Sample((smooth_normal(rng, (2, 3, 2)),)),
            Sample((smooth_normal(rng, ()),))]


def _nonzero(rng):
    return [Sample((away_from(smooth_normal(rng, (3, 4)), (0.0,), 0.3),)),
            Sample((away_from(smooth_normal(rng, (5,)), (0.0,), 0.3),))]


def _float_power_samples(rng):
    return [Sample((positive(rng, (3, 4)), smooth_normal(rng, (3, 4)))),
            Sample((positive(rng, (2, 3)), smooth_normal(rng, (3,)))),
            Sample((smooth_normal(rng, (2, 3)), 2)), Sample((positive(rng, (2, 3)), 0.5))]


def _lerp_samples(rng):
    return [Sample((smooth_normal(rng, (3, 4)), smooth_normal(rng, (3, 4)), rng.uniform(0, 1, (3, 4)))),
            Sample((smooth_normal(rng, (2, 3, 4)), smooth_normal(rng, (4,)), rng.uniform(0, 1, (3, 1)))),
            Sample((smooth_normal(rng, (3, 4)), smooth_normal(rng, (3, 4)), 0.3)),
            Sample((smooth_normal(rng, (3, 4)), smooth_normal(rng, (3, 4)), 0.8))]


def _bands(rng, shape):
    """Values in (-2, -1.2), (-0.4, 0.4) or (1.2, 2): at least 0.2 from any bound in
    [-1, -0.6] or [0.6, 1]."""
    band = rng.integers(0, 3, size=shape)
    return np.asarray(np.choose(band, [rng.uniform(-2, -1.2, shape), rng.uniform(-0.4, 0.4, shape),
                                       rng.uniform(1.2, 2, shape)]), dtype=np.float64)


def _clamp_tensor_samples(rng):
    """x away from both bounds: below, between and above them (lo <= hi; crossed bounds, where
    PyTorch's gradient differs, are tested in tests/test_ops_arithmetic.py)."""
    lo, hi, x = rng.uniform(-1.0, -0.6, (3, 4)), rng.uniform(0.6, 1.0, (4,)), _bands(rng, (3, 4))
    return [Sample((x, lo, hi)), Sample((_bands(rng, (2, 3, 4)), lo[:1], hi)),
            Sample((x, None, hi)), Sample((x, lo, None)), Sample((x,), {"min": -0.8, "max": 0.8})]


def _clamp(x, lo=None, hi=None, min=None, max=None):
    return E.clamp(x, lo if lo is not None else min, hi if hi is not None else max)


def _torch_clamp(torch, x, lo=None, hi=None, min=None, max=None):
    return torch.clamp(x, lo if lo is not None else min, hi if hi is not None else max)


ENTRIES = [
    OpInfo("square", A.square, _unary, (E.Mul,), torch_fn=lambda torch, x: torch.square(x)),
    OpInfo("reciprocal", A.reciprocal, _nonzero, (E.Div,), torch_fn=lambda torch, x: torch.reciprocal(x)),
    OpInfo("float_power", A.float_power, _float_power_samples, (E.Pow, E.PowScalar, E.Cast), float32=False,
           torch_fn=lambda torch, x, y: torch.float_power(x, y),
           notes="always float64, as PyTorch: no float32 check"),
    OpInfo("lerp", A.lerp, _lerp_samples, (E.Add, E.Mul, E.Sub), broadcasts=True,
           torch_fn=lambda torch, a, b, w: torch.lerp(a, b, w)),
    OpInfo("clamp_tensor", _clamp, _clamp_tensor_samples, (E.Clamp,), torch_fn=_torch_clamp,
           notes="tensor bounds: gradients to x and to the bound that clipped it"),
]
