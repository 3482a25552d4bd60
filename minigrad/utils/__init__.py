"""PyTorch's ``torch.utils`` import paths: ``minigrad.utils.data`` is ``minigrad.data``;
``minigrad.utils.checkpoint`` is activation checkpointing's name; ``hooks`` (RemovableHandle),
``_pytree`` (nested containers), ``model_zoo`` (hub's cached checkpoints), and, imported by
name as in PyTorch, ``tensorboard`` (SummaryWriter) and ``benchmark`` (Timer)."""

from . import _pytree, checkpoint, data, hooks, model_zoo

__all__ = ["checkpoint", "data", "hooks", "model_zoo"]
