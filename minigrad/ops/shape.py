"""Shape ops: reshape, transpose, permute, broadcast/expand and its inverse sum_to,
squeeze/unsqueeze, flatten.

None of these does arithmetic, so each backward just undoes the rearrangement:
the gradient of a reshape is reshaped back, of a permutation is permuted back by the
inverse permutation, and of a broadcast is summed over the copied axes (``sum_to``).
"""

import numpy as np

from ..autograd.function import Function
from ..errors import ShapeError
from ..tensor import Tensor


def _dims(dims):
    """Accept f(2, 3) and f((2, 3)) alike."""
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        return tuple(dims[0])
    return tuple(dims)


def normalize_dim(dim, ndim, op):
    """A dimension index in range(ndim), negative ones counted from the end."""
    if not -max(ndim, 1) <= dim < max(ndim, 1):
        raise IndexError(f"{op}: dimension {dim} is out of range for a tensor with {ndim} dimensions")
    return dim % max(ndim, 1)


class Reshape(Function):
    """z = x with a new shape (same elements, same order).   dL/dx = g reshaped to x's shape."""

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

    @staticmethod
    def forward(ctx, x):
        return _xp(x).ascontiguousarray(x)

    @staticmethod
    def backward(ctx, g):
        return g


def _xp(array):
    from ..backend import get_array_module

    return get_array_module(array)


# ---- the functions users call --------------------------------------------------------------
def reshape(x, *shape):
    shape = _dims(shape)
    if shape == x.shape:
        return x
    size, known = x.data.size, int(np.prod([s for s in shape if s != -1]))
    bad = shape.count(-1) > 1 or any(s < -1 for s in shape)
    if -1 in shape and not bad:
        bad = known == 0 or size % known != 0
        shape = tuple(size // known if s == -1 else s for s in shape) if not bad else shape
    if bad or int(np.prod(shape)) != size:
        raise ShapeError(f"reshape: cannot reshape a tensor of shape {tuple(x.shape)} "
                         f"({size} elements) into {shape}")
    return Reshape.apply(x, shape=shape)


view = reshape


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
    return x if x.data.flags.c_contiguous else Contiguous.apply(x)


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
        raise IndexError(f"unsqueeze: dimension {dim} is out of range for a tensor with {x.ndim} dimensions")
    dim = dim % (x.ndim + 1)
    return reshape(x, x.shape[:dim] + (1,) + x.shape[dim:])


def flatten(x, start_dim=0, end_dim=-1):
    if x.ndim == 0:
        return reshape(x, (1,))
    s, e = normalize_dim(start_dim, x.ndim, "flatten"), normalize_dim(end_dim, x.ndim, "flatten")
    if s > e:
        raise ValueError(f"flatten: start_dim ({start_dim}) comes after end_dim ({end_dim})")
    return reshape(x, x.shape[:s] + (int(np.prod(x.shape[s:e + 1])),) + x.shape[e + 1:])


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
}
