"""Questions about a tensor that PyTorch also asks as functions: ``minigrad.is_tensor(x)``,
``minigrad.is_floating_point(t)``, ``minigrad.numel(t)``, ``minigrad.get_device(t)``, and
``is_conj``, ``is_neg``, ``is_inference``, ``is_distributed``."""

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


def is_conj(input):
    """Whether ``input`` has its conjugate bit set: never here (conj() conjugates at once)."""
    return _tensor("is_conj", input).is_conj()


def is_neg(input):
    """Whether ``input`` has its negative bit set: never here (minigrad makes no lazy negations)."""
    return _tensor("is_neg", input).is_neg()


def is_inference(input):
    """Whether ``input`` is an inference tensor (see Tensor.is_inference)."""
    return _tensor("is_inference", input).is_inference()


def is_distributed(input):
    """False: a minigrad tensor lives in one process (PyTorch's answer for every ordinary tensor)."""
    _tensor("is_distributed", input)
    return False


def get_device(input):
    """-1 on the CPU, the GPU's index on CUDA (as Tensor.get_device)."""
    return _tensor("get_device", input).get_device()
