"""F.max_pool2d_with_indices and its kin: PyTorch's names for the max poolings that always
return ``(output, indices)``.

Each is its pooling function with ``return_indices=True``. The ``return_indices`` argument is
in the signature, as in PyTorch, and changes nothing: the indices are always returned.
"""

from ..ops.adaptive_pooling import adaptive_max_pool1d, adaptive_max_pool2d, adaptive_max_pool3d
from ..ops.fractional_pooling import fractional_max_pool2d, fractional_max_pool3d
from ..ops.pooling import max_pool1d, max_pool2d
from ..ops.pooling3d import max_pool3d


def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=False):
    """``max_pool1d(..., return_indices=True)``: (output, indices).

    Function: ops/pooling.py MaxPool2d (through F.max_pool1d).
    """
    return max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices=True)


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=False):
    """``max_pool2d(..., return_indices=True)``: (output, indices).

    Function: ops/pooling.py MaxPool2d (through F.max_pool2d).
    """
    return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices=True)


def max_pool3d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=False):
    """``max_pool3d(..., return_indices=True)``: (output, indices).

    Function: ops/pooling.py MaxPool2d (through F.max_pool3d).
    """
    return max_pool3d(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices=True)


def adaptive_max_pool1d_with_indices(input, output_size, return_indices=False):
    """``adaptive_max_pool1d(..., return_indices=True)``: (output, indices).

    Composition: F.adaptive_max_pool1d (no Function of its own).
    """
    return adaptive_max_pool1d(input, output_size, return_indices=True)


def adaptive_max_pool2d_with_indices(input, output_size, return_indices=False):
    """``adaptive_max_pool2d(..., return_indices=True)``: (output, indices).

    Composition: F.adaptive_max_pool2d (no Function of its own).
    """
    return adaptive_max_pool2d(input, output_size, return_indices=True)


def adaptive_max_pool3d_with_indices(input, output_size, return_indices=False):
    """``adaptive_max_pool3d(..., return_indices=True)``: (output, indices).

    Composition: F.adaptive_max_pool3d (no Function of its own).
    """
    return adaptive_max_pool3d(input, output_size, return_indices=True)


def fractional_max_pool2d_with_indices(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                                       _random_samples=None):
    """``fractional_max_pool2d(..., return_indices=True)``: (output, indices).

    Function: ops/fractional_pooling.py FractionalMaxPool (through F.fractional_max_pool2d).
    """
    return fractional_max_pool2d(input, kernel_size, output_size, output_ratio, True, _random_samples)


def fractional_max_pool3d_with_indices(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                                       _random_samples=None):
    """``fractional_max_pool3d(..., return_indices=True)``: (output, indices).

    Function: ops/fractional_pooling.py FractionalMaxPool (through F.fractional_max_pool3d).
    """
    return fractional_max_pool3d(input, kernel_size, output_size, output_ratio, True, _random_samples)
