"""Registry entries for minigrad/ops/sorting.py: sort, topk, kthvalue, median, nanmedian, mode, msort.

They pick values by gather (GetItem), so the gradient goes to the picked element. Samples
have no ties (``no_ties``), so which element is picked is unique and agrees with PyTorch.
"""

import numpy as np

from ...ops import indexing as I
from ...ops import sorting as S
from ..registry import OpInfo, Sample
from ..strategies import no_ties


def _sort(rng):
    return [Sample((no_ties(rng, (3, 5)),)), Sample((no_ties(rng, (3, 5)),), {"dim": 0, "descending": True}),
            Sample((no_ties(rng, (2, 3, 4)),), {"dim": 1, "stable": True}), Sample((no_ties(rng, (6,)),))]


def _topk(rng):
    return [Sample((no_ties(rng, (3, 5)), 2)), Sample((no_ties(rng, (4, 3)), 3), {"dim": 0, "largest": False}),
            Sample((no_ties(rng, (2, 3, 4)), 1), {"dim": -2})]


def _kthvalue(rng):
    return [Sample((no_ties(rng, (3, 5)), 2)), Sample((no_ties(rng, (4, 3)), 4), {"dim": 0, "keepdim": True}),
            Sample((no_ties(rng, (2, 3, 4)), 1), {"dim": 1})]


def _median(rng):
    return [Sample((no_ties(rng, (3, 5)),), {"dim": 1}), Sample((no_ties(rng, (4, 3)),), {"dim": 0, "keepdim": True}),
            Sample((no_ties(rng, (2, 3, 4)),), {"dim": -1})]


def _median_all(rng):
    return [Sample((no_ties(rng, (3, 5)),)), Sample((no_ties(rng, (4,)),)), Sample((no_ties(rng, (2, 3, 2)),))]


def _nanmedian(rng):
    x = no_ties(rng, (3, 5))
    x[0, 1] = x[2, 4] = x[2, 0] = np.nan  # rows with 4, 5 and 3 numbers
    return [Sample((x,), {"dim": 1})]


def _mode(rng):
    # With repeated values a finite difference splits a run, so the mode itself jumps: only
    # distinct values (each its own run; the mode is then the smallest) can be gradchecked.
    # tests/test_ops_sorting.py checks values and indices with repeats against PyTorch.
    return [Sample((no_ties(rng, (3, 6)),)), Sample((no_ties(rng, (4, 3)),), {"dim": 0})]


def _msort(rng):
    return [Sample((no_ties(rng, (4, 3)),)), Sample((no_ties(rng, (3, 2, 2)),))]


ENTRIES = [
    OpInfo("sort", S.sort, _sort, (I.GetItem, I.ScatterAdd),
           torch_fn=lambda torch, x, **kw: torch.sort(x, **kw)),
    OpInfo("topk", S.topk, _topk, (I.GetItem,), torch_fn=lambda torch, x, k, **kw: torch.topk(x, k, **kw)),
    OpInfo("kthvalue", S.kthvalue, _kthvalue, (I.GetItem,),
           torch_fn=lambda torch, x, k, **kw: torch.kthvalue(x, k, **kw)),
    OpInfo("median_dim", S.median, _median, (I.GetItem,), torch_fn=lambda torch, x, **kw: torch.median(x, **kw)),
    OpInfo("median", S.median, _median_all, (I.GetItem,), torch_fn=lambda torch, x: torch.median(x),
           notes="the lower median of all elements"),
    OpInfo("nanmedian", S.nanmedian, _nanmedian, (I.GetItem,),
           torch_fn=lambda torch, x, **kw: torch.nanmedian(x, **kw)),
    OpInfo("mode", S.mode, _mode, (I.GetItem,), torch_fn=lambda torch, x, **kw: torch.mode(x, **kw)),
    OpInfo("msort", S.msort, _msort, (I.GetItem,), torch_fn=lambda torch, x: torch.msort(x)),
]
