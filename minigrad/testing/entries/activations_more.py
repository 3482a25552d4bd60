"""Registry entries for minigrad/ops/activations_piecewise.py and activations_smooth.py.

Piecewise samples keep every element away from the function's kinks and jumps: hardtanh's
min_val and max_val, relu6's 0 and 6, hardsigmoid's and hardswish's -3 and 3, the shrinks'
+-lambd, threshold's threshold, and 0 for prelu and the exponential units (whose second
derivative jumps there). rrelu in training draws random slopes, so it is checked in
tests/test_ops_activation.py against its own draw, not here; its evaluation form is here.
"""

import numpy as np

from ...ops import activation as A
from ...ops import activations_piecewise as P
from ...ops import activations_smooth as S
from ...ops import elementwise as E
from ..registry import OpInfo, Sample
from ..strategies import away_from, smooth_normal


def _away(rng, shape, points, scale=1.0, margin=0.1):
    return away_from(smooth_normal(rng, shape, scale=scale), points, margin)


def _samples(points, scale=2.0, **kwargs):
    """A sample builder: (3, 4) and (2, 3, 2) inputs kept away from ``points``."""
    def build(rng):
        return [Sample((_away(rng, (3, 4), points, scale),), dict(kwargs)),
                Sample((_away(rng, (2, 3, 2), points, scale),), dict(kwargs))]
    return build


def _hardtanh(rng):
    return _samples((-1.0, 1.0))(rng) + [Sample((_away(rng, (3, 4), (-2.0, 0.5), 2.0),),
                                                {"min_val": -2.0, "max_val": 0.5})]


def _smooth(rng):
    return [Sample((smooth_normal(rng, (3, 4), scale=3.0),)), Sample((smooth_normal(rng, (2, 3, 2)),)),
            Sample((np.array(rng.standard_normal()),))]


def _elu(rng):
    return _samples((0.0,))(rng) + [Sample((_away(rng, (3, 4), (0.0,), 2.0),), {"alpha": a}) for a in (0.5, 2.0)]


def _threshold(rng):
    return [Sample((_away(rng, (3, 4), (0.3,), 2.0), 0.3, -2.0)), Sample((_away(rng, (5,), (-0.5,)), -0.5, 1.0))]


def _prelu(rng):
    return [Sample((_away(rng, (3, 4), (0.0,), 2.0), rng.uniform(0.05, 0.5, (4,)))),
            Sample((_away(rng, (2, 3, 2, 2), (0.0,)), rng.uniform(0.05, 0.5, (1,)))),
            Sample((_away(rng, (2, 3, 5), (0.0,)), rng.uniform(0.05, 0.5, (3,)))),
            Sample((_away(rng, (4,), (0.0,)), rng.uniform(0.05, 0.5, (1,))))]


def _rrelu_eval(rng):
    return _samples((0.0,))(rng) + [Sample((_away(rng, (3, 4), (0.0,)),), {"lower": 0.1, "upper": 0.5})]


def _dims(rng):
    return [Sample((smooth_normal(rng, (3, 4), scale=2.0),), {"dim": d}) for d in (-1, 0)] + [
        Sample((smooth_normal(rng, (2, 3, 4)),), {"dim": 1})]


def _glu(rng):
    return [Sample((smooth_normal(rng, (3, 4), scale=2.0),)), Sample((smooth_normal(rng, (2, 6, 3)),), {"dim": 1}),
            Sample((smooth_normal(rng, (4, 2)),), {"dim": 0})]


def _softmax2d(rng):
    return [Sample((smooth_normal(rng, (2, 3, 2, 2)),)), Sample((smooth_normal(rng, (3, 2, 4)),))]


def _torch(name):
    return lambda torch, *args, **kw: getattr(torch.nn.functional, name)(*args, **kw)


def _piecewise(name, samples):
    return OpInfo(name, getattr(P, name), samples, (E.Where,), torch_fn=_torch(name))


ENTRIES = [
    _piecewise("hardtanh", _hardtanh),
    _piecewise("relu6", _samples((0.0, 6.0), scale=5.0)),
    _piecewise("hardsigmoid", _samples((-3.0, 3.0), scale=4.0)),
    _piecewise("hardswish", _samples((-3.0, 3.0), scale=4.0)),
    _piecewise("hardshrink", _samples((-0.5, 0.5))),
    OpInfo("softshrink", P.softshrink, lambda rng: _samples((-0.5, 0.5))(rng) + _samples((-1.0, 1.0), lambd=1.0)(rng),
           (E.Where,), torch_fn=_torch("softshrink")),
    _piecewise("threshold", _threshold),
    _piecewise("prelu", _prelu),
    OpInfo("rrelu_eval", P.rrelu, _rrelu_eval, (A.LeakyReLU,), torch_fn=_torch("rrelu"),
           notes="training=False: a leaky relu with slope (lower + upper) / 2"),
    OpInfo("elu", S.elu, _elu, (S.ELU,), torch_fn=_torch("elu")),
    OpInfo("celu", S.celu, _elu, (S.ELU,), torch_fn=_torch("celu")),
    OpInfo("selu", S.selu, _samples((0.0,)), (S.ELU,), torch_fn=_torch("selu")),
    OpInfo("logsigmoid", S.logsigmoid, _smooth, (S.LogSigmoid, A.Sigmoid), torch_fn=_torch("logsigmoid")),
    OpInfo("silu", S.silu, _smooth, (A.Sigmoid,), torch_fn=_torch("silu")),
    OpInfo("mish", S.mish, _smooth, (A.Softplus, A.Tanh), torch_fn=_torch("mish")),
    OpInfo("softsign", S.softsign, _samples((0.0,)), (E.Abs,), torch_fn=_torch("softsign")),
    OpInfo("tanhshrink", S.tanhshrink, _smooth, (A.Tanh,), torch_fn=_torch("tanhshrink")),
    OpInfo("softmin", S.softmin, _dims, (A.Softmax,), torch_fn=_torch("softmin")),
    OpInfo("softmax2d", S.softmax2d, _softmax2d, (A.Softmax,),
           torch_fn=lambda torch, x: torch.nn.Softmax2d()(x)),
    OpInfo("glu", S.glu, _glu, (A.Sigmoid,), torch_fn=_torch("glu")),
]
