"""DataLoader: walks a dataset in mini-batches, in this process or in worker processes.

With PyTorch's arguments and meaning. Each epoch (each ``for batch in loader``):

1. a *sampler* gives the order of the indices: ``SequentialSampler`` (0, 1, ..., n-1), or with
   ``shuffle=True`` a ``RandomSampler`` (a new permutation each epoch), or the ``sampler``
   given; a ``BatchSampler`` cuts that order into lists of ``batch_size`` (or pass your own
   ``batch_sampler``). ``batch_size=None`` turns batching off: one example at a time.
2. each list becomes one batch: ``collate_fn([dataset[i] for i in indices])``, by default
   ``default_collate`` (collate.py). A ``TensorDataset`` (or a ``Subset`` of one) takes a
   fast path: one fancy index per tensor, ``x.array[indices]``, no loop over examples.
3. with ``num_workers > 0`` step 2 runs in that many processes (worker_pool.py, worker.py),
   ``prefetch_factor`` batches ahead per worker, the batches still coming out in order.

An ``IterableDataset`` has no indices: its iterator is read ``batch_size`` examples at a time
(in each worker, which shards the stream with ``get_worker_info()``).

Shuffling is reproducible: ``generator=`` (a ``minigrad.Generator``) or ``seed=`` (minigrad's
shorthand for ``generator=minigrad.Generator().manual_seed(seed)``) fixes the sequence of
epochs; without them the order follows ``minigrad.manual_seed``.

``pin_memory`` and ``pin_memory_device`` are accepted and do nothing: NumPy arrays are already
in host memory, and CuPy copies to the GPU when a batch is moved with ``.to("cuda")``.
"""

import itertools
import numbers
import weakref

from ..errors import ArgumentError
from .collate import default_collate, default_convert
from .dataset import IterableDataset, as_generator, has_batch, rng_from
from .samplers import BatchSampler, RandomSampler, SequentialSampler
from .worker import FetcherMaker
from .worker_pool import WorkerPool


class DataLoader:
    """Iterate over ``dataset`` in batches (see the module docstring for every argument)."""

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None, num_workers=0,
                 collate_fn=None, pin_memory=False, drop_last=False, timeout=0, worker_init_fn=None,
                 multiprocessing_context=None, generator=None, *, prefetch_factor=None, persistent_workers=False,
                 pin_memory_device="", in_order=True, seed=None):
        if not isinstance(num_workers, numbers.Integral) or num_workers < 0:
            raise ArgumentError("num_workers option should be non-negative; use num_workers=0 to disable "
                                "multiprocessing.")
        if timeout < 0:
            raise ArgumentError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ArgumentError("prefetch_factor option could only be specified in multiprocessing. Let "
                                "num_workers > 0 to enable multiprocessing, otherwise set prefetch_factor to None.")
        if prefetch_factor is not None and prefetch_factor < 1:
            raise ArgumentError(f"prefetch_factor option should be a positive integer, got {prefetch_factor}")
        if persistent_workers and num_workers == 0:
            raise ArgumentError("persistent_workers option needs num_workers > 0")
        if seed is not None:
            if generator is not None:
                raise ArgumentError("DataLoader: pass either generator or seed, not both")
            generator = seed
        generator = as_generator(generator)
        iterable = isinstance(dataset, IterableDataset)
        if iterable:
            if shuffle not in (None, False):
                raise ArgumentError("DataLoader with IterableDataset: expected unspecified shuffle option, but "
                                    f"got shuffle={shuffle}")
            if sampler is not None:
                raise ArgumentError("DataLoader with IterableDataset: expected unspecified sampler option, but "
                                    f"got sampler={sampler}")
            if batch_sampler is not None:
                raise ArgumentError("DataLoader with IterableDataset: expected unspecified batch_sampler option, "
                                    f"but got batch_sampler={batch_sampler}")
        if sampler is not None and shuffle:
            raise ArgumentError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ArgumentError("batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, "
                                    "and drop_last")
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ArgumentError("batch_size=None option disables auto-batching and is mutually exclusive with "
                                "drop_last")
        if sampler is None and not iterable:
            sampler = RandomSampler(dataset, generator=generator) if shuffle else SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None and not iterable:
            batch_sampler = BatchSampler(sampler, batch_size, bool(drop_last))
        elif batch_size is not None and iterable:
            BatchSampler(range(0), batch_size, bool(drop_last))  # the same checks of batch_size and drop_last

        self.dataset, self.batch_size, self.drop_last = dataset, batch_size, bool(drop_last)
        self.sampler, self.batch_sampler, self.generator = sampler, batch_sampler, generator
        self.num_workers, self.timeout, self.worker_init_fn = int(num_workers), timeout, worker_init_fn
        self.prefetch_factor = (2 if prefetch_factor is None else int(prefetch_factor)) if num_workers else None
        self.persistent_workers, self.in_order = bool(persistent_workers), bool(in_order)
        self.multiprocessing_context = multiprocessing_context
        self.pin_memory, self.pin_memory_device = bool(pin_memory), pin_memory_device
        self._iterable = iterable
        self._auto_collation = batch_sampler is not None or (iterable and batch_size is not None)
        self.collate_fn = collate_fn if collate_fn is not None else (
            default_collate if self._auto_collation else default_convert)
        self._fast = collate_fn is None and self._auto_collation and not iterable and has_batch(dataset)
        self._pool = None

    @property
    def _index_sampler(self):
        return self.batch_sampler if self._auto_collation else self.sampler

    def __len__(self):
        if self._iterable:
            n = len(self.dataset)  # TypeError for a stream without a length, as in PyTorch
            if self.batch_size is None:
                return n
            return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
        return len(self._index_sampler)

    def _fetcher_maker(self):
        return FetcherMaker(self._iterable, self._auto_collation, self.collate_fn, self.drop_last, self._fast)

    def _tasks(self):
        """What each batch is made from: index lists (or single indices), or, for a stream, its size."""
        if self._iterable:
            return itertools.repeat(self.batch_size)
        return iter(self._index_sampler)

    def __iter__(self):
        # Each epoch draws the workers' base seed first, with or without workers (as PyTorch
        # does), so the shuffled order does not depend on num_workers. Persistent workers
        # keep the seed they started with (PyTorch reuses its iterator then, drawing none).
        reuse = self.persistent_workers and self._pool is not None and not self._pool.closed
        base_seed = None if reuse else int(rng_from(self.generator).integers(0, 2**63 - 1))
        if self.num_workers == 0:
            return self._single_process()
        return self._multi_process(base_seed)

    def _single_process(self):
        fetcher = self._fetcher_maker()(self.dataset)
        for task in self._tasks():
            if not self._iterable:
                yield fetcher.fetch(task)
                continue
            try:
                batch = fetcher.fetch(task)
            except StopIteration:  # the stream is over
                return
            yield batch

    def _start_pool(self, base_seed):
        pool = WorkerPool(self.dataset, self.num_workers, self._fetcher_maker(), base_seed, self.worker_init_fn,
                          self.prefetch_factor, self.timeout, self.in_order, self.multiprocessing_context)
        if self.persistent_workers:  # stop the workers when the loader goes away
            weakref.finalize(self, pool.shutdown)
        return pool

    def _multi_process(self, base_seed):
        if self._pool is None or self._pool.closed:
            pool = self._start_pool(base_seed)
            if self.persistent_workers:
                self._pool = pool
        else:
            pool = self._pool
        try:
            yield from pool.epoch_batches(self._tasks())
        finally:  # also on break (the generator is closed) and on errors: no process left behind
            if not self.persistent_workers:
                pool.shutdown()

