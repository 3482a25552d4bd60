"""PyTorch's ``torch.utils`` import paths: ``minigrad.utils.data`` is ``minigrad.data``."""

from . import data

__all__ = ["data"]
