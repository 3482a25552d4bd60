"""``torch.utils.data._utils``'s import path, which programs reach for ``collate.default_collate``."""

from . import collate

__all__ = ["collate"]
