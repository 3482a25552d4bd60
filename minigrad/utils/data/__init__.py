"""``torch.utils.data``'s import path: the very objects of ``minigrad.data``, not copies.

So ``from minigrad.utils.data import DataLoader`` and ``minigrad.data.DataLoader`` are one
class, and ``isinstance`` checks agree whichever path a program imports from.
"""

from ...data import (BatchSampler, ChainDataset, ConcatDataset, DataLoader, Dataset, DistributedSampler,
                     IterableDataset, RandomSampler, Sampler, SequentialSampler, StackDataset, Subset,
                     SubsetRandomSampler, TensorDataset, WeightedRandomSampler, WorkerInfo, default_collate,
                     default_convert, get_worker_info, random_split)
from . import _utils, dataloader, dataset, distributed, sampler  # noqa: F401  (the submodule paths: torch.utils.data.sampler.Sampler, ...)

__all__ = ["Dataset", "IterableDataset", "TensorDataset", "Subset", "ConcatDataset", "StackDataset", "ChainDataset",
           "random_split", "Sampler", "DistributedSampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler",
           "WeightedRandomSampler", "BatchSampler", "default_collate", "default_convert", "DataLoader",
           "get_worker_info", "WorkerInfo"]
