"""Learning-rate schedules: change each parameter group's ``lr`` as training goes on.

A scheduler wraps an optimizer. Call ``scheduler.step()`` once per epoch (or per batch, for
``OneCycleLR``) *after* ``optimizer.step()``; it writes the new rate into every
``param_group["lr"]``. ``get_last_lr()`` returns the rates it last set.

Like PyTorch, ``step()`` computes the next rate from the current one (a recursive form:
``lr ← lr · γ``), so schedulers can be chained on one optimizer and a rate changed by hand
stays changed. ``step(epoch)`` jumps to an epoch with the closed form (``lr = base_lr · γ^epoch``)
where one exists. The two agree to rounding, and the sequences equal PyTorch's.

The constructor takes the first step: it records ``initial_lr`` in each group (the
``base_lrs``) and sets the epoch-0 rate. With ``last_epoch=k`` it resumes after epoch k
instead (the groups must then hold ``initial_lr``, as a loaded optimizer state does).
"""

from .base import LRScheduler
from .composite import ChainedScheduler, SequentialLR
from .cosine import CosineAnnealingLR, CosineAnnealingWarmRestarts
from .cyclic import CyclicLR, OneCycleLR
from .multiplicative import LambdaLR, MultiplicativeLR
from .plateau import ReduceLROnPlateau
from .step import ConstantLR, ExponentialLR, LinearLR, MultiStepLR, PolynomialLR, StepLR

_LRScheduler = LRScheduler  # the name older PyTorch programs import

__all__ = ["LRScheduler", "LambdaLR", "MultiplicativeLR", "StepLR", "MultiStepLR", "ConstantLR", "LinearLR",
           "ExponentialLR", "PolynomialLR", "CosineAnnealingLR", "CosineAnnealingWarmRestarts", "CyclicLR",
           "OneCycleLR", "ReduceLROnPlateau", "SequentialLR", "ChainedScheduler"]
