"""PyTorch's native normalization kernels: the output, and the statistics it was made with.

torch.native_layer_norm, native_batch_norm and native_group_norm are the kernels under
F.layer_norm, F.batch_norm and F.group_norm. Beside y they return what a backward pass
needs: the mean and rstd = 1 / sqrt(var + eps), var the biased variance, of each group:

    native_layer_norm(x, normalized_shape, w, b, eps)          -> (y, mean, rstd)
        mean, rstd: x's shape with the normalized dimensions as 1, e.g. (N, T, 1)
    native_batch_norm(x, w, b, running_mean, running_var, training, momentum, eps)
                                                               -> (y, save_mean, save_invstd)
        (C,) when training; when not, empty (0,) tensors (nothing was computed)
    native_group_norm(x, w, b, N, C, HxW, group, eps)          -> (y, mean, rstd)
        x read as (N, C, HxW); mean, rstd: (N, group)

Composite: y comes from minigrad's layer_norm, BatchNorm and group_norm, so its gradient is
theirs (derived in ops/normalization.py). The statistics are constants without a gradient,
as in PyTorch (whose group-norm statistics say requires_grad but never receive a gradient).
"""

from ..errors import ArgumentError, ShapeError
from .elementwise import constant
from .group_norm import group_norm
from .normalization import (BatchNorm, batch_norm, batch_stats, check_batch_norm_args, layer_norm,
                            per_channel_affine, update_running_stats)


def _rstd(var, eps):
    return 1.0 / (var + eps) ** 0.5


def native_layer_norm(input, normalized_shape, weight, bias, eps):
    """layer_norm(x) with its mean and rstd over the last len(normalized_shape) dims (kept as 1).

    Composition: of ops/normalization.py LayerNorm (no Function of its own).
    """
    y = layer_norm(input, normalized_shape, weight, bias, eps)  # (checks the shapes and the dtype)
    k = 1 if isinstance(normalized_shape, int) else len(normalized_shape)
    mu, var = batch_stats(input.array, tuple(range(input.ndim - k, input.ndim)))
    return y, constant(mu), constant(_rstd(var, eps))


def native_batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps):
    """batch_norm(x) with the batch's per-channel mean and 1/sqrt(var + eps) when training.

    When training, running_mean and running_var (when given) are updated in place as in
    F.batch_norm. Unlike F.batch_norm, one value per channel is allowed when there are no
    running statistics to update (its variance is 0); with running_var it is refused, where
    PyTorch would make the running variance NaN (n / (n - 1) with n = 1).

    Composition: of ops/normalization.py BatchNorm (no Function of its own).
    """
    op = "native_batch_norm"
    check_batch_norm_args(op, input, running_mean, running_var, weight, bias)
    c = input.shape[1]
    if not training:  # the running statistics normalize; there are no batch statistics to return
        if running_mean is None or running_var is None:
            raise ArgumentError(f"{op}: running_mean and running_var are needed when training=False")
        empty = input.xp.empty((0,), dtype=input.dtype)
        return batch_norm(input, running_mean, running_var, weight, bias, False, momentum, eps), \
            constant(empty), constant(empty.copy())
    n = input.array.size // c if c else 0
    if n == 0 or (n == 1 and running_var is not None):
        raise ShapeError(f"{op}: expected more than 1 value per channel when training with running_var "
                         f"(and at least 1 without), got input of shape {tuple(input.shape)}")
    axes, _, w, b = per_channel_affine(input, weight, bias)
    mu, var = batch_stats(input.array, axes)
    update_running_stats(running_mean, running_var, mu, var, n, momentum)
    y = BatchNorm.apply(input, w, b, axes=axes, eps=float(eps), mu=mu, var=var)
    return y, constant(mu.reshape(c)), constant(_rstd(var, eps).reshape(c))


def native_group_norm(input, weight, bias, N, C, HxW, group, eps):
    """group_norm of x read as (N, C, HxW), with each (sample, group)'s mean and rstd, (N, group).

    Composition: of ops/normalization.py LayerNorm (no Function of its own).
    """
    op = "native_group_norm"
    if input.array.size != N * C * HxW:
        raise ShapeError(f"{op}: an input of shape {tuple(input.shape)} ({input.array.size} elements) cannot be "
                         f"read as (N, C, HxW) = ({N}, {C}, {HxW})")
    x = input.reshape(N, C, HxW)
    y = group_norm(x, group, weight, bias, eps).reshape(tuple(input.shape))  # (checks groups, dtype, weight)
    mu, var = batch_stats(x.array.reshape(N, group, -1), (2,))
    return y, constant(mu.reshape(N, group)), constant(_rstd(var, eps).reshape(N, group))
