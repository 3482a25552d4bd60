"""Registry entries for minigrad/ops/indexing.py: x[index], scatter_add, index_put, gather,
masked_fill.

Indexing only moves values, so every input is smooth. The samples cover each kind of index
and, for the gradient, repeated integer indices (their gradients must add up).
"""

import numpy as np

from ...ops import indexing as I
from ..registry import OpInfo, Sample
from ..strategies import smooth_normal


def _torch_index(torch, index):
    """An index for torch: NumPy arrays (and lists of them) become tensors."""
    items = index if isinstance(index, tuple) else (index,)
    out = tuple(torch.from_numpy(np.ascontiguousarray(i)) if isinstance(i, np.ndarray) else i for i in items)
    return out if isinstance(index, tuple) else out[0]


def _basic(rng):
    x = smooth_normal(rng, (4, 5, 3))
    return [Sample((x,), {"index": i}) for i in (
        1, -1, (1, 2), (slice(1, 3), 0), (Ellipsis, 1), (None, slice(None), 2), (slice(None, None, 2), slice(1, None)),
        (0, Ellipsis, None), (slice(-3, -1), 2, slice(None, 2)),
    )]


def _negative_steps(rng):
    x = smooth_normal(rng, (4, 5, 3))
    return [Sample((x,), {"index": i}) for i in (
        slice(None, None, -1), (slice(3, 0, -2), Ellipsis), (Ellipsis, slice(None, None, -1), 1),
    )]


def _advanced(rng):
    x = smooth_normal(rng, (4, 5, 3))
    return [Sample((x,), {"index": i}) for i in (
        np.array([0, 2, 0, 3, 0]),  # repeats accumulate in the gradient
        (np.array([1, 1, -1]), np.array([0, 4, 4])),
        (slice(None), np.array([[0, 1], [1, 4]])),
        (np.array([3, 3]), slice(1, 3), np.array([2, 2])),
        (Ellipsis, np.array([2, 0, 2])),
        rng.random((4, 5)) > 0.5,  # a boolean mask over the first two dims
        (slice(None), rng.random(5) > 0.3, 1),
    )]


def _scatter_add(rng):
    return [
        Sample((smooth_normal(rng, (5, 3)),), {"index": np.array([0, 2, 0, 1, 0]), "shape": (4, 3)}),
        Sample((smooth_normal(rng, (2, 3)),), {"index": (slice(1, 3), slice(None)), "shape": (4, 3)}),
    ]


def _index_put(rng):
    x = smooth_normal(rng, (4, 3))
    return [
        Sample((x, smooth_normal(rng, (2, 3))), {"index": np.array([0, 2])}),
        Sample((x, smooth_normal(rng, (3,))), {"index": np.array([1, 3])}),  # the value broadcasts
        Sample((x, smooth_normal(rng, (2,))), {"index": (slice(1, 3), 1)}),
        Sample((x, np.array(rng.standard_normal())), {"index": x > 0.3}),
    ]


def _index_put_accumulate(rng):
    x = smooth_normal(rng, (4, 3))
    return [
        Sample((x, smooth_normal(rng, (4, 3))), {"index": np.array([0, 2, 0, 0])}),
        Sample((x, smooth_normal(rng, (3,))), {"index": (np.array([1, 1, 2]),)}),
    ]


def _gather(rng):
    return [
        Sample((smooth_normal(rng, (3, 4)), 1, rng.integers(0, 4, size=(3, 5)))),
        Sample((smooth_normal(rng, (3, 4)), 0, rng.integers(0, 3, size=(2, 4)))),
        Sample((smooth_normal(rng, (2, 3, 4)), -1, rng.integers(0, 4, size=(2, 3, 2)))),
    ]


def _masked_fill(rng):
    return [
        Sample((smooth_normal(rng, (3, 4)), rng.random((3, 4)) > 0.5, -1.5)),
        Sample((smooth_normal(rng, (3, 4)), rng.random((4,)) > 0.5, 2.0)),
    ]


def _torch_index_put(torch, x, v, index, accumulate=False):
    idx = _torch_index(torch, index)
    if not isinstance(idx, tuple):
        idx = (idx,)
    if all(isinstance(i, torch.Tensor) for i in idx):
        return x.index_put(idx, v, accumulate=accumulate)
    y = x.clone()  # slices: torch's index_put takes tensors only; use setitem on a copy
    y[idx] = y[idx] + v if accumulate else v
    return y


ENTRIES = [
    OpInfo("getitem", I.getitem, _basic, (I.GetItem, I.ScatterAdd),
           torch_fn=lambda torch, x, index: x[_torch_index(torch, index)]),
    OpInfo("getitem_negative_step", I.getitem, _negative_steps, (I.GetItem, I.ScatterAdd),
           notes="PyTorch has no negative slice steps: no torch parity"),
    OpInfo("getitem_advanced", I.getitem, _advanced, (I.GetItem, I.ScatterAdd),
           torch_fn=lambda torch, x, index: x[_torch_index(torch, index)]),
    OpInfo("scatter_add", I.scatter_add, _scatter_add, (I.ScatterAdd, I.GetItem),
           torch_fn=lambda torch, v, index, shape: _torch_index_put(
               torch, torch.zeros(shape, dtype=v.dtype), v, index, accumulate=True)),
    OpInfo("index_put", lambda x, v, index: I.index_put(x, index, v), _index_put, (I.IndexPut,),
           torch_fn=_torch_index_put),
    OpInfo("index_put_accumulate", lambda x, v, index: I.index_put(x, index, v, accumulate=True),
           _index_put_accumulate, (I.ScatterAdd,),
           torch_fn=lambda torch, x, v, index: _torch_index_put(torch, x, v, index, accumulate=True)),
    OpInfo("gather", I.gather, _gather, (I.GetItem,), torch_fn=lambda torch, x, d, i: torch.gather(x, d, i)),
    OpInfo("masked_fill", I.masked_fill, _masked_fill, (),
           torch_fn=lambda torch, x, m, v: x.masked_fill(m, v), notes="a where with a constant"),
]
