"""DataLoader: walks a dataset in (optionally shuffled) mini-batches.

Each epoch (each ``for batch in loader``) draws an order of the indices: ``0, 1, ..., n-1``
or, with ``shuffle=True``, a random permutation. The order is cut into chunks of
``batch_size``, and each chunk becomes one batch.

Two ways to build a batch:
- fast path: a ``TensorDataset`` (or a ``Subset`` of one) gathers a whole chunk with one
  fancy index per tensor, ``x.array[idx]``. No Python loop over examples.
- general path: fetch ``dataset[i]`` for each index and let ``collate_fn`` (by default
  ``default_collate``) stack the examples into tensors.

Shuffling is reproducible: pass ``seed=`` (or a NumPy ``generator=``) and the sequence of
epochs is the same on every run; without them the order follows ``minigrad.manual_seed``.
"""

import numbers

import numpy as np

from ..tensor import Tensor
from .dataset import has_batch, rng_from


def default_collate(examples):
    """Stack a list of examples into a batch, keeping the examples' structure.

    Tensors and arrays are stacked along a new first axis, numbers become a 1-D tensor
    (floats as float32, as ``minigrad.tensor`` does), tuples and lists are collated field
    by field (giving a list), dicts key by key; strings are left as a list.
    """
    first = examples[0]
    if isinstance(first, Tensor):
        xp = first.xp
        return Tensor._make(xp.stack([e.array for e in examples]))
    if isinstance(first, np.ndarray):
        return Tensor._make(np.stack(examples))
    if isinstance(first, (numbers.Number, np.generic)) and not isinstance(first, str):
        return Tensor(list(examples))
    if isinstance(first, str):
        return list(examples)
    if isinstance(first, dict):
        return {key: default_collate([e[key] for e in examples]) for key in first}
    if isinstance(first, (tuple, list)):
        if any(len(e) != len(first) for e in examples):
            raise ValueError("default_collate: every example must have the same number of fields")
        return [default_collate(list(field)) for field in zip(*examples)]
    raise TypeError(f"default_collate: cannot batch examples of type {type(first).__name__}; pass a collate_fn")


class DataLoader:
    """Iterate over ``dataset`` in batches of ``batch_size`` examples.

    ``shuffle``: a new random order each epoch. ``drop_last``: skip the last batch when it
    is smaller than ``batch_size``. ``collate_fn``: turns a list of examples into a batch
    (default ``default_collate``). ``generator`` (a NumPy Generator or an int) or ``seed``
    fixes the shuffling.
    """

    def __init__(self, dataset, batch_size=1, shuffle=False, drop_last=False, collate_fn=None,
                 generator=None, seed=None):
        if not isinstance(batch_size, numbers.Integral) or batch_size < 1:
            raise ValueError(f"DataLoader: batch_size must be a positive integer, got {batch_size!r}")
        self.dataset = dataset
        self.batch_size = int(batch_size)
        self.shuffle = bool(shuffle)
        self.drop_last = bool(drop_last)
        self.collate_fn = collate_fn
        # One generator for the loader's whole life, so epoch 2 gets a different order than
        # epoch 1 while the sequence of orders is still the same on every run.
        self._rng = None if generator is None and seed is None else rng_from(generator, seed)
        self._fast = collate_fn is None and has_batch(dataset)

    def __len__(self):
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def _order(self):
        n = len(self.dataset)
        if not self.shuffle:
            return np.arange(n)
        rng = self._rng if self._rng is not None else rng_from()
        return rng.permutation(n)

    def __iter__(self):
        order = self._order()
        stop = len(self) * self.batch_size
        for start in range(0, min(stop, len(order)), self.batch_size):
            idx = order[start:start + self.batch_size]
            if self._fast:
                yield list(self.dataset.batch(idx))
            else:
                collate = self.collate_fn or default_collate
                yield collate([self.dataset[int(i)] for i in idx])
