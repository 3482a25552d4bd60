"""Connectionist temporal classification (Graves et al., 2006): ctc_loss.

For one sequence: log-probabilities lp[t, k] for T time steps and C classes (class ``blank``
means "no label"), and a target l of S labels. An alignment is a path of T classes that
turns into l once repeats are merged and blanks dropped. The loss is -log p(l | x), where
p sums the probability prod_t y[t, path_t] (y = exp(lp)) of every alignment.

The sum is a dynamic program over the extended target l' = (blank, l1, blank, l2, ...,
lS, blank) of length L = 2S + 1. With alpha_t(s) the probability of the prefixes that end
at l'_s at time t:
    alpha_0(0) = y[0, blank],   alpha_0(1) = y[0, l1],   alpha_0(s > 1) = 0
    alpha_t(s) = y[t, l'_s] (alpha_{t-1}(s) + alpha_{t-1}(s-1) + [skip_s] alpha_{t-1}(s-2))
where skip_s says l'_{s-2} may be jumped: l'_s is a label that differs from l'_{s-2}
(a blank between two equal labels cannot be dropped). Then p = alpha_{T-1}(L-1) + alpha_{T-1}(L-2).
beta_t(s), the probability of the suffixes that start at l'_s at time t, runs the same way
backwards (beta includes y[t, l'_s] too). Everything is in log space (sums become
logsumexp), vectorised over the batch and the L positions: the only loop is over time.

Gradient: at any t, p = sum_s alpha_t(s) beta_t(s) / y[t, l'_s] (every path passes some s
at time t, and y[t, l'_s] is counted in both alpha and beta). Each path's probability is a
product of y's, so dp/dy[t, k] = sum_{s: l'_s = k} alpha_t(s) beta_t(s) / y[t, k]^2, and with
d lp = dy / y,
    d(-log p) / d lp[t, k] = -(1 / p) sum_{s: l'_s = k} alpha_t(s) beta_t(s) / y[t, k]
                           = -exp(logsumexp_{s: l'_s = k}(log alpha_t(s) + log beta_t(s)) - lp[t, k] - log p),
and 0 for t past the sequence's input length. This is the derivative with respect to the
log-probabilities as given. (PyTorch's kernel returns this plus exp(lp[t, k]), a term that
cancels when lp comes from log_softmax, the documented use; the two agree through log_softmax.)

The gradient is computed in forward, alongside the loss; it is not itself differentiable:
asking for a second derivative through it raises a GraphError naming ctc_loss.

Notation: docs/notation.md.
"""

import numpy as np  # errstate only

from ..autograd.function import Function
from ..errors import ArgumentError, DTypeError, GraphError, IndexOutOfRange, ShapeError
from ..tensor import Tensor
from .elementwise import _xp, constant
from .loss import _check_reduction
from .reduction import sum as _sum

_NEG_INF = -np.inf


def _logaddexp(a, b, xp):
    """log(exp(a) + exp(b)) with -inf + -inf = -inf (no nan, no warning)."""
    m = xp.maximum(a, b)
    safe = xp.where(xp.isfinite(m), m, 0)
    return xp.where(m == _NEG_INF, _NEG_INF, safe + xp.log(xp.exp(a - safe) + xp.exp(b - safe)))


def _shift(a, k, xp):
    """a[..., s - k] at position s: k > 0 shifts right, k < 0 left; -inf where nothing comes in."""
    out = xp.full(a.shape, _NEG_INF, dtype=a.dtype)
    if k > 0:
        out[..., k:] = a[..., :-k]
    else:
        out[..., :k] = a[..., -k:]
    return out


def _extended_targets(targets, target_lengths, blank, xp):
    """l' (N, L) with L = 2 S_max + 1, which of its positions each sequence uses, and skip_s."""
    n, s_max = targets.shape
    big_l = 2 * s_max + 1
    pos = xp.arange(big_l)
    ext = xp.full((n, big_l), blank, dtype=xp.int64)
    ext[:, 1::2] = targets  # blank at even positions, the labels at odd ones
    valid = pos[None, :] < (2 * target_lengths + 1)[:, None]
    two_back = xp.concatenate([xp.full((n, 2), blank, dtype=xp.int64), ext[:, :-2]], axis=1)[:, :big_l]
    skip = (ext != blank) & (ext != two_back) & (pos >= 2)[None, :]
    return ext, valid, skip


def _log_alpha(emit, skip, input_lengths, xp):
    """log alpha_t(s) (T, N, L); -inf past each sequence's input length."""
    log_alpha = xp.full(emit.shape, _NEG_INF, dtype=emit.dtype)
    log_alpha[0][:, :2] = emit[0][:, :2]
    for t in range(1, emit.shape[0]):
        prev = log_alpha[t - 1]
        acc = _logaddexp(prev, _shift(prev, 1, xp), xp)
        acc = _logaddexp(acc, xp.where(skip, _shift(prev, 2, xp), _NEG_INF), xp)
        log_alpha[t] = xp.where((t < input_lengths)[:, None], emit[t] + acc, _NEG_INF)
    return log_alpha


def _log_beta(emit, skip, input_lengths, end, xp):
    """log beta_t(s) (T, N, L), each sequence starting at its own last step T_n - 1 from the two
    end positions of its l' (end = L_n - 1 and end - 1)."""
    t_max, _, big_l = emit.shape
    pos = xp.arange(big_l)
    skip_ahead = xp.zeros_like(skip)  # at s: may s + 2 be reached from s (skip of s + 2)
    skip_ahead[:, :-2] = skip[:, 2:]
    is_end = (pos[None, :] == end[:, None]) | (pos[None, :] == end[:, None] - 1)
    log_beta = xp.full(emit.shape, _NEG_INF, dtype=emit.dtype)
    for t in range(t_max - 1, -1, -1):
        start = xp.where(is_end, emit[t], _NEG_INF)
        if t + 1 < t_max:
            nxt = log_beta[t + 1]
            acc = _logaddexp(nxt, _shift(nxt, -1, xp), xp)
            acc = _logaddexp(acc, xp.where(skip_ahead, _shift(nxt, -2, xp), _NEG_INF), xp)
            inner = emit[t] + acc
        else:
            inner = start
        here = xp.where((t == input_lengths - 1)[:, None], start, inner)
        log_beta[t] = xp.where((t < input_lengths)[:, None], here, _NEG_INF)
    return log_beta


def _gradient(lp, ext, log_alpha, log_beta, log_p, xp):
    """d(-log p)/d lp[t, n, k] = -exp(logsumexp_{s: l'_s = k}(log alpha + log beta) - lp - log p).

    The sum over the positions s holding class k is a product with a one-hot (N, L, C) table,
    after shifting each (t, n) row by its max (so the exps stay finite).
    """
    ab = log_alpha + log_beta  # (T, N, L)
    m = ab.max(axis=2, keepdims=True)
    m = xp.where(xp.isfinite(m), m, 0)
    one_hot = (ext[:, :, None] == xp.arange(lp.shape[2])[None, None, :]).astype(lp.dtype)
    summed = xp.matmul(xp.exp(ab - m).transpose(1, 0, 2), one_hot).transpose(1, 0, 2)  # (T, N, C)
    scale = xp.exp(m - lp - log_p[None, :, None])
    return xp.where(summed > 0, -summed * scale, 0).astype(lp.dtype)


class CTCLoss(Function):
    """Per-sequence CTC losses -log p(l_n | x_n) (N,), reduced; see the module docstring."""

    @staticmethod
    def forward(ctx, log_probs, targets, input_lengths, target_lengths, blank, reduction, zero_infinity):
        xp, lp, dt = _xp(log_probs), log_probs, log_probs.dtype
        t_max, n, _ = lp.shape
        ext, valid, skip = _extended_targets(targets, target_lengths, blank, xp)
        # emissions e[t, n, s] = lp[t, n, l'_s] (-inf outside l'_n)
        emit = xp.take_along_axis(lp, xp.broadcast_to(ext[None], (t_max,) + ext.shape), axis=2)
        emit = xp.where(valid[None], emit, _NEG_INF)
        with np.errstate(invalid="ignore", over="ignore", divide="ignore"):  # log 0 = -inf is expected
            log_alpha = _log_alpha(emit, skip, input_lengths, xp)
            rows, end = xp.arange(n), 2 * target_lengths  # end: position L_n - 1 of l'_n
            a_last = log_alpha[xp.maximum(input_lengths - 1, 0), rows]  # (N, L): alpha at step T_n - 1
            log_p = _logaddexp(a_last[rows, end],
                               xp.where(end >= 1, a_last[rows, xp.maximum(end - 1, 0)], _NEG_INF), xp)
            log_p = xp.where(input_lengths > 0, log_p, _NEG_INF)
            log_beta = _log_beta(emit, skip, input_lengths, end, xp)
            grad = _gradient(lp, ext, log_alpha, log_beta, log_p, xp)
        loss = (-log_p).astype(dt)
        if zero_infinity:
            inf = xp.isinf(loss)
            loss = xp.where(inf, 0, loss).astype(dt)
            grad = xp.where(inf[None, :, None], 0, grad).astype(dt)
        ctx.save_for_backward(log_probs)
        ctx.grad, ctx.reduction, ctx.n = grad, reduction, n
        ctx.per_sequence = 1.0 / xp.maximum(target_lengths, 1).astype(dt)  # the 'mean' rule
        if reduction == "none":
            return loss
        if reduction == "sum":
            return loss.sum()
        return (loss * ctx.per_sequence).sum() / n

    @staticmethod
    def backward(ctx, g):
        xp = g.xp
        if ctx.reduction == "none":
            weights = g.reshape((1, ctx.n, 1))
        elif ctx.reduction == "sum":
            weights = g.reshape((1, 1, 1)) * constant(xp.ones((1, ctx.n, 1), dtype=g.dtype))
        else:
            weights = g.reshape((1, 1, 1)) * constant((ctx.per_sequence / ctx.n).reshape(1, ctx.n, 1))
        (log_probs,) = ctx.saved_tensors
        return CTCLossGrad.apply(weights, log_probs, grad=ctx.grad)


class CTCLossGrad(Function):
    """dL/dlp = w_n G[t, n, k]: CTC's gradient G (computed in forward) scaled per sequence.

    Linear in the weights w (dL/dw_n = sum_{t,k} gg G), but G's own dependence on lp is not
    available: asking for that second derivative raises a GraphError.
    """

    @staticmethod
    def forward(ctx, weights, log_probs, grad):
        ctx.grad = grad
        return grad * weights

    @staticmethod
    def backward(ctx, gg):
        if ctx.needs_input_grad[1]:
            raise GraphError("ctc_loss: the second derivative with respect to log_probs is not implemented "
                             "(the CTC gradient is computed by the alpha-beta recursion, not by "
                             "differentiable ops)")
        g = gg * constant(ctx.grad)
        return _sum(g, (0, 2), keepdim=True), None


def _lengths(values, n, name, op, like):
    xp = like.xp
    arr = values.array if isinstance(values, Tensor) else xp.asarray(values)
    if arr.dtype.kind not in "iu":
        raise DTypeError(f"{op}: {name} must hold integers, got dtype {arr.dtype}")
    arr = arr.reshape(-1).astype(xp.int64)
    if arr.shape != (n,):
        raise ShapeError(f"{op}: {name} must have one entry per sequence ({n}), got {arr.size}")
    if arr.size and int(arr.min()) < 0:
        raise ArgumentError(f"{op}: {name} must be non-negative, got {int(arr.min())}")
    return arr


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean", zero_infinity=False):
    """CTC loss of log-probabilities (T, N, C) (or (T, C) unbatched) against label sequences.

    targets: (N, S) padded (each row's first target_lengths[n] entries count), or 1-D, all
    sequences concatenated (sum(target_lengths) entries). input_lengths and target_lengths:
    (N,) integers (tensors, lists or tuples). reduction 'mean' divides each loss by its target
    length, then averages over the batch (PyTorch's rule); zero_infinity replaces infinite
    losses (no alignment fits) and their gradients by 0.

    Function: ops/ctc.py CTCLoss.
    """
    op = "ctc_loss"
    _check_reduction(reduction, op)
    if log_probs.dtype.kind != "f":
        raise DTypeError(f"{op}: log_probs must be floating point, got dtype {log_probs.dtype}")
    unbatched = log_probs.ndim == 2
    if log_probs.ndim not in (2, 3):
        raise ShapeError(f"{op}: log_probs must be (T, N, C) or (T, C), got shape {tuple(log_probs.shape)}")
    lp = log_probs.reshape((log_probs.shape[0], 1, log_probs.shape[1])) if unbatched else log_probs
    t_max, n, c = lp.shape
    if not 0 <= blank < c:
        raise IndexOutOfRange(f"{op}: blank must be in [0, {c - 1}] for {c} classes, got {blank}")
    xp = lp.xp
    tg = targets.array if isinstance(targets, Tensor) else xp.asarray(targets)
    if tg.dtype.kind not in "iu":
        raise DTypeError(f"{op}: targets must hold integer class indices, got dtype {tg.dtype}")
    if unbatched:
        tg = tg.reshape((1, -1))
    in_len = _lengths(input_lengths, n, "input_lengths", op, lp)
    tg_len = _lengths(target_lengths, n, "target_lengths", op, lp)
    if in_len.size and int(in_len.max()) > t_max:
        raise ShapeError(f"{op}: input_lengths must be at most the number of time steps {t_max}, "
                         f"got {int(in_len.max())}")
    tg = _padded_targets(tg, tg_len, n, op, xp)
    if tg.size:
        inside = xp.arange(tg.shape[1])[None, :] < tg_len[:, None]
        counted = tg[inside]
        if counted.size and (int(counted.min()) < 0 or int(counted.max()) >= c):
            raise IndexOutOfRange(f"{op}: target labels must be in [0, {c - 1}]")
        if counted.size and bool((counted == blank).any()):
            raise ArgumentError(f"{op}: targets must not contain the blank label {blank}")
        tg = xp.where(inside, tg, blank)
    loss = CTCLoss.apply(lp, targets=tg, input_lengths=in_len, target_lengths=tg_len, blank=int(blank),
                         reduction=reduction, zero_infinity=bool(zero_infinity))
    return loss.reshape(()) if unbatched and reduction == "none" else loss


def _padded_targets(tg, lengths, n, op, xp):
    """Targets as (N, S_max) rows: 2-D targets as given, 1-D concatenated ones cut at the lengths."""
    if tg.ndim == 2:
        if tg.shape[0] != n:
            raise ShapeError(f"{op}: 2-D targets must have one row per sequence ({n}), got shape {tuple(tg.shape)}")
        if lengths.size and int(lengths.max()) > tg.shape[1]:
            raise ShapeError(f"{op}: target_lengths must be at most the targets' width {tg.shape[1]}, "
                             f"got {int(lengths.max())}")
        return tg.astype(xp.int64)
    if tg.ndim != 1:
        raise ShapeError(f"{op}: targets must be (N, S) or 1-D concatenated, got shape {tuple(tg.shape)}")
    total = int(lengths.sum()) if lengths.size else 0
    if tg.shape[0] != total:
        raise ShapeError(f"{op}: 1-D targets must hold sum(target_lengths) = {total} labels, got {tg.shape[0]}")
    s_max = int(lengths.max()) if lengths.size else 0
    starts = xp.cumsum(lengths) - lengths
    index = starts[:, None] + xp.arange(s_max)[None, :]
    inside = xp.arange(s_max)[None, :] < lengths[:, None]
    return xp.where(inside, tg[xp.minimum(index, max(total - 1, 0))] if total else 0, 0).astype(xp.int64)


TENSOR_METHODS = {}
