"""Registry entries for the layer and loss ops: minigrad/ops/{normalization,embedding,loss}.py
and the compositions in minigrad.nn.functional (linear, bilinear, the elementwise losses).

Kinks are kept away by construction: L1 samples keep x - t away from 0, BCE probabilities
stay inside (0.1, 0.9), class-index targets are integer arrays (never differentiated).
Dropout draws a fresh mask at every call, so finite differences cannot check it here; its
gradient is mul's (tests/test_layers.py checks it against the mask).
"""

import numpy as np

from ...nn import functional as F
from ...ops import activation as A
from ...ops import embedding as E
from ...ops import loss as L
from ...ops import normalization as N
from ...ops import sync_batch_norm as SBN
from ..registry import OpInfo, Sample
from ..strategies import away_from, smooth_normal, unit_interval


# ---- linear ------------------------------------------------------------------------------------------
def _linear_samples(rng):
    return [Sample((smooth_normal(rng, (4, 3)), smooth_normal(rng, (2, 3)), smooth_normal(rng, (2,)))),
            Sample((smooth_normal(rng, (2, 3, 3)), smooth_normal(rng, (5, 3)), smooth_normal(rng, (5,)))),
            Sample((smooth_normal(rng, (3,)), smooth_normal(rng, (2, 3))))]


def _bilinear_samples(rng):
    return [Sample((smooth_normal(rng, (4, 3)), smooth_normal(rng, (4, 2)), smooth_normal(rng, (5, 3, 2)),
                    smooth_normal(rng, (5,)))),
            Sample((smooth_normal(rng, (2, 2, 3)), smooth_normal(rng, (2, 2, 2)), smooth_normal(rng, (1, 3, 2))))]


# ---- normalization -----------------------------------------------------------------------------------
def _layer_norm(x, weight=None, bias=None, normalized_shape=None, eps=1e-5):
    return F.layer_norm(x, normalized_shape, weight, bias, eps)


def _torch_layer_norm(torch, x, weight=None, bias=None, normalized_shape=None, eps=1e-5):
    return torch.nn.functional.layer_norm(x, normalized_shape, weight, bias, eps)


def _layer_norm_samples(rng):
    return [
        Sample((smooth_normal(rng, (3, 4), scale=2.0), smooth_normal(rng, (4,)), smooth_normal(rng, (4,))),
               {"normalized_shape": (4,)}),
        Sample((smooth_normal(rng, (2, 3, 4)), smooth_normal(rng, (3, 4)), smooth_normal(rng, (3, 4))),
               {"normalized_shape": (3, 4), "eps": 1e-3}),
        Sample((smooth_normal(rng, (2, 5)),), {"normalized_shape": (5,)}),
    ]


def _batch_norm_train(x, weight=None, bias=None, eps=1e-5):
    return F.batch_norm(x, None, None, weight, bias, training=True, eps=eps)


def _sync_batch_norm_one_rank(x, weight=None, bias=None, eps=1e-5):
    """SyncBatchNorm's Function in a world of one rank (its collectives pass their input through)."""
    return SBN.sync_batch_norm(x, None, None, weight, bias, 0.1, eps, SBN.OneRank())


def _torch_batch_norm_train(torch, x, weight=None, bias=None, eps=1e-5):
    return torch.nn.functional.batch_norm(x, None, None, weight, bias, training=True, eps=eps)


def _batch_norm_samples(rng):
    return [
        Sample((smooth_normal(rng, (5, 3), scale=2.0), smooth_normal(rng, (3,)), smooth_normal(rng, (3,)))),
        Sample((smooth_normal(rng, (3, 2, 4)), smooth_normal(rng, (2,)), smooth_normal(rng, (2,)))),
        Sample((smooth_normal(rng, (2, 3, 2, 3)), smooth_normal(rng, (3,)), smooth_normal(rng, (3,))), {"eps": 1e-3}),
        Sample((smooth_normal(rng, (4, 2)),)),
    ]


def _batch_norm_eval(x, running_mean, running_var, weight, bias):
    return F.batch_norm(x, running_mean, running_var, weight, bias, training=False)


def _torch_batch_norm_eval(torch, x, running_mean, running_var, weight, bias):
    return torch.nn.functional.batch_norm(x, running_mean, running_var, weight, bias, training=False)


def _batch_norm_eval_samples(rng):
    return [Sample((smooth_normal(rng, (4, 3, 2)), smooth_normal(rng, (3,)), rng.uniform(0.5, 2.0, 3),
                    smooth_normal(rng, (3,)), smooth_normal(rng, (3,))), grad=(0, 3, 4))]


# ---- embedding ---------------------------------------------------------------------------------------
def _embedding(weight, indices, padding_idx=None, **kw):
    return F.embedding(indices, weight, padding_idx, **kw)


def _torch_embedding(torch, weight, indices, padding_idx=None, **kw):
    return torch.nn.functional.embedding(indices, weight, padding_idx, **kw)


def _embedding_samples(rng):
    repeated = np.array([[0, 2, 2, 4], [1, 0, 2, 4]])  # rows 2 and 0 picked more than once
    return [
        Sample((smooth_normal(rng, (5, 3)), repeated)),
        Sample((smooth_normal(rng, (6, 2)), rng.integers(0, 6, size=(3,)))),
        Sample((smooth_normal(rng, (4, 2)), np.array(3))),
    ]


def _embedding_backward(g, indices, num_embeddings=5, padding_idx=None, scale_grad_by_freq=False):
    from ...tensor import Tensor

    return E.EmbeddingBackward.apply(g, Tensor._make(indices), num_embeddings=num_embeddings, padding_idx=padding_idx,
                                     scale_grad_by_freq=scale_grad_by_freq)


def _embedding_backward_samples(rng):
    """The weight gradient as a function of g. (With padding_idx, embedding's own output still
    depends on the padding row while its gradient is zero by definition, so finite differences
    cannot check that case through embedding; they can through this linear map. The same for
    scale_grad_by_freq, whose rescaled "gradient" is by definition not the derivative.)"""
    repeated = np.array([[0, 2, 2, 4], [1, 0, 2, 4]])
    return [Sample((smooth_normal(rng, (2, 4, 3)), repeated)),
            Sample((smooth_normal(rng, (2, 4, 3)), repeated), {"padding_idx": 2}),
            Sample((smooth_normal(rng, (2, 4, 3)), repeated), {"padding_idx": 0, "num_embeddings": 6}),
            Sample((smooth_normal(rng, (2, 4, 3)), repeated), {"scale_grad_by_freq": True}),
            Sample((smooth_normal(rng, (2, 4, 3)), repeated), {"scale_grad_by_freq": True, "padding_idx": 2})]


# ---- class losses ------------------------------------------------------------------------------------
def _cross_entropy(x, target, weight=None, **kw):
    return F.cross_entropy(x, target, weight=weight, **kw)


def _torch_cross_entropy(torch, x, target, weight=None, **kw):
    return torch.nn.functional.cross_entropy(x, target, weight=weight, **kw)


def _nll_loss(x, target, weight=None, **kw):
    return F.nll_loss(x, target, weight=weight, **kw)


def _torch_nll_loss(torch, x, target, weight=None, **kw):
    return torch.nn.functional.nll_loss(x, target, weight=weight, **kw)


def _class_samples(rng):
    """Logits with class-index targets: every reduction, weights, ignore_index, spatial axes."""
    x = smooth_normal(rng, (5, 4), scale=2.0)
    t = np.array([0, 3, 1, 3, 2])
    t_ignored = np.array([0, -100, 1, 3, -100])
    w = rng.uniform(0.5, 2.0, 4)
    samples = [Sample((x, t), {"reduction": r}) for r in ("mean", "sum", "none")]
    samples += [
        Sample((x, t, w), {"reduction": "mean"}, grad=(0,)),
        Sample((x, t, w), {"reduction": "none"}, grad=(0,)),
        Sample((x, t_ignored), {"reduction": "mean"}),
        Sample((x, t_ignored, w), {"reduction": "mean"}, grad=(0,)),
        Sample((x, t), {"ignore_index": 3}),
        Sample((smooth_normal(rng, (2, 3, 2, 2)), rng.integers(0, 3, size=(2, 2, 2))), {"reduction": "mean"}),
        Sample((smooth_normal(rng, (2, 3, 4)), rng.integers(0, 3, size=(2, 4))), {"reduction": "none"}),
        Sample((smooth_normal(rng, (4,)), np.array(2)), {"reduction": "none"}),
    ]
    return samples


def _cross_entropy_samples(rng):
    x = smooth_normal(rng, (5, 4), scale=2.0)
    t = np.array([0, 3, 1, -100, 2])
    w = rng.uniform(0.5, 2.0, 4)
    return _class_samples(rng) + [
        Sample((x, t), {"label_smoothing": 0.1}),
        Sample((x, t, w), {"label_smoothing": 0.2, "reduction": "mean"}, grad=(0,)),
        Sample((x, t, w), {"label_smoothing": 0.2, "reduction": "none"}, grad=(0,)),
        Sample((smooth_normal(rng, (2, 3, 2)), rng.integers(0, 3, size=(2, 2))), {"label_smoothing": 0.3}),
    ]


def _soft_targets(rng, shape, axis=1):
    p = rng.uniform(0.1, 1.0, shape)
    return p / p.sum(axis=axis, keepdims=True)


def _cross_entropy_probs_samples(rng):
    x = smooth_normal(rng, (4, 3), scale=2.0)
    w = rng.uniform(0.5, 2.0, 3)
    return [
        Sample((x, _soft_targets(rng, (4, 3)))),
        Sample((x, _soft_targets(rng, (4, 3))), {"reduction": "sum", "label_smoothing": 0.2}),
        Sample((x, _soft_targets(rng, (4, 3)), w), {"reduction": "none"}, grad=(0, 1)),
        Sample((smooth_normal(rng, (2, 3, 2)), _soft_targets(rng, (2, 3, 2))), {"reduction": "mean"}),
    ]


# ---- elementwise losses ------------------------------------------------------------------------------
def _regression_samples(rng):
    """Pairs (x, t) with x - t kept away from 0 (the kink of |x - t|)."""
    out = []
    for shape, r in (((3, 4), "mean"), ((2, 3, 2), "sum"), ((5,), "none")):
        t = smooth_normal(rng, shape)
        out.append(Sample((t + away_from(smooth_normal(rng, shape), (0.0,), 0.1), t), {"reduction": r}))
    return out


def _bce_samples(rng):
    return [
        Sample((unit_interval(rng, (3, 4)), unit_interval(rng, (3, 4), margin=0.0))),
        Sample((unit_interval(rng, (5,)), unit_interval(rng, (5,), margin=0.0), rng.uniform(0.5, 2.0, 5)),
               {"reduction": "sum"}, grad=(0, 1)),
        Sample((unit_interval(rng, (2, 3)), unit_interval(rng, (2, 3), margin=0.0), rng.uniform(0.5, 2.0, 3)),
               {"reduction": "none"}, grad=(0, 1)),
    ]


def _bce(x, t, weight=None, **kw):
    return F.binary_cross_entropy(x, t, weight=weight, **kw)


def _torch_bce(torch, x, t, weight=None, **kw):
    if weight is not None and weight.shape != x.shape:
        weight = weight.expand(x.shape)
    return torch.nn.functional.binary_cross_entropy(x, t, weight=weight, **kw)


def _bce_logits(x, t, weight=None, pos_weight=None, **kw):
    return F.binary_cross_entropy_with_logits(x, t, weight=weight, pos_weight=pos_weight, **kw)


def _torch_bce_logits(torch, x, t, weight=None, pos_weight=None, **kw):
    return torch.nn.functional.binary_cross_entropy_with_logits(x, t, weight=weight, pos_weight=pos_weight, **kw)


def _bce_logits_samples(rng):
    x = smooth_normal(rng, (4, 3), scale=3.0)
    t = unit_interval(rng, (4, 3), margin=0.0)
    return [
        Sample((x, t)),
        Sample((x, t, rng.uniform(0.5, 2.0, (4, 3)), rng.uniform(0.5, 3.0, 3)), {"reduction": "sum"}, grad=(0, 1)),
        Sample((x, t, None, rng.uniform(0.5, 3.0, 3)), {"reduction": "none"}, grad=(0, 1)),
    ]


ENTRIES = [
    OpInfo("linear", F.linear, _linear_samples,
           torch_fn=lambda torch, x, w, b=None: torch.nn.functional.linear(x, w, b)),
    OpInfo("bilinear", F.bilinear, _bilinear_samples,
           torch_fn=lambda torch, x1, x2, w, b=None: torch.nn.functional.bilinear(x1, x2, w, b)),
    OpInfo("layer_norm", _layer_norm, _layer_norm_samples, (N.LayerNorm,), torch_fn=_torch_layer_norm),
    OpInfo("batch_norm", _batch_norm_train, _batch_norm_samples, (N.BatchNorm,), torch_fn=_torch_batch_norm_train),
    OpInfo("sync_batch_norm_one_rank", _sync_batch_norm_one_rank, _batch_norm_samples, (SBN.SyncBatchNorm,),
           torch_fn=_torch_batch_norm_train, double_backward=False),
    OpInfo("batch_norm_eval", _batch_norm_eval, _batch_norm_eval_samples, torch_fn=_torch_batch_norm_eval),
    OpInfo("embedding", _embedding, _embedding_samples, (E.Embedding, E.EmbeddingBackward),
           torch_fn=_torch_embedding),
    OpInfo("embedding_backward", _embedding_backward, _embedding_backward_samples, (E.EmbeddingBackward, E.Embedding)),
    OpInfo("cross_entropy", _cross_entropy, _cross_entropy_samples, (L.CrossEntropy, A.Softmax),
           torch_fn=_torch_cross_entropy),
    OpInfo("cross_entropy_probs", _cross_entropy, _cross_entropy_probs_samples, (A.LogSoftmax,),
           torch_fn=_torch_cross_entropy),
    OpInfo("nll_loss", _nll_loss, _class_samples, (L.NLLLoss,), torch_fn=_torch_nll_loss),
    OpInfo("mse_loss", F.mse_loss, _regression_samples,
           torch_fn=lambda torch, x, t, **kw: torch.nn.functional.mse_loss(x, t, **kw)),
    OpInfo("l1_loss", F.l1_loss, _regression_samples,
           torch_fn=lambda torch, x, t, **kw: torch.nn.functional.l1_loss(x, t, **kw)),
    OpInfo("binary_cross_entropy", _bce, _bce_samples, (L.BinaryCrossEntropy,), torch_fn=_torch_bce),
    OpInfo("binary_cross_entropy_with_logits", _bce_logits, _bce_logits_samples, (A.Softplus, A.Sigmoid),
           torch_fn=_torch_bce_logits),
]
