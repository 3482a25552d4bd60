"""``torch.distributed.algorithms``'s import path: the Join context manager (join.py)."""

from .join import Join

__all__ = ["Join"]
