"""Registry entries for minigrad/ops/losses_regression.py, losses_margin.py and ctc.py.

Kinks are kept away by construction: huber and smooth-L1 differences stay away from 0 and
from +-delta (+-beta); hinge arguments (margin - x, cos - margin, ...) stay away from 0,
because the samples are chosen so; targets that are signs or class indices are constants
(``grad=`` leaves them out). CTC has no second derivative (its gradient comes from the
alpha-beta recursion), so its entries skip gradgradcheck.
"""

import numpy as np

from ...ops import activation as A
from ...ops import activations_smooth as S
from ...ops import ctc as C
from ...ops import elementwise as E
from ...ops import losses_margin as M
from ...ops import losses_regression as R
from ...ops import norms as N
from ..registry import OpInfo, Sample
from ..strategies import away_from, positive, smooth_normal, unit_interval

REDUCTIONS = ("mean", "sum", "none")


def _torch(name):
    return lambda torch, *args, **kw: getattr(torch.nn.functional, name)(*args, **kw)


# ---- regression ----------------------------------------------------------------------------------------
def _huber(rng):
    out = []
    for r, delta in zip(REDUCTIONS, (1.0, 0.5, 2.0)):
        t = smooth_normal(rng, (3, 4))
        d = away_from(smooth_normal(rng, (3, 4), scale=2.0), (-delta, 0.0, delta), 0.1)
        out.append(Sample((t + d, t), {"reduction": r, "delta": delta}))
    t = smooth_normal(rng, (5,))
    out.append(Sample((t + away_from(smooth_normal(rng, (5,)), (-1.0, 0.0, 1.0), 0.1), t, rng.uniform(0.5, 2, 5)),
                      {"reduction": "sum"}, grad=(0, 1)))
    return out


def _huber_op(x, t, weight=None, **kw):
    return R.huber_loss(x, t, weight=weight, **kw)


def _torch_huber(torch, x, t, weight=None, **kw):
    return torch.nn.functional.huber_loss(x, t, weight=weight, **kw)


def _smooth_l1(rng):
    out = []
    for r, beta in zip(REDUCTIONS, (1.0, 0.5, 0.0)):
        t = smooth_normal(rng, (3, 4))
        d = away_from(smooth_normal(rng, (3, 4), scale=2.0), (-beta, 0.0, beta), 0.1)
        out.append(Sample((t + d, t), {"reduction": r, "beta": beta}))
    return out


def _log_probs(rng, shape):
    p = rng.uniform(0.1, 1.0, shape)
    return np.log(p / p.sum(axis=-1, keepdims=True))


def _kl_div(rng):
    lq = _log_probs(rng, (3, 4))
    t = np.exp(_log_probs(rng, (3, 4)))
    return [Sample((lq, t), {"reduction": r}) for r in ("mean", "batchmean", "sum", "none")] + [
        Sample((lq, np.log(t)), {"reduction": "batchmean", "log_target": True})]


def _poisson(rng):
    x = smooth_normal(rng, (3, 4))
    t = away_from(rng.uniform(0.0, 4.0, (3, 4)), (1.0,), 0.1)  # full=True switches its term on at t = 1
    return [Sample((x, t), {"reduction": r}) for r in REDUCTIONS] + [
        Sample((x, t), {"full": True}),
        Sample((positive(rng, (3, 4)), t), {"log_input": False, "reduction": "sum"}),
        Sample((positive(rng, (3, 4)), t), {"log_input": False, "full": True, "eps": 1e-3, "reduction": "none"})]


def _gaussian(rng):
    x, t = smooth_normal(rng, (3, 4)), smooth_normal(rng, (3, 4))
    return [Sample((x, t, positive(rng, (3, 4))), {"reduction": r}) for r in REDUCTIONS] + [
        Sample((x, t, positive(rng, (3,))), {"full": True}),
        Sample((x, t, positive(rng, (3, 1))), {"reduction": "none", "eps": 1e-3})]


# ---- margins -----------------------------------------------------------------------------------------------
def _signs(rng, shape):
    return np.where(rng.random(shape) < 0.5, -1.0, 1.0)


def _ranking(rng):
    out = []
    for r, margin in zip(REDUCTIONS, (0.0, 0.5, 1.0)):
        x2, y = smooth_normal(rng, (6,)), _signs(rng, (6,))
        # -y (x1 - x2) + margin = z, with z away from the hinge at 0
        z = away_from(smooth_normal(rng, (6,)), (0.0,), 0.1)
        x1 = x2 + (margin - z) * y
        out.append(Sample((x1, x2, y), {"margin": margin, "reduction": r}, grad=(0, 1)))
    return out


def _hinge_embedding(rng):
    y = _signs(rng, (3, 4))
    return [Sample((away_from(smooth_normal(rng, (3, 4), scale=2.0), (m,), 0.1), y), {"margin": m, "reduction": r},
                   grad=(0,)) for r, m in zip(REDUCTIONS, (1.0, 0.5, 2.0))]


def _soft_margin(rng):
    return [Sample((smooth_normal(rng, (3, 4), scale=2.0), _signs(rng, (3, 4))), {"reduction": r}, grad=(0,))
            for r in REDUCTIONS]


def _cosine_embedding(rng):
    out = []
    for r, margin in zip(REDUCTIONS, (0.0, 0.2, -0.3)):
        x1, x2 = smooth_normal(rng, (5, 3)), smooth_normal(rng, (5, 3))
        cos = (x1 * x2).sum(1) / np.sqrt((x1 * x1).sum(1) * (x2 * x2).sum(1))
        keep = np.abs(cos - margin) > 0.05  # the hinge max(0, cos - margin) away from its kink
        y = np.where(keep, _signs(rng, (5,)), 1.0)
        out.append(Sample((x1, x2, y), {"margin": margin, "reduction": r}, grad=(0, 1)))
    out.append(Sample((smooth_normal(rng, (4,)), smooth_normal(rng, (4,)), np.array(1.0)), grad=(0, 1)))
    return out


def _triplet(rng):
    out = []
    for kw in ({}, {"margin": 0.5, "p": 1.0, "reduction": "sum"}, {"swap": True, "reduction": "none"}):
        a, pos, neg = (smooth_normal(rng, (4, 3)) for _ in range(3))
        out.append(Sample((a, pos + 0.3, neg - 0.3), kw))
    return out


def _class_targets(rng, n, c):
    return rng.integers(0, c, size=(n,))


def _multi_margin(rng):
    x = smooth_normal(rng, (4, 5), scale=2.0)
    t = _class_targets(rng, 4, 5)
    # move every x_i away from x_y - margin (the hinge's kink), for margins 1 and 0.5
    xy = x[np.arange(4), t][:, None]
    x = xy - 1.0 + away_from(x - xy + 1.0, (0.0, 0.5), 0.1)
    return [Sample((x, t), {"reduction": r}) for r in REDUCTIONS] + [
        Sample((x, t), {"p": 2, "margin": 1.0, "weight": rng.uniform(0.5, 2.0, 5)}),
        Sample((x, t), {"margin": 0.5, "reduction": "sum"}), Sample((x[0], np.array(t[0])))]


def _torch_multi_margin(torch, x, t, weight=None, **kw):
    if weight is not None:
        weight = torch.as_tensor(weight)
    return torch.nn.functional.multi_margin_loss(x, t, weight=weight, **kw)


def _multi_margin_op(x, t, weight=None, **kw):
    from ...tensor import Tensor

    return M.multi_margin_loss(x, t, weight=None if weight is None else Tensor._make(weight), **kw)


def _multilabel_margin(rng):
    x = no_ties_rows(rng, (3, 5))
    t = np.array([[3, 0, -1, 1, 2], [1, 2, 4, 4, -1], [-1, 0, 0, 0, 0]])
    return [Sample((x, t), {"reduction": r}) for r in REDUCTIONS] + [Sample((x[0], t[0]))]


def no_ties_rows(rng, shape):
    """Entries whose pairwise differences stay away from 1 (the hinge 1 - (x_j - x_i) at 0)."""
    base = rng.permutation(np.arange(shape[0] * shape[1])).reshape(shape) * 0.37
    return base + rng.uniform(-0.05, 0.05, shape)


def _multilabel_soft(rng):
    x = smooth_normal(rng, (3, 4), scale=2.0)
    t = unit_interval(rng, (3, 4), margin=0.0)
    return [Sample((x, t), {"reduction": r}) for r in REDUCTIONS] + [
        Sample((x, (t > 0.5).astype(float), rng.uniform(0.5, 2.0, 4)), {"reduction": "sum"}, grad=(0,))]


def _with_weight(fn):
    def op(x, t, weight=None, **kw):
        return fn(x, t, weight=weight, **kw)
    return op


def _torch_multilabel_soft(torch, x, t, weight=None, **kw):
    return torch.nn.functional.multilabel_soft_margin_loss(x, t, weight=weight, **kw)


# ---- CTC ---------------------------------------------------------------------------------------------------
def _ctc(rng):
    t_max, n, c = 6, 3, 4
    x = smooth_normal(rng, (t_max, n, c))
    targets = np.array([[1, 1, 2], [3, 2, 0], [2, 0, 0]])  # a repeated label, a shorter row, one of length 1
    in_len, tg_len = np.array([6, 5, 4]), np.array([3, 2, 1])
    flat = np.concatenate([targets[i, :tg_len[i]] for i in range(n)])
    return [Sample((x, targets, in_len, tg_len), {"reduction": r}) for r in REDUCTIONS] + [
        Sample((x, flat, in_len, tg_len), {"blank": 0, "zero_infinity": True}),
        Sample((smooth_normal(rng, (5, 4)), np.array([2, 3]), np.array(5), np.array(2)), {"reduction": "none"})]


def _ctc_logits(x, targets, input_lengths, target_lengths, **kw):
    """CTC of log_softmax(x): the documented use, where PyTorch's gradient is the true one."""
    return C.ctc_loss(A.log_softmax(x, -1), targets, input_lengths, target_lengths, **kw)


def _torch_ctc_logits(torch, x, targets, input_lengths, target_lengths, **kw):
    return torch.nn.functional.ctc_loss(torch.log_softmax(x, -1), targets, input_lengths, target_lengths, **kw)


def _ctc_log_probs(rng):
    t_max, n, c = 5, 2, 4
    return [Sample((_log_probs(rng, (t_max, n, c)), np.array([[1, 2], [3, 3]]), np.array([5, 4]), np.array([2, 2])),
                   {"reduction": r}) for r in REDUCTIONS]


ENTRIES = [
    OpInfo("huber_loss", _huber_op, _huber, (E.Where, E.Abs), torch_fn=_torch_huber),
    OpInfo("smooth_l1_loss", R.smooth_l1_loss, _smooth_l1, (E.Where, E.Abs), torch_fn=_torch("smooth_l1_loss")),
    OpInfo("kl_div", R.kl_div, _kl_div, (E.Log, E.Exp), torch_fn=_torch("kl_div")),
    OpInfo("poisson_nll_loss", R.poisson_nll_loss, _poisson, (E.Exp, E.Log), torch_fn=_torch("poisson_nll_loss")),
    OpInfo("gaussian_nll_loss", R.gaussian_nll_loss, _gaussian, (E.Log,), torch_fn=_torch("gaussian_nll_loss")),
    OpInfo("margin_ranking_loss", M.margin_ranking_loss, _ranking, (E.Clamp,),
           torch_fn=_torch("margin_ranking_loss")),
    OpInfo("hinge_embedding_loss", M.hinge_embedding_loss, _hinge_embedding, (E.Where, E.Clamp),
           torch_fn=_torch("hinge_embedding_loss")),
    OpInfo("soft_margin_loss", M.soft_margin_loss, _soft_margin, (A.Softplus,), torch_fn=_torch("soft_margin_loss")),
    OpInfo("cosine_embedding_loss", M.cosine_embedding_loss, _cosine_embedding, (E.Sqrt, E.Clamp),
           torch_fn=_torch("cosine_embedding_loss")),
    OpInfo("triplet_margin_loss", M.triplet_margin_loss, _triplet, (N.VectorNorm, E.Clamp, E.Minimum),
           torch_fn=_torch("triplet_margin_loss")),
    OpInfo("multi_margin_loss", _multi_margin_op, _multi_margin, (A.ReLU,), torch_fn=_torch_multi_margin),
    OpInfo("multilabel_margin_loss", M.multilabel_margin_loss, _multilabel_margin, (A.ReLU,),
           torch_fn=_torch("multilabel_margin_loss")),
    OpInfo("multilabel_soft_margin_loss", _with_weight(M.multilabel_soft_margin_loss), _multilabel_soft,
           (S.LogSigmoid,), torch_fn=_torch_multilabel_soft),
    OpInfo("ctc_loss", _ctc_logits, _ctc, (C.CTCLoss, C.CTCLossGrad, A.LogSoftmax), double_backward=False,
           torch_fn=_torch_ctc_logits, notes="through log_softmax (PyTorch's documented use); no second derivative"),
    OpInfo("ctc_loss_log_probs", C.ctc_loss, _ctc_log_probs, (C.CTCLoss, C.CTCLossGrad), double_backward=False,
           notes="the derivative with respect to the log-probabilities themselves; PyTorch's kernel adds "
                 "exp(log_probs) to it, so there is no torch parity here"),
]
