"""``torch.jit``'s names, so that programs written for TorchScript run unchanged, eagerly.

    @torch.jit.script
    def fused_gelu(x):
        return x * 0.5 * (1.0 + torch.erf(x / 1.41421))

    model = torch.jit.script(MyModel())

In PyTorch, TorchScript compiles a function or Module into a static graph program: ``script``
reads the Python source and compiles it, ``trace`` runs the function once on example inputs and
records the operations it performed. The compiled program can be optimized (fusing elementwise
ops, for one), run without Python, and saved to an archive with ``torch.jit.save``.

minigrad has no compiler. It runs every op eagerly, as PyTorch itself does when started with
``PYTORCH_JIT=0``, so here each of these is the identity on what it is given:

- ``script``, ``script_if_tracing``, ``script_method``, ``ignore``, ``unused``, ``export``,
  ``interface``: the function, Module or class itself, unchanged (usable as decorators).
- ``trace`` / ``trace_module``: run the function (or the Module's methods) once on the example
  inputs, as PyTorch's tracer does, so an error in it surfaces at trace time; then return the
  function or Module itself. Gradients are recorded as usual.
- ``freeze``, ``optimize_for_inference``: the Module itself.
- ``annotate(type, value)``, ``Attribute(value, type)``: the value.
- ``fork(func, ...)``: calls ``func`` now and returns a future whose ``wait()`` gives the result.
- ``is_scripting()``, ``is_tracing()``: False, as nothing is ever compiled or traced.
- ``save`` / ``load``: raise ``NotSupported``. A TorchScript archive holds compiled code, which
  minigrad can neither write nor read; save the ``state_dict`` instead.

``ScriptModule`` is ``minigrad.nn.Module``, so a "scripted" Module passes
``isinstance(m, torch.jit.ScriptModule)`` (and old-style ``class M(torch.jit.ScriptModule)``
works). ``ScriptFunction`` is Python's function type, for the same reason.
"""

import builtins
import types
import typing

from .errors import ArgumentRuntimeError, NotSupported
from .nn.module import Module

__all__ = ["Attribute", "Final", "ScriptFunction", "ScriptModule", "annotate", "enable_onednn_fusion", "export",
           "fork", "freeze", "ignore", "interface", "is_scripting", "is_tracing", "isinstance", "load",
           "onednn_fusion_enabled", "optimize_for_inference", "save", "script", "script_if_tracing",
           "script_method", "trace", "trace_module", "unused", "wait"]

ScriptModule = Module  # a scripted Module is the Module itself
ScriptFunction = types.FunctionType  # and a scripted function is the function itself
Final = typing.Final  # `x: torch.jit.Final[int]` in a Module's class body


# ---- compiling: here, the identity --------------------------------------------------------------

def script(obj, optimize=None, _frames_up=0, _rcb=None, example_inputs=None):
    """``obj`` itself (a function, a Module or a class): minigrad runs eagerly, nothing to compile."""
    return obj


def script_if_tracing(fn):
    """``fn`` itself (PyTorch scripts it only when called inside a trace)."""
    return fn


def script_method(fn):
    """``fn`` itself: the method decorator of old-style ``ScriptModule`` subclasses."""
    return fn


def _as_args(example_inputs):
    # PyTorch takes a single tensor or a tuple of positional arguments
    return example_inputs if builtins.isinstance(example_inputs, tuple) else (example_inputs,)


def trace(func, example_inputs=None, optimize=None, check_trace=True, check_inputs=None, check_tolerance=1e-5,
          strict=True, _force_outplace=False, _module_class=None, _compilation_unit=None,
          example_kwarg_inputs=None, _store_inputs=True):
    """Run ``func`` once on the example inputs, then return ``func`` itself.

    PyTorch's tracer records the ops of that one run; running it here keeps the same behaviour
    a program sees at trace time (an exception in ``func`` is raised by ``trace``). Each tuple in
    ``check_inputs`` is run too, as PyTorch's trace check does; nothing is compared, since the
    eager function is the only version there is.
    """
    if example_inputs is None and example_kwarg_inputs is None:
        raise ArgumentRuntimeError("jit.trace: give example_inputs or example_kwarg_inputs")
    if example_kwarg_inputs is not None:
        func(**example_kwarg_inputs)
    else:
        func(*_as_args(example_inputs))
    for inputs in check_inputs or ():
        func(*_as_args(inputs))
    return func


def trace_module(mod, inputs, optimize=None, check_trace=True, check_inputs=None, check_tolerance=1e-5,
                 strict=True, _force_outplace=False, _module_class=None, _compilation_unit=None,
                 example_inputs_is_kwarg=False, _store_inputs=True):
    """Run each method named in ``inputs`` (method name -> example inputs) once; return ``mod`` itself."""
    if not builtins.isinstance(inputs, dict):
        raise ArgumentRuntimeError("jit.trace_module: inputs must be a dict of method name -> example inputs")
    for name, example in inputs.items():
        method = getattr(mod, name)
        if example_inputs_is_kwarg:
            method(**example)
        else:
            method(*_as_args(example))
    return mod


def freeze(mod, preserved_attrs=None, optimize_numerics=True):
    """``mod`` itself: freezing inlines a compiled Module's weights, and there is no compiled Module."""
    return mod


def optimize_for_inference(mod, other_methods=None):
    """``mod`` itself (PyTorch freezes the scripted Module and fuses its ops)."""
    return mod


# ---- decorators that tell the compiler what to skip: here, the identity ------------------------

def ignore(drop=False, **kwargs):
    """Leave a function to Python: ``@jit.ignore`` or ``@jit.ignore(drop=True)``, both keep it as is."""
    if callable(drop):  # used bare: `drop` is the decorated function
        return drop
    return lambda fn: fn


def unused(fn):
    """``fn`` itself (PyTorch replaces it by a stub that raises when scripted code calls it)."""
    return fn


def export(fn):
    """``fn`` itself (PyTorch compiles the method even when ``forward`` does not call it)."""
    return fn


def interface(obj):
    """``obj`` itself (PyTorch checks implementations of the interface against it)."""
    return obj


# ---- language helpers -------------------------------------------------------------------------

def is_scripting():
    """False: code never runs compiled here."""
    return False


def is_tracing():
    """False: ``trace`` runs the function as it is, without recording it."""
    return False


def annotate(the_type, the_value):
    """``the_value``: the type is a hint for the compiler only."""
    return the_value


def Attribute(value, type):  # noqa: N802  (PyTorch's name)
    """``value``: a Module attribute's declared type is a hint for the compiler only."""
    return value


def isinstance(obj, target_type):  # noqa: A001  (torch.jit.isinstance)
    """``builtins.isinstance``, also for the typing forms TorchScript accepts.

    ``List[int]``, ``Tuple[Tensor, int]``, ``Dict[str, Tensor]`` and ``Optional[...]`` are
    checked element by element, as PyTorch's eager ``torch.jit.isinstance`` does.
    """
    origin, args = typing.get_origin(target_type), typing.get_args(target_type)
    if origin is None:
        return builtins.isinstance(obj, target_type)
    if origin is typing.Union or origin is getattr(types, "UnionType", None):
        return builtins.any(isinstance(obj, arg) for arg in args)
    if not builtins.isinstance(obj, origin):
        return False
    if origin is list and args:
        return builtins.all(isinstance(item, args[0]) for item in obj)
    if origin is tuple and args:
        if len(args) == 2 and args[1] is Ellipsis:
            return builtins.all(isinstance(item, args[0]) for item in obj)
        return len(obj) == len(args) and builtins.all(isinstance(o, a) for o, a in zip(obj, args))
    if origin is dict and args:
        return builtins.all(isinstance(k, args[0]) and isinstance(v, args[1]) for k, v in obj.items())
    return True


# ---- asynchronous calls: run at once ----------------------------------------------------------

class _Future:
    """The result of ``fork``: the call has already run, so ``wait()`` only hands its result over."""

    def __init__(self, result):
        self._result = result

    def wait(self):
        return self._result

    def value(self):
        return self._result

    def done(self):
        return True


def fork(func, *args, **kwargs):
    """Call ``func(*args, **kwargs)`` now and return a future holding its result."""
    return _Future(func(*args, **kwargs))


def wait(future):
    """The result of a future returned by ``fork``."""
    return future.wait()


# ---- fusion flags -----------------------------------------------------------------------------

_onednn_fusion = False


def enable_onednn_fusion(enabled):
    """Record the flag (PyTorch fuses ops with oneDNN in compiled graphs; there are none here)."""
    global _onednn_fusion
    _onednn_fusion = bool(enabled)


def onednn_fusion_enabled():
    """The flag last given to ``enable_onednn_fusion`` (False at start, as in PyTorch)."""
    return _onednn_fusion


# ---- archives: not possible without a compiler ------------------------------------------------

_ARCHIVE_HELP = ("A TorchScript archive holds compiled code, and minigrad has no compiler. Save the weights "
                 "instead: minigrad.save(model.state_dict(), path), and later "
                 "model.load_state_dict(minigrad.load(path)) on a model built by the same Python code.")


def save(m, f, _extra_files=None):
    """Raise ``NotSupported``: minigrad cannot write a TorchScript archive (nothing is written to ``f``)."""
    raise NotSupported(f"minigrad.jit.save: {_ARCHIVE_HELP}")


def load(f, map_location=None, _extra_files=None):
    """Raise ``NotSupported``: minigrad cannot read a TorchScript archive."""
    raise NotSupported(f"minigrad.jit.load: {_ARCHIVE_HELP}")
