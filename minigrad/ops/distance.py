"""Vector norms and what is built on them: normalize, cosine_similarity, pairwise_distance.

The p-norm along a dimension is one fused Function (``PNorm``), because its gradient needs a
choice at the zero vector, where x / ||x|| is 0 / 0: PyTorch takes 0 there (a subgradient),
and so does minigrad. The three functions are compositions of it with clamp, sum and division.
"""

from ..autograd.function import Function
from ..errors import ArgumentError, DTypeError
from .elementwise import _xp
from .elementwise import abs as _abs
from .elementwise import check_broadcast, clamp, constant
from .reduction import amax
from .reduction import sum as _sum
from .shape import normalize_dim, unsqueeze


class PNorm(Function):
    """y = (sum_i |x_i|^p)^(1/p) along ``dim``, for a finite p > 0.

    dy/dx_i = (1/p) (sum |x|^p)^(1/p - 1) p |x_i|^(p-1) sign(x_i) = sign(x_i) |x_i|^(p-1) / y^(p-1),
    which for p = 2 is x_i / y and for p = 1 is sign(x_i). Where y = 0 (a zero vector) the
    gradient is taken as 0, as PyTorch does. The backward is written with minigrad ops on x and
    the output y, so it can be differentiated again (away from zero entries when p < 2).
    """

    @staticmethod
    def forward(ctx, x, p, dim, keepdim):
        xp = _xp(x)
        a = xp.abs(x)
        if p == 1:
            y = a.sum(axis=dim, keepdims=True)
        elif p == 2:
            y = xp.sqrt((x * x).sum(axis=dim, keepdims=True))
        else:
            y = (a ** p).sum(axis=dim, keepdims=True) ** (1.0 / p)
        y = y.astype(x.dtype, copy=False)
        ctx.p, ctx.dim, ctx.keepdim = p, dim, keepdim
        out = y if keepdim else y.squeeze(dim)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        if not ctx.keepdim:
            g, y = unsqueeze(g, ctx.dim), unsqueeze(y, ctx.dim)
        nonzero = constant((y.array != 0).astype(x.dtype))
        safe_y = y + (1 - nonzero)  # 1 where y = 0: no division by zero, masked out below
        sign = constant(x.xp.sign(x.array))
        if ctx.p == 1:
            direction = sign
        elif ctx.p == 2:
            direction = x / safe_y
        else:
            direction = sign * _abs(x) ** (ctx.p - 1) / safe_y ** (ctx.p - 1)
        return g * direction * nonzero


def _floating(x, op, name="input"):
    if x.dtype.kind != "f":
        raise DTypeError(f"{op}: {name} must be a floating point tensor, got dtype {x.dtype}")
    return x


def _norm(x, p, dim, keepdim, op):
    """The p-norm along ``dim``: PNorm for finite p > 0, max |x| for p = inf, the count of
    non-zero entries for p = 0 (piecewise constant: its gradient is 0)."""
    p = float(p)
    if p < 0:
        raise ArgumentError(f"{op}: p must be >= 0, got {p}")
    if x.ndim == 0:
        x = x.reshape((1,))
    if p == float("inf"):
        return amax(_abs(x), dim, keepdim=keepdim)
    if p == 0:
        count = (x.array != 0).sum(axis=dim, keepdims=keepdim).astype(x.dtype)
        return constant(count)
    return PNorm.apply(x, p=p, dim=dim, keepdim=keepdim)


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """x / max(||x||_p, eps) along ``dim``: each slice scaled to unit p-norm.

    The clamp at eps keeps zero slices finite (they stay 0); below it the gradient does not
    flow through the norm (clamp's rule), as in PyTorch.
    """
    op = "normalize"
    if out is not None:
        raise ArgumentError(f"{op}: out= is not supported; use the returned tensor")
    x = _floating(input, op)
    d = normalize_dim(dim, max(x.ndim, 1), op)
    denom = clamp(_norm(x, p, d, True, op), min=eps)
    return x / (denom if x.ndim else denom.reshape(()))


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """cos(x1, x2) = sum(x1 x2) / (max(||x1||, eps) max(||x2||, eps)) along ``dim``.

    x1 and x2 broadcast against each other; ``dim`` is a dimension of the broadcast shape.
    """
    op = "cosine_similarity"
    _floating(x1, op, "x1")
    _floating(x2, op, "x2")
    shape = check_broadcast(op, x1.shape, x2.shape)
    if x1.shape != shape:
        x1 = x1.broadcast_to(shape)
    if x2.shape != shape:
        x2 = x2.broadcast_to(shape)
    d = normalize_dim(dim, max(len(shape), 1), op)
    if not shape:
        x1, x2 = x1.reshape((1,)), x2.reshape((1,))
    n1 = clamp(_norm(x1, 2, d, False, op), min=eps)
    n2 = clamp(_norm(x2, 2, d, False, op), min=eps)
    return _sum(x1 * x2, d) / (n1 * n2)


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """||x1 - x2 + eps||_p along the last dimension (eps keeps the norm away from its kink at 0).

    x1 and x2 broadcast; (N, D) and (N, D) give (N,), (D,) and (D,) a 0-d tensor.
    """
    op = "pairwise_distance"
    _floating(x1, op, "x1")
    _floating(x2, op, "x2")
    check_broadcast(op, x1.shape, x2.shape)
    diff = x1 - x2 + eps
    if diff.ndim == 0:
        diff = diff.reshape((1,))
    return _norm(diff, p, diff.ndim - 1, keepdim, op)


TENSOR_METHODS = {}
