"""Anomaly mode: find the op that first produced NaN or inf.

Off by default; when off, the only cost is one function call per op.
When on, every op remembers where the user's code called it, and a forward or backward
result holding NaN or inf raises an error naming the op and that place.
"""

import threading
import traceback

from ..errors import GraphError
from .grad_mode import _run_inside

_state = threading.local()


def is_enabled():
    return getattr(_state, "enabled", False)


def set_detect_anomaly(mode):
    """Turn anomaly detection on or off for this thread."""
    _state.enabled = bool(mode)


class detect_anomaly:
    """Context manager (and decorator) that turns anomaly detection on inside it."""

    def __enter__(self):
        self.prev = is_enabled()
        set_detect_anomaly(True)
        return self

    def __exit__(self, *exc):
        set_detect_anomaly(self.prev)
        return False

    def __call__(self, fn):
        return _run_inside(fn, detect_anomaly)


def _user_frame():
    """The innermost stack frame outside the minigrad package, formatted."""
    import os

    pkg = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    frames = [f for f in traceback.extract_stack()[:-2] if not os.path.abspath(f.filename).startswith(pkg)]
    return "".join(traceback.format_list(frames[-1:])).rstrip() if frames else "(unknown)"


def _bad(t):
    xp = t.xp
    return t.dtype.kind == "f" and t.array.size and not bool(xp.isfinite(t.array).all())


class running_backward:
    """Marks that ops now run inside ``node``'s backward, so a NaN there is blamed on that node."""

    def __init__(self, node):
        self.node = node

    def __enter__(self):
        self.prev = getattr(_state, "backward_node", None)
        _state.backward_node = self.node

    def __exit__(self, *exc):
        _state.backward_node = self.prev
        return False


def _backward_error(node):
    return GraphError(
        f"anomaly: backward of {node.name} produced NaN or inf; the op was called at:\n"
        f"{node.trace or '(called before anomaly detection was on)'}"
    )


def check_forward(node, name, outputs):
    """Record where the op was called; raise when its forward made NaN or inf."""
    inside = getattr(_state, "backward_node", None)
    if inside is not None:
        if any(_bad(o) for o in outputs):
            raise _backward_error(inside)
        return
    where = _user_frame()
    node.trace = where
    for o in outputs:
        if _bad(o):
            raise GraphError(f"anomaly: forward of {name} produced NaN or inf, called at:\n{where}")


def check_backward(node, grads):
    """Raise when a node's backward made NaN or inf, naming the forward call that made the node."""
    for g in grads:
        if g is not None and _bad(g):
            raise _backward_error(node)
