"""The main process's side of DataLoader workers: start them, hand out tasks, collect batches.

``WorkerPool`` starts ``num_workers`` processes (worker.py is their body), each with its own
task queue, all answering on one result queue. One epoch (``pool.epoch_batches(tasks)``):

1. send the first ``prefetch_factor * num_workers`` tasks, round-robin over the workers;
2. wait for answers; an answer for task k is held until tasks 0..k-1 have been yielded
   (``in_order``), and each batch yielded lets one more task be sent;
3. a worker's exception is re-raised here; a worker that died, or no answer within
   ``timeout`` seconds, raises ``DataLoaderError``.

For an IterableDataset every task is "your next batch"; a worker whose stream is over answers
``StreamEnd`` and gets no more tasks. ``shutdown()`` asks every worker to stop, waits a
moment (reading the result queue so no worker blocks on a full pipe), then terminates the
ones left, so that no process outlives the loop: it runs when an epoch ends, when the loop
is left early (``break``, an exception), or, with ``persistent_workers``, when the loader is
garbage collected.
"""

import itertools
import multiprocessing
import pickle
import queue
import time

from ..errors import DataLoaderError
from .worker import ExceptionWrapper, StreamEnd, worker_loop

_END = object()
_POLL = 0.5  # seconds between checks that the workers are alive while waiting


def default_context():
    """'fork' where the system has it (Linux): fast to start, and the dataset and a lambda
    collate_fn need not be picklable. Elsewhere Python's default ('spawn')."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)


class WorkerPool:
    def __init__(self, dataset, num_workers, make_fetcher, base_seed, worker_init_fn, prefetch_factor,
                 timeout, in_order, context=None):
        if context is None:
            context = default_context()
        elif isinstance(context, str):
            context = multiprocessing.get_context(context)
        self.num_workers, self.prefetch_factor = num_workers, prefetch_factor
        self.timeout, self.in_order = timeout, in_order
        self.epoch = 0
        self.result_queue = context.Queue()
        self.index_queues, self.workers = [], []
        for k in range(num_workers):
            index_queue = context.Queue()
            index_queue.cancel_join_thread()  # never block the main process on exit over unsent tasks
            w = context.Process(target=worker_loop, daemon=True,
                                args=(dataset, index_queue, self.result_queue, make_fetcher, base_seed,
                                      worker_init_fn, k, num_workers))
            w.start()
            self.index_queues.append(index_queue)
            self.workers.append(w)
        self.closed = False

    # ---- one epoch ----------------------------------------------------------------------------
    def epoch_batches(self, tasks):
        """Yield the batches of one epoch, ``tasks`` being the index lists (or, for a stream,
        the batch sizes) in order."""
        self.epoch += 1
        epoch, tasks = self.epoch, iter(tasks)
        active = list(range(self.num_workers))  # workers whose stream is not over
        turn = itertools.cycle(range(self.num_workers))
        sent, pending, ready, next_out = 0, {}, {}, 0

        def send():
            nonlocal sent
            if not active:
                return False
            task = next(tasks, _END)
            if task is _END:
                return False
            k = next(turn)
            while k not in active:
                k = next(turn)
            self.index_queues[k].put((epoch, sent, task))
            pending[sent] = k
            sent += 1
            return True

        for _ in range(self.prefetch_factor * self.num_workers):
            if not send():
                break
        while pending or ready:
            if self.in_order and next_out in ready:
                number = next_out
            elif not self.in_order and ready:
                number = next(iter(ready))
            else:
                number, data = self._receive(epoch, pending)
                ready[number] = data
                continue
            data = ready.pop(number)
            next_out = max(next_out, number + 1) if self.in_order else next_out
            if isinstance(data, ExceptionWrapper):
                self.shutdown()
                data.reraise()
            if isinstance(data, StreamEnd):
                if data.worker_id in active:
                    active.remove(data.worker_id)
                send()  # keep the other workers busy
                continue
            send()
            yield data

    def _receive(self, epoch, pending):
        """The next answer of this epoch, as (task number, batch); answers left over from an
        earlier epoch (a loop left early, with persistent workers) are dropped."""
        start = time.monotonic()
        while True:
            left = self.timeout - (time.monotonic() - start) if self.timeout else _POLL
            try:
                raw = self.result_queue.get(timeout=max(min(left, _POLL), 0.001))
            except queue.Empty:
                self._check_alive()
                if self.timeout and time.monotonic() - start >= self.timeout:
                    self.shutdown(grace=0.5)  # a worker that did not answer is likely stuck
                    raise DataLoaderError(f"DataLoader timed out after {self.timeout} seconds waiting for a batch "
                                          "from its workers") from None
                continue
            got_epoch, number, data = pickle.loads(raw)
            if got_epoch == epoch:
                pending.pop(number, None)
                return number, data

    def _check_alive(self):
        for k, w in enumerate(self.workers):
            if not w.is_alive():
                code = w.exitcode
                self.shutdown(grace=0.5)
                raise DataLoaderError(f"DataLoader worker {k} (pid {w.pid}) exited unexpectedly with exit code "
                                      f"{code}")

    # ---- the end ------------------------------------------------------------------------------
    def shutdown(self, grace=2.0):
        """Stop every worker: ask, wait up to ``grace`` seconds while draining results, then terminate."""
        if self.closed:
            return
        self.closed = True
        for q in self.index_queues:
            try:
                q.put(None)
            except (OSError, ValueError):  # a queue already closed
                pass
        deadline = time.monotonic() + grace
        while any(w.is_alive() for w in self.workers) and time.monotonic() < deadline:
            try:
                self.result_queue.get(timeout=0.05)  # a worker blocked on a full pipe can then finish
            except (queue.Empty, OSError, ValueError, EOFError):
                pass
        for w in self.workers:
            if w.is_alive():
                w.terminate()
            w.join(timeout=grace)
        for q in self.index_queues + [self.result_queue]:
            q.cancel_join_thread()
            q.close()
