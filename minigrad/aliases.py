"""Top-level functions PyTorch has whose work a Tensor method does: ``torch.clone(x)`` is ``x.clone()``."""

from .dtypes import get_default_dtype
from .ops.shape import cat
from .size import Size  # noqa: F401  (minigrad.Size)


def clone(input):
    """torch.clone: a differentiable copy with its own memory."""
    return input.clone()


def detach(input):
    return input.detach()


def t(input):
    return input.t()


def ravel(input):
    return input.reshape(-1)


def concatenate(tensors, dim=0, *, axis=None):
    """torch.concatenate: cat, with NumPy's ``axis`` spelling accepted too."""
    return cat(tensors, dim if axis is None else axis)


def is_nonzero(input):
    return input.is_nonzero()


def is_same_size(input, other):
    return input.is_same_size(other)


def is_complex(input):
    return input.is_complex()


def is_signed(input):
    return input.is_signed()


def scalar_tensor(s, *, dtype=None, device=None, requires_grad=False):
    """A 0-d tensor holding ``s`` (the default float dtype unless ``dtype`` says otherwise)."""
    from .creation import tensor

    return tensor(float(s) if dtype is None else s, dtype=dtype or get_default_dtype(), device=device,
                  requires_grad=requires_grad)


def rsub(input, other, *, alpha=1):
    """torch.rsub: ``other - alpha * input``, subtraction with the operands swapped."""
    return other - input * alpha if alpha != 1 else other - input


