"""The layers as functions: ``import minigrad.nn.functional as F``.

A module (``nn.Linear``) holds parameters and calls the function here (``F.linear``) with
them. The math lives in ``minigrad.ops``; this module gathers it under PyTorch's names, and
adds ``linear`` and ``bilinear``, which are short compositions of matmul and add.
"""

from ..errors import DTypeError, ShapeError
from ..ops.activation import (gelu, leaky_relu, leaky_relu_, log_softmax, relu, relu_, sigmoid, softmax, softplus,
                              tanh)
from ..ops.activations_piecewise import (hardshrink, hardsigmoid, hardswish, hardtanh, hardtanh_, prelu, relu6, rrelu,
                                         rrelu_, softshrink, threshold, threshold_)
from ..ops.activations_smooth import (celu, celu_, elu, elu_, glu, gumbel_softmax, logsigmoid, mish, selu, selu_,
                                      silu, softmin, softmax2d, softsign, tanhshrink)
from ..ops.ctc import ctc_loss
from ..ops.distance import cosine_similarity, normalize, pairwise_distance, pdist
from ..ops.losses_margin import (cosine_embedding_loss, hinge_embedding_loss, margin_ranking_loss, multi_margin_loss,
                                 multilabel_margin_loss, multilabel_soft_margin_loss, soft_margin_loss,
                                 triplet_margin_loss, triplet_margin_with_distance_loss)
from ..ops.losses_regression import gaussian_nll_loss, huber_loss, kl_div, poisson_nll_loss, smooth_l1_loss
from ..ops.one_hot import one_hot
from ..ops.attention import scaled_dot_product_attention
from ..ops.conv import conv1d, conv2d, conv_transpose1d, conv_transpose2d
from ..ops.dropout import alpha_dropout, dropout, dropout1d, dropout2d, dropout3d, feature_alpha_dropout
from ..ops.embedding import embedding
from ..ops.embedding_bag import embedding_bag
from ..ops.linalg import matmul
from ..ops import linear as _fused
from ..ops.loss import (binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy, l1_loss,
                        mse_loss, nll_loss)
from ..ops.normalization import batch_norm, layer_norm
from ..ops.group_norm import group_norm, instance_norm
from ..ops.local_response_norm import local_response_norm
from ..ops.rms_norm import rms_norm
from ..ops.adaptive_pooling import (adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_avg_pool3d,
                                    adaptive_max_pool1d, adaptive_max_pool2d, adaptive_max_pool3d)
from ..ops.fractional_pooling import fractional_max_pool2d, fractional_max_pool3d
from ..ops.pooling import avg_pool1d, avg_pool2d, max_pool1d, max_pool2d
from ..ops.pooling3d import avg_pool3d, max_pool3d
from ..ops.lp_pool import lp_pool1d, lp_pool2d, lp_pool3d
from ..ops.unpool import max_unpool1d, max_unpool2d, max_unpool3d
from ..ops.conv3d import conv3d, conv_transpose3d
from ..ops.fold import fold, unfold
from ..ops.pixel_shuffle import channel_shuffle, pixel_shuffle, pixel_unshuffle
from ..ops.aten_names import native_channel_shuffle
from ..ops.interpolate import interpolate, upsample, upsample_bilinear, upsample_nearest
from ..ops.grid_sample import affine_grid, grid_sample
from ..ops.reduction import sum as _sum
from ..ops.padding import pad
from .pooling_with_indices import (adaptive_max_pool1d_with_indices, adaptive_max_pool2d_with_indices,
                                   adaptive_max_pool3d_with_indices, fractional_max_pool2d_with_indices,
                                   fractional_max_pool3d_with_indices, max_pool1d_with_indices,
                                   max_pool2d_with_indices, max_pool3d_with_indices)


def linear(input, weight, bias=None):
    """y = x W^T + b for x (*, in_features), W (out_features, in_features), b (out_features,).

    Leading axes are folded into one before the product, so the weight gradient is one GEMM
    (X^T G) rather than a batch of them summed afterwards. The gradients come from matmul's:
    dL/dx = G W, dL/dW = G^T x, dL/db = sum of G over the leading axes.

    Function: ops/linear.py Linear (one fused node); where it does not apply, ops/linalg.py MatMul and
    ops/elementwise.py Add.
    """
    # shapes read off the arrays (a Tensor's .shape and .ndim are property calls; this runs per layer call)
    shape, w_shape = input.array.shape, weight.array.shape
    if not shape or len(w_shape) != 2 or shape[-1] != w_shape[1]:
        raise ShapeError(f"linear: input of shape {tuple(shape)} does not fit a weight of shape "
                         f"{tuple(w_shape)} (out_features, in_features): the input's last dimension "
                         f"must be {w_shape[1] if len(w_shape) == 2 else '?'}")
    if bias is not None and bias.array.shape != (w_shape[0],):
        raise ShapeError(f"linear: bias of shape {tuple(bias.shape)} does not fit out_features={w_shape[0]}")
    x = input.reshape(-1, shape[-1]) if len(shape) > 2 else input
    if _fused.fusable(x, weight, bias):  # the same product as one node (ops/linear.py)
        y = _fused.linear(x, weight, bias)
    else:
        y = matmul(x, weight.T)
        if bias is not None:
            y = y + bias
    return y.reshape(tuple(shape[:-1]) + (w_shape[0],)) if len(shape) > 2 else y


def bilinear(input1, input2, weight, bias=None):
    """y_k = sum_ij x1_i A_kij x2_j + b_k for x1 (*, in1), x2 (*, in2), A (out, in1, in2).

    As matrix products: (x1 @ A viewed as (in1, out*in2)) gives, for each k, the row x1^T A_k;
    multiplying it by x2 and summing over j finishes the double sum.

    Composition: of reshape, F.matmul, permute, sum, mul, add (no Function of its own).
    """
    for name, t in (("input1", input1), ("input2", input2), ("weight", weight)):
        if t.dtype.kind != "f":
            raise DTypeError(f"bilinear: {name} must be a floating point tensor, got dtype {t.dtype}")
    if weight.ndim != 3 or input1.ndim == 0 or input2.ndim == 0:
        raise ShapeError(f"bilinear: needs inputs (*, in1), (*, in2) and a weight (out, in1, in2), got shapes "
                         f"{tuple(input1.shape)}, {tuple(input2.shape)} and {tuple(weight.shape)}")
    out, in1, in2 = weight.shape
    if input1.shape[-1] != in1 or input2.shape[-1] != in2 or input1.shape[:-1] != input2.shape[:-1]:
        raise ShapeError(f"bilinear: inputs of shapes {tuple(input1.shape)} and {tuple(input2.shape)} do not fit a "
                         f"weight of shape {tuple(weight.shape)} (out, in1, in2)")
    lead = tuple(input1.shape[:-1])
    x1, x2 = input1.reshape(-1, in1), input2.reshape(-1, in2)
    rows = matmul(x1, weight.permute(1, 0, 2).reshape(in1, out * in2)).reshape(-1, out, in2)
    y = _sum(rows * x2.reshape(-1, 1, in2), -1)
    if bias is not None:
        y = y + bias
    return y.reshape(lead + (out,))


__all__ = [
    "linear", "bilinear", "dropout", "dropout2d", "embedding", "layer_norm", "batch_norm",
    "group_norm", "instance_norm", "rms_norm", "local_response_norm", "embedding_bag",
    "mse_loss", "l1_loss", "cross_entropy", "nll_loss", "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "relu", "leaky_relu", "sigmoid", "tanh", "gelu", "softplus", "softmax", "log_softmax", "pad",
    "conv1d", "conv2d", "conv_transpose1d", "conv_transpose2d", "max_pool1d", "max_pool2d", "avg_pool1d",
    "avg_pool2d", "adaptive_avg_pool1d", "adaptive_avg_pool2d", "scaled_dot_product_attention",
]
__all__ += [
    "conv3d", "conv_transpose3d", "max_pool3d", "avg_pool3d", "adaptive_avg_pool3d", "adaptive_max_pool1d",
    "adaptive_max_pool2d", "adaptive_max_pool3d", "lp_pool1d", "lp_pool2d", "lp_pool3d", "max_unpool1d",
    "max_unpool2d", "max_unpool3d", "fold", "unfold", "pixel_shuffle", "pixel_unshuffle", "interpolate",
    "upsample", "upsample_nearest", "upsample_bilinear", "grid_sample", "affine_grid", "channel_shuffle",
]
__all__ += [
    "relu_", "leaky_relu_", "elu", "elu_", "celu", "celu_", "selu", "selu_", "silu", "mish", "logsigmoid",
    "softsign", "tanhshrink", "softmin", "gumbel_softmax", "softmax2d", "glu", "hardtanh", "hardtanh_", "relu6", "hardsigmoid",
    "hardswish", "hardshrink", "softshrink", "threshold", "threshold_", "prelu", "rrelu", "rrelu_",
    "one_hot", "normalize", "cosine_similarity", "pairwise_distance",
    "huber_loss", "smooth_l1_loss", "kl_div", "poisson_nll_loss", "gaussian_nll_loss", "ctc_loss",
    "margin_ranking_loss", "hinge_embedding_loss", "soft_margin_loss", "cosine_embedding_loss",
    "triplet_margin_loss", "triplet_margin_with_distance_loss", "multi_margin_loss", "multilabel_margin_loss",
    "multilabel_soft_margin_loss",
]
__all__ += ["dropout1d", "dropout3d", "alpha_dropout", "feature_alpha_dropout"]
__all__ += ["pdist"]
__all__ += ["fractional_max_pool2d", "fractional_max_pool3d"]
__all__ += ["native_channel_shuffle"]
__all__ += ["max_pool1d_with_indices", "max_pool2d_with_indices", "max_pool3d_with_indices",
            "adaptive_max_pool1d_with_indices", "adaptive_max_pool2d_with_indices", "adaptive_max_pool3d_with_indices",
            "fractional_max_pool2d_with_indices", "fractional_max_pool3d_with_indices"]


def __getattr__(name):
    """``multi_head_attention_forward``: MultiheadAttention's functional form lives beside the
    module (nn/attention.py), which imports this file, so it is looked up on first use."""
    if name == "multi_head_attention_forward":
        from .attention import multi_head_attention_forward

        return multi_head_attention_forward
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
