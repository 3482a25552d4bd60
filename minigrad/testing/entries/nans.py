"""Registry entries for minigrad/ops/nans.py.

Gradient checks need numbers, so the samples hold no NaN: fmax/fmin pairs never tie (each
element's winner is clear), and nan_to_num sees finite values (its gradient there is g).
NaN and infinity handling is tested against torch in tests/test_ops_nans.py.
"""

import numpy as np

from ...ops import nans as N
from ..registry import OpInfo, Sample
from ..strategies import no_ties, smooth_normal


def _no_tie_pair(rng, shape_x, shape_y):
    nx, ny = int(np.prod(shape_x)), int(np.prod(shape_y))
    values = no_ties(rng, (nx + ny,), gap=0.2)
    return values[:nx].reshape(shape_x), values[nx:].reshape(shape_y)


def _pairs(rng):
    return [Sample(_no_tie_pair(rng, (3, 4), (3, 4))), Sample(_no_tie_pair(rng, (2, 3, 4), (4,))),
            Sample(_no_tie_pair(rng, (3, 1), (1, 4)))]


def _finite(rng):
    return [Sample((smooth_normal(rng, (3, 4)),)), Sample((smooth_normal(rng, (2, 3)),), {"nan": 1.0, "posinf": 5.0})]


ENTRIES = [
    OpInfo("fmax", N.fmax, _pairs, (N.Fmax,), broadcasts=True, torch_fn=lambda torch, a, b: torch.fmax(a, b)),
    OpInfo("fmin", N.fmin, _pairs, (N.Fmin,), broadcasts=True, torch_fn=lambda torch, a, b: torch.fmin(a, b)),
    OpInfo("nan_to_num", N.nan_to_num, _finite, (N.NanToNum,),
           torch_fn=lambda torch, x, **kw: torch.nan_to_num(x, **kw)),
]
