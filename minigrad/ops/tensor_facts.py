"""Facts about a tensor that PyTorch programs ask, and the calls that are no-ops on NumPy.

Memory layout (``stride``, ``storage_offset``, ``data_ptr``, ``nbytes``), dtype questions
(``is_floating_point``, ``is_signed``, ...), where a tensor lives (``is_cpu``,
``get_device``), and methods that only matter to other hardware (``pin_memory``,
``share_memory_``): on NumPy arrays these return the tensor itself, which is what PyTorch
does for CPU tensors. Nothing here computes. (``conj``, ``real``, ``imag``, ``H`` and the
rest of complex numbers are in ``complex_numbers.py``.)
Strides are counted in elements, as in PyTorch (NumPy counts bytes).
"""

from ..errors import DTypeError, IndexOutOfRange
from ..tensor import Tensor
from .. import dtypes


def stride(self, dim=None):
    """How many elements to step in memory to move one along each dimension."""
    steps = tuple(s // self.array.itemsize for s in self.array.strides)
    if dim is None:
        return steps
    if not -max(self.ndim, 1) <= dim < max(self.ndim, 1):
        raise IndexOutOfRange(f"stride: dimension {dim} is out of range for a tensor with {self.ndim} dimensions")
    return steps[dim] if self.ndim else 1


def _address(array):
    return array.__array_interface__["data"][0] if hasattr(array, "__array_interface__") else int(array.data.ptr)


def storage_offset(self):
    """The position (in elements) of this tensor's first element in the memory it shares with its base."""
    base = self.array
    while getattr(base, "base", None) is not None and hasattr(base.base, "dtype"):
        base = base.base
    return (_address(self.array) - _address(base)) // self.array.itemsize


def data_ptr(self):
    """The address of the first element."""
    return _address(self.array)


def get_device(self):
    """-1 on the CPU, the GPU's index on CUDA (PyTorch's convention)."""
    device = self.device
    return -1 if device.type == "cpu" else (device.index or 0)


def _kind(kinds):
    return lambda self: self.dtype.kind in kinds


def is_same_size(self, other):
    return tuple(self.shape) == tuple(other.shape)


def is_nonzero(self):
    """The truth of a one-element tensor (an error for any other size, as in PyTorch)."""
    if self.numel() != 1:
        raise DTypeError(f"is_nonzero: only one-element tensors have a truth value, got shape {tuple(self.shape)}")
    return bool(self.item())


def _itself(self, *args, **kwargs):
    return self


def _false(self, *args, **kwargs):
    return False


def new(self, *args, **kwargs):
    """Legacy constructor: ``t.new(2, 3)`` an uninitialised tensor, ``t.new([1, 2])`` one from data."""
    if len(args) == 1 and not isinstance(args[0], int) and not isinstance(args[0], tuple):
        return Tensor(args[0], dtype=self.dtype, device=self.device)
    shape = args[0] if len(args) == 1 and isinstance(args[0], tuple) else args
    return Tensor._make(self.xp.empty(shape, dtype=self.dtype))


def dim_order(self):
    """The dimensions from the outermost in memory to the innermost (largest stride first)."""
    steps = stride(self)
    return tuple(sorted(range(self.ndim), key=lambda d: -steps[d]))


def is_set_to(self, other):
    """True when both tensors view the very same memory the same way (storage, offset, sizes, strides)."""
    a, b = self.array, other.array
    return (_address(a) == _address(b) and a.shape == b.shape and a.strides == b.strides
            and a.dtype == b.dtype)


def rename(self, *names, **rename_map):
    """Named tensors: only ``rename(None)`` (drop the names, which minigrad tensors never have)."""
    if rename_map or any(n is not None for n in names):
        from ..errors import NotSupported

        raise NotSupported("rename: named tensors are not supported; only rename(None) is")
    return self


def _to(dtype):
    return lambda self: self.to(dtype=dtype)


TENSOR_METHODS = {
    "stride": stride, "storage_offset": storage_offset, "data_ptr": data_ptr, "get_device": get_device,
    "nelement": lambda self: self.numel(), "ndimension": lambda self: self.ndim,
    "is_floating_point": _kind("f"), "is_complex": _kind("c"), "is_signed": lambda self: self.dtype.kind in "fic",
    "is_same_size": is_same_size, "is_nonzero": is_nonzero, "dim_order": dim_order, "is_set_to": is_set_to,
    "rename": rename,
    "is_inference": _false, "is_pinned": _false, "is_shared": _false, "is_conj": _false, "is_neg": _false,
    "pin_memory": _itself, "share_memory_": _itself, "resolve_neg": _itself,
    "byte": _to(dtypes.uint8), "char": _to(dtypes.int8), "short": _to(dtypes.int16), "new": new,
    # properties
    "is_cpu": property(lambda self: self.device.type == "cpu"),
    "is_quantized": property(_false), "is_meta": property(_false),  # layout, is_sparse: tensor.py
    "is_sparse_csr": property(_false), "is_mkldnn": property(_false), "is_nested": property(_false),
    # devices minigrad has no backend for: a tensor is never on one
    **{f"is_{device}": property(_false) for device in ("xpu", "mps", "ipu", "xla", "hpu", "mtia", "maia", "vulkan")},
    "itemsize": property(lambda self: self.array.itemsize), "nbytes": property(lambda self: self.array.nbytes),
    "output_nr": property(lambda self: self._output_nr),
    "retains_grad": property(lambda self: self._retains_grad),
}
