"""Point-to-point messages: one rank sends a tensor, one other rank receives it.

    send(x, dst)   /  recv(x, src)      block until the message has gone / arrived
    isend(x, dst)  /  irecv(x, src)     start it and return a Work handle (``wait()``)

``recv`` writes the message into ``x`` (same shape and dtype as the sent tensor) and
returns the sender's rank; with ``src=None`` it takes a message from any rank. ``tag``
tells apart several messages between the same two ranks. Unlike collectives, only the two
ranks take part, so the others may be doing anything meanwhile.
Only the "gloo"/"mpi" backend has them (CPU tensors).
"""

from ..errors import ArgumentError, NotSupported
from .collectives import _copy, _group, _start, _store, _wire


def _peer(pg, rank, op, what):
    if rank is None:
        raise ArgumentError(f"{op}: pass {what} (the rank at the other end)")
    if not 0 <= rank < pg.size():
        raise ArgumentError(f"{op}: {what}={rank} is not a rank of a group of {pg.size()}")
    if rank == pg.rank():
        raise ArgumentError(f"Invalid {'destination' if what == 'dst' else 'source'} rank: "
                            f"{'destination' if what == 'dst' else 'source'} rank should not be the same as the "
                            "rank of the current process.")
    return rank


def _point_to_point(pg, op):
    if not hasattr(pg.backend, "send"):
        raise NotSupported(f"{op}: the {pg.name()!r} backend has no point-to-point messages; use 'gloo' or 'mpi'")


def isend(tensor, dst=None, group=None, tag=0, group_dst=None):
    """Start sending ``tensor`` to rank ``dst``; returns a Work handle."""
    pg = _group(group, [tensor], "isend")
    _point_to_point(pg, "isend")
    dst = _peer(pg, group_dst if dst is None else dst, "isend", "dst")
    buf = _copy(tensor)  # the tensor may change while the message is on its way
    return _start(pg.backend.send(_wire(buf), dst, int(tag)), None, async_op=True)


def irecv(tensor=None, src=None, group=None, tag=0, group_src=None):
    """Start receiving into ``tensor`` from rank ``src`` (any rank when None); returns a Work handle."""
    pg = _group(group, [tensor], "irecv")
    _point_to_point(pg, "irecv")
    src = group_src if src is None else src
    if src is not None:
        src = _peer(pg, src, "irecv", "src")
    buf = _copy(tensor)
    request = pg.backend.recv(_wire(buf), src, int(tag))
    work = _start(request, lambda: _store(tensor, buf, "recv"), async_op=True)
    work.source_rank = lambda: request.source  # PyTorch's Work.source_rank(), valid after wait()
    return work


def send(tensor, dst=None, group=None, tag=0, group_dst=None):
    """Send ``tensor`` to rank ``dst`` and return once it has gone."""
    isend(tensor, dst, group, tag, group_dst).wait()


def recv(tensor, src=None, group=None, tag=0, group_src=None):
    """Receive into ``tensor`` from rank ``src`` (any rank when None); returns the sender's rank."""
    work = irecv(tensor, src, group, tag, group_src)
    work.wait()
    return work.source_rank()
