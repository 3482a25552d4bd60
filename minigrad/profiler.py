"""``torch.profiler``: where the time of a program goes, op by op.

    with minigrad.profiler.profile(record_shapes=True) as prof:
        with minigrad.profiler.record_function("train step"):
            loss = model(x).sum()
            loss.backward()
    print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=10))
    prof.export_chrome_trace("trace.json")   # open in chrome://tracing or ui.perfetto.dev

Every op's forward ("Conv2d"), every node's backward ("Conv2dBackward") and every
``record_function`` block is an event (autograd/recorder.py). The table groups them by name
(and input shapes with ``group_by_input_shape=True``): calls, total time (start to end) and
self time (less the events inside). An op's time is the time of its NumPy or CuPy work; on a
GPU that is the time to launch it, unless the op waits for a result (PyTorch's CUDA columns
need a device timer minigrad does not have: ``activities`` with CUDA adds nothing).

``schedule(wait, warmup, active, repeat)`` and ``prof.step()`` profile chosen steps of a loop,
and ``on_trace_ready`` (``tensorboard_trace_handler(dir)`` writes a trace file) is called
at the end of each active span, as in PyTorch. ``torch.autograd.profiler.profile`` is the
older form of the same (minigrad.autograd.profiler).
"""

import enum
import functools
import json
import os
import socket
import time
from collections import OrderedDict

from .autograd import recorder
from .errors import ArgumentError, ArgumentRuntimeError

SORT_KEYS = ("cpu_time_total", "self_cpu_time_total", "cpu_time", "self_cpu_time", "count")


class ProfilerActivity(enum.Enum):
    CPU = 0
    CUDA = 1


class ProfilerAction(enum.Enum):
    NONE = 0
    WARMUP = 1
    RECORD = 2
    RECORD_AND_SAVE = 3


def schedule(*, wait, warmup, active, repeat=0, skip_first=0):
    """step -> ProfilerAction: skip ``skip_first`` steps, then cycles of ``wait`` idle,
    ``warmup`` recorded-and-dropped and ``active`` recorded steps (``repeat`` cycles; 0: forever)."""
    if min(wait, warmup, repeat, skip_first) < 0 or active < 1:
        raise ArgumentError(f"schedule: wait, warmup, repeat and skip_first must be >= 0 and active >= 1, got "
                            f"wait={wait}, warmup={warmup}, active={active}, repeat={repeat}, skip_first={skip_first}")

    def action(step):
        if step < skip_first:
            return ProfilerAction.NONE
        step -= skip_first
        cycle = wait + warmup + active
        if repeat and step // cycle >= repeat:
            return ProfilerAction.NONE
        at = step % cycle
        if at < wait:
            return ProfilerAction.NONE
        if at < wait + warmup:
            return ProfilerAction.WARMUP
        return ProfilerAction.RECORD_AND_SAVE if at == cycle - 1 else ProfilerAction.RECORD
    return action


def tensorboard_trace_handler(dir_name, worker_name=None, use_gzip=False):
    """An on_trace_ready that writes each trace to ``dir_name`` as
    ``<worker>.<time in ms>.pt.trace.json`` (PyTorch's names, which TensorBoard's profiler
    plugin reads)."""
    def handler(prof):
        os.makedirs(dir_name, exist_ok=True)
        worker = worker_name or f"{socket.gethostname()}_{os.getpid()}"
        name = f"{worker}.{time.time_ns() // 1_000_000}.pt.trace.json" + (".gz" if use_gzip else "")
        prof.export_chrome_trace(os.path.join(dir_name, name))
    return handler


# ---- the summary ------------------------------------------------------------------------------------
class FunctionEventAvg:
    """The events of one name (and shapes): count, total and self time in microseconds."""

    def __init__(self, key, input_shapes):
        self.key, self.input_shapes = key, input_shapes
        self.count = 0
        self.cpu_time_total = self.self_cpu_time_total = 0.0

    def add(self, event):
        self.count += 1
        self.cpu_time_total += event.duration_ns / 1e3
        self.self_cpu_time_total += event.self_ns / 1e3

    @property
    def cpu_time(self):
        return self.cpu_time_total / max(self.count, 1)

    @property
    def self_cpu_time(self):
        return self.self_cpu_time_total / max(self.count, 1)

    def __repr__(self):
        return (f"<FunctionEventAvg key={self.key} count={self.count} cpu_time_total={self.cpu_time_total:.1f}us "
                f"self_cpu_time_total={self.self_cpu_time_total:.1f}us>")


def _time(us):
    return f"{us:.3f}us" if us < 1e3 else f"{us / 1e3:.3f}ms" if us < 1e6 else f"{us / 1e6:.3f}s"


class EventList(list):
    """The averages, one per key; ``table()`` prints them."""

    def __init__(self, items=(), shapes=False):
        super().__init__(items)
        self._shapes = shapes

    @property
    def self_cpu_time_total(self):
        return sum(e.self_cpu_time_total for e in self)

    def table(self, sort_by=None, row_limit=100, max_name_column_width=55, header=None, top_level_events_only=False,
              **_unused):
        """The summary as text, largest ``sort_by`` first (any of SORT_KEYS; PyTorch's device
        keys, "cuda_time_total" and the like, sort by the CPU column of the same kind)."""
        rows = list(self)
        if sort_by is not None:
            key = sort_by.replace("cuda", "cpu").replace("device", "cpu").replace("xpu", "cpu")
            if key not in SORT_KEYS:
                raise ArgumentError(f"table: sort_by must be one of {SORT_KEYS}, got {sort_by!r}")
            rows.sort(key=lambda e: getattr(e, key), reverse=True)
        if row_limit is not None and row_limit >= 0:
            rows = rows[:row_limit]
        total = self.self_cpu_time_total or 1.0
        width = max([len("Name")] + [min(len(e.key), max_name_column_width) for e in rows])
        cols = ["Self CPU %", "Self CPU", "CPU total %", "CPU total", "CPU time avg", "# of Calls"]
        head = f"{'Name':<{width}}  " + "  ".join(f"{c:>12}" for c in cols) + ("  Input Shapes" if self._shapes else "")
        line = "-" * len(head)
        out = ([header] if header else []) + [line, head, line]
        for e in rows:
            cells = [f"{100 * e.self_cpu_time_total / total:.2f}%", _time(e.self_cpu_time_total),
                     f"{100 * e.cpu_time_total / total:.2f}%", _time(e.cpu_time_total), _time(e.cpu_time), str(e.count)]
            name = e.key if len(e.key) <= width else e.key[:width - 3] + "..."
            out.append(f"{name:<{width}}  " + "  ".join(f"{c:>12}" for c in cells) +
                       (f"  {e.input_shapes}" if self._shapes else ""))
        out += [line, f"Self CPU time total: {_time(self.self_cpu_time_total)}"]
        return "\n".join(out)

    def __str__(self):
        return self.table()


# ---- profile and record_function --------------------------------------------------------------------
class profile:
    """Record the ops run inside ``with profile() as prof:`` (see the module docstring)."""

    def __init__(self, *, activities=None, schedule=None, on_trace_ready=None, record_shapes=False,
                 profile_memory=False, with_stack=False, with_flops=False, with_modules=False,
                 experimental_config=None, execution_trace_observer=None, acc_events=False, use_cuda=None):
        for a in activities or ():
            if not isinstance(a, ProfilerActivity):
                raise ArgumentError(f"profile: activities must be ProfilerActivity values, got {a!r}")
        self.record_shapes = record_shapes
        self.schedule, self.on_trace_ready = schedule, on_trace_ready
        self.step_num = 0
        self._recorder = None
        self._events = []  # the events of the last finished span (or of the whole run without a schedule)
        self._running = False

    # recording on and off
    def _start_recording(self):
        if recorder.active is not None and recorder.active is not self._recorder:
            raise ArgumentRuntimeError("profile: another profile is already running; nest record_function "
                                       "blocks instead of profiles")
        self._recorder = recorder.Recorder(self.record_shapes)
        recorder.active = self._recorder

    def _stop_recording(self, keep):
        if self._recorder is not None:
            if recorder.active is self._recorder:
                recorder.active = None
            if keep:
                self._events = self._recorder.events
            self._recorder = None

    def _action(self):
        return self.schedule(self.step_num) if self.schedule else ProfilerAction.RECORD

    def start(self):
        self._running = True
        if self._action() in (ProfilerAction.WARMUP, ProfilerAction.RECORD, ProfilerAction.RECORD_AND_SAVE):
            self._start_recording()
        return self

    def stop(self):
        if self._recorder is not None:
            recording = self._action() in (ProfilerAction.RECORD, ProfilerAction.RECORD_AND_SAVE)
            self._stop_recording(keep=recording)  # (a warm-up left unfinished is dropped)
            if recording:
                self._trace_ready()
        self._running = False

    def step(self):
        """The end of one step of the loop: move along the schedule."""
        before = self._action()
        self.step_num += 1
        after = self._action()
        if before == ProfilerAction.RECORD_AND_SAVE:
            self._stop_recording(keep=True)
            self._trace_ready()
        elif before == ProfilerAction.WARMUP and after != ProfilerAction.WARMUP:
            self._stop_recording(keep=False)  # warm-up steps are dropped
        if after != ProfilerAction.NONE and self._recorder is None and self._running:
            self._start_recording()

    def _trace_ready(self):
        if self.on_trace_ready is not None:
            self.on_trace_ready(self)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False

    # what was recorded
    def events(self):
        """The raw events (recorder.Event), in the order they ended."""
        return list(self._events if self._recorder is None else self._recorder.events)

    def key_averages(self, group_by_input_shape=False, group_by_stack_n=0):
        groups = OrderedDict()
        for e in self.events():
            shapes = str(e.input_shapes) if group_by_input_shape and e.input_shapes is not None else ""
            avg = groups.get((e.name, shapes))
            if avg is None:
                avg = groups[(e.name, shapes)] = FunctionEventAvg(e.name, shapes)
            avg.add(e)
        return EventList(groups.values(), shapes=group_by_input_shape)

    def export_chrome_trace(self, path):
        """The events as a Chrome trace (JSON: one "X" event per call, times in microseconds)."""
        events = self.events()
        origin = min((e.start_ns for e in events), default=0)
        threads = {t: i for i, t in enumerate(dict.fromkeys(e.thread for e in events))}
        trace = [{"name": e.name, "cat": e.kind, "ph": "X", "ts": (e.start_ns - origin) / 1e3,
                  "dur": e.duration_ns / 1e3, "pid": os.getpid(), "tid": threads[e.thread],
                  **({"args": {"Input Dims": e.input_shapes}} if e.input_shapes is not None else {})}
                 for e in sorted(events, key=lambda e: e.start_ns)]
        opener = open
        if path.endswith(".gz"):
            import gzip
            opener = gzip.open
        with opener(path, "wt") as f:
            json.dump({"traceEvents": trace, "displayTimeUnit": "ms"}, f)

    def __str__(self):
        return self.key_averages().table()


class record_function:
    """A named block of the profile: ``with record_function("attention"): ...`` or as a decorator.
    Outside a profile it does nothing."""

    def __init__(self, name, args=None):
        if not isinstance(name, str):
            raise ArgumentError(f"record_function: the name must be a string, got {type(name).__name__}")
        self.name, self.args = name, args
        self._event = self._recorder = None

    def __enter__(self):
        self._recorder = recorder.active
        if self._recorder is not None:
            self._event = self._recorder.begin(self.name, "user")
        return self

    def __exit__(self, *exc):
        if self._event is not None:
            self._recorder.end(self._event)
        self._event = self._recorder = None
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with record_function(self.name, self.args):
                return fn(*args, **kwargs)
        return wrapper
