"""Anomaly mode: find the backward that first produced NaN, and the forward line that made it.

Off by default; when off, the only cost is one function call per op. When on (PyTorch's
semantics):
- every op remembers where the user's code called it (the forward trace);
- after each node's backward, its gradients are checked for NaN (``check_nan=True``); the
  error names that backward and the forward call that created the node.

inf is not an anomaly: ``sqrt`` has an infinite slope at 0, ``masked_fill(-inf)`` before a
softmax is how attention masks work, and PyTorch carries on in both cases. NaN in a
forward result is not checked either, unless asked for with ``check_forward=True``
(minigrad's stricter mode: it raises at the op whose forward made NaN, even under no_grad).
"""

import threading
import traceback

from ..errors import GraphError
from .grad_mode import _run_inside

_state = threading.local()


def is_enabled():
    return getattr(_state, "enabled", False)


is_anomaly_enabled = is_enabled


def is_anomaly_check_nan_enabled():
    return getattr(_state, "check_nan", True)


def set_detect_anomaly(mode, check_nan=True, check_forward=False):
    """Turn anomaly detection on or off for this thread (see the module docstring)."""
    _state.enabled = bool(mode)
    _state.check_nan = bool(check_nan)
    _state.check_forward = bool(check_forward)


class detect_anomaly:
    """Context manager (and decorator) that turns anomaly detection on inside it.

    ``check_nan``: raise when a backward produces NaN (PyTorch's argument);
    ``check_forward``: also raise when a forward produces NaN.
    """

    def __init__(self, check_nan=True, check_forward=False):
        self.check_nan, self.check_forward = check_nan, check_forward

    def __enter__(self):
        self.prev = (is_enabled(), is_anomaly_check_nan_enabled(), getattr(_state, "check_forward", False))
        set_detect_anomaly(True, self.check_nan, self.check_forward)
        return self

    def __exit__(self, *exc):
        set_detect_anomaly(*self.prev)
        return False

    def __call__(self, fn):
        return _run_inside(fn, lambda: detect_anomaly(self.check_nan, self.check_forward))


def _user_frame():
    """The innermost stack frame outside the minigrad package, formatted."""
    import os

    pkg = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    frames = [f for f in traceback.extract_stack()[:-2] if not os.path.abspath(f.filename).startswith(pkg)]
    return "".join(traceback.format_list(frames[-1:])).rstrip() if frames else "(unknown)"


def _has_nan(t):
    return t.dtype.kind == "f" and t.array.size and bool(t.xp.isnan(t.array).any())


class running_backward:
    """Marks that ops now run inside ``node``'s backward: nodes they record (with
    create_graph) are blamed on the forward call that made ``node``."""

    def __init__(self, node):
        self.node = node

    def __enter__(self):
        self.prev = getattr(_state, "backward_node", None)
        _state.backward_node = self.node

    def __exit__(self, *exc):
        _state.backward_node = self.prev
        return False


def check_forward(node, name, outputs):
    """Record where the op was called; with ``check_forward``, raise when it made NaN."""
    inside = getattr(_state, "backward_node", None)
    if inside is not None:  # an op of a backward: its gradients are checked when the node returns
        node.trace = inside.trace
        return
    where = _user_frame()
    node.trace = where
    if getattr(_state, "check_forward", False):
        for o in outputs:
            if _has_nan(o):
                raise GraphError(f"anomaly: forward of {name} produced NaN, called at:\n{where}")


def check_backward(node, grads):
    """Raise when a node's backward returned NaN, naming the forward call that made the node."""
    if not is_anomaly_check_nan_enabled():
        return
    for i, g in enumerate(grads):
        if g is not None and _has_nan(g):
            raise GraphError(
                f"anomaly: backward of {type(node).__name__} returned NaN values in its output {i} (the gradient "
                f"for its input {i}); the forward op was called at:\n"
                f"{node.trace or '(called before anomaly detection was on)'}"
            )
