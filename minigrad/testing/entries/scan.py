"""Registry entries for minigrad/ops/scan.py.

cumprod is a polynomial, smooth everywhere, so its samples include exact zeros (one and two
in a row) to check the zero-safe backward; cummax/cummin never tie (no_ties), so each running
value has one source.
"""

import numpy as np

from ...ops import scan as C
from ...ops.indexing import GetItem
from ..registry import OpInfo, Sample
from ..strategies import no_ties, smooth_normal


def _along_dims(draw):
    def samples(rng):
        x = draw(rng, (3, 4))
        return [Sample((x, 1)), Sample((x, 0)), Sample((draw(rng, (2, 3, 4)), -2)), Sample((draw(rng, (5,)), 0)),
                Sample((np.asarray(draw(rng, ())), 0))]

    return samples


def _normal(rng, shape):
    return smooth_normal(rng, shape)


def _with_zeros(rng, shape):
    x = smooth_normal(rng, shape)
    flat = x.reshape(-1)
    if flat.size >= 4:
        flat[1] = 0.0
        flat[-2:] = 0.0  # two zeros in one slice: every gradient in it before them is 0
    return x


def _cumprod_samples(rng):
    return _along_dims(_normal)(rng) + _along_dims(_with_zeros)(rng)[:4]


def _no_ties(rng, shape):
    return no_ties(rng, shape, gap=0.2) if shape else smooth_normal(rng, shape)


ENTRIES = [
    OpInfo("cumsum", C.cumsum, _along_dims(_normal), (C.Cumsum,), torch_fn=lambda torch, x, d: torch.cumsum(x, d)),
    OpInfo("cumprod", C.cumprod, _cumprod_samples, (C.Cumprod,),
           torch_fn=lambda torch, x, d: torch.cumprod(x, d),
           notes="samples with zeros take the n x n path of the backward"),
    OpInfo("cummax", lambda x, d: C.cummax(x, d).values, _along_dims(_no_ties), (GetItem,),
           torch_fn=lambda torch, x, d: torch.cummax(x, d).values),
    OpInfo("cummin", lambda x, d: C.cummin(x, d).values, _along_dims(_no_ties), (GetItem,),
           torch_fn=lambda torch, x, d: torch.cummin(x, d).values),
    OpInfo("logcumsumexp", C.logcumsumexp, _along_dims(_normal), (C.LogCumSumExp,),
           torch_fn=lambda torch, x, d: torch.logcumsumexp(x, d)),
]
