"""Storages: the memory under a tensor, which the tensor and all its views share.

A NumPy (or CuPy) array either owns its memory or views another array's (``array.base``).
Following ``base`` back to the array that owns the memory finds what PyTorch calls the
tensor's storage:

    t.untyped_storage()   that memory as bytes: size() and len() count bytes
    t.storage()           the same memory as elements of t's dtype: size() counts elements
                          (PyTorch's TypedStorage, which it deprecates and warns about once)

Views share it, which is what programs check:

    a = minigrad.arange(6.)
    a[2:].untyped_storage().data_ptr() == a.untyped_storage().data_ptr()   # True
    a[2:].data_ptr() - a.data_ptr()                                         # 8: two float32 in

A storage is a window on that memory made at each call, not an object the tensor keeps, so
two windows on the same memory compare equal. Writing through one (``s[i] = v``, ``fill_``)
changes every tensor over that memory, and autograd does not see it, as in PyTorch.

Also here, fresh tensors laid out in memory as asked: ``Tensor.new_empty_strided(size,
stride)`` and ``empty_permuted(size, physical_layout)``.
"""

from . import creation
from .errors import ArgumentRuntimeError, ArgumentTypeError, NotSupported, ShapeError
from .global_switches import warn_once
from .ops.tensor_facts import _address


class _Storage:
    """A 1-D array over a tensor's whole memory, and the questions PyTorch's storages answer.
    Sizes count the array's elements: bytes for an UntypedStorage, elements for a TypedStorage."""

    def __init__(self, data, device):
        self._data, self.device = data, device

    def data_ptr(self):
        """The address of the memory's first byte (a view's data_ptr() may be further in)."""
        return _address(self._data)

    def nbytes(self):
        return self._data.nbytes

    def size(self):
        return self._data.size

    def __len__(self):
        return self._data.size

    def element_size(self):
        return self._data.itemsize

    @property
    def is_cuda(self):
        return self.device.type == "cuda"

    def tolist(self):
        return self._data.tolist()

    def __getitem__(self, index):
        if not isinstance(index, int):
            raise ArgumentTypeError(f"{type(self).__name__}: an index must be an int, got {type(index).__name__}")
        return self._data[index].item()

    def __setitem__(self, index, value):
        self._data[index] = value

    def fill_(self, value):
        """Every element set to ``value``, in place (so in every tensor over this memory)."""
        self._data.fill(value)
        return self


class UntypedStorage(_Storage):
    """The bytes of a tensor's memory (torch.UntypedStorage)."""

    def __eq__(self, other):  # the same memory (PyTorch hands out one object per memory block)
        return isinstance(other, UntypedStorage) and (self.device, self.data_ptr(), self.nbytes()) == (
            other.device, other.data_ptr(), other.nbytes())

    def __hash__(self):
        return hash((str(self.device), self.data_ptr(), self.nbytes()))

    def __repr__(self):
        return f"[minigrad.storage.UntypedStorage(device={self.device}) of size {self.nbytes()}]"


class TypedStorage(_Storage):
    """A tensor's memory as elements of its dtype (torch.TypedStorage)."""

    @property
    def dtype(self):
        return self._data.dtype

    def untyped(self):
        """The same memory as bytes."""
        return UntypedStorage(self._data.view("uint8"), self.device)

    def __repr__(self):
        return f"[minigrad.storage.TypedStorage(dtype={self.dtype}, device={self.device}) of size {self.size()}]"


def _owner(array):
    """The array that owns the memory ``array`` views (``array`` itself when it owns it)."""
    owner, base = array, array.base
    while base is not None:
        if hasattr(base, "strides"):  # an array (NumPy's as_strided puts a plain wrapper in between)
            owner = base
        base = getattr(base, "base", None)
    return owner


def untyped_storage(self):
    """The memory under this tensor and its views, as bytes (see the module docstring)."""
    owner = _owner(self.array)
    if not (owner.flags.c_contiguous or owner.flags.f_contiguous):  # (memory minigrad did not allocate)
        raise NotSupported(f"untyped_storage: the memory under this tensor (shape {tuple(self.shape)}) is not one "
                           "block that minigrad can show")
    return UntypedStorage(owner.reshape(-1, order="A").view("uint8"), self.device)


def storage(self):
    """The memory under this tensor as elements of its dtype (PyTorch's deprecated TypedStorage)."""
    warn_once("TypedStorage is deprecated. It will be removed in the future and UntypedStorage will be the only "
              "storage class. This should only matter to you if you are using storages directly. To access "
              "UntypedStorage directly, use tensor.untyped_storage() instead of tensor.storage()")
    data = untyped_storage(self)._data
    whole = data.size - data.size % self.array.itemsize  # (whole elements only, should the block not divide)
    return TypedStorage(data[:whole].view(self.dtype), self.device)


@creation.torch_options(like=True)
def new_empty_strided(self, size, stride, dtype=None, device=None, requires_grad=False):
    """empty_strided(size, stride) with this tensor's dtype and device (here: zeros)."""
    return creation.empty_strided(size, stride, dtype=dtype or self.dtype, device=device or self.device,
                                  requires_grad=requires_grad)


@creation.torch_options
def empty_permuted(size, physical_layout, *, dtype=None, device=None, requires_grad=False):
    """An uninitialised (here: zero) tensor of ``size`` whose dimensions lie in memory in the
    order ``physical_layout``, outermost first: empty_permuted((N, C, H, W), (0, 2, 3, 1)) is
    channels-last, strides (H·W·C, 1, W·C, C).

    It is a tensor of the physical shape (size[physical_layout[0]], ...), permuted back so
    that logical dim d is physical dim physical_layout.index(d).
    """
    op = "empty_permuted"
    size, layout = creation.check_size(tuple(size), op), tuple(physical_layout)
    if len(layout) != len(size):
        raise ShapeError(f"{op}: size {size} has {len(size)} dimensions but physical_layout {layout} has {len(layout)}")
    if sorted(layout) != list(range(len(size))):
        raise ArgumentRuntimeError(f"{op}: physical_layout must be a permutation of 0 .. {len(size) - 1} "
                                   f"(no repeats, no negative dims), got {layout}")
    physical = creation.empty(*(size[d] for d in layout), dtype=dtype, device=device)
    return physical.permute(*(layout.index(d) for d in range(len(size)))).requires_grad_(requires_grad)


TENSOR_METHODS = {"untyped_storage": untyped_storage, "storage": storage, "new_empty_strided": new_empty_strided}


def _install():  # (this module sits above minigrad.ops, so it installs its methods itself, as linalg does)
    from .tensor import Tensor

    for name, method in TENSOR_METHODS.items():
        setattr(Tensor, name, method)


_install()
