"""Searching sorted data, finding distinct values, membership and flat positions:
searchsorted, bucketize, unique, unique_consecutive, isin, unravel_index.

Their results are integer positions or counts, or a set of values whose derivative PyTorch
does not define either: none of them is part of the graph.
"""

import numpy as np

from ..errors import ArgumentRuntimeError, DTypeError, IndexRuntimeError, ShapeError
from ..tensor import Tensor
from .shape import normalize_dim


def _raw(x, like=None):
    from ..backend import to_device

    if isinstance(x, Tensor):
        return x.array
    a = np.asarray(x)
    return to_device(a, like.device) if like is not None else a


def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, sorter=None):
    """For each value v of ``input``, the place i in ``sorted_sequence`` where v would go to keep
    it sorted: seq[i-1] < v <= seq[i] (``right=True`` or ``side='right'``: seq[i-1] <= v < seq[i]).

    A 1-d sequence serves every value. An n-d one holds one sorted row per leading index, and
    input's leading dimensions must match it: row r answers input[r]. Rows are searched all
    at once by counting, per value, the row's entries below it (<= for 'right').
    ``sorter``: indices that sort the sequence (it is then read in that order).
    """
    if side is not None:
        if side not in ("left", "right"):
            raise ArgumentRuntimeError(f"searchsorted: side must be 'left' or 'right', got {side!r}")
        if right and side == "left":
            raise ArgumentRuntimeError("searchsorted: side='left' and right=True contradict each other")
        right = side == "right"
    seq = _raw(sorted_sequence)
    scalar = not isinstance(input, Tensor) and np.ndim(input) == 0
    values = _raw(input, sorted_sequence)
    from ..backend import get_array_module

    xp = get_array_module(seq)
    if sorter is not None:
        seq = xp.take_along_axis(seq, _raw(sorter, sorted_sequence).astype(np.int64), axis=-1)
    dtype = np.int32 if out_int32 else np.int64
    if seq.ndim <= 1:
        out = xp.searchsorted(seq.reshape(-1), values, side="right" if right else "left")
        return Tensor._make(xp.asarray(out).astype(dtype))
    if scalar or values.ndim != seq.ndim or values.shape[:-1] != seq.shape[:-1]:
        raise ShapeError(f"searchsorted: the sequence (shape {tuple(seq.shape)}) must be 1-d, or its leading "
                         f"dimensions must match the input's (shape {tuple(np.shape(values))})")
    below = seq[..., None, :] <= values[..., :, None] if right else seq[..., None, :] < values[..., :, None]
    return Tensor._make(below.sum(axis=-1).astype(dtype))


def bucketize(input, boundaries, *, out_int32=False, right=False):
    """The bucket of each value of ``input`` among the sorted 1-d ``boundaries``:
    i with boundaries[i-1] < v <= boundaries[i] (``right=True``: boundaries[i-1] <= v < boundaries[i]),
    i.e. searchsorted(boundaries, input, right=right)."""
    b = _raw(boundaries)
    if b.ndim != 1:
        raise ShapeError(f"bucketize: boundaries must be 1-d, got shape {tuple(b.shape)}")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


def _wrap(values, inverse, counts, return_inverse, return_counts):
    out = [Tensor._make(values)]
    if return_inverse:
        out.append(Tensor._make(inverse.astype(np.int64)))
    if return_counts:
        out.append(Tensor._make(counts.astype(np.int64)))
    return out[0] if len(out) == 1 else tuple(out)


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """The distinct values of ``input`` (always sorted, as PyTorch does on the CPU), or with
    ``dim`` the distinct slices along it. ``return_inverse``: for each input element (or
    slice), the place of its value in the result; ``return_counts``: how often each occurs."""
    xp = input.xp
    a = input.array
    if dim is None:
        values, inverse, counts = xp.unique(a.reshape(-1), return_inverse=True, return_counts=True)
        return _wrap(values, inverse.reshape(a.shape), counts, return_inverse, return_counts)
    d = normalize_dim(dim, input.ndim, "unique")
    rows = xp.moveaxis(a, d, 0).reshape(a.shape[d], -1)
    values, inverse, counts = xp.unique(rows, axis=0, return_inverse=True, return_counts=True)
    values = xp.moveaxis(values.reshape((-1,) + tuple(xp.moveaxis(a, d, 0).shape[1:])), 0, d)
    return _wrap(values, inverse.reshape(-1), counts, return_inverse, return_counts)


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    """Each run of equal consecutive values (or slices along ``dim``) squeezed to one:
    [1, 1, 2, 2, 3, 1] -> [1, 2, 3, 1]. A run starts where an element differs from the one
    before; the inverse is the running count of starts, the counts the gaps between starts."""
    xp = input.xp
    a = input.array
    if dim is None:
        rows = a.reshape(-1, 1)
    else:
        d = normalize_dim(dim, input.ndim, "unique_consecutive")
        rows = xp.moveaxis(a, d, 0).reshape(a.shape[d], -1)
    n = rows.shape[0]
    starts = xp.ones(n, dtype=bool)
    if n > 1:
        starts[1:] = (rows[1:] != rows[:-1]).any(axis=1)
    first = xp.nonzero(starts)[0]
    inverse = xp.cumsum(starts) - 1
    counts = xp.diff(xp.concatenate([first, xp.asarray([n])]))
    if dim is None:
        return _wrap(a.reshape(-1)[first], inverse.reshape(a.shape), counts, return_inverse, return_counts)
    moved = xp.moveaxis(a, d, 0)
    values = xp.moveaxis(moved[first], 0, d)
    return _wrap(values, inverse, counts, return_inverse, return_counts)


def isin(elements, test_elements, *, assume_unique=False, invert=False):
    """A bool tensor of elements' shape: True where the element equals one of test_elements
    (False there with ``invert``). Either argument may be a scalar."""
    if not isinstance(elements, Tensor) and not isinstance(test_elements, Tensor):
        raise DTypeError("isin: at least one of elements and test_elements must be a tensor")
    like = elements if isinstance(elements, Tensor) else test_elements
    a, b = _raw(elements, like), _raw(test_elements, like)
    return Tensor._make(like.xp.isin(a, b, assume_unique=assume_unique, invert=invert))


def unravel_index(indices, shape):
    """The coordinates of flat (row-major) indices into a tensor of ``shape``: a tuple of int64
    tensors, one per dimension, each of indices' shape. Negative indices count from the end."""
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(int(s) for s in shape)
    idx = _raw(indices)
    if idx.dtype.kind not in "iu":
        raise DTypeError(f"unravel_index: expected integer indices, got dtype {idx.dtype}")
    if any(s < 0 for s in shape):
        raise ArgumentRuntimeError(f"unravel_index: the shape must be non-negative, got {shape}")
    size = int(np.prod(shape))
    if idx.size and (int(idx.max()) >= size or int(idx.min()) < -size):
        raise IndexRuntimeError(f"unravel_index: an index is out of bounds for shape {shape} "
                                f"({size} elements): indices range over [{int(idx.min())}, {int(idx.max())}]")
    xp = indices.xp if isinstance(indices, Tensor) else np
    coords = xp.unravel_index(xp.where(idx < 0, idx + size, idx), shape)
    return tuple(Tensor._make(c.astype(np.int64)) for c in coords)


TENSOR_METHODS = {"unique": unique, "unique_consecutive": unique_consecutive}
