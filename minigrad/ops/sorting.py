"""Sorting and order statistics: sort, argsort, msort, topk, kthvalue, median, nanmedian, mode.

All of them are compositions, not new Functions. Each finds *indices* first, on raw arrays
(an argsort: a permutation has derivative zero almost everywhere, so the indices are
constants), then picks the values with ``gather`` (a GetItem):

    values = gather(x, dim, indices)      dL/dx = scatter-add of g at ``indices``

so the gradient of each output value goes to the element of x it came from, and second
derivatives work because GetItem and ScatterAdd are each other's backward.

Ties (PyTorch's conventions): sort's gradient goes to the element that moved to each place;
topk, kthvalue, median and mode give it to the index they return. Which of several equal
elements is returned is not specified by PyTorch (minigrad's sort is always stable). NaN
counts as larger than every number, as in PyTorch: it sorts last (first when descending),
and median returns NaN when a slice holds one (nanmedian skips them).
"""

from collections import namedtuple

import numpy as np

from ..backend import get_array_module as _xp  # NumPy or CuPy, whichever holds the arrays
from ..errors import DTypeError, ShapeError
from ..tensor import Tensor
from .indexing import gather
from .shape import normalize_dim, reshape, squeeze

# The (values, indices) pairs PyTorch returns as torch.return_types.<name>.
SortResult = namedtuple("sort", ["values", "indices"])
TopkResult = namedtuple("topk", ["values", "indices"])
KthvalueResult = namedtuple("kthvalue", ["values", "indices"])
MedianResult = namedtuple("median", ["values", "indices"])
NanmedianResult = namedtuple("nanmedian", ["values", "indices"])
ModeResult = namedtuple("mode", ["values", "indices"])


def argsort_array(a, axis, descending=False):
    """Indices that sort the raw array ``a`` along ``axis``, stably (equal elements keep their order).

    Descending and stable: sort the reversed array ascending, reverse the result, and map the
    positions back (i -> n - 1 - i). Equal elements then come out in their original order,
    and NaN (last when ascending) comes first, as in PyTorch.
    """
    xp = _xp(a)
    if not descending:
        return xp.argsort(a, axis=axis, kind="stable")
    n = a.shape[axis]
    flipped = xp.flip(a, axis=axis)
    order = xp.flip(xp.argsort(flipped, axis=axis, kind="stable"), axis=axis)
    return (n - 1) - order


def _index_tensor(array):
    return Tensor._make(array.astype(np.int64, copy=False))


def _as_1d(x):
    """0-d tensors sort like one-element 1-d tensors (PyTorch accepts dim 0 and -1 on them)."""
    return reshape(x, (1,)) if x.ndim == 0 else x


def _pick(x, dim, order, keepdim, result):
    """values, indices = the entries of x at ``order`` (an index array with a size-1 ``dim``)."""
    values = gather(x, dim, _index_tensor(order))
    indices = _index_tensor(order)
    if not keepdim:
        values, indices = squeeze(values, dim), squeeze(indices, dim)
    return result(values, indices)


def _check_sortable(x, op):
    if x.dtype.kind == "c":
        raise DTypeError(f"{op}: complex tensors have no order, got dtype {x.dtype}")


# ---- sort and argsort ---------------------------------------------------------------------------
def sort(input, dim=-1, descending=False, stable=False):
    """(values, indices): ``input`` sorted along ``dim``; values = gather(input, dim, indices).

    The sort is always stable (``stable=False`` allows any order of ties; a stable one is one of
    them). The gradient of values[j] flows to input[indices[j]].
    """
    _check_sortable(input, "sort")
    x = _as_1d(input)
    d = normalize_dim(dim, x.ndim, "sort")
    order = argsort_array(x.array, d, descending)
    values, indices = gather(x, d, _index_tensor(order)), _index_tensor(order)
    if input.ndim == 0:
        values, indices = reshape(values, ()), reshape(indices, ())
    return SortResult(values, indices)


def argsort(input, dim=-1, descending=False, stable=False):
    """The indices of ``sort`` (int64; not differentiable)."""
    return sort(input, dim, descending, stable).indices


def msort(input):
    """Sorted along the first dimension: sort(input, dim=0).values."""
    return sort(input, dim=0).values


# ---- topk and kthvalue ---------------------------------------------------------------------------
def topk(input, k, dim=-1, largest=True, sorted=True):
    """(values, indices) of the k largest (``largest=False``: smallest) entries along ``dim``.

    The first k of a stable sort: sorted from the most extreme, and of equal entries the one
    that comes first in ``input`` is taken first (what PyTorch does on the CPU).
    """
    _check_sortable(input, "topk")
    x = _as_1d(input)
    d = normalize_dim(dim, x.ndim, "topk")
    k = int(k)
    if not 0 <= k <= x.shape[d]:
        raise ShapeError(f"topk: k ({k}) is out of range for dimension {d} of size {x.shape[d]} "
                         f"(shape {tuple(input.shape)})")
    order = argsort_array(x.array, d, descending=largest)
    order = order[(slice(None),) * d + (slice(0, k),)]
    values, indices = gather(x, d, _index_tensor(order)), _index_tensor(order)
    if input.ndim == 0:
        values, indices = reshape(values, ()), reshape(indices, ())
    return TopkResult(values, indices)


def kthvalue(input, k, dim=-1, keepdim=False):
    """(values, indices) of the k-th smallest entry along ``dim`` (k counts from 1)."""
    _check_sortable(input, "kthvalue")
    x = _as_1d(input)
    d = normalize_dim(dim, x.ndim, "kthvalue")
    k = int(k)
    if not 1 <= k <= x.shape[d]:
        raise ShapeError(f"kthvalue: k ({k}) is out of range for dimension {d} of size {x.shape[d]} "
                         f"(shape {tuple(input.shape)}); k counts from 1")
    order = argsort_array(x.array, d)[(slice(None),) * d + (slice(k - 1, k),)]
    return _squeeze_0d(_pick(x, d, order, keepdim or input.ndim == 0, KthvalueResult), input, keepdim)


def _squeeze_0d(result, input, keepdim):
    """A 0-d input gives 0-d results (it was handled as shape (1,))."""
    if input.ndim == 0:
        return type(result)(reshape(result.values, ()), reshape(result.indices, ()))
    return result


# ---- median, nanmedian, mode -----------------------------------------------------------------------
def _median_position(a, d, skip_nan):
    """The place in the sorted slice of the (lower) median, as an index array with a size-1 ``d``.

    NaNs sort last, so a slice holding ``valid`` numbers has its lower median at
    (valid - 1) // 2 among them. ``median`` returns a NaN when there is one: the first one,
    at place ``valid``; ``nanmedian`` ignores them (all NaN: place 0, itself a NaN).
    """
    xp = _xp(a)
    n = a.shape[d]
    valid = (~xp.isnan(a)).sum(axis=d, keepdims=True) if a.dtype.kind == "f" else xp.full(
        a.shape[:d] + (1,) + a.shape[d + 1:], n)
    if skip_nan:
        return xp.maximum((valid - 1) // 2, 0)
    return xp.where(valid < n, valid, (n - 1) // 2)


def _median(input, dim, keepdim, skip_nan, op, result):
    _check_sortable(input, op)
    if dim is None:  # the global median: one value, no index (PyTorch's median(input))
        if input.numel() == 0:
            raise ShapeError(f"{op}: cannot take the median of an empty tensor (shape {tuple(input.shape)})")
        flat = reshape(input, (-1,))
        return _median(flat, 0, False, skip_nan, op, result).values
    x = _as_1d(input)
    d = normalize_dim(dim, x.ndim, op)
    if x.shape[d] == 0:
        raise ShapeError(f"{op}: dimension {d} of shape {tuple(input.shape)} is empty")
    order = argsort_array(x.array, d)
    place = _median_position(x.array, d, skip_nan)
    picked = _xp(order).take_along_axis(order, place, axis=d)
    return _squeeze_0d(_pick(x, d, picked, keepdim or input.ndim == 0, result), input, keepdim)


def median(input, dim=None, keepdim=False):
    """The lower median: of n values sorted, the one at place (n - 1) // 2 (no averaging).

    ``median(input)`` is the median of all elements (a 0-d tensor); ``median(input, dim)``
    gives (values, indices) along ``dim``. A slice holding NaN has median NaN.
    """
    return _median(input, dim, keepdim, False, "median", MedianResult)


def nanmedian(input, dim=None, keepdim=False):
    """Like ``median``, but NaNs are left out (the median of the numbers in each slice)."""
    return _median(input, dim, keepdim, True, "nanmedian", NanmedianResult)


def mode(input, dim=-1, keepdim=False):
    """(values, indices): the most frequent value along ``dim`` and where it occurs.

    Of values equally frequent the smallest wins, and the index is its last occurrence
    (PyTorch's CPU results). Vectorised: sort the slice, mark where a run of equal values
    starts, number the runs (cumsum), count each run (bincount over row * n + run), then the
    first place with the largest count is the start of the winning run.
    """
    _check_sortable(input, "mode")
    x = _as_1d(input)
    d = normalize_dim(dim, x.ndim, "mode")
    n = x.shape[d]
    if n == 0:
        raise ShapeError(f"mode: dimension {d} of shape {tuple(input.shape)} is empty")
    xp = x.xp
    a = xp.moveaxis(x.array, d, -1).reshape(-1, n)  # one row per slice
    order = xp.argsort(a, axis=-1, kind="stable")
    s = xp.take_along_axis(a, order, axis=-1)
    starts = xp.ones(s.shape, dtype=bool)
    starts[:, 1:] = s[:, 1:] != s[:, :-1]
    run = xp.cumsum(starts, axis=-1) - 1
    rows = xp.arange(s.shape[0])[:, None]
    counts = xp.bincount((rows * n + run).reshape(-1), minlength=s.shape[0] * n)[rows * n + run]
    first = xp.argmax(counts, axis=-1)[:, None]  # the start of the longest run (smallest value on ties)
    last = first + xp.take_along_axis(counts, first, axis=-1) - 1
    picked = xp.take_along_axis(order, last, axis=-1)  # its last occurrence in input
    picked = xp.moveaxis(picked.reshape(xp.moveaxis(x.array, d, -1).shape[:-1] + (1,)), -1, d)
    return _squeeze_0d(_pick(x, d, picked, keepdim or input.ndim == 0, ModeResult), input, keepdim)


TENSOR_METHODS = {
    "sort": sort, "argsort": argsort, "msort": msort, "topk": topk, "kthvalue": kthvalue,
    "median": median, "nanmedian": nanmedian, "mode": mode,
}
