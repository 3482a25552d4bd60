"""Vector norms and what is built on them: vector_norm, dist, cdist, and the trace.

    ||x||_p = (sum_i |x_i|^p)^(1/p)        p = 2 is the Euclidean length
    ||x||_inf = max_i |x_i|,  ||x||_-inf = min_i |x_i|,  ||x||_0 = the number of nonzero x_i

Matrix norms (Frobenius, nuclear, spectral, ...) live in ``minigrad.linalg.norms``, which
builds on these and on the singular values.

Notation: docs/notation.md.
"""

import math

from ..autograd.function import Function
from ..errors import ArgumentError, DTypeRuntimeError, ShapeError
from ..tensor import Tensor
from .einsum import einsum
from .elementwise import abs, cast, constant, sqrt, where
from .reduction import amax, amin, kept_shape, reduce_axes, sum
from .shape import reshape, unsqueeze


class VectorNorm(Function):
    """z = (sum_i |x_i|^p)^(1/p) over ``axes``, for a finite p; p = 0 counts the nonzero x_i.

    Let s = sum_i |x_i|^p, so z = s^(1/p). By the chain rule
        dz/dx_i = (1/p) s^(1/p - 1) * p |x_i|^(p-1) sign(x_i) = sign(x_i) |x_i|^(p-1) / z^(p-1)
    which for p = 2 is x_i / z and for p = 1 is sign(x_i). So dL/dx = g * that.

    Fused, not composed from abs, pow and sum, for one point: the zero vector. There
    z = 0 and the composition computes 0 * inf = nan; PyTorch (and this op) give the
    subgradient 0 instead. sign(0) = 0 too, as PyTorch's. For p < 1 the derivative is
    infinite at an x_i = 0 (in a nonzero vector); this op returns 0 there (sign(0) = 0),
    where PyTorch's formula gives nan. The count (p = 0) is
    piecewise constant: its gradient is 0.
    """

    @staticmethod
    def forward(ctx, x, p, axes, keepdim):
        xp = _xp(x)
        ctx.p, ctx.axes, ctx.keepdim = p, axes, keepdim
        a = xp.abs(x)
        if p == 0:
            z = xp.sum(x != 0, axis=axes, keepdims=keepdim)
        elif p == 2:
            z = xp.sqrt(xp.sum(a * a, axis=axes, keepdims=keepdim))
        elif p == 1:
            z = xp.sum(a, axis=axes, keepdims=keepdim)
        else:
            z = xp.sum(a ** x.dtype.type(p), axis=axes, keepdims=keepdim) ** x.dtype.type(1 / p)
        z = xp.asarray(z, dtype=x.dtype)
        ctx.save_for_backward(x, z)
        return z

    @staticmethod
    def backward(ctx, g):
        x, z = ctx.saved_tensors
        p, axes = ctx.p, ctx.axes
        if not ctx.keepdim:  # put the reduced axes back as size 1, so z and g broadcast against x
            shape = kept_shape(x.shape, axes)
            z, g = reshape(z, shape), reshape(g, shape)
        xp = x.xp
        if p == 0:
            return g * constant(xp.zeros(x.shape, dtype=x.dtype))
        zero = constant(z.array == 0)
        safe_z = where(zero, 1.0, z)  # no division by 0; the mask below zeroes those slices
        if p == 1:  # sign(x) is 0 wherever z = 0 already
            return g * constant(xp.sign(x.array))
        if p == 2:
            d = x / safe_z
        else:
            safe_abs = where(constant(x.array == 0), 1.0, abs(x))  # sign(x) = 0 there anyway
            d = constant(xp.sign(x.array)) * safe_abs ** (p - 1) / safe_z ** (p - 1)
        return g * where(zero, 0.0, d)


def _xp(array):
    from ..backend import get_array_module

    return get_array_module(array)


def _float(x, op, dtype=None):
    if not isinstance(x, Tensor):
        raise ArgumentError(f"{op}: input must be a tensor, got {type(x).__name__}")
    if dtype is not None:
        x = cast(x, dtype)
    if x.dtype.kind != "f":
        raise DTypeRuntimeError(f"{op}: expected a floating point tensor, got dtype {x.dtype}")
    return x


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None):
    """The p-norm of x over ``dim`` (an int, a tuple, or None for every element), like
    torch.linalg.vector_norm. ``ord`` is any number, ``inf`` or ``-inf``."""
    op = "linalg.vector_norm"
    x = _float(x, op, dtype)
    if isinstance(ord, str):
        raise ArgumentError(f"{op}: ord must be a number, got {ord!r} (use linalg.matrix_norm for 'fro', 'nuc')")
    axes = reduce_axes(x, dim, op)
    if x.array.size == 0 and ord < 0:
        raise ShapeError(f"{op}: cannot compute the {ord} norm of an empty tensor (shape {tuple(x.shape)})")
    if ord == math.inf:
        return amax(abs(x), dim=axes, keepdim=keepdim) if x.ndim else abs(x)
    if ord == -math.inf:
        return amin(abs(x), dim=axes, keepdim=keepdim) if x.ndim else abs(x)
    return VectorNorm.apply(x, p=float(ord), axes=axes, keepdim=keepdim)


def dist(input, other, p=2):
    """||input - other||_p over every element (the two broadcast), like torch.dist."""
    return vector_norm(input - other, ord=p)


def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    """Pairwise distances: out[..., i, j] = ||x1[..., i, :] - x2[..., j, :]||_p, like torch.cdist.

    x1 is (..., P, M), x2 (..., R, M), the batch dimensions broadcast; out is (..., P, R).
    The direct way forms every difference, (..., P, R, M). For p = 2 with many points
    PyTorch (and this op) use the expansion instead
        ||a - b||^2 = ||a||^2 + ||b||^2 - 2 a . b
    one matmul and no (P, R, M) array, at a small cost in precision (round-off can make
    the sum slightly negative: it is clamped at 0). Where a distance is 0 its gradient is
    0, as in PyTorch, by both routes.
    """
    op = "cdist"
    x1, x2 = _float(x1, op), _float(x2, op)
    if x1.ndim < 2 or x2.ndim < 2:
        raise ShapeError(f"{op}: x1 and x2 must have at least 2 dimensions, got shapes {tuple(x1.shape)} and "
                         f"{tuple(x2.shape)}")
    if x1.shape[-1] != x2.shape[-1]:
        raise ShapeError(f"{op}: x1 and x2 must have the same number of columns, got shapes {tuple(x1.shape)} "
                         f"and {tuple(x2.shape)}")
    if p < 0:
        raise ArgumentError(f"{op}: only supports non-negative p values, got {p}")
    modes = ("use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist", "donot_use_mm_for_euclid_dist")
    if compute_mode not in modes:
        raise ArgumentError(f"{op}: compute_mode must be one of {modes}, got {compute_mode!r}")
    from .elementwise import check_broadcast

    check_broadcast(f"{op} (batch dimensions)", x1.shape[:-2], x2.shape[:-2])
    use_mm = p == 2 and (compute_mode == "use_mm_for_euclid_dist" or (
        compute_mode == modes[0] and (x1.shape[-2] > 25 or x2.shape[-2] > 25)))
    if use_mm:
        from .linalg import matmul

        sq1 = unsqueeze(sum(x1 * x1, dim=-1), -1)  # (..., P, 1)
        sq2 = unsqueeze(sum(x2 * x2, dim=-1), -2)  # (..., 1, R)
        d2 = sq1 + sq2 - 2 * matmul(x1, x2.mT)
        positive = constant(d2.array > 0)
        return where(positive, sqrt(where(positive, d2, 1.0)), 0.0)
    diff = unsqueeze(x1, -2) - unsqueeze(x2, -3)  # (..., P, R, M)
    return vector_norm(diff, ord=p, dim=-1)


def trace(input):
    """The sum of the main diagonal of a 2-D tensor (it may be rectangular): einsum("ii->")."""
    if not isinstance(input, Tensor) or input.ndim != 2:
        shape = tuple(input.shape) if isinstance(input, Tensor) else type(input).__name__
        raise ShapeError(f"trace: expected a 2-D tensor, got {shape}")
    n = min(input.shape)
    square = input if input.shape[0] == input.shape[1] else input[:n, :n]
    if square.dtype.kind in "biu":  # PyTorch sums integers as int64
        square = cast(square, "int64")
    return einsum("ii->", square)


TENSOR_METHODS = {"trace": trace, "dist": dist}
