"""PyTorch's ``torch.utils`` import paths: ``minigrad.utils.data`` is ``minigrad.data``;
``minigrad.utils.checkpoint`` is activation checkpointing's name."""

from . import checkpoint, data

__all__ = ["checkpoint", "data"]
