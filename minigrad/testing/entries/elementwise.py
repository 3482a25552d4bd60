"""Registry entries for minigrad/ops/elementwise.py.

Samples keep away from each op's kinks by construction: log, sqrt and a tensor exponent get
positive inputs, abs stays away from 0, maximum/minimum never tie, clamp stays away from its
bounds, division stays away from a zero denominator.
"""

import numpy as np

from ...ops import elementwise as E
from ..registry import OpInfo, Sample
from ..strategies import away_from, no_ties, positive, smooth_normal


def _scalar(rng, positive=False):
    """A 0-d float64 array (not a numpy scalar, so it becomes a Tensor)."""
    return np.array(rng.uniform(0.5, 2.0) if positive else rng.standard_normal())


def _binary(rng, low=None):
    """Pairs of same-shaped and broadcasting inputs (second operand from ``low`` when given)."""
    second = (lambda s: positive(rng, s)) if low == "positive" else (lambda s: smooth_normal(rng, s))
    return [
        Sample((smooth_normal(rng, (3, 4)), second((3, 4)))),
        Sample((smooth_normal(rng, (2, 3, 4)), second((4,)))),
        Sample((smooth_normal(rng, (3, 1)), second((1, 4)))),
        Sample((_scalar(rng), second((2, 3)))),
    ]


def _with_scalars(rng):
    return _binary(rng) + [Sample((smooth_normal(rng, (2, 3)), 2.5)), Sample((1.5, smooth_normal(rng, (2, 3))))]


def _div_samples(rng):
    def denominator(shape):  # |y| in [0.5, 2], either sign
        return positive(rng, shape) * rng.choice([-1.0, 1.0], size=shape)

    return [
        Sample((smooth_normal(rng, (3, 4)), denominator((3, 4)))),
        Sample((smooth_normal(rng, (2, 3, 4)), denominator((4,)))),
        Sample((smooth_normal(rng, (3, 1)), denominator((1, 4)))),
        Sample((smooth_normal(rng, (2, 3)), 2.5)),
        Sample((1.5, denominator((2, 3)))),
    ]


def _unary(rng):
    return [Sample((smooth_normal(rng, (3, 4)),)), Sample((smooth_normal(rng, (2, 3, 2)),)),
            Sample((_scalar(rng),))]


def _positive_unary(rng):
    return [Sample((positive(rng, (3, 4)),)), Sample((positive(rng, (2, 3, 2)),)),
            Sample((_scalar(rng, positive=True),))]


def _abs_samples(rng):
    return [Sample((away_from(smooth_normal(rng, (3, 4)), (0.0,), 0.2),)),
            Sample((away_from(smooth_normal(rng, (5,)), (0.0,), 0.2),))]


def _pow_samples(rng):
    return [
        Sample((positive(rng, (3, 4)), smooth_normal(rng, (3, 4)))),
        Sample((positive(rng, (2, 3)), smooth_normal(rng, (3,)))),
        Sample((positive(rng, (2, 1)), smooth_normal(rng, (1, 3)))),
    ]


def _pow_scalar_samples(rng):
    x = smooth_normal(rng, (3, 4))
    return [Sample((x, 2)), Sample((x, 3)), Sample((x, 1)), Sample((x, 0)), Sample((positive(rng, (3, 4)), 0.5)),
            Sample((positive(rng, (2, 3)), -1.5)), Sample((_scalar(rng, positive=True), 2.5))]


def _no_tie_pair(rng, shape_x, shape_y):
    """x and y drawn together from values at least 0.2 apart, so max(x, y) never ties,
    whatever broadcasting pairs up."""
    nx, ny = int(np.prod(shape_x)), int(np.prod(shape_y))
    values = no_ties(rng, (nx + ny,), gap=0.2)
    return values[:nx].reshape(shape_x), values[nx:].reshape(shape_y)


def _max_samples(rng):
    return [Sample(_no_tie_pair(rng, (3, 4), (3, 4))), Sample(_no_tie_pair(rng, (2, 3, 4), (4,))),
            Sample(_no_tie_pair(rng, (3, 1), (1, 4)))]


def _where_samples(rng):
    return [
        Sample((rng.random((3, 4)) > 0.5, smooth_normal(rng, (3, 4)), smooth_normal(rng, (3, 4)))),
        Sample((rng.random((3, 1)) > 0.5, smooth_normal(rng, (3, 4)), smooth_normal(rng, (4,)))),
    ]


def _clamp_samples(rng):
    x = away_from(rng.uniform(-2, 2, size=(4, 5)), (-0.5, 0.7), 0.1)
    return [Sample((x,), {"min": -0.5, "max": 0.7}), Sample((x,), {"min": -0.5}), Sample((x,), {"max": 0.7})]


def _torch_clamp(torch, x, min=None, max=None):
    return torch.clamp(x, min=min, max=max)


def _straight_through_cast(x):
    """Cast through float32 and back, in a form finite differences can check.

    A float32 round trip rounds away the tiny steps of a finite difference, so it cannot be
    checked directly. r(x) - r(x).detach() + x.detach() has the value x exactly (smooth), and its
    gradient flows only through the two Casts (the detached terms are constants): Cast's
    backward must give exactly 1.
    """
    r = E.cast(E.cast(x, "float32"), x.dtype)
    return r - r.detach() + x.detach()


def _torch_straight_through_cast(torch, x):
    r = x.to(torch.float32).to(x.dtype)
    return r - r.detach() + x.detach()


ENTRIES = [
    OpInfo("add", E.add, _with_scalars, (E.Add,), broadcasts=True, torch_fn=lambda torch, a, b: torch.add(a, b)),
    OpInfo("add_alpha", lambda a, b: E.add(a, b, alpha=-2.0), _binary, (E.Add, E.Mul), broadcasts=True,
           torch_fn=lambda torch, a, b: torch.add(a, b, alpha=-2.0)),
    OpInfo("sub", E.sub, _with_scalars, (E.Sub,), broadcasts=True, torch_fn=lambda torch, a, b: torch.sub(a, b)),
    OpInfo("mul", E.mul, _with_scalars, (E.Mul,), broadcasts=True, torch_fn=lambda torch, a, b: torch.mul(a, b)),
    OpInfo("div", E.div, _div_samples, (E.Div,), broadcasts=True, torch_fn=lambda torch, a, b: torch.div(a, b)),
    OpInfo("neg", E.neg, _unary, (E.Neg,), torch_fn=lambda torch, x: torch.neg(x)),
    OpInfo("pow", E.pow, _pow_samples, (E.Pow,), broadcasts=True, torch_fn=lambda torch, a, b: torch.pow(a, b),
           notes="positive base: d/dy x**y = x**y log x needs x > 0"),
    OpInfo("pow_scalar", E.pow, _pow_scalar_samples, (E.PowScalar,), torch_fn=lambda torch, x, p: torch.pow(x, p)),
    OpInfo("exp", E.exp, _unary, (E.Exp,), torch_fn=lambda torch, x: torch.exp(x)),
    OpInfo("log", E.log, _positive_unary, (E.Log,), torch_fn=lambda torch, x: torch.log(x)),
    OpInfo("sqrt", E.sqrt, _positive_unary, (E.Sqrt,), torch_fn=lambda torch, x: torch.sqrt(x)),
    OpInfo("abs", E.abs, _abs_samples, (E.Abs,), torch_fn=lambda torch, x: torch.abs(x)),
    OpInfo("sin", E.sin, _unary, (E.Sin,), torch_fn=lambda torch, x: torch.sin(x)),
    OpInfo("cos", E.cos, _unary, (E.Cos,), torch_fn=lambda torch, x: torch.cos(x)),
    OpInfo("maximum", E.maximum, _max_samples, (E.Maximum,), broadcasts=True,
           torch_fn=lambda torch, a, b: torch.maximum(a, b)),
    OpInfo("minimum", E.minimum, _max_samples, (E.Minimum,), broadcasts=True,
           torch_fn=lambda torch, a, b: torch.minimum(a, b)),
    OpInfo("where", E.where, _where_samples, (E.Where,),
           torch_fn=lambda torch, c, a, b: torch.where(torch.as_tensor(c), a, b)),
    OpInfo("clamp", E.clamp, _clamp_samples, (E.Clamp,), torch_fn=_torch_clamp),
    OpInfo("clone", E.clone, _unary, (E.Clone,), torch_fn=lambda torch, x: torch.clone(x)),
    OpInfo("cast", _straight_through_cast, _unary, (E.Cast,), torch_fn=_torch_straight_through_cast,
           double_backward=False,
           notes="checked in a straight-through form (see _straight_through_cast); no gradgradcheck: "
                 "the gradient itself is rounded to float32 on its way back, which finite differences "
                 "cannot see through"),
    OpInfo("to_device", lambda x: E.ToDevice.apply(x, device=x.device), _unary, (E.ToDevice,),
           torch_fn=lambda torch, x: x.to("cpu"), notes="a copy to the tensor's own device"),
]
