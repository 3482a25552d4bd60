"""Data: datasets, the mini-batch loader, and small real datasets that need no download.

- ``Dataset``, ``TensorDataset``, ``Subset``, ``random_split``  (dataset.py)
- ``DataLoader``, ``default_collate``                          (dataloader.py)
- ``load_digits``, ``digits_dataset``: scikit-learn's 8x8 handwritten digits (digits.py)
- ``load_text``, ``CharVocab``, ``CharSequenceDataset``: the pydoc help text of CPython (text.py)
"""

from .dataloader import DataLoader, default_collate
from .dataset import Dataset, Subset, TensorDataset, random_split
from .digits import digits_dataset, load_digits
from .text import CharSequenceDataset, CharVocab, load_text

__all__ = ["Dataset", "TensorDataset", "Subset", "random_split", "DataLoader", "default_collate",
           "load_digits", "digits_dataset", "load_text", "CharVocab", "CharSequenceDataset"]
