"""Containers: modules that hold other modules.

- ``Sequential``: a pipeline; its forward feeds each module's output to the next.
- ``ModuleList``: a list of modules (no forward); indexing and iteration like a list.
- ``ModuleDict``: a dict of modules (no forward), in insertion order.
- ``ParameterList``, ``ParameterDict``: the same for parameters (a Tensor put in one becomes
  a Parameter, as in PyTorch).
- ``Container``: PyTorch's deprecated keyword-argument holder, kept for old programs.

They register their members under the names ``"0"``, ``"1"``, ... (or the dict keys), so
``state_dict`` keys look like PyTorch's: ``"0.weight"``, ``"layers.2.bias"``, ``"scales.1"``.
"""

import operator
import warnings
from collections import OrderedDict

from ..errors import DTypeError, IndexOutOfRange
from ..tensor import Tensor
from .module import Module
from .parameter import Parameter


def _index(idx, n, kind, what="modules"):
    """A list index in range(n), negative ones counted from the end."""
    idx = operator.index(idx)
    if not -n <= idx < n:
        raise IndexOutOfRange(f"{kind}: index {idx} is out of range for {n} {what}")
    return idx % n


def _renumber(container, modules):
    """Register ``modules`` again under the names "0", "1", "2", ... (after a delete or an insert, as in PyTorch)."""
    container._modules.clear()
    for i, m in enumerate(modules):
        container.add_module(str(i), m)


class _ModuleSequence(Module):
    """What Sequential and ModuleList share: an ordered run of modules, added at the end as "0", "1", ..."""

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def append(self, module):
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules):
        for m in modules:
            self.append(m)
        return self


class Sequential(_ModuleSequence):
    """Modules applied one after the other: ``Sequential(Linear(2, 8), ReLU(), Linear(8, 1))``.

    Also ``Sequential(OrderedDict([("fc", Linear(2, 8)), ("act", ReLU())]))`` to name them.
    Indexing gives a module, slicing a new Sequential sharing the same modules.

    Composition: its submodules in turn (no Function of its own).
    """

    def __init__(self, *args):
        super().__init__()
        if len(args) == 1 and isinstance(args[0], OrderedDict):
            for name, module in args[0].items():
                self.add_module(name, module)
        else:
            for i, module in enumerate(args):
                self.add_module(str(i), module)

    def forward(self, x):
        for module in self._modules.values():
            x = module(x)
        return x

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            return Sequential(OrderedDict(list(self._modules.items())[idx]))
        return list(self._modules.values())[_index(idx, len(self), "Sequential")]

    def __setitem__(self, idx, module):
        key = list(self._modules)[_index(idx, len(self), "Sequential")]
        self.add_module(key, module)

    def __delitem__(self, idx):
        keys = list(self._modules)
        for key in (keys[idx] if isinstance(idx, slice) else [keys[_index(idx, len(self), "Sequential")]]):
            del self._modules[key]
        if all(k.isdigit() for k in keys):
            _renumber(self, list(self._modules.values()))

    def insert(self, index, module):
        n = len(self)
        if not -n <= index <= n:
            raise IndexOutOfRange(f"Sequential.insert: index {index} is out of range for {n} modules")
        index = index % (n + 1) if index < 0 else index
        items = list(self._modules.values())
        items.insert(index, module)
        _renumber(self, items)
        return self


_CONTAINER_DEPRECATED = ("`nn.Container` is deprecated. All of its functionality is now implemented in "
                         "`nn.Module`. Subclass that instead.")


class Container(Module):
    """Deprecated in PyTorch: a Module whose keyword arguments become its submodules,
    ``Container(encoder=..., decoder=...)``. Making one or subclassing it warns (FutureWarning).

    Composition: none; submodules the owner calls (no Function of its own).
    """

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        warnings.warn(_CONTAINER_DEPRECATED, FutureWarning, stacklevel=2)

    def __init__(self, **kwargs):
        if type(self) is Container:  # a subclass was warned about when it was defined
            warnings.warn(_CONTAINER_DEPRECATED, FutureWarning, stacklevel=2)
        super().__init__()
        for key, value in kwargs.items():
            self.add_module(key, value)


class ModuleList(_ModuleSequence):
    """A list of modules whose parameters the parent module sees (a plain list would hide them).

    Composition: none; a list of submodules the owner calls (no Function of its own).
    """

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            return ModuleList(list(self._modules.values())[idx])
        return self._modules[str(_index(idx, len(self), "ModuleList"))]

    def __setitem__(self, idx, module):
        self.add_module(str(_index(idx, len(self), "ModuleList")), module)

    def __delitem__(self, idx):
        items = list(self._modules.values())
        if isinstance(idx, slice):
            del items[idx]
        else:
            del items[_index(idx, len(self), "ModuleList")]
        _renumber(self, items)

    def __iadd__(self, modules):
        return self.extend(modules)

    def insert(self, index, module):
        items = list(self._modules.values())
        items.insert(index, module)
        _renumber(self, items)

    def forward(self, *args, **kwargs):
        raise NotImplementedError("ModuleList has no forward(); iterate over it and call its modules")


class ModuleDict(Module):
    """A dict of modules (insertion order) whose parameters the parent module sees.

    Composition: none; a dict of submodules the owner calls (no Function of its own).
    """

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key):
        return self._modules[key]

    def __setitem__(self, key, module):
        self.add_module(key, module)

    def __delitem__(self, key):
        del self._modules[key]

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules)

    def __contains__(self, key):
        return key in self._modules

    def keys(self):
        return self._modules.keys()

    def values(self):
        return self._modules.values()

    def items(self):
        return self._modules.items()

    def pop(self, key):
        module = self._modules[key]
        del self._modules[key]
        return module

    def clear(self):
        self._modules.clear()

    def update(self, modules):
        items = modules.items() if hasattr(modules, "items") else modules
        for key, module in items:
            self[key] = module

    def forward(self, *args, **kwargs):
        raise NotImplementedError("ModuleDict has no forward(); look up its modules by key and call them")


def _as_parameter(kind, value):
    """A Parameter as is; another Tensor wrapped as one (``Parameter(t)``: sharing its memory,
    requiring grad), as PyTorch's ParameterList and ParameterDict do."""
    if isinstance(value, Parameter):
        return value
    if isinstance(value, Tensor):
        return Parameter(value)
    raise DTypeError(f"{kind}: can only hold Parameters or Tensors, got {type(value).__name__}")


def _parameter_line(name, p):
    device = "" if p.device == "cpu" else f" ({p.device})"
    size = "x".join(str(n) for n in p.shape)
    return f"({name}): Parameter containing: [{p.dtype} of size {size}{device}]"


class ParameterList(Module):
    """A list of parameters whose parent module sees them (as ``"0"``, ``"1"``, ...); no forward.

    ``ParameterList([nn.Parameter(mg.randn(3)), mg.zeros(3)])``: indexing gives a Parameter,
    slicing a new ParameterList of the same Parameters.

    Composition: none; a list of parameters (no Function of its own).
    """

    def __init__(self, values=None):
        super().__init__()
        if values is not None:
            self.extend(values)

    def __len__(self):
        return len(self._parameters)

    def __iter__(self):
        return iter(self._parameters.values())

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            return ParameterList(list(self._parameters.values())[idx])
        return self._parameters[str(_index(idx, len(self), "ParameterList", "parameters"))]

    def __setitem__(self, idx, value):
        self.register_parameter(str(_index(idx, len(self), "ParameterList", "parameters")),
                                _as_parameter("ParameterList", value))

    def __iadd__(self, values):
        return self.extend(values)

    def append(self, value):
        self.register_parameter(str(len(self)), _as_parameter("ParameterList", value))
        return self

    def extend(self, values):
        for v in values:
            self.append(v)
        return self

    def extra_repr(self):
        return "\n".join(_parameter_line(name, p) for name, p in self._parameters.items())

    def forward(self, *args, **kwargs):
        raise NotImplementedError("ParameterList has no forward(); use its parameters in your own module")


class ParameterDict(Module):
    """A dict of parameters (insertion order) whose parent module sees them; no forward.

    Composition: none; a dict of parameters (no Function of its own).
    """

    def __init__(self, parameters=None):
        super().__init__()
        if parameters is not None:
            self.update(parameters)

    def __getitem__(self, key):
        return self._parameters[key]

    def __setitem__(self, key, value):
        self.register_parameter(key, _as_parameter("ParameterDict", value))

    def __delitem__(self, key):
        del self._parameters[key]

    def __len__(self):
        return len(self._parameters)

    def __iter__(self):
        return iter(self._parameters)

    def __contains__(self, key):
        return key in self._parameters

    def keys(self):
        return self._parameters.keys()

    def values(self):
        return self._parameters.values()

    def items(self):
        return self._parameters.items()

    def get(self, key, default=None):
        return self._parameters.get(key, default)

    def pop(self, key):
        value = self._parameters[key]
        del self._parameters[key]
        return value

    def setdefault(self, key, default=None):
        if key not in self._parameters:
            self[key] = default
        return self._parameters[key]

    def clear(self):
        self._parameters.clear()

    def copy(self):
        """A new ParameterDict holding the same Parameters."""
        return ParameterDict(self.items())

    def update(self, parameters):
        """Add (key, parameter) pairs. As in PyTorch, a plain dict's keys go in sorted order; an
        OrderedDict, a ParameterDict or a list of pairs keeps its own order."""
        if isinstance(parameters, (OrderedDict, ParameterDict)):
            items = parameters.items()
        elif hasattr(parameters, "items"):
            items = sorted(parameters.items())
        else:
            items = parameters
        for key, value in items:
            self[key] = value

    def extra_repr(self):
        return "\n".join(_parameter_line(name, p) for name, p in self._parameters.items())

    def forward(self, *args, **kwargs):
        raise NotImplementedError("ParameterDict has no forward(); look up its parameters by key")
