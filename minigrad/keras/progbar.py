"""The progress bar ``fit`` draws, in Keras's format.

verbose=1, one line redrawn in place on a terminal after each batch::

    32/32 ━━━━━━━━━━━━━━━━━━━━ 0s 2ms/step - accuracy: 0.9062 - loss: 0.2311

(the finished part green, the ETA while running, the elapsed time once done). verbose=2,
one plain line per epoch, fit for log files::

    32/32 - 0s - 2ms/step - accuracy: 0.9062 - loss: 0.2311

When the output is not a terminal (a pipe, a file, a test), verbose=1 and "auto" draw
nothing: a bar redrawn with carriage returns turns into noise there. Ask for verbose=2.
"""

import math
import sys
import time


def is_terminal(stream):
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class Progbar:
    """A progress bar over ``target`` steps (None if unknown): ``update(current, values)``.

    ``values`` are (name, value) pairs; the values given are shown as they are (the running
    means of metrics, computed by the metrics themselves).
    """

    def __init__(self, target, width=20, verbose=1, interval=0.05, unit_name="step", stream=None):
        self.target, self.width, self.verbose = target, width, verbose
        self.interval, self.unit_name = interval, unit_name
        self.stream = stream
        self._values = {}
        self._start = time.time()
        self._last_update = 0.0
        self._time_after_first_step = None
        self._prev_width = 0

    def _out(self):
        return self.stream if self.stream is not None else sys.stdout

    def update(self, current, values=None, finalize=None):
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        self._values.update(values or [])
        now = time.time()
        per_unit = self._step_time(current, now)
        out = self._out()
        if self.verbose == 1 and is_terminal(out):
            if now - self._last_update < self.interval and not finalize:
                return
            line = self._bar(current) + self._timing(current, now, per_unit, finalize) + self._metrics()
            visible = len(_strip(line))
            pad = " " * max(self._prev_width - visible, 0)
            out.write("\r" + line + pad + ("\n" if finalize else ""))
            out.flush()
            self._prev_width = visible
        elif self.verbose == 2 and finalize:
            count = f"{current:{_digits(self.target)}d}/{self.target}" if self.target else f"{current}"
            out.write(f"{count} - {now - self._start:.0f}s -{_per_unit(per_unit, self.unit_name)}"
                      f"{self._metrics()}\n")
            out.flush()
        self._last_update = now

    def _bar(self, current):
        if not self.target:
            return f"{current:7d}/Unknown"
        done = int(self.width * min(current / self.target, 1.0))
        bar = f"\x1b[1m{current:{_digits(self.target)}d}/{self.target}\x1b[0m "
        if done:
            bar += f"\x1b[32m{'━' * done}\x1b[0m"
        return bar + f"\x1b[37m{'━' * (self.width - done)}\x1b[0m"

    def _timing(self, current, now, per_unit, finalize):
        if self.target and not finalize:
            eta = per_unit * (self.target - current)
            if eta > 3600:
                text = f"{eta // 3600:.0f}:{(eta % 3600) // 60:02.0f}:{eta % 60:02.0f}"
            elif eta > 60:
                text = f"{eta // 60:.0f}:{eta % 60:02.0f}"
            else:
                text = f"{eta:.0f}s"
        else:
            text = f"{now - self._start:.0f}s"
        return f" \x1b[1m{text}\x1b[0m" + _per_unit(per_unit, self.unit_name)

    def _metrics(self):
        parts = []
        for name, value in self._values.items():
            value = float(value)
            parts.append(f" - {name}: {value:.4f}" if abs(value) > 1e-3 else f" - {name}: {value:.4e}")
        return "".join(parts)

    def _step_time(self, current, now):
        """Seconds per step, leaving out the first step (it pays for warm-up) once there are more."""
        if not current:
            return 0.0
        if self._time_after_first_step is not None and current > 1:
            per_unit = (now - self._time_after_first_step) / (current - 1)
        else:
            per_unit = (now - self._start) / current
        if current == 1:
            self._time_after_first_step = now
        return per_unit


def _digits(target):
    return int(math.log10(target)) + 1 if target else 1


def _per_unit(seconds, unit):
    if seconds >= 1 or seconds == 0:
        return f" {seconds:.0f}s/{unit}"
    if seconds >= 1e-3:
        return f" {seconds * 1e3:.0f}ms/{unit}"
    return f" {seconds * 1e6:.0f}us/{unit}"


def _strip(text):
    """``text`` without its colour codes (to measure the width it takes on screen)."""
    out, i = [], 0
    while i < len(text):
        if text[i] == "\x1b":
            i = text.index("m", i) + 1
        else:
            out.append(text[i])
            i += 1
    return "".join(out)
