"""``torch.cuda``'s streams and events, on CuPy's.

A stream is a queue of GPU work run in order; an event is a marker recorded into a stream.
Programs use them to time GPU code honestly (a kernel launch returns before it has run):

    start, end = minigrad.cuda.Event(enable_timing=True), minigrad.cuda.Event(enable_timing=True)
    start.record(); model(x); end.record()
    minigrad.cuda.synchronize(); ms = start.elapsed_time(end)

minigrad's ops run on CuPy's current stream, so ``with minigrad.cuda.stream(s):`` sends them to
``s``. Without a GPU every constructor raises DeviceError (as PyTorch's do on a CPU build).
"""

from . import backend
from .errors import ArgumentError, DeviceError

__all__ = ["Event", "Stream", "current_stream", "default_stream", "stream"]


def _cupy(op):
    if not backend.is_cuda_available():
        raise DeviceError(f"minigrad.cuda.{op}: no GPU is available. {backend._GPU_HELP}")
    return backend.cupy_module()


def _device_index(device):
    from .cuda import _index

    return _index(device)


class Stream:
    """torch.cuda.Stream(device=None, priority=0): a new stream on the device (the current GPU).
    ``synchronize()`` waits for its work, ``query()`` says whether it is done, ``wait_stream(s)``
    and ``wait_event(e)`` make its later work wait for another's, ``record_event()`` marks it."""

    def __init__(self, device=None, priority=0, *, _cupy_stream=None):
        cp = _cupy("Stream")
        self.device_index = _device_index(device)
        if _cupy_stream is None:
            with cp.cuda.Device(self.device_index):
                _cupy_stream = cp.cuda.Stream(non_blocking=True)
        self.cupy_stream = _cupy_stream

    @property
    def device(self):
        return backend.Device(f"cuda:{self.device_index}")

    def synchronize(self):
        self.cupy_stream.synchronize()

    def query(self):
        return bool(self.cupy_stream.done)

    def record_event(self, event=None):
        event = Event() if event is None else event
        event.record(self)
        return event

    def wait_event(self, event):
        self.cupy_stream.wait_event(event.cupy_event)

    def wait_stream(self, stream):
        self.wait_event(stream.record_event())

    def __eq__(self, other):
        return isinstance(other, Stream) and self.cupy_stream == other.cupy_stream

    def __hash__(self):
        return hash(self.cupy_stream)

    def __repr__(self):
        return f"<minigrad.cuda.Stream device=cuda:{self.device_index} cupy_stream={self.cupy_stream!r}>"


class Event:
    """torch.cuda.Event(enable_timing=False, blocking=False, interprocess=False). ``record(stream)``
    marks the stream (the current one by default), ``synchronize()`` waits until the marked work
    is done, ``elapsed_time(end)`` is the milliseconds between this event and a later one."""

    def __init__(self, enable_timing=False, blocking=False, interprocess=False):
        cp = _cupy("Event")
        self.enable_timing = enable_timing
        self.cupy_event = cp.cuda.Event(block=blocking, disable_timing=not enable_timing, interprocess=interprocess)
        self._recorded = False

    def record(self, stream=None):
        stream = current_stream() if stream is None else stream
        self.cupy_event.record(stream.cupy_stream)
        self._recorded = True

    def synchronize(self):
        self.cupy_event.synchronize()

    def query(self):
        return bool(self.cupy_event.done)

    def wait(self, stream=None):
        (current_stream() if stream is None else stream).wait_event(self)

    def elapsed_time(self, end_event):
        if not (self.enable_timing and end_event.enable_timing):
            raise ArgumentError("Event.elapsed_time: both events must be created with enable_timing=True")
        if not (self._recorded and end_event._recorded):
            raise ArgumentError("Event.elapsed_time: both events must be recorded first")
        return float(backend.cupy_module().cuda.get_elapsed_time(self.cupy_event, end_event.cupy_event))


def current_stream(device=None):
    """The stream minigrad's GPU work goes to now (CuPy's current stream of the device)."""
    cp = _cupy("current_stream")
    index = _device_index(device)
    with cp.cuda.Device(index):
        return Stream(index, _cupy_stream=cp.cuda.get_current_stream())


def default_stream(device=None):
    """The device's default (null) stream."""
    cp = _cupy("default_stream")
    return Stream(_device_index(device), _cupy_stream=cp.cuda.Stream.null)


class stream:
    """``with minigrad.cuda.stream(s):`` makes s the current stream inside the block (None: no change)."""

    def __init__(self, stream):
        self.stream = stream

    def __enter__(self):
        if self.stream is not None:
            self.stream.cupy_stream.__enter__()
        return self.stream

    def __exit__(self, *exc):
        if self.stream is not None:
            self.stream.cupy_stream.__exit__(*exc)
