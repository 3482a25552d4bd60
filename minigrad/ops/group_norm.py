"""Group normalization and instance normalization: layer norm over groups of channels.

For x of shape (N, C, *), split the C channels into G groups of C/G; each sample's group is
standardised on its own, over its C/G channels and all the spatial positions:

    x viewed as (N, G, C/G · prod(*))      ->   xhat = layer_norm over the last axis
    y = xhat viewed back as (N, C, *) · w_c + b_c           (w, b one per channel; optional)

Instance norm is the case G = C: every channel of every sample on its own.

Composite, on purpose: the standardisation is exactly layer norm's, on a reshaped view, so it
reuses the fused ``LayerNorm`` Function (its backward, derived in ops/normalization.py, is
rstd · (dxhat - mean(dxhat) - xhat · mean(dxhat · xhat)) per group, and it can be
differentiated twice); the per-channel scale and shift are a multiply and an add, whose
gradients the engine reduces over N and the spatial axes.
"""

from ..errors import ArgumentError, DTypeError, ShapeError
from .elementwise import cast
from .normalization import LayerNorm, batch_norm


def _standardize_groups(x, groups, eps):
    """x (N, C, *) standardised over each (sample, group of C/groups channels)."""
    n = x.shape[0]
    per_group = x.array.size // (n * groups) if n else 0
    flat = x.reshape(n, groups, per_group)
    return LayerNorm.apply(flat, None, None, axes=(2,), eps=float(eps)).reshape(tuple(x.shape))


def _affine(op, y, weight, bias):
    """y · w_c + b_c, with w and b (C,) in y's dtype (their gradients come back in their own)."""
    c = y.shape[1]
    per_channel = (c,) + (1,) * (y.ndim - 2)
    for name, p in (("weight", weight), ("bias", bias)):
        if p is not None and tuple(p.shape) != (c,):
            raise ShapeError(f"{op}: {name} has shape {tuple(p.shape)}, expected ({c},) for an input with {c} "
                             f"channels (shape {tuple(y.shape)})")
    if weight is not None:
        y = y * cast(weight, y.dtype).reshape(per_channel)
    if bias is not None:
        y = y + cast(bias, y.dtype).reshape(per_channel)
    return y


def _check_input(op, input, min_dims):
    if input.dtype.kind != "f":
        raise DTypeError(f"{op}: input must be a floating point tensor, got dtype {input.dtype}")
    if input.ndim < min_dims:
        raise ShapeError(f"{op}: expected an input of shape (N, C, *) with at least {min_dims} dimensions, "
                         f"got shape {tuple(input.shape)}")


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """Standardise each sample over groups of ``num_groups`` channel blocks, then scale and
    shift per channel (see the module docstring). input (N, C, *), C divisible by num_groups.

    Composition: of reshape, sub, mul, add, ops/normalization.py LayerNorm (no Function of its own).
    """
    op = "group_norm"
    _check_input(op, input, 2)
    if isinstance(num_groups, bool) or not isinstance(num_groups, int) or num_groups < 1:
        raise ArgumentError(f"{op}: num_groups must be a positive integer, got {num_groups!r}")
    if input.shape[1] % num_groups:
        raise ShapeError(f"{op}: expected the number of channels in input to be divisible by num_groups, but "
                         f"got input of shape {list(input.shape)} and num_groups={num_groups}")
    return _affine(op, _standardize_groups(input, num_groups, eps), weight, bias)


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None, use_input_stats=True,
                  momentum=0.1, eps=1e-5):
    """Standardise every channel of every sample over its spatial axes; input (N, C, *).

    use_input_stats=True: each instance's own mean and (biased) variance; when running_mean /
    running_var are given they are updated in place with the instances' statistics averaged
    over the batch (the variance unbiased, over the n spatial elements, as PyTorch does):
        running_mean = (1 - momentum) * running_mean + momentum * mean_N(mu_nc)
        running_var  = (1 - momentum) * running_var  + momentum * mean_N(var_nc) * n / (n - 1)
    use_input_stats=False: normalise with the running statistics, as batch_norm in eval.

    Composition: of F.batch_norm, reshape, mean, sub (no Function of its own).
    """
    from ..autograd.grad_mode import no_grad
    from ..tensor import Tensor
    from .normalization import batch_stats

    op = "instance_norm"
    _check_input(op, input, 3)
    c = input.shape[1]
    for name, r in (("running_mean", running_mean), ("running_var", running_var)):
        if r is not None and tuple(r.shape) != (c,):
            raise ShapeError(f"{op}: {name} has shape {tuple(r.shape)}, expected ({c},) for an input with {c} "
                             f"channels (shape {tuple(input.shape)})")
    if not use_input_stats:
        if running_mean is None or running_var is None:
            raise ArgumentError(f"{op}: running_mean and running_var are needed when use_input_stats=False")
        return batch_norm(input, running_mean, running_var, weight, bias, training=False, eps=eps)
    spatial = input.array.size // (input.shape[0] * c) if input.shape[0] * c else 0
    if spatial <= 1:
        raise ShapeError(f"{op}: expected more than 1 spatial element when training, got input of shape "
                         f"{tuple(input.shape)}")
    if running_mean is not None or running_var is not None:
        mu, var = batch_stats(input.array, tuple(range(2, input.ndim)))  # (N, C, 1, ...)
        with no_grad():
            for r, stat, factor in ((running_mean, mu, 1.0), (running_var, var, spatial / (spatial - 1))):
                if r is not None:
                    new = r.array * (1.0 - momentum) + stat.reshape(-1, c).mean(axis=0) * (momentum * factor)
                    r.copy_(Tensor._make(new.astype(r.dtype, copy=False)))
    return _affine(op, _standardize_groups(input, c, eps), weight, bias)


TENSOR_METHODS = {}
