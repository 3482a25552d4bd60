"""Indexing: x[index], its adjoint scatter-add, index_put (x[index] = v), gather, masked_fill.

An index is anything NumPy takes: ints, slices (negative steps too), None, Ellipsis, boolean
masks, and integer arrays, lists or Tensors (advanced indexing). ``x[index]`` picks elements
of x; each picked element z_j is one x_i, so dz_j/dx_i is 1 when z_j came from x_i. Hence

    dL/dx_i = sum of g_j over every j that picked x_i,

a scatter-add of g into zeros of x's shape. An element picked twice (x[[0, 0]]) gets both
gradients: repeated indices accumulate. Scatter-add is linear in g, and its own adjoint is
picking again, so GetItem and ScatterAdd are each other's backward: second derivatives work.

Notation: docs/notation.md.
"""

import numpy as np

from .. import backend
from ..autograd import views
from ..autograd.function import Function
from ..errors import (ArgumentError, DTypeError, DTypeRuntimeError, IndexDTypeError, IndexOutOfRange,
                      IndexRuntimeError, ShapeError)
from ..tensor import Tensor
from .elementwise import cast, constant


class GetItem(Function):
    """z = x[index].   dL/dx = scatter_add(g, index, x.shape) (repeated indices accumulate)."""

    complex_grad = True  # (ops/complex_numbers.py)

    @staticmethod
    def forward(ctx, x, index):
        ctx.index, ctx.shape = index, x.shape
        return x[index]

    @staticmethod
    def backward(ctx, g):
        return ScatterAdd.apply(g, index=ctx.index, shape=ctx.shape)


class ScatterAdd(Function):
    """z = zeros(shape); z[index] += v, where an index that appears k times adds k values.

    z is linear in v: z_i = sum of v_j over the j with index_j = i, so dz_i/dv_j = 1 exactly
    when index_j = i and dL/dv_j = g[index_j], i.e. dL/dv = g[index] (GetItem again).
    """

    complex_grad = True  # (ops/complex_numbers.py)

    @staticmethod
    def forward(ctx, v, index, shape):
        ctx.index = index
        return scatter_add_array(v, index, shape)

    @staticmethod
    def backward(ctx, g):
        return GetItem.apply(g, index=ctx.index)


class IndexPut(Function):
    """z = x with z[index] = v (a copy; v broadcasts to x[index]'s shape).

    Each z_i is either x_i (not indexed) or a value of v: dL/dx = g with the indexed entries
    set to 0, and dL/dv = g[index] (summed over the broadcast by the engine).
    With repeated indices the last write wins (NumPy's rule), and the gradient for v counts
    every write; avoid repeats when the gradient for v matters.
    """

    complex_grad = True  # (ops/complex_numbers.py)

    @staticmethod
    def forward(ctx, x, v, index):
        ctx.index = index
        z = x.copy()
        z[index] = v
        return z

    @staticmethod
    def backward(ctx, g):
        gx = gv = None
        if ctx.needs_input_grad[0]:
            gx = IndexPut.apply(g, constant(g.xp.zeros((), dtype=g.dtype)), index=ctx.index)
        if ctx.needs_input_grad[1]:
            gv = GetItem.apply(g, index=ctx.index)
        return gx, gv


def scatter_add_array(v, index, shape):
    """Raw arrays: zeros(shape) with v added at index, repeats accumulating.

    Without integer arrays in the index no position repeats, so one assignment does it.
    Otherwise every picked position gets its flat number (picking from arange(size) with the
    same index) and bincount sums the values landing on each position, all vectorised.
    """
    from ..backend import get_array_module

    xp = get_array_module(v)
    if not _has_int_array(index):
        z = xp.zeros(shape, dtype=v.dtype)
        z[index] = v
        return z
    if v.dtype.kind == "c":  # bincount adds real weights only: the two parts one after the other
        z = xp.empty(shape, dtype=v.dtype)
        z.real, z.imag = scatter_add_array(v.real, index, shape), scatter_add_array(v.imag, index, shape)
        return z
    size = int(np.prod(shape))
    positions = xp.arange(size).reshape(shape)[index]
    weights = xp.broadcast_to(v, positions.shape).reshape(-1)
    total = xp.bincount(positions.reshape(-1), weights=weights, minlength=size)
    return total.astype(v.dtype, copy=False).reshape(shape)


def _has_int_array(index):
    return any(getattr(i, "ndim", 0) > 0 and i.dtype.kind in "iu" for i in index)


# ---- checking and normalising an index ----------------------------------------------------------
def normalize_index(x, index, op="getitem"):
    """``index`` as a tuple NumPy (or CuPy) takes on x's array, with out-of-range checks.

    Tensors and lists become arrays on x's device; each integer is checked against the size of
    the dimension it indexes, so the error can name the dim, the index and the size.
    """
    from ..backend import to_device

    items = index if isinstance(index, tuple) else (index,)
    out = []
    for item in items:
        if isinstance(item, Tensor):
            item = item.array
        if isinstance(item, (list, tuple, range)):  # a sequence inside the index is an index array
            item = np.asarray(item) if len(item) else np.zeros(0, dtype=np.int64)
        if hasattr(item, "dtype") and hasattr(item, "ndim"):
            if item.dtype.kind not in "biu":
                raise IndexDTypeError(f"{op}: index arrays must be integers or booleans, got dtype {item.dtype}")
            item = to_device(item, x.device)
        elif not (item is None or item is Ellipsis or isinstance(item, (slice, int, np.integer, bool))):
            raise DTypeError(f"{op}: indices must be integers, slices, None, Ellipsis, boolean masks or "
                             f"integer arrays, got {type(item).__name__}")
        elif isinstance(item, slice) and item.step == 0:
            raise ArgumentError(f"{op}: a slice step cannot be zero")
        out.append(item)
    _check_ranges(x.shape, out, op)
    arrays = [tuple(i.shape) for i in out if getattr(i, "ndim", 0) > 0 and i.dtype.kind in "iu"]
    try:
        np.broadcast_shapes(*arrays)
    except ValueError:
        raise IndexOutOfRange(f"{op}: index arrays of shapes {', '.join(map(str, arrays))} cannot be "
                              "broadcast together") from None
    return tuple(out)


def _dims_used(item):
    if item is None or item is Ellipsis or isinstance(item, bool):
        return 0
    if hasattr(item, "dtype") and item.dtype.kind == "b":
        return item.ndim
    return 1


def _check_ranges(shape, items, op):
    ndim = len(shape)
    used = sum(_dims_used(i) for i in items)
    if sum(i is Ellipsis for i in items) > 1:
        raise IndexOutOfRange(f"{op}: an index can only have a single Ellipsis (...)")
    if used > ndim:
        raise IndexOutOfRange(f"{op}: too many indices for a tensor of dimension {ndim} (shape {tuple(shape)}): "
                              f"{used} were given")
    d = 0
    for item in items:
        if item is Ellipsis:
            d += ndim - used
            continue
        k = _dims_used(item)
        if isinstance(item, (int, np.integer)) and not isinstance(item, bool):
            _check_int(int(item), d, shape[d], op)
        elif hasattr(item, "dtype") and item.dtype.kind in "iu":
            if item.size and backend.is_host(item):  # no wait for the GPU: checked on the CPU only
                lo, hi = int(item.min()), int(item.max())
                _check_int(hi if hi >= shape[d] else lo, d, shape[d], op)
        elif hasattr(item, "dtype") and item.dtype.kind == "b" and item.ndim:
            if tuple(item.shape) != tuple(shape[d:d + k]):
                raise IndexOutOfRange(f"{op}: the boolean mask of shape {tuple(item.shape)} does not match "
                                      f"dimensions {d}..{d + k - 1} of the tensor's shape {tuple(shape)}")
        d += k


def _check_int(i, dim, size, op):
    if not -size <= i < size:
        raise IndexOutOfRange(f"{op}: index {i} is out of range for dimension {dim} with size {size}")


# ---- the functions users call ---------------------------------------------------------------------
def getitem(x, index):
    """x[index] with NumPy's rules; differentiable (repeated indices accumulate gradients).

    Basic indexing (ints, slices, None, ...) gives a view, as in NumPy and PyTorch: it shares
    x's version counter, so writing into it in place is seen by whatever saved x.
    """
    idx = normalize_index(x, index)
    out = GetItem.apply(x, index=idx)
    if not any(getattr(i, "ndim", 0) > 0 or isinstance(i, bool) for i in idx) and \
            views.shares_memory(out.array, x.array):
        views.record_view(out, x, GetItem, {"index": idx})
    return out


def _broadcasts_exactly(shape, target):
    """Whether an array of ``shape`` broadcasts to ``target`` itself (not to something larger)."""
    try:
        return np.broadcast_shapes(shape, target) == target
    except ValueError:
        return False


def scatter_add(v, index, shape):
    """zeros(shape) with v added at ``index`` (repeats accumulate): the adjoint of x[index]."""
    shape = tuple(shape)
    if any(s < 0 for s in shape):
        raise ShapeError(f"scatter_add: shape {shape} has a negative size")
    idx = normalize_index(_Shaped(shape, v), index, "scatter_add")
    target = v.xp.broadcast_to(v.xp.zeros((), dtype=bool), shape)[idx].shape  # a view: nothing allocated
    if not _broadcasts_exactly(v.shape, target):
        raise ShapeError(f"scatter_add: values of shape {tuple(v.shape)} cannot be added into the "
                         f"indexed part of shape {target} (of a tensor of shape {shape})")
    return ScatterAdd.apply(v, index=idx, shape=shape)


def index_put(x, index, value, accumulate=False):
    """A new tensor equal to x with x[index] = value (or += value when ``accumulate``).

    Differentiable with respect to x and value. ``Tensor.__setitem__`` writes its result back.
    """
    idx = normalize_index(x, index, "index_put")
    if not isinstance(value, Tensor):
        value = _fill_value(x, value, "index_put")
    elif value.dtype != x.dtype:
        value = cast(value, x.dtype)
    target = x.array[idx].shape
    if not _broadcasts_exactly(value.shape, target):
        raise ShapeError(f"index_put: a value of shape {tuple(value.shape)} cannot be written into "
                         f"x[index] of shape {tuple(target)} (x has shape {tuple(x.shape)})")
    if accumulate:
        from .shape import broadcast_to

        return x + ScatterAdd.apply(broadcast_to(value, target), index=idx, shape=x.shape)
    return IndexPut.apply(x, value, index=idx)


def gather(x, dim, index, *, sparse_grad=False):
    """out[i][j][k] = x[index[i][j][k]][j][k] for dim=0 (and so on), like torch.gather.

    ``index`` has x's number of dimensions; out has index's shape. Built on getitem with one
    integer array per dimension (arange along the others), so its gradient is a scatter-add.
    ``sparse_grad`` is accepted: the gradient is dense either way (the same values).
    """
    from .shape import normalize_dim

    idx = index.array if isinstance(index, Tensor) else x.xp.asarray(index)
    if idx.dtype.kind not in "iu":  # PyTorch raises RuntimeError here, not IndexError as for x[index]
        raise DTypeRuntimeError(f"gather: the index must be an integer tensor, got dtype {idx.dtype}")
    if idx.ndim != x.ndim:
        raise ShapeError(f"gather: index must have as many dimensions as the input: index shape "
                         f"{tuple(idx.shape)}, input shape {tuple(x.shape)}")
    d = normalize_dim(dim, x.ndim, "gather")
    for k, (ni, nx) in enumerate(zip(idx.shape, x.shape)):
        if k != d and ni > nx:
            raise ShapeError(f"gather: index shape {tuple(idx.shape)} is larger than input shape "
                             f"{tuple(x.shape)} in dimension {k}")
    xp = x.xp
    grids = [xp.arange(n).reshape((1,) * k + (n,) + (1,) * (idx.ndim - k - 1)) for k, n in enumerate(idx.shape)]
    if idx.size and backend.is_host(idx) and not (int(idx.min()) >= 0 and int(idx.max()) < x.shape[d]):  # no negative indices, as in PyTorch
        bad = int(idx.max()) if int(idx.max()) >= x.shape[d] else int(idx.min())
        raise IndexRuntimeError(f"gather: index {bad} is out of range for dimension {d} with size {x.shape[d]}")
    grids[d] = idx
    return getitem(x, tuple(grids))


def masked_fill(x, mask, value):
    """x with ``value`` where ``mask`` is True (mask broadcasts to x); differentiable in x."""
    from .elementwise import where

    mask = mask if isinstance(mask, Tensor) else Tensor._make(x.xp.asarray(mask))
    if mask.dtype.kind != "b":
        raise DTypeRuntimeError(f"masked_fill: the mask must be a bool tensor, got dtype {mask.dtype}")
    if not isinstance(value, Tensor):
        value = _fill_value(x, value, "masked_fill")
    elif value.ndim != 0:
        raise ShapeError(f"masked_fill: value must be a number or a 0-d tensor, got shape {tuple(value.shape)}")
    from .elementwise import check_broadcast

    if check_broadcast("masked_fill", mask.shape, x.shape) != tuple(x.shape):
        raise ShapeError(f"masked_fill: a mask of shape {tuple(mask.shape)} does not broadcast to the "
                         f"tensor's shape {tuple(x.shape)}")
    return where(mask, value, x)


def _fill_value(x, value, op):
    """A number (or array) as a Tensor of x's dtype; one it cannot hold (nan or inf in an
    integer tensor) is an error."""
    try:
        return Tensor._make(x.xp.asarray(value, dtype=x.dtype))
    except (ValueError, OverflowError, TypeError):
        raise DTypeError(f"{op}: the value {value!r} cannot be stored in a tensor of dtype {x.dtype}") from None


class _Shaped:
    """Just a shape and device, for checking an index against a tensor that does not exist yet."""

    def __init__(self, shape, like):
        self.shape, self.device = tuple(shape), like.device


TENSOR_METHODS = {
    "__getitem__": getitem,
    "index_put": index_put,
    "gather": gather,
    "masked_fill": masked_fill,
}
