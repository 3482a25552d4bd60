"""Registry entries for minigrad/ops/trigonometric.py.

Samples stay inside each function's smooth domain: tan in (-1.2, 1.2) (away from pi/2),
asin/acos/atanh in (-0.8, 0.8), acosh above 1.2, atan2 away from its cut (x < 0, y = 0),
hypot away from the origin.
"""

import numpy as np

from ...ops import trigonometric as T
from ..registry import OpInfo, Sample
from ..strategies import away_from, smooth_normal, uniform


def _unary(low=None, high=None):
    def samples(rng):
        draw = (lambda s: smooth_normal(rng, s)) if low is None else (lambda s: uniform(rng, s, low, high))
        return [Sample((draw((3, 4)),)), Sample((draw((2, 3, 2)),)), Sample((np.asarray(draw(())),))]

    return samples


def _atan2_samples(rng):
    def y(shape):
        return away_from(smooth_normal(rng, shape), (0.0,), 0.2)

    return [Sample((y((3, 4)), smooth_normal(rng, (3, 4)))), Sample((y((2, 3, 4)), smooth_normal(rng, (4,)))),
            Sample((y((3, 1)), smooth_normal(rng, (1, 4))))]


def _hypot_samples(rng):
    def x(shape):
        return away_from(smooth_normal(rng, shape), (0.0,), 0.2)

    return [Sample((x((3, 4)), smooth_normal(rng, (3, 4)))), Sample((x((2, 3, 4)), smooth_normal(rng, (4,)))),
            Sample((x((3, 1)), x((1, 4))))]


def _unary_entry(name, low=None, high=None):
    op = getattr(T, name)
    cls = {"asin": T.Asin, "acos": T.Acos, "atan": T.Atan, "tan": T.Tan, "sinh": T.Sinh, "cosh": T.Cosh,
           "asinh": T.Asinh, "acosh": T.Acosh, "atanh": T.Atanh}.get(name)
    return OpInfo(name, op, _unary(low, high), (cls,) if cls else (),
                  torch_fn=lambda torch, x: getattr(torch, name)(x))


ENTRIES = [
    _unary_entry("tan", -1.2, 1.2),
    _unary_entry("asin", -0.8, 0.8),
    _unary_entry("acos", -0.8, 0.8),
    _unary_entry("atan"),
    _unary_entry("sinh"),
    _unary_entry("cosh"),
    _unary_entry("asinh"),
    _unary_entry("acosh", 1.2, 3.0),
    _unary_entry("atanh", -0.8, 0.8),
    _unary_entry("deg2rad"),
    _unary_entry("rad2deg"),
    OpInfo("atan2", T.atan2, _atan2_samples, (T.Atan2,), broadcasts=True,
           torch_fn=lambda torch, y, x: torch.atan2(y, x)),
    OpInfo("hypot", T.hypot, _hypot_samples, (T.Hypot,), broadcasts=True,
           torch_fn=lambda torch, x, y: torch.hypot(x, y)),
]
