"""Folding an eval-mode BatchNorm into the convolution or Linear layer before it (``torch.nn.utils.fusion``).

In eval mode BatchNorm is an affine map per channel c, with its running statistics:

    bn(z)_c = γ_c (z_c - μ_c) / √(σ²_c + ε) + β_c = s_c z_c + (β_c - s_c μ_c),   s_c = γ_c / √(σ²_c + ε)

and z_c = W_c · x + b_c is affine in x too (W_c the rows, or kernels, of output channel c), so
the two compose into one layer with

    W'_c = s_c W_c        b'_c = s_c (b_c - μ_c) + β_c

which gives the same outputs with one layer fewer (up to rounding). A transposed convolution
keeps its output channels on the kernel's second axis, so there s scales that axis.
"""

import copy

from ...errors import ArgumentError
from ...ops.exponential import rsqrt
from ..parameter import Parameter


def fuse_conv_bn_weights(conv_w, conv_b, bn_rm, bn_rv, bn_eps, bn_w, bn_b, transpose=False):
    """(W', b') as Parameters: the convolution's kernel and bias with the BatchNorm folded in."""
    from ... import creation

    conv_b = creation.zeros_like(bn_rm) if conv_b is None else conv_b
    bn_w = creation.ones_like(bn_rm) if bn_w is None else bn_w
    bn_b = creation.zeros_like(bn_rm) if bn_b is None else bn_b
    scale = bn_w * rsqrt(bn_rv + bn_eps)  # s
    shape = ((1, -1) if transpose else (-1, 1)) + (1,) * (conv_w.ndim - 2)
    weight = (conv_w * scale.reshape(shape)).to(conv_w.dtype)
    bias = ((conv_b - bn_rm) * scale + bn_b).to(conv_b.dtype)
    return Parameter(weight.detach(), conv_w.requires_grad), Parameter(bias.detach(), conv_b.requires_grad)


def fuse_conv_bn_eval(conv, bn, transpose=False):
    """A copy of ``conv`` that computes bn(conv(x)); both must be in eval mode."""
    if conv.training or bn.training:
        raise ArgumentError("fuse_conv_bn_eval: fusion is only for eval mode (call .eval() on both layers)")
    fused = copy.deepcopy(conv)
    fused.weight, fused.bias = fuse_conv_bn_weights(fused.weight, fused.bias, bn.running_mean, bn.running_var,
                                                    bn.eps, bn.weight, bn.bias, transpose)
    return fused


def fuse_linear_bn_weights(linear_w, linear_b, bn_rm, bn_rv, bn_eps, bn_w, bn_b):
    """(W', b') as Parameters: the Linear layer's weight and bias with the BatchNorm folded in."""
    return fuse_conv_bn_weights(linear_w, linear_b, bn_rm, bn_rv, bn_eps, bn_w, bn_b)


def fuse_linear_bn_eval(linear, bn):
    """A copy of ``linear`` that computes bn(linear(x)); both must be in eval mode."""
    if linear.training or bn.training:
        raise ArgumentError("fuse_linear_bn_eval: fusion is only for eval mode (call .eval() on both layers)")
    if bn.num_features not in (linear.out_features, 1):
        raise ArgumentError(f"fuse_linear_bn_eval: the Linear layer's {linear.out_features} outputs do not match "
                            f"the BatchNorm's {bn.num_features} features")
    fused = copy.deepcopy(linear)
    fused.weight, fused.bias = fuse_linear_bn_weights(fused.weight, fused.bias, bn.running_mean, bn.running_var,
                                                      bn.eps, bn.weight, bn.bias)
    return fused


__all__ = ["fuse_conv_bn_eval", "fuse_conv_bn_weights", "fuse_linear_bn_eval", "fuse_linear_bn_weights"]
