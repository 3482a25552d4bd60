"""Views through strides: diagonal, as_strided, Tensor.unfold (and diagonal's adjoint).

A NumPy (or CuPy) array is a pointer, a shape and strides: element (i, j) lives at
pointer + i * stride0 + j * stride1 bytes. Choosing other strides over the same memory
gives a *view* without copying:

- the diagonal of a matrix steps by stride0 + stride1 (one row down, one column right);
- the windows of ``unfold`` step by ``step * stride`` along the dim, and a new last axis
  steps by ``stride`` inside each window;
- ``as_strided`` takes the strides from the caller.

Each output element is one input element, so the backward scatter-adds g back to the places
it was read from (a place read by two windows gets both gradients). Those scatters are
differentiable (ScatterAdd, or DiagonalScatter whose backward is Diagonal), so second
derivatives work.

Notation: docs/notation.md.
"""

import numpy as np

from ..autograd.function import Function
from ..backend import get_array_module as _xp  # NumPy or CuPy, whichever holds the arrays
from ..errors import ArgumentRuntimeError, ShapeError
from .indexing import ScatterAdd
from .shape import normalize_dim, reshape


def _strided(a, shape, strides):
    """A view of ``a``'s memory, starting at its first element (writable when ``a`` is)."""
    return _xp(a).lib.stride_tricks.as_strided(a, shape=tuple(shape), strides=tuple(strides))


def diagonal_view(a, offset, dim1, dim2):
    """The diagonal of ``a`` over (dim1, dim2) as a writable view: the other dims first, the
    diagonal last (NumPy's own ``diagonal`` returns a read-only one)."""
    n1, n2 = a.shape[dim1], a.shape[dim2]
    s1, s2 = (0, offset) if offset >= 0 else (-offset, 0)
    length = max(0, min(n1 - s1, n2 - s2))
    rest = [k for k in range(a.ndim) if k not in (dim1, dim2)]
    shape = [a.shape[k] for k in rest] + [length]
    if length == 0:
        return _xp(a).zeros(shape, dtype=a.dtype)
    start = tuple(slice(s1, None) if k == dim1 else slice(s2, None) if k == dim2 else slice(None)
                  for k in range(a.ndim))
    return _strided(a[start], shape, [a.strides[k] for k in rest] + [a.strides[dim1] + a.strides[dim2]])


class Diagonal(Function):
    """z[..., i] = x[..., i, i + offset] over the dims (dim1, dim2) (other dims first): a view.

    Each z entry is one x entry, so dL/dx is zeros with g written on that diagonal
    (DiagonalScatter), whose own adjoint is Diagonal again.
    """

    is_view = True

    @staticmethod
    def forward(ctx, x, offset, dim1, dim2):
        ctx.shape, ctx.args = x.shape, (offset, dim1, dim2)
        return diagonal_view(x, offset, dim1, dim2)

    @staticmethod
    def backward(ctx, g):
        offset, dim1, dim2 = ctx.args
        return DiagonalScatter.apply(g, shape=ctx.shape, offset=offset, dim1=dim1, dim2=dim2)


class DiagonalScatter(Function):
    """z = zeros(shape) with its (offset, dim1, dim2) diagonal set to v (diag_embed's core).

    z is linear in v and each v entry lands in one place: dL/dv = the diagonal of g.
    """

    @staticmethod
    def forward(ctx, v, shape, offset, dim1, dim2):
        ctx.args = (offset, dim1, dim2)
        z = _xp(v).zeros(shape, dtype=v.dtype)
        diagonal_view(z, offset, dim1, dim2)[...] = v
        return z

    @staticmethod
    def backward(ctx, g):
        offset, dim1, dim2 = ctx.args
        return Diagonal.apply(g, offset=offset, dim1=dim1, dim2=dim2)


def _read_places(shape, strides, offset):
    """For a strided view (element strides), the flat place of the memory each element reads:
    offset + sum_k i_k * stride_k, as an integer array of the view's shape."""
    places = np.asarray(offset, dtype=np.int64)
    for k, (n, s) in enumerate(zip(shape, strides)):  # a loop over dims, not elements
        places = places + (np.arange(n, dtype=np.int64) * s).reshape((1,) * k + (n,) + (1,) * (len(shape) - k - 1))
    return np.broadcast_to(places, tuple(shape))


class AsStrided(Function):
    """z = the view of x's (contiguous) memory with the given size, element strides and offset:
    z[i, j, ...] = x.flatten()[offset + i * stride[0] + j * stride[1] + ...].

    dL/dx.flatten()[p] = sum of g over every z entry that reads place p (views may overlap):
    a ScatterAdd of g at those places.
    """

    is_view = True

    @staticmethod
    def forward(ctx, x, size, stride, storage_offset):
        ctx.shape, ctx.args = x.shape, (size, stride, storage_offset)
        if not x.flags.c_contiguous:  # e.g. a broadcast gradient: read it as if laid out in order
            x = _xp(x).ascontiguousarray(x)
        flat = x.reshape(-1)[storage_offset:] if x.size else x.reshape(-1)
        return _strided(flat, size, [s * x.itemsize for s in stride])

    @staticmethod
    def backward(ctx, g):
        from ..backend import to_device

        size, stride, offset = ctx.args
        places = to_device(np.ascontiguousarray(_read_places(size, stride, offset)), g.device)
        n = int(np.prod(ctx.shape))
        return reshape(ScatterAdd.apply(g, index=(places,), shape=(n,)), ctx.shape)


class Unfold(Function):
    """Sliding windows along ``dim``: z[..., w, ..., j] = x[..., w * step + j, ...] for the
    windows w = 0 .. (n - size) // step and j < size (a new last dim). A view.

    dL/dx = g scatter-added back to x[..., w * step + j, ...]; overlapping windows add up.
    """

    is_view = True
    complex_grad = True  # each output entry is one input entry (ops/complex_numbers.py)

    @staticmethod
    def forward(ctx, x, dim, size, step):
        ctx.shape, ctx.args = x.shape, (dim, size, step)
        count = (x.shape[dim] - size) // step + 1
        shape = x.shape[:dim] + (count,) + x.shape[dim + 1:] + (size,)
        strides = x.strides[:dim] + (x.strides[dim] * step,) + x.strides[dim + 1:] + (x.strides[dim],)
        return _strided(x, shape, strides)

    @staticmethod
    def backward(ctx, g):
        dim, size, step = ctx.args
        xp, nd = g.xp, len(ctx.shape)
        count = g.shape[dim]

        def axis(values, k):  # values along output axis k (of nd + 1), broadcastable
            return values.reshape((1,) * k + (-1,) + (1,) * (nd - k))

        grids = [axis(xp.arange(n), k) for k, n in enumerate(ctx.shape)]
        grids[dim] = axis(xp.arange(count) * step, dim) + axis(xp.arange(size), nd)
        return ScatterAdd.apply(g, index=tuple(grids), shape=ctx.shape)


# ---- the functions users call ---------------------------------------------------------------------
def _as_view(out, x, cls, attrs):
    """Mark ``out`` as a view of x (shared version counter, recorded steps). Function.apply does
    it for outputs whose array's ``.base`` is x's; a strided array's base is NumPy's helper
    object around x, so it is done here."""
    from ..autograd import views

    if out._vbox is not x._vbox and x.xp.may_share_memory(out.array, x.array):
        views.record_view(out, x, cls, attrs)
    return out


def diagonal(input, offset=0, dim1=0, dim2=1):
    """The diagonal input[..., i, i + offset] over (dim1, dim2), as a view; those two dims are
    removed and the diagonal becomes the last one (offset > 0: above the main diagonal)."""
    d1, d2 = normalize_dim(dim1, input.ndim, "diagonal"), normalize_dim(dim2, input.ndim, "diagonal")
    if input.ndim < 2:
        raise ShapeError(f"diagonal: needs at least 2 dimensions, got shape {tuple(input.shape)}")
    if d1 == d2:
        raise ShapeError(f"diagonal: dim1 and dim2 cannot be the same dimension ({dim1}, {dim2})")
    attrs = {"offset": int(offset), "dim1": d1, "dim2": d2}
    return _as_view(Diagonal.apply(input, **attrs), input, Diagonal, attrs)


def as_strided(input, size, stride, storage_offset=0):
    """A view of input's memory with the given ``size``, ``stride`` (in elements) and
    ``storage_offset``. The memory is input's own, read in row-major order, so input must
    be contiguous; every place the view reads must lie inside it."""
    size, stride, offset = tuple(int(s) for s in size), tuple(int(s) for s in stride), int(storage_offset)
    if len(size) != len(stride):
        raise ArgumentRuntimeError(f"as_strided: size {size} and stride {stride} must have the same length")
    if any(s < 0 for s in size) or any(s < 0 for s in stride) or offset < 0:
        raise ArgumentRuntimeError(f"as_strided: sizes, strides and the offset must be non-negative, got "
                                   f"size {size}, stride {stride}, storage_offset {offset}")
    if not input.array.flags.c_contiguous:
        raise ArgumentRuntimeError(f"as_strided: the input (shape {tuple(input.shape)}) is not contiguous; "
                                   "call .contiguous() first")
    if all(size):
        last = offset + sum((n - 1) * s for n, s in zip(size, stride))
        if last >= input.numel():
            raise ShapeError(f"as_strided: size {size}, stride {stride} and offset {offset} reach element {last}, "
                             f"past the {input.numel()} elements of the input (shape {tuple(input.shape)})")
    attrs = {"size": size, "stride": stride, "storage_offset": offset}
    return _as_view(AsStrided.apply(input, **attrs), input, AsStrided, attrs)


def unfold(input, dimension, size, step):
    """Tensor.unfold: every window of ``size`` entries along ``dimension``, ``step`` apart, as a
    new last dimension (a view). Shape: n along ``dimension`` becomes (n - size) // step + 1."""
    if input.ndim == 0:
        input = reshape(input, (1,))  # PyTorch treats a 0-d tensor as one element along dim 0
    d = normalize_dim(dimension, input.ndim, "unfold")
    size, step = int(size), int(step)
    if step <= 0:
        raise ArgumentRuntimeError(f"unfold: step must be positive, got {step}")
    if not 0 <= size <= input.shape[d]:
        raise ShapeError(f"unfold: the window size {size} must be in [0, {input.shape[d]}], the size of "
                         f"dimension {d} of shape {tuple(input.shape)}")
    attrs = {"dim": d, "size": size, "step": step}
    return _as_view(Unfold.apply(input, **attrs), input, Unfold, attrs)


TENSOR_METHODS = {"diagonal": diagonal, "as_strided": as_strided, "unfold": unfold}
