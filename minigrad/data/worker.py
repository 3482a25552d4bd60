"""What runs inside a DataLoader worker process, and how a batch is fetched.

A loader with ``num_workers > 0`` starts that many processes. Each waits on its own queue
for a task ``(epoch, task_number, indices)``, fetches that batch from its copy of the
dataset, and puts ``(epoch, task_number, pickled batch)`` on the one queue all workers
share. The main process hands tasks out round-robin and puts the batches back in task
order (worker_pool.py).

Seeding, as PyTorch does it: the main process draws a ``base_seed`` from the loader's
generator (or minigrad's default one) when it starts the workers; worker ``k`` then seeds
minigrad's default generators and Python's ``random`` with ``base_seed + k``, and NumPy's
global generator (``np.random.seed``) with a seed derived from (base_seed, k). So random
augmentations differ between workers, and a script that calls ``minigrad.manual_seed``
gets the same batches on every run. ``worker_init_fn(k)`` runs after the seeding.

An exception in a worker is sent back with its traceback and re-raised in the main process
with the same type, naming the worker and the sample index being fetched.
"""

import pickle
import random
import sys
import traceback

import numpy as np

from ..errors import DataLoaderError

_worker_info = None


class WorkerInfo:
    """What ``get_worker_info()`` tells code running in a worker."""

    def __init__(self, id, num_workers, seed, dataset):
        self.id, self.num_workers, self.seed, self.dataset = id, num_workers, seed, dataset

    def __repr__(self):
        return f"WorkerInfo(id={self.id}, num_workers={self.num_workers}, seed={self.seed})"


def get_worker_info():
    """In a DataLoader worker: its ``WorkerInfo`` (id, num_workers, seed, dataset). None in the
    main process. An IterableDataset uses it to give each worker a different part of its stream."""
    return _worker_info


# ---- fetching one batch (in the main process too, when num_workers=0) ---------------------------


class MapFetcher:
    """Batches of a map-style dataset. ``current`` is the index being read, for error messages."""

    def __init__(self, dataset, auto_collation, collate_fn, fast):
        self.dataset, self.auto_collation, self.collate_fn, self.fast = dataset, auto_collation, collate_fn, fast
        self.current = None

    def fetch(self, index):
        if self.fast:  # a TensorDataset: one fancy index per tensor, no loop over examples
            self.current = index
            return list(self.dataset.batch(np.asarray(index, dtype=np.int64)))
        if not self.auto_collation:
            self.current = index
            return self.collate_fn(self.dataset[index])
        getitems = getattr(self.dataset, "__getitems__", None)
        if getitems is not None:
            self.current = index
            examples = getitems(index)
        else:
            examples = []
            for i in index:
                self.current = i
                examples.append(self.dataset[i])
        self.current = None
        return self.collate_fn(examples)


class FetcherMaker:
    """Builds a worker's fetcher for each epoch (a class, not a closure, so 'spawn' can pickle it)."""

    def __init__(self, iterable, auto_collation, collate_fn, drop_last, fast):
        self.iterable, self.auto_collation, self.collate_fn = iterable, auto_collation, collate_fn
        self.drop_last, self.fast = drop_last, fast

    def __call__(self, dataset):
        if self.iterable:
            return IterableFetcher(dataset, self.auto_collation, self.collate_fn, self.drop_last)
        return MapFetcher(dataset, self.auto_collation, self.collate_fn, self.fast)


class IterableFetcher:
    """Batches of a stream dataset: the next ``batch_size`` examples of its iterator."""

    def __init__(self, dataset, auto_collation, collate_fn, drop_last):
        self.iterator = iter(dataset)
        self.auto_collation, self.collate_fn, self.drop_last = auto_collation, collate_fn, drop_last
        self.current = None

    def fetch(self, batch_size):
        """The next batch; StopIteration when the stream is over."""
        if not self.auto_collation:
            return self.collate_fn(next(self.iterator))
        examples = []
        for example in self.iterator:
            examples.append(example)
            if len(examples) == batch_size:
                break
        if not examples or (self.drop_last and len(examples) < batch_size):
            raise StopIteration
        return self.collate_fn(examples)


# ---- errors travelling from a worker to the main process ------------------------------------------


class _KeyErrorMessage(str):
    """KeyError shows repr(message); this keeps the traceback's line breaks readable."""

    def __repr__(self):
        return self


class ExceptionWrapper:
    """An exception caught in a worker: its type, and a message with the original traceback."""

    def __init__(self, where):
        exc_type = sys.exc_info()[0]
        self.exc_type = exc_type
        try:
            pickle.dumps(exc_type)
        except Exception:  # a class the main process cannot import: raise a DataLoaderError there
            self.exc_type = DataLoaderError
        self.message = f"Caught {exc_type.__name__} {where}.\nOriginal {traceback.format_exc()}"

    def reraise(self):
        message = _KeyErrorMessage(self.message) if self.exc_type is KeyError else self.message
        try:
            exc = self.exc_type(message)
        except Exception:  # an exception class whose constructor wants other arguments
            raise DataLoaderError(message) from None
        raise exc


class StreamEnd:
    """A worker's answer once its part of an IterableDataset is exhausted."""

    def __init__(self, worker_id):
        self.worker_id = worker_id


def _where(worker_id, fetcher, index):
    current = None if fetcher is None else fetcher.current
    if current is not None and not isinstance(current, list):
        return f"in DataLoader worker process {worker_id} while fetching sample index {current}"
    if index is not None and isinstance(index, list):
        return f"in DataLoader worker process {worker_id} while fetching the batch of sample indices {index}"
    return f"in DataLoader worker process {worker_id}"


def _pickled(epoch, task, data, worker_id):
    """Pickle here, not in the queue's background thread, so a batch that cannot be pickled is
    reported instead of silently lost."""
    try:
        return pickle.dumps((epoch, task, data), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        error = ExceptionWrapper(f"in DataLoader worker process {worker_id} while sending a batch to the "
                                 "main process (it must be picklable)")
        return pickle.dumps((epoch, task, error))


def _seed_worker(base_seed, worker_id):
    from ..random import manual_seed

    seed = base_seed + worker_id
    random.seed(seed)
    manual_seed(seed & (2**64 - 1))
    np.random.seed(np.random.SeedSequence([base_seed, worker_id]).generate_state(4))
    return seed


def worker_loop(dataset, index_queue, result_queue, make_fetcher, base_seed, worker_init_fn, worker_id,
                num_workers):
    """The body of a worker process: seed, run ``worker_init_fn``, then answer tasks until None."""
    global _worker_info
    try:
        seed = _seed_worker(base_seed, worker_id)
        _worker_info = WorkerInfo(worker_id, num_workers, seed, dataset)
        init_error = None
        if worker_init_fn is not None:
            try:
                worker_init_fn(worker_id)
            except Exception:
                init_error = ExceptionWrapper(f"in DataLoader worker process {worker_id} (worker_init_fn)")
        fetcher, fetcher_epoch = None, None
        while True:
            task = index_queue.get()
            if task is None:
                break
            epoch, number, index = task
            if init_error is not None:
                data = init_error
            else:
                try:
                    if epoch != fetcher_epoch:  # a new epoch: a stream restarts from its beginning
                        fetcher, fetcher_epoch = None, epoch
                        fetcher = make_fetcher(dataset)
                    data = fetcher.fetch(index)
                except StopIteration:
                    if isinstance(fetcher, IterableFetcher):
                        data = StreamEnd(worker_id)
                    else:  # a map-style dataset raising StopIteration: an error like any other
                        data = ExceptionWrapper(_where(worker_id, fetcher, index))
                except Exception:
                    data = ExceptionWrapper(_where(worker_id, fetcher, index))
            result_queue.put(_pickled(epoch, number, data, worker_id))
    except KeyboardInterrupt:  # the main process was interrupted; it cleans up
        pass
    finally:
        result_queue.cancel_join_thread()

