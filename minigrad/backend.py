"""The one module that knows NumPy from CuPy.

Every other module asks this one for the array module of its inputs (``get_array_module``),
for device names (``Device``), for transfers (``to_device``) and for random generators
(``generator``). So the same op code runs on NumPy arrays (device ``"cpu"``) and on CuPy
arrays (device ``"cuda"`` or ``"cuda:N"``).
"""

import numpy as np

from .errors import DeviceError

_GPU_HELP = (
    "CUDA needs CuPy and an NVIDIA GPU. Install the gpu extra: pip install 'minigrad[gpu]' "
    "(it brings cupy-cuda12x)."
)

_cupy = None  # the cupy module once imported; False when the import failed


def cupy_module():
    """Return cupy, importing it on first use; raise a clear error when it is missing."""
    global _cupy
    if _cupy is None:
        try:
            import cupy

            _cupy = cupy
        except Exception:  # ImportError, or a CUDA library that fails to load
            _cupy = False
    if _cupy is False:
        raise DeviceError(_GPU_HELP)
    return _cupy


def is_cuda_available():
    """True when CuPy imports and sees at least one GPU."""
    try:
        return cupy_module().cuda.runtime.getDeviceCount() > 0
    except Exception:
        return False


class Device:
    """A device name: ``cpu`` or ``cuda:N``. Compares equal to its string form."""

    __slots__ = ("type", "index")

    def __init__(self, spec="cpu"):
        if isinstance(spec, Device):
            self.type, self.index = spec.type, spec.index
            return
        if not isinstance(spec, str):
            raise DeviceError(f"device must be a string like 'cpu' or 'cuda:0', got {spec!r}")
        name, _, idx = spec.strip().lower().partition(":")
        if name == "cpu" and not idx:
            self.type, self.index = "cpu", None
        elif name == "cuda" and (not idx or idx.isdigit()):
            self.type, self.index = "cuda", int(idx) if idx else 0
        else:
            raise DeviceError(f"unknown device {spec!r}: expected 'cpu', 'cuda' or 'cuda:N'")

    def __str__(self):
        return "cpu" if self.type == "cpu" else f"cuda:{self.index}"

    def __repr__(self):
        return f"device(type='{self.type}'" + ("" if self.index is None else f", index={self.index}") + ")"

    def __eq__(self, other):
        try:
            return str(self) == str(Device(other))
        except DeviceError:
            return False

    def __hash__(self):
        return hash(str(self))


CPU = Device("cpu")


def device_of(array):
    """The Device an array lives on."""
    if isinstance(array, np.ndarray) or np.isscalar(array):
        return CPU
    return Device(f"cuda:{array.device.id}")


def get_array_module(*arrays):
    """``numpy`` for host arrays, ``cupy`` for GPU arrays (the first GPU array decides)."""
    for a in arrays:
        if not isinstance(a, np.ndarray) and hasattr(a, "__cuda_array_interface__"):
            return cupy_module()
    return np


def xp_for(device):
    """The array module of a Device."""
    return np if Device(device).type == "cpu" else cupy_module()


def to_device(array, device):
    """Copy an array to ``device`` (no copy when it is already there)."""
    device = Device(device)
    if device.type == "cpu":
        if isinstance(array, np.ndarray):
            return array
        return array.get()
    cp = cupy_module()
    if not is_cuda_available():
        raise DeviceError("CUDA was asked for but no GPU is visible. " + _GPU_HELP)
    with cp.cuda.Device(device.index):
        return cp.asarray(array)


def on_device(device):
    """A context manager that makes ``device`` current (a no-op on the CPU)."""
    device = Device(device)
    if device.type == "cpu":
        import contextlib

        return contextlib.nullcontext()
    return cupy_module().cuda.Device(device.index)


# ---- random numbers: one seeded generator per backend ----------------------------------

_generators = {}
_seed = None


def manual_seed(seed):
    """Seed NumPy's and (when present) CuPy's generators used by minigrad."""
    global _seed
    _seed = int(seed)
    _generators.clear()
    return _seed


def generator(device="cpu"):
    """The seeded random generator for a device (NumPy Generator or CuPy's)."""
    key = str(Device(device))
    if key not in _generators:
        if key == "cpu":
            _generators[key] = np.random.default_rng(_seed)
        else:
            cp = cupy_module()
            with on_device(key):
                _generators[key] = cp.random.default_rng(_seed)
    return _generators[key]
