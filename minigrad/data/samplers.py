"""Samplers: which examples a DataLoader takes, in which order, and how they are grouped.

A sampler is an iterable of dataset indices (``SequentialSampler``: 0, 1, ..., n-1;
``RandomSampler``: a fresh permutation each epoch; ...). A ``BatchSampler`` groups another
sampler's indices into lists of ``batch_size``; the DataLoader fetches one batch per list.

Random samplers take ``generator=``: a ``minigrad.Generator`` (or, as a convenience, a NumPy
Generator or an int seed); without it they draw from minigrad's default generator, so
``minigrad.manual_seed`` fixes their order. Each epoch draws its whole order with one call
(a permutation or a choice), never an index at a time.
"""

import numbers

import numpy as np

from ..errors import ArgumentError, DTypeError
from .dataset import as_generator, rng_from


class Sampler:
    """Base class: subclasses define ``__iter__`` (the indices) and, when they know it, ``__len__``."""

    def __init__(self, data_source=None):
        pass

    def __iter__(self):
        raise NotImplementedError(f"{type(self).__name__} must define __iter__")


class SequentialSampler(Sampler):
    """0, 1, ..., len(data_source) - 1."""

    def __init__(self, data_source):
        self.data_source = data_source

    def __iter__(self):
        return iter(range(len(self.data_source)))

    def __len__(self):
        return len(self.data_source)


def _check_count(name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
        raise ArgumentError(f"{name} should be a positive integer value, but got {name}={value!r}")
    return int(value)


class RandomSampler(Sampler):
    """The indices of ``data_source`` in a random order: a permutation each epoch, or with
    ``replacement=True`` ``num_samples`` indices drawn independently."""

    def __init__(self, data_source, replacement=False, num_samples=None, generator=None):
        if not isinstance(replacement, bool):
            raise DTypeError(f"replacement should be a boolean value, but got replacement={replacement!r}")
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = None if num_samples is None else _check_count("num_samples", num_samples)
        self.generator = as_generator(generator)

    @property
    def num_samples(self):
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self):
        n, rng = len(self.data_source), rng_from(self.generator)
        if self.replacement:
            return iter(rng.integers(0, n, size=self.num_samples).tolist())
        # num_samples above n: whole permutations one after another, as PyTorch does
        reps = -(-self.num_samples // n) if n else 0
        order = np.concatenate([rng.permutation(n) for _ in range(reps)]) if reps else np.arange(0)
        return iter(order[:self.num_samples].tolist())

    def __len__(self):
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given ``indices`` in a random order, a new one each epoch."""

    def __init__(self, indices, generator=None):
        self.indices = indices
        self.generator = as_generator(generator)

    def __iter__(self):
        perm = rng_from(self.generator).permutation(len(self.indices))
        return iter([self.indices[i] for i in perm.tolist()])

    def __len__(self):
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    """``num_samples`` indices in [0, len(weights)), index i drawn with probability
    weights[i] / sum(weights) (with or without replacement)."""

    def __init__(self, weights, num_samples, replacement=True, generator=None):
        self.num_samples = _check_count("num_samples", num_samples)
        if not isinstance(replacement, bool):
            raise ArgumentError(f"replacement should be a boolean value, but got replacement={replacement!r}")
        w = np.asarray(weights.array if hasattr(weights, "array") else weights, dtype=np.float64)
        if w.ndim != 1:
            raise ArgumentError(f"WeightedRandomSampler: weights should be a 1-D sequence, got shape {w.shape}")
        if (w < 0).any() or not np.isfinite(w).all() or w.sum() <= 0:
            raise ArgumentError("WeightedRandomSampler: weights must be finite, non-negative, and not all zero")
        if not replacement and self.num_samples > int((w > 0).sum()):
            raise ArgumentError(f"WeightedRandomSampler: cannot draw {self.num_samples} samples without "
                                f"replacement from {int((w > 0).sum())} non-zero weights")
        self.weights = w
        self.replacement = replacement
        self.generator = as_generator(generator)

    def __iter__(self):
        p = self.weights / self.weights.sum()
        picks = rng_from(self.generator).choice(len(p), size=self.num_samples, replace=self.replacement, p=p)
        return iter(picks.tolist())

    def __len__(self):
        return self.num_samples


class BatchSampler(Sampler):
    """Group the indices of ``sampler`` into lists of ``batch_size`` (the last one shorter,
    unless ``drop_last``)."""

    def __init__(self, sampler, batch_size, drop_last):
        self.batch_size = _check_count("batch_size", batch_size)
        if not isinstance(drop_last, bool):
            raise ArgumentError(f"drop_last should be a boolean value, but got drop_last={drop_last!r}")
        self.sampler = sampler
        self.drop_last = drop_last

    def __iter__(self):
        batch = []
        for index in self.sampler:
            batch.append(index)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self):
        n = len(self.sampler)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
