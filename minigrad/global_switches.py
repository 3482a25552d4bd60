"""Process-wide switches PyTorch programs flip: warnings, determinism, denormal numbers.

    set_warn_always(True)              warnings PyTorch gives once per process come every time
    is_warn_always_enabled()
    set_deterministic_debug_mode(m)    "default"/0, "warn"/1, "error"/2: another spelling of
    get_deterministic_debug_mode()     use_deterministic_algorithms(m > 0, warn_only=m == 1)
    set_flush_denormal(mode)           always returns False here (see its docstring)

minigrad's ops are deterministic already (backends/__init__.py), so the debug mode, like
use_deterministic_algorithms, is remembered and changes nothing that is computed.
"""

import warnings

from .backends import (are_deterministic_algorithms_enabled, is_deterministic_algorithms_warn_only_enabled,
                       use_deterministic_algorithms)
from .errors import ArgumentRuntimeError, ArgumentTypeError

_warn_always = [False]
_warned = set()  # the messages warn_once has given


def set_warn_always(b):
    """Give every "once per process" warning each time it applies (True), or once (False, the default)."""
    if not isinstance(b, bool):
        raise ArgumentRuntimeError(f"set_warn_always: expects a bool, but got {type(b).__name__}")
    _warn_always[0] = b


def is_warn_always_enabled():
    """What set_warn_always last set."""
    return _warn_always[0]


def warn_once(message, category=UserWarning, stacklevel=3):
    """warnings.warn, the first time for this message only unless set_warn_always(True) (PyTorch's
    TORCH_WARN_ONCE). stacklevel 3 points at the caller of the function that warns."""
    if _warn_always[0] or message not in _warned:
        _warned.add(message)
        warnings.warn(message, category, stacklevel=stacklevel)


_DEBUG_MODES = {"default": 0, "warn": 1, "error": 2}


def set_deterministic_debug_mode(debug_mode):
    """0 or "default": allow nondeterministic ops; 1 or "warn": warn on them; 2 or "error":
    refuse them. The same switch as use_deterministic_algorithms (minigrad has no such ops)."""
    if not isinstance(debug_mode, (int, str)):
        raise ArgumentTypeError(f"set_deterministic_debug_mode: debug_mode must be str or int, but got "
                                f"{type(debug_mode).__name__}")
    if isinstance(debug_mode, str):
        if debug_mode not in _DEBUG_MODES:
            raise ArgumentRuntimeError(f"set_deterministic_debug_mode: invalid value of debug_mode, expected one of "
                                       f"'default', 'warn', 'error', but got {debug_mode!r}")
        debug_mode = _DEBUG_MODES[debug_mode]
    if debug_mode not in (0, 1, 2):  # (True and False are 1 and 0, as in PyTorch)
        raise ArgumentRuntimeError(f"set_deterministic_debug_mode: invalid value of debug_mode, expected 0, 1, "
                                   f"or 2, but got {debug_mode}")
    use_deterministic_algorithms(debug_mode > 0, warn_only=debug_mode == 1)


def get_deterministic_debug_mode():
    """0 when deterministic algorithms are off, 1 when on with warn_only, 2 when on."""
    if not are_deterministic_algorithms_enabled():
        return 0
    return 1 if is_deterministic_algorithms_warn_only_enabled() else 2


def set_flush_denormal(mode):
    """PyTorch's switch to flush denormal (subnormal) floats to zero on the CPU, for speed.

    NumPy offers no way to set the CPU's flush-to-zero flags, so minigrad cannot turn it on;
    like PyTorch on a CPU without the feature, this returns False (and changes nothing).
    """
    if not isinstance(mode, bool):
        raise ArgumentRuntimeError(f"set_flush_denormal: expects a bool, but got {type(mode).__name__}")
    return False
