"""Data: datasets, samplers, the mini-batch loader, and small real datasets that need no download.

- ``Dataset``, ``IterableDataset``, ``TensorDataset``, ``Subset``, ``ConcatDataset``,
  ``StackDataset``, ``ChainDataset``, ``random_split``                     (dataset.py)
- ``Sampler``, ``SequentialSampler``, ``RandomSampler``, ``SubsetRandomSampler``,
  ``WeightedRandomSampler``, ``BatchSampler``                              (samplers.py)
- ``DistributedSampler``: each process's share of a dataset               (distributed.py)
- ``default_collate``, ``default_convert``                                 (collate.py)
- ``DataLoader``                                  (dataloader.py; its workers: worker_pool.py, worker.py)
- ``get_worker_info``                                                      (worker.py)
- ``load_digits``, ``digits_dataset``: scikit-learn's 8x8 handwritten digits (digits.py)
- ``load_text``, ``CharVocab``, ``CharSequenceDataset``: the pydoc help text of CPython (text.py)

``minigrad.utils.data`` is PyTorch's import path for these very objects.
"""

from .collate import default_collate, default_convert
from .dataloader import DataLoader
from .dataset import (ChainDataset, ConcatDataset, Dataset, IterableDataset, StackDataset, Subset, TensorDataset,
                      random_split)
from .distributed import DistributedSampler
from .digits import digits_dataset, load_digits
from .samplers import (BatchSampler, RandomSampler, Sampler, SequentialSampler, SubsetRandomSampler,
                       WeightedRandomSampler)
from .text import CharSequenceDataset, CharVocab, load_text
from .worker import WorkerInfo, get_worker_info

__all__ = ["Dataset", "IterableDataset", "TensorDataset", "Subset", "ConcatDataset", "StackDataset", "ChainDataset",
           "random_split", "Sampler", "DistributedSampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler",
           "WeightedRandomSampler", "BatchSampler", "default_collate", "default_convert", "DataLoader",
           "get_worker_info", "WorkerInfo", "load_digits", "digits_dataset", "load_text", "CharVocab",
           "CharSequenceDataset"]
