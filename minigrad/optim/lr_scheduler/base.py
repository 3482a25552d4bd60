"""LRScheduler, the base of every schedule, and the helpers they share."""

import types

import numpy as np

from ..optimizer import Optimizer


def _per_group(name, optimizer, value):
    """One value per parameter group, from a single value or a list of them."""
    if isinstance(value, (list, tuple)):
        if len(value) != len(optimizer.param_groups):
            raise ValueError(f"{name} has {len(value)} values but the optimizer has "
                             f"{len(optimizer.param_groups)} parameter groups")
        return list(value)
    return [value] * len(optimizer.param_groups)


def _plain(value):
    """A value loaded from a file as plain python (arrays become lists, numpy scalars numbers)."""
    if isinstance(value, (np.ndarray, np.generic)):
        return value.tolist()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _is_function(f):
    """True for plain functions and lambdas (whose state is their code, never saved)."""
    return isinstance(f, (types.FunctionType, types.BuiltinFunctionType, types.MethodType))


class LRScheduler:
    """Base class: ``step()``, ``get_last_lr()``, ``state_dict()``; subclasses give ``get_lr()``."""

    def __init__(self, optimizer, last_epoch=-1):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(self).__name__}: expected an Optimizer, got {type(optimizer).__name__}")
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(f"{type(self).__name__}: param_groups[{i}] has no 'initial_lr', which resuming "
                                   f"with last_epoch={last_epoch} needs; load the optimizer's state dict first")
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._initial_step()

    def _initial_step(self):
        """The constructor's step: it sets the starting rates (SequentialLR calls it again)."""
        self._step_count = 0
        self._is_initial = True
        self.step()
        self._is_initial = False

    def get_lr(self):
        """The rates for epoch ``last_epoch``, from the current ones (subclasses)."""
        raise NotImplementedError

    def get_last_lr(self):
        """The learning rates this scheduler set last, one per parameter group."""
        return list(self._last_lr)

    def step(self, epoch=None):
        """Move to the next epoch (or jump to ``epoch``) and write its rates into the groups."""
        self._step_count += 1
        if epoch is None:
            self.last_epoch += 1
            lrs = self.get_lr()
        else:
            self.last_epoch = epoch
            lrs = self._get_closed_form_lr() if hasattr(self, "_get_closed_form_lr") else self.get_lr()
        groups = self.optimizer.param_groups
        if len(lrs) != len(groups):
            raise ValueError(f"{type(self).__name__}: {len(lrs)} rates for {len(groups)} parameter groups "
                             "(was a group added after the scheduler was made?)")
        for group, lr in zip(groups, lrs):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in groups]

    def state_dict(self):
        """Everything but the optimizer, as plain numbers, strings, lists and dicts."""
        return {k: v for k, v in vars(self).items() if k not in ("optimizer", "_is_initial")}

    def load_state_dict(self, state_dict):
        self.__dict__.update({k: _plain(v) for k, v in state_dict.items()})
