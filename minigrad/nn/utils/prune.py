"""Pruning (PyTorch's ``torch.nn.utils.prune``): zero out some entries of a parameter, and keep
them zero while the rest trains.

Pruning ``module.<name>`` reparametrizes it as

    w = w_orig ⊙ mask      (⊙: elementwise product; mask holds 1 = keep, 0 = pruned)

``<name>`` leaves ``module._parameters``; the original values become the parameter
``<name>_orig`` (what an optimizer now updates) and the 0/1 tensor becomes the buffer
``<name>_mask`` (saved in ``state_dict``, not trained). A forward pre-hook recomputes w before
every forward and stores it as a plain attribute ``module.<name>``, so ``forward`` reads the
pruned weight as it always read the weight.

Why the pruned entries stop learning: w is an ordinary product in the graph, so

    dL/dw_orig = dL/dw ⊙ mask

is zero wherever the mask is 0. The optimizer sees a zero gradient there (weight decay and
momentum may still move w_orig, but w stays 0 because the mask multiplies it again).

Pruning the same parameter again multiplies a new mask into the old one: the hooks are gathered
in a ``PruningContainer``, and the new method is computed on the entries (or, for structured
methods, the channels) still alive, so ``amount=0.5`` twice keeps a quarter. ``remove`` makes it
permanent: ``<name>`` becomes a parameter again, holding w_orig ⊙ mask, and ``_orig``, ``_mask``
and the hook go.

Masks are chosen on raw arrays (a choice of indices, not a differentiable computation). Where
scores tie exactly, the lower index is pruned first; PyTorch's choice among exact ties depends
on its top-k algorithm, so only untied scores give the same mask in both.
"""

import numbers
from abc import ABC, abstractmethod
from collections.abc import Iterable

from ... import backend, creation
from ...autograd.grad_mode import no_grad
from ...errors import (ArgumentAssertionError, ArgumentError, ArgumentKeyError, ArgumentRuntimeError,
                       ArgumentTypeError, IndexOutOfRange, MinigradError, ModuleAttributeError, ShapeError)
from ...tensor import Tensor

__all__ = ["BasePruningMethod", "PruningContainer", "Identity", "RandomUnstructured", "L1Unstructured",
           "RandomStructured", "LnStructured", "CustomFromMask", "identity", "random_unstructured",
           "l1_unstructured", "random_structured", "ln_structured", "global_unstructured",
           "custom_from_mask", "remove", "is_pruned"]


class BasePruningMethod(ABC):
    """A way of choosing a mask. Subclasses set ``PRUNING_TYPE`` ("unstructured", "structured"
    with a ``dim`` attribute, or "global") and define ``compute_mask``; an instance applied to a
    module is that module's forward pre-hook."""

    PRUNING_TYPE = None
    _FUNCTION = "prune"  # the public function that applies this method, named in error messages
    _tensor_name = None  # set by apply()

    def __call__(self, module, inputs):
        """The forward pre-hook: ``module.<name> = <name>_orig ⊙ <name>_mask``."""
        setattr(module, self._tensor_name, self.apply_mask(module))

    @abstractmethod
    def compute_mask(self, t, default_mask):
        """The new mask for tensor ``t``, given ``default_mask`` (what is already pruned)."""

    def apply_mask(self, module):
        """``<name>_orig ⊙ <name>_mask`` of ``module``, differentiable in ``<name>_orig``."""
        if self._tensor_name is None:
            raise ArgumentAssertionError(f"apply_mask: {type(self).__name__} has not been applied to a module")
        orig = getattr(module, self._tensor_name + "_orig")
        mask = getattr(module, self._tensor_name + "_mask")
        return mask.to(dtype=orig.dtype) * orig

    @classmethod
    def apply(cls, module, name, *args, importance_scores=None, **kwargs):
        """Prune ``module.<name>`` with ``cls(*args, **kwargs)`` (see the module docstring);
        ``importance_scores`` (default: the parameter itself) is what the mask is chosen on.
        Returns the hook now on the module: the method, or the PruningContainer holding it."""
        where = cls._FUNCTION
        key, old = _find_hook(module, name, where)
        current = _prunable(module, name, where, pruned=old is not None)
        method = cls(*args, **kwargs)
        method._tensor_name = name
        scores = current if importance_scores is None else importance_scores
        if tuple(scores.shape) != tuple(current.shape):
            raise ArgumentAssertionError(f"{where}: importance_scores should have the shape of parameter "
                                         f"{name!r}, {tuple(current.shape)}, got {tuple(scores.shape)}")
        # Compute the mask before touching the module, so a bad argument leaves it as it was.
        if old is None:
            mask = method.compute_mask(scores.detach(), default_mask=creation.ones_like(current))
        else:
            default_mask = module._buffers[name + "_mask"].detach().clone()
            mask = _combine_masks(method, scores.detach(), default_mask)
        if old is None:
            orig = module._parameters[name]
            module.register_parameter(name + "_orig", orig)  # appended, as PyTorch orders state_dict
            del module._parameters[name]
        else:
            del module._forward_pre_hooks[key]
            if isinstance(old, PruningContainer):
                old.add_pruning_method(method)
                method = old
            else:
                method = PruningContainer(old, method)
        module.register_buffer(name + "_mask", mask)
        setattr(module, name, method.apply_mask(module))
        module.register_forward_pre_hook(method)
        return method

    def prune(self, t, default_mask=None, importance_scores=None):
        """``t ⊙ mask`` with the mask computed on ``importance_scores`` (default: ``t``)."""
        scores = t if importance_scores is None else importance_scores
        if tuple(scores.shape) != tuple(t.shape):
            raise ArgumentAssertionError(f"prune: importance_scores should have the shape of t, "
                                         f"{tuple(t.shape)}, got {tuple(scores.shape)}")
        default_mask = creation.ones_like(t) if default_mask is None else default_mask
        return t * self.compute_mask(scores.detach(), default_mask=default_mask)

    def remove(self, module):
        """Make the pruning permanent: ``<name>`` becomes a parameter again, holding
        ``<name>_orig ⊙ <name>_mask``; the ``_orig`` parameter and ``_mask`` buffer go. The
        Parameter object is the one ``<name>_orig`` was, so an optimizer holding it keeps working."""
        if self._tensor_name is None:
            raise ArgumentAssertionError(f"remove: {type(self).__name__} has not been applied to a module")
        name = self._tensor_name
        with no_grad():
            weight = self.apply_mask(module)
        module.__dict__.pop(name, None)
        orig = module._parameters.pop(name + "_orig")
        del module._buffers[name + "_mask"]
        orig.data = weight.detach()
        setattr(module, name, orig)


class PruningContainer(BasePruningMethod):
    """The pruning methods applied, one after the other, to one parameter.

    Its mask is the last method's mask computed on what the earlier ones left: for an
    unstructured method, the entries whose mask is still 1; for a structured one, the channels
    along its ``dim`` with at least one entry still alive; for a global one, everything.
    """

    def __init__(self, *methods):
        self._pruning_methods = ()
        if methods:
            self._tensor_name = methods[0]._tensor_name
        for method in methods:
            self.add_pruning_method(method)

    def add_pruning_method(self, method):
        """Append ``method``, which must act on the same parameter name as the container."""
        if not isinstance(method, BasePruningMethod):
            raise ArgumentTypeError(f"PruningContainer: {type(method).__name__} is not a BasePruningMethod subclass")
        if method._tensor_name != self._tensor_name:
            raise ArgumentError(f"PruningContainer: can only hold methods acting on {self._tensor_name!r}, "
                                f"got one acting on {method._tensor_name!r}")
        self._pruning_methods += (method,)

    def __len__(self):
        return len(self._pruning_methods)

    def __iter__(self):
        return iter(self._pruning_methods)

    def __getitem__(self, idx):
        return self._pruning_methods[idx]

    def compute_mask(self, t, default_mask):
        """``default_mask`` with the last method's mask written into the still-alive part."""
        return _combine_masks(self._pruning_methods[-1], t, default_mask)


def _combine_masks(method, t, mask):
    """Run ``method`` on the part of ``t`` that ``mask`` has not pruned, write its answer there."""
    new = mask.array.astype(t.dtype, copy=True)
    kind = method.PRUNING_TYPE
    if kind == "unstructured":
        alive = new == 1  # the flat selection of entries still alive
    elif kind == "structured":
        if not hasattr(method, "dim"):
            raise ArgumentError(f"PruningContainer: the structured method {type(method).__name__} has no dim")
        dim = _check_dim(t, method.dim, method._FUNCTION)
        other = tuple(d for d in range(t.ndim) if d != dim)
        alive = (slice(None),) * dim + (new.sum(axis=other) != 0,)  # channels with a live entry
    elif kind == "global":
        alive = (slice(None),) * t.ndim
    else:
        raise ArgumentError(f"PruningContainer: unknown PRUNING_TYPE {kind!r} of {type(method).__name__}")
    partial = method.compute_mask(Tensor._make(t.array[alive]), default_mask=Tensor._make(new[alive]))
    new[alive] = partial.array
    return Tensor._make(new)


class Identity(BasePruningMethod):
    """Prunes nothing: the mask is all ones (handy to get the _orig/_mask layout)."""

    PRUNING_TYPE = "unstructured"
    _FUNCTION = "identity"

    def compute_mask(self, t, default_mask):
        return default_mask

    @classmethod
    def apply(cls, module, name):
        return super().apply(module, name)


class RandomUnstructured(BasePruningMethod):
    """Prunes ``amount`` entries chosen at random (int: how many; float in [0, 1]: which
    fraction, rounded with Python's ``round``)."""

    PRUNING_TYPE = "unstructured"
    _FUNCTION = "random_unstructured"

    def __init__(self, amount):
        _check_amount(amount, self._FUNCTION)
        self.amount = amount

    def compute_mask(self, t, default_mask):
        k = _count_to_prune(self.amount, t.numel(), self._FUNCTION)
        # a uniformly random set of k entries: the first k of a random order
        order = creation.rand(t.numel(), device=t.device).array.argsort()
        return _zero_flat(default_mask, order[:k])

    @classmethod
    def apply(cls, module, name, amount):
        return super().apply(module, name, amount=amount)


class L1Unstructured(BasePruningMethod):
    """Prunes the ``amount`` entries of smallest absolute value."""

    PRUNING_TYPE = "unstructured"
    _FUNCTION = "l1_unstructured"

    def __init__(self, amount):
        _check_amount(amount, self._FUNCTION)
        self.amount = amount

    def compute_mask(self, t, default_mask):
        k = _count_to_prune(self.amount, t.numel(), self._FUNCTION)
        xp = backend.get_array_module(t.array)
        order = xp.argsort(xp.abs(t.array).reshape(-1), kind="stable")  # ties: lower index first
        return _zero_flat(default_mask, order[:k])

    @classmethod
    def apply(cls, module, name, amount, importance_scores=None):
        return super().apply(module, name, amount=amount, importance_scores=importance_scores)


class RandomStructured(BasePruningMethod):
    """Prunes ``amount`` whole channels along ``dim`` chosen at random (all entries whose
    index along ``dim`` is one of them)."""

    PRUNING_TYPE = "structured"
    _FUNCTION = "random_structured"

    def __init__(self, amount, dim=-1):
        _check_amount(amount, self._FUNCTION)
        self.amount, self.dim = amount, dim

    def compute_mask(self, t, default_mask):
        dim = _check_dim(t, self.dim, self._FUNCTION)
        k = _count_to_prune(self.amount, t.shape[dim], self._FUNCTION)
        if k == 0:
            return default_mask
        order = creation.rand(t.shape[dim], device=t.device).array.argsort()
        return _zero_channels(default_mask, dim, order[:k])

    @classmethod
    def apply(cls, module, name, amount, dim=-1):
        return super().apply(module, name, amount=amount, dim=dim)


class LnStructured(BasePruningMethod):
    """Prunes the ``amount`` channels along ``dim`` of smallest Ln norm, the norm of each
    channel taken over all its other axes: ``n`` a number (1, 2, ``float('inf')``, ...) or
    ``'fro'`` (the 2-norm of the flattened channel)."""

    PRUNING_TYPE = "structured"
    _FUNCTION = "ln_structured"

    def __init__(self, amount, n, dim=-1):
        _check_amount(amount, self._FUNCTION)
        self.amount, self.n, self.dim = amount, n, dim

    def compute_mask(self, t, default_mask):
        dim = _check_dim(t, self.dim, self._FUNCTION)
        k = _count_to_prune(self.amount, t.shape[dim], self._FUNCTION)
        if k == 0:
            return default_mask
        xp = backend.get_array_module(t.array)
        norms = _channel_norms(t.array, self.n, dim, self._FUNCTION)
        order = xp.argsort(norms, kind="stable")  # ties: lower index first
        return _zero_channels(default_mask, dim, order[:k])

    @classmethod
    def apply(cls, module, name, amount, n, dim, importance_scores=None):
        return super().apply(module, name, amount=amount, n=n, dim=dim, importance_scores=importance_scores)


class CustomFromMask(BasePruningMethod):
    """Prunes where the given ``mask`` (of the parameter's shape) is 0."""

    PRUNING_TYPE = "global"
    _FUNCTION = "custom_from_mask"

    def __init__(self, mask):
        self.mask = mask

    def compute_mask(self, t, default_mask):
        if tuple(default_mask.shape) != tuple(self.mask.shape):
            raise ArgumentAssertionError(f"custom_from_mask: the mask has shape {tuple(self.mask.shape)}, "
                                         f"the parameter {tuple(default_mask.shape)}")
        return default_mask * self.mask.to(dtype=default_mask.dtype)

    @classmethod
    def apply(cls, module, name, mask):
        return super().apply(module, name, mask=mask)


# ---- the functions ---------------------------------------------------------------------------
def identity(module, name):
    """Reparametrize ``module.<name>`` with an all-ones mask; returns ``module``."""
    Identity.apply(module, name)
    return module


def random_unstructured(module, name, amount):
    """Prune ``amount`` random entries of ``module.<name>``; returns ``module``."""
    RandomUnstructured.apply(module, name, amount)
    return module


def l1_unstructured(module, name, amount, importance_scores=None):
    """Prune the ``amount`` entries of ``module.<name>`` (or of ``importance_scores``) of smallest
    absolute value; returns ``module``."""
    L1Unstructured.apply(module, name, amount=amount, importance_scores=importance_scores)
    return module


def random_structured(module, name, amount, dim):
    """Prune ``amount`` random channels of ``module.<name>`` along ``dim``; returns ``module``."""
    RandomStructured.apply(module, name, amount, dim)
    return module


def ln_structured(module, name, amount, n, dim, importance_scores=None):
    """Prune the ``amount`` channels along ``dim`` of smallest Ln norm; returns ``module``."""
    LnStructured.apply(module, name, amount, n, dim, importance_scores=importance_scores)
    return module


def global_unstructured(parameters, pruning_method, importance_scores=None, **kwargs):
    """Prune the (module, name) pairs of ``parameters`` as one pool: ``pruning_method(**kwargs)``
    (an unstructured method, e.g. ``L1Unstructured`` with ``amount=``) chooses among all their
    entries together, so some layers lose more than others. ``importance_scores`` maps
    (module, name) to scores of that parameter's shape."""
    where = "global_unstructured"
    if not isinstance(parameters, Iterable):
        raise ArgumentTypeError(f"{where}: parameters must be an iterable of (module, name), "
                                f"got {type(parameters).__name__}")
    parameters = list(parameters)  # walked twice: a generator would be empty the second time
    if not parameters:
        raise ArgumentRuntimeError(f"{where}: parameters is empty, there is nothing to prune")
    importance_scores = {} if importance_scores is None else importance_scores
    if not isinstance(importance_scores, dict):
        raise ArgumentTypeError(f"{where}: importance_scores must be a dict, got {type(importance_scores).__name__}")
    scores, masks = [], []
    for module, name in parameters:
        _, hook = _find_hook(module, name, where)
        current = _prunable(module, name, where, pruned=hook is not None)
        score = importance_scores.get((module, name), current)
        if tuple(score.shape) != tuple(current.shape):
            raise ShapeError(f"{where}: importance_scores for {name!r} of {type(module).__name__} should have "
                             f"shape {tuple(current.shape)}, got {tuple(score.shape)}")
        mask = module._buffers[name + "_mask"] if hook is not None else creation.ones_like(current)
        scores.append(score.detach().array.reshape(-1))
        masks.append(mask.array.reshape(-1))
    try:
        method = pruning_method(**kwargs)
    except MinigradError as e:
        raise type(e)(f"{where}: {e}") from None
    if method.PRUNING_TYPE != "unstructured":
        raise ArgumentTypeError(f"{where}: only unstructured pruning methods pool their entries, "
                                f"got {type(method).__name__} ({method.PRUNING_TYPE})")
    method._tensor_name = "temp"
    xp = backend.get_array_module(*scores)
    try:
        final = _combine_masks(method, Tensor._make(xp.concatenate(scores)), Tensor._make(xp.concatenate(masks))).array
    except MinigradError as e:
        raise type(e)(f"{where}: {e}") from None
    start = 0
    for module, name in parameters:  # the pool's mask, cut back into one mask per parameter
        current = getattr(module, name)
        size = current.numel()
        custom_from_mask(module, name, mask=Tensor._make(final[start:start + size].reshape(current.shape)))
        start += size


def custom_from_mask(module, name, mask):
    """Prune ``module.<name>`` where ``mask`` is 0; returns ``module``."""
    CustomFromMask.apply(module, name, mask)
    return module


def remove(module, name):
    """Make the pruning of ``module.<name>`` permanent (see ``BasePruningMethod.remove``)."""
    key, hook = _find_hook(module, name, "remove")
    if hook is None:
        raise ArgumentError(f"remove: parameter {name!r} of {type(module).__name__} is not pruned, "
                            "so its pruning cannot be removed")
    hook.remove(module)
    del module._forward_pre_hooks[key]
    return module


def is_pruned(module):
    """Whether ``module`` or any module inside it has a pruning hook."""
    return any(isinstance(hook, BasePruningMethod)
               for sub in module.modules() for hook in sub._forward_pre_hooks.values())


# ---- helpers -----------------------------------------------------------------------------------
def _find_hook(module, name, where):
    """(key, hook) of the pruning hook of ``module.<name>``, or (None, None)."""
    found = [(k, h) for k, h in module._forward_pre_hooks.items()
             if isinstance(h, BasePruningMethod) and h._tensor_name == name]
    if len(found) > 1:
        raise ArgumentAssertionError(f"{where}: {name!r} of {type(module).__name__} has {len(found)} pruning "
                                     "hooks; several methods on one parameter belong in one PruningContainer")
    return found[0] if found else (None, None)


def _prunable(module, name, where, pruned):
    """The tensor the mask is chosen on: the parameter, or (already pruned) the pruned weight."""
    if pruned:
        return getattr(module, name)
    param = module._parameters.get(name)
    if param is None:
        if name in module._buffers or hasattr(module, name):
            raise ArgumentTypeError(f"{where}: {name!r} of {type(module).__name__} is not a parameter, "
                                    f"it is a {type(getattr(module, name)).__name__}")
        raise ModuleAttributeError(f"{where}: {type(module).__name__} has no parameter {name!r}")
    for taken in (name + "_orig", name + "_mask"):
        if hasattr(module, taken):
            raise ArgumentKeyError(f"{where}: {type(module).__name__} already has an attribute {taken!r}")
    return param


def _check_amount(amount, where):
    if isinstance(amount, bool) or not isinstance(amount, numbers.Real):
        raise ArgumentTypeError(f"{where}: amount must be an int or a float, got {amount!r}")
    if isinstance(amount, numbers.Integral):
        if amount < 0:
            raise ArgumentError(f"{where}: amount={amount} should be a float in [0, 1] or a non-negative int")
    elif not 0.0 <= float(amount) <= 1.0:
        raise ArgumentError(f"{where}: amount={amount} should be a float in [0, 1] or a non-negative int")


def _count_to_prune(amount, size, where):
    """How many of ``size`` entries (or channels) to prune: an int as is, a fraction rounded."""
    if isinstance(amount, numbers.Integral):
        if amount > size:
            raise ArgumentError(f"{where}: amount={amount} is more than the {size} entries there are to prune")
        return int(amount)
    return round(amount * size)


def _check_dim(t, dim, where):
    """``dim`` made non-negative, for a tensor structured pruning can split into channels."""
    if t.ndim <= 1:
        raise ArgumentError(f"{where}: structured pruning needs a tensor of 2 or more dims, "
                            f"got shape {tuple(t.shape)}")
    if not -t.ndim <= dim < t.ndim:
        raise IndexOutOfRange(f"{where}: dim={dim} is out of range for a tensor of shape {tuple(t.shape)}")
    return dim % t.ndim


def _zero_flat(default_mask, indices):
    """A copy of ``default_mask`` with the entries at flat ``indices`` set to 0."""
    flat = default_mask.array.flatten()  # flatten copies: default_mask stays as it was
    flat[indices] = 0
    return Tensor._make(flat.reshape(default_mask.shape))


def _zero_channels(default_mask, dim, channels):
    """A copy of ``default_mask`` with the channels ``channels`` along ``dim`` set to 0."""
    mask = default_mask.array.copy()
    mask[(slice(None),) * dim + (channels,)] = 0
    return Tensor._make(mask)


def _channel_norms(a, n, dim, where):
    """The Ln norm of each slice ``a[..., i, ...]`` (index i along ``dim``), one per channel."""
    xp = backend.get_array_module(a)
    other = tuple(d for d in range(a.ndim) if d != dim)
    if n == "fro":
        n = 2
    if isinstance(n, str) or isinstance(n, bool) or not isinstance(n, numbers.Real):
        raise ArgumentRuntimeError(f"{where}: n={n!r} is not a norm order it takes (a number or 'fro')")
    a = xp.abs(a)
    if n == float("inf"):
        return a.max(axis=other)
    if n == -float("inf"):
        return a.min(axis=other)
    if n == 0:
        return (a != 0).sum(axis=other).astype(a.dtype)  # the "0-norm": how many entries are nonzero
    return (a ** n).sum(axis=other) ** (1.0 / n)
