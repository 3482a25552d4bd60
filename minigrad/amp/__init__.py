"""``minigrad.amp``: PyTorch's mixed-precision names (``minigrad.cuda.amp``, the older path, is cuda_amp.py).

minigrad computes in the dtype it is given, so ``autocast`` changes nothing; ``GradScaler``
is the real algorithm (scale the loss, unscale the gradients, skip steps with inf/nan), so a
training loop written for mixed precision runs and behaves the same, in full precision.
"""

from ..settings import autocast
from .grad_scaler import GradScaler

__all__ = ["autocast", "GradScaler"]
