"""DistributedSampler: each of ``num_replicas`` processes takes its own share of a dataset.

Process ``rank`` gets indices ``rank, rank + num_replicas, rank + 2 * num_replicas, ...`` of
one common order: ``0..n-1``, or with ``shuffle`` a permutation drawn from a Generator seeded
with ``seed + epoch``, the same in every process (so the shares never overlap). Without
``drop_last`` the order is padded with its own first indices until every process gets the
same count; with it, the tail that does not divide evenly is dropped. Call
``sampler.set_epoch(epoch)`` at the start of each epoch for a new order, as in PyTorch.

Without shuffle the shares are PyTorch's index for index (tests/test_distributed.py); a
shuffled order is drawn by minigrad's generator, so it is not the permutation torch draws
for the same seed. ``num_replicas`` and ``rank`` default to those of the process group of
``minigrad.distributed`` (``init_process_group``).
"""

import math

import numpy as np

from ..errors import ArgumentError, ArgumentRuntimeError
from .samplers import Sampler


def _process_group():
    """(world size, rank) of minigrad.distributed's process group, when one is running."""
    try:
        from .. import distributed
    except ImportError:
        distributed = None
    if distributed is None or not getattr(distributed, "is_initialized", lambda: False)():
        raise ArgumentRuntimeError("DistributedSampler: no process group is running; pass num_replicas and "
                                   "rank, or start one with minigrad.distributed first")
    return distributed.get_world_size(), distributed.get_rank()


class DistributedSampler(Sampler):
    """The share of ``dataset`` that process ``rank`` of ``num_replicas`` reads (module docstring)."""

    def __init__(self, dataset, num_replicas=None, rank=None, shuffle=True, seed=0, drop_last=False):
        if num_replicas is None or rank is None:
            world, own = _process_group()
            num_replicas = world if num_replicas is None else num_replicas
            rank = own if rank is None else rank
        if not 0 <= rank < num_replicas:
            raise ArgumentError(f"Invalid rank {rank}, rank should be in the interval [0, {num_replicas - 1}]")
        self.dataset, self.num_replicas, self.rank = dataset, int(num_replicas), int(rank)
        self.shuffle, self.seed, self.drop_last = bool(shuffle), int(seed), bool(drop_last)
        self.epoch = 0
        n = len(dataset)
        if self.drop_last and n % self.num_replicas:
            self.num_samples = math.ceil((n - self.num_replicas) / self.num_replicas)
        else:
            self.num_samples = math.ceil(n / self.num_replicas)
        self.total_size = self.num_samples * self.num_replicas

    def __iter__(self):
        from ..random import Generator, stream_for

        n = len(self.dataset)
        if self.shuffle:
            order = stream_for(Generator().manual_seed(self.seed + self.epoch)).permutation(n)
        else:
            order = np.arange(n)
        if self.drop_last:
            order = order[:self.total_size]
        elif self.total_size > n:  # pad with the order's own beginning, repeated if need be
            order = np.resize(order, self.total_size)
        return iter(order[self.rank:self.total_size:self.num_replicas].tolist())

    def __len__(self):
        return self.num_samples

    def set_epoch(self, epoch):
        """Use the order of ``epoch`` (every process must call this with the same number)."""
        self.epoch = int(epoch)
