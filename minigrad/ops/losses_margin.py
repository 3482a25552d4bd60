"""Margin and embedding losses: margin_ranking_loss, hinge_embedding_loss, soft_margin_loss,
cosine_embedding_loss, triplet_margin_loss, triplet_margin_with_distance_loss, multi_margin_loss, multilabel_margin_loss,
multilabel_soft_margin_loss.

All are compositions of existing ops (autograd differentiates them). The hinge
max(0, z) follows PyTorch at z = 0: gradient 1 (``clamp(z, min=0)``, PyTorch's clamp_min)
for the ranking, embedding and triplet losses, gradient 0 (``relu``, PyTorch's z > 0 test)
for the multi-class ones. Targets y in {1, -1} (or class indices) are constants.
"""

from .. import backend
from ..errors import ArgumentError, DTypeError, IndexRuntimeError, ShapeError
from .activation import relu, softplus
from .activations_smooth import logsigmoid
from .distance import pairwise_distance
from .elementwise import check_broadcast, clamp, constant, minimum, sqrt, where
from .loss import _as_tensor, _check_floating, _check_reduction, _like_input, _reduce_elementwise
from .reduction import sum as _sum


def _hinge(z):
    return clamp(z, min=0.0)


def _zeros(like):
    return constant(like.xp.zeros((), dtype=like.dtype))


def _signs(target, input):
    """A {1, -1} target as a constant Tensor in the input's dtype."""
    target = _as_tensor(target, input)
    return target if target.dtype == input.dtype else constant(target.array.astype(input.dtype))


def margin_ranking_loss(input1, input2, target, margin=0.0, reduction="mean"):
    """l = max(0, -y (x1 - x2) + margin): x1 should rank above x2 by margin where y = 1, below where y = -1.

    Composition: of sum, mean, clamp, neg, sub, mul (no Function of its own).
    """
    op = "margin_ranking_loss"
    _check_reduction(reduction, op)
    _check_floating(input1, op)
    _check_floating(input2, op)
    y = _signs(target, input1)
    if not (input1.ndim == input2.ndim == y.ndim):
        raise ShapeError(f"{op}: all input tensors should have the same number of dimensions, got shapes "
                         f"input1 {tuple(input1.shape)}, input2 {tuple(input2.shape)}, target {tuple(y.shape)}")
    check_broadcast(op, input1.shape, input2.shape, y.shape)
    return _reduce_elementwise(_hinge(-y * (input1 - input2) + margin), reduction)


def hinge_embedding_loss(input, target, margin=1.0, reduction="mean"):
    """l = x where y = 1, max(0, margin - x) where y = -1 (x is usually a distance).

    Composition: of where, clamp, sum, mean, sub, add (no Function of its own).
    """
    op = "hinge_embedding_loss"
    _check_reduction(reduction, op)
    _check_floating(input, op)
    y = _as_tensor(target, input).array
    zero = _zeros(input)
    loss = where(constant(y != -1), input, zero) + where(constant(y != 1), _hinge(margin - input), zero)
    return _reduce_elementwise(loss, reduction)


def soft_margin_loss(input, target, reduction="mean"):
    """l = log(1 + exp(-y x)), a smooth hinge (computed stably as softplus(-y x)).

    Composition: of sum, mean, F.softplus, neg, mul (no Function of its own).
    """
    op = "soft_margin_loss"
    _check_reduction(reduction, op)
    _check_floating(input, op)
    y = _signs(target, input)
    check_broadcast(op, input.shape, y.shape)
    return _reduce_elementwise(softplus(-y * input, threshold=float("inf")), reduction)


# PyTorch's constant under each squared magnitude in cosine_embedding_loss
_COSINE_EPS = 1e-12


def cosine_embedding_loss(input1, input2, target, margin=0.0, reduction="mean"):
    """l = 1 - cos(x1, x2) where y = 1, max(0, cos(x1, x2) - margin) where y = -1.

    Inputs (N, D) with targets (N,), or (D,) with a 0-d target. As PyTorch,
    cos = sum(x1 x2) / sqrt((sum x1^2 + 1e-12) (sum x2^2 + 1e-12)).

    Composition: of sum, sqrt, where, clamp, mean, sub (no Function of its own).
    """
    op = "cosine_embedding_loss"
    _check_reduction(reduction, op)
    _check_floating(input1, op)
    _check_floating(input2, op)
    y = _as_tensor(target, input1).array
    if input1.ndim not in (1, 2) or tuple(input1.shape) != tuple(input2.shape) or y.ndim != input1.ndim - 1:
        raise ShapeError(f"{op}: needs inputs (N, D) with a target (N,), or (D,) with a 0-d target; got shapes "
                         f"{tuple(input1.shape)}, {tuple(input2.shape)} and target {tuple(y.shape)}")
    d = input1.ndim - 1
    dot = _sum(input1 * input2, d)
    mag = (_sum(input1 * input1, d) + _COSINE_EPS) * (_sum(input2 * input2, d) + _COSINE_EPS)
    cos = dot / sqrt(mag)
    zero = _zeros(input1)
    loss = where(constant(y == 1), 1 - cos, zero) + where(constant(y == -1), _hinge(cos - margin), zero)
    return _reduce_elementwise(loss, reduction)


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False, reduction="mean"):
    """l = max(0, d(a, p) - d(a, n) + margin), d the pairwise p-norm distance.

    swap=True uses min(d(a, n), d(p, n)) as the negative distance (the harder negative).

    Composition: of F.pairwise_distance, minimum, sum, mean, clamp, sub, add (no Function of its own).
    """
    op = "triplet_margin_loss"
    _check_triplet(op, reduction, margin)
    if not (anchor.ndim == positive.ndim == negative.ndim) or anchor.ndim not in (1, 2):
        raise ShapeError(f"{op}: anchor, positive and negative must all be (N, D) or all (D,), got shapes "
                         f"{tuple(anchor.shape)}, {tuple(positive.shape)} and {tuple(negative.shape)}")
    return _triplet(lambda x1, x2: pairwise_distance(x1, x2, p, eps), anchor, positive, negative, margin, swap,
                    reduction)


def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None, margin=1.0,
                                      swap=False, reduction="mean"):
    """l = max(0, d(a, p) - d(a, n) + margin) for any distance d(x1, x2) (a callable of two
    tensors; the pairwise Euclidean distance by default), and swap as in triplet_margin_loss.

    Composition: of the distance function, minimum, clamp, sub, add, sum or mean (no Function of its own).
    """
    op = "triplet_margin_with_distance_loss"
    _check_triplet(op, reduction, margin)
    if not anchor.ndim == positive.ndim == negative.ndim:
        raise ShapeError(f"{op}: the anchor, positive, and negative tensors are expected to have the same number "
                         f"of dimensions, but got: anchor {anchor.ndim}D, positive {positive.ndim}D, and negative "
                         f"{negative.ndim}D inputs (shapes {tuple(anchor.shape)}, {tuple(positive.shape)}, "
                         f"{tuple(negative.shape)})")
    return _triplet(distance_function or pairwise_distance, anchor, positive, negative, margin, swap, reduction)


def _check_triplet(op, reduction, margin):
    _check_reduction(reduction, op)
    if margin <= 0:
        raise ArgumentError(f"{op}: margin must be greater than 0, got {margin}")


def _triplet(distance, anchor, positive, negative, margin, swap, reduction):
    d_pos = distance(anchor, positive)
    d_neg = distance(anchor, negative)
    if swap:  # the harder negative: the positive's distance to it, when that is smaller
        d_neg = minimum(d_neg, distance(positive, negative))
    return _reduce_elementwise(_hinge(d_pos - d_neg + margin), reduction)


# ---- multi-class margins ---------------------------------------------------------------------------------
def _as_rows(input, target, op):
    """(C,) with a 0-d target, or (N, C) with (N,) targets, as (N, C) and (N,) plus an unbatched flag."""
    if input.ndim not in (1, 2):
        raise ShapeError(f"{op}: input must be (C,) or (N, C), got shape {tuple(input.shape)}")
    if input.ndim == 1:
        return input.reshape((1,) + tuple(input.shape)), target.reshape((1,) + tuple(target.shape)), True
    return input, target, False


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, reduction="mean"):
    """Multi-class hinge: l_n = sum_{i != y_n} w_{y_n} max(0, margin - x_{n, y_n} + x_{n, i})^p / C.

    p is 1 or 2. The target's own term (i = y_n) is masked out with a constant.

    Composition: of reshape, add, min, max, sum, F.relu (no Function of its own).
    """
    op = "multi_margin_loss"
    _check_reduction(reduction, op)
    _check_floating(input, op)
    if p not in (1, 2):
        raise ArgumentError(f"{op}: only p == 1 and p == 2 supported, got p={p}")
    target = _as_tensor(target, input)
    if target.dtype.kind not in "iu":
        raise DTypeError(f"{op}: target must hold class indices (int64), got dtype {target.dtype}")
    x, t, unbatched = _as_rows(input, target.array, op)
    n, c = x.shape
    if tuple(t.shape) != (n,):
        raise ShapeError(f"{op}: input of shape {tuple(input.shape)} needs a target of shape "
                         f"{tuple(input.shape[:-1])}, got {tuple(target.shape)}")
    if t.size and backend.is_host(t) and (int(t.min()) < 0 or int(t.max()) >= c):  # CPU only
        raise IndexRuntimeError(f"{op}: target out of range: class indices must be in [0, {c - 1}]")
    if weight is not None and tuple(weight.shape) != (c,):
        raise ShapeError(f"{op}: weight must have shape ({c},), one per class, got {tuple(weight.shape)}")
    xp = x.xp
    others = constant((xp.arange(c)[None, :] != t[:, None]).astype(x.dtype))
    x_y = _sum(x * constant((xp.arange(c)[None, :] == t[:, None]).astype(x.dtype)), 1, keepdim=True)
    h = relu(x - x_y + margin)
    terms = (h if p == 1 else h * h) * others
    if weight is not None:
        terms = terms * constant(_like_input(weight, x).array[t][:, None])  # w_{y_n}, a constant
    loss = _sum(terms, 1) * (1.0 / c)
    return _reduce_elementwise(loss.reshape(()) if unbatched else loss, reduction)


def multilabel_margin_loss(input, target, reduction="mean"):
    """Multi-label hinge: l_n = sum_{j in Y_n} sum_{i not in Y_n} max(0, 1 - (x_{n, j} - x_{n, i})) / C.

    target (same shape as input, int64) lists the classes Y_n of each row, ended by the first
    -1 (the rest is ignored). Built as an (N, C, C) table of pairs with constant masks (a class
    listed twice counts twice, as in PyTorch).

    Composition: of reshape, add, cumprod, sum, F.relu (no Function of its own).
    """
    op = "multilabel_margin_loss"
    _check_reduction(reduction, op)
    _check_floating(input, op)
    target = _as_tensor(target, input)
    if target.dtype.kind not in "iu":
        raise DTypeError(f"{op}: target must hold class indices (int64), got dtype {target.dtype}")
    if tuple(target.shape) != tuple(input.shape):
        raise ShapeError(f"{op}: target must have the input's shape {tuple(input.shape)}, got "
                         f"{tuple(target.shape)}")
    x, t, unbatched = _as_rows(input, target.array, op)
    n, c = x.shape
    if c == 0:  # PyTorch refuses a vector or matrix without classes
        raise ShapeError(f"{op}: expected a non-empty vector or matrix (with an optional 0-size batch), got "
                         f"shape {tuple(input.shape)}")
    xp = x.xp
    listed = xp.cumprod(t >= 0, axis=1).astype(bool)  # entries before the first -1
    if backend.is_host(t) and bool((listed & (t >= c)).any()):  # CPU only
        raise IndexRuntimeError(f"{op}: target out of range: class indices must be in [-1, {c - 1}]")
    safe = xp.where(listed, t, 0)
    # count[n, j]: how many times class j is listed in row n (a one-hot sum over the list)
    count = ((safe[:, :, None] == xp.arange(c)) & listed[:, :, None]).sum(axis=1).astype(x.dtype)
    is_target = count > 0
    pair_mask = count[:, :, None] * (~is_target)[:, None, :]  # (n, j, i): j listed, i not
    h = relu(1 - x.reshape((n, c, 1)) + x.reshape((n, 1, c)))
    loss = _sum(h * constant(pair_mask.astype(x.dtype)), (1, 2)) * (1.0 / c)
    return _reduce_elementwise(loss.reshape(()) if unbatched else loss, reduction)


def multilabel_soft_margin_loss(input, target, weight=None, reduction="mean"):
    """l_n = -(1/C) sum_c w_c (y_nc log sigmoid(x_nc) + (1 - y_nc) log sigmoid(-x_nc)), with y in {0, 1}.

    The logistic loss of each class, averaged over the classes (the last dimension).

    Composition: of F.logsigmoid, sum, mean, mul, sub (no Function of its own).
    """
    op = "multilabel_soft_margin_loss"
    _check_reduction(reduction, op)
    target = _like_input(_as_tensor(target, input), input)
    _check_floating(input, op, target)
    if tuple(target.shape) != tuple(input.shape):
        raise ShapeError(f"{op}: target must have the input's shape {tuple(input.shape)}, got "
                         f"{tuple(target.shape)}")
    terms = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        check_broadcast(op + " (weight against input)", weight.shape, input.shape)
        terms = terms * _like_input(weight, input)
    c = input.shape[-1] if input.ndim else 1
    # no classes (c = 0): 0 / 0, nan for each sample, as PyTorch gives
    loss = (_sum(terms, -1) * (1.0 / c if c else float("nan"))) if input.ndim else terms
    return _reduce_elementwise(loss, reduction)


TENSOR_METHODS = {}
