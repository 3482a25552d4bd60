"""Reductions: sum, mean, max/min (amax/amin), var/std, logsumexp, argmax/argmin.

``dim`` (PyTorch) and ``axis`` (NumPy) name the same thing, as do ``keepdim``/``keepdims``.
Each reduced element got contributions from a set of inputs; backward hands the gradient
back to each of them by broadcasting it over the reduced axes. Notation: docs/notation.md.
"""

import builtins
from collections import namedtuple

from .. import backend
from ..autograd.function import Function
from ..backend import get_array_module as _xp  # NumPy or CuPy, whichever holds the arrays
from ..errors import ArgumentError, ShapeError, UnsupportedDType
from .shape import broadcast_to, normalize_dim, reshape


def reduce_axes(x, dim, op, empty_means_all=True):
    """Normalized, sorted axes of a reduction (None means all axes, and so does dim=(), as in
    PyTorch's sum, mean, amax, var, ...; torch.all and torch.any pass ``empty_means_all=False``:
    for them dim=() reduces nothing)."""
    if dim is None or (empty_means_all and isinstance(dim, (tuple, list)) and len(dim) == 0):
        return tuple(range(x.ndim))
    dims = dim if isinstance(dim, (tuple, list)) else (dim,)
    axes = [normalize_dim(d, x.ndim, op) for d in dims]
    if len(set(axes)) != len(axes):
        raise ArgumentError(f"{op}: dim {tuple(dims)} names a dimension more than once")
    return tuple(sorted(axes)) if x.ndim else ()


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

    complex_grad = True  # (ops/complex_numbers.py)

    @staticmethod
    def forward(ctx, x, axes, keepdims):
        ctx.in_shape, ctx.axes = x.shape, axes
        return x.sum(axis=axes, keepdims=keepdims, dtype=x.dtype)  # NumPy would widen int32 to int64

    @staticmethod
    def backward(ctx, g):
        return expand_back(g, ctx.in_shape, ctx.axes)


class Mean(Function):
    """z = (1/n) sum of x over ``axes`` (n elements each).   dL/dx = g / n broadcast back."""

    complex_grad = True  # (ops/complex_numbers.py)

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


def mean(x, dim=None, keepdim=False, *, axis=None, keepdims=False, dtype=None):
    """The mean over ``dim``; ``dtype`` casts x first (so an integer tensor can be averaged)."""
    dim, keep = _dim_args(dim, axis, keepdim, keepdims)
    if dtype is not None:
        x = x.to(dtype=dtype)
    if x.dtype.kind not in "fc":
        raise UnsupportedDType(f"mean: needs a floating point or complex tensor, got dtype {x.dtype}; "
                               "use .float() first")
    return Mean.apply(x, axes=reduce_axes(x, dim, "mean"), keepdims=keep)


class Amax(Function):
    """z = max of x over ``axes``.

    Without a tie, dz/dx_i = [x_i is the max] (Iverson bracket, docs/notation.md). With k
    elements tied at the max, z has no derivative (it is a kink), and the gradient used is a
    convention, a subgradient, not a derivative: weight 1/k for each tied element and 0 for
    the rest (PyTorch's rule for amax and for max without dim: ties share the gradient evenly,
    so it still sums to g). dL/dx = g broadcast back * that weight. The weights are constants:
    they only change where a tie appears or breaks.
    """

    @staticmethod
    def forward(ctx, x, axes, keepdims):
        ctx.in_shape, ctx.axes = x.shape, axes
        z = x.max(axis=axes, keepdims=keepdims)
        ctx.save_for_backward(x, z)
        return z

    @staticmethod
    def backward(ctx, g):
        x, z = ctx.saved_tensors
        return expand_back(g, ctx.in_shape, ctx.axes) * _tie_weights(x, z, ctx.axes, g.dtype)


class Amin(Amax):
    """z = min of x over ``axes``; the mirror image of Amax, whose backward it inherits.

    The same convention holds with min for max: weight 1/k for each of the k elements tied at
    the min (a subgradient at the kink) and 0 for the rest, so dL/dx = g broadcast back * that
    weight.
    """

    @staticmethod
    def forward(ctx, x, axes, keepdims):
        ctx.in_shape, ctx.axes = x.shape, axes
        z = x.min(axis=axes, keepdims=keepdims)
        ctx.save_for_backward(x, z)
        return z


def _tie_weights(x, z, axes, dtype):
    """1/k at the k elements of x equal to their slice's extreme z, 0 elsewhere (a constant)."""
    from .elementwise import constant

    hit = x.array == z.array.reshape(kept_shape(x.shape, axes))
    return constant((hit / hit.sum(axis=axes, keepdims=True)).astype(dtype))


class Var(Function):
    """z = sum_i (x_i - m)^2 / (n - correction) over ``axes``, m the mean of the n elements.

    dz/dx_k = [2 (x_k - m) - (2/n) sum_i (x_i - m)] / (n - correction); the sum of deviations
    is 0 for every x, so dL/dx = g * 2 (x - m) / (n - correction). Backward computes it with
    minigrad ops from the input, so var has second derivatives.
    correction=1 (the default) is Bessel's unbiased estimate, correction=0 the population variance.
    """

    @staticmethod
    def forward(ctx, x, axes, correction, keepdims):
        ctx.in_shape, ctx.axes = x.shape, axes
        n = 1
        for a in axes:
            n *= x.shape[a]
        ctx.dof = builtins.max(n - correction, 0)
        ctx.save_for_backward(x)
        d = x - x.mean(axis=axes, keepdims=True)
        with backend.errstate(x, divide="ignore", invalid="ignore"):  # n <= correction: inf/nan, as in PyTorch
            return (d * d).sum(axis=axes, keepdims=keepdims) / ctx.dof

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        d = x - mean(x, ctx.axes, keepdim=True)
        # n <= correction: there is no variance to differentiate; nan (as PyTorch), not 0 * inf
        return expand_back(g, ctx.in_shape, ctx.axes) * d * (2 / ctx.dof if ctx.dof else float("nan"))


class LogSumExp(Function):
    """z = log sum_i exp(x_i) over ``axes``.

    Stable form: with m = max_i x_i,  z = m + log sum_i exp(x_i - m) (no overflow; m is taken
    as 0 when it is infinite, so a slice of -inf gives -inf instead of nan).
    dz/dx_k = exp(x_k) / sum_i exp(x_i) = exp(x_k - z), the softmax, so
        dL/dx = g broadcast back * exp(x - z broadcast back).
    """

    @staticmethod
    def forward(ctx, x, axes, keepdims):
        xp = _xp(x)
        ctx.in_shape, ctx.axes = x.shape, axes
        m = x.max(axis=axes, keepdims=True) if x.size else xp.zeros(kept_shape(x.shape, axes), x.dtype)
        m = xp.where(xp.isfinite(m), m, 0)
        with backend.errstate(x, divide="ignore"):  # log(0) = -inf for a slice of -inf: the right answer
            z = xp.log(xp.exp(x - m).sum(axis=axes, keepdims=True)) + m
        z = z if keepdims else z.reshape(tuple(s for i, s in enumerate(x.shape) if i not in axes))
        ctx.save_for_backward(x, z)
        return z

    @staticmethod
    def backward(ctx, g):
        from .elementwise import exp

        x, z = ctx.saved_tensors
        return expand_back(g, ctx.in_shape, ctx.axes) * exp(x - expand_back(z, ctx.in_shape, ctx.axes))


# ---- max, min and their indices -------------------------------------------------------------------
#: What max(x, dim) and min(x, dim) return, like torch.return_types.max: (values, indices).
max_result = namedtuple("max", ["values", "indices"])
min_result = namedtuple("min", ["values", "indices"])


def _check_nonempty(x, axes, op):
    for a in axes:
        if x.shape[a] == 0:
            raise ShapeError(f"{op}: cannot reduce over dimension {a} of size 0 (shape {tuple(x.shape)})")
    if not axes and x.numel() == 0:
        raise ShapeError(f"{op}: cannot reduce an empty tensor (shape {tuple(x.shape)})")


def amax(x, dim=None, keepdim=False, *, axis=None, keepdims=False):
    """The largest value over ``dim`` (an int, a tuple, or None for all); ties share the gradient."""
    dim, keep = _dim_args(dim, axis, keepdim, keepdims)
    axes = reduce_axes(x, dim, "amax")
    _check_nonempty(x, axes, "amax")
    return Amax.apply(x, axes=axes, keepdims=keep)


def amin(x, dim=None, keepdim=False, *, axis=None, keepdims=False):
    """The smallest value over ``dim``; ties share the gradient."""
    dim, keep = _dim_args(dim, axis, keepdim, keepdims)
    axes = reduce_axes(x, dim, "amin")
    _check_nonempty(x, axes, "amin")
    return Amin.apply(x, axes=axes, keepdims=keep)


def _extreme(x, dim, keep, op):
    """max/min along one dim: (values, indices); the gradient goes to the returned index only."""
    from .indexing import gather
    from .shape import squeeze

    if isinstance(dim, (tuple, list)):
        raise TypeError(f"{op}: dim must be a single int (use amax/amin for several dims), got {dim}")
    d = normalize_dim(dim, x.ndim, op)
    indices = (argmax if op == "max" else argmin)(x, d, keepdim=True)
    values = gather(x, d, indices) if x.ndim else x
    if not keep and x.ndim:
        values, indices = squeeze(values, d), squeeze(indices, d)
    return (max_result if op == "max" else min_result)(values, indices)


def max(x, dim=None, keepdim=False, *, axis=None, keepdims=False):
    """Like torch.max.

    - ``max(x)``: the largest element (0-d); tied maxima share the gradient evenly.
    - ``max(x, dim, keepdim=False)``: ``(values, indices)`` along ``dim``; indices are the first
      maximum in each slice (as PyTorch) and the gradient goes to that element only.
    - ``max(x, other)`` with a Tensor ``other``: the elementwise maximum.
    """
    from ..tensor import Tensor

    if isinstance(dim, Tensor):
        from .elementwise import maximum

        return maximum(x, dim)
    dim, keep = _dim_args(dim, axis, keepdim, keepdims)
    if dim is None:
        return amax(x)
    return _extreme(x, dim, keep, "max")


def min(x, dim=None, keepdim=False, *, axis=None, keepdims=False):
    """Like torch.min; see ``max`` (ties, indices and the elementwise form alike)."""
    from ..tensor import Tensor

    if isinstance(dim, Tensor):
        from .elementwise import minimum

        return minimum(x, dim)
    dim, keep = _dim_args(dim, axis, keepdim, keepdims)
    if dim is None:
        return amin(x)
    return _extreme(x, dim, keep, "min")


def _arg_extreme(x, dim, keepdim, op):
    from ..tensor import Tensor

    xp = x.xp
    if dim is None:
        _check_nonempty(x, (), op)
        return Tensor._make(xp.asarray(getattr(xp, op)(x.array.reshape(-1)), dtype="int64"))
    d = normalize_dim(dim, x.ndim, op)
    _check_nonempty(x, (d,) if x.ndim else (), op)
    if x.ndim == 0:
        return Tensor._make(xp.zeros((), dtype="int64"))
    return Tensor._make(getattr(xp, op)(x.array, axis=d, keepdims=keepdim).astype("int64"))


def argmax(x, dim=None, keepdim=False, *, axis=None, keepdims=False):
    """Index of the (first) largest element along ``dim``, or in the flattened tensor; int64, no gradient."""
    dim, keep = _dim_args(dim, axis, keepdim, keepdims)
    return _arg_extreme(x, dim, keep, "argmax")


def argmin(x, dim=None, keepdim=False, *, axis=None, keepdims=False):
    """Index of the (first) smallest element along ``dim``, or in the flattened tensor; int64, no gradient."""
    dim, keep = _dim_args(dim, axis, keepdim, keepdims)
    return _arg_extreme(x, dim, keep, "argmin")


# ---- spread and log-sum-exp ---------------------------------------------------------------------------
def var(x, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None, keepdims=False):
    """Variance over ``dim`` with ``correction`` (default 1, unbiased; ``unbiased=False`` means 0)."""
    if isinstance(dim, bool):  # torch.var(x, False): the old (input, unbiased) form
        dim, unbiased = None, dim
    dim, keep = _dim_args(dim, axis, keepdim, keepdims)
    if correction is None:
        correction = 0 if unbiased is False else 1
    if x.dtype.kind != "f":
        raise UnsupportedDType(f"var: needs a floating point tensor, got dtype {x.dtype}; use .float() first")
    return Var.apply(x, axes=reduce_axes(x, dim, "var"), correction=correction, keepdims=keep)


def std(x, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None, keepdims=False):
    """Standard deviation: sqrt(var(...)) with the same arguments.

    Where the spread is 0 (a constant slice) the gradient is 0, as in PyTorch: d sqrt(v)/dv is
    infinite at v = 0 but dv/dx = 2 (x - m) / dof is 0 there, and the product is taken as 0
    (not inf * 0 = nan). So sqrt only sees the nonzero variances (1 stands in for the zeros).
    """
    from .elementwise import constant, sqrt, where

    v = var(x, dim, unbiased, keepdim, correction=correction, axis=axis, keepdims=keepdims)
    zero = constant(v.array == 0)
    return where(zero, 0.0, sqrt(where(zero, 1.0, v)))


def logsumexp(x, dim=None, keepdim=False, *, axis=None, keepdims=False):
    """log(sum(exp(x))) over ``dim`` (None: all), computed stably."""
    dim, keep = _dim_args(dim, axis, keepdim, keepdims)
    if x.dtype.kind != "f":
        raise UnsupportedDType(f"logsumexp: needs a floating point tensor, got dtype {x.dtype}; use .float() first")
    return LogSumExp.apply(x, axes=reduce_axes(x, dim, "logsumexp"), keepdims=keep)


TENSOR_METHODS = {
    "sum": sum, "mean": mean, "max": max, "min": min, "amax": amax, "amin": amin,
    "argmax": argmax, "argmin": argmin, "var": var, "std": std, "logsumexp": logsumexp,
}
