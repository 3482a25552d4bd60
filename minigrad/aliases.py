"""Top-level functions PyTorch has whose work a Tensor method does: ``torch.clone(x)`` is ``x.clone()``."""

from .dtypes import get_default_dtype
from .ops.shape import cat
from .size import Size  # noqa: F401  (minigrad.Size)


def clone(input, *, memory_format=None):
    """torch.clone: a differentiable copy with its own memory (laid out in ``memory_format``)."""
    return input.clone(memory_format=memory_format)


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


def adjoint(input):
    """torch.adjoint: the conjugate transpose of the last two axes (``input.mH``)."""
    return input.adjoint()


def resolve_neg(input):
    """torch.resolve_neg: minigrad has no lazy negation bit, so every tensor is already resolved."""
    return input


def narrow_copy(input, dim, start, length):
    """torch.narrow_copy: ``narrow`` as a new tensor with its own memory."""
    return input.narrow(dim, start, length).clone()


def range(start=0, end=None, step=1, *, dtype=None, device=None, requires_grad=False):  # noqa: A001
    """torch.range (deprecated there): like arange but ``end`` is included, and the default
    float dtype even for whole-number bounds. ``arange`` is the one to use."""
    import warnings

    from .creation import arange

    warnings.warn("torch.range is deprecated and will be removed in a future release because its behavior is "
                  "inconsistent with Python's range builtin. Instead, use torch.arange, which produces values in "
                  "[start, end).", UserWarning, stacklevel=2)
    if end is None:
        start, end = 0, start
    count = int((end - start) // step) + 1  # the number of values from start to end, both included
    values = arange(0, max(count, 0), dtype=dtype or get_default_dtype(), device=device) * step + start
    return values.requires_grad_(requires_grad)


def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad=False):
    """torch.asarray: obj as a tensor, sharing memory when it can (a tensor or an array of the
    same dtype and device) unless ``copy=True``; ``copy=False`` refuses when it cannot share."""
    import numpy as np

    from .errors import ArgumentError
    from .tensor import Tensor

    array = obj.array if isinstance(obj, Tensor) else obj
    if isinstance(obj, Tensor) or isinstance(array, np.ndarray) or hasattr(array, "__cuda_array_interface__"):
        out = Tensor(array, dtype=array.dtype if dtype is None else dtype, device=device)
        shared = out.array is array
    else:
        from .creation import tensor

        out, shared = tensor(array, dtype=dtype, device=device), False  # (tensor() infers: [1, 2] is int64)
    if copy is False and not shared:
        raise ArgumentError("asarray: copy=False, but the object cannot be shared without a copy "
                            f"({type(obj).__name__} to dtype {out.dtype} on {out.device})")
    if copy and shared:
        out = out.clone()
    if isinstance(obj, Tensor) and shared and not copy and not requires_grad:
        return obj
    return out.requires_grad_(requires_grad) if requires_grad else out


def frombuffer(buffer, *, dtype, count=-1, offset=0, requires_grad=False):
    """torch.frombuffer: a 1-d tensor sharing memory with a Python buffer (bytes, bytearray,
    array.array, memoryview), ``count`` elements of ``dtype`` from byte ``offset`` (-1: all)."""
    import numpy as np

    from .dtypes import as_dtype
    from .tensor import Tensor

    array = np.frombuffer(buffer, dtype=as_dtype(dtype), count=count, offset=offset)
    return Tensor(array, requires_grad=requires_grad, dtype=array.dtype)


def is_storage(obj):
    """torch.is_storage: whether ``obj`` is what t.untyped_storage() or t.storage() returns."""
    from .storage import TypedStorage, UntypedStorage

    return isinstance(obj, (TypedStorage, UntypedStorage))
