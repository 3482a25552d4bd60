"""Parametrizations: a module's tensor computed from other tensors by a module of yours
(PyTorch's ``torch.nn.utils.parametrize``).

``register_parametrization(module, "weight", P)`` turns ``module.weight`` into a computed value:

    module.weight = P(original)

``original`` is the old weight, kept as a Parameter at ``module.parametrizations.weight.original``.
Training updates ``original``, and every read of ``module.weight`` runs P on it, so gradients
flow through P. Registering a second P2 on the same name chains them: weight = P2(P(original)).

When P has ``right_inverse(w)``, the original is ``right_inverse(weight)`` instead, so that the
weight keeps its value at registration (weight norm: g = ‖w‖, v = w, and P(g, v) = g v / ‖v‖
gives w back); when that returns a tuple there are several originals, ``original0``,
``original1``, ..., and P's forward takes them all. Assigning ``module.weight = w`` runs the
right inverses again.

How: the module's class is swapped for a subclass made for it, ``Parametrized<Class>``, with a
property per parametrized name; ``remove_parametrizations`` undoes it. The state_dict keys are
PyTorch's: ``parametrizations.weight.original`` (or ``original0``, ``original1``, ...) and each
P's own state under ``parametrizations.weight.<k>.``.
"""

import contextlib

from ...autograd import no_grad
from ...errors import ArgumentError, ArgumentTypeError, DTypeError, ShapeError
from ...tensor import Tensor
from ..containers import ModuleDict, ModuleList
from ..module import Module
from ..parameter import Parameter

_cache = {"enabled": 0, "values": {}}


@contextlib.contextmanager
def cached():
    """Inside this context each parametrized tensor is computed once, on its first read, and
    that value is reused (as PyTorch's ``parametrize.cached``): for a weight read many times
    per step, as in a recurrent network."""
    _cache["enabled"] += 1
    try:
        yield
    finally:
        _cache["enabled"] -= 1
        if not _cache["enabled"]:
            _cache["values"].clear()


class ParametrizationList(ModuleList):
    """The parametrizations of one tensor, in order, and the original tensor(s) they start from.

    ``forward()`` gives the parametrized value: the first parametrization on the originals,
    then each next one on the result.
    """

    def __init__(self, modules, original, unsafe=False):
        super().__init__(modules)
        self.unsafe = unsafe
        first = modules[0]
        with no_grad():
            new = first.right_inverse(original) if hasattr(first, "right_inverse") else original
        self.is_tensor = isinstance(new, Tensor)
        self.ntensors = 1 if self.is_tensor else len(new)
        if self.is_tensor and tuple(new.shape) == tuple(original.shape) and new.dtype == original.dtype:
            if new is not original:
                with no_grad():
                    original.copy_(new)
            self._register("original", original)  # the same object: an optimizer holding it still updates it
        else:
            for i, part in enumerate((new,) if self.is_tensor else new):
                name = "original" if self.is_tensor else f"original{i}"
                part = part.detach().clone()
                self._register(name, Parameter(part, requires_grad=original.requires_grad)
                               if isinstance(original, Parameter) else part)

    def _register(self, name, tensor):
        """A Parameter stays one (training moves it); a buffer stays a buffer."""
        if isinstance(tensor, Parameter):
            self.register_parameter(name, tensor)
        else:
            self.register_buffer(name, tensor)

    def originals(self):
        return (self.original,) if self.is_tensor else tuple(getattr(self, f"original{i}") for i in range(self.ntensors))

    def forward(self):
        x = self[0](*self.originals())
        for parametrization in list(self)[1:]:
            x = parametrization(x)
        return x

    def right_inverse(self, value):
        """Set the originals so that ``forward()`` gives ``value``: the right inverses, last first."""
        with no_grad():
            for parametrization in reversed(list(self)):
                if hasattr(parametrization, "right_inverse"):
                    value = parametrization.right_inverse(value)
                elif parametrization is not self[0]:
                    raise ArgumentError(f"parametrize: {type(parametrization).__name__} has no right_inverse, so "
                                        "the parametrized tensor cannot be assigned")
            values = (value,) if self.is_tensor else tuple(value)
            for original, new in zip(self.originals(), values):
                original.copy_(new)


def _property(name):
    def get(self):
        key = (id(self), name)
        if _cache["enabled"]:
            if key not in _cache["values"]:
                _cache["values"][key] = self.parametrizations[name]()
            return _cache["values"][key]
        return self.parametrizations[name]()

    def set(self, value):
        self.parametrizations[name].right_inverse(value)

    return property(get, set, doc=f"{name}, computed by module.parametrizations.{name}")


def is_parametrized(module, tensor_name=None):
    """Whether ``module`` has any parametrization (or one on ``tensor_name``)."""
    found = module.__dict__.get("_modules", {}).get("parametrizations")
    if not isinstance(found, ModuleDict):
        return False
    return len(found) > 0 if tensor_name is None else tensor_name in found


def type_before_parametrizations(module):
    """The module's class as it was before any parametrization was registered."""
    return type(module).__bases__[0] if is_parametrized(module) else type(module)


def _check(name, original, value):
    """A parametrization must give a tensor of the original's shape and dtype (unless unsafe)."""
    if not isinstance(value, Tensor):
        raise ArgumentTypeError(f"register_parametrization: the parametrization of {name!r} must return a "
                                f"tensor, got {type(value).__name__}")
    if tuple(value.shape) != tuple(original.shape):
        raise ShapeError(f"register_parametrization: the parametrization of {name!r} changed its shape from "
                         f"{tuple(original.shape)} to {tuple(value.shape)} (pass unsafe=True to allow it)")
    if value.dtype != original.dtype:
        raise DTypeError(f"register_parametrization: the parametrization of {name!r} changed its dtype from "
                         f"{original.dtype} to {value.dtype} (pass unsafe=True to allow it)")


def register_parametrization(module, tensor_name, parametrization, *, unsafe=False):
    """Make ``module.<tensor_name>`` the output of ``parametrization`` (a Module) on the
    original tensor; see the module docstring. Returns ``module``."""
    if not isinstance(parametrization, Module):
        raise ArgumentTypeError(f"register_parametrization: the parametrization must be a Module, got "
                                f"{type(parametrization).__name__}")
    if is_parametrized(module, tensor_name):
        plist = module.parametrizations[tensor_name]
        before = getattr(module, tensor_name)
        plist.append(parametrization)
        if not unsafe and not plist.unsafe:
            _check(tensor_name, before, getattr(module, tensor_name))
        return module
    original = getattr(module, tensor_name, None)
    if not isinstance(original, Tensor) or (tensor_name not in module._parameters and tensor_name not in module._buffers):
        raise ArgumentError(f"register_parametrization: module {type(module).__name__} has no parameter or buffer "
                            f"{tensor_name!r}")
    plist = ParametrizationList([parametrization], original, unsafe=unsafe)
    if not unsafe:
        _check(tensor_name, original, plist())
    module._parameters.pop(tensor_name, None)
    module._buffers.pop(tensor_name, None)
    if not is_parametrized(module):
        cls = type(module)
        module.__class__ = type(f"Parametrized{cls.__name__}", (cls,), {})  # a class of its own, for the properties
        module.parametrizations = ModuleDict()
    setattr(type(module), tensor_name, _property(tensor_name))
    module.parametrizations[tensor_name] = plist
    return module


def remove_parametrizations(module, tensor_name, leave_parametrized=True):
    """Undo ``register_parametrization`` on ``tensor_name``: the tensor becomes a plain parameter
    (or buffer) again, holding its parametrized value (``leave_parametrized=True``) or its
    original (possible only with a single original). Returns ``module``."""
    if not is_parametrized(module, tensor_name):
        raise ArgumentError(f"remove_parametrizations: module {type(module).__name__} has no parametrization "
                            f"on {tensor_name!r}")
    plist = module.parametrizations[tensor_name]
    if leave_parametrized:
        with no_grad():
            value = getattr(module, tensor_name).detach()
    elif plist.is_tensor:
        value = plist.original.detach()
    else:
        raise ArgumentError(f"remove_parametrizations: {tensor_name!r} has {plist.ntensors} originals; only "
                            "leave_parametrized=True can turn them back into one tensor")
    first = plist.originals()[0]
    delattr(type(module), tensor_name)
    del module.parametrizations[tensor_name]
    if isinstance(first, Parameter):
        if plist.is_tensor and tuple(first.shape) == tuple(value.shape) and first.dtype == value.dtype:
            with no_grad():
                first.copy_(value)  # the same Parameter object: an optimizer holding it still updates it
            module.register_parameter(tensor_name, first)
        else:
            module.register_parameter(tensor_name, Parameter(value.clone(), requires_grad=first.requires_grad))
    else:
        module.register_buffer(tensor_name, value.clone())
    if not is_parametrized(module):
        del module.parametrizations
        module.__class__ = type(module).__bases__[0]
    return module
