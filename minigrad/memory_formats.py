"""Memory formats: the order a tensor's elements lie in memory (PyTorch's ``torch.memory_format``).

- ``contiguous_format``: row-major, the last axis fastest (NumPy's C order; every new tensor);
- ``channels_last``: a 4-D (N, C, H, W) tensor stored as (N, H, W, C), the channels fastest;
  ``channels_last_3d`` the same for 5-D (N, C, D, H, W);
- ``preserve_format``: keep the input's format (the default of ``to``, ``clone``, ``*_like``).

The shape and every value stay the same; only the strides differ, and NumPy takes any strides,
so every op runs on a channels-last tensor as it is. ``x.contiguous(memory_format=
channels_last)`` is the array of x.permute(0, 2, 3, 1) made contiguous and viewed back as
(N, C, H, W): ``x.stride()`` then reads (H·W·C, 1, W·C, C), as in PyTorch.
"""

from .autograd.function import Function
from .backend import get_array_module
from .errors import ArgumentTypeError, ShapeError
from .layouts import PackageConstant


class memory_format(PackageConstant):
    """A memory format; only the four module-level instances exist."""

    __slots__ = ("order",)

    def __init__(self, name, order=None):
        super().__init__(name)
        self.order = order  # the axes from slowest to fastest in memory


contiguous_format = memory_format("contiguous_format")
preserve_format = memory_format("preserve_format")
channels_last = memory_format("channels_last", (0, 2, 3, 1))
channels_last_3d = memory_format("channels_last_3d", (0, 2, 3, 4, 1))


def _checked(fmt, ndim, op):
    if not isinstance(fmt, memory_format):
        raise ArgumentTypeError(f"{op}: memory_format must be a minigrad memory format, got {fmt!r}")
    if fmt.order is not None and ndim != len(fmt.order):
        raise ShapeError(f"{op}: required rank {len(fmt.order)} tensor to use {fmt.name} format, got rank {ndim}")
    return fmt


def laid_out(array, fmt, op):
    """``array`` in memory format ``fmt`` (itself when it already is, or for preserve_format)."""
    fmt = _checked(fmt, array.ndim, op)
    if fmt is preserve_format or is_laid_out(array, fmt):
        return array
    xp = get_array_module(array)
    if fmt is contiguous_format:
        return xp.ascontiguousarray(array).reshape(array.shape)  # (ascontiguousarray makes 0-d arrays 1-d)
    inverse = sorted(range(array.ndim), key=fmt.order.__getitem__)
    return xp.ascontiguousarray(array.transpose(fmt.order)).transpose(inverse)


def is_laid_out(array, fmt):
    """True when ``array``'s strides are those of ``fmt`` (sizes-1 axes may have any stride)."""
    if not isinstance(fmt, memory_format):
        raise ArgumentTypeError(f"is_contiguous: memory_format must be a minigrad memory format, got {fmt!r}")
    if fmt is contiguous_format:
        return bool(array.flags.c_contiguous)
    if fmt is preserve_format:
        return True
    if array.ndim != len(fmt.order):
        return False
    expected = array.itemsize
    for axis in reversed(fmt.order):
        if array.shape[axis] != 1 and array.strides[axis] != expected:
            return False
        expected *= array.shape[axis]
    return True


class ToMemoryFormat(Function):
    """z = x with its elements laid out in memory format ``fmt`` (channels last): the same values.
    dL/dx = g."""

    complex_grad = True  # (ops/complex_numbers.py)

    @staticmethod
    def forward(ctx, x, fmt):
        return laid_out(x, fmt, "contiguous")

    @staticmethod
    def backward(ctx, g):
        return g


def to_memory_format(x, fmt, op="contiguous"):
    """Tensor x in memory format ``fmt``: x itself when it already is (as PyTorch returns self)."""
    _checked(fmt, x.ndim, op)
    if fmt is preserve_format or is_laid_out(x.array, fmt):
        return x
    if fmt is contiguous_format:  # row-major: the Contiguous Function's copy
        from .ops.shape import contiguous

        return contiguous(x)
    return ToMemoryFormat.apply(x, fmt=fmt)
