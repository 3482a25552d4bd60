"""The op timer behind ``minigrad.profiler``: while a profile is running, every op's forward,
every node's backward and every ``record_function`` block is timed as one event.

``Function.apply`` and the engine read ``recorder.active`` once per op; it is None unless a
profile is running, so profiling costs nothing when off (one attribute read per op).

An event's *total* time runs from its start to its end; its *self* time leaves out the
events that ran inside it (a ``record_function`` block around a layer: its ops' time is
theirs, the rest, Python between them, is the block's own).
"""

import threading
import time

active = None  # the running Recorder, or None


class Event:
    """One timed call: name, kind ("op", "backward", "user"), start and duration in ns, the
    time spent in events inside it, the input shapes (when asked for) and the thread."""

    __slots__ = ("name", "kind", "start_ns", "duration_ns", "children_ns", "input_shapes", "thread")

    def __init__(self, name, kind, start_ns, input_shapes, thread):
        self.name, self.kind, self.start_ns, self.input_shapes, self.thread = name, kind, start_ns, input_shapes, thread
        self.duration_ns = self.children_ns = 0

    @property
    def self_ns(self):
        return self.duration_ns - self.children_ns


class Recorder:
    """Collects Events; ``begin``/``end`` bracket one, nested ones per thread on a stack."""

    def __init__(self, record_shapes=False):
        self.record_shapes = record_shapes
        self.events = []
        self._stacks = threading.local()

    def begin(self, name, kind, arrays=()):
        shapes = [list(a.shape) if hasattr(a, "shape") else [] for a in arrays] if self.record_shapes else None
        event = Event(name, kind, time.perf_counter_ns(), shapes, threading.get_ident())
        stack = getattr(self._stacks, "stack", None)
        if stack is None:
            stack = self._stacks.stack = []
        stack.append(event)
        return event

    def end(self, event):
        event.duration_ns = time.perf_counter_ns() - event.start_ns
        stack = self._stacks.stack
        while stack and stack.pop() is not event:  # (a block left by an exception is closed too)
            pass
        if stack:
            stack[-1].children_ns += event.duration_ns
        self.events.append(event)

    def run(self, name, kind, arrays, fn, *args):
        """fn(*args), timed as one event."""
        event = self.begin(name, kind, arrays)
        try:
            return fn(*args)
        finally:
            self.end(event)
