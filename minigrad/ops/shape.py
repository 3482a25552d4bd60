"""Shape ops: reshape, transpose, permute, broadcast/expand and its inverse sum_to,
squeeze/unsqueeze, flatten, cat/stack, split/chunk, repeat (padding is in ``padding.py``).

None of these does arithmetic, so each backward just undoes the rearrangement:
the gradient of a reshape is reshaped back, of a permutation is permuted back by the
inverse permutation, of a broadcast is summed over the copied axes (``sum_to``), of a
concatenation is split back into pieces (and of a split is concatenated back).

Notation: docs/notation.md.
"""

import operator

import numpy as np

from ..autograd.function import Function
from ..backend import get_array_module as _xp  # NumPy or CuPy, whichever holds the arrays
from ..backend import is_host
from ..errors import ArgumentError, ArgumentRuntimeError, ArgumentTypeError, IndexOutOfRange, ShapeError
from ..tensor import Tensor


def _dims(dims):
    """Accept f(2, 3) and f((2, 3)) alike."""
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        return tuple(dims[0])
    return tuple(dims)


def normalize_dim(dim, ndim, op):
    """A dimension index in range(ndim), negative ones counted from the end."""
    if not -max(ndim, 1) <= dim < max(ndim, 1):
        raise IndexOutOfRange(f"{op}: dimension {dim} is out of range for a tensor with {ndim} dimensions")
    return dim % max(ndim, 1)


class Reshape(Function):
    """z = x with a new shape (same elements, same order).   dL/dx = g reshaped to x's shape."""

    complex_grad = True  # (ops/complex_numbers.py)

    is_view = True

    @staticmethod
    def forward(ctx, x, shape):
        ctx.in_shape = x.shape
        return x.reshape(shape)

    @staticmethod
    def backward(ctx, g):
        return reshape(g, ctx.in_shape)


class Permute(Function):
    """z = x with its axes reordered: z.shape[i] = x.shape[perm[i]].

    dL/dx = g with the inverse permutation (argsort(perm)) applied.
    """

    complex_grad = True  # (ops/complex_numbers.py)

    is_view = True

    @staticmethod
    def forward(ctx, x, perm):
        ctx.perm = perm
        return x.transpose(perm)

    @staticmethod
    def backward(ctx, g):
        return permute(g, tuple(np.argsort(ctx.perm)))


class BroadcastTo(Function):
    """z = x repeated along new or size-1 axes to ``shape``.   dL/dx = sum_to(g, x.shape)."""

    complex_grad = True  # (ops/complex_numbers.py)

    is_view = True

    @staticmethod
    def forward(ctx, x, shape):
        ctx.in_shape = x.shape
        return _xp(x).broadcast_to(x, shape)

    @staticmethod
    def backward(ctx, g):
        return sum_to(g, ctx.in_shape)


class SumTo(Function):
    """z = x summed over the axes that broadcasting from ``shape`` would have added or stretched.

    It is the adjoint of broadcast_to, so dL/dx = broadcast_to(g, x.shape).
    """

    complex_grad = True  # (ops/complex_numbers.py)

    @staticmethod
    def forward(ctx, x, shape):
        ctx.in_shape = x.shape
        lead = x.ndim - len(shape)
        axes = tuple(range(lead)) + tuple(
            lead + i for i, s in enumerate(shape) if s == 1 and x.shape[lead + i] != 1
        )
        y = x.sum(axis=axes, keepdims=True) if axes else x
        return y.reshape(shape)

    @staticmethod
    def backward(ctx, g):
        return broadcast_to(g, ctx.in_shape)


class Contiguous(Function):
    """z = x laid out contiguously in memory (C order).   dL/dx = g."""

    complex_grad = True  # (ops/complex_numbers.py)

    @staticmethod
    def forward(ctx, x):
        return _xp(x).ascontiguousarray(x).reshape(x.shape)  # ascontiguousarray makes 0-d arrays 1-d

    @staticmethod
    def backward(ctx, g):
        return g


class Cat(Function):
    """z = the inputs joined along ``dim``: z = [x_1; x_2; ...].

    Each input is a block of z, so dL/dx_i is the block of g where x_i was: split g back
    into pieces of the inputs' sizes along ``dim``.
    """

    complex_grad = True  # (ops/complex_numbers.py)

    @staticmethod
    def forward(ctx, *xs, dim):
        ctx.dim, ctx.sizes = dim, [x.shape[dim] for x in xs]
        return _xp(*xs).concatenate(xs, axis=dim)

    @staticmethod
    def backward(ctx, g):
        return split(g, ctx.sizes, ctx.dim)


class Split(Function):
    """(z_1, z_2, ...) = consecutive pieces of x along ``dim``, of lengths ``sizes``.

    Several outputs: dL/dx gathers each piece's gradient back in place, i.e. cat(g_1, g_2, ...)
    along ``dim`` (a piece that got no gradient contributes zeros).
    """

    complex_grad = True  # (ops/complex_numbers.py)

    is_view = True

    @staticmethod
    def forward(ctx, x, sizes, dim):
        ctx.dim = dim
        pieces, start = [], 0
        for n in sizes:  # a loop over pieces, not elements: each piece is a view of x
            pieces.append(x[(slice(None),) * dim + (slice(start, start + n),)])
            start += n
        return tuple(pieces)

    @staticmethod
    def backward(ctx, *gs):
        return cat(gs, ctx.dim)


# ---- the functions users call --------------------------------------------------------------
def reshape(x, *shape):
    shape = _dims(shape)
    try:  # sizes are integers (or have __index__), as PyTorch requires: (2.5, 2) is a TypeError
        shape = tuple(operator.index(s) for s in shape)
    except TypeError:
        raise ArgumentTypeError(f"reshape: sizes must be integers, got {shape}") from None
    if shape == x.shape:
        return x
    size, known = x.array.size, int(np.prod([s for s in shape if s != -1]))
    bad = shape.count(-1) > 1 or any(s < -1 for s in shape)
    if -1 in shape and not bad:
        bad = known == 0 or size % known != 0
        shape = tuple(size // known if s == -1 else s for s in shape) if not bad else shape
    if bad or int(np.prod(shape)) != size:
        raise ShapeError(f"reshape: cannot reshape a tensor of shape {tuple(x.shape)} "
                         f"({size} elements) into {shape}")
    return Reshape.apply(x, shape=shape)


def view(x, *shape, dtype=None):
    """``view(*shape)``: x with a new shape, like reshape (-1 infers one size).

    ``view(dtype)``: the same memory read as another dtype. With a different element size the
    last dim is rescaled (4 float32 -> 8 float16) and must have stride 1. As in PyTorch this
    is not differentiable: the result shares x's memory and version counter, not its graph.
    """
    from ..dtypes import as_dtype

    if dtype is None and len(shape) == 1 and not isinstance(shape[0], (tuple, list, int, np.integer)):
        dtype = shape[0]
    if dtype is not None:
        dtype = as_dtype(dtype)
        a = x.array
        if dtype.itemsize != a.dtype.itemsize:
            if a.ndim == 0 or (a.shape[-1] != 1 and a.strides[-1] != a.itemsize) or \
                    (a.shape[-1] * a.itemsize) % dtype.itemsize:
                raise ShapeError(f"view: cannot view a tensor of shape {tuple(x.shape)} and dtype {a.dtype} "
                                 f"as {dtype}: the last dim must have stride 1 and a size in bytes divisible "
                                 f"by {dtype.itemsize}")
        out = Tensor._make(a.view(dtype))
        out._vbox = x._vbox
        return out
    out = reshape(x, *shape)
    a = x.array
    if not a.flags.c_contiguous and is_host(a) and out.array.size:
        # a view shares x's memory: where x's strides cannot be read as the new shape (x.t().view(-1)),
        # reshape would copy, and PyTorch raises instead of handing back a copy called a view
        try:
            np.reshape(a, out.shape, copy=False)
        except ValueError:
            raise ShapeError(f"view: the shape {tuple(out.shape)} is not compatible with the input's shape "
                             f"{tuple(x.shape)} and strides {x.stride()} (a dimension would span two "
                             "separate pieces of memory); use .reshape(...) instead") from None
    return out


def unflatten(x, dim, sizes):
    """Split dimension ``dim`` into several of the given ``sizes`` (one may be -1):
    (2, 12).unflatten(1, (3, 4)) -> (2, 3, 4). A reshape, so a view."""
    if x.ndim == 0:  # PyTorch refuses: a 0-d tensor has no dimension to split (a RuntimeError)
        from ..errors import IndexRuntimeError

        raise IndexRuntimeError(f"unflatten: dim {dim} out of range for a 0-d tensor (it has no dimensions)")
    d = normalize_dim(dim, x.ndim, "unflatten")
    sizes = tuple(int(s) for s in sizes)
    if not sizes:
        raise ShapeError("unflatten: sizes must not be empty")
    n = x.shape[d]
    known = int(np.prod([s for s in sizes if s != -1]))
    if sizes.count(-1) == 1 and known and n % known == 0:
        sizes = tuple(n // known if s == -1 else s for s in sizes)
    if sizes.count(-1) or int(np.prod(sizes)) != n:
        raise ShapeError(f"unflatten: sizes {sizes} don't multiply up to the size ({n}) of dimension {d} "
                         f"of shape {tuple(x.shape)}")
    return reshape(x, x.shape[:d] + sizes + x.shape[d + 1:])


def permute(x, *dims):
    dims = _dims(dims)
    if sorted(normalize_dim(d, x.ndim, "permute") for d in dims) != list(range(x.ndim)):
        raise ShapeError(f"permute: {dims} is not a permutation of the {x.ndim} dimensions of shape {tuple(x.shape)}")
    dims = tuple(d % x.ndim for d in dims)
    if dims == tuple(range(x.ndim)):
        return x
    return Permute.apply(x, perm=dims)


def transpose(x, dim0=-2, dim1=-1):
    """Swap two dimensions (defaults: the last two)."""
    if x.ndim < 2:
        if (dim0, dim1) != (-2, -1):  # dims given must exist, even though there is nothing to swap
            normalize_dim(dim0, x.ndim, "transpose"), normalize_dim(dim1, x.ndim, "transpose")
        return x
    d0, d1 = normalize_dim(dim0, x.ndim, "transpose"), normalize_dim(dim1, x.ndim, "transpose")
    perm = list(range(x.ndim))
    perm[d0], perm[d1] = perm[d1], perm[d0]
    return permute(x, perm)


def t(x):
    """Transpose a 2-D tensor (0-D and 1-D are returned as they are)."""
    if x.ndim > 2:
        raise ShapeError(f"t: expects a tensor with at most 2 dimensions, got shape {tuple(x.shape)}")
    return transpose(x, 0, 1) if x.ndim == 2 else x


def broadcast_to(x, *shape):
    shape = _dims(shape)
    if shape == x.shape:
        return x
    try:
        out = np.broadcast_shapes(x.shape, shape)
    except ValueError:
        out = None
    if out != shape:
        raise ShapeError(f"broadcast_to: cannot broadcast shape {tuple(x.shape)} to {shape}")
    return BroadcastTo.apply(x, shape=shape)


def expand(x, *sizes):
    """Like PyTorch's expand: -1 keeps a dimension's size."""
    sizes = _dims(sizes)
    lead = len(sizes) - x.ndim
    if lead < 0:
        raise ShapeError(f"expand: {sizes} has fewer dimensions than the tensor's shape {tuple(x.shape)}")
    shape = tuple(x.shape[i - lead] if s == -1 else s for i, s in enumerate(sizes))
    return broadcast_to(x, shape)


def sum_to(x, *shape):
    """Sum ``x`` down to ``shape`` (the inverse of broadcasting ``shape`` up to x.shape)."""
    shape = _dims(shape)
    if shape == x.shape:
        return x
    try:
        ok = np.broadcast_shapes(shape, x.shape) == x.shape
    except ValueError:
        ok = False
    if not ok:
        raise ShapeError(f"sum_to: shape {tuple(x.shape)} cannot be summed down to {shape}")
    return SumTo.apply(x, shape=shape)


def contiguous(x):
    return x if x.array.flags.c_contiguous else Contiguous.apply(x)


def squeeze(x, dim=None):
    """Drop size-1 dimensions (all of them, or just ``dim``, which may also be a tuple)."""
    if dim is None:
        dims = [i for i, s in enumerate(x.shape) if s == 1]
    else:
        dims = [normalize_dim(d, x.ndim, "squeeze") for d in (dim if isinstance(dim, (tuple, list)) else (dim,))]
    shape = tuple(s for i, s in enumerate(x.shape) if not (i in dims and s == 1))
    return reshape(x, shape)


def unsqueeze(x, dim):
    """Insert a size-1 dimension at ``dim`` (dim in [-ndim-1, ndim])."""
    if not -x.ndim - 1 <= dim <= x.ndim:
        raise IndexOutOfRange(f"unsqueeze: dimension {dim} is out of range for a tensor with {x.ndim} dimensions")
    dim = dim % (x.ndim + 1)
    return reshape(x, x.shape[:dim] + (1,) + x.shape[dim:])


def flatten(x, start_dim=0, end_dim=-1):
    if x.ndim == 0:
        return reshape(x, (1,))
    s, e = normalize_dim(start_dim, x.ndim, "flatten"), normalize_dim(end_dim, x.ndim, "flatten")
    if s > e:
        raise ArgumentRuntimeError(f"flatten: start_dim ({start_dim}) comes after end_dim ({end_dim})")
    return reshape(x, x.shape[:s] + (int(np.prod(x.shape[s:e + 1])),) + x.shape[e + 1:])


def _same_dtype(tensors, op):
    """The tensors cast to their common dtype (PyTorch promotes in cat and stack)."""
    from ..dtypes import promote
    from .elementwise import cast

    dtype = tensors[0].dtype
    for t in tensors[1:]:
        dtype = promote(dtype, t.dtype)
    return [cast(t, dtype) for t in tensors]


def _tensor_list(tensors, op):
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise ArgumentTypeError(f"{op}: expects a list or tuple of tensors, got {type(tensors).__name__}")
    if not tensors:
        # a ValueError and a RuntimeError: PyTorch raises the first for cat, the second for stack
        raise ArgumentRuntimeError(f"{op}: expects a non-empty list of tensors")
    for t in tensors:
        if not isinstance(t, Tensor):
            raise ArgumentTypeError(f"{op}: expects tensors, got an element of type {type(t).__name__}")
    return list(tensors)


def cat(tensors, dim=0):
    """Join tensors along an existing dimension; all other dimensions must agree."""
    tensors = _tensor_list(tensors, "cat")
    first = tensors[0]
    if first.ndim == 0:
        raise ShapeError("cat: zero-dimensional tensors cannot be concatenated (use stack)")
    d = normalize_dim(dim, first.ndim, "cat")
    for i, t in enumerate(tensors):
        if t.ndim != first.ndim or t.shape[:d] + t.shape[d + 1:] != first.shape[:d] + first.shape[d + 1:]:
            shapes = ", ".join(str(tuple(t.shape)) for t in tensors)
            raise ShapeError(f"cat: tensors must have the same shape except in dimension {d}; "
                             f"tensor {i} does not fit (shapes {shapes})")
    if len(tensors) == 1:
        return tensors[0]
    return Cat.apply(*_same_dtype(tensors, "cat"), dim=d)


concat = cat


def stack(tensors, dim=0):
    """Join same-shaped tensors along a new dimension ``dim``."""
    tensors = _tensor_list(tensors, "stack")
    for i, t in enumerate(tensors):
        if t.shape != tensors[0].shape:
            shapes = ", ".join(str(tuple(t.shape)) for t in tensors)
            raise ShapeError(f"stack: all tensors must have the same shape; tensor {i} does not (shapes {shapes})")
    ndim = tensors[0].ndim + 1
    if not -ndim <= dim < ndim:
        raise IndexOutOfRange(f"stack: dimension {dim} is out of range for the result's {ndim} dimensions")
    d = dim % ndim
    pieces = [unsqueeze(t, d) for t in tensors]
    return pieces[0] if len(pieces) == 1 else Cat.apply(*_same_dtype(pieces, "stack"), dim=d)


def split(x, split_size_or_sections, dim=0):
    """Cut ``x`` along ``dim`` into pieces: of ``split_size`` each (the last may be smaller),
    or of the sizes in the list ``sections``, which must add up to the dimension's size.
    """
    if x.ndim == 0:
        raise ShapeError("split: cannot split a zero-dimensional tensor")
    d = normalize_dim(dim, x.ndim, "split")
    n = x.shape[d]
    if isinstance(split_size_or_sections, (list, tuple)):
        sizes = [int(s) for s in split_size_or_sections]
        if any(s < 0 for s in sizes) or sum(sizes) != n:
            raise ShapeError(f"split: sections {sizes} must be non-negative and add up to {n}, the size of "
                             f"dimension {d} of shape {tuple(x.shape)}")
    else:
        size = int(split_size_or_sections)
        if size <= 0 and not (size == 0 and n == 0):
            raise ArgumentError(f"split: split_size must be positive, got {size}")
        sizes = [size] * (n // size) + ([n % size] if n % size else []) if n else [0]
    return Split.apply(x, sizes=tuple(sizes), dim=d)  # views of x (Split.is_view)


def chunk(x, chunks, dim=0):
    """Split into ``chunks`` pieces of equal size ceil(n / chunks) (the last may be smaller,
    and there may be fewer pieces than asked for, as in PyTorch)."""
    if int(chunks) <= 0:
        raise ArgumentRuntimeError(f"chunk: chunks must be positive, got {chunks}")
    if x.ndim == 0:
        raise ShapeError("chunk: cannot chunk a zero-dimensional tensor")
    n = x.shape[normalize_dim(dim, x.ndim, "chunk")]
    if n == 0:
        return split(x, [0] * int(chunks), dim)
    return split(x, -(-n // int(chunks)), dim)


def repeat(x, *sizes):
    """Tile ``x``: repeat it sizes[d] times along dim d (like torch.Tensor.repeat).

    Done without copying loops: view x as (1, s0, 1, s1, ...), broadcast to (r0, s0, r1, s1, ...)
    and merge each pair, so out[i * s0 + j] = x[j]. The backward is that of broadcast and reshape.
    """
    sizes = _dims(sizes)
    if len(sizes) < x.ndim:
        raise ShapeError(f"repeat: needs at least {x.ndim} repeat counts for shape {tuple(x.shape)}, got {sizes}")
    shape = (1,) * (len(sizes) - x.ndim) + tuple(x.shape)
    paired = tuple(v for s in shape for v in (1, s))
    tiled = tuple(v for r, s in zip(sizes, shape) for v in (r, s))
    out = broadcast_to(reshape(x, paired), tiled)
    return reshape(out, tuple(r * s for r, s in zip(sizes, shape)))


def _T(x):
    return permute(x, tuple(reversed(range(x.ndim))))


def _mT(x):
    return transpose(x, -2, -1)


TENSOR_METHODS = {
    "reshape": reshape, "view": view, "permute": permute, "transpose": transpose, "t": t,
    "broadcast_to": broadcast_to, "expand": expand, "sum_to": sum_to,
    "squeeze": squeeze, "unsqueeze": unsqueeze, "flatten": flatten,
    "T": property(_T), "mT": property(_mT),
    "view_as": lambda self, other: reshape(self, other.shape),
    "expand_as": lambda self, other: broadcast_to(self, other.shape),
    "reshape_as": lambda self, other: reshape(self, other.shape),
    "split": split, "chunk": chunk, "repeat": repeat,
    "unflatten": unflatten,
}
