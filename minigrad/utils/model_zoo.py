"""``torch.utils.model_zoo``'s import path: ``load_url`` is hub.load_state_dict_from_url (from the cache only)."""

from ..hub import load_state_dict_from_url as load_url

__all__ = ["load_url"]
