"""Collectives on Python objects: any picklable value (a dict of metrics, a list of results).

    all_gather_object(outs, obj)          every rank: outs[r] <- rank r's obj
    gather_object(obj, outs, dst)         rank dst:   outs[r] <- rank r's obj
    broadcast_object_list(objs, src)      every rank: objs[i] <- rank src's objs[i]
    scatter_object_list(out, objs, src)   rank r:     out[0] <- rank src's objs[r]

Each object is pickled, sent over MPI as bytes and unpickled on arrival (mpi4py's
lower-case calls do both), so it arrives as a copy. They block until done, as in PyTorch.
Unpickling runs code the sender chose: use them only among processes you trust.
"""

from ..errors import ArgumentError, ShapeError
from .group import default_group


def _list(items, n, op, what):
    if not isinstance(items, list):
        raise ArgumentError(f"{op}: {what} must be a list, got {type(items).__name__}")
    if len(items) != n:
        raise ShapeError(f"{op}: {what} must have one entry per rank ({n}), got {len(items)}")


def all_gather_object(object_list, obj, group=None):
    """``object_list[r]`` becomes rank r's ``obj``, on every rank."""
    pg = default_group(group, "all_gather_object")
    _list(object_list, pg.size(), "all_gather_object", "object_list")
    object_list[:] = pg.backend.objects.allgather(obj)


def gather_object(obj, object_gather_list=None, dst=0, group=None, group_dst=None):
    """On rank ``dst``, ``object_gather_list[r]`` becomes rank r's ``obj``; other ranks pass None."""
    pg = default_group(group, "gather_object")
    dst = dst if group_dst is None else group_dst
    if pg.rank() == dst:
        if object_gather_list is None:
            raise ArgumentError("gather_object: Argument ``object_gather_list`` must be specified on destination rank.")
        _list(object_gather_list, pg.size(), "gather_object", "object_gather_list")
    gathered = pg.backend.objects.gather(obj, root=dst)
    if pg.rank() == dst:
        object_gather_list[:] = gathered


def broadcast_object_list(object_list, src=None, group=None, device=None, group_src=None):
    """Every rank's ``object_list`` (the same length everywhere) gets rank ``src``'s entries, in place."""
    pg = default_group(group, "broadcast_object_list")
    src = group_src if src is None else src
    src = 0 if src is None else src
    if not isinstance(object_list, list):
        raise ArgumentError(f"broadcast_object_list: object_list must be a list, got {type(object_list).__name__}")
    received = pg.backend.objects.bcast(object_list if pg.rank() == src else None, root=src)
    if len(received) != len(object_list):
        raise ShapeError(f"broadcast_object_list: rank {src} sent {len(received)} objects, this rank's list "
                         f"has room for {len(object_list)}")
    object_list[:] = received


def scatter_object_list(scatter_object_output_list, scatter_object_input_list=None, src=None, group=None,
                        group_src=None):
    """``scatter_object_output_list[0]`` becomes rank ``src``'s ``scatter_object_input_list[r]`` on rank r."""
    pg = default_group(group, "scatter_object_list")
    src = group_src if src is None else src
    src = 0 if src is None else src
    if not isinstance(scatter_object_output_list, list) or len(scatter_object_output_list) < 1:
        raise ArgumentError("scatter_object_list: Expected argument scatter_object_output_list to be a list of "
                            "size at least 1.")
    if pg.rank() == src:
        _list(scatter_object_input_list, pg.size(), "scatter_object_list", "scatter_object_input_list")
    scatter_object_output_list[0] = pg.backend.objects.scatter(
        scatter_object_input_list if pg.rank() == src else None, root=src)
