"""The stand-in's ``cupy.lib.stride_tricks``: views with given strides, on the device."""

import numpy as _np

from .._core import ndarray as _ndarray, unwrap as _unwrap


def as_strided(x, shape=None, strides=None):
    return _ndarray._wrap(_np.lib.stride_tricks.as_strided(_unwrap(x, "as_strided"), shape, strides), x._device)


def sliding_window_view(x, window_shape, axis=None, *, subok=False, writeable=False):
    view = _np.lib.stride_tricks.sliding_window_view(_unwrap(x, "sliding_window_view"), window_shape, axis,
                                                    writeable=writeable)
    return _ndarray._wrap(view, x._device)
