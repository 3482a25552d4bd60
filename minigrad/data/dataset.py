"""Datasets: where the examples come from.

- A map-style ``Dataset`` answers ``len(ds)`` and ``ds[i]``. ``TensorDataset`` wraps tensors
  sharing their first dimension: example ``i`` is ``(t[i] for t in tensors)``. ``Subset``
  picks some indices of another dataset, ``random_split`` cuts a dataset into non-overlapping
  random subsets, ``ConcatDataset`` (also ``ds1 + ds2``) puts datasets one after another.
- An ``IterableDataset`` is a stream: ``iter(ds)`` gives the examples (a file read line by
  line, a generator of synthetic data). ``ChainDataset`` chains several streams. Under a
  DataLoader with workers each worker iterates its own copy, so such a dataset shards its
  stream with ``minigrad.data.get_worker_info()`` (see worker.py).
"""

import bisect
import math

import numpy as np

from ..errors import ArgumentError, IndexOutOfRange, ShapeError
from ..tensor import Tensor


class Dataset:
    """Base class: subclasses define ``__getitem__(index)`` and ``__len__()``.

    As in PyTorch, the base class defines no ``__len__``: ``len()`` of a dataset without one
    is Python's own TypeError, which ``list(loader)`` and friends know to ignore.
    """

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__")

    def __add__(self, other):
        return ConcatDataset([self, other])


class IterableDataset(Dataset):
    """Base class of stream datasets: subclasses define ``__iter__`` (and ``__len__`` if known)."""

    def __iter__(self):
        raise NotImplementedError(f"{type(self).__name__} must define __iter__")

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} is an IterableDataset: iterate over it, "
                                  "it has no ds[i]")

    def __add__(self, other):
        return ChainDataset([self, other])


class TensorDataset(Dataset):
    """Examples made of tensors sharing their first dimension: ``ds[i] = (a[i], b[i], ...)``.

    Arrays and lists are turned into tensors. The ``DataLoader`` indexes these tensors with a
    whole batch of indices at once (``a.array[idx]``), so batching costs one fancy index per
    tensor instead of a Python loop over examples.
    """

    def __init__(self, *tensors):
        if not tensors:
            raise ArgumentError("TensorDataset: needs at least one tensor")
        self.tensors = tuple(t if isinstance(t, Tensor) else Tensor(t, dtype=getattr(t, "dtype", None)) for t in tensors)
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


class ConcatDataset(Dataset):
    """Several map-style datasets one after another: indices 0..len(a)-1 are a's, then b's, ..."""

    def __init__(self, datasets):
        self.datasets = list(datasets)
        if not self.datasets:
            raise ArgumentError("ConcatDataset: datasets should not be an empty iterable")
        for d in self.datasets:
            if isinstance(d, IterableDataset):
                raise ArgumentError("ConcatDataset does not support IterableDataset; use ChainDataset")
        self.cumulative_sizes = np.cumsum([len(d) for d in self.datasets]).tolist()

    def __len__(self):
        return self.cumulative_sizes[-1]

    def __getitem__(self, index):
        n = len(self)
        if index < 0:
            if -index > n:
                raise IndexOutOfRange(f"ConcatDataset: index {index} is out of range for length {n}")
            index += n
        if index >= n:
            raise IndexOutOfRange(f"ConcatDataset: index {index} is out of range for length {n}")
        which = bisect.bisect_right(self.cumulative_sizes, index)
        start = self.cumulative_sizes[which - 1] if which else 0
        return self.datasets[which][index - start]


class StackDataset(Dataset):
    """Several datasets of one length side by side: ``StackDataset(a, b)[i] == (a[i], b[i])``,
    ``StackDataset(x=a, y=b)[i] == {"x": a[i], "y": b[i]}``."""

    def __init__(self, *args, **kwargs):
        if args and kwargs:
            raise ArgumentError("StackDataset: pass datasets either as positional or as keyword arguments, "
                                "not both")
        if not args and not kwargs:
            raise ArgumentError("StackDataset: at least one dataset should be passed")
        self.datasets = args or kwargs
        lengths = {len(d) for d in (args or kwargs.values())}
        if len(lengths) != 1:
            raise ArgumentError(f"StackDataset: size mismatch between datasets, got lengths {sorted(lengths)}")
        self._length = lengths.pop()

    def __getitem__(self, index):
        if isinstance(self.datasets, dict):
            return {k: d[index] for k, d in self.datasets.items()}
        return tuple(d[index] for d in self.datasets)

    def __len__(self):
        return self._length


class ChainDataset(IterableDataset):
    """Several stream datasets one after another (the streams are not read until iterated)."""

    def __init__(self, datasets):
        self.datasets = datasets

    def __iter__(self):
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise ArgumentError(f"ChainDataset only supports IterableDataset, got {type(d).__name__}")
            yield from d

    def __len__(self):
        return sum(len(d) for d in self.datasets)


def has_batch(dataset):
    """True when ``dataset`` can gather a whole batch at once (``dataset.batch(indices)``)."""
    if isinstance(dataset, Subset):
        return has_batch(dataset.dataset)
    return callable(getattr(dataset, "batch", None))


def as_generator(generator):
    """An int seed made a ``minigrad.Generator`` (so that one object advances epoch after epoch);
    anything else returned as it is."""
    from ..random import Generator

    if isinstance(generator, (int, np.integer)) and not isinstance(generator, bool):
        return Generator().manual_seed(int(generator))
    return generator


def rng_from(generator=None, seed=None):
    """The NumPy Generator to draw an order from.

    ``generator`` is a ``minigrad.Generator`` (its stream is used), or, as conveniences, a NumPy
    Generator or an int seed; ``seed`` makes a fresh one. With neither, minigrad's default
    generator is used, so a script that calls ``minigrad.manual_seed`` once gets the same
    shuffles and splits on every run.
    """
    from ..random import Generator, stream_for

    if generator is not None and seed is not None:
        raise ArgumentError("pass either generator or seed, not both")
    if isinstance(generator, Generator):
        return stream_for(generator, "cpu")
    if isinstance(generator, (int, np.integer)):
        return np.random.default_rng(int(generator))
    if generator is not None:
        return generator
    if seed is not None:
        return np.random.default_rng(seed)
    return stream_for(None, "cpu")


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
        raise ArgumentError(f"random_split: lengths must be counts, or fractions that sum to 1, got {lengths}")
    counts = [int(x) for x in lengths]
    if sum(counts) != n:
        raise ArgumentError(f"random_split: the lengths {counts} sum to {sum(counts)}, but the dataset has {n} examples")
    return counts


def random_split(dataset, lengths, generator=None, seed=None):
    """Cut ``dataset`` into non-overlapping random ``Subset``s of the given lengths.

    ``lengths`` are counts that add up to ``len(dataset)``, or fractions that add up to 1
    (``random_split(ds, [0.8, 0.2], seed=0)``). ``generator`` (a ``minigrad.Generator``; a NumPy
    Generator or an int also work) or ``seed`` makes the split reproducible; without either,
    ``minigrad.manual_seed`` decides.
    """
    counts = _split_lengths(len(dataset), lengths)
    perm = rng_from(generator, seed).permutation(len(dataset))
    bounds = np.cumsum([0] + counts)
    return [Subset(dataset, perm[a:b]) for a, b in zip(bounds[:-1], bounds[1:])]
