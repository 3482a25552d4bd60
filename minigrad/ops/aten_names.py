"""Ops under the names of PyTorch's kernel layer (ATen), which torch also has at its top level.

PyTorch programs, traced graphs and exported models call these directly:

    constant_pad_nd(x, pad, value=0)     F.pad(x, pad, mode="constant", value=value)
    native_channel_shuffle(x, groups)    channel_shuffle (ops/pixel_shuffle.py)
    convolution(x, w, b, stride, padding, dilation, transposed, output_padding, groups)
                                         conv{1,2,3}d or conv_transpose{1,2,3}d, by w's rank
    nonzero_static(x, size=n, fill_value=-1)
                                         nonzero(x) cut or padded to exactly n rows

Each is a thin dispatch to the op it names, whose gradient (where there is one) it keeps.
"""

from ..errors import ArgumentRuntimeError, ArgumentTypeError, ShapeError
from ..tensor import Tensor
from .conv import conv1d, conv2d, conv_transpose1d, conv_transpose2d
from .conv3d import conv3d, conv_transpose3d
from .padding import pad as _pad
from .pixel_shuffle import channel_shuffle

native_channel_shuffle = channel_shuffle  # PyTorch's kernel-level name for the same op


def constant_pad_nd(input, pad, value=0):
    """F.pad(input, pad, "constant", value): pad = (before, after) pairs from the last dim back;
    negative widths crop.

    Composition: of ops/padding.py Pad (no Function of its own).
    """
    return _pad(input, pad, mode="constant", value=value)


_CONVOLUTIONS = {1: (conv1d, conv_transpose1d), 2: (conv2d, conv_transpose2d), 3: (conv3d, conv_transpose3d)}


def _per_dim(name, value, k):
    """A list of 1 or k ints as a k-tuple (one value stands for every spatial dimension)."""
    values = (value,) if isinstance(value, int) else tuple(value)
    if len(values) not in (1, k):
        raise ArgumentRuntimeError(f"convolution: expected {name} to be a single integer value or a list of {k} "
                                   f"values to match the convolution dimensions, but got {name}={list(values)}")
    return values * k if len(values) == 1 else values


def convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding, groups):
    """The convolution of input (N, C, *spatial) with weight (·, ·, *kernel), 1 to 3 spatial dims:
    conv{k}d when not ``transposed`` (output_padding is then unused), else conv_transpose{k}d.

    Composition: of ops/conv.py Conv2d, ops/conv.py ConvTranspose2d and their 1-D and 3-D
    forms (no Function of its own).
    """
    k = weight.ndim - 2
    if k not in _CONVOLUTIONS or input.ndim != weight.ndim:
        raise ShapeError(f"convolution: expected a weight of 3 to 5 dimensions and an input of as many (N, C, "
                         f"*spatial), got input of shape {tuple(input.shape)} and weight of shape "
                         f"{tuple(weight.shape)}")
    stride, padding, dilation, output_padding = (_per_dim(name, v, k) for name, v in (
        ("stride", stride), ("padding", padding), ("dilation", dilation), ("output_padding", output_padding)))
    conv, conv_transpose = _CONVOLUTIONS[k]
    if transposed:
        return conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation)
    return conv(input, weight, bias, stride, padding, dilation, groups)


def nonzero_static(input, *, size, fill_value=-1):
    """The (size, input.ndim) int64 indices of the first ``size`` nonzero elements of input, in
    row-major order, padded with rows of ``fill_value`` when there are fewer (a fixed shape,
    for compiled graphs). Not differentiable (indices).
    """
    op = "nonzero_static"
    if isinstance(size, bool) or not isinstance(size, int):
        raise ArgumentTypeError(f"{op}: size must be an int, got {type(size).__name__}")
    if size < 0:
        raise ArgumentRuntimeError(f"{op}: size must be a non-negative integer, got {size}")
    if isinstance(fill_value, bool) or not isinstance(fill_value, int):
        raise ArgumentTypeError(f"{op}: fill_value must be an int, got {type(fill_value).__name__}")
    xp = input.xp
    found = xp.argwhere(input.array)[:size]
    out = xp.full((size, input.ndim), fill_value, dtype=xp.int64)
    out[:found.shape[0]] = found
    return Tensor._make(out)
