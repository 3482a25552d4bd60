"""Schedules given as functions of the epoch: LambdaLR (a factor of the base rate) and
MultiplicativeLR (a factor of the previous rate)."""

from .base import LRScheduler, _is_function


class LambdaLR(LRScheduler):
    """``lr = base_lr · lr_lambda(epoch)``: any schedule, given as a function of the epoch.

    ``lr_lambda`` is one function, or a list with one per parameter group. Functions and
    lambdas are not saved in ``state_dict`` (code is never stored); callable objects have
    their attributes saved.
    """

    def __init__(self, optimizer, lr_lambda, last_epoch=-1):
        self.optimizer = optimizer
        if isinstance(lr_lambda, (list, tuple)):
            if len(lr_lambda) != len(optimizer.param_groups):
                raise ValueError(f"LambdaLR: expected {len(optimizer.param_groups)} lr_lambdas, got {len(lr_lambda)}")
            self.lr_lambdas = list(lr_lambda)
        else:
            self.lr_lambdas = [lr_lambda] * len(optimizer.param_groups)
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        return [base_lr * f(self.last_epoch) for f, base_lr in zip(self.lr_lambdas, self.base_lrs)]

    def state_dict(self):
        return _state_with_lambdas(self)

    def load_state_dict(self, state_dict):
        _load_state_with_lambdas(self, state_dict)


class MultiplicativeLR(LRScheduler):
    """``lr = lr · lr_lambda(epoch)``: each step multiplies the previous rate by a factor.

    Unlike LambdaLR, the function gives the factor of one step, not of the whole way from
    ``base_lr``, so ``lambda epoch: 0.95`` is ExponentialLR(γ = 0.95).
    """

    def __init__(self, optimizer, lr_lambda, last_epoch=-1):
        self.optimizer = optimizer
        if isinstance(lr_lambda, (list, tuple)):
            if len(lr_lambda) != len(optimizer.param_groups):
                raise ValueError(f"MultiplicativeLR: expected {len(optimizer.param_groups)} lr_lambdas, "
                                 f"got {len(lr_lambda)}")
            self.lr_lambdas = list(lr_lambda)
        else:
            self.lr_lambdas = [lr_lambda] * len(optimizer.param_groups)
        for f in self.lr_lambdas:
            if not callable(f):
                raise TypeError(f"MultiplicativeLR: lr_lambda should be a function, got {type(f).__name__}")
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        groups = self.optimizer.param_groups
        if self._is_initial:
            return [group["lr"] for group in groups]
        return [group["lr"] * f(self.last_epoch) for f, group in zip(self.lr_lambdas, groups)]

    def state_dict(self):
        return _state_with_lambdas(self)

    def load_state_dict(self, state_dict):
        _load_state_with_lambdas(self, state_dict)


def _state_with_lambdas(scheduler):
    """The scheduler's state with ``lr_lambdas`` as PyTorch saves them: None for a function or
    lambda (code is never stored), the attributes of a callable object."""
    state = {k: v for k, v in LRScheduler.state_dict(scheduler).items() if k != "lr_lambdas"}
    state["lr_lambdas"] = [None if _is_function(f) or not hasattr(f, "__dict__") else dict(vars(f))
                           for f in scheduler.lr_lambdas]
    return state


def _load_state_with_lambdas(scheduler, state_dict):
    """The inverse of ``_state_with_lambdas``: the functions stay the ones the constructor got."""
    state = dict(state_dict)
    saved = state.pop("lr_lambdas", None) or []
    LRScheduler.load_state_dict(scheduler, state)
    for f, attributes in zip(scheduler.lr_lambdas, saved):
        if attributes is not None:
            f.__dict__.update(attributes)
