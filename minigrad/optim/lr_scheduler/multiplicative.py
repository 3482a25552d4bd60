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
        state = {k: v for k, v in super().state_dict().items() if k != "lr_lambdas"}
        state["lr_lambdas"] = [None if _is_function(f) or not hasattr(f, "__dict__") else dict(vars(f))
                               for f in self.lr_lambdas]
        return state

    def load_state_dict(self, state_dict):
        state = dict(state_dict)
        saved = state.pop("lr_lambdas", None) or []
        super().load_state_dict(state)
        for f, attributes in zip(self.lr_lambdas, saved):
            if attributes is not None:
                f.__dict__.update(attributes)


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

    state_dict = LambdaLR.state_dict
    load_state_dict = LambdaLR.load_state_dict
