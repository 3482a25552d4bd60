"""Ways to make tensors: from data, filled with constants, ranges, and random numbers.

Every factory takes ``dtype``, ``device`` and ``requires_grad`` like PyTorch's. Floats default
to float32. Random numbers come from ``backend.generator(device)``, seeded by ``manual_seed``.
"""

import numpy as np

from . import backend, dtypes
from .tensor import Tensor


def _size(size):
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        return tuple(size[0])
    return tuple(int(s) for s in size)


def _finish(array, dtype, device, requires_grad):
    if dtype is not None and array.dtype != dtypes.as_dtype(dtype):
        array = array.astype(dtypes.as_dtype(dtype))
    if device is not None:
        array = backend.to_device(array, device)
    return Tensor(array, requires_grad=requires_grad)


def tensor(data, dtype=None, device=None, requires_grad=False):
    """A new tensor holding a copy of ``data`` (a number, nested lists, an array or a Tensor)."""
    if isinstance(data, Tensor):
        data = data.array
    if isinstance(data, np.ndarray) or hasattr(data, "__cuda_array_interface__"):
        data = data.copy()
    return Tensor(data, requires_grad=requires_grad, dtype=dtype, device=device)


def as_tensor(data, dtype=None, device=None):
    """Like ``tensor`` but shares memory with a NumPy array when it can."""
    if isinstance(data, Tensor) and dtype is None and device is None:
        return data
    return Tensor(data, dtype=dtype, device=device)


def from_numpy(array):
    """A tensor sharing memory with a NumPy array."""
    return Tensor(np.asarray(array))


def _filled(fill, size, dtype, device, requires_grad):
    dtype = dtypes.as_dtype(dtype) or dtypes.default_float
    xp = backend.xp_for(device or "cpu")
    with backend.on_device(device or "cpu"):
        return Tensor(xp.full(_size(size), fill, dtype=dtype), requires_grad=requires_grad)


def zeros(*size, dtype=None, device=None, requires_grad=False):
    return _filled(0, size, dtype, device, requires_grad)


def ones(*size, dtype=None, device=None, requires_grad=False):
    return _filled(1, size, dtype, device, requires_grad)


def empty(*size, dtype=None, device=None, requires_grad=False):
    return _filled(0, size, dtype, device, requires_grad)


def full(size, fill_value, dtype=None, device=None, requires_grad=False):
    if dtype is None and isinstance(fill_value, (bool, int)):
        dtype = dtypes.bool_ if isinstance(fill_value, bool) else dtypes.int64
    return _filled(fill_value, _size((size,)) if not isinstance(size, int) else (size,), dtype, device, requires_grad)


def _like(t, dtype, device):
    return (dtype or t.dtype), (device or t.device)


def zeros_like(t, dtype=None, device=None, requires_grad=False):
    return zeros(t.shape, dtype=_like(t, dtype, device)[0], device=_like(t, dtype, device)[1], requires_grad=requires_grad)


def ones_like(t, dtype=None, device=None, requires_grad=False):
    return ones(t.shape, dtype=_like(t, dtype, device)[0], device=_like(t, dtype, device)[1], requires_grad=requires_grad)


def full_like(t, fill_value, dtype=None, device=None, requires_grad=False):
    d, dev = _like(t, dtype, device)
    return full(t.shape, fill_value, dtype=d, device=dev, requires_grad=requires_grad)


def empty_like(t, dtype=None, device=None, requires_grad=False):
    return zeros_like(t, dtype, device, requires_grad)


def arange(start, end=None, step=1, dtype=None, device=None, requires_grad=False):
    """Numbers from start (inclusive) to end (exclusive); integers unless any bound is a float."""
    if end is None:
        start, end = 0, start
    if dtype is None:
        floats = any(isinstance(v, float) for v in (start, end, step))
        dtype = dtypes.default_float if floats else dtypes.int64
    if step == 0:
        raise ValueError("arange: step must not be zero")
    return _finish(np.arange(start, end, step), dtype, device, requires_grad)


def linspace(start, end, steps, dtype=None, device=None, requires_grad=False):
    return _finish(np.linspace(start, end, steps), dtype or dtypes.default_float, device, requires_grad)


def eye(n, m=None, dtype=None, device=None, requires_grad=False):
    return _finish(np.eye(n, m), dtype or dtypes.default_float, device, requires_grad)


def manual_seed(seed):
    """Seed every random generator minigrad uses (CPU and GPU), for reproducible runs."""
    return backend.manual_seed(seed)


def rand(*size, dtype=None, device=None, requires_grad=False):
    """Uniform samples in [0, 1)."""
    dtype = dtypes.as_dtype(dtype) or dtypes.default_float
    gen = backend.generator(device or "cpu")
    return Tensor(gen.random(_size(size), dtype=dtype), requires_grad=requires_grad)


def randn(*size, dtype=None, device=None, requires_grad=False):
    """Standard normal samples."""
    dtype = dtypes.as_dtype(dtype) or dtypes.default_float
    gen = backend.generator(device or "cpu")
    return Tensor(gen.standard_normal(_size(size), dtype=dtype), requires_grad=requires_grad)


def randint(low, high=None, size=(), dtype=None, device=None, requires_grad=False):
    """Integers in [low, high); ``randint(high, size=...)`` starts at 0."""
    if high is None:
        low, high = 0, low
    if low >= high:
        raise ValueError(f"randint: low ({low}) must be below high ({high})")
    gen = backend.generator(device or "cpu")
    size = (size,) if isinstance(size, int) else tuple(size)
    return Tensor(gen.integers(low, high, size=size, dtype=dtypes.as_dtype(dtype) or dtypes.int64),
                  requires_grad=requires_grad)


def randperm(n, dtype=None, device=None):
    gen = backend.generator(device or "cpu")
    return Tensor(gen.permutation(n).astype(dtypes.as_dtype(dtype) or dtypes.int64))
