"""The stand-in's functions and ufuncs: NumPy's, for the names CuPy has, run on device arrays.

Each function unwraps its device-array arguments, refuses host arrays (TypeError, as CuPy's
kernels do), runs NumPy's function and wraps the arrays it returns on the current device. A
name CuPy lacks is not provided (the list is cupy_names.txt, read from the CuPy wheel).
NumPy's floating-point warnings are silenced, because CuPy never warns: code that relies on
``numpy.errstate`` to silence them gets the same quiet result on both.
"""

import functools
import pathlib

import numpy as np

from ._core import current_device, ndarray, unwrap, wrap

NAMES_FILE = pathlib.Path(__file__).with_name("cupy_names.txt")


def cupy_names(namespace):
    """The names CuPy has in ``namespace`` (such as "cupy" or "cupy.random.Generator")."""
    names = set()
    for line in NAMES_FILE.read_text().splitlines():
        if line and not line.startswith("#"):
            space, name = line.split()
            if space == namespace:
                names.add(name)
    return names


# creation from host data is an upload, allowed; everything else refuses host arrays
_UPLOADS = {"array", "asarray", "asanyarray"}


def _call(np_func, name, args, kwargs):
    out = kwargs.get("out")
    with np.errstate(all="ignore"):
        result = np_func(*unwrap(args, f"cupy.{name}"), **unwrap(kwargs, f"cupy.{name}"))
    if isinstance(out, ndarray) and result is out._a:
        return out
    return wrap(result)


def device_function(np_func, name):
    if name in _UPLOADS:
        def upload(obj, dtype=None, copy=True if name == "array" else False, order="K", subok=False, ndmin=0,
                   blocking=False):
            return _upload(obj, dtype, copy, order, ndmin, f"cupy.{name}")

        upload.__name__ = name
        return upload

    @functools.wraps(np_func)
    def call(*args, **kwargs):
        return _call(np_func, name, args, kwargs)

    return call


def _upload(obj, dtype, copy, order, ndmin, where):
    """cupy.array / asarray: a host array or list is uploaded; a device array from another device is
    copied to the current one; one already here is returned as it is unless a copy is asked for."""
    if isinstance(obj, ndarray):
        here = obj._device == current_device()
        a = obj._a
        same = (dtype is None or np.dtype(dtype) == a.dtype) and a.ndim >= ndmin
        if here and same and not copy:
            return obj
        return wrap(np.array(a, dtype=dtype, order=order, ndmin=ndmin))
    if isinstance(obj, (list, tuple)) and not _has_host(obj):
        obj = unwrap(obj, where)
    return wrap(np.array(obj, dtype=dtype, order=order, ndmin=ndmin))


def _has_host(seq):
    return any(isinstance(x, np.ndarray) or (isinstance(x, (list, tuple)) and _has_host(x)) for x in seq)


class ufunc:
    """CuPy's ufunc: call, ``reduce``, ``accumulate``, ``reduceat``, ``outer`` and ``at``."""

    def __init__(self, np_ufunc):
        self._u = np_ufunc
        self.name = self.__name__ = np_ufunc.__name__
        self.nin, self.nout, self.nargs = np_ufunc.nin, np_ufunc.nout, np_ufunc.nargs
        self.types = np_ufunc.types

    def __repr__(self):
        return f"<ufunc 'cupy.{self.name}'>"

    def __call__(self, *args, **kwargs):
        return _call(self._u, self.name, args, kwargs)

    def reduce(self, *args, **kwargs):
        return _call(self._u.reduce, self.name + ".reduce", args, kwargs)

    def accumulate(self, *args, **kwargs):
        return _call(self._u.accumulate, self.name + ".accumulate", args, kwargs)

    def reduceat(self, *args, **kwargs):
        return _call(self._u.reduceat, self.name + ".reduceat", args, kwargs)

    def outer(self, *args, **kwargs):
        return _call(self._u.outer, self.name + ".outer", args, kwargs)

    def at(self, a, indices, b=None):
        where = f"cupy.{self.name}.at"
        target = unwrap(a, where)
        index = unwrap(indices, where)
        if b is None:
            self._u.at(target, index)
        else:
            self._u.at(target, index, unwrap(b, where))


def build(namespace, np_module, skip=()):
    """The stand-in's members of ``namespace``: NumPy's objects for the names CuPy has there."""
    members = {}
    for name in sorted(cupy_names(namespace) - set(skip)):
        obj = getattr(np_module, name, None)
        if obj is None or isinstance(obj, type(np)):
            continue
        if isinstance(obj, np.ufunc):
            members[name] = UFUNCS.setdefault(name, ufunc(obj))
        elif callable(obj) and not isinstance(obj, type):
            members[name] = device_function(obj, name)
            FUNCTIONS[(np_module.__name__, name)] = members[name]
        else:
            members[name] = obj  # dtypes, constants such as inf, nan, newaxis
    return members


UFUNCS = {}  # NumPy's ufunc name -> the stand-in's ufunc
FUNCTIONS = {}  # (NumPy module name, function name) -> the stand-in's function


def lookup(np_func):
    """The stand-in's twin of a NumPy function, for ``__array_function__`` (None when CuPy lacks it)."""
    module = getattr(np_func, "__module__", "numpy") or "numpy"
    space = "numpy.linalg" if "linalg" in module else "numpy.fft" if "fft" in module else "numpy"
    return FUNCTIONS.get((space, np_func.__name__))
