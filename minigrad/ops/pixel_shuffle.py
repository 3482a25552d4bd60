"""pixel_shuffle and pixel_unshuffle: trade channels for resolution, and back; channel_shuffle.

pixel_shuffle with factor r moves each group of r*r channels into an r x r block of pixels:

    y[n, c, h*r + i, w*r + j] = x[n, c*r*r + i*r + j, h, w]      (*, C*r*r, H, W) -> (*, C, H*r, W*r)

It is a reshape to (*, C, r, r, H, W), a permutation to (*, C, H, r, W, r) and a reshape: a
composite of shape ops, so its gradient (the inverse permutation of G: pixel_unshuffle) comes
for free. pixel_unshuffle is the inverse, (*, C, H*r, W*r) -> (*, C*r*r, H, W).

channel_shuffle (ShuffleNet) interleaves g groups of channels: viewing the C channels as a
(g, C/g) table, it reads the table column by column, y[:, j*g + i] = x[:, i*(C/g) + j].
"""

from ..errors import ArgumentError, ArgumentRuntimeError, ShapeError
from ..tensor import Tensor
from .shape import permute, reshape, transpose


def _factor(op, value, name):
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ArgumentError(f"{op}: {name} must be a positive integer, got {value!r}")
    return value


def _check(op, input):
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: input must be a Tensor, got {type(input).__name__}")
    if input.ndim < 3:
        raise ShapeError(f"{op}: expected an input of at least 3 dimensions (*, C, H, W), got shape "
                         f"{tuple(input.shape)}")


def pixel_shuffle(input, upscale_factor):
    """(*, C*r*r, H, W) -> (*, C, H*r, W*r) with r = upscale_factor (see the module docstring).

    Composition: of reshape, permute, mul, add (no Function of its own).
    """
    op = "pixel_shuffle"
    _check(op, input)
    r = _factor(op, upscale_factor, "upscale_factor")
    *lead, c, h, w = input.shape
    if c % (r * r):
        raise ShapeError(f"{op}: the number of channels ({c}, input of shape {tuple(input.shape)}) must be "
                         f"divisible by upscale_factor**2 = {r * r}")
    k = len(lead)
    x = reshape(input, tuple(lead) + (c // (r * r), r, r, h, w))
    x = permute(x, tuple(range(k)) + (k, k + 3, k + 1, k + 4, k + 2))  # (*, C, H, r, W, r)
    return reshape(x, tuple(lead) + (c // (r * r), h * r, w * r))


def pixel_unshuffle(input, downscale_factor):
    """(*, C, H*r, W*r) -> (*, C*r*r, H, W) with r = downscale_factor: the inverse of pixel_shuffle.

    Composition: of reshape, permute, add, mul (no Function of its own).
    """
    op = "pixel_unshuffle"
    _check(op, input)
    r = _factor(op, downscale_factor, "downscale_factor")
    *lead, c, h, w = input.shape
    if h % r or w % r:
        raise ShapeError(f"{op}: the height and width ({h}, {w}) of the input of shape {tuple(input.shape)} "
                         f"must be divisible by downscale_factor = {r}")
    k = len(lead)
    x = reshape(input, tuple(lead) + (c, h // r, r, w // r, r))
    x = permute(x, tuple(range(k)) + (k, k + 2, k + 4, k + 1, k + 3))  # (*, C, r, r, H, W)
    return reshape(x, tuple(lead) + (c * r * r, h // r, w // r))


def channel_shuffle(input, groups):
    """(N, C, *) -> (N, C, *) with the channels of ``groups`` groups interleaved (see above).

    Composition: of reshape, transpose, add (no Function of its own).
    """
    op = "channel_shuffle"
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: input must be a Tensor, got {type(input).__name__}")
    if input.ndim <= 2:
        raise ShapeError(f"{op}: expected an input of more than 2 dimensions (N, C, *), got shape "
                         f"{tuple(input.shape)}")
    if isinstance(groups, bool) or not isinstance(groups, int) or groups <= 0:
        raise ArgumentRuntimeError(f"{op}: groups must be a positive integer, got {groups!r}")
    n, c, *rest = input.shape
    if c % groups:
        raise ShapeError(f"{op}: the number of channels ({c}) must be divisible by groups ({groups})")
    x = reshape(input, (n, groups, c // groups) + tuple(rest))
    return reshape(transpose(x, 1, 2), tuple(input.shape))


TENSOR_METHODS = {}
