"""lp_pool1d/2d/3d: power-average pooling, the p-norm of each window.

    y = (sum over the window of x**p) ** (1/p)

p = 1 is sum pooling, p -> infinity approaches max pooling. As in PyTorch it is composed
from average pooling: y = (K * avg_pool(x**p)) ** (1/p), K the window size, with the window
sum first passed through sign(s) * relu(|s|) (PyTorch's guard, a no-op for s >= 0). A
composite: its gradient comes from pow and avg_pool, dL/dx = G * y**(1-p) * x**(p-1)
on each window element.
"""

import numpy as np  # shape arithmetic only

from ..errors import ArgumentError
from .activation import relu
from .elementwise import abs as _abs
from .elementwise import pow as _pow
from .pooling import _avg_pool, _ints
from .rounding import sign


def _lp_pool(op, input, norm_type, kernel_size, stride, ceil_mode, spatial):
    if norm_type == 0:  # 1 / norm_type below (PyTorch fails there with a ZeroDivisionError)
        raise ArgumentError(f"{op}: norm_type must not be 0")
    kernel = _ints(kernel_size, "kernel_size", op, spatial, 1)
    s = _avg_pool(op, _pow(input, norm_type), kernel, stride, 0, ceil_mode, True, None, spatial)
    return _pow(sign(s) * relu(_abs(s)) * float(np.prod(kernel)), 1.0 / norm_type)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """The norm_type-norm of each window of (N, C, L) or (C, L); stride defaults to kernel_size.

    Composition: of mul, ops/pooling.py WindowSum, pow, sign, F.relu, abs, prod (no Function of its own).
    """
    return _lp_pool("lp_pool1d", input, norm_type, kernel_size, stride, ceil_mode, 1)


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """The norm_type-norm of each window of (N, C, H, W) or (C, H, W).

    Composition: of mul, ops/pooling.py WindowSum, pow, sign, F.relu, abs, prod (no Function of its own).
    """
    return _lp_pool("lp_pool2d", input, norm_type, kernel_size, stride, ceil_mode, 2)


def lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """The norm_type-norm of each window of (N, C, D, H, W) or (C, D, H, W).

    Composition: of mul, ops/pooling.py WindowSum, pow, sign, F.relu, abs, prod (no Function of its own).
    """
    return _lp_pool("lp_pool3d", input, norm_type, kernel_size, stride, ceil_mode, 3)


TENSOR_METHODS = {}
