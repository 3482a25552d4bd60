"""Registry entries for minigrad/ops/activation.py.

relu and leaky_relu stay away from their kink at 0; softplus samples stay away from its
threshold (where PyTorch switches to the identity); the smooth ones take any input.
"""

import numpy as np

from ...ops import activation as A
from ..registry import OpInfo, Sample
from ..strategies import away_from, smooth_normal


def _kinked(rng):
    return [Sample((away_from(smooth_normal(rng, (3, 4)), (0.0,), 0.1),)),
            Sample((away_from(smooth_normal(rng, (2, 3, 2)), (0.0,), 0.1),))]


def _smooth(rng):
    return [Sample((smooth_normal(rng, (3, 4), scale=2.0),)), Sample((smooth_normal(rng, (2, 3, 2)),)),
            Sample((np.array(rng.standard_normal()),))]


def _leaky(rng):
    return [Sample(s.args, {"negative_slope": slope}) for s in _kinked(rng) for slope in (0.01, 0.2)]


def _softplus(rng):
    x = smooth_normal(rng, (3, 4), scale=2.0)
    return [
        Sample((x,)),
        Sample((x,), {"beta": 2.0}),
        # threshold 1 with beta 1: entries above 1 take the identity branch; none sit at the switch
        Sample((away_from(x, (1.0,), 0.2),), {"beta": 1.0, "threshold": 1.0}),
        Sample((away_from(x, (0.5,), 0.2),), {"beta": 2.0, "threshold": 1.0}),
    ]


def _gelu(rng):
    return [Sample(s.args, {"approximate": a}) for s in _smooth(rng) for a in ("none", "tanh")]


def _erf(rng):  # covers the three ranges of the approximation: |x| < 1, 1..8 (and their joins)
    return _smooth(rng) + [Sample((np.array([-3.0, -1.5, -0.99, 1.01, 2.5, 4.0]),))]


def _dims(rng):
    return [Sample((smooth_normal(rng, (3, 4), scale=2.0),), {"dim": d}) for d in (-1, 0)] + [
        Sample((smooth_normal(rng, (2, 3, 4)),), {"dim": 1}),
        Sample((smooth_normal(rng, (5,)),), {"dim": 0}),
    ]


ENTRIES = [
    OpInfo("relu", A.relu, _kinked, (A.ReLU,), torch_fn=lambda torch, x: torch.relu(x)),
    OpInfo("leaky_relu", A.leaky_relu, _leaky, (A.LeakyReLU,),
           torch_fn=lambda torch, x, negative_slope=0.01: torch.nn.functional.leaky_relu(x, negative_slope)),
    OpInfo("sigmoid", A.sigmoid, _smooth, (A.Sigmoid,), torch_fn=lambda torch, x: torch.sigmoid(x)),
    OpInfo("tanh", A.tanh, _smooth, (A.Tanh,), torch_fn=lambda torch, x: torch.tanh(x)),
    OpInfo("softplus", A.softplus, _softplus, (A.Softplus, A.Sigmoid),
           torch_fn=lambda torch, x, **kw: torch.nn.functional.softplus(x, **kw)),
    OpInfo("erf", A.erf, _erf, (A.Erf,), torch_fn=lambda torch, x: torch.erf(x),
           extra={"torch_rtol": 1e-12, "torch_atol": 1e-14}),
    OpInfo("gelu", A.gelu, _gelu, (A.GELU, A.Erf, A.Tanh),
           torch_fn=lambda torch, x, approximate="none": torch.nn.functional.gelu(x, approximate=approximate)),
    OpInfo("softmax", A.softmax, _dims, (A.Softmax,), torch_fn=lambda torch, x, dim: torch.softmax(x, dim)),
    OpInfo("log_softmax", A.log_softmax, _dims, (A.LogSoftmax,),
           torch_fn=lambda torch, x, dim: torch.log_softmax(x, dim)),
]
