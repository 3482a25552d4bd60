"""``assert_close`` and ``make_tensor``: PyTorch's ``torch.testing`` helpers for tests.

``assert_close(actual, expected)`` passes when, element by element,

    |actual - expected| <= atol + rtol · |expected|

with non-finite values equal exactly (NaN equal to NaN only with ``equal_nan=True``), the same
shape, and, unless switched off, the same dtype and device. The default tolerances depend on
the dtype (the looser of the two inputs'), as in PyTorch:

    float16 rtol 1e-3, atol 1e-5;  float32 rtol 1.3e-6, atol 1e-5;  float64 rtol 1e-7, atol 1e-7;
    integers and bool: exactly equal.

Inputs are tensors, NumPy arrays or Python numbers of the same kind, or sequences and mappings
of them with the same structure, compared element by element. A failure raises AssertionError
saying how many elements differ and where the largest difference is.
"""

from collections.abc import Mapping, Sequence

import numpy as np

from .. import backend
from ..errors import ArgumentError, ArgumentTypeError
from ..size import Size
from ..tensor import Tensor

_TOLERANCES = {np.dtype(np.float16): (1e-3, 1e-5), np.dtype(np.float32): (1.3e-6, 1e-5),
               np.dtype(np.float64): (1e-7, 1e-7)}


def _tolerances(*dtypes):
    """(rtol, atol): the loosest of the dtypes' defaults (0, 0 for integers and bool)."""
    pairs = [_TOLERANCES.get(np.dtype(d), (0.0, 0.0)) for d in dtypes]
    return max(p[0] for p in pairs), max(p[1] for p in pairs)


def _fail(message, msg):
    if msg is None:
        raise AssertionError(message)
    raise AssertionError(msg(message) if callable(msg) else msg)


def assert_close(actual, expected, *, allow_subclasses=True, rtol=None, atol=None, equal_nan=False,
                 check_device=True, check_dtype=True, check_layout=True, check_stride=False, msg=None):
    """Raise AssertionError unless ``actual`` and ``expected`` are close (see the module docstring)."""
    if (rtol is None) != (atol is None):
        missing = "atol" if atol is None else "rtol"
        raise ArgumentError(f"assert_close: both 'rtol' and 'atol' must be either specified or omitted, "
                            f"but got no {missing}")
    _compare(actual, expected, (rtol, atol, equal_nan, check_device, check_dtype, msg), "")


def _compare(actual, expected, options, where):
    if isinstance(actual, Mapping) and isinstance(expected, Mapping):
        if set(actual) != set(expected):
            _fail(f"The keys of the mappings do not match{where}:\n"
                  f"Missing keys in the actual mapping: {sorted(map(str, set(expected) - set(actual)))}\n"
                  f"Additional keys in the actual mapping: {sorted(map(str, set(actual) - set(expected)))}",
                  options[-1])
        for key in expected:
            _compare(actual[key], expected[key], options, f"{where}[{key!r}]")
        return
    sequences = [isinstance(x, Sequence) and not isinstance(x, str) for x in (actual, expected)]
    if all(sequences):
        if len(actual) != len(expected):
            _fail(f"The length of the sequences do not match{where}: {len(actual)} != {len(expected)}",
                  options[-1])
        for i, (a, e) in enumerate(zip(actual, expected)):
            _compare(a, e, options, f"{where}[{i}]")
        return
    _compare_leaves(actual, expected, options, where)


_NUMBERS = (bool, int, float, complex, np.generic)


def _kind(x, where):
    """What ``x`` is compared as: Tensor (a Parameter too), ndarray, or its number type."""
    for kind in (Tensor, np.ndarray):
        if isinstance(x, kind):
            return kind
    if isinstance(x, _NUMBERS):
        return type(x)
    raise ArgumentTypeError(f"assert_close: cannot compare an input of type {type(x).__name__}{where}")


def _as_array(x):
    """(host array, device, what it is) for a tensor, an array or a Python number."""
    if isinstance(x, Tensor):
        return backend.to_device(x.array, "cpu"), x.device, "Tensor-likes"
    if isinstance(x, np.ndarray):
        return x, "cpu", "Tensor-likes"
    return np.asarray(x), "cpu", "Scalars"


def _compare_leaves(actual, expected, options, where):
    rtol, atol, equal_nan, check_device, check_dtype, msg = options
    kinds = (_kind(actual, where), _kind(expected, where))
    if kinds[0] is not kinds[1]:
        if not all(issubclass(k, _NUMBERS) for k in kinds):
            raise ArgumentTypeError(f"assert_close: no comparison of {type(actual).__name__} with "
                                    f"{type(expected).__name__}{where}: both must be tensors, arrays or numbers")
        _fail(f"The (d)types do not match{where}: {type(actual)} != {type(expected)}.", msg)
    a, device_a, what = _as_array(actual)
    e, device_e, _ = _as_array(expected)
    if a.shape != e.shape:
        _fail(f"The values for attribute 'shape' do not match{where}: {_size(a)} != {_size(e)}.", msg)
    if check_device and device_a != device_e:
        _fail(f"The values for attribute 'device' do not match{where}: {device_a} != {device_e}.", msg)
    if check_dtype and a.dtype != e.dtype:
        _fail(f"The values for attribute 'dtype' do not match{where}: {a.dtype} != {e.dtype}.", msg)
    if rtol is None:
        rtol, atol = _tolerances(a.dtype, e.dtype)
    common = np.result_type(a.dtype, e.dtype, np.float64 if a.dtype.kind in "biu" else a.dtype)
    a, e = a.astype(common), e.astype(common)
    # NumPy's isclose is this very test: |a - e| <= atol + rtol |e|, infinities equal only to
    # themselves, NaN to NaN only with equal_nan
    close = np.isclose(a, e, rtol=rtol, atol=atol, equal_nan=equal_nan)
    if close.all():
        return
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        diff = np.abs(a - e)
        relative = diff / np.abs(e)
    exact = rtol == 0 and atol == 0
    _fail(_mismatch(what, a, diff, relative, ~close, rtol, atol, exact, where), msg)


def _size(a):
    return repr(Size(a.shape))


def _mismatch(what, a, diff, relative, bad, rtol, atol, exact, where):
    """PyTorch's report: how many elements differ, and the greatest differences and where."""
    lines = [f"{what} are not {'equal' if exact else 'close'}{where}!", ""]
    count = int(bad.sum())
    lines.append(f"Mismatched elements: {count} / {a.size} ({100.0 * count / a.size:.1f}%)")
    for name, values, allowed in (("absolute", diff, atol), ("relative", relative, rtol)):
        worst = np.where(bad, np.nan_to_num(values, nan=np.inf), -1.0)
        at = np.unravel_index(int(np.argmax(worst)), a.shape) if a.ndim else ()
        value = values[at] if a.ndim else values[()]
        value = int(value) if exact and name == "absolute" and float(value).is_integer() else float(value)
        line = f"Greatest {name} difference: {value} at index {tuple(int(i) for i in at)}"
        lines.append(line if exact else f"{line} (up to {allowed} allowed)")
    return "\n".join(lines)


def make_tensor(*shape, dtype, device=None, low=None, high=None, requires_grad=False, noncontiguous=False,
                exclude_zero=False, memory_format=None):
    """A random tensor of ``shape`` and ``dtype`` for tests (PyTorch's ``torch.testing.make_tensor``).

    Values are uniform in [low, high): by default [-9, 9) for floats and [-9, 10) for integers
    (clamped to the dtype's range; bools are True or False); ``exclude_zero`` replaces zeros by
    the dtype's smallest positive step (1 for integers, eps for floats). ``noncontiguous`` gives a
    strided view holding the same kind of values.
    """
    from ..creation import tensor

    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    dtype = np.dtype(dtype)
    rng = backend.generator("cpu")
    size = shape[:-1] + (2 * shape[-1],) if noncontiguous and shape else shape
    if dtype.kind == "b":
        values = rng.random(size) < 0.5
    elif dtype.kind in "iu":
        info = np.iinfo(dtype)
        lo = max(info.min, -9 if low is None else int(low))
        hi = min(info.max + 1, 10 if high is None else int(high))
        if hi <= lo:
            raise ArgumentError(f"make_tensor: low {low} must be less than high {high}")
        values = rng.integers(lo, hi, size=size).astype(dtype)
        if exclude_zero:
            values[values == 0] = 1
    else:
        lo, hi = (-9.0 if low is None else float(low)), (9.0 if high is None else float(high))
        if hi < lo:
            raise ArgumentError(f"make_tensor: low {low} must not exceed high {high}")
        values = (lo + (hi - lo) * rng.random(size)).astype(dtype)
        if exclude_zero:
            values[values == 0] = np.finfo(dtype).eps
    t = tensor(values, dtype=dtype, device=device)
    if noncontiguous and shape:
        t = t[..., ::2]
    return t.requires_grad_(requires_grad) if requires_grad else t
