"""Registry entries for minigrad/ops/reduction_more.py.

prod is a polynomial, so its samples include exact zeros (one, and two in a slice) to check the
division-free backward; aminmax never ties; nansum/nanmean see no NaN here (their NaN rule is
tested against torch in tests/test_ops_reduction_more.py).
"""

import numpy as np

from ...ops import reduction_more as M
from ...ops.reduction import Amax, Amin, Mean, Sum, Var
from ...ops.elementwise import Where
from ..registry import OpInfo, Sample
from ..strategies import no_ties, smooth_normal


def _prod_samples(rng):
    x = smooth_normal(rng, (3, 4))
    one_zero, two_zeros = x.copy(), x.copy()
    one_zero[1, 2] = 0.0
    two_zeros[0, 1] = two_zeros[0, 3] = 0.0
    return [Sample((x,)), Sample((x, 1)), Sample((x, 0), {"keepdim": True}), Sample((one_zero, 1)),
            Sample((two_zeros, 1)), Sample((one_zero,)), Sample((np.asarray(rng.standard_normal()),))]


def _spread_samples(rng):
    x = smooth_normal(rng, (3, 4))
    return [Sample((x,)), Sample((x, 1)), Sample((x, (0, 1)), {"keepdim": True}),
            Sample((x, 0), {"correction": 0})]


def _nan_samples(rng):
    x = smooth_normal(rng, (3, 4))
    return [Sample((x,)), Sample((x, 1)), Sample((x, (0, 1)), {"keepdim": True})]


def _aminmax_samples(rng):
    x = no_ties(rng, (3, 4), gap=0.2)
    return [Sample((x,)), Sample((x,), {"dim": 1}), Sample((x,), {"dim": 0, "keepdim": True})]


ENTRIES = [
    OpInfo("prod", M.prod, _prod_samples, (M.Prod,), torch_fn=lambda torch, x, *a, **k: torch.prod(x, *a, **k),
           notes="samples with zeros take the exclusive-cumprod path"),
    OpInfo("aminmax", M.aminmax, _aminmax_samples, (Amax, Amin),
           torch_fn=lambda torch, x, **k: tuple(torch.aminmax(x, **k))),
    OpInfo("var_mean", M.var_mean, _spread_samples, (Var, Mean),
           torch_fn=lambda torch, x, *a, **k: torch.var_mean(x, *a, **k)),
    OpInfo("std_mean", M.std_mean, _spread_samples, (Var, Mean, Where),
           torch_fn=lambda torch, x, *a, **k: torch.std_mean(x, *a, **k)),
    OpInfo("nansum", M.nansum, _nan_samples, (Sum, Where), torch_fn=lambda torch, x, *a, **k: torch.nansum(x, *a, **k)),
    OpInfo("nanmean", M.nanmean, _nan_samples, (Sum, Where),
           torch_fn=lambda torch, x, *a, **k: torch.nanmean(x, *a, **k)),
]
