"""Which classes and functions a pickled checkpoint may name: PyTorch's ``weights_only`` unpickler.

``save(model, path)`` pickles a whole object (serialization.py). Unpickling calls whatever
classes and functions the pickle names, so ``load`` by default (``weights_only`` True or
None) unpickles only with an allowlist: the globals plain data needs (Tensor, Parameter,
Size, OrderedDict, NumPy's array rebuilding), plus those the program allows itself, as in
PyTorch:

    with minigrad.serialization.safe_globals([MyModel, nn.Linear, nn.LSTM]):
        model = minigrad.load(path)

``add_safe_globals`` allows them for the rest of the process. A pickle that names anything
else is refused before it runs, with the names; ``weights_only=False`` lifts the check for a
file you trust. ``get_unsafe_globals_in_checkpoint(path)`` lists what a file would need.
"""

import _compat_pickle
import importlib
import io
import pickle
import pickletools
import sys

from .errors import ArgumentTypeError, MinigradError

# module -> names that rebuild plain data, allowed in every pickle
_BUILTIN = {
    "collections": {"OrderedDict"},
    "builtins": {"set", "frozenset", "slice", "complex", "bytearray"},
    "_codecs": {"encode"},  # (how protocol 2 stores bytes)
    "numpy": {"dtype", "ndarray"},
    "numpy.core.multiarray": {"_reconstruct", "scalar"}, "numpy._core.multiarray": {"_reconstruct", "scalar"},
    "minigrad.tensor": {"Tensor", "_rebuilt"}, "minigrad.nn.parameter": {"Parameter", "_rebuilt_buffer"},
    "minigrad.size": {"Size"},
    "minigrad.backend": {"Device"},
}
_allowed = []  # the globals the program allows: objects, or (object, "module.name") pairs


class UnsafeGlobal(MinigradError, pickle.UnpicklingError):
    """A pickled checkpoint names a class or function that is not allowed (see the module docstring)."""


def _key(entry):
    obj, name = entry if isinstance(entry, tuple) else (entry, None)
    return name or f"{obj.__module__}.{obj.__qualname__}", obj


def add_safe_globals(safe_globals):
    """Allow the classes and functions ``safe_globals`` (objects, or (object, "module.name")
    pairs for an object pickled under another name) in every later ``load``."""
    if not isinstance(safe_globals, (list, tuple)):
        raise ArgumentTypeError(f"add_safe_globals: expected a list of classes or functions, got "
                                f"{type(safe_globals).__name__}")
    for entry in safe_globals:
        if isinstance(entry, tuple) and (len(entry) != 2 or not isinstance(entry[1], str)):
            raise ArgumentTypeError(f"add_safe_globals: a pair must be (object, 'module.name'), got {entry!r}")
        _allowed.append(entry)


def get_safe_globals():
    return list(_allowed)


def clear_safe_globals():
    _allowed.clear()


class safe_globals:
    """A context manager: ``safe_globals`` allowed inside the block only."""

    def __init__(self, safe_globals):
        self.safe_globals = safe_globals

    def __enter__(self):
        self._before = list(_allowed)
        add_safe_globals(self.safe_globals)

    def __exit__(self, *exc):
        _allowed[:] = self._before
        return False


def _python3(module, name):
    """Python 3's (module, name) for the Python 2 names protocol 2 writes (__builtin__.xrange, ...)."""
    if (module, name) in _compat_pickle.NAME_MAPPING:
        return _compat_pickle.NAME_MAPPING[(module, name)]
    return _compat_pickle.IMPORT_MAPPING.get(module, module), name


def _allowed_object(module, name):
    """("module.name", the object) for a global a pickle names, the object None when it is not
    allowed. A module is imported only for a name that is allowed (importing runs its code);
    an object allowed under another name is found among the modules already imported."""
    module, name = _python3(module, name)
    full = f"{module}.{name}"
    by_name = name in _BUILTIN.get(module, ()) or any(key == full for key, _ in map(_key, _allowed))
    if by_name:
        try:
            source = importlib.import_module(module)
        except ImportError:
            return full, None
    else:
        source = sys.modules.get(module)
    obj = None if source is None else getattr(source, name, None)
    if obj is None or not (by_name or any(allowed is obj for _, allowed in map(_key, _allowed))):
        return full, None
    return full, obj


class _Restricted(pickle.Unpickler):
    def find_class(self, module, name):
        full, obj = _allowed_object(module, name)
        if obj is None:
            short = full.rpartition(".")[2]
            raise UnsafeGlobal(
                f"load: the checkpoint names {full}, which is not an allowed global; with weights_only (the "
                f"default) allow it first, minigrad.serialization.add_safe_globals([{short}]) or "
                f"`with minigrad.serialization.safe_globals([{short}]):`, or pass weights_only=False if you trust "
                "the file")
        return obj


def restricted_loads(data):
    """pickle.loads(data), naming only allowed globals (UnsafeGlobal otherwise)."""
    return _Restricted(io.BytesIO(data)).load()


def globals_in(data):
    """The "module.name" of every global the pickle ``data`` names, in order, once each."""
    names, strings = [], []
    for op, arg, _ in pickletools.genops(data):
        if op.name in ("GLOBAL", "INST"):
            names.append(arg.replace(" ", "."))
        elif op.name == "STACK_GLOBAL" and len(strings) >= 2:
            names.append(f"{strings[-2]}.{strings[-1]}")
        if isinstance(arg, str) and "UNICODE" in op.name:
            strings.append(arg)
    return list(dict.fromkeys(names))


def unsafe_globals(data):
    """The globals of ``data`` that a weights_only load would refuse."""
    found = (_allowed_object(*full.rpartition(".")[::2]) for full in globals_in(data))
    return [full for full, obj in found if obj is None]
