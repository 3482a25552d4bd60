"""Writing into a tensor at indices: scatter, scatter_add, scatter_reduce, index_add, index_copy,
index_fill, masked_scatter, and their in-place forms (``x.scatter_(...)``, ...).

Every op here is a composition of the indexing primitives (no new Function):

- ``IndexPut``: z = x with z[index] = v; dL/dx = g with the written places zeroed, dL/dv = g[index];
- ``ScatterAdd``: z = zeros with v added at index (repeats add up); dL/dv = g[index].

The "scatter" ops take an ``index`` shaped like ``src`` (or a part of it) and write along
one ``dim``: for dim = 1,

    out[i][index[i][j]] (op)= src[i][j]

which is x[(rows, index)] with an integer array per dimension (the other dimensions count
0, 1, 2, ... as in ``gather``). The "index" ops take a 1-d ``index`` that picks whole slices
along ``dim``: out[:, index[j]] (op)= source[:, j].

Repeated places: ``scatter``/``index_copy`` keep one of the written values (PyTorch does not
say which; here the last one); ``scatter_add``/``index_add`` add them all up.
"""

import numpy as np

from .. import backend
from ..errors import (ArgumentRuntimeError, IndexOutOfRange, IndexRuntimeError, IndexShapeError, ShapeError,
                      UnsupportedDType)
from ..tensor import Tensor
from .elementwise import cast, constant
from .indexing import GetItem, IndexPut, ScatterAdd, getitem, normalize_index
from .shape import normalize_dim, reshape


# ---- checking indices ---------------------------------------------------------------------------
def index_array(index, x, op):
    """``index`` (a Tensor, array or list) as an integer array on x's device."""
    from ..backend import as_array, to_device

    arr = index.array if isinstance(index, Tensor) else as_array(index)
    if arr.dtype.kind not in "iu" and not (arr.size == 0 and arr.dtype.kind == "f"):
        raise UnsupportedDType(f"{op}: the index must be an integer tensor (int64), got dtype {arr.dtype}")
    return to_device(arr.astype(np.int64, copy=False), x.device)


def _check_bounds(idx, size, dim, op, negative=False, error=IndexRuntimeError):
    """Every index in [0, size) (or in [-size, size) when ``negative`` is allowed)."""
    if idx.size == 0 or not backend.is_host(idx):  # no wait for the GPU: checked on the CPU only
        return
    lo, hi = int(idx.min()), int(idx.max())
    low = -size if negative else 0
    if lo < low or hi >= size:
        bad = lo if lo < low else hi
        raise error(f"{op}: index {bad} is out of bounds for dimension {dim} with size {size}")


def scatter_positions(x, dim, index, op, src=None):
    """(dim, the index as one integer array per dimension of x) for the scatter ops.

    ``index`` has x's number of dimensions and is no larger than x except along ``dim``
    (and no larger than ``src`` anywhere); its values are places along ``dim``.
    """
    idx = index_array(index, x, op)
    if idx.ndim != x.ndim:
        raise ShapeError(f"{op}: the index must have as many dimensions as the input: index shape "
                         f"{tuple(idx.shape)}, input shape {tuple(x.shape)}")
    d = normalize_dim(dim, x.ndim, op)
    for k, (ni, nx) in enumerate(zip(idx.shape, x.shape)):
        if k != d and ni > nx:
            raise ShapeError(f"{op}: index shape {tuple(idx.shape)} is larger than input shape "
                             f"{tuple(x.shape)} in dimension {k}")
    if src is not None and getattr(src, "ndim", idx.ndim) != idx.ndim:  # PyTorch's check (a RuntimeError)
        raise ShapeError(f"{op}: the index must have as many dimensions as src: index shape "
                         f"{tuple(idx.shape)}, src shape {tuple(src.shape)}")
    if src is not None and any(ni > ns for ni, ns in zip(idx.shape, src.shape)):
        raise ShapeError(f"{op}: index shape {tuple(idx.shape)} is larger than src shape {tuple(src.shape)}")
    _check_bounds(idx, x.shape[d], d, op)
    xp = x.xp
    grids = [xp.arange(n).reshape((1,) * k + (n,) + (1,) * (idx.ndim - k - 1)) for k, n in enumerate(idx.shape)]
    grids[d] = idx
    return d, tuple(grids)


def _src_part(src, idx_shape, x):
    """The leading block of ``src`` of the index's shape, in x's dtype (differentiable)."""
    if not isinstance(src, Tensor):
        raise TypeError(f"scatter: src must be a Tensor, got {type(src).__name__}")
    if src.dtype != x.dtype:
        src = cast(src, x.dtype)
    if tuple(src.shape) != tuple(idx_shape):
        src = getitem(src, tuple(slice(0, n) for n in idx_shape))
    return src


def _value_tensor(x, value, op):
    """A number or 0-d tensor as a 0-d Tensor of x's dtype."""
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise ShapeError(f"{op}: value must be a number or a 0-d tensor, got shape {tuple(value.shape)}")
        return value if value.dtype == x.dtype else cast(value, x.dtype)
    if x.dtype.kind in "iu" and isinstance(value, float) and not np.isfinite(value):
        raise ArgumentRuntimeError(f"{op}: value {value} cannot be converted to {x.dtype} without overflow")
    return constant(x.xp.asarray(value, dtype=x.dtype))


def slice_positions(x, dim, index, op, negative=False, error=IndexOutOfRange):
    """(dim, the index tuple x[:, ..., index]) for the index_* ops: ``index`` is 1-d (or 0-d)."""
    d = normalize_dim(dim, x.ndim, op)
    idx = index_array(index, x, op)
    if idx.ndim > 1:
        raise IndexShapeError(f"{op}: the index must be 1-d or 0-d, got shape {tuple(idx.shape)}")
    idx = idx.reshape(-1)
    size = x.shape[d] if x.ndim else 1
    _check_bounds(idx, size, d, op, negative=negative, error=error)
    return d, (slice(None),) * d + (idx,)


def _check_source(x, source, d, n, op):
    want = tuple(x.shape[:d]) + (n,) + tuple(x.shape[d + 1:])
    if not isinstance(source, Tensor):
        raise TypeError(f"{op}: source must be a Tensor, got {type(source).__name__}")
    if tuple(source.shape) != want and not (x.ndim == 0 and source.numel() == n):
        raise ShapeError(f"{op}: source must have shape {want} (the input's shape {tuple(x.shape)} with "
                         f"{n} entries along dimension {d}), got {tuple(source.shape)}")
    return source if source.dtype == x.dtype else cast(source, x.dtype)


# ---- scatter ----------------------------------------------------------------------------------------
def scatter(input, dim, index, src=None, value=None, reduce=None):
    """out = input with out[..index along dim..] = src[...] (or = ``value``).

    ``scatter(input, dim, index, src)`` or ``scatter(input, dim, index, value)`` (a number).
    ``reduce='add'`` or ``'multiply'`` combines instead of replacing (PyTorch's older form of
    ``scatter_reduce``). Differentiable in input (zero gradient where written) and src.
    """
    if src is not None and not isinstance(src, Tensor):
        src, value = None, src  # scatter(x, dim, index, 2.5): the fourth argument is a value
    if (src is None) == (value is None):
        raise TypeError("scatter: give exactly one of src (a Tensor) and value (a number)")
    if reduce is not None:
        if reduce not in ("add", "multiply"):
            raise ArgumentRuntimeError(f"scatter: reduce must be 'add' or 'multiply', got {reduce!r}")
        if src is None:
            idx = index_array(index, input, "scatter")
            src = constant(input.xp.full(idx.shape, value, dtype=input.dtype))
        return scatter_reduce(input, dim, index, src, "sum" if reduce == "add" else "prod")
    d, pos = scatter_positions(input, dim, index, "scatter", src)
    v = _value_tensor(input, value, "scatter") if src is None else _src_part(src, pos[d].shape, input)
    return IndexPut.apply(input, v, index=pos)


def scatter_add(input, dim, index, src):
    """out = input with src added at the index: out[..index[i][j] along dim..] += src[i][j].

    dL/dinput = g; dL/dsrc[i][j] = g at the place src[i][j] went to (a gather of g).
    """
    d, pos = scatter_positions(input, dim, index, "scatter_add", src)
    v = _src_part(src, pos[d].shape, input)
    return input + ScatterAdd.apply(v, index=pos, shape=input.shape)


_REDUCTIONS = ("sum", "prod", "mean", "amax", "amin")


def scatter_reduce(input, dim, index, src, reduce, include_self=True):
    """out = input where nothing is scattered; elsewhere the ``reduce`` ('sum', 'prod', 'mean',
    'amax', 'amin') of the src values landing there, and of input's own value when
    ``include_self`` (PyTorch's default).

    'sum' and 'mean' are a ScatterAdd (divided by the number of values for 'mean'; integer
    tensors round down, as in PyTorch). 'prod', 'amax' and 'amin' gather the values landing
    on each place into the rows of a dense matrix (padded with 1, -inf or +inf) and reduce
    each row: so their gradients are those of a product (computed by a tree of
    multiplications, exact with zeros) and of amax/amin (ties share the gradient evenly, as
    in PyTorch).
    """
    if reduce not in _REDUCTIONS:
        raise ArgumentRuntimeError(f"scatter_reduce: reduce must be one of {_REDUCTIONS}, got {reduce!r}")
    d, pos = scatter_positions(input, dim, index, "scatter_reduce", src)
    v = _src_part(src, pos[d].shape, input)
    xp = input.xp
    if reduce in ("sum", "mean"):
        base = input if include_self else IndexPut.apply(input, _value_tensor(input, 0, "scatter_reduce"), index=pos)
        total = base + ScatterAdd.apply(v, index=pos, shape=input.shape)
        if reduce == "sum":
            return total
        count = _count_hits(input, pos) + (1 if include_self else 0)
        count = xp.maximum(count, 1).astype(input.dtype)
        if input.dtype.kind == "f":
            return total / constant(count)
        return constant(xp.floor_divide(total.array, count))
    return _dense_reduce(input, v, pos, reduce, include_self)


def _count_hits(x, pos):
    """How many values land on each place of x (a bincount of their flat places)."""
    xp, size = x.xp, x.array.size
    places = xp.arange(size).reshape(x.shape)[pos].reshape(-1)
    return xp.bincount(places, minlength=size).reshape(x.shape)


def _dense_reduce(input, v, pos, reduce, include_self):
    """'prod', 'amax', 'amin': one row per place written to, holding the values landing there.

    Vectorised: the flat places p of the m src values are sorted; a value's row is the number
    of distinct places before it, its column is its rank among the values of its place.
    """
    from .reduction import amax, amin

    xp = input.xp
    flat_x = reshape(input, (-1,))
    p = xp.arange(input.array.size).reshape(input.shape)[pos].reshape(-1)
    values = reshape(v, (-1,))
    if p.size == 0:
        return input
    order = xp.argsort(p, kind="stable")
    ps = p[order]
    starts = xp.ones(ps.shape, dtype=bool)
    starts[1:] = ps[1:] != ps[:-1]
    row = xp.cumsum(starts) - 1
    first = xp.nonzero(starts)[0]
    col = xp.arange(ps.size) - first[row] + (1 if include_self else 0)
    places = ps[first]
    width = int(col.max()) + 1
    pad = _identity(reduce, input.dtype)
    dense = constant(xp.full((places.size, width), pad, dtype=input.dtype))
    dense = IndexPut.apply(dense, GetItem.apply(values, index=(order,)), index=(row, col))
    if include_self:
        dense = IndexPut.apply(dense, GetItem.apply(flat_x, index=(places,)), index=(slice(None), 0))
    if reduce == "prod":
        reduced = _row_product(dense)
    else:
        reduced = (amax if reduce == "amax" else amin)(dense, 1)
    return reshape(IndexPut.apply(flat_x, reduced, index=(places,)), input.shape)


def _identity(reduce, dtype):
    """The value that changes nothing: 1 for a product, the lowest (highest) value for a max (min)."""
    if reduce == "prod":
        return 1
    if dtype.kind == "f":
        return -np.inf if reduce == "amax" else np.inf
    if dtype.kind == "b":
        return reduce != "amax"
    info = np.iinfo(dtype)
    return info.min if reduce == "amax" else info.max


def _row_product(m):
    """The product of each row of m, by halving: multiply the left and right halves of the
    columns (padding an odd count with a column of ones) until one column is left. log2(width)
    multiplications, each differentiable, and exact where entries are zero."""
    from .shape import cat

    while m.shape[1] > 1:
        if m.shape[1] % 2:
            m = cat([m, constant(m.xp.ones((m.shape[0], 1), dtype=m.dtype))], 1)
        half = m.shape[1] // 2
        m = getitem(m, (slice(None), slice(0, half))) * getitem(m, (slice(None), slice(half, None)))
    return reshape(m, (m.shape[0],))


# ---- index_add, index_copy, index_fill ------------------------------------------------------------------
def index_add(input, dim, index, source, alpha=1):
    """out = input with alpha * source[:, j] added to the slice input[:, index[j]] (for dim=1);
    repeated indices add up. dL/dinput = g, dL/dsource = alpha * g[:, index]."""
    d, pos = slice_positions(input, dim, index, "index_add", error=IndexRuntimeError)
    source = _check_source(input, source, d, pos[d].size, "index_add")
    if input.dtype.kind in "iub":  # PyTorch casts alpha to the input's dtype (-2.5 -> -2, bool: nonzero)
        if not np.isfinite(alpha):
            raise ArgumentRuntimeError(f"index_add: alpha must be finite for {input.dtype} tensors, got {alpha}")
        alpha = bool(alpha) if input.dtype.kind == "b" else int(alpha)
    if alpha is not True and alpha != 1:
        source = source * alpha
    if input.ndim == 0:
        source = reshape(source, (-1,))
        return input + reshape(ScatterAdd.apply(source, index=pos, shape=(1,)), ())
    return input + ScatterAdd.apply(source, index=pos, shape=input.shape)


def index_copy(input, dim, index, source):
    """out = input with the slices input[:, index[j]] replaced by source[:, j] (for dim=1)."""
    d, pos = slice_positions(input, dim, index, "index_copy")
    source = _check_source(input, source, d, pos[d].size, "index_copy")
    if input.ndim == 0:
        return reshape(IndexPut.apply(reshape(input, (1,)), reshape(source, (-1,)), index=pos), ())
    return IndexPut.apply(input, source, index=pos)


def index_fill(input, dim, index, value):
    """out = input with the slices input[:, index[j]] set to ``value`` (a number or 0-d tensor);
    negative indices count from the end. dL/dinput is g with those slices zeroed."""
    d, pos = slice_positions(input, dim, index, "index_fill", negative=True)
    v = _value_tensor(input, value, "index_fill")
    if input.ndim == 0:
        return reshape(IndexPut.apply(reshape(input, (1,)), v, index=pos), ())
    return IndexPut.apply(input, v, index=pos)


# ---- masked_scatter -------------------------------------------------------------------------------------
def masked_scatter(input, mask, source):
    """out = input where mask is False; where it is True, the elements of ``source`` in order
    (row-major), so source needs at least as many elements as mask has True entries.
    dL/dsource[k] = g at the k-th True place (0 for the source elements left unused)."""
    from .elementwise import check_broadcast

    m = mask.array if isinstance(mask, Tensor) else input.xp.asarray(mask)
    if m.dtype.kind != "b":
        raise UnsupportedDType(f"masked_scatter: the mask must be a bool tensor, got dtype {m.dtype}")
    if check_broadcast("masked_scatter", m.shape, input.shape) != tuple(input.shape):
        raise ShapeError(f"masked_scatter: a mask of shape {tuple(m.shape)} does not broadcast to the input's "
                         f"shape {tuple(input.shape)}")
    m = input.xp.broadcast_to(m, input.shape)
    count = int(m.sum())
    if source.numel() < count:
        raise ShapeError(f"masked_scatter: source has {source.numel()} elements, fewer than the {count} "
                         f"True entries of the mask")
    if source.dtype != input.dtype:
        source = cast(source, input.dtype)
    values = getitem(reshape(source, (-1,)), slice(0, count))
    if input.ndim == 0:
        return reshape(IndexPut.apply(reshape(input, (1,)), values, index=(m.reshape(1),)), ())
    return IndexPut.apply(input, values, index=normalize_index(input, m, "masked_scatter"))


# ---- the in-place forms -------------------------------------------------------------------------------------
def _inplace(fn, name):
    def method(self, *args, **kwargs):
        return self._write(fn(self, *args, **kwargs), name)

    method.__name__ = name
    method.__doc__ = f"In-place ``{fn.__name__}``: writes the result into this tensor."
    return method


TENSOR_METHODS = {
    "scatter": scatter, "scatter_add": scatter_add, "scatter_reduce": scatter_reduce,
    "index_add": index_add, "index_copy": index_copy, "index_fill": index_fill,
    "masked_scatter": masked_scatter,
    "scatter_": _inplace(scatter, "scatter_"), "scatter_add_": _inplace(scatter_add, "scatter_add_"),
    "scatter_reduce_": _inplace(scatter_reduce, "scatter_reduce_"),
    "index_add_": _inplace(index_add, "index_add_"), "index_copy_": _inplace(index_copy, "index_copy_"),
    "index_fill_": _inplace(index_fill, "index_fill_"),
    "masked_scatter_": _inplace(masked_scatter, "masked_scatter_"),
}
