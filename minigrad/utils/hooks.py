"""``torch.utils.hooks``' import path: the handle every ``register_*_hook`` returns."""

from ..removable_handle import RemovableHandle

__all__ = ["RemovableHandle"]
