"""Datasets: things with a length that give one example per index.

A ``Dataset`` answers two questions, ``len(ds)`` and ``ds[i]``. ``TensorDataset`` wraps
tensors that share their first dimension: example ``i`` is ``(t[i] for t in tensors)``.
``Subset`` picks some indices of another dataset, and ``random_split`` cuts a dataset into
non-overlapping random subsets (for a training and a held-out test set).
"""

import math

import numpy as np

from ..errors import ShapeError
from ..tensor import Tensor


class Dataset:
    """Base class: subclasses define ``__getitem__(index)`` and ``__len__()``."""

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__")

    def __len__(self):
        raise NotImplementedError(f"{type(self).__name__} must define __len__")


class TensorDataset(Dataset):
    """Examples made of tensors sharing their first dimension: ``ds[i] = (a[i], b[i], ...)``.

    Arrays and lists are turned into tensors. The ``DataLoader`` indexes these tensors with a
    whole batch of indices at once (``a.array[idx]``), so batching costs one fancy index per
    tensor instead of a Python loop over examples.
    """

    def __init__(self, *tensors):
        if not tensors:
            raise ValueError("TensorDataset: needs at least one tensor")
        self.tensors = tuple(t if isinstance(t, Tensor) else Tensor(t) for t in tensors)
        n = len(self.tensors[0])
        if any(t.ndim == 0 or len(t) != n for t in self.tensors):
            shapes = ", ".join(str(tuple(t.shape)) for t in self.tensors)
            raise ShapeError(f"TensorDataset: all tensors must have the same first dimension, got {shapes}")

    def __getitem__(self, index):
        return tuple(Tensor._make(t.array[index]) for t in self.tensors)

    def __len__(self):
        return len(self.tensors[0])

    def batch(self, indices):
        """The examples at ``indices`` (an integer array) stacked: one fancy index per tensor."""
        out = []
        for t in self.tensors:
            idx = indices if t.xp is np else t.xp.asarray(indices)  # CuPy wants its own index array
            out.append(Tensor._make(t.array[idx]))
        return tuple(out)


class Subset(Dataset):
    """The examples of ``dataset`` at ``indices``, in that order."""

    def __init__(self, dataset, indices):
        self.dataset = dataset
        self.indices = np.asarray(indices, dtype=np.int64)

    def __getitem__(self, index):
        if isinstance(index, (list, np.ndarray)):  # several at once, as PyTorch's Subset
            return self.dataset[[int(i) for i in self.indices[index]]]
        return self.dataset[int(self.indices[index])]

    def __len__(self):
        return len(self.indices)

    def batch(self, indices):
        """Forward a batch of indices to the wrapped dataset (keeps the DataLoader's fast path)."""
        return self.dataset.batch(self.indices[indices])


def has_batch(dataset):
    """True when ``dataset`` can gather a whole batch at once (``dataset.batch(indices)``)."""
    if isinstance(dataset, Subset):
        return has_batch(dataset.dataset)
    return callable(getattr(dataset, "batch", None))


def rng_from(generator=None, seed=None):
    """A NumPy Generator: the one given, a fresh one from ``seed``, or minigrad's seeded one.

    The last case follows ``minigrad.manual_seed``, so a script that seeds once gets the same
    shuffles and splits on every run.
    """
    if generator is not None and seed is not None:
        raise ValueError("pass either generator or seed, not both")
    if generator is not None:
        if isinstance(generator, (int, np.integer)):
            return np.random.default_rng(int(generator))
        return generator
    if seed is not None:
        return np.random.default_rng(seed)
    from ..backend import generator as default_generator

    return default_generator("cpu")


def _split_lengths(n, lengths):
    """Whole lengths adding up to ``n``; fractions (summing to 1) are turned into counts.

    As in PyTorch, each fraction gets floor(f * n) examples, and the few left over are
    handed out one at a time, first split first.
    """
    lengths = list(lengths)
    if lengths and math.isclose(sum(lengths), 1.0) and all(0 <= f <= 1 for f in lengths):
        counts = [int(math.floor(n * f)) for f in lengths]
        for i in range(n - sum(counts)):
            counts[i % len(counts)] += 1
        return counts
    if any(not float(x).is_integer() or x < 0 for x in lengths):
        raise ValueError(f"random_split: lengths must be counts, or fractions that sum to 1, got {lengths}")
    counts = [int(x) for x in lengths]
    if sum(counts) != n:
        raise ValueError(f"random_split: the lengths {counts} sum to {sum(counts)}, but the dataset has {n} examples")
    return counts


def random_split(dataset, lengths, generator=None, seed=None):
    """Cut ``dataset`` into non-overlapping random ``Subset``s of the given lengths.

    ``lengths`` are counts that add up to ``len(dataset)``, or fractions that add up to 1
    (``random_split(ds, [0.8, 0.2], seed=0)``). ``generator`` (a NumPy Generator or an int) or
    ``seed`` makes the split reproducible; without either, ``minigrad.manual_seed`` decides.
    """
    counts = _split_lengths(len(dataset), lengths)
    perm = rng_from(generator, seed).permutation(len(dataset))
    bounds = np.cumsum([0] + counts)
    return [Subset(dataset, perm[a:b]) for a, b in zip(bounds[:-1], bounds[1:])]
