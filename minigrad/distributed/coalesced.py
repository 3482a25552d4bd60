"""Many small tensors sent as one message: one collective per dtype instead of one per tensor.

Each MPI call costs a fixed latency (microseconds on one machine, tens of them across a
network) on top of the time the bytes take, so a model's 20 parameters broadcast as one
flat buffer cost one latency, not 20. The flat buffer is the tensors' values one after the
other; after the collective each tensor gets its slice back.
"""

from ..autograd.grad_mode import no_grad
from ..tensor import Tensor
from .group import default_group


def broadcast_coalesced(tensors, src=0, group=None):
    """Every rank's ``tensors`` (a list, the same shapes and dtypes on every rank) become rank src's."""
    pg = default_group(group, "broadcast_coalesced")
    by_dtype = {}
    for t in tensors:
        by_dtype.setdefault((t.dtype, t.device), []).append(t)
    for same in by_dtype.values():
        xp = same[0].xp
        flat = xp.concatenate([t.array.reshape(-1) for t in same])
        wire = flat.view("uint8") if flat.dtype.kind == "b" else flat
        pg.backend.broadcast(wire, src).Wait()
        if pg.rank() == src:
            continue
        start = 0
        with no_grad():
            for t in same:
                n = t.array.size
                t._write(Tensor._make(flat[start:start + n].reshape(t.shape)), "broadcast")
                start += n
