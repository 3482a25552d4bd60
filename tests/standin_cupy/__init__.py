"""A strict stand-in for CuPy, for running minigrad's device code on a machine without a GPU.

Tests only (it is not part of minigrad). With ``MINIGRAD_STANDIN_CUDA=1`` in the environment,
tests/conftest.py installs this package as minigrad's ``cupy`` module, so device ``cuda`` is
this stand-in and ``python -m pytest -m gpu`` runs the device suite.

It plays CuPy's array module on top of NumPy, with CuPy's rules (see ``_core``): its arrays are
a distinct type that refuses ``__array__``, its ufuncs and functions refuse host arrays, the
only ways back to the host are ``.get()``, ``asnumpy`` and the scalar conversions (counted by
``_trace``), and it has only names CuPy really has (``cupy_names.txt``, recorded from the CuPy
wheel by scripts/record_cupy_names.py; tests/test_device_standin.py checks it).
"""

import numpy as _np

from . import _functions, _trace  # noqa: F401
from ._core import ndarray  # noqa: F401
from ._functions import ufunc  # noqa: F401

globals().update(_functions.build("cupy", _np, skip=("ndarray", "ufunc", "asnumpy", "get_array_module",
                                                     "random", "linalg", "fft", "cuda", "lib", "testing")))

from . import cuda, fft, lib, linalg, random  # noqa: E402

__version__ = "14.2.0"


def asnumpy(a, stream=None, order="C", out=None, blocking=True):
    """The explicit way back to the host (counted as a synchronisation)."""
    if isinstance(a, ndarray):
        return a.get(stream=stream, order=order, out=out)
    return _np.asarray(a, order=order)


def get_array_module(*args):
    import sys

    return sys.modules[__name__] if any(isinstance(a, ndarray) for a in args) else _np


_pool = cuda.MemoryPool()
_pinned_pool = cuda.MemoryPool()


def get_default_memory_pool():
    return _pool


def get_default_pinned_memory_pool():
    return _pinned_pool


def is_available():
    return True


def fuse(*args, **kwargs):
    """``cupy.fuse``: here the function itself (run op by op, which is what fusion must agree with)."""
    if len(args) == 1 and callable(args[0]) and not kwargs:
        return args[0]
    return lambda f: f
