"""Process-wide settings PyTorch programs set, and the type-information objects they ask for.

``set_num_threads`` limits the BLAS threads (through threadpoolctl when it is installed: NumPy
itself has no such call); ``set_printoptions`` changes how tensors print; ``autocast`` and
``compile`` are accepted and change nothing (minigrad computes in the dtype you give it and
runs eagerly), so programs written for mixed precision or torch.compile still run, in full
precision. ``finfo``/``iinfo`` describe a dtype with PyTorch's attribute names.
"""

import os

import numpy as np

from . import dtypes
from .errors import ArgumentError, DTypeError

_threads = {"intra": None, "inter": 1}
print_options = {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80, "sci_mode": None}


def set_num_threads(n):
    """Use ``n`` threads for matrix products (needs threadpoolctl; otherwise only remembered)."""
    if not isinstance(n, int) or n < 1:
        raise ArgumentError(f"set_num_threads: expected a positive integer, got {n!r}")
    _threads["intra"] = n
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return
    threadpool_limits(n)


def get_num_threads():
    """The thread count set by ``set_num_threads``, else the number of CPU cores."""
    return _threads["intra"] or os.cpu_count() or 1


def set_num_interop_threads(n):
    _threads["inter"] = n


def get_num_interop_threads():
    return _threads["inter"]


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None, sci_mode=None):
    """How tensors print, with PyTorch's arguments (``profile``: "default", "short" or "full")."""
    profiles = {"default": dict(precision=4, threshold=1000, edgeitems=3, linewidth=80),
                "short": dict(precision=2, threshold=1000, edgeitems=2, linewidth=80),
                "full": dict(precision=4, threshold=np.inf, edgeitems=3, linewidth=80)}
    if profile is not None:
        if profile not in profiles:
            raise ArgumentError(f"set_printoptions: profile must be one of {sorted(profiles)}, got {profile!r}")
        print_options.update(profiles[profile])
    for key, value in dict(precision=precision, threshold=threshold, edgeitems=edgeitems,
                           linewidth=linewidth).items():
        if value is not None:
            print_options[key] = value
    print_options["sci_mode"] = sci_mode


class autocast:
    """``with autocast(device_type="cuda", dtype=float16):`` is accepted and computes in full precision.

    Usable as a context manager and as a decorator, like PyTorch's. Inside an enabled block
    ``is_autocast_enabled(device_type)`` is True and ``get_autocast_dtype`` names its dtype,
    as PyTorch reports them, for programs that cast by hand when autocast is on.
    """

    def __init__(self, device_type="cpu", dtype=None, enabled=True, cache_enabled=None):
        self.device_type, self.fast_dtype, self.enabled = device_type, dtype, enabled

    def __enter__(self):
        self._kind = _kind(self.device_type)
        self._before = _autocast[self._kind]
        _autocast[self._kind] = (bool(self.enabled), self.fast_dtype or self._before[1])
        return self

    def __exit__(self, *exc):
        _autocast[self._kind] = self._before
        return False

    def __call__(self, fn):
        import functools

        @functools.wraps(fn)
        def autocasting(*args, **kwargs):
            with autocast(self.device_type, self.fast_dtype, self.enabled):
                return fn(*args, **kwargs)

        return autocasting


# device type -> (enabled, dtype) of the innermost autocast block (PyTorch's defaults outside)
_autocast = {"cuda": (False, dtypes.float16), "cpu": (False, dtypes.bfloat16)}


def _kind(device_type):
    return "cuda" if device_type is None or str(device_type).startswith("cuda") else "cpu"


def is_autocast_enabled(device_type=None):
    return _autocast[_kind(device_type)][0]


def is_autocast_cpu_enabled():
    return _autocast["cpu"][0]


def set_autocast_enabled(device_type, enabled=None):
    if enabled is None:  # the old one-argument form: set_autocast_enabled(True), for cuda
        device_type, enabled = "cuda", device_type
    _autocast[_kind(device_type)] = (bool(enabled), _autocast[_kind(device_type)][1])


def get_autocast_dtype(device_type):
    return _autocast[_kind(device_type)][1]


def set_autocast_dtype(device_type, dtype):
    _autocast[_kind(device_type)] = (_autocast[_kind(device_type)][0], dtype)


def get_autocast_gpu_dtype():
    return _autocast["cuda"][1]


def get_autocast_cpu_dtype():
    return _autocast["cpu"][1]


def is_autocast_cache_enabled():
    return True


def set_autocast_cache_enabled(enabled):
    """Accepted: minigrad keeps no autocast cache."""


def clear_autocast_cache():
    """Accepted: minigrad keeps no autocast cache."""


def compile(model=None, *, fullgraph=False, dynamic=None, backend="inductor", mode=None, options=None,
            disable=False):
    """The model (or function) itself: minigrad runs eagerly, so there is nothing to compile."""
    if model is None:
        return lambda m: m
    return model


class finfo:
    """Facts about a floating point dtype: bits, eps, max, min, tiny (= smallest_normal), resolution."""

    def __init__(self, type=None):
        dtype = dtypes.as_dtype(type) if type is not None else dtypes.get_default_dtype()
        if dtype.kind != "f":
            raise DTypeError(f"finfo: expected a floating point dtype, got {dtype}")
        info = np.finfo(dtype)
        self.bits, self.eps, self.max, self.min = info.bits, float(info.eps), float(info.max), float(info.min)
        self.tiny = self.smallest_normal = float(info.tiny)
        self.resolution = 10.0 ** -info.precision  # PyTorch reports the exact power of ten
        self.dtype = dtype.name

    def __repr__(self):
        return (f"finfo(resolution={self.resolution}, min={self.min}, max={self.max}, eps={self.eps}, "
                f"smallest_normal={self.smallest_normal}, tiny={self.tiny}, dtype={self.dtype})")


class iinfo:
    """Facts about an integer dtype: bits, max, min."""

    def __init__(self, type):
        dtype = dtypes.as_dtype(type)
        if dtype.kind not in "iub":
            raise DTypeError(f"iinfo: expected an integer dtype, got {dtype}")
        info = np.iinfo(dtype) if dtype.kind != "b" else np.iinfo(np.uint8)
        self.bits, self.max, self.min, self.dtype = info.bits, int(info.max), int(info.min), dtype.name

    def __repr__(self):
        return f"iinfo(min={self.min}, max={self.max}, dtype={self.dtype})"


def typename(obj):
    """PyTorch's type name of a tensor ("torch.FloatTensor" style), or the class name of anything else."""
    from .tensor import Tensor

    if isinstance(obj, Tensor):
        names = {"float32": "FloatTensor", "float64": "DoubleTensor", "float16": "HalfTensor", "int64": "LongTensor",
                 "int32": "IntTensor", "int16": "ShortTensor", "int8": "CharTensor", "uint8": "ByteTensor",
                 "bool": "BoolTensor"}
        return ("torch.cuda." if obj.device.type == "cuda" else "torch.") + names.get(obj.dtype.name, "Tensor")
    return type(obj).__module__ + "." + type(obj).__qualname__ if type(obj).__module__ != "builtins" \
        else type(obj).__qualname__
