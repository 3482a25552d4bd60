"""Losses with PyTorch's definitions: cross-entropy from logits, negative log-likelihood and
binary cross-entropy as fused Functions; MSE, L1, cross-entropy against probabilities and
binary cross-entropy with logits as short compositions of other ops (their gradients come
from those ops).

Class losses take x of shape (N, C, d1, ...) (class axis 1) and targets of shape
(N, d1, ...) holding class indices. ``weight`` (C,) rescales each class, and a target equal
to ``ignore_index`` contributes nothing. ``reduction``:
    'none'  one loss per target,
    'sum'   their sum,
    'mean'  their sum divided by the number of targets; for the class losses, by the sum of
            the weights of the (non-ignored) targets, so the weights act as a weighted mean
            (PyTorch's rule; a batch whose targets are all ignored gives nan, 0/0).

Notation: docs/notation.md.
"""

import numpy as np  # for dtype constants and host data handed in (no computation on data goes through it)

from .. import backend
from ..autograd.function import Function
from ..autograd.grad_mode import is_grad_enabled
from ..backend import get_array_module as _xp  # NumPy or CuPy, whichever holds the arrays
from ..errors import ArgumentError, ArgumentRuntimeError, DTypeError, DTypeRuntimeError, IndexOutOfRange, ShapeError
from ..tensor import Tensor
from .activation import log_softmax, softmax
from .activation import softplus as _softplus
from .elementwise import abs as _abs
from .elementwise import clamp, constant, log
from .reduction import mean as _mean
from .reduction import sum as _sum
from .shape import unsqueeze

REDUCTIONS = ("mean", "sum", "none")


# ---- shared pieces of the class losses ----------------------------------------------------------
def _target_weights(target, weight, ignore_index, dtype):
    """For each target: whether it counts, a safe class index, and its weight w[y] (0 if ignored)."""
    xp = _xp(target)
    valid = target != ignore_index
    safe = xp.where(valid, target, 0)
    wy = valid.astype(dtype) if weight is None else weight[safe] * valid
    return valid, safe, wy


def _class_axis_shape(ndim, c):
    """(1, C, 1, ...): a per-class vector shaped to broadcast against (N, C, d1, ...)."""
    return (1, c) + (1,) * (ndim - 2)


def _add_at_targets(out, safe, values):
    """out[n, y_n, ...] += values[n, ...] in place, for out of shape (N, C, d1, ...) (C-contiguous).

    Position (n, k, r) of out (r the flattened d1, ...) is element (n * C + k) * R + r of its flat
    view; one index per target, so nothing is written twice.
    """
    xp = _xp(out)
    if out.ndim == 2:  # (N, C) logits: out[n, y_n] += values[n], the same elements, one fancy index
        out[xp.arange(out.shape[0]), safe] += values
        return out
    out = xp.ascontiguousarray(out)  # the flat view below must be a view, not a copy
    n, c = out.shape[0], out.shape[1]
    r = out.size // max(n * c, 1)
    rows = xp.arange(n).reshape((n,) + (1,) * (safe.ndim - 1))
    rest = xp.arange(r).reshape(safe.shape[1:]) if safe.ndim > 1 else 0
    flat = (rows * c + safe) * r + rest
    out.reshape(-1)[flat.reshape(-1)] += values.reshape(-1)
    return out


def _reduce(loss, wy, reduction, ctx, all_counted=False):
    """Apply the reduction to per-target losses; remember the 'mean' denominator for backward.

    ``all_counted``: every target is known to count with weight 1, so the mean's denominator is
    their number (at least 1) and the weights need not be summed."""
    ctx.reduction = reduction
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    if all_counted:
        ctx.denom = loss.dtype.type(loss.size)
        return loss.sum() / ctx.denom
    ctx.denom = wy.sum()
    with backend.errstate(wy, invalid="ignore", divide="ignore"):  # every target ignored: nan, as PyTorch
        return loss.sum() / ctx.denom


def _per_target_grad(ctx, g):
    """dL/d(per-target loss) for each reduction, shaped (N, 1, d1, ...) or a scalar."""
    if ctx.reduction == "none":
        return unsqueeze(g, 1)
    if ctx.reduction == "sum":
        return g
    return g / constant(ctx.denom)


def _per_target_grad_array(ctx, g):
    """``_per_target_grad(ctx, g).array`` on the array ``g``, without recording ops: the same
    arithmetic (g[:, None], g, g / denom), for a backward that is not differentiated again."""
    if ctx.reduction == "none":
        return g.reshape(g.shape[:1] + (1,) + g.shape[1:])
    if ctx.reduction == "sum":
        return g
    return g / ctx.denom


class CrossEntropy(Function):
    """Cross-entropy of softmax(x) against class indices, fused with the log-softmax.

    With target distribution q_i (one-hot at y_i, or label-smoothed with s:
    q_ic = (1 - s) [c = y_i] + s / C, where [·] is the Iverson bracket: 1 when the condition
    holds, else 0; docs/notation.md) and class weights w, the loss of position i is
        l_i = -sum_c a_ic log softmax(x_i)_c,      a_ic = w_c q_ic  (0 when y_i is ignored)
    Log-sum-exp keeps it finite: with z = x - max_c x (so exp never overflows),
        log softmax(x)_c = z_c - lse,   lse = log sum_c exp(z_c),
        l_i = A_i lse_i - sum_c a_ic z_ic,   A_i = sum_c a_ic = (1 - s) w_{y_i} + (s / C) sum_c w_c
    Only z_{i,y_i} and sum_c w_c z_ic are needed: the dense a is never built in forward.

    Backward: shifting x by m moves A_i lse_i and sum_c a_ic z_ic by the same A_i m, so l does
    not depend on the shift and can be differentiated as if z = x: d lse / d x_c = softmax(x)_c,
    d z_k / d x_c = [k = c], hence
        dl_i / dx_ic = A_i softmax(x_i)_c - a_ic,
    a rescaled softmax with a_ic taken off at the targets: one pass over the logits (softmax
    comes from forward's exp(z) and its sum) instead of a log-softmax backward plus a scatter.
    When the gradient is to be differentiated again (create_graph), softmax is recomputed
    from x with the softmax op instead, so the graph of the gradient depends on x.
    """

    @staticmethod
    def forward(ctx, x, target, weight, ignore_index, label_smoothing, reduction, all_counted=False):
        xp = _xp(x)
        c = x.shape[1]
        # all_counted: the caller saw every target in [0, C) and ignore_index outside it, so no
        # target is ignored; without class weights each then weighs 1 (the common case, unmasked)
        all_counted = all_counted and weight is None
        if all_counted:
            wy = xp.ones(target.shape, dtype=x.dtype)
            valid, safe = wy, target  # (valid as 1.0s: it is only multiplied by)
        else:
            valid, safe, wy = _target_weights(target, weight, ignore_index, x.dtype)
        z = x - x.max(axis=1, keepdims=True)
        e = xp.exp(z)
        total = e.sum(axis=1, keepdims=True)
        lse = xp.log(total)[:, 0]
        if x.ndim == 2:  # z[n, y_n] for each n: one gather (take_along_axis costs more to set up)
            z_y = z[xp.arange(x.shape[0]), safe]
        else:
            z_y = xp.take_along_axis(z, safe[:, None], axis=1)[:, 0]
        loss = lse - z_y if all_counted else (lse - z_y) * wy
        if label_smoothing > 0:
            wc = 1.0 if weight is None else weight.reshape(_class_axis_shape(x.ndim, c))
            w_sum = float(c) if weight is None else weight.sum()
            smooth = (lse * w_sum - (z * wc).sum(axis=1)) * valid  # sum_c w_c (lse - z_c)
            loss = loss * (1.0 - label_smoothing) + smooth * (label_smoothing / c)
        ctx.ignore_index, ctx.label_smoothing = ignore_index, label_smoothing
        ctx.targets = valid, safe, wy  # backward needs them too (target is saved: not changed since)
        ctx.save_for_backward(x, target, weight, e, total)  # softmax(x) = e / total, for backward
        return _reduce(loss, wy, reduction, ctx, all_counted)

    @staticmethod
    def backward(ctx, g):
        x, target, w, e, total = ctx.saved_arrays  # arrays: the first derivative below needs no Tensors
        if not ctx.needs_input_grad[0]:
            return None, None, None
        c, s, dt = x.shape[1], ctx.label_smoothing, x.dtype
        valid, safe, wy = ctx.targets
        on_target = wy * (1.0 - s)  # the one-hot part of a, at the target class
        big_a = on_target
        spread = None  # the label-smoothing part of a, on every class
        if s > 0:
            wc = 1.0 if w is None else w.reshape(_class_axis_shape(x.ndim, c))
            w_sum = float(c) if w is None else w.sum()
            validf = valid.astype(dt)
            spread = validf[:, None] * wc * (s / c)
            big_a = big_a + validf * (w_sum * (s / c))
        if not is_grad_enabled():
            # first derivative only: plain arrays, softmax from forward's exp, a added at the targets
            sc = _per_target_grad_array(ctx, g.array)
            gx = e * ((big_a[:, None] * sc) / total)
            if spread is not None:
                gx -= spread * sc
            return Tensor._make(_add_at_targets(gx, safe, -(on_target[:, None] * sc)[:, 0])), None, None
        # the graph of the gradient is wanted: softmax as a differentiable function of x
        x = ctx.saved_tensors[0]
        scale = _per_target_grad(ctx, g)
        a = _add_at_targets(x.xp.zeros(x.shape, dtype=dt), safe, on_target)
        if spread is not None:
            a = a + spread
        gx = softmax(x, 1) * (constant(big_a[:, None].astype(dt, copy=False)) * scale) - constant(a) * scale
        return gx, None, None


class NLLLoss(Function):
    """Negative log-likelihood: l_i = -w_{y_i} logp_{i, y_i} for log-probabilities logp (N, C, ...).

    l is linear in logp, so dl_i/dlogp_ic = -w_{y_i} [c = y_i] (0 for ignored targets): the
    gradient scatters -w_y * g into the target positions; it is constant in logp, so the
    second derivative is zero (and the gradient is still linear, hence differentiable, in g).
    """

    @staticmethod
    def forward(ctx, logp, target, weight, ignore_index, reduction):
        xp = _xp(logp)
        _, safe, wy = _target_weights(target, weight, ignore_index, logp.dtype)
        picked = xp.take_along_axis(logp, safe[:, None], axis=1)[:, 0]
        ctx.ignore_index = ignore_index
        ctx.save_for_backward(logp, target, weight)
        return _reduce(-picked * wy, wy, reduction, ctx)

    @staticmethod
    def backward(ctx, g):
        logp, target, weight = ctx.saved_tensors
        if not ctx.needs_input_grad[0]:
            return None, None, None
        w = None if weight is None else weight.array
        _, safe, wy = _target_weights(target.array, w, ctx.ignore_index, logp.dtype)
        minus_a = _add_at_targets(logp.xp.zeros(logp.shape, dtype=logp.dtype), safe, -wy)
        return constant(minus_a) * _per_target_grad(ctx, g), None, None


# PyTorch's floor of x (1 - x) in BCE's gradient: 1e-12 rounded to float32, as it stores it
_BCE_EPS = float(np.float32(1e-12))


class BinaryCrossEntropy(Function):
    """l = -w (t log x + (1 - t) log(1 - x)) for probabilities x in [0, 1].

    Each log is clamped at -100 (PyTorch's rule), so x = 0 or 1 gives a large finite loss,
    not inf. Backward:
        dl/dx = w (x - t) / (x (1 - x))     (denominator floored at 1e-12, as PyTorch)
        dl/dt = w (log(1 - x) - log(x))     (each log clamped at -100)
    both written with minigrad ops on x and t, so they can be differentiated again.
    Where x (1 - x) < 1e-12 the backward deliberately differs from the derivative of the loss
    as computed: with the floor, dl/dx is w (x - t) / 1e-12, large but finite, while the
    clamped loss is flat where a log sits at its clamp (derivative 0) and steeper than the
    floor just above it. PyTorch's rule, kept so that a saturated sigmoid does not give inf.
    """

    @staticmethod
    def forward(ctx, x, t, weight, reduction):
        xp = _xp(x)
        with backend.errstate(x, divide="ignore"):  # log(0) = -inf, clamped just below
            log_x = xp.maximum(xp.log(x), -100.0)
            log_1mx = xp.maximum(xp.log1p(-x), -100.0)
        loss = (t - 1.0) * log_1mx - t * log_x
        if weight is not None:
            loss = loss * weight
        ctx.save_for_backward(x, t, weight)
        ctx.reduction, ctx.n = reduction, x.size
        if reduction == "none":
            return loss
        return loss.sum() if reduction == "sum" else loss.sum() / x.size

    @staticmethod
    def backward(ctx, g):
        x, t, weight = ctx.saved_tensors
        if ctx.reduction == "mean":
            g = g / float(ctx.n)
        if weight is not None:
            g = g * weight
        gx = gt = None
        if ctx.needs_input_grad[0]:
            gx = g * (x - t) / clamp((1 - x) * x, min=_BCE_EPS)
        if ctx.needs_input_grad[1]:
            with backend.errstate(x.array, divide="ignore"):
                gt = g * (clamp(log(1 - x), min=-100.0) - clamp(log(x), min=-100.0))
        return gx, gt, None


# ---- checks shared by the functions users call ---------------------------------------------------
def _check_reduction(reduction, op):
    if reduction not in REDUCTIONS:
        raise ArgumentError(f"{op}: reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


def _as_tensor(t, like):
    """Targets may come as arrays; make them Tensors on the input's device."""
    if isinstance(t, Tensor):
        return t
    from .. import backend

    return Tensor._make(backend.to_device(_host_or_device_array(t), like.device))


def _host_or_device_array(t):
    if hasattr(t, "__cuda_array_interface__") or isinstance(t, np.ndarray):
        return t
    return np.asarray(t)


def _like_input(weight, input):
    """Weights in the input's dtype (float64 weights must not turn a float32 loss into float64)."""
    return weight if weight is None or weight.dtype == input.dtype else weight.to(dtype=input.dtype)


def _check_floating(input, op, target=None):
    for name, t in (("input", input), ("target", target)):
        if t is not None and t.dtype.kind != "f":
            raise DTypeError(f"{op}: {name} must be a floating point tensor, got dtype {t.dtype}")


def _check_same_shape(input, target, op):
    if tuple(input.shape) != tuple(target.shape):
        raise ShapeError(f"{op}: input shape {tuple(input.shape)} and target shape {tuple(target.shape)} "
                         "differ; they must be the same (reshape the target)")


def _check_class_targets(input, target, weight, ignore_index, op):
    """Targets are integer class indices of shape (N, d1, ...) in [0, C) (or ignore_index).

    Returns True when every target was seen to be a class index that counts (in [0, C), and
    ignore_index outside it); False when some may be ignored or they were not read (on a GPU)."""
    c = input.shape[1]
    if target.dtype.kind not in "iu":
        raise DTypeRuntimeError(f"{op}: class-index targets must be integers (int64), got dtype {target.dtype}; "
                         "float targets are allowed only as class probabilities of the input's shape "
                         f"{tuple(input.shape)}")
    expected = (input.shape[0],) + tuple(input.shape[2:])
    if tuple(target.shape) != expected:
        raise ShapeError(f"{op}: input of shape {tuple(input.shape)} (N, C, ...) needs a target of shape "
                         f"{expected}, got {tuple(target.shape)}")
    if weight is not None and tuple(weight.shape) != (c,):
        raise ShapeError(f"{op}: weight must have shape ({c},), one per class, got {tuple(weight.shape)}")
    data = target.array
    if not backend.is_host(data) or data.size == 0:
        return False  # checked on the CPU only
    if data.size <= 32:  # a few targets: Python's min and max of a list cost less than two NumPy reductions
        values = data.ravel().tolist()
        lo, hi = min(values), max(values)
    else:
        lo, hi = data.min(), data.max()
    if 0 <= lo and hi < c:  # every target a class index (the common case)
        return not 0 <= ignore_index < c
    counted = data[data != ignore_index]
    if counted.size:
        lo, hi = int(counted.min()), int(counted.max())
        if lo < 0 or hi >= c:
            raise IndexOutOfRange(f"{op}: target {lo if lo < 0 else hi} is out of bounds: class indices must "
                                  f"be in [0, {c - 1}] for {c} classes (or equal ignore_index={ignore_index})")
    return False


def _batched(input, target, op):
    """Accept an unbatched input (C,) with a scalar target by adding a batch axis of 1."""
    if input.ndim == 0:
        raise ShapeError(f"{op}: input must have a class dimension, got a 0-d tensor")
    if input.ndim == 1:
        return unsqueeze(input, 0), Tensor._make(target.array.reshape((1,) + target.shape)), True
    return input, target, False


# ---- the functions users call --------------------------------------------------------------------
def cross_entropy(input, target, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    """Cross-entropy between softmax(input) and the target, from logits (N, C, d1, ...).

    target: class indices (N, d1, ...) (integers), or class probabilities of input's shape
    (floats; ``ignore_index`` does not apply to them).

    Function: ops/loss.py CrossEntropy.
    """
    op = "cross_entropy"
    _check_reduction(reduction, op)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ArgumentError(f"{op}: label_smoothing must be between 0.0 and 1.0, got {label_smoothing}")
    target = _as_tensor(target, input)
    if input.dtype.kind != "f":
        raise DTypeError(f"{op}: input (logits) must be floating point, got dtype {input.dtype}")
    if target.dtype.kind == "f" and tuple(target.shape) == tuple(input.shape):
        return _cross_entropy_probs(input, target, weight, reduction, label_smoothing)
    input, target, unbatched = _batched(input, target, op)
    all_counted = _check_class_targets(input, target, weight, ignore_index, op)
    weight = _like_input(weight, input)
    out = CrossEntropy.apply(input, target, weight, ignore_index=ignore_index,
                             label_smoothing=float(label_smoothing), reduction=reduction,
                             all_counted=all_counted)
    return out.reshape(()) if unbatched and reduction == "none" else out


def _cross_entropy_probs(input, target, weight, reduction, label_smoothing):
    """l = -sum_c w_c q_c log softmax(x)_c with q the given probabilities (label-smoothed if asked),
    written with log_softmax: it is differentiable in both the logits and the probabilities."""
    class_axis = 1 if input.ndim > 1 else 0
    c = input.shape[class_axis]
    if c == 0:
        raise ShapeError(f"cross_entropy: the input of shape {tuple(input.shape)} has no classes (dimension "
                         f"{class_axis} is empty)")
    if weight is not None and tuple(weight.shape) != (c,):
        raise ShapeError(f"cross_entropy: weight must have shape ({c},), one per class, got {tuple(weight.shape)}")
    if label_smoothing > 0:
        target = target * (1.0 - label_smoothing) + label_smoothing / c
    terms = log_softmax(input, class_axis) * target
    if weight is not None:
        terms = terms * weight.reshape((c,) + (1,) * (input.ndim - class_axis - 1))
    loss = -_sum(terms, class_axis)
    return _reduce_elementwise(loss, reduction)


def nll_loss(input, target, weight=None, ignore_index=-100, reduction="mean"):
    """Negative log-likelihood of class indices, given log-probabilities (N, C, d1, ...).

    Function: ops/loss.py NLLLoss.
    """
    op = "nll_loss"
    _check_reduction(reduction, op)
    _check_floating(input, op)
    target = _as_tensor(target, input)
    input, target, unbatched = _batched(input, target, op)
    _check_class_targets(input, target, weight, ignore_index, op)
    weight = _like_input(weight, input)
    out = NLLLoss.apply(input, target, weight, ignore_index=ignore_index, reduction=reduction)
    return out.reshape(()) if unbatched and reduction == "none" else out


def _reduce_elementwise(loss, reduction):
    if reduction == "none":
        return loss
    return _sum(loss) if reduction == "sum" else _mean(loss)


def mse_loss(input, target, reduction="mean"):
    """Mean squared error: l = (x - t)**2, reduced. dL/dx = 2 (x - t) / n for 'mean'.

    Composition: of sum, mean, sub, mul (no Function of its own).
    """
    _check_reduction(reduction, "mse_loss")
    target = _as_tensor(target, input)
    _check_same_shape(input, target, "mse_loss")
    d = input - target
    return _reduce_elementwise(d * d, reduction)


def l1_loss(input, target, reduction="mean"):
    """Mean absolute error: l = |x - t|, reduced. Its gradient is sign(x - t) (0 where x = t).

    Composition: of sum, mean, abs, sub (no Function of its own).
    """
    _check_reduction(reduction, "l1_loss")
    target = _as_tensor(target, input)
    _check_same_shape(input, target, "l1_loss")
    return _reduce_elementwise(_abs(input - target), reduction)


def binary_cross_entropy(input, target, weight=None, reduction="mean"):
    """-w (t log x + (1 - t) log(1 - x)) for probabilities x; use the logits version when you can.

    Function: ops/loss.py BinaryCrossEntropy.
    """
    op = "binary_cross_entropy"
    _check_reduction(reduction, op)
    target = _as_tensor(target, input)
    _check_floating(input, op, target)
    _check_same_shape(input, target, op)
    target = _like_input(target, input)
    for name, v in (("input", input), ("target", target)):
        d = v.array
        if d.size and backend.is_host(d) and not bool(((d >= 0) & (d <= 1)).all()):  # CPU only
            raise ArgumentRuntimeError(f"{op}: all elements of {name} should be between 0 and 1, got values in "
                                f"[{float(d.min()):g}, {float(d.max()):g}]"
                                + (" (apply sigmoid first, or use binary_cross_entropy_with_logits)"
                                   if name == "input" else ""))
    if weight is not None:
        from .elementwise import check_broadcast

        check_broadcast(op + " (weight against input)", weight.shape, input.shape)
        weight = _like_input(weight, input)
        if tuple(weight.shape) != tuple(input.shape):
            weight = weight.broadcast_to(input.shape)
    return BinaryCrossEntropy.apply(input, target, weight, reduction=reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, reduction="mean", pos_weight=None):
    """Binary cross-entropy of sigmoid(x) against t, computed from the logits x without sigmoid:

        -[p t log sigmoid(x) + (1 - t) log(1 - sigmoid(x))]
            = (1 - t) x + (1 + (p - 1) t) log(1 + exp(-x))
    (log sigmoid(x) = -log(1 + exp(-x)) and log(1 - sigmoid(x)) = -x - log(1 + exp(-x))), with
    log(1 + exp(-x)) = max(-x, 0) + log1p(exp(-|x|)) (softplus without its linear cut-off), which
    is finite for any x. p = pos_weight (one per class, broadcast over the last axis) weighs
    the positive targets; weight rescales each element.

    Composition: of F.softplus, sum, mean, neg, sub (no Function of its own).
    """
    op = "binary_cross_entropy_with_logits"
    _check_reduction(reduction, op)
    target = _as_tensor(target, input)
    _check_floating(input, op, target)
    _check_same_shape(input, target, op)
    target, weight, pos_weight = _like_input(target, input), _like_input(weight, input), _like_input(pos_weight, input)
    log1p_exp = _softplus(-input, threshold=float("inf"))
    if pos_weight is None:
        loss = (1.0 - target) * input + log1p_exp
    else:
        loss = (1.0 - target) * input + ((pos_weight - 1.0) * target + 1.0) * log1p_exp
    if weight is not None:
        loss = loss * weight
    return _reduce_elementwise(loss, reduction)


TENSOR_METHODS = {}
