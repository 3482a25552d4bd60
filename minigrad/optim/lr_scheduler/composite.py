"""Schedules made of schedules: SequentialLR (one after another) and ChainedScheduler (all at once)."""

from bisect import bisect_right

from .base import LRScheduler
from .plateau import ReduceLROnPlateau


def _check_schedulers(name, optimizer, schedulers):
    if len(schedulers) < 1:
        raise ValueError(f"{name}: expects at least one scheduler")
    for i, s in enumerate(schedulers):
        if not hasattr(s, "optimizer"):
            raise TypeError(f"{name}: the scheduler at index {i} has no optimizer")
        if isinstance(s, ReduceLROnPlateau):
            raise ValueError(f"{name}: ReduceLROnPlateau (index {i}) cannot be combined: its step needs a metric")
        if s.optimizer is not optimizer:
            raise ValueError(f"{name}: every scheduler must belong to the same optimizer; the one at index {i} "
                             f"({type(s).__name__}) does not")


class _Composite(LRScheduler):
    """What both composites share: their children's states are saved with theirs."""

    def state_dict(self):
        state = {k: v for k, v in vars(self).items() if k not in ("optimizer", "_schedulers")}
        state["_schedulers"] = [s.state_dict() for s in self._schedulers]
        return state

    def load_state_dict(self, state_dict):
        state = dict(state_dict)
        children = state.pop("_schedulers")
        super().load_state_dict(state)
        for s, saved in zip(self._schedulers, children):
            s.load_state_dict(saved)


class SequentialLR(_Composite):
    """Run ``schedulers[0]`` until ``milestones[0]``, then ``schedulers[1]``, and so on.

    The usual use is a warm-up followed by a decay: ``SequentialLR(opt, [LinearLR(...),
    CosineAnnealingLR(...)], milestones=[5])``. At a milestone the next scheduler starts from
    its own epoch 0 (its closed form at 0), whatever the rate was.
    """

    def __init__(self, optimizer, schedulers, milestones, last_epoch=-1):
        _check_schedulers("SequentialLR", optimizer, schedulers)
        if len(milestones) != len(schedulers) - 1:
            raise ValueError(f"SequentialLR: expects one milestone fewer than schedulers, got {len(schedulers)} "
                             f"schedulers and {len(milestones)} milestones")
        self._schedulers = list(schedulers)
        self._milestones = list(milestones)
        self.last_epoch = last_epoch + 1
        self.optimizer = optimizer
        for group in optimizer.param_groups:  # undo the rates the children's constructors set
            group["lr"] = group["initial_lr"]
        for s in self._schedulers:
            _undo_step(s)
        first = self._schedulers[bisect_right(self._milestones, 0)]
        first._initial_step()
        self._last_lr = first.get_last_lr()

    def step(self):
        self.last_epoch += 1
        i = bisect_right(self._milestones, self.last_epoch)
        scheduler = self._schedulers[i]
        if i > 0 and self._milestones[i - 1] == self.last_epoch:
            scheduler.step(0)  # a milestone: the next schedule starts at its epoch 0
        else:
            scheduler.step()
        self._last_lr = scheduler.get_last_lr()


def _undo_step(scheduler):
    """Move a scheduler (and any it contains) back one epoch, before the constructor's step."""
    if hasattr(scheduler, "_schedulers"):
        for s in scheduler._schedulers:
            _undo_step(s)
    else:
        scheduler.last_epoch -= 1


class ChainedScheduler(_Composite):
    """Step every scheduler in turn at each step, so their factors multiply (e.g. warm-up × decay)."""

    def __init__(self, schedulers, optimizer=None):
        optimizer = optimizer or (schedulers[0].optimizer if schedulers else None)
        _check_schedulers("ChainedScheduler", optimizer, schedulers)
        self._schedulers = list(schedulers)
        self.optimizer = optimizer
        self._last_lr = [group["lr"] for group in optimizer.param_groups]

    def step(self):
        for s in self._schedulers:
            s.step()
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]
