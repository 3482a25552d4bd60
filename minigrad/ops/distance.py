"""normalize, cosine_similarity, pairwise_distance: compositions of the vector norm
(``minigrad.ops.norms.vector_norm``, whose gradient at the zero vector is PyTorch's
subgradient 0) with clamps, sums and divisions. Their gradients come from those ops.
"""

from ..errors import ArgumentError, DTypeError, ShapeError
from .elementwise import check_broadcast, clamp, constant
from .norms import vector_norm
from .reduction import sum as _sum
from .shape import normalize_dim


def _floating(x, op, name="input"):
    if x.dtype.kind != "f":
        raise DTypeError(f"{op}: {name} must be a floating point tensor, got dtype {x.dtype}")
    return x


def _norm(x, p, dim, keepdim, op):
    """The p-norm along ``dim`` (p = inf: max |x|, p = 0: the count of non-zero entries)."""
    p = float(p)
    if p < 0:
        raise ArgumentError(f"{op}: p must be >= 0, got {p}")
    return vector_norm(x if x.ndim else x.reshape((1,)), p, dim, keepdim)


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """x / max(||x||_p, eps) along ``dim``: each slice scaled to unit p-norm.

    The clamp at eps keeps zero slices finite (they stay 0); below it the gradient does not
    flow through the norm (clamp's rule), as in PyTorch.

    Composition: of clamp, vector_norm, reshape, div (no Function of its own).
    """
    op = "normalize"
    if out is not None:
        raise ArgumentError(f"{op}: out= is not supported; use the returned tensor")
    x = _floating(input, op)
    d = normalize_dim(dim, max(x.ndim, 1), op)
    denom = clamp(_norm(x, p, d, True, op), min=eps)
    return x / (denom if x.ndim else denom.reshape(()))


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """cos(x1, x2) = sum((x1 / n1) (x2 / n2)) along ``dim``, n = max(||x||, eps).

    x1 and x2 broadcast against each other; ``dim`` is a dimension of the broadcast shape.
    As in PyTorch, the clamp at eps applies to the norms' values only: their gradient flows
    as if unclamped (n = ||x|| + a constant), so tiny vectors still get a direction.

    Composition: of broadcast_to, reshape, maximum, sub, add, vector_norm (no Function of its own).
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
    n1, n2 = _clamped_value(_norm(x1, 2, d, True, op), eps), _clamped_value(_norm(x2, 2, d, True, op), eps)
    return _sum((x1 / n1) * (x2 / n2), d)


def _clamped_value(n, eps):
    """max(n, eps) in value, with n's gradient: n plus the constant max(n, eps) - n."""
    return n + constant(n.xp.maximum(n.array, eps) - n.array)


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """||x1 - x2 + eps||_p along the last dimension (eps keeps the norm away from its kink at 0).

    x1 and x2 broadcast; (N, D) and (N, D) give (N,), (D,) and (D,) a 0-d tensor.

    Composition: of reshape, vector_norm, sub, add (no Function of its own).
    """
    op = "pairwise_distance"
    _floating(x1, op, "x1")
    _floating(x2, op, "x2")
    check_broadcast(op, x1.shape, x2.shape)
    diff = x1 - x2 + eps
    if diff.ndim == 0:
        diff = diff.reshape((1,))
    return _norm(diff, p, diff.ndim - 1, keepdim, op)


def pdist(input, p=2.0):
    """The p-norm distance between every pair of rows i < j of an (N, M) input, as a vector of
    N(N-1)/2 entries (the upper triangle of cdist(input, input), row by row). A composition:
    the row pairs are gathered by index, so rows never meet themselves (no 0-distance kink).

    Composition: of vector_norm, sub (no Function of its own).
    """
    if input.ndim != 2:
        raise ShapeError(f"pdist: expected a 2-D input (N, M), got shape {tuple(input.shape)}")
    from ..creation import triu_indices

    i, j = triu_indices(input.shape[0], input.shape[0], 1)
    return vector_norm(input[i] - input[j], p, dim=-1)


TENSOR_METHODS = {}
