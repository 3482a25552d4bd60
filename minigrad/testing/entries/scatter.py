"""Registry entries for minigrad/ops/scatter.py and minigrad/ops/selection.py: scatter,
scatter_add, scatter_reduce, index_add/copy/fill, masked_scatter, index_select, take,
take_along_dim, masked_select.

All are compositions of GetItem, ScatterAdd and IndexPut. Samples that *replace* values
(scatter, index_copy) write each place once: with a repeated place only the last write counts,
so the other values have no effect and finite differences give them no gradient. Samples
that add (scatter_add, index_add) repeat places on purpose. amax/amin keep src and input
values apart (no ties); prod uses values away from 0.
"""

import numpy as np

from ...ops import indexing as I
from ...ops import scatter as SC
from ...ops import selection as SE
from ...ops import shape as SH
from ..registry import OpInfo, Sample
from ..strategies import no_ties, smooth_normal


def _unique_rows(rng, n, shape):
    """An index of ``shape`` whose columns hold distinct values in [0, n) (dim 0 scatter, no repeats)."""
    return np.stack([rng.permutation(n)[:shape[0]] for _ in range(shape[1])], axis=1)


def _scatter(rng):
    return [
        Sample((smooth_normal(rng, (4, 3)), 0, _unique_rows(rng, 4, (2, 3)), smooth_normal(rng, (2, 3)))),
        Sample((smooth_normal(rng, (3, 5)), 1, _unique_rows(rng, 5, (3, 3)).T, smooth_normal(rng, (4, 4)))),
    ]


def _scatter_value(rng):
    return [Sample((smooth_normal(rng, (4, 3)), 0, rng.integers(0, 4, (3, 2)), 1.5))]


def _scatter_add(rng):
    return [
        Sample((smooth_normal(rng, (4, 3)), 0, rng.integers(0, 4, (5, 3)), smooth_normal(rng, (5, 3)))),
        Sample((smooth_normal(rng, (2, 3, 4)), -1, rng.integers(0, 4, (2, 2, 6)), smooth_normal(rng, (2, 3, 7)))),
    ]


def _scatter_reduce(reduce):
    def samples(rng):
        x = no_ties(rng, (3, 7))
        if reduce == "prod":
            x = np.sign(x) * (0.5 + np.abs(x))
        inp, src = x[:, :3].copy(), x[:, 3:].copy()
        index = np.array([[0, 0, 2, 0], [1, 2, 2, 1], [2, 2, 2, 2]])
        return [Sample((inp, 1, index, src, reduce)), Sample((inp, 1, index, src, reduce), {"include_self": False})]

    return samples


def _index_add(rng):
    return [
        Sample((smooth_normal(rng, (4, 3)), 0, np.array([0, 2, 0, 3, 0]), smooth_normal(rng, (5, 3)))),
        Sample((smooth_normal(rng, (2, 5)), 1, np.array([4, 1]), smooth_normal(rng, (2, 2))), {"alpha": -2.0}),
    ]


def _index_copy(rng):
    return [
        Sample((smooth_normal(rng, (4, 3)), 0, np.array([3, 0]), smooth_normal(rng, (2, 3)))),
        Sample((smooth_normal(rng, (2, 5)), -1, np.array([4, 1, 2]), smooth_normal(rng, (2, 3)))),
    ]


def _index_fill(rng):
    return [Sample((smooth_normal(rng, (4, 3)), 0, np.array([3, 0]), -1.5)),
            Sample((smooth_normal(rng, (2, 5)), 1, np.array([-1, 1]), 2.0))]


def _masked_scatter(rng):
    return [Sample((smooth_normal(rng, (3, 4)), rng.random((3, 4)) > 0.5, smooth_normal(rng, (3, 5)))),
            Sample((smooth_normal(rng, (3, 4)), rng.random((4,)) > 0.5, smooth_normal(rng, (12,))))]


def _index_select(rng):
    return [Sample((smooth_normal(rng, (4, 3)), 0, np.array([3, 0, 3]))),
            Sample((smooth_normal(rng, (2, 5, 2)), 1, np.array([4, 1])))]


def _take(rng):
    return [Sample((smooth_normal(rng, (3, 4)), np.array([[0, 11, -1], [5, 5, 2]]))),
            Sample((smooth_normal(rng, (5,)), np.array([4, 0, 4])))]


def _take_along_dim(rng):
    return [
        Sample((smooth_normal(rng, (3, 4)), rng.integers(0, 4, (3, 2)), 1)),
        Sample((smooth_normal(rng, (3, 4)), rng.integers(0, 3, (2, 1)), 0)),  # indices broadcast along dim 1
        Sample((smooth_normal(rng, (3, 4)), rng.integers(0, 12, (5,)))),
    ]


def _masked_select(rng):
    return [Sample((smooth_normal(rng, (3, 4)), rng.random((3, 4)) > 0.5)),
            Sample((smooth_normal(rng, (3, 1)), rng.random((4,)) > 0.3))]


def _torch_src(src, index):
    """torch's scatter backward needs src of index's shape: its leading block (what is read)."""
    return src[tuple(slice(0, n) for n in index.shape)]


ENTRIES = [
    OpInfo("scatter", SC.scatter, _scatter, (I.IndexPut, I.GetItem),
           torch_fn=lambda torch, x, d, i, s: torch.scatter(x, d, i, _torch_src(s, i))),
    OpInfo("scatter_value", SC.scatter, _scatter_value, (I.IndexPut,), torch_fn=lambda torch, *a: torch.scatter(*a)),
    OpInfo("scatter_add_dim", SC.scatter_add, _scatter_add, (I.ScatterAdd, I.GetItem),
           torch_fn=lambda torch, x, d, i, s: torch.scatter_add(x, d, i, _torch_src(s, i))),
    *[OpInfo(f"scatter_reduce_{r}", SC.scatter_reduce, _scatter_reduce(r), (I.IndexPut, I.ScatterAdd, I.GetItem),
             torch_fn=lambda torch, *a, **kw: torch.scatter_reduce(*a, **kw))
      for r in ("sum", "prod", "mean", "amax", "amin")],
    OpInfo("index_add", SC.index_add, _index_add, (I.ScatterAdd,),
           torch_fn=lambda torch, *a, **kw: torch.index_add(*a, **kw)),
    OpInfo("index_copy", SC.index_copy, _index_copy, (I.IndexPut,), torch_fn=lambda torch, *a: torch.index_copy(*a)),
    OpInfo("index_fill", SC.index_fill, _index_fill, (I.IndexPut,), torch_fn=lambda torch, *a: torch.index_fill(*a)),
    OpInfo("masked_scatter", SC.masked_scatter, _masked_scatter, (I.IndexPut,),
           torch_fn=lambda torch, x, m, s: x.masked_scatter(m, s)),
    OpInfo("index_select", SE.index_select, _index_select, (I.GetItem,),
           torch_fn=lambda torch, *a: torch.index_select(*a)),
    OpInfo("take", SE.take, _take, (I.GetItem,), torch_fn=lambda torch, *a: torch.take(*a)),
    OpInfo("take_along_dim", SE.take_along_dim, _take_along_dim, (I.GetItem, SH.BroadcastTo),
           torch_fn=lambda torch, *a: torch.take_along_dim(*a)),
    OpInfo("masked_select", SE.masked_select, _masked_select, (I.GetItem,),
           torch_fn=lambda torch, *a: torch.masked_select(*a)),
]
