"""Registry entries for minigrad/ops/reduction.py.

max/min/amax/amin samples have no ties (``no_ties``): where two elements tie for the maximum,
the function has a kink. Ties get their own tests (tests/test_ops_reduction.py).
"""

import numpy as np

from ...ops import reduction as R
from ..registry import OpInfo, Sample
from ..strategies import no_ties, smooth_normal


def _dims(make):
    def samples(rng):
        return [
            Sample((make(rng, (3, 4)),)),
            Sample((make(rng, (3, 4)),), {"dim": 1}),
            Sample((make(rng, (3, 4)),), {"dim": 0, "keepdim": True}),
            Sample((make(rng, (2, 3, 4)),), {"dim": (0, 2)}),
            Sample((make(rng, (2, 3, 4)),), {"dim": -1, "keepdim": True}),
            Sample((np.array(make(rng, (1,))[0]),)),
        ]

    return samples


def _one_dim(make):
    def samples(rng):
        return [
            Sample((make(rng, (3, 4)),), {"dim": 1}),
            Sample((make(rng, (3, 4)),), {"dim": 0, "keepdim": True}),
            Sample((make(rng, (2, 3, 4)),), {"dim": -2}),
        ]

    return samples


def _var_samples(rng):
    x, y = smooth_normal(rng, (3, 4)), smooth_normal(rng, (2, 3, 4))
    return [
        Sample((x,)),
        Sample((x,), {"dim": 1}),
        Sample((x,), {"dim": 0, "keepdim": True, "correction": 0}),
        Sample((y,), {"dim": (0, 2), "unbiased": False}),
        Sample((y,), {"dim": -1, "correction": 2}),
    ]


def _std_samples(rng):  # std = sqrt(var) needs a variance away from 0: spread-out samples
    return _var_samples(rng)


def _torch_var(fn):
    def call(torch, x, dim=None, keepdim=False, unbiased=None, correction=None):
        if correction is None:
            correction = 0 if unbiased is False else 1
        return getattr(torch, fn)(x, dim=dim, correction=correction, keepdim=keepdim)

    return call


def _normal(rng, shape):
    return smooth_normal(rng, shape)


def _torch_reduce(fn):
    def call(torch, x, dim=None, keepdim=False):
        if dim is None:
            return getattr(torch, fn)(x)
        return getattr(torch, fn)(x, dim=dim, keepdim=keepdim)

    return call


def _torch_amax(fn):
    def call(torch, x, dim=None, keepdim=False):
        return getattr(torch, fn)(x, dim=() if dim is None else dim, keepdim=keepdim)

    return call


ENTRIES = [
    OpInfo("sum", R.sum, _dims(_normal), (R.Sum,), torch_fn=_torch_reduce("sum")),
    OpInfo("mean", R.mean, _dims(_normal), (R.Mean,), torch_fn=_torch_reduce("mean")),
    OpInfo("amax", R.amax, _dims(no_ties), (R.Amax,), torch_fn=_torch_amax("amax")),
    OpInfo("amin", R.amin, _dims(no_ties), (R.Amin,), torch_fn=_torch_amax("amin")),
    OpInfo("max", R.max, lambda rng: [Sample((no_ties(rng, (3, 4)),))], (R.Amax,),
           torch_fn=lambda torch, x: torch.max(x), notes="max of all elements"),
    OpInfo("min", R.min, lambda rng: [Sample((no_ties(rng, (3, 4)),))], (R.Amin,),
           torch_fn=lambda torch, x: torch.min(x), notes="min of all elements"),
    OpInfo("max_dim", lambda x, **kw: R.max(x, **kw).values, _one_dim(no_ties), (),
           torch_fn=lambda torch, x, **kw: torch.max(x, **kw).values,
           notes="values of max(x, dim): a gather at the argmax (GetItem)"),
    OpInfo("min_dim", lambda x, **kw: R.min(x, **kw).values, _one_dim(no_ties), (),
           torch_fn=lambda torch, x, **kw: torch.min(x, **kw).values),
    OpInfo("var", R.var, _var_samples, (R.Var,), torch_fn=_torch_var("var")),
    OpInfo("std", R.std, _std_samples, (R.Var,), torch_fn=_torch_var("std")),
    OpInfo("logsumexp", R.logsumexp, _dims(lambda rng, s: smooth_normal(rng, s, scale=3.0)), (R.LogSumExp,),
           torch_fn=lambda torch, x, dim=None, keepdim=False: torch.logsumexp(
               x, dim=tuple(range(x.ndim)) if dim is None else dim, keepdim=keepdim)),
]
