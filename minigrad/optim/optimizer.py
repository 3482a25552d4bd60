"""Optimizer: the base class every update rule builds on.

An optimizer holds
- ``param_groups``: a list of dicts, each with its ``"params"`` (a list of tensors) and its own
  options (``lr``, ``momentum``, ...). Options a group leaves out come from ``defaults``, so
  one optimizer can train the body of a network with one learning rate and its head with another.
- ``state``: a dict from each parameter (the Tensor object itself; tensors hash by identity)
  to that parameter's own dict of running quantities (momentum buffer, moment estimates, step
  count, ...). Each rule fills it on a parameter's first step (Adagrad as soon as it joins).

``step()`` walks every parameter that has a gradient and calls the subclass's ``_update`` on
the raw arrays, under ``no_grad``: the update is not part of any graph. Arrays are changed in
place (``p -= lr * g`` writes into ``p``'s memory, like ``out=p``), so a Module that holds the
parameter sees the new value, and the same code runs on NumPy and CuPy arrays.

``state_dict()`` is PyTorch's format, made only of Tensors, numbers, strings, bools, None,
lists and dicts so that ``minigrad.save`` can write it without pickle::

    {"state": {0: {"step": 3, "exp_avg": Tensor, ...}, 1: {...}},
     "param_groups": [{"lr": 0.001, "betas": (0.9, 0.999), ..., "params": [0, 1]}]}

Parameters are numbered 0, 1, 2, ... in the order the groups list them.
"""

import functools
from collections import defaultdict

import numpy as np

from ..autograd.grad_mode import enable_grad, no_grad
from ..backend import get_array_module, is_host, on_device, to_device
from ..errors import DeviceError, DTypeError, NotSupported, ShapeError
from ..ops.complex_numbers import real_pairs
from ..removable_handle import add_hook
from ..tensor import Tensor


def _real_view(a):
    """A complex array's (..., 2) real view: the same memory, real and imaginary parts apart."""
    if not a.flags.c_contiguous:  # a copy would take the update away from the parameter
        raise NotSupported(f"optimizer step: a complex parameter must be contiguous, got strides {a.strides}")
    return real_pairs(a)


class Optimizer:
    """Base class: parameter groups, per-parameter state, ``step``, ``zero_grad``, state dicts.

    A subclass passes its options as ``defaults``, checks them in ``_check_group(group)`` and
    implements ``_update(p, g, state, group)`` on raw arrays: ``p`` the parameter, ``g`` its
    gradient, ``state`` this parameter's state dict, ``group`` its options.

    A complex parameter is updated as the real pairs it holds (as PyTorch does): ``_update``
    gets the real views of its array and of its gradient (last axis doubled, the same memory),
    so every rule applies to real and imaginary parts alike, and its state has that shape.
    """

    #: whether complex parameters can be updated through their real views (LBFGS: no)
    complex_params = True

    def __init_subclass__(cls, **kwargs):
        """Every ``step`` an optimizer class defines runs its step hooks around it."""
        super().__init_subclass__(**kwargs)
        if "step" in vars(cls):
            cls.step = _with_step_hooks(vars(cls)["step"])

    def register_step_pre_hook(self, hook):
        """``hook(optimizer, args, kwargs)`` before each step; it may return new (args, kwargs)."""
        return add_hook(self, "_step_pre_hooks", hook)

    def register_step_post_hook(self, hook):
        """``hook(optimizer, args, kwargs)`` after each step."""
        return add_hook(self, "_step_post_hooks", hook)

    def __init__(self, params, defaults):
        self.defaults = dict(defaults)
        self._check_group(self.defaults)  # bad constructor arguments fail even if every group overrides them
        self.state = defaultdict(dict)
        self.param_groups = []
        if isinstance(params, Tensor):
            raise TypeError(
                f"{type(self).__name__}: params must be an iterable of Tensors or of dicts, "
                f"got a single Tensor of shape {tuple(params.shape)}; wrap it in a list"
            )
        groups = list(params)
        if len(groups) == 0:
            raise ValueError(f"{type(self).__name__}: got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def __repr__(self):
        lines = [type(self).__name__ + " ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {v}" for k, v in sorted(group.items()) if k != "params"]
        return "\n".join(lines + [")"])

    # ---- the groups -------------------------------------------------------------------------
    def add_param_group(self, param_group):
        """Add a group of parameters with its own options (missing ones come from ``defaults``).

        Useful for fine-tuning: unfreeze some layers and hand them to the optimizer mid-training.
        """
        name = type(self).__name__
        if not isinstance(param_group, dict):
            raise TypeError(f"{name}: a parameter group must be a dict, got {type(param_group).__name__}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, (set, frozenset)):
            raise TypeError(f"{name}: parameters must be in an ordered collection (a list), not a set, "
                            "so that their order and the state dict's numbering do not change between runs")
        else:
            params = list(params)
        if len(params) == 0:
            raise ValueError(f"{name}: got an empty parameter list")
        for i, p in enumerate(params):
            if not isinstance(p, Tensor):
                raise TypeError(f"{name}: can only optimize Tensors, but parameter {i} is a {type(p).__name__}")
            if not p.is_leaf:
                raise ValueError(f"{name}: cannot optimize a non-leaf tensor (parameter {i}, shape "
                                 f"{tuple(p.shape)}); optimize the leaf it was computed from")
            if p.dtype.kind != "f" and not (p.dtype.kind == "c" and self.complex_params):
                kinds = "floating point or complex" if self.complex_params else "real floating point"
                raise DTypeError(f"{name}: only {kinds} parameters can be optimized, parameter "
                                 f"{i} (shape {tuple(p.shape)}) has dtype {p.dtype}")
        if len({id(p) for p in params}) != len(params):
            raise ValueError(f"{name}: a parameter group lists the same parameter twice")
        seen = {id(p) for group in self.param_groups for p in group["params"]}
        if any(id(p) in seen for p in params):
            raise ValueError(f"{name}: some parameters appear in more than one parameter group")

        group = dict(param_group, params=params)
        for key, value in self.defaults.items():
            group.setdefault(key, value)
        self._check_group(group)
        self.param_groups.append(group)

    def _check_group(self, group):
        """Raise ValueError for options outside their range (each optimizer says which)."""

    # ---- the step ---------------------------------------------------------------------------
    def zero_grad(self, set_to_none=True):
        """Forget the gradients before the next backward (they accumulate otherwise).

        ``set_to_none=True`` drops them (less memory, and ``step`` then skips the parameter);
        ``False`` fills them with zeros in place.
        """
        for group in self.param_groups:
            for p in group["params"]:
                if p._grad is None:
                    continue
                if set_to_none:
                    p._grad = None  # the .grad setter's checks are for a Tensor assigned, not None
                else:
                    p.grad.detach_()  # a gradient built with create_graph=True leaves its graph
                    p.grad.zero_()

    def step(self, closure=None):
        """Update every parameter that has a gradient; return ``closure()``'s loss if one is given.

        ``closure`` re-evaluates the model and returns the loss (it calls ``zero_grad`` and
        ``backward`` itself); some rules need it, all accept it.
        """
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        state = self.state
        with no_grad():
            for group in self.param_groups:
                for param in group["params"]:
                    g = param._grad  # the .grad property, without its call
                    if g is None:
                        continue  # took no part in the loss: no update, no state change
                    grad, array = g.array, param.array
                    if type(grad) is np.ndarray and type(array) is np.ndarray and grad.shape == array.shape \
                            and grad.dtype == array.dtype and array.dtype.kind == "f":  # the common case
                        self._update(array, grad, state[param], group)
                    else:
                        grad = self._checked_grad(param)
                        if array.dtype.kind == "c":  # as real pairs (see the class docstring)
                            array, grad = _real_view(array), _real_view(grad)
                        if is_host(array):
                            self._update(array, grad, state[param], group)
                        else:  # CuPy allocates on the current GPU: the state goes on the parameter's
                            with on_device(param.device):
                                self._update(array, grad, state[param], group)
                    param._vbox[0] += 1  # the version counter: a graph that saved the old value sees it changed
        return loss

    def _checked_grad(self, param):
        """The gradient's array, once sure it fits the parameter (a hand-set .grad may not); step
        comes here only when its inlined test of the common case (host arrays that fit) failed."""
        grad = param.grad.array
        name = type(self).__name__
        if grad.shape != param.array.shape:
            raise ShapeError(f"{name}.step: a parameter of shape {tuple(param.shape)} has a gradient of shape "
                             f"{tuple(grad.shape)}")
        if grad.dtype != param.dtype:
            raise DTypeError(f"{name}.step: a parameter of dtype {param.dtype} (shape {tuple(param.shape)}) has a "
                             f"gradient of dtype {grad.dtype}")
        if param.grad.device != param.device:
            raise DeviceError(f"{name}.step: a parameter on {param.device} has its gradient on {param.grad.device}")
        return grad

    def _update(self, p, g, state, group):
        """Change the array ``p`` in place, given its gradient array ``g`` (subclasses)."""
        raise NotImplementedError

    def _scratch_like(self, p, xp):
        """A scratch array of p's shape and dtype, for an update's temporaries: a view of one flat
        buffer per dtype and device, grown to the largest parameter (not part of the state:
        nothing to save), so a step allocates no array per parameter."""
        buffers = self.__dict__.setdefault("_scratch", {})
        key = (p.dtype.str, type(p), getattr(getattr(p, "device", None), "id", None))
        flat = buffers.get(key)
        if flat is None or flat.size < p.size:
            flat = buffers[key] = xp.empty(p.size, dtype=p.dtype)
        return flat[:p.size].reshape(p.shape)

    # ---- saving and loading -----------------------------------------------------------------
    def state_dict(self):
        """The optimizer's state in PyTorch's layout, parameters replaced by their index.

        Unlike PyTorch, the state tensors are copies: the dict is a snapshot that later steps
        do not change.
        """
        index = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            for p in group["params"]:
                index.setdefault(id(p), len(index))
            packed["params"] = [index[id(p)] for p in group["params"]]
            groups.append(packed)
        state = {}
        for p, s in self.state.items():
            if s and id(p) in index:
                state[index[id(p)]] = {k: Tensor._make(v.array.copy()) if isinstance(v, Tensor) else v
                                       for k, v in s.items()}
        return {"state": dict(sorted(state.items())), "param_groups": groups}

    def load_state_dict(self, state_dict):
        """Restore a ``state_dict()``: same groups, same sizes, same shapes, or a clear error.

        Group options (``lr``, ...) are taken from the saved dict. State tensors are copied,
        cast to their parameter's dtype and moved to its device.
        """
        name = type(self).__name__
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(f"{name}.load_state_dict: the state dict has {len(saved_groups)} parameter "
                             f"groups but the optimizer has {len(self.param_groups)}")
        params_by_index = {}
        for g, (group, saved) in enumerate(zip(self.param_groups, saved_groups)):
            saved_ids = [int(i) for i in saved["params"]]
            if len(saved_ids) != len(group["params"]):
                raise ValueError(f"{name}.load_state_dict: parameter group {g} has {len(saved_ids)} parameters "
                                 f"in the state dict but {len(group['params'])} in the optimizer")
            params_by_index.update(zip(saved_ids, group["params"]))

        new_state = defaultdict(dict)
        for key, saved in state_dict["state"].items():
            i = int(key)  # keys may come back from a file as strings
            if i not in params_by_index:
                raise ValueError(f"{name}.load_state_dict: state for parameter {i}, which no group lists")
            p = params_by_index[i]
            new_state[p] = {k: _restore(v, p, k, i, name) for k, v in saved.items()}

        new_groups = []
        for group, saved in zip(self.param_groups, saved_groups):
            new = {k: _plain(v, group.get(k)) for k, v in saved.items() if k != "params"}
            new["params"] = group["params"]
            self._check_group(new)
            new_groups.append(new)
        self.param_groups = new_groups
        self.state = new_state


def _plain(value, like=None):
    """A loaded option as a python value (files give back numpy scalars and lists for tuples)."""
    if isinstance(value, Tensor):
        value = value.cpu().numpy()
    if isinstance(value, (np.ndarray, np.generic)):
        value = value.tolist()
    if isinstance(value, list) and isinstance(like, tuple):
        value = tuple(value)
    return value


def _restore(value, param, key, index, name):
    """A copy of one saved state entry, fitted to its parameter (or a clear error)."""
    if key == "step":  # the step counter is a number (a file may give it back as an array)
        return int(_plain(value))
    if not isinstance(value, (Tensor, np.ndarray)):
        return _plain(value)
    array = value.array if isinstance(value, Tensor) else value
    if tuple(array.shape) != tuple(param.shape):
        raise ShapeError(f"{name}.load_state_dict: state '{key}' of parameter {index} has shape "
                         f"{tuple(array.shape)} but the parameter has shape {tuple(param.shape)}")
    array = to_device(array, param.device).astype(param.dtype, copy=True)
    return Tensor._make(array)


def _with_step_hooks(step):
    """``step`` that runs the optimizer's step pre- and post-hooks (registered on it) around it."""

    @functools.wraps(step)
    def stepped(self, *args, **kwargs):
        pre, post = self.__dict__.get("_step_pre_hooks"), self.__dict__.get("_step_post_hooks")
        if not pre and not post or self.__dict__.get("_stepping"):  # no hooks, or a subclass's step
            return step(self, *args, **kwargs)                        # calling super().step(): run once
        for hook in list((pre or {}).values()):
            changed = hook(self, args, kwargs)
            if changed is not None:
                args, kwargs = changed
        self._stepping = True
        try:
            out = step(self, *args, **kwargs)
        finally:
            self._stepping = False
        for hook in list((post or {}).values()):
            hook(self, args, kwargs)
        return out

    return stepped


Optimizer.step = _with_step_hooks(Optimizer.step)  # (subclasses' own steps: __init_subclass__)


def first_step(state, p, *buffers, **numbers):
    """On a parameter's first step, start its state: step = 0, each named buffer at zeros like
    ``p``, and the given numbers. Returns whether it was the first step."""
    if "step" in state:
        return False
    xp = get_array_module(p)
    state["step"] = 0
    for name in buffers:
        state[name] = Tensor._make(xp.zeros_like(p))
    state.update(numbers)
    return True


def running_average_(avg, value, beta):
    """avg = β avg + (1 - β) value, in place: the exponential moving averages every adaptive rule keeps."""
    avg *= beta
    avg += (1 - beta) * value


def weight_decay(p, g, lr, wd, decoupled=False):
    """λ = wd: θ = θ (1 - γ λ) when ``decoupled`` (AdamW's form), else g = g + λ θ (an L2 penalty)."""
    if wd == 0:
        return g
    if decoupled:
        p *= 1 - lr * wd
        return g
    return g + wd * p


def check_option(ok, optimizer, message):
    """Raise ``ValueError("<optimizer>: <message>")`` unless ``ok`` (NaN options fail every check)."""
    if not ok:
        raise ValueError(f"{optimizer}: {message}")


def check_implementation(optimizer, differentiable):
    """PyTorch's implementation switches. ``foreach``, ``fused`` and ``capturable`` only choose
    how the same arithmetic runs (loops, fused kernels, CUDA graphs), so the optimizers accept
    and ignore them. ``differentiable=True`` asks for a step that autograd can differentiate
    through, which minigrad's in-place steps are not: refused rather than silently ignored."""
    if differentiable:
        raise NotSupported(f"{optimizer}: differentiable=True is not supported (the step updates the "
                           "parameters in place, outside autograd)")
