"""``torch.utils.data._utils.collate``'s import path: ``minigrad.data``'s collation."""

from ....data.collate import default_collate, default_convert

__all__ = ["default_collate", "default_convert"]
