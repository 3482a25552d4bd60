"""``torch.utils.data.dataloader``'s import path: ``minigrad.data``'s DataLoader and collation."""

from ...data.collate import default_collate, default_convert
from ...data.dataloader import DataLoader
from ...data.worker import get_worker_info

__all__ = ["DataLoader", "get_worker_info", "default_collate", "default_convert"]
