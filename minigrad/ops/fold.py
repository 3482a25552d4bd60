"""unfold (im2col) and fold (col2im): sliding blocks of an image as columns, and back.

unfold copies every KH x KW block of a (zero-padded) image into one column:

    cols[n, (c, i, j), (p, q)] = xpad[n, c, p*sh + i*dh, q*sw + j*dw]     (N, C*KH*KW, L = OH*OW)

(xpad: the zero-padded image; docs/notation.md)

the column matrix that convolution multiplies by its weight (conv2d(x, w) is
w.view(OC, -1) @ unfold(x)). fold is its adjoint: it adds every column's entries back at the
block positions they came from, so overlapping blocks sum,

    x[n, c, p*sh + i*dh - pt, q*sw + j*dw - pl] += cols[n, (c, i, j), (p, q)].

Both are linear and each is the other's transpose, hence each other's gradient:
dL/dx of unfold is fold(G), dL/dcols of fold is unfold(G); second derivatives follow.
The array work is im2col.py's im2col (a strided view, one copy) and col2im (one add per
kernel offset, never a loop over pixels).
"""

from ..autograd.function import Function
from ..errors import ArgumentError, DTypeError, ShapeError
from ..tensor import Tensor
from .conv_checks import _pair
from .im2col import col2im, im2col
from .shape import reshape


def _to_blocks(cols, channels, kernel, out_hw):
    """(C, KH, KW, N, OH, OW) columns -> unfold's (N, C*KH*KW, OH*OW)."""
    n = cols.shape[3]
    return cols.transpose(3, 0, 1, 2, 4, 5).reshape(n, channels * kernel[0] * kernel[1], out_hw[0] * out_hw[1])


def _from_blocks(blocks, channels, kernel, out_hw):
    """unfold's (N, C*KH*KW, OH*OW) -> (C, KH, KW, N, OH, OW) columns."""
    n = blocks.shape[0]
    return blocks.reshape((n, channels) + tuple(kernel) + tuple(out_hw)).transpose(1, 2, 3, 0, 4, 5)


class Unfold(Function):
    """cols = unfold(x): the blocks of x (N, C, H, W) as columns (N, C*KH*KW, L).

    Linear; dL/dx = fold(G) (Fold), which adds each column back where it was read.
    """

    @staticmethod
    def forward(ctx, x, kernel, dilation, padding, stride, out_hw):
        ctx.geometry = (tuple(x.shape[2:]), kernel, dilation, padding, stride, out_hw)
        cols = im2col(x, kernel, stride, padding, dilation, out_hw)  # scratch memory: copied next
        return _to_blocks(cols, x.shape[1], kernel, out_hw).copy()

    @staticmethod
    def backward(ctx, g):
        size, kernel, dilation, padding, stride, out_hw = ctx.geometry
        return Fold.apply(g, size=size, kernel=kernel, dilation=dilation, padding=padding, stride=stride,
                          out_hw=out_hw)


class Fold(Function):
    """x = fold(cols): the columns (N, C*KH*KW, L) summed back into an image (N, C, *size).

    Linear; dL/dcols = unfold(G) (Unfold), which reads the blocks of G.
    """

    @staticmethod
    def forward(ctx, cols, size, kernel, dilation, padding, stride, out_hw):
        ctx.geometry = (kernel, dilation, padding, stride, out_hw)
        channels = cols.shape[1] // (kernel[0] * kernel[1])
        n = cols.shape[0]
        return col2im(_from_blocks(cols, channels, kernel, out_hw), (n, channels) + tuple(size), stride,
                       padding, dilation)

    @staticmethod
    def backward(ctx, g):
        kernel, dilation, padding, stride, out_hw = ctx.geometry
        return Unfold.apply(g, kernel=kernel, dilation=dilation, padding=padding, stride=stride, out_hw=out_hw)


def _geometry(op, size, kernel_size, dilation, padding, stride):
    """Kernel, dilation, ((pt, pb), (pl, pr)), stride and the number of blocks (OH, OW)."""
    kernel = _pair(kernel_size, "kernel_size", op)
    dilation, stride = _pair(dilation, "dilation", op), _pair(stride, "stride", op)
    pad = _pair(padding, "padding", op)
    for name, values, least in (("kernel_size", kernel, 1), ("dilation", dilation, 1), ("stride", stride, 1),
                                ("padding", pad, 0)):
        if any(v < least for v in values):
            raise ArgumentError(f"{op}: {name} must be {'positive' if least else 'non-negative'}, got {values}")
    blocks = tuple((n + 2 * p - d * (k - 1) - 1) // s + 1 for n, p, d, k, s in zip(size, pad, dilation, kernel, stride))
    if any(b <= 0 for b in blocks):
        raise ShapeError(f"{op}: the spatial size {tuple(size)} (padding {pad}) is smaller than the kernel "
                         f"{kernel} with dilation {dilation}: no block fits")
    return kernel, dilation, tuple((p, p) for p in pad), stride, blocks


def _check_float(op, x):
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}: input must be a Tensor, got {type(x).__name__}")
    if x.dtype.kind != "f":
        raise DTypeError(f"{op}: expected a floating point tensor, got dtype {x.dtype}")


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """The sliding blocks of input (N, C, H, W) or (C, H, W) as columns (N, C*KH*KW, L), L = OH*OW.

    Function: ops/fold.py Unfold.
    """
    op = "unfold"
    _check_float(op, input)
    if input.ndim not in (3, 4):
        raise ShapeError(f"{op}: expected a 3-D (unbatched) or 4-D (batched) input, got shape {tuple(input.shape)}")
    x = reshape(input, (1,) + tuple(input.shape)) if input.ndim == 3 else input
    kernel, dilation, padding, stride, blocks = _geometry(op, x.shape[2:], kernel_size, dilation, padding, stride)
    cols = Unfold.apply(x, kernel=kernel, dilation=dilation, padding=padding, stride=stride, out_hw=blocks)
    return reshape(cols, cols.shape[1:]) if input.ndim == 3 else cols


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """Columns (N, C*KH*KW, L) or (C*KH*KW, L) summed back into an image (N, C, *output_size).

    L must be the number of blocks that fit output_size; overlapping blocks add up.

    Function: ops/fold.py Fold.
    """
    op = "fold"
    _check_float(op, input)
    if input.ndim not in (2, 3):
        raise ShapeError(f"{op}: expected a 2-D (unbatched) or 3-D (batched) input, got shape {tuple(input.shape)}")
    cols = reshape(input, (1,) + tuple(input.shape)) if input.ndim == 2 else input
    size = _pair(output_size, "output_size", op)
    kernel, dilation, padding, stride, blocks = _geometry(op, size, kernel_size, dilation, padding, stride)
    k = kernel[0] * kernel[1]
    if cols.shape[1] % k:
        raise ShapeError(f"{op}: the input's dimension 1 ({cols.shape[1]}, of shape {tuple(input.shape)}) must be "
                         f"divisible by the kernel's size {kernel[0]}*{kernel[1]} = {k}")
    if cols.shape[2] != blocks[0] * blocks[1]:
        raise ShapeError(f"{op}: output_size {size} with kernel {kernel}, dilation {dilation}, padding "
                         f"{padding} and stride {stride} holds {blocks[0]}*{blocks[1]} = {blocks[0] * blocks[1]} "
                         f"blocks, but the input of shape {tuple(input.shape)} has {cols.shape[2]}")
    x = Fold.apply(cols, size=size, kernel=kernel, dilation=dilation, padding=padding, stride=stride, out_hw=blocks)
    return reshape(x, x.shape[1:]) if input.ndim == 2 else x


TENSOR_METHODS = {}
