"""``torch.utils.data.distributed``'s import path, for ``from ... import DistributedSampler``."""

from ...data.distributed import DistributedSampler

__all__ = ["DistributedSampler"]
