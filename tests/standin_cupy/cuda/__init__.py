"""The stand-in's ``cupy.cuda``: devices, streams and a memory pool, all bookkeeping on the host.

``DEVICE_COUNT`` (two) devices exist, so code that places tensors on ``cuda:1`` runs. A device
is made current with ``with Device(i):`` or ``runtime.setDevice(i)``; arrays are created on
the current device, and kernels refuse arrays from another one.
"""

import contextlib
import threading

from .. import _core
from . import runtime

_streams = threading.local()


def is_available():
    return True


class Device:
    """CuPy's ``cuda.Device``: a GPU index, current inside ``with``."""

    def __init__(self, device=None):
        self.id = _core.current_device() if device is None else int(device)
        if not 0 <= self.id < _core.DEVICE_COUNT:
            raise runtime.CUDARuntimeError(f"cudaErrorInvalidDevice: invalid device ordinal {self.id}")
        self._previous = []

    def __enter__(self):
        self._previous.append(_core.current_device())
        _core._state.device = self.id
        return self

    def __exit__(self, *exc):
        _core._state.device = self._previous.pop()

    def use(self):
        _core._state.device = self.id

    def synchronize(self):
        pass

    @property
    def compute_capability(self):
        return "90"

    @property
    def mem_info(self):
        return runtime.memGetInfo()

    def __int__(self):
        return self.id

    def __eq__(self, other):
        return isinstance(other, Device) and other.id == self.id

    def __hash__(self):
        return hash(self.id)

    def __repr__(self):
        return f"<CUDA Device {self.id}>"


class Stream:
    """CuPy's ``cuda.Stream``: current inside ``with``; work on it is done at once here."""

    null = None  # set below

    def __init__(self, null=False, non_blocking=False, ptr=None, priority=None):
        self.ptr = 0 if null else id(self)
        self.device_id = _core.current_device()

    def __enter__(self):
        stack = _stack()
        stack.append(self)
        return self

    def __exit__(self, *exc):
        _stack().pop()

    def use(self):
        _stack()[:] = [self]
        return self

    def synchronize(self):
        pass

    def wait_event(self, event):
        pass

    @property
    def done(self):  # (a property in CuPy)
        return True

    def __eq__(self, other):
        return isinstance(other, Stream) and other.ptr == self.ptr

    def __hash__(self):
        return hash(self.ptr)

    def __repr__(self):
        return f"<Stream {self.ptr} (device {self.device_id})>"


Stream.null = Stream(null=True)


def _stack():
    if not hasattr(_streams, "stack"):
        _streams.stack = []
    return _streams.stack


def get_current_stream(device_id=-1):
    stack = _stack()
    return stack[-1] if stack else Stream.null


class Event:
    """CuPy's ``cuda.Event``: work is done at once here, so recording notes the host's clock."""

    def __init__(self, block=False, disable_timing=False, interprocess=False):
        self.disable_timing, self._time = disable_timing, None

    def record(self, stream=None):
        import time

        self._time = time.perf_counter()

    def synchronize(self):
        pass

    @property
    def done(self):
        return True


def get_elapsed_time(start_event, end_event):
    """Milliseconds from one recorded timing event to another (CuPy's cuda.get_elapsed_time)."""
    if start_event.disable_timing or end_event.disable_timing or None in (start_event._time, end_event._time):
        raise RuntimeError("cudaErrorInvalidResourceHandle: both events must be recorded with timing enabled")
    return (end_event._time - start_event._time) * 1e3


class MemoryPointer:
    """What ``ndarray.data`` is: an address on a device."""

    def __init__(self, ptr, device_id):
        self.ptr, self.device_id = ptr, device_id

    def __int__(self):
        return self.ptr


class MemoryPool:
    """CuPy's pool, answering from nothing: the stand-in's arrays are NumPy's."""

    def __init__(self, allocator=None):
        self._limit = 0

    def used_bytes(self):
        return 0

    def total_bytes(self):
        return 0

    def free_bytes(self):
        return 0

    def n_free_blocks(self):
        return 0

    def free_all_blocks(self, stream=None):
        pass

    def set_limit(self, size=None, fraction=None):
        self._limit = size or 0

    def get_limit(self):
        return self._limit


@contextlib.contextmanager
def profile():
    yield
