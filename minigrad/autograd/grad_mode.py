"""Grad modes: whether new ops record the graph.

The flag is thread-local, as in PyTorch: ``no_grad()`` in one thread does not switch
recording off in another. Each mode works as a context manager and as a decorator.
"""

import functools
import threading

_state = threading.local()


def is_grad_enabled():
    """True when ops record the graph for backward."""
    return getattr(_state, "enabled", True)


def _set(enabled):
    _state.enabled = bool(enabled)


def _run_inside(fn, make_mode):
    """``fn`` as a decorated function: each call runs inside a fresh ``make_mode()`` context."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with make_mode():
            return fn(*args, **kwargs)

    return wrapper


class set_grad_enabled:
    """Switch recording on or off: at once when called, and back when used as a context."""

    def __init__(self, mode):
        self.prev = is_grad_enabled()
        self.mode = bool(mode)
        _set(self.mode)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        _set(self.prev)
        return False

    def __call__(self, fn):
        wrapper = _run_inside(fn, lambda: set_grad_enabled(self.mode))
        _set(self.prev)  # used as a decorator: undo the switch made in __init__
        return wrapper


class _Mode:
    """Base of no_grad / enable_grad: sets the flag inside a with-block or a decorated call."""

    mode = True

    def __enter__(self):
        self.prev = is_grad_enabled()
        _set(self.mode)
        return self

    def __exit__(self, *exc):
        _set(self.prev)
        return False

    def __call__(self, fn):
        return _run_inside(fn, type(self))


class no_grad(_Mode):
    """Do not record the graph (inference, optimizer updates)."""

    mode = False


class enable_grad(_Mode):
    """Record the graph, even inside ``no_grad``."""

    mode = True


class inference_mode:
    """PyTorch's faster ``no_grad``: here the same thing (no graph is recorded).

    A context manager or a decorator, with or without parentheses; ``inference_mode(False)``
    leaves grad mode as it is. PyTorch's inference tensors also refuse to enter autograd
    later; minigrad's are ordinary tensors (a documented difference).
    """

    def __new__(cls, mode=True):
        if callable(mode):  # @inference_mode without parentheses
            return cls(True)(mode)
        return super().__new__(cls)

    def __init__(self, mode=True):
        self.enabled = bool(mode)

    def __enter__(self):
        self.prev = is_grad_enabled()
        if self.enabled:
            _set(False)
            _inference_depth[0] += 1
        return self

    def __exit__(self, *exc):
        if self.enabled:
            _inference_depth[0] -= 1
        _set(self.prev)
        return False

    def __call__(self, fn):
        enabled = self.enabled

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with inference_mode(enabled):
                return fn(*args, **kwargs)
        return wrapper


_inference_depth = [0]  # how many inference_mode blocks are open (thread-shared, like a flag)


def is_inference_mode_enabled():
    return _inference_depth[0] > 0
