"""The one module that knows NumPy from CuPy.

Every other module asks this one for the array module of its inputs (``get_array_module``),
for device names (``Device``), for transfers (``to_device``) and for random generators
(``generator``). So the same op code runs on NumPy arrays (device ``"cpu"``) and on CuPy
arrays (device ``"cuda"`` or ``"cuda:N"``).
"""

import numpy as np

from .errors import ArgumentError, DeviceError, DTypeError

_GPU_HELP = (
    "CUDA needs CuPy and an NVIDIA GPU. Install the gpu extra: pip install 'minigrad[gpu]' "
    "(it brings cupy-cuda12x)."
)

_cupy = None  # the cupy module once imported; False when the import failed
_gpu_count = None  # how many GPUs CuPy sees, asked once (the answer does not change in a process)


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
    """True when CuPy imports and sees at least one GPU (asked once, then remembered)."""
    global _gpu_count
    if _gpu_count is None:
        try:
            _gpu_count = int(cupy_module().cuda.runtime.getDeviceCount())
        except Exception:  # no CuPy, or no driver
            _gpu_count = 0
    return _gpu_count > 0


class Device:
    """A device name: ``cpu`` or ``cuda:N``. Compares equal to its string form."""

    __slots__ = ("type", "index")

    def __init__(self, spec="cpu", index=None):
        if isinstance(spec, Device):
            self.type, self.index = spec.type, spec.index
            return
        if isinstance(spec, int) and not isinstance(spec, bool):  # device(0): a GPU's index, as in PyTorch
            spec = f"cuda:{spec}"
        elif index is not None:  # device("cuda", 1)
            if not isinstance(index, int) or isinstance(index, bool) or index < 0 or not isinstance(spec, str):
                raise DeviceError(f"device: expected a type and a non-negative index, got {spec!r}, {index!r}")
            if spec.strip().lower() == "cpu":
                self.type, self.index = "cpu", None  # (PyTorch keeps cpu's index; no op here reads it)
                return
            spec = f"{spec}:{index}"
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

    def __enter__(self):
        """``with device("cuda"):``: factories called without device= make tensors here."""
        _default_devices.append(self)
        return self

    def __exit__(self, *exc):
        _default_devices.pop()
        return False


CPU = Device("cpu")
_default_devices = [CPU]  # the innermost ``with device(...)`` last; set_default_device sets the first


def default_device():
    """Where factories put tensors when no device is given (see ``set_default_device``)."""
    return _default_devices[-1]


def set_default_device(device):
    """Make ``device`` (None: the CPU) where later factories put their tensors, as in PyTorch."""
    _default_devices[0] = CPU if device is None else Device(device)


def get_default_device():
    return default_device()


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


def is_host(array):
    """True for a NumPy array. Checks that read an array's values (an index range check) run
    only on the host: on a GPU, reading even one number waits for every queued kernel, so
    those checks are skipped there (as PyTorch leaves them to device-side asserts)."""
    return isinstance(array, np.ndarray)


def as_array(obj):
    """A host or device array as it is; other data (a list, a number) as a NumPy array.

    ``numpy.asarray`` would copy a CuPy array to the host, and CuPy refuses that."""
    if isinstance(obj, np.ndarray) or hasattr(obj, "__cuda_array_interface__"):
        return obj
    return np.asarray(obj)


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


def errstate(*arrays, **kwargs):
    """``numpy.errstate(**kwargs)`` for host arrays; on the GPU a no-op context, because CuPy
    never warns about division by zero or invalid values (and ignores ``numpy.errstate``)."""
    if get_array_module(*arrays) is np:
        return np.errstate(**kwargs)
    import contextlib

    return contextlib.nullcontext()


def on_device(device):
    """A context manager that makes ``device`` current (a no-op on the CPU)."""
    device = Device(device)
    if device.type == "cpu":
        import contextlib

        return contextlib.nullcontext()
    return cupy_module().cuda.Device(device.index)


# ---- random numbers: one seeded stream per device -------------------------------------
#
# A stream is a NumPy ``Generator`` (PCG64) on the CPU and a CuPy ``Generator`` on a GPU.
# ``minigrad.random.Generator`` wraps one; the default streams below are the ones behind
# ``minigrad.rand`` & co when no ``generator=`` is given. As in PyTorch, a fresh process
# starts from a random seed, ``manual_seed`` seeds every device, and each device keeps its
# own seed (``minigrad.cuda.manual_seed`` seeds one GPU only).

_UINT64 = 2**64 - 1


def seed_value(seed):
    """A seed as PyTorch takes it: any integer in [-2**63, 2**64), kept as its uint64 value."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise DTypeError(f"manual_seed: the seed must be an integer, got {type(seed).__name__}")
    seed = int(seed)
    if not -(2**63) <= seed <= _UINT64:
        raise ArgumentError(f"manual_seed: the seed must be in [-2**63, 2**64), got {seed}")
    return seed & _UINT64


def fresh_seed():
    """A non-deterministic 64-bit seed, from the operating system's entropy."""
    return int(np.random.SeedSequence().entropy) & _UINT64


def new_stream(device, seed):
    """A fresh random stream for ``device`` seeded with ``seed``."""
    device = Device(device)
    if device.type == "cpu":
        return np.random.Generator(np.random.PCG64(seed))
    cp = cupy_module()
    with on_device(device):
        return cp.random.default_rng(seed)


def permutation(stream, n):
    """A random permutation of 0..n-1 drawn from ``stream`` (CuPy's Generator has no permutation)."""
    if isinstance(stream, np.random.Generator):
        return stream.permutation(n)
    return stream.random(n).argsort()


def stream_state(stream):
    """The state of a CPU stream as a plain uint8 array (48 bytes: PCG64's state, increment
    and buffered half-word), so that ``minigrad.save`` can store it."""
    if not isinstance(stream, np.random.Generator):
        raise DeviceError("get_state: the state of a CUDA generator cannot be read (CuPy keeps it on "
                          "the GPU); seed it with manual_seed instead")
    s = stream.bit_generator.state
    words = [s["state"]["state"] >> 64, s["state"]["state"] & _UINT64, s["state"]["inc"] >> 64,
             s["state"]["inc"] & _UINT64, s["has_uint32"], s["uinteger"]]
    return np.array(words, dtype=np.uint64).view(np.uint8)


def set_stream_state(stream, state):
    """Restore a CPU stream from what ``stream_state`` returned."""
    if not isinstance(stream, np.random.Generator):
        raise DeviceError("set_state: the state of a CUDA generator cannot be set; seed it with manual_seed")
    state = np.ascontiguousarray(state)
    if state.dtype != np.uint8 or state.shape != (48,):
        raise ArgumentError(f"set_state: expected the 48-byte uint8 state get_state returns, got dtype "
                         f"{state.dtype} and shape {tuple(state.shape)}")
    w = [int(v) for v in state.view(np.uint64)]
    stream.bit_generator.state = {"bit_generator": "PCG64",
                                  "state": {"state": (w[0] << 64) | w[1], "inc": (w[2] << 64) | w[3]},
                                  "has_uint32": w[4], "uinteger": w[5]}


_streams = {}  # device name -> the default stream, made on first use
_seeds = {}  # device name -> its seed, when seeded on its own
_seed = fresh_seed()  # the seed of every device not seeded on its own


def manual_seed(seed):
    """Seed the default streams of every device (CPU and GPUs). The streams are different
    generators (PCG64 on the CPU, CuPy's on a GPU), so one seed repeats each device's numbers
    but gives other numbers on cpu and on cuda."""
    global _seed
    _seed = seed_value(seed)
    _seeds.clear()
    _streams.clear()
    return _seed


def seed_device(device, seed):
    """Seed the default stream of one device."""
    key = str(Device(device))
    _seeds[key] = seed_value(seed)
    _streams.pop(key, None)
    return _seeds[key]


def initial_seed(device="cpu"):
    """The seed the default stream of ``device`` started from."""
    return _seeds.get(str(Device(device)), _seed)


def generator(device="cpu"):
    """The default random stream of a device (a NumPy Generator, or CuPy's on a GPU)."""
    key = str(Device(device))
    if key not in _streams:
        _streams[key] = new_stream(key, initial_seed(key))
    return _streams[key]
