"""Convolution layers: Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d.

Each holds ``weight`` and ``bias`` with PyTorch's names and shapes:
- ConvNd:          weight (out_channels, in_channels / groups, *kernel_size)
- ConvTransposeNd: weight (in_channels, out_channels / groups, *kernel_size)
- bias (out_channels,), or None with ``bias=False``.
Both are initialised as in PyTorch: weight by kaiming_uniform_(a=sqrt(5)), which gives
U(-1/sqrt(fan_in), 1/sqrt(fan_in)), and the bias from the same bound, where
fan_in = weight.shape[1] * prod(kernel_size).

The computation lives in ``minigrad.ops.conv`` (im2col + GEMM, see its docstring).
"""

from .. import creation
from ..errors import ArgumentError, ArgumentRuntimeError
from ..ops import conv as C
from ..ops import conv3d as C3
from ..ops.conv_checks import same_padding
from ..ops.padding import pad as _pad
from . import init
from .module import Module
from .parameter import Parameter

_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def _tuple(value, n):
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * n


class _ConvNd(Module):
    """What Conv1d/2d and ConvTranspose1d/2d share: argument checks, parameters, init, repr."""

    _spatial = 2
    _transposed = False

    def __init__(self, in_channels, out_channels, kernel_size, stride, padding, dilation, output_padding,
                 groups, bias, padding_mode, device, dtype):
        super().__init__()
        name, n = type(self).__name__, self._spatial
        if isinstance(groups, bool) or not isinstance(groups, int) or groups <= 0:
            raise ArgumentError(f"{name}: groups must be a positive integer, got {groups!r}")
        if in_channels % groups:
            raise ArgumentError(f"{name}: in_channels ({in_channels}) must be divisible by groups ({groups})")
        if out_channels % groups:
            raise ArgumentError(f"{name}: out_channels ({out_channels}) must be divisible by groups ({groups})")
        if padding_mode not in _PADDING_MODES:
            raise ArgumentError(f"{name}: padding_mode must be one of {_PADDING_MODES}, got {padding_mode!r}")
        if self._transposed and padding_mode != "zeros":
            raise ArgumentError(f"{name}: only 'zeros' padding mode is supported, got {padding_mode!r}")
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size = _tuple(kernel_size, n)
        self.stride = _tuple(stride, n)
        self.dilation = _tuple(dilation, n)
        self.output_padding = _tuple(output_padding, n)
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ArgumentError(f"{name}: padding must be 'same', 'valid', an int or a tuple, got {padding!r}")
            if padding == "same" and any(s != 1 for s in self.stride):
                raise ArgumentError(f"{name}: padding='same' is not supported for strided convolutions")
            self.padding = padding
        else:
            self.padding = _tuple(padding, n)
        for what, values, least in (("kernel_size", self.kernel_size, 1), ("stride", self.stride, 1),
                                    ("dilation", self.dilation, 1)):
            if len(values) != n or any(v < least for v in values):
                raise ArgumentRuntimeError(f"{name}: {what} must be positive (an int or a tuple of {n} ints), got {values!r}")
        self.groups, self.padding_mode, self.transposed = groups, padding_mode, self._transposed
        # F.pad's (left, right) pairs, last dimension first, for the non-zero padding modes
        if self.padding == "valid":
            pairs = ((0, 0),) * n
        elif self.padding == "same":
            pairs = same_padding(self.kernel_size, self.dilation)
        else:
            pairs = tuple((p, p) for p in self.padding)
        self._reversed_padding_repeated_twice = tuple(v for pair in reversed(pairs) for v in pair)
        shape = ((in_channels, out_channels // groups) if self._transposed
                 else (out_channels, in_channels // groups)) + self.kernel_size
        self.weight = Parameter(creation.empty(*shape, dtype=dtype, device=device))
        if bias:
            self.bias = Parameter(creation.empty(out_channels, dtype=dtype, device=device))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        init._default_layer_init_(self.weight, self.bias)

    def extra_repr(self):
        n = self._spatial
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0,) * n:
            s += f", padding={self.padding}"
        if self.dilation != (1,) * n:
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * n:
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s


class _Conv(_ConvNd):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True, padding_mode="zeros", device=None, dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, 0, groups, bias,
                         padding_mode, device, dtype)

    def forward(self, input):
        fn = {1: C.conv1d, 2: C.conv2d, 3: C3.conv3d}[self._spatial]
        if self.padding_mode != "zeros":  # pad explicitly, then convolve without padding
            input = _pad(input, self._reversed_padding_repeated_twice, mode=self.padding_mode)
            return fn(input, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)
        return fn(input, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)


class Conv2d(_Conv):
    """2-D convolution over (N, in_channels, H, W) or (in_channels, H, W) inputs.

    Conv2d(in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
    bias=True, padding_mode='zeros'); padding may be 'same' or 'valid'; padding_mode
    'zeros', 'reflect', 'replicate' or 'circular'.
    Output (N, out_channels, OH, OW), OH = (H + 2*padding - dilation*(kernel-1) - 1) // stride + 1.

    Function: ops/conv.py Conv2d (through F.conv2d).
    """

    _spatial = 2


class Conv1d(_Conv):
    """1-D convolution over (N, in_channels, L) or (in_channels, L) inputs; arguments as Conv2d's.

    Function: ops/conv.py Conv2d (through F.conv1d).
    """

    _spatial = 1


class Conv3d(_Conv):
    """3-D convolution over (N, in_channels, D, H, W) or (in_channels, D, H, W) inputs; arguments
    as Conv2d's, with triples; weight (out_channels, in_channels / groups, KD, KH, KW).

    Function: ops/conv.py Conv2d (through F.conv3d).
    """

    _spatial = 3


class _ConvTranspose(_ConvNd):
    _transposed = True

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1,
                 bias=True, dilation=1, padding_mode="zeros", device=None, dtype=None):
        if isinstance(padding, str):
            raise ArgumentError(f"{type(self).__name__}: padding must be an int or a tuple, got {padding!r}")
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, output_padding,
                         groups, bias, padding_mode, device, dtype)

    def forward(self, input, output_size=None):
        fn = {1: C.conv_transpose1d, 2: C.conv_transpose2d, 3: C3.conv_transpose3d}[self._spatial]
        return fn(input, self.weight, self.bias, self.stride, self.padding, self.output_padding, self.groups,
                  self.dilation, output_size=output_size)


class ConvTranspose2d(_ConvTranspose):
    """Transposed 2-D convolution (the adjoint of Conv2d), e.g. to upsample by ``stride``.

    ConvTranspose2d(in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0,
    groups=1, bias=True, dilation=1, padding_mode='zeros'), as in PyTorch.
    Output size: (H - 1)*stride - 2*padding + dilation*(kernel-1) + output_padding + 1;
    ``forward(input, output_size=...)`` may ask for a size instead.

    Function: ops/conv.py ConvTranspose2d (through F.conv_transpose2d).
    """

    _spatial = 2


class ConvTranspose1d(_ConvTranspose):
    """Transposed 1-D convolution over (N, in_channels, L) inputs; arguments as ConvTranspose2d's.

    Function: ops/conv.py ConvTranspose2d (through F.conv_transpose1d).
    """

    _spatial = 1


class ConvTranspose3d(_ConvTranspose):
    """Transposed 3-D convolution over (N, in_channels, D, H, W) inputs; arguments as ConvTranspose2d's;
    weight (in_channels, out_channels / groups, KD, KH, KW).

    Function: ops/conv.py ConvTranspose2d (through F.conv_transpose3d).
    """

    _spatial = 3
