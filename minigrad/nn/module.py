"""Module: the base class of every layer and model.

A Module holds three kinds of named state, each in its own ordered dict:

- ``_parameters``: learnable ``Parameter`` tensors (what an optimizer updates);
- ``_buffers``: tensors that are state but not learned (BatchNorm's running mean);
- ``_modules``: sub-modules, so models are trees.

Plain attribute assignment registers them: ``self.fc = Linear(2, 3)`` puts ``fc`` in
``_modules``, ``self.w = Parameter(...)`` puts ``w`` in ``_parameters``, ``self.r = Buffer(...)``
puts ``r`` in ``_buffers``. Dicts keep insertion order, so iteration order is registration order,
the same on every run.

Every tree walk (``parameters()``, ``state_dict()``, ``to()``) is built on ``named_modules()``,
which names each module by its path from the root: ``"encoder.layers.0"``. A parameter's name
is that path plus its attribute: ``"encoder.layers.0.weight"``, PyTorch's ``state_dict`` keys.
"""

from collections import OrderedDict, namedtuple

import numpy as np  # to read arrays handed to load_state_dict (no computation on data here)

from .. import backend, dtypes
from ..autograd.grad_mode import no_grad
from ..errors import (ArgumentError, ArgumentKeyError, ArgumentRuntimeError, ArgumentTypeError, DTypeError,
                      MissingForward, ModuleAttributeError)
from ..memory_formats import laid_out
from ..removable_handle import RemovableHandle as _HookHandle
from ..tensor import Tensor, parse_to_args
from .parameter import Buffer, Parameter
from . import state_dict_hooks


class IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """What ``load_state_dict`` returns: keys the model has that the dict lacked, and the reverse."""

    def __repr__(self):
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()


class Module:
    """Base class for layers and models: subclass it, register state in ``__init__``,
    compute in ``forward``, call the instance (``model(x)``) to run it."""

    def __init__(self):
        # object.__setattr__ because our own __setattr__ needs these dicts to exist
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_non_persistent_buffers", set())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "_forward_pre_hooks", OrderedDict())
        object.__setattr__(self, "_forward_hooks", OrderedDict())
        object.__setattr__(self, "_backward_hooks", OrderedDict())
        object.__setattr__(self, "_backward_pre_hooks", OrderedDict())
        object.__setattr__(self, "_hooks_with_kwargs", set())

    # ---- running ---------------------------------------------------------------------------
    def forward(self, *args, **kwargs):
        """What the module computes: every subclass defines it (``model(x)`` calls it)."""
        raise MissingForward(f'Module [{type(self).__name__}] is missing the required "forward" function')

    def __call__(self, *args, **kwargs):
        """Run ``forward``, with any forward hooks before and after it (and backward hooks' edges)."""
        if not (self._forward_pre_hooks or self._forward_hooks or self._backward_hooks
                or self._backward_pre_hooks):
            return self.forward(*args, **kwargs)  # no hooks, the common case: nothing else to do
        for key, hook in list(self._forward_pre_hooks.items()):
            if key in self._hooks_with_kwargs:
                result = hook(self, args, kwargs)
                if result is not None:
                    args, kwargs = result
            else:
                result = hook(self, args)
                if result is not None:
                    args = result if isinstance(result, tuple) else (result,)
        record = None
        if self._backward_hooks or self._backward_pre_hooks:
            from .backward_hooks import wrap_inputs

            args, record = wrap_inputs(self, args)
        out = self.forward(*args, **kwargs)
        for key, hook in list(self._forward_hooks.items()):
            result = hook(self, args, kwargs, out) if key in self._hooks_with_kwargs else hook(self, args, out)
            if result is not None:
                out = result
        if record is not None:
            from .backward_hooks import wrap_outputs

            out = wrap_outputs(record, out)
        return out

    def _add_hook(self, hooks, hook, prepend=False, with_kwargs=False):
        handle = _HookHandle(hooks)
        hooks[handle.id] = hook
        if prepend:
            hooks.move_to_end(handle.id, last=False)
        if with_kwargs:
            self._hooks_with_kwargs.add(handle.id)
        return handle

    def register_forward_pre_hook(self, hook, *, prepend=False, with_kwargs=False):
        """``hook(module, args)`` runs before forward; returning a value replaces the args.

        With ``with_kwargs=True`` it is ``hook(module, args, kwargs)`` and may return (args, kwargs).
        """
        return self._add_hook(self._forward_pre_hooks, hook, prepend, with_kwargs)

    def register_forward_hook(self, hook, *, prepend=False, with_kwargs=False, always_call=False):
        """``hook(module, args, output)`` runs after forward; returning a value replaces the output.

        With ``with_kwargs=True`` it is ``hook(module, args, kwargs, output)``.
        """
        return self._add_hook(self._forward_hooks, hook, prepend, with_kwargs)

    def register_full_backward_hook(self, hook, prepend=False):
        """``hook(module, grad_input, grad_output)`` once the gradients of the module's inputs are known.

        grad_input and grad_output are tuples with one entry per tensor input (output) that
        requires grad; a returned tuple replaces grad_input. See ``nn/backward_hooks.py``.
        """
        return self._add_hook(self._backward_hooks, hook, prepend)

    register_backward_hook = register_full_backward_hook

    def register_full_backward_pre_hook(self, hook, prepend=False):
        """``hook(module, grad_output)`` before the module's gradients are computed; may replace grad_output."""
        return self._add_hook(self._backward_pre_hooks, hook, prepend)

    # ---- registration ----------------------------------------------------------------------
    def _check_name(self, name, kind):
        if "_parameters" not in self.__dict__:
            raise ModuleAttributeError(f"cannot assign {kind} before Module.__init__() call "
                                 f"(call super().__init__() first in {type(self).__name__}.__init__)")
        if not isinstance(name, str):
            raise ArgumentTypeError(f"{kind} name should be a string, got {type(name).__name__}")
        if name == "" or "." in name:
            raise ArgumentKeyError(f"{kind} name can't be empty or contain '.', got {name!r}")

    def register_parameter(self, name, param):
        """Add a Parameter (or None, a declared-but-absent slot such as a missing bias)."""
        self._check_name(name, "parameter")
        if hasattr(self, name) and name not in self._parameters:
            raise ArgumentKeyError(f"attribute {name!r} already exists")
        if param is not None and not isinstance(param, Parameter):
            raise ArgumentTypeError(f"cannot assign {type(param).__name__} as parameter {name!r} "
                            "(minigrad.nn.Parameter or None expected)")
        self._parameters[name] = param

    def register_buffer(self, name, tensor, persistent=True):
        """Add a buffer: state saved in ``state_dict`` (unless ``persistent=False``) and moved by
        ``to()``, but not returned by ``parameters()`` and not trained."""
        self._check_name(name, "buffer")
        if hasattr(self, name) and name not in self._buffers:
            raise ArgumentKeyError(f"attribute {name!r} already exists")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise ArgumentTypeError(f"cannot assign {type(tensor).__name__} as buffer {name!r} (Tensor or None expected)")
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers.discard(name)
        else:
            self._non_persistent_buffers.add(name)

    def add_module(self, name, module):
        """Add a sub-module (or None) under ``name``."""
        self._check_name(name, "module")
        if hasattr(self, name) and name not in self._modules:
            raise ArgumentKeyError(f"attribute {name!r} already exists")
        if module is not None and not isinstance(module, Module):
            raise ArgumentTypeError(f"{type(module).__name__} is not a Module subclass")
        self._modules[name] = module

    register_module = add_module

    def __setattr__(self, name, value):
        params = self.__dict__.get("_parameters")
        if isinstance(value, Parameter):
            self._check_name(name, "parameter")
            self._forget(name)
            params[name] = value
        elif params is not None and name in params:
            if value is not None:
                raise ArgumentTypeError(f"cannot assign {type(value).__name__} as parameter {name!r} "
                                "(minigrad.nn.Parameter or None expected)")
            params[name] = None
        elif isinstance(value, Module):
            self._check_name(name, "module")
            self._forget(name)
            self._modules[name] = value
        elif self.__dict__.get("_modules") is not None and name in self._modules:
            if value is not None:
                raise ArgumentTypeError(f"cannot assign {type(value).__name__} as child module {name!r} "
                                "(Module or None expected)")
            self._modules[name] = None
        elif isinstance(value, Buffer):  # nn.Buffer(t, persistent=...): registered with its persistence
            self.register_buffer(name, value, value.persistent)
        elif self.__dict__.get("_buffers") is not None and name in self._buffers:
            if value is not None and not isinstance(value, Tensor):
                raise ArgumentTypeError(f"cannot assign {type(value).__name__} as buffer {name!r} (Tensor or None expected)")
            self._buffers[name] = value
        else:
            object.__setattr__(self, name, value)

    def _forget(self, name):
        """Remove ``name`` from wherever it was, so one name lives in one place only."""
        self.__dict__.pop(name, None)
        for d in (self._parameters, self._buffers, self._modules):
            d.pop(name, None)
        self._non_persistent_buffers.discard(name)

    def __getattr__(self, name):
        # only called when normal lookup fails: look in the three registries
        d = self.__dict__
        for kind in ("_parameters", "_buffers", "_modules"):
            if kind in d and name in d[kind]:
                return d[kind][name]
        raise ModuleAttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name):
        for kind in ("_parameters", "_buffers", "_modules"):
            if name in self.__dict__.get(kind, {}):
                del self.__dict__[kind][name]
                self._non_persistent_buffers.discard(name)
                return
        object.__delattr__(self, name)

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self._parameters) | set(self._buffers) | set(self._modules))

    # ---- walking the tree ------------------------------------------------------------------
    def named_modules(self, memo=None, prefix="", remove_duplicate=True):
        """(path, module) for this module and every descendant, depth first, in registration order.
        A module reachable twice is yielded once (unless ``remove_duplicate=False``)."""
        if memo is None:
            memo = set()
        if remove_duplicate:
            if id(self) in memo:
                return
            memo.add(id(self))
        yield prefix, self
        for name, child in self._modules.items():
            if child is None:
                continue
            yield from child.named_modules(memo, prefix + ("." if prefix else "") + name, remove_duplicate)

    def modules(self):
        for _, m in self.named_modules():
            yield m

    def named_children(self):
        """(name, module) for the direct sub-modules."""
        seen = set()
        for name, child in self._modules.items():
            if child is not None and id(child) not in seen:
                seen.add(id(child))
                yield name, child

    def children(self):
        for _, child in self.named_children():
            yield child

    def _named_members(self, kind, prefix, recurse, remove_duplicate=True):
        """(full name, tensor) of one registry (parameters or buffers) over the tree."""
        seen = set()
        modules = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) if recurse else [(prefix, self)]
        for path, module in modules:
            for name, t in getattr(module, kind).items():
                if t is None or (remove_duplicate and id(t) in seen):
                    continue
                seen.add(id(t))
                yield path + ("." if path else "") + name, t

    def named_parameters(self, prefix="", recurse=True, remove_duplicate=True):
        """(name, Parameter) pairs; a parameter shared by two layers is yielded once."""
        return self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse=True):
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(self, prefix="", recurse=True, remove_duplicate=True):
        return self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse=True):
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    def get_submodule(self, target):
        """The sub-module at a dotted path like ``"encoder.layers.0"`` ("" is this module)."""
        module = self
        for part in target.split(".") if target else []:
            if part not in module._modules or module._modules[part] is None:
                raise ModuleAttributeError(f"{type(module).__name__} has no sub-module {part!r} (looking up {target!r})")
            module = module._modules[part]
        return module

    def get_parameter(self, target):
        """The parameter at a dotted path like ``"encoder.layers.0.weight"``."""
        path, _, name = target.rpartition(".")
        module = self.get_submodule(path)
        if name not in module._parameters:
            raise ModuleAttributeError(f"{type(module).__name__} has no parameter {name!r} (looking up {target!r})")
        return module._parameters[name]

    def get_buffer(self, target):
        """The buffer at a dotted path like ``"bn.running_mean"``."""
        path, _, name = target.rpartition(".")
        module = self.get_submodule(path)
        if name not in module._buffers:
            raise ModuleAttributeError(f"{type(module).__name__} has no buffer {name!r} (looking up {target!r})")
        return module._buffers[name]

    def share_memory(self):
        """Accepted for PyTorch programs; minigrad's worker processes get copies, so this does nothing."""
        return self

    def compile(self, *args, **kwargs):
        """Accepted for PyTorch programs: minigrad runs eagerly, there is nothing to compile."""
        return None

    # ---- modes -----------------------------------------------------------------------------
    def train(self, mode=True):
        """Switch this module and all descendants to training mode (or eval mode with False)."""
        if not isinstance(mode, bool):
            raise ArgumentError(f"train: mode should be a bool, got {mode!r}")
        for m in self.modules():
            object.__setattr__(m, "training", mode)
        return self

    def eval(self):
        """Evaluation mode: Dropout passes its input through, BatchNorm uses running statistics."""
        return self.train(False)

    def requires_grad_(self, requires_grad=True):
        """Turn gradient tracking on or off for every parameter (e.g. to freeze a layer)."""
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none=True):
        """Forget the accumulated gradients: set ``.grad`` to None (default) or fill it with zeros."""
        for p in self.parameters():
            if p.grad is None:
                continue
            if set_to_none:
                p.grad = None
            else:
                p.grad = Tensor._make(p.grad.xp.zeros_like(p.grad.array))

    def apply(self, fn):
        """Call ``fn(module)`` on every descendant, then on this module (children first); returns self."""
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    # ---- devices and dtypes ----------------------------------------------------------------
    def _apply_to_tensors(self, convert):
        """Replace every parameter's and buffer's array (and gradient) by ``convert(array)``.

        The Parameter objects stay the same, so an optimizer built before ``to()`` still holds
        the model's parameters.
        """
        for module in self.modules():
            for store in (module._parameters, module._buffers):
                for t in store.values():
                    if t is None:
                        continue
                    t.array = convert(t.array)
                    if t.grad is not None:
                        t.grad = Tensor._make(convert(t.grad.array))
        return self

    def to(self, *args, device=None, dtype=None, non_blocking=False, memory_format=None):
        """Move (in place) to a device and/or cast floating point state to a dtype; returns self.

        ``to("cuda")``, ``to(minigrad.float64)``, ``to("cpu", minigrad.float32)``, ``to(tensor)``.
        Integer buffers (like BatchNorm's ``num_batches_tracked``) keep their dtype, as in PyTorch.
        ``memory_format=minigrad.channels_last`` lays out the 4-D parameters and buffers (conv
        kernels) channels last, as PyTorch does; ``non_blocking`` changes nothing here.
        """
        device, dtype, _ = parse_to_args(args, device, dtype)
        dtype = dtypes.as_dtype(dtype)
        if dtype is not None and dtype.kind != "f":
            raise DTypeError(f"Module.to only accepts floating point dtypes, got {dtype}")
        device = None if device is None else backend.Device(device)

        def convert(array):
            if device is not None:
                array = backend.to_device(array, device)
            if dtype is not None and array.dtype.kind == "f" and array.dtype != dtype:
                array = array.astype(dtype)
            if memory_format is not None and (memory_format.order is None or array.ndim == len(memory_format.order)):
                array = laid_out(array, memory_format, "Module.to")  # (channels_last: the 4-D tensors only)
            return array

        return self._apply_to_tensors(convert)

    def to_empty(self, *, device, recurse=True):
        """Parameters and buffers replaced by new uninitialised ones (zeros here) on ``device``,
        the same shapes and dtypes: for a model built without real weights, which
        ``load_state_dict`` or an init then fills."""
        device = backend.Device(device)
        xp = backend.xp_for(device)

        def fresh(array):
            with backend.on_device(device):
                return xp.zeros(array.shape, dtype=array.dtype)

        return self._apply_to_tensors(fresh)

    def cpu(self):
        return self.to("cpu")

    def cuda(self, device=None, non_blocking=False):
        return self.to("cuda" if device is None else f"cuda:{device}" if isinstance(device, int) else device)

    def float(self):
        return self.to(dtype=dtypes.float32)

    def double(self):
        return self.to(dtype=dtypes.float64)

    def half(self):
        return self.to(dtype=dtypes.float16)

    def type(self, dtype):
        return self.to(dtype=dtype)

    # ---- state dicts -----------------------------------------------------------------------
    def _state_items(self):
        """(key, module, attribute name, tensor) for every entry of the state dict, in order."""
        for path, module in self.named_modules(remove_duplicate=False):
            pre = path + ("." if path else "")
            for name, p in module._parameters.items():
                if p is not None:
                    yield pre + name, module, name, p
            for name, b in module._buffers.items():
                if b is not None and name not in module._non_persistent_buffers:
                    yield pre + name, module, name, b

    def state_dict(self, destination=None, prefix="", keep_vars=False):
        """An OrderedDict from names (PyTorch's keys, like ``"0.weight"``) to tensors.

        The tensors share memory with the model (as in PyTorch); they are detached from the
        graph unless ``keep_vars=True``. Save it with ``minigrad.save``. Its ``_metadata`` holds
        each module's ``_version``, and the state-dict hooks run (nn/state_dict_hooks.py).
        """
        modules = state_dict_hooks.prefixed(self)
        state_dict_hooks.before_state_dict(modules, prefix, keep_vars)
        out = OrderedDict() if destination is None else destination
        if hasattr(out, "__dict__"):  # (a plain dict passed as destination cannot carry it)
            out._metadata = state_dict_hooks.metadata(modules)
        for key, _, _, t in self._state_items():
            out[prefix + key] = t if keep_vars else t.detach()
        return state_dict_hooks.after_state_dict(modules, out, prefix)

    # PyTorch's steps into saving and loading (nn/state_dict_hooks.py)
    _version = 1  # a module's format version, in state_dict()._metadata; bump it when keys change

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs):
        """Override to rename or convert this module's entries of ``state_dict`` (keys start with
        ``prefix``) before they load, then call ``super()``; append messages to ``error_msgs`` to
        refuse the load. Here it does nothing: load_state_dict loads every entry afterwards."""

    def register_load_state_dict_pre_hook(self, hook):
        return state_dict_hooks.add_hook(self, "_load_state_dict_pre_hooks", hook, with_module=True)

    def _register_load_state_dict_pre_hook(self, hook, with_module=False):
        return state_dict_hooks.add_hook(self, "_load_state_dict_pre_hooks", hook, with_module=with_module)

    def register_load_state_dict_post_hook(self, hook):
        return state_dict_hooks.add_hook(self, "_load_state_dict_post_hooks", hook)

    def register_state_dict_pre_hook(self, hook):
        return state_dict_hooks.add_hook(self, "_state_dict_pre_hooks", hook)

    def register_state_dict_post_hook(self, hook):
        return state_dict_hooks.add_hook(self, "_state_dict_hooks", hook)

    _register_state_dict_hook = register_state_dict_post_hook

    def load_state_dict(self, state_dict, strict=True, assign=False):
        """Copy values from ``state_dict`` into this module's parameters and buffers (with
        ``assign=True``, take the state dict's tensors themselves, their dtype and device
        included, keeping each parameter's requires_grad, as PyTorch does).

        Values may be Tensors or arrays, NumPy's or CuPy's (a PyTorch state dict converted
        with ``.numpy()`` loads as is; each value is copied to its target's device). Every problem is collected first and reported together, by key: keys
        the model expects but the dict lacks (missing), keys the model does not have
        (unexpected, both only errors when ``strict``), and wrong shapes or non-numeric
        values (always errors). When anything is wrong nothing is changed. Returns
        ``IncompatibleKeys(missing_keys, unexpected_keys)``.
        """
        if not hasattr(state_dict, "keys"):
            raise ArgumentTypeError(f"load_state_dict: expected a dict of tensors, got {type(state_dict).__name__}")
        # every module's hooks and _load_from_state_dict first, on a copy (state_dict_hooks.py)
        modules = state_dict_hooks.prefixed(self)
        state_dict, errors = state_dict_hooks.before_load(modules, state_dict, strict, Module._load_from_state_dict)
        targets, owners = OrderedDict(), {}
        for key, module, name, t in self._state_items():
            targets[key], owners[key] = t, (module, name)
        missing = [k for k in targets if k not in state_dict]
        unexpected = [k for k in state_dict if k not in targets]
        staged = []
        for key, target in targets.items():
            if key not in state_dict:
                continue
            value = state_dict[key]
            if not isinstance(value, Tensor):
                try:
                    value = Tensor._make(backend.as_array(value))  # a CuPy array is taken as it is
                except Exception:  # noqa: BLE001 - reported below by key
                    value = None
            if value is None or value.dtype.kind not in "biuf":
                kind = type(state_dict[key]).__name__ if value is None else f"dtype {value.dtype}"
                errors.append(f"{key}: expected a tensor or a numeric array, got {kind}")
            elif tuple(value.shape) != tuple(target.shape):
                errors.append(f"size mismatch for {key}: copying a param with shape {tuple(value.shape)} "
                              f"from checkpoint, the shape in current model is {tuple(target.shape)}")
            elif target.dtype.kind in "iub" and value.dtype.kind == "f" and not assign:
                errors.append(f"dtype mismatch for {key}: the checkpoint holds {value.dtype} but the "
                              f"model's entry is {target.dtype}; a float cannot be loaded into it without loss")
            else:
                staged.append((key, value))
        if strict:
            if unexpected:
                errors.insert(0, "Unexpected key(s) in state_dict: " + ", ".join(f'"{k}"' for k in unexpected))
            if missing:
                errors.insert(0, "Missing key(s) in state_dict: " + ", ".join(f'"{k}"' for k in missing))
        if errors:
            raise ArgumentRuntimeError(f"Error(s) in loading state_dict for {type(self).__name__} (nothing was changed):\n\t"
                               + "\n\t".join(errors))
        if assign:
            for key, value in staged:
                module, name = owners[key]
                if name in module._parameters:
                    module._parameters[name] = Parameter(value.detach(), requires_grad=module._parameters[name].requires_grad)
                else:
                    module._buffers[name] = value
        else:
            # convert everything before writing anything, so a failed transfer changes nothing either
            arrays = [backend.to_device(v.array, targets[key].device).astype(targets[key].dtype, copy=False)
                      for key, v in staged]
            with no_grad():  # copy_ moves the version counter: a graph that saved the old value raises
                for (key, _), array in zip(staged, arrays):
                    targets[key].copy_(Tensor._make(array))
        result = IncompatibleKeys(missing, unexpected)
        state_dict_hooks.after_load(modules, result)
        return result

    # ---- printing --------------------------------------------------------------------------
    def extra_repr(self):
        """The text inside the parentheses of this module's line in ``repr`` (layer settings)."""
        return ""

    def _get_name(self):
        return type(self).__name__

    def __repr__(self):
        """The tree, as PyTorch prints it: ``Name(extra)`` or ``Name(\\n  (child): ...\\n)``."""
        lines = []
        extra = self.extra_repr()
        if extra:
            lines = extra.split("\n")
        for name, child in self._modules.items():
            text = repr(child).replace("\n", "\n  ")
            lines.append(f"({name}): {text}")
        if not self._modules and len(lines) <= 1:
            return f"{self._get_name()}({extra})"
        return self._get_name() + "(\n  " + "\n  ".join(lines) + "\n)"
