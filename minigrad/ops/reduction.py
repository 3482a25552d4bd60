"""Reductions: sum and mean over some axes.

``dim`` (PyTorch) and ``axis`` (NumPy) name the same thing, as do ``keepdim``/``keepdims``.
Each reduced element got contributions from a set of inputs; backward hands the gradient
back to each of them by broadcasting it over the reduced axes.
"""

from ..autograd.function import Function
from .shape import broadcast_to, normalize_dim, reshape


def reduce_axes(x, dim, op):
    """Normalized, sorted axes of a reduction (None means all axes)."""
    if dim is None:
        return tuple(range(x.ndim))
    dims = dim if isinstance(dim, (tuple, list)) else (dim,)
    axes = tuple(sorted({normalize_dim(d, x.ndim, op) for d in dims}))
    return axes if x.ndim else ()


def kept_shape(shape, axes):
    """``shape`` with the reduced axes set to 1 (what keepdim=True gives)."""
    return tuple(1 if i in axes else s for i, s in enumerate(shape))


def expand_back(g, in_shape, axes):
    """Broadcast a reduced gradient back over the reduced axes to ``in_shape``."""
    return broadcast_to(reshape(g, kept_shape(in_shape, axes)), in_shape)


def _dim_args(dim, axis, keepdim, keepdims):
    return (axis if dim is None else dim), bool(keepdim or keepdims)


class Sum(Function):
    """z = sum of x over ``axes``.   dz/dx_i = 1 for every x_i summed, so dL/dx = g broadcast back."""

    @staticmethod
    def forward(ctx, x, axes, keepdims):
        ctx.in_shape, ctx.axes = x.shape, axes
        return x.sum(axis=axes, keepdims=keepdims)

    @staticmethod
    def backward(ctx, g):
        return expand_back(g, ctx.in_shape, ctx.axes)


class Mean(Function):
    """z = (1/n) sum of x over ``axes`` (n elements each).   dL/dx = g / n broadcast back."""

    @staticmethod
    def forward(ctx, x, axes, keepdims):
        ctx.in_shape, ctx.axes = x.shape, axes
        n = 1
        for a in axes:
            n *= x.shape[a]
        ctx.n = n
        return x.mean(axis=axes, keepdims=keepdims)

    @staticmethod
    def backward(ctx, g):
        return expand_back(g / ctx.n, ctx.in_shape, ctx.axes)


def sum(x, dim=None, keepdim=False, *, axis=None, keepdims=False, dtype=None):
    dim, keep = _dim_args(dim, axis, keepdim, keepdims)
    if dtype is not None:
        x = x.to(dtype=dtype)
    elif x.dtype.kind in "biu" and x.dtype != "int64":
        x = x.to(dtype="int64")  # PyTorch sums integers and bools as int64
    return Sum.apply(x, axes=reduce_axes(x, dim, "sum"), keepdims=keep)


def mean(x, dim=None, keepdim=False, *, axis=None, keepdims=False):
    dim, keep = _dim_args(dim, axis, keepdim, keepdims)
    if x.dtype.kind != "f":
        raise TypeError(f"mean: needs a floating point tensor, got dtype {x.dtype}; use .float() first")
    return Mean.apply(x, axes=reduce_axes(x, dim, "mean"), keepdims=keep)


TENSOR_METHODS = {"sum": sum, "mean": mean}
