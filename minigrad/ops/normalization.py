"""Normalization: layer norm and batch norm, each one fused Function.

Both standardise x over a set of axes A (n elements per group), then scale and shift:

    mu   = mean_A(x)
    var  = mean_A((x - mu)**2)               (the biased variance, as PyTorch uses here)
    rstd = 1 / sqrt(var + eps)
    xhat = (x - mu) * rstd
    y    = xhat * w + b                      (w, b broadcast against x; optional)

LayerNorm: A = the last len(normalized_shape) axes, w and b of shape normalized_shape.
BatchNorm (training): A = every axis except the channel axis 1, w and b one per channel.

Backward. With g = dL/dy and the convention dX = dL/dX (docs/notation.md), the gradient
reaching xhat is dxhat = dL/dxhat = g * w (g itself when there is no w). Inside one group,
with d_ij the Kronecker delta,
    d mu / d x_i   = 1/n
    d var / d x_i  = 2 (x_i - mu) / n                    (the mu terms sum to zero)
    d rstd / d x_i = -rstd**3 (x_i - mu) / n
    d xhat_j / d x_i = rstd (d_ij - 1/n) - (x_j - mu) rstd**3 (x_i - mu) / n
                     = rstd (d_ij - 1/n - xhat_i xhat_j / n)
so, summing over j,
    dL/dx = rstd * (dxhat - mean_A(dxhat) - xhat * mean_A(dxhat * xhat))
    dL/dw = g * xhat,   dL/db = g     (summed over the broadcast axes by the engine)

Second derivatives: the first backward uses mu and rstd saved by forward as plain numbers.
When the gradient itself is being differentiated (``create_graph=True``, grad mode on inside
backward) they are recomputed from x with differentiable ops instead, so the graph of the
gradient knows they depend on x.
"""

from ..autograd.function import Function
from ..autograd.grad_mode import is_grad_enabled
from ..backend import get_array_module as _xp  # NumPy or CuPy, whichever holds the arrays
from .elementwise import cast, constant
from .reduction import mean


def batch_stats(x, axes):
    """Mean and biased variance of the array x over ``axes`` (kept as size-1 axes)."""
    mu = x.mean(axis=axes, keepdims=True)
    xc = x - mu
    return mu, (xc * xc).mean(axis=axes, keepdims=True)


def _normalize_forward(ctx, x, weight, bias, axes, eps, mu=None, var=None):
    """y = (x - mu) * rstd * w + b on arrays; saves what backward needs."""
    if mu is None:
        mu, var = batch_stats(x, axes)
    rstd = 1.0 / _xp(x).sqrt(var + eps)
    y = (x - mu) * rstd
    if weight is not None:
        y = y * weight
    if bias is not None:
        y = y + bias
    ctx.axes, ctx.eps = axes, eps
    ctx.save_for_backward(x, weight, mu, rstd)
    return y


def _standardize(x, axes, eps):
    """xhat and rstd as differentiable Tensor ops of x (for second derivatives)."""
    xc = x - mean(x, axes, keepdim=True)
    rstd = (mean(xc * xc, axes, keepdim=True) + eps) ** -0.5
    return xc * rstd, rstd


def _normalize_backward(ctx, g):
    x, weight, mu, rstd = ctx.saved_tensors
    axes = ctx.axes
    if is_grad_enabled():  # building the graph of the gradient: statistics as functions of x
        xhat, rstd = _standardize(x, axes, ctx.eps)
    else:  # first derivative only: the saved statistics are just numbers
        xhat = constant((x.array - mu.array) * rstd.array)
    gx = gw = gb = None
    if ctx.needs_input_grad[0]:
        dxhat = g * weight if weight is not None else g
        gx = rstd * (dxhat - mean(dxhat, axes, keepdim=True) - xhat * mean(dxhat * xhat, axes, keepdim=True))
    if ctx.needs_input_grad[1]:
        gw = g * xhat
    if ctx.needs_input_grad[2]:
        gb = g
    return gx, gw, gb


class LayerNorm(Function):
    """Normalise each sample over its last axes (see the module docstring). Inputs (x, weight, bias)."""

    @staticmethod
    def forward(ctx, x, weight, bias, axes, eps):
        return _normalize_forward(ctx, x, weight, bias, axes, eps)

    @staticmethod
    def backward(ctx, g):
        return _normalize_backward(ctx, g)


class BatchNorm(Function):
    """Normalise each channel over the batch and spatial axes (see the module docstring).

    Inputs (x, weight, bias), weight and bias shaped to broadcast against x (C, 1, 1, ...).
    ``mu`` and ``var``, when given, are x's batch statistics already computed by the caller
    (who needs them for the running averages too), so x is not read twice for them.
    """

    @staticmethod
    def forward(ctx, x, weight, bias, axes, eps, mu=None, var=None):
        return _normalize_forward(ctx, x, weight, bias, axes, eps, mu, var)

    @staticmethod
    def backward(ctx, g):
        return _normalize_backward(ctx, g)


# ---- the functions users call ------------------------------------------------------------------
def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Standardise over the last len(normalized_shape) axes, then scale by weight and add bias.

    Function: ops/normalization.py LayerNorm.
    """
    from ..errors import DTypeError, ShapeError

    if input.dtype.kind != "f":
        raise DTypeError(f"layer_norm: input must be a floating point tensor, got dtype {input.dtype}")
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    k = len(shape)
    if k == 0 or input.ndim < k or tuple(input.shape[input.ndim - k:]) != shape:
        raise ShapeError(f"layer_norm: given normalized_shape={list(shape)}, expected input with shape "
                         f"[*, {', '.join(map(str, shape))}], but got input of size {list(input.shape)}")
    for name, p in (("weight", weight), ("bias", bias)):
        if p is not None and tuple(p.shape) != shape:
            raise ShapeError(f"layer_norm: {name} has shape {tuple(p.shape)}, expected normalized_shape {shape}")
    axes = tuple(range(input.ndim - k, input.ndim))
    # weight and bias in the input's dtype, so their gradients come back in their own (through the cast)
    weight, bias = (None if p is None else cast(p, input.dtype) for p in (weight, bias))
    return LayerNorm.apply(input, weight, bias, axes=axes, eps=float(eps))


def check_batch_norm_args(op, input, running_mean, running_var, weight, bias):
    """A floating (N, C, *) input, and per-channel (C,) statistics, weight and bias where given."""
    from ..errors import DTypeError, ShapeError

    if input.dtype.kind != "f":
        raise DTypeError(f"{op}: input must be a floating point tensor, got dtype {input.dtype}")
    if input.ndim < 2:
        raise ShapeError(f"{op}: expected an input of shape (N, C, *), got shape {tuple(input.shape)}")
    c = input.shape[1]
    for name, p in (("weight", weight), ("bias", bias), ("running_mean", running_mean), ("running_var", running_var)):
        if p is not None and tuple(p.shape) != (c,):
            raise ShapeError(f"{op}: {name} has shape {tuple(p.shape)}, expected ({c},) for an input "
                             f"with {c} channels (shape {tuple(input.shape)})")


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1,
               eps=1e-5):
    """Normalise each channel (axis 1) of x of shape (N, C, *).

    training: use the batch's statistics, and update the running ones in place when given:
        running_mean = (1 - momentum) * running_mean + momentum * batch_mean
        running_var  = (1 - momentum) * running_var  + momentum * batch_var * n / (n - 1)
    (the running variance is the unbiased one, as in PyTorch). Otherwise: use the running ones.

    Function: ops/normalization.py BatchNorm.
    """
    from ..errors import ArgumentError, ShapeError

    check_batch_norm_args("batch_norm", input, running_mean, running_var, weight, bias)
    c = input.shape[1]
    axes, per_channel, w, b = per_channel_affine(input, weight, bias)
    if not training:
        if running_mean is None or running_var is None:
            raise ArgumentError("batch_norm: running_mean and running_var are needed when training=False")
        rm, rv = (cast(r, input.dtype).reshape(per_channel) for r in (running_mean, running_var))
        y = (input - rm) * ((rv + eps) ** -0.5)
        if w is not None:
            y = y * w
        return y + b if b is not None else y
    n = input.array.size // c if c else 0
    if n <= 1:
        raise ShapeError(f"batch_norm: expected more than 1 value per channel when training, "
                         f"got input of shape {tuple(input.shape)}")
    mu, var = batch_stats(input.array, axes)
    update_running_stats(running_mean, running_var, mu, var, n, momentum)
    return BatchNorm.apply(input, w, b, axes=axes, eps=float(eps), mu=mu, var=var)


def per_channel_affine(input, weight, bias):
    """(axes, per_channel, w, b) for batch norm of input (N, C, *): the axes its statistics run
    over, the shape (C, 1, ...) that broadcasts against it, and weight and bias in that shape."""
    axes = (0,) + tuple(range(2, input.ndim))
    per_channel = (input.shape[1],) + (1,) * (input.ndim - 2)
    # weight and bias in the input's dtype, so their gradients come back in their own (through the cast)
    w = None if weight is None else cast(weight, input.dtype).reshape(per_channel)
    b = None if bias is None else cast(bias, input.dtype).reshape(per_channel)
    return axes, per_channel, w, b


def update_running_stats(running_mean, running_var, mu, var, n, momentum):
    """In place, each one given:
        running_mean = (1 - momentum) * running_mean + momentum * batch_mean
        running_var  = (1 - momentum) * running_var  + momentum * batch_var * n / (n - 1)
    (n values per channel; the running variance is the unbiased one, as in PyTorch)."""
    from ..autograd.grad_mode import no_grad
    from ..tensor import Tensor

    c = mu.size
    with no_grad():
        if running_mean is not None:
            new_mean = running_mean.array * (1.0 - momentum) + mu.reshape(c) * momentum
            running_mean.copy_(Tensor._make(new_mean.astype(running_mean.dtype, copy=False)))
        if running_var is not None:
            new_var = running_var.array * (1.0 - momentum) + var.reshape(c) * (momentum * n / (n - 1))
            running_var.copy_(Tensor._make(new_var.astype(running_var.dtype, copy=False)))


TENSOR_METHODS = {}
