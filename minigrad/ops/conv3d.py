"""3-D convolution: conv3d and conv_transpose3d over volumes (N, C, D, H, W).

They are the 2-D convolutions of ``conv.py`` with one more spatial axis, run by the same
Functions (Conv2d, ConvTranspose2d, Conv2dGradWeight), whose array code takes any number of
spatial axes:

    y[n, o, a, p, q] = b[o] + sum_{c, k, i, j} w[o, c, k, i, j] * xpad[n, c, a*sd + k*dd, p*sh + i*dh, q*sw + j*dw]

(xpad: x with its zero padding; docs/notation.md)

im2col copies each (C, KD, KH, KW) input patch into a column, one GEMM does the rest; the
gradients are those of conv2d (see conv.py's docstring), with the sums running over D too.
"""

from .conv import _convolution, _transposed


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """3-D convolution (cross-correlation, as in PyTorch) of input (N, C, D, H, W) or (C, D, H, W).

    weight (OC, C/groups, KD, KH, KW), bias (OC,) or None. ``padding``: an int, a triple,
    'valid' or 'same' (stride 1 only). Output (N, OC, OD, OH, OW) with
    OD = (D + 2*pd - dd*(KD-1) - 1) // sd + 1, and so on.

    Function: ops/conv.py Conv2d (through _convolution).
    """
    return _convolution("conv3d", input, weight, bias, stride, padding, dilation, groups, 3)


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1,
                     output_size=None):
    """Transposed 3-D convolution: the adjoint of conv3d, as used to upsample volumes.

    input (N, Cin, D, H, W) or unbatched, weight (Cin, Cout/groups, KD, KH, KW), bias (Cout,).
    Output size per axis (D-1)*s - 2*p + d*(K-1) + 1 + output_padding (or ``output_size``).

    Function: ops/conv.py ConvTranspose2d (through _transposed).
    """
    return _transposed("conv_transpose3d", input, weight, bias, stride, padding, output_padding, groups,
                       dilation, output_size, 3)


TENSOR_METHODS = {}
