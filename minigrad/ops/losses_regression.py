"""Regression and likelihood losses: huber_loss, smooth_l1_loss, kl_div, poisson_nll_loss,
gaussian_nll_loss.

Each is a short composition of elementwise ops, so autograd differentiates it (twice too);
the pieces at a kink are chosen with constant masks. ``reduction`` as in minigrad.ops.loss:
'none' keeps one loss per element, 'sum' adds them, 'mean' divides the sum by their number.
"""

import math

from ..errors import ArgumentError, ArgumentRuntimeError, ShapeError
from .elementwise import abs as _abs
from .elementwise import constant, exp, log, where
from .loss import (_as_tensor, _check_floating, _check_reduction, _check_same_shape, _like_input,
                   _reduce_elementwise)
from .reduction import sum as _sum
from .shape import unsqueeze


def _pair(input, target, op, reduction):
    _check_reduction(reduction, op)
    target = _as_tensor(target, input)
    _check_floating(input, op, target)
    _check_same_shape(input, target, op)
    return input, _like_input(target, input)


def _huber(d, delta):
    """0.5 d^2 where |d| < delta, delta (|d| - delta / 2) elsewhere (the two meet with equal slopes)."""
    ad = _abs(d)
    small = constant(ad.array < delta)
    return where(small, d * d * 0.5, (ad - 0.5 * delta) * delta)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """l = 0.5 (x - t)^2 for |x - t| < delta, delta (|x - t| - delta / 2) otherwise, times weight.

    dl/dx = (x - t) inside, delta sign(x - t) outside: quadratic near the target, linear
    (robust to outliers) far from it. ``weight`` (the input's shape) rescales each element;
    'mean' still divides by the number of elements, as PyTorch.

    Composition: of abs, where, mul, sub, sum (no Function of its own).
    """
    op = "huber_loss"
    input, target = _pair(input, target, op, reduction)
    if delta <= 0:
        raise ArgumentRuntimeError(f"{op}: delta must be positive, got {delta}")
    loss = _huber(input - target, float(delta))
    if weight is not None:
        if tuple(weight.shape) != tuple(input.shape):
            raise ShapeError(f"{op}: weight of shape {tuple(weight.shape)} must have the input's shape "
                             f"{tuple(input.shape)}")
        loss = loss * _like_input(weight, input)
    return _reduce_elementwise(loss, reduction)


def smooth_l1_loss(input, target, reduction="mean", beta=1.0):
    """l = 0.5 (x - t)^2 / beta for |x - t| < beta, |x - t| - beta / 2 otherwise: huber / beta.

    beta = 0 gives the L1 loss |x - t|.

    Composition: of abs, where, mul, sub, sum (no Function of its own).
    """
    op = "smooth_l1_loss"
    input, target = _pair(input, target, op, reduction)
    if beta < 0:
        raise ArgumentRuntimeError(f"{op}: beta must be non-negative, got {beta}")
    d = input - target
    loss = _abs(d) if beta == 0 else _huber(d, float(beta)) * (1.0 / beta)
    return _reduce_elementwise(loss, reduction)


def _xlogy(t):
    """t log t with 0 log 0 = 0; log reads 1 where t <= 0, so the gradient at t = 0 is not nan.
    A negative t has no logarithm: nan there, as PyTorch's xlogy gives."""
    positive = constant(t.array > 0)
    safe = where(positive, t, constant(t.xp.ones((), dtype=t.dtype)))
    rest = constant(t.xp.where(t.array == 0, 0, float("nan")).astype(t.dtype))
    return where(positive, t * log(safe), rest)


def kl_div(input, target, reduction="mean", log_target=False):
    """Kullback-Leibler divergence, the input given as log-probabilities log q:

        l = t (log t - log q)        (log_target=False; 0 where t = 0)
        l = exp(t) (t - log q)       (log_target=True: the target given as log-probabilities)

    reduction 'batchmean' divides the sum by the batch size input.shape[0], which is the true
    KL divergence of each row; 'mean' divides by the number of elements, as PyTorch does.
    Both the input and the target get gradients: dl/dlog q = -t, dl/dt = log t + 1 - log q.

    Composition: of exp, where, log, mul (no Function of its own).
    """
    op = "kl_div"
    if reduction not in ("mean", "sum", "none", "batchmean"):
        raise ArgumentError(f"{op}: reduction must be 'mean', 'batchmean', 'sum' or 'none', got {reduction!r}")
    input, target = _pair(input, target, op, "none")
    if log_target:
        loss = exp(target) * (target - input)
    else:
        loss = _xlogy(target) - target * input
    if reduction == "batchmean":
        return _sum(loss) / (input.shape[0] if input.ndim else 1)
    return _reduce_elementwise(loss, reduction)


def poisson_nll_loss(input, target, log_input=True, full=False, eps=1e-8, reduction="mean"):
    """Negative log-likelihood of a Poisson target t with rate lambda (up to log t!):

        l = exp(x) - t x                (log_input=True: x = log lambda)
        l = x - t log(x + eps)          (log_input=False: x = lambda; eps avoids log 0)
    full=True adds Stirling's approximation of log t!, t log t - t + 0.5 log(2 pi t), for the
    targets t > 1 (PyTorch's rule; it does not depend on x, so it only shifts the loss).

    Composition: of exp, log, where, sum, mean (no Function of its own).
    """
    op = "poisson_nll_loss"
    input, target = _pair(input, target, op, reduction)
    if log_input:
        loss = exp(input) - target * input
    else:
        loss = input - target * log(input + eps)
    if full:
        # 0 for t <= 1; log reads 1 there, so no log of 0 or of negatives (and no nan gradient)
        big = constant(target.array > 1)
        safe = where(big, target, constant(target.xp.ones((), dtype=target.dtype)))
        stirling = safe * log(safe) - safe + 0.5 * log(safe * (2 * math.pi))
        loss = loss + where(big, stirling, constant(target.xp.zeros((), dtype=target.dtype)))
    return _reduce_elementwise(loss, reduction)


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    """Negative log-likelihood of t under a normal with mean x and variance var:

        l = 0.5 (log(max(var, eps)) + (x - t)^2 / max(var, eps))  (+ 0.5 log(2 pi) if full)

    var has the input's shape, or one dimension less (the last, as for one variance per
    sample), or a last dimension of 1, or is a number. The clamp at eps keeps the loss
    finite; as in PyTorch it is applied to the value only, so var's gradient still flows
    (dl/dvar = 0.5 (1 / v - (x - t)^2 / v^2), v the clamped variance).

    Composition: of unsqueeze, maximum, log, sum, mean (no Function of its own).
    """
    op = "gaussian_nll_loss"
    input, target = _pair(input, target, op, reduction)
    if not hasattr(var, "shape"):
        var = input.xp.full(input.shape, float(var), dtype=input.dtype)
    var = _like_input(_as_tensor(var, input), input)
    if tuple(var.shape) != tuple(input.shape):
        if tuple(var.shape) == tuple(input.shape[:-1]):
            var = unsqueeze(var, -1)
        elif not (var.ndim == input.ndim and tuple(var.shape[:-1]) == tuple(input.shape[:-1])
                  and var.shape[-1] == 1):
            raise ShapeError(f"{op}: var of shape {tuple(var.shape)} does not fit the input of shape "
                             f"{tuple(input.shape)}: it needs the input's shape, that shape without its "
                             "last dimension, or a last dimension of 1")
    if var.array.size and bool((var.array < 0).any()):
        raise ArgumentError(f"{op}: var has negative entry/entries")
    # the clamp on the value only: v = var + (max(var, eps) - var), the difference a constant
    v = var + constant(var.xp.maximum(var.array, eps) - var.array)
    d = input - target
    loss = (log(v) + d * d / v) * 0.5
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce_elementwise(loss, reduction)


TENSOR_METHODS = {}
