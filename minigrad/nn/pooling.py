"""Pooling layers (no parameters): MaxPool1d/2d/3d, AvgPool1d/2d/3d, AdaptiveAvgPool1d/2d/3d,
AdaptiveMaxPool1d/2d/3d, MaxUnpool1d/2d/3d, LPPool1d/2d/3d.

They hold their settings and call the functions of ``minigrad.ops.pooling`` (see its
docstring for the formulas, the tie rule of max pooling and the backward passes) and of
``pooling3d``, ``adaptive_pooling``, ``unpool`` and ``lp_pool`` beside it.
"""

from ..errors import ArgumentError
from ..ops import adaptive_pooling as A
from ..ops import fractional_pooling as FP
from ..ops import lp_pool as L
from ..ops import pooling as P
from ..ops import pooling3d as P3
from ..ops import unpool as U
from .module import Module


def _single(value):
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def _ntuple(value, n):
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * n


class _MaxPoolNd(Module):
    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding, self.dilation = padding, dilation
        self.return_indices, self.ceil_mode = return_indices, ceil_mode

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class MaxPool2d(_MaxPoolNd):
    """The maximum of each kernel_size window of (N, C, H, W) inputs; stride defaults to kernel_size.

    MaxPool2d(kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False).

    Function: ops/pooling.py MaxPool2d (through F.max_pool2d).
    """

    def forward(self, input):
        return P.max_pool2d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            ceil_mode=self.ceil_mode, return_indices=self.return_indices)


class MaxPool1d(_MaxPoolNd):
    """The maximum of each window of (N, C, L) inputs; arguments as MaxPool2d's.

    Function: ops/pooling.py MaxPool2d (through F.max_pool1d).
    """

    def forward(self, input):
        return P.max_pool1d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            ceil_mode=self.ceil_mode, return_indices=self.return_indices)


class MaxPool3d(_MaxPoolNd):
    """The maximum of each window of (N, C, D, H, W) inputs; arguments as MaxPool2d's.

    Function: ops/pooling.py MaxPool2d (through F.max_pool3d).
    """

    def forward(self, input):
        return P3.max_pool3d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                             ceil_mode=self.ceil_mode, return_indices=self.return_indices)


class AvgPool2d(Module):
    """The mean of each kernel_size window of (N, C, H, W) inputs.

    AvgPool2d(kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
    divisor_override=None).

    Function: ops/pooling.py WindowSum (through F.avg_pool2d).
    """

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
                 divisor_override=None):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding, self.ceil_mode = padding, ceil_mode
        self.count_include_pad, self.divisor_override = count_include_pad, divisor_override

    def forward(self, input):
        return P.avg_pool2d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad, self.divisor_override)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool3d(AvgPool2d):
    """The mean of each kernel_size window of (N, C, D, H, W) inputs; arguments as AvgPool2d's.

    Function: ops/pooling.py WindowSum (through F.avg_pool3d).
    """

    def forward(self, input):
        return P3.avg_pool3d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                             self.count_include_pad, self.divisor_override)


class AvgPool1d(Module):
    """The mean of each window of (N, C, L) inputs.

    AvgPool1d(kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True).

    Function: ops/pooling.py WindowSum (through F.avg_pool1d).
    """

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
        super().__init__()
        # stored as 1-tuples, as PyTorch's AvgPool1d does
        self.kernel_size = _single(kernel_size)
        self.stride = _single(stride if stride is not None else kernel_size)
        self.padding = _single(padding)
        self.ceil_mode, self.count_include_pad = ceil_mode, count_include_pad

    def forward(self, input):
        return P.avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool2d(Module):
    """Average pooling to a fixed output size (int or (OH, OW); None keeps that input size).

    Composition: F.adaptive_avg_pool2d (no Function of its own).
    """

    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def forward(self, input):
        return A.adaptive_avg_pool2d(input, self.output_size)

    def extra_repr(self):
        return f"output_size={self.output_size}"


class AdaptiveAvgPool1d(Module):
    """Average pooling of (N, C, L) inputs to length ``output_size``.

    Composition: F.adaptive_avg_pool1d (no Function of its own).
    """

    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def forward(self, input):
        return A.adaptive_avg_pool1d(input, self.output_size)

    def extra_repr(self):
        return f"output_size={self.output_size}"


class AdaptiveAvgPool3d(AdaptiveAvgPool2d):
    """Average pooling of (N, C, D, H, W) inputs to a fixed output size (int or triple; None keeps).

    Composition: F.adaptive_avg_pool3d (no Function of its own).
    """

    def forward(self, input):
        return A.adaptive_avg_pool3d(input, self.output_size)


class _AdaptiveMaxPoolNd(Module):
    _function = None

    def __init__(self, output_size, return_indices=False):
        super().__init__()
        self.output_size, self.return_indices = output_size, return_indices

    def forward(self, input):
        return type(self)._function(input, self.output_size, self.return_indices)

    def extra_repr(self):
        return f"output_size={self.output_size}"


class AdaptiveMaxPool1d(_AdaptiveMaxPoolNd):
    """Max pooling of (N, C, L) inputs to length ``output_size``; AdaptiveMaxPool1d(output_size, return_indices=False).

    Composition: F.adaptive_max_pool1d (no Function of its own).
    """

    _function = staticmethod(A.adaptive_max_pool1d)


class AdaptiveMaxPool2d(_AdaptiveMaxPoolNd):
    """Max pooling of (N, C, H, W) inputs to a fixed output size (int or pair; None keeps that size).

    Composition: F.adaptive_max_pool2d (no Function of its own).
    """

    _function = staticmethod(A.adaptive_max_pool2d)


class AdaptiveMaxPool3d(_AdaptiveMaxPoolNd):
    """Max pooling of (N, C, D, H, W) inputs to a fixed output size (int or triple; None keeps).

    Composition: F.adaptive_max_pool3d (no Function of its own).
    """

    _function = staticmethod(A.adaptive_max_pool3d)


class _MaxUnpoolNd(Module):
    _spatial = 2
    _function = None

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        n = self._spatial
        self.kernel_size = _ntuple(kernel_size, n)
        self.stride = _ntuple(stride if stride is not None else kernel_size, n)
        self.padding = _ntuple(padding, n)

    def forward(self, input, indices, output_size=None):
        return type(self)._function(input, indices, self.kernel_size, self.stride, self.padding, output_size)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxUnpool1d(_MaxUnpoolNd):
    """The partial inverse of MaxPool1d: values back at their arg-max indices, zeros elsewhere.

    MaxUnpool1d(kernel_size, stride=None, padding=0); forward(input, indices, output_size=None).

    Composition: F.max_unpool1d (no Function of its own).
    """

    _spatial = 1
    _function = staticmethod(U.max_unpool1d)


class MaxUnpool2d(_MaxUnpoolNd):
    """The partial inverse of MaxPool2d; arguments as MaxUnpool1d's.

    Composition: F.max_unpool2d (no Function of its own).
    """

    _spatial = 2
    _function = staticmethod(U.max_unpool2d)


class MaxUnpool3d(_MaxUnpoolNd):
    """The partial inverse of MaxPool3d; arguments as MaxUnpool1d's.

    Composition: F.max_unpool3d (no Function of its own).
    """

    _spatial = 3
    _function = staticmethod(U.max_unpool3d)


class _LPPoolNd(Module):
    _function = None

    def __init__(self, norm_type, kernel_size, stride=None, ceil_mode=False):
        super().__init__()
        self.norm_type, self.kernel_size, self.stride, self.ceil_mode = norm_type, kernel_size, stride, ceil_mode

    def forward(self, input):
        return type(self)._function(input, float(self.norm_type), self.kernel_size, self.stride, self.ceil_mode)

    def extra_repr(self):
        return (f"norm_type={self.norm_type}, kernel_size={self.kernel_size}, stride={self.stride}, "
                f"ceil_mode={self.ceil_mode}")


class LPPool1d(_LPPoolNd):
    """The norm_type-norm of each window of (N, C, L) inputs: LPPool1d(norm_type, kernel_size, stride=None,
    ceil_mode=False).

    Composition: F.lp_pool1d (no Function of its own).
    """

    _function = staticmethod(L.lp_pool1d)


class LPPool2d(_LPPoolNd):
    """The norm_type-norm of each window of (N, C, H, W) inputs; arguments as LPPool1d's.

    Composition: F.lp_pool2d (no Function of its own).
    """

    _function = staticmethod(L.lp_pool2d)


class LPPool3d(_LPPoolNd):
    """The norm_type-norm of each window of (N, C, D, H, W) inputs; arguments as LPPool1d's.

    Composition: F.lp_pool3d (no Function of its own).
    """

    _function = staticmethod(L.lp_pool3d)


class _FractionalMaxPoolNd(Module):
    _spatial = 2
    _function = None

    def __init__(self, kernel_size, output_size=None, output_ratio=None, return_indices=False, _random_samples=None):
        super().__init__()
        n, name = self._spatial, type(self).__name__
        if n == 3 and any(k <= 0 for k in _ntuple(kernel_size, n)):  # (PyTorch checks this for 3-D only here)
            raise ArgumentError(f"{name}: kernel_size must be greater than 0, but got {kernel_size}")
        self.kernel_size = _ntuple(kernel_size, n)
        self.return_indices = return_indices
        self.register_buffer("_random_samples", _random_samples)
        self.output_size = _ntuple(output_size, n) if output_size is not None else None
        self.output_ratio = _ntuple(output_ratio, n) if output_ratio is not None else None
        if output_size is None and output_ratio is None:
            raise ArgumentError(f"{name} requires specifying either an output size, or a pooling ratio")
        if output_size is not None and output_ratio is not None:
            raise ArgumentError(f"{name}: only one of output_size and output_ratio may be specified")
        if self.output_ratio is not None and not all(0 < r < 1 for r in self.output_ratio):
            raise ArgumentError(f"{name}: output_ratio must be between 0 and 1 (got {output_ratio})")

    def forward(self, input):
        return type(self)._function(input, self.kernel_size, self.output_size, self.output_ratio,
                                    self.return_indices, _random_samples=self._random_samples)


class FractionalMaxPool2d(_FractionalMaxPoolNd):
    """Max pooling of (N, C, H, W) inputs over kernel_size windows at pseudo-random steps, to
    output_size or output_ratio (in (0, 1)) times the input size (ops/fractional_pooling.py).

    FractionalMaxPool2d(kernel_size, output_size=None, output_ratio=None, return_indices=False,
    _random_samples=None): fresh samples are drawn on every call unless ``_random_samples``
    (N, C, 2), kept as a buffer, fixes the windows.

    Function: ops/fractional_pooling.py FractionalMaxPool (through F.fractional_max_pool2d).
    """

    _function = staticmethod(FP.fractional_max_pool2d)


class FractionalMaxPool3d(_FractionalMaxPoolNd):
    """Fractional max pooling of (N, C, D, H, W) inputs; arguments as FractionalMaxPool2d's
    (``_random_samples`` of shape (N, C, 3)).

    Function: ops/fractional_pooling.py FractionalMaxPool (through F.fractional_max_pool3d).
    """

    _spatial = 3
    _function = staticmethod(FP.fractional_max_pool3d)
