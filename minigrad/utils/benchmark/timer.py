"""Timing a statement as PyTorch's ``torch.utils.benchmark.Timer`` does, on the CPU.

``Timer(stmt, setup, globals=...)`` compiles the statement once; ``timeit(number)`` runs it
``number`` times and gives a ``Measurement`` of the time per run; ``blocked_autorange``
runs blocks of a size that takes at least 10 ms until ``min_run_time`` has passed, so its
median is over many blocks (the fair way to time on a busy machine, as in benchmarks/).
``Compare`` prints measurements side by side, one row per (label, sub_label).
"""

import statistics
import timeit as _timeit


class Measurement:
    """Times of a statement: ``times`` the seconds per run of each block, ``mean``, ``median``,
    ``iqr`` over them."""

    def __init__(self, number_per_run, raw_times, task_spec, metadata=None):
        self.number_per_run, self.raw_times = number_per_run, list(raw_times)
        self.task_spec, self.metadata = task_spec, metadata
        self.times = [t / number_per_run for t in self.raw_times]

    stmt = property(lambda self: self.task_spec["stmt"])
    label = property(lambda self: self.task_spec["label"])
    sub_label = property(lambda self: self.task_spec["sub_label"])
    description = property(lambda self: self.task_spec["description"])
    title = property(lambda self: self.label or self.stmt)
    mean = property(lambda self: statistics.fmean(self.times))
    median = property(lambda self: statistics.median(self.times))

    @property
    def iqr(self):
        if len(self.times) < 2:
            return 0.0
        q = statistics.quantiles(self.times, n=4)
        return q[2] - q[0]

    def __repr__(self):
        return (f"<minigrad.utils.benchmark.Measurement>\n{self.title}\n  {_seconds(self.median)}\n"
                f"  {len(self.times)} measurement{'s' if len(self.times) != 1 else ''}, {self.number_per_run} runs, "
                f"{self.task_spec['num_threads']} thread")


def _seconds(t):
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if t >= scale:
            return f"{t / scale:.2f} {unit}"
    return f"{t * 1e9:.2f} ns"


class Timer:
    def __init__(self, stmt="pass", setup="pass", global_setup="", timer=_timeit.default_timer, globals=None,
                 label=None, sub_label=None, description=None, env=None, num_threads=1, language="python"):
        if language not in ("python", "py"):
            raise NotImplementedError("Timer: only Python statements can be timed here")
        namespace = dict(globals or {})
        if global_setup:
            exec(global_setup, namespace)
        self._timer = _timeit.Timer(stmt, setup, timer, namespace)
        self._spec = {"stmt": stmt, "label": label, "sub_label": sub_label, "description": description,
                      "env": env, "num_threads": num_threads}

    def timeit(self, number=1000000):
        return Measurement(number, [self._timer.timeit(number)], self._spec)

    def repeat(self, repeat=-1, number=-1):
        raise NotImplementedError("Timer.repeat: use timeit or blocked_autorange (as PyTorch says)")

    def autorange(self, callback=None):
        number, total = self._timer.autorange(callback)
        return Measurement(number, [total], self._spec)

    def blocked_autorange(self, callback=None, min_run_time=0.2):
        number = 1
        while self._timer.timeit(number) < 0.01:  # a block long enough for the clock
            number *= 10
        times, spent = [], 0.0
        while spent < min_run_time or len(times) < 2:
            t = self._timer.timeit(number)
            if callback is not None:
                callback(number, t)
            times.append(t)
            spent += t
        return Measurement(number, times, self._spec)

    def adaptive_autorange(self, threshold=0.1, *, min_run_time=0.01, max_run_time=10.0, callback=None):
        return self.blocked_autorange(callback, min_run_time=max(min_run_time, 0.2))


class Compare:
    """A table of measurements: a row per (label, sub_label), a column per description."""

    def __init__(self, results):
        self.results = list(results)

    def __str__(self):
        columns = list(dict.fromkeys(m.description or "" for m in self.results))
        rows = {}
        for m in self.results:
            rows.setdefault((m.label or m.stmt, m.sub_label or ""), {})[m.description or ""] = _seconds(m.median)
        width = max([len(f"{a} {b}".strip()) for a, b in rows] + [4])
        lines = [" " * width + " | " + " | ".join(f"{c:>10}" for c in columns)]
        for (label, sub), cells in rows.items():
            lines.append(f"{(label + ' ' + sub).strip():<{width}} | " + " | ".join(f"{cells.get(c, ''):>10}"
                                                                             for c in columns))
        return "\n".join(lines)

    def print(self):
        print(str(self))
