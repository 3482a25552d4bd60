"""3-D pooling: max_pool3d and avg_pool3d over volumes (N, C, D, H, W).

The pooling of ``pooling.py`` with one more spatial axis, run by the same Functions
(MaxPool2d, MaxPoolScatter, MaxPoolGather, WindowSum, WindowSumTranspose), which loop over the
KD*KH*KW kernel offsets, each step a vectorised operation on a whole (N, C, OD, OH, OW) slab.
Formulas, tie rule and backward passes: see pooling.py's docstring.
"""

from .pooling import _avg_pool, _max_pool


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """3-D max pooling of (N, C, D, H, W) or (C, D, H, W); stride defaults to kernel_size.

    Padding (at most half the kernel) counts as -inf. With ``return_indices`` also returns the
    arg-max of each window as the flat index d*H*W + h*W + w into its input channel (int64).

    Function: ops/pooling.py MaxPool2d (through _max_pool).
    """
    return _max_pool("max_pool3d", input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, 3)


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """3-D average pooling of (N, C, D, H, W) or (C, D, H, W); arguments as avg_pool2d's.

    Function: ops/pooling.py WindowSum (through _avg_pool).
    """
    return _avg_pool("avg_pool3d", input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                     divisor_override, 3)


TENSOR_METHODS = {}
