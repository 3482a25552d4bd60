"""Tensor.apply_ and Tensor.map_: a Python function called on every element, in place.

    x.apply_(f)          x[i] = f(x[i])            for every position i
    x.map_(y, f)         x[i] = f(x[i], y[i])      y broadcast to x's shape

The function gets each element as a Python number (float, int, bool or complex, as the
tensor's dtype) and returns a number, which is stored in the tensor's dtype (a float into an
integer tensor is truncated toward zero, as int() does; a value the dtype cannot hold is an
error). Calling Python once per element is what these methods are: they are for small tensors
and for functions NumPy has no vector form of. ``numpy.frompyfunc`` makes the Python function
a ufunc, so NumPy walks the elements (in any memory layout, broadcasting y) and calls it; no
Python loop is written here, but the calls are still one per element, far slower than any
vectorised op.

No gradient: a tensor that requires grad is refused (PyTorch's rule: an arbitrary Python
function has no derivative to record). Host memory only, as in PyTorch (apply_ and map_ are
CPU-only there): a tensor on a GPU is refused rather than copied to the host and back.
Unlike PyTorch, the tensor's version counter moves, as for every in-place change, so a
backward that saved the old values raises instead of using the new ones.
"""

import builtins
import math

import numpy as np

from ..backend import is_host
from ..errors import (ArgumentRuntimeError, ArgumentTypeError, DeviceTypeError, DTypeError, GraphError,
                      ShapeError)
from ..tensor import Tensor


def _check_target(op, t):
    """What PyTorch refuses for the tensor written (and for map_'s other tensor)."""
    if not is_host(t.array):
        raise DeviceTypeError(f"{op}: only tensors in host memory (device 'cpu') take a Python callable, "
                              f"got a tensor on {t.device}; move it with .cpu() first")
    if t.requires_grad:
        raise GraphError(f"{op}: cannot call {op}() on a tensor that requires grad (shape {tuple(t.shape)}); "
                         f"use x.detach().{op}(...) instead")


def _to_number(op, value, dtype):
    """The callable's result as a Python number that ``dtype`` can hold (see the module docstring)."""
    if isinstance(value, Tensor):
        if value.numel() != 1:
            raise ShapeError(f"{op}: the callable returned a tensor of shape {tuple(value.shape)}; only a "
                             "one-element tensor stands for a number")
        value = value.item()
    if isinstance(value, (bool, np.bool_)):
        value = bool(value)
    elif isinstance(value, (int, np.integer)):
        value = int(value)
    elif isinstance(value, (float, np.floating)):
        value = float(value)
    elif isinstance(value, (complex, np.complexfloating)) and dtype.kind == "c":
        value = complex(value)
    else:
        kind = "number" if dtype.kind == "c" else "real number"
        raise ArgumentTypeError(f"{op}: the callable must return a {kind} for a tensor of dtype {dtype}, "
                                f"got {type(value).__name__}")
    if dtype.kind in "iu" and not isinstance(value, bool):
        if isinstance(value, float) and not math.isfinite(value):
            raise ArgumentRuntimeError(f"{op}: the value {value!r} cannot be converted to {dtype}")
        value = int(value)  # toward zero
        info = np.iinfo(dtype)
        if not info.min <= value <= info.max:
            raise ArgumentRuntimeError(f"{op}: the value {value} cannot be converted to {dtype} without overflow")
    return value


def _write_results(op, t, fn, *arrays):
    """t's elements replaced by fn(*elements of arrays), the calls made by a NumPy ufunc."""
    dtype = t.dtype
    each = np.frompyfunc(lambda *values: _to_number(op, fn(*values), dtype), len(arrays), 1)
    results = np.asarray(each(*arrays), dtype=object)  # (a 0-d input gives one object, not an array)
    values = np.empty(t.shape, dtype=dtype)
    with np.errstate(over="ignore"):  # a float too large for float32 becomes inf, as in PyTorch
        values[...] = results
    return t._write(Tensor._make(values), op)


def apply_(self, callable):
    """Replace every element x by ``callable(x)``, in place; returns self (see the module docstring).

    Composition: no gradient (a tensor that requires grad is refused); numpy.frompyfunc
    calls the Python function once per element.
    """
    op = "apply_"
    if not builtins.callable(callable):  # (the argument's name, as in PyTorch, hides the builtin)
        raise ArgumentTypeError(f"{op}: expected a callable, got {type(callable).__name__}")
    _check_target(op, self)
    return _write_results(op, self, callable, self.array)


def map_(self, tensor, callable):
    """Replace every element x by ``callable(x, y)``, y the element of ``tensor`` (broadcast
    to self's shape, of self's dtype) at the same position, in place; returns self.

    Composition: no gradient (tensors that require grad are refused); numpy.frompyfunc
    calls the Python function once per element.
    """
    op = "map_"
    if not isinstance(tensor, Tensor):
        raise ArgumentTypeError(f"{op}: the other argument must be a tensor, got {type(tensor).__name__}")
    if not builtins.callable(callable):
        raise ArgumentTypeError(f"{op}: expected a callable, got {type(callable).__name__}")
    _check_target(op, self)
    _check_target(op, tensor)
    if tensor.dtype != self.dtype:
        raise DTypeError(f"{op}: expected the other tensor of dtype {self.dtype}, the tensor's own, "
                         f"got {tensor.dtype}")
    try:
        other = np.broadcast_to(tensor.array, tuple(self.shape))
    except ValueError:
        raise ShapeError(f"{op}: the other tensor of shape {tuple(tensor.shape)} cannot be broadcast to the "
                         f"tensor's shape {tuple(self.shape)}") from None
    return _write_results(op, self, callable, self.array, other)


TENSOR_METHODS = {"apply_": apply_, "map_": map_}
