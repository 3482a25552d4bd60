"""Questions about a tensor that PyTorch also asks as functions: ``minigrad.is_tensor(x)``,
``minigrad.is_floating_point(t)``, ``minigrad.numel(t)``."""

from .errors import DTypeError
from .tensor import Tensor


def is_tensor(obj):
    """True when ``obj`` is a minigrad Tensor (a Parameter is one too)."""
    return isinstance(obj, Tensor)


def _tensor(op, t):
    if not isinstance(t, Tensor):
        raise DTypeError(f"{op}(): argument 'input' must be a Tensor, not {type(t).__name__}")
    return t


def is_floating_point(input):
    """True when ``input``'s dtype is a floating point one (float16, float32, float64)."""
    return _tensor("is_floating_point", input).dtype.kind == "f"


def numel(input):
    """The number of elements of ``input``."""
    return _tensor("numel", input).numel()
