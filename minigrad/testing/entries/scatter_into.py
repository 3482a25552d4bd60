"""Registry entries for minigrad/ops/scatter_into.py (compositions of index_put and scatter_reduce).

Integer arguments (indices, dims) stay as they are; index_reduce's amax samples have no ties
between the values meeting at one place, so its subgradient is never split.
"""

import numpy as np

from ...ops import scatter_into as S
from ..registry import OpInfo, Sample
from ..strategies import no_ties, smooth_normal


def _select_scatter(rng):
    return [Sample((smooth_normal(rng, (3, 4, 5)), smooth_normal(rng, (3, 5))), {"dim": 1, "index": 2}),
            Sample((smooth_normal(rng, (3, 4)), smooth_normal(rng, (4,))), {"dim": 0, "index": -1})]


def _slice_scatter(rng):
    return [Sample((smooth_normal(rng, (3, 6)), smooth_normal(rng, (3, 2))), {"dim": 1, "start": 1, "end": 5, "step": 2})]


def _diagonal_scatter(rng):
    return [Sample((smooth_normal(rng, (3, 4, 5)), smooth_normal(rng, (4, 3))), {"offset": 1, "dim1": 0, "dim2": 2}),
            Sample((smooth_normal(rng, (4, 4)), smooth_normal(rng, (3,))), {"offset": -1})]


def _put(rng):
    index = np.array([0, 7, -1, 3])
    return [Sample((smooth_normal(rng, (3, 4)), index, smooth_normal(rng, (4,)))),
            Sample((smooth_normal(rng, (3, 4)), np.array([1, 1, 5]), smooth_normal(rng, (3,))), {"accumulate": True})]


def _index_reduce(reduce):
    def samples(rng):
        draw = no_ties if reduce in ("amax", "amin") else smooth_normal
        index = np.array([0, 2, 0, 1])
        return [Sample((draw(rng, (3, 3)), 1, index, draw(rng, (3, 4)), reduce)),
                Sample((draw(rng, (3, 3)), 1, index, draw(rng, (3, 4)), reduce), {"include_self": False})]
    return samples


def _torch_index_reduce(torch, x, dim, index, source, reduce, **kw):
    return x.index_reduce(dim, index, source, reduce, **kw)


ENTRIES = [
    OpInfo("select_scatter", S.select_scatter, _select_scatter, (),
           torch_fn=lambda torch, x, src, **kw: torch.select_scatter(x, src, **kw)),
    OpInfo("slice_scatter", S.slice_scatter, _slice_scatter, (),
           torch_fn=lambda torch, x, src, **kw: torch.slice_scatter(x, src, **kw)),
    OpInfo("diagonal_scatter", S.diagonal_scatter, _diagonal_scatter, (),
           torch_fn=lambda torch, x, src, **kw: torch.diagonal_scatter(x, src, **kw)),
    OpInfo("put", lambda x, i, s, **kw: S.put(x, _tensor(i), s, **kw), _put, (),
           torch_fn=lambda torch, x, i, s, **kw: x.put(i, s, **kw)),
] + [OpInfo(f"index_reduce_{r}", lambda x, d, i, s, r, **kw: S.index_reduce(x, d, _tensor(i), s, r, **kw),
            _index_reduce(r), (), torch_fn=_torch_index_reduce) for r in ("prod", "mean", "amax", "amin")]


def _tensor(a):
    from ...tensor import Tensor

    return a if isinstance(a, Tensor) else Tensor._make(a)
