"""Uneven inputs: ``with ddp.join():`` lets ranks run out of batches at different times.

Every rank of DistributedDataParallel must take part in each gradient all-reduce; a rank
that finishes its data early would leave the others waiting in their next backward
forever. Inside ``join()``, each forward first all-reduces two counts, [1, 1 if this
backward averages gradients]; a rank that has run out of inputs leaves the ``with`` body
and then, in a loop, sends [0, 0] instead and "shadows" what the active ranks do next:
the buffer broadcast and, when some rank averages gradients, an all-reduce of zeros for
each bucket (in the same order, as MPI needs). When the counts come back [0, 0] every rank
has finished; the rank that ran the most iterations (the highest such rank on a tie) then
broadcasts its parameters and buffers, so all ranks end with the same model, as PyTorch's
join does.

The mean divides by the initial world size (``divide_by_initial_world_size=True``, so a
joined rank counts as a zero gradient) or by the number of ranks still active.
With ``throw_on_early_termination`` every rank raises instead, as soon as one runs out.
One difference from PyTorch: buffers still come from rank 0, even after it has joined.
"""

import numpy as np

from ...distributed.coalesced import broadcast_coalesced
from ...distributed.reduce_op import ReduceOp
from ...errors import DistributedError


class Join:
    """The state of one ``with ddp.join():`` (module docstring)."""

    def __init__(self, ddp, divide_by_initial_world_size=True, throw_on_early_termination=False):
        self.ddp = ddp
        self.group = ddp.process_group
        self.divide_by_initial_world_size = bool(divide_by_initial_world_size)
        self.throw_on_early_termination = bool(throw_on_early_termination)
        self.iterations = 0  # forwards this rank ran inside join()

    def _counts(self, active, syncing):
        counts = np.array([active, syncing], dtype=np.int64)
        self.group.backend.all_reduce(counts, ReduceOp.SUM).Wait()
        return int(counts[0]), int(counts[1])

    def _early_termination(self):
        raise DistributedError("DistributedDataParallel.join: Detected at least one rank that exhausted inputs. "
                               "Throwing across all ranks (throw_on_early_termination=True).")

    def notify(self, syncing):
        """An active rank's forward: count the ranks still running, set the divisor of the mean."""
        active, _ = self._counts(1, int(syncing))
        self.iterations += 1
        if self.throw_on_early_termination and active < self.group.size():
            self._early_termination()
        self.ddp.reducer.divisor = None if self.divide_by_initial_world_size else active

    def shadow_until_all_joined(self):
        """A rank out of inputs: match the others' collectives until every rank is out, then sync the model."""
        while True:
            active, syncing = self._counts(0, 0)
            if active == 0:
                break
            if self.throw_on_early_termination:
                self._early_termination()
            self.ddp._broadcast_buffers()
            if syncing:
                self.ddp.reducer.shadow()
        world = self.group.size()
        last = np.array([self.iterations * world + self.group.rank()], dtype=np.int64)
        self.group.backend.all_reduce(last, ReduceOp.MAX).Wait()
        authoritative = int(last[0]) % world
        module = self.ddp.module
        broadcast_coalesced(list(module.parameters()) + list(module.buffers()), authoritative, self.group)
        self.ddp.reducer.divisor = None
