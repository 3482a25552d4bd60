"""Root-mean-square normalization (Zhang & Sennrich, 2019): layer norm without the centring.

Over the last len(normalized_shape) axes A of each sample,

    y = x / sqrt(mean_A(x**2) + eps) * w          (w of shape normalized_shape; optional)

eps defaults to the machine epsilon of x's dtype (torch.finfo(dtype).eps), as in PyTorch.

Composite: three differentiable ops (square-mean, add-and-power, multiply), so autograd gives
the gradient, and its gradient, for free. With r = (mean_A(x**2) + eps)**-1/2 and n = |A|:
    dL/dx_i = r * (g_i w_i - x_i r**2 * mean_A(g w x))
which is what the engine computes from the chain rule through the three ops. No fusion is
needed for stability: mean_A(x**2) + eps >= eps > 0.
"""

import numpy as np

from ..errors import DTypeError, ShapeError
from .elementwise import cast
from .reduction import mean


def rms_norm(input, normalized_shape, weight=None, eps=None):
    """x / sqrt(mean(x**2) + eps) * weight over the last len(normalized_shape) axes.

    Composition: of mean, sub, mul, add (no Function of its own).
    """
    op = "rms_norm"
    if input.dtype.kind != "f":
        raise DTypeError(f"{op}: input must be a floating point tensor, got dtype {input.dtype}")
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    k = len(shape)
    if k == 0 or input.ndim < k or tuple(input.shape[input.ndim - k:]) != shape:
        raise ShapeError(f"{op}: given normalized_shape={list(shape)}, expected input with shape "
                         f"[*, {', '.join(map(str, shape))}], but got input of size {list(input.shape)}")
    if weight is not None and tuple(weight.shape) != shape:
        raise ShapeError(f"{op}: weight has shape {tuple(weight.shape)}, expected normalized_shape {shape}")
    eps = float(np.finfo(input.dtype).eps) if eps is None else float(eps)
    axes = tuple(range(input.ndim - k, input.ndim))
    y = input * (mean(input * input, axes, keepdim=True) + eps) ** -0.5
    return y if weight is None else y * cast(weight, input.dtype)


TENSOR_METHODS = {}
