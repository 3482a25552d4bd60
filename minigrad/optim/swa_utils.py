"""Weight averaging (PyTorch's ``torch.optim.swa_utils``): stochastic weight averaging (SWA) and
exponential moving averages (EMA) of a model's parameters.

``AveragedModel(model)`` keeps a copy of the model whose parameters are an average of the
model's along training; ``update_parameters(model)`` folds in the current ones. After n updates,
with θ the model's parameters and θ̄ the average:

    SWA (the default):  θ̄ ← θ̄ + (θ - θ̄) / (n + 1)        (the plain mean of the n + 1 snapshots)
    EMA (get_ema_multi_avg_fn(decay)):  θ̄ ← decay · θ̄ + (1 - decay) · θ

The first update copies θ. Buffers (BatchNorm's running statistics) are copied from the model
at every update, or averaged like the parameters with ``use_buffers=True``; ``update_bn``
recomputes BatchNorm statistics for the averaged weights with one pass over the data.

``SWALR`` anneals each group's learning rate from its current value to ``swa_lr`` over
``anneal_epochs`` steps, along a cosine, (1 - cos(π t)) / 2, or a straight line, t, for
t = step / anneal_epochs; then holds it there.
"""

import copy
import math

from ..autograd import no_grad
from ..creation import tensor
from ..errors import ArgumentError
from ..nn.module import Module
from ..nn.normalization import _BatchNorm
from .lr_scheduler.base import LRScheduler


def get_ema_multi_avg_fn(decay=0.999):
    """The EMA update on lists of tensors, in place: avg = decay · avg + (1 - decay) · param."""
    def ema_update(averaged, current, num_averaged):
        for a, p in zip(averaged, current):
            if a.dtype.kind == "f":
                a.mul_(decay).add_(p * (1 - decay))
            else:  # an integer buffer (num_batches_tracked): the average cast back to its dtype
                a.copy_(a * decay + p * (1 - decay))
    return ema_update


def get_swa_multi_avg_fn():
    """The SWA update on lists of tensors, in place: avg += (param - avg) / (n + 1)."""
    def swa_update(averaged, current, num_averaged):
        n = int(num_averaged)
        for a, p in zip(averaged, current):
            if a.dtype.kind == "f":
                a.add_((p - a) / (n + 1))
            else:  # an integer buffer: the average cast back to its dtype
                a.copy_(a + (p - a) / (n + 1))
    return swa_update


def get_ema_avg_fn(decay=0.999):
    """The EMA update on one tensor: returns decay · avg + (1 - decay) · param."""
    return lambda averaged, current, num_averaged: decay * averaged + (1 - decay) * current


def get_swa_avg_fn():
    """The SWA update on one tensor: returns avg + (param - avg) / (n + 1)."""
    return lambda averaged, current, num_averaged: averaged + (current - averaged) / (int(num_averaged) + 1)


class AveragedModel(Module):
    """A copy of ``model`` (``self.module``) whose parameters average the model's (see the
    module docstring); calling it runs the copy. ``n_averaged`` (a buffer) counts the updates.

    Composition: none; it runs ``self.module`` (no Function of its own).
    """

    def __init__(self, model, device=None, avg_fn=None, multi_avg_fn=None, use_buffers=False):
        super().__init__()
        if avg_fn is not None and multi_avg_fn is not None:
            raise ArgumentError("AveragedModel: give avg_fn or multi_avg_fn, not both")
        self.module = copy.deepcopy(model)
        if device is not None:
            self.module = self.module.to(device)
        self.register_buffer("n_averaged", tensor(0, device=device))
        self.avg_fn, self.multi_avg_fn, self.use_buffers = avg_fn, multi_avg_fn, use_buffers

    def forward(self, *args, **kwargs):
        return self.module(*args, **kwargs)

    def _tensors(self, model):
        return list(model.parameters()) + (list(model.buffers()) if self.use_buffers else [])

    def update_parameters(self, model):
        """Fold ``model``'s current parameters (and buffers, with use_buffers) into the average."""
        averaged = self._tensors(self.module)
        current = [p.detach().to(a.device) for a, p in zip(averaged, self._tensors(model))]
        with no_grad():
            if int(self.n_averaged) == 0:
                for a, p in zip(averaged, current):
                    a.copy_(p)
            elif self.multi_avg_fn is not None:
                self.multi_avg_fn(averaged, current, self.n_averaged)
            elif self.avg_fn is not None:
                for a, p in zip(averaged, current):
                    a.copy_(self.avg_fn(a.detach(), p, self.n_averaged))
            else:
                get_swa_multi_avg_fn()(averaged, current, self.n_averaged)
            if not self.use_buffers:  # the statistics follow the model's, not averaged
                for b, b_model in zip(self.module.buffers(), model.buffers()):
                    b.copy_(b_model.detach().to(b.device))
            self.n_averaged += 1


def update_bn(loader, model, device=None):
    """Recompute the running mean and variance of every BatchNorm in ``model`` as plain averages
    over one pass of ``loader`` (batches, or tuples whose first item is the input), in training
    mode; the model's mode and the layers' momentum are restored afterwards."""
    momenta = {}
    for module in model.modules():
        if isinstance(module, _BatchNorm) and module.running_mean is not None:
            module.reset_running_stats()
            momenta[module] = module.momentum
    if not momenta:
        return
    was_training = model.training
    model.train()
    for module in momenta:
        module.momentum = None  # a cumulative average over the batches
    with no_grad():
        for batch in loader:
            x = batch[0] if isinstance(batch, (list, tuple)) else batch
            model(x if device is None else x.to(device))
    for module, momentum in momenta.items():
        module.momentum = momentum
    model.train(was_training)


class SWALR(LRScheduler):
    """Anneal every group's learning rate to ``swa_lr`` (a number, or one per group) over
    ``anneal_epochs`` steps, by a cosine ("cos") or a straight line ("linear"); see the module
    docstring."""

    def __init__(self, optimizer, swa_lr, anneal_epochs=10, anneal_strategy="cos", last_epoch=-1):
        rates = list(swa_lr) if isinstance(swa_lr, (list, tuple)) else [swa_lr] * len(optimizer.param_groups)
        if len(rates) != len(optimizer.param_groups):
            raise ArgumentError(f"SWALR: swa_lr has {len(rates)} values for {len(optimizer.param_groups)} "
                                "parameter groups")
        for group, rate in zip(optimizer.param_groups, rates):
            group["swa_lr"] = rate
        if anneal_strategy not in ("cos", "linear"):
            raise ArgumentError(f"SWALR: anneal_strategy must be 'cos' or 'linear', got {anneal_strategy!r}")
        if not isinstance(anneal_epochs, int) or anneal_epochs < 0:
            raise ArgumentError(f"SWALR: anneal_epochs must be an integer >= 0, got {anneal_epochs!r}")
        self.anneal_epochs, self.anneal_strategy = anneal_epochs, anneal_strategy
        super().__init__(optimizer, last_epoch)

    def _alpha(self, t):
        t = max(0.0, min(1.0, t))
        return (1 - math.cos(math.pi * t)) / 2 if self.anneal_strategy == "cos" else t

    def get_lr(self):
        # The group's rate now is lr_start·(1 - α_prev) + swa_lr·α_prev; recover lr_start from it,
        # then move it to the next α (so the rates follow the curve even if something else set them).
        step = self._step_count - 1
        if self.anneal_epochs == 0:
            step = max(1, step)
        span = max(1, self.anneal_epochs)
        before, now = self._alpha((step - 1) / span), self._alpha(step / span)
        rates = []
        for group in self.optimizer.param_groups:
            swa = group["swa_lr"]
            start = swa if before == 1 else (group["lr"] - before * swa) / (1 - before)
            rates.append(swa * now + start * (1 - now))
        return rates
