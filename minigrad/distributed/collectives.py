"""Collectives: operations that every rank of the group calls together, each with its tensor.

With N ranks, rank r holding x_r (same shape and dtype everywhere):

    all_reduce(x, op)        every rank: x <- op(x_0, ..., x_{N-1})        (ReduceOp, element-wise)
    reduce(x, dst, op)       rank dst:   x <- op(x_0, ..., x_{N-1}); others unchanged
    broadcast(x, src)        every rank: x <- x_src
    all_gather(outs, x)      every rank: outs[r] <- x_r, for r in 0..N-1
    all_gather_into_tensor(out, x)     out <- x_0, ..., x_{N-1} one after the other (dim 0)
    gather(x, outs, dst)     rank dst:   outs[r] <- x_r
    scatter(x, ins, src)     rank r:     x <- rank src's ins[r]
    reduce_scatter(out, xs, op)        rank r: out <- op over ranks of xs[r]
    reduce_scatter_tensor(out, x, op)  rank r: out <- op over ranks of chunk r of x (dim 0)
    barrier()                nobody leaves until everybody has arrived
    monitored_barrier(timeout)         the same, raising if someone has not arrived in time

Results are written in place into the tensors passed, as in PyTorch. Each call works on
contiguous copies of its inputs, and the result is written with ``Tensor._write`` (so the
version counter moves, like any in-place change) when the collective finishes: at once, or
with ``async_op=True`` when ``work.wait()`` is called on the returned handle (work.py).
Every rank must call the same collectives in the same order with matching shapes;
MPI cannot check that for us, and a mismatch hangs or garbles the job.

Collectives are not recorded by autograd: they move values, not gradients.
"""

import time

from ..autograd.grad_mode import no_grad
from ..errors import ArgumentError, DeviceError, DistributedError, DTypeError, DTypeRuntimeError, ShapeError
from ..tensor import Tensor
from .group import default_group
from .reduce_op import BOOL_AS_BYTES, ReduceOp
from .work import Work


# ---- checks and buffers -------------------------------------------------------------------
def _group(group, tensors, op):
    pg = default_group(group, op)
    for t in tensors:
        if not isinstance(t, Tensor):
            raise DTypeError(f"{op}: expected Tensors, got {type(t).__name__}")
        wanted = "nccl" if t.device.type == "cuda" else "mpi"  # the transport that moves such tensors
        if wanted != pg.backend.name:
            needs = "'nccl'" if wanted == "nccl" else "'gloo' or 'mpi'"
            raise DeviceError(f"{op}: a tensor on {t.device} needs the {needs} backend; this process "
                              f"group runs {pg.name()!r}")
    return pg


def _same(tensors, like, op):
    """Every tensor of an output or input list has ``like``'s shape and dtype."""
    for t in tensors:
        if tuple(t.shape) != tuple(like.shape):
            raise ShapeError(f"{op}: every tensor must have shape {tuple(like.shape)}, got {tuple(t.shape)}")
        if t.dtype != like.dtype:
            raise DTypeRuntimeError(f"{op}: every tensor must have dtype {like.dtype}, got {t.dtype}")


def _count(items, pg, op, what):
    if len(items) != pg.size():
        raise ShapeError(f"{op}: {what} must hold one tensor per rank ({pg.size()}), got {len(items)}")


def _reduction(op, dtype, name):
    """The reduction the backend runs for ``op`` on ``dtype`` (AVG runs as SUM, then divides)."""
    if not isinstance(op, ReduceOp):
        raise ArgumentError(f"{name}: op must be a ReduceOp (e.g. ReduceOp.SUM), got {op!r}")
    kind = dtype.kind
    if op is ReduceOp.AVG:
        if kind != "f":
            raise DTypeError(f"{name}: ReduceOp.AVG needs a floating point tensor, got {dtype}")
        return ReduceOp.SUM
    if kind == "b":
        return BOOL_AS_BYTES[op]
    if kind == "f" and op in (ReduceOp.BAND, ReduceOp.BOR, ReduceOp.BXOR):
        raise DTypeError(f"{name}: ReduceOp.{op.name} needs an integer or bool tensor, got {dtype}")
    return op


def _copy(t):
    """A contiguous copy of t's values: the buffer the backend reads and writes."""
    return t.xp.array(t.array, order="C", copy=True)


def _wire(buf):
    """How ``buf`` travels: bools as bytes 0/1 (MPI and NCCL have no bool arithmetic)."""
    return buf.view("uint8") if buf.dtype.kind == "b" else buf


def _store(t, values, op):
    """Write ``values`` into t in place (t's version counter moves)."""
    with no_grad():
        t._write(Tensor._make(values), op)


def _empty(like, shape):
    return like.xp.empty(shape, dtype=like.dtype)


def _start(request, finish, async_op):
    """A Work handle (async_op) or, having waited for it, None, as PyTorch returns."""
    work = Work(request, finish)
    if async_op:
        return work
    work.wait()
    return None


def _root_list(tensors, like, pg, root, op, what, role):
    """True on the root rank, whose ``tensors`` must be one per rank like ``like``; the others pass none.

    gather and scatter both take a list on their root rank only (PyTorch's wording in the errors).
    """
    if pg.rank() != root:
        if tensors:
            raise ArgumentError(f"{op}: Argument ``{what}`` must NOT be specified on non-{role} ranks.")
        return False
    if tensors is None:
        raise ArgumentError(f"{op}: Argument ``{what}`` must be specified on {role} rank.")
    _count(tensors, pg, op, what)
    _same(tensors, like, op)
    return True


def _rank(value, group_value, pg, op, what, default=None):
    value = group_value if value is None else value
    value = default if value is None else value
    if value is None:
        raise ArgumentError(f"{op}: pass {what} (the rank it refers to)")
    if not 0 <= value < pg.size():
        raise ArgumentError(f"{op}: {what}={value} is not a rank of a group of {pg.size()}")
    return value


# ---- the collectives ----------------------------------------------------------------------
def all_reduce(tensor, op=ReduceOp.SUM, group=None, async_op=False):
    """Every rank's ``tensor`` becomes ``op`` over all ranks' tensors (module docstring)."""
    pg = _group(group, [tensor], "all_reduce")
    wire_op = _reduction(op, tensor.dtype, "all_reduce")
    buf = _copy(tensor)
    request = pg.backend.all_reduce(_wire(buf), wire_op)

    def finish():
        if op is ReduceOp.AVG:
            tensor.xp.true_divide(buf, pg.size(), out=buf)
        _store(tensor, buf, "all_reduce")

    return _start(request, finish, async_op)


def reduce(tensor, dst=None, op=ReduceOp.SUM, group=None, async_op=False, group_dst=None):
    """Rank ``dst``'s ``tensor`` becomes ``op`` over all ranks' tensors; the others keep theirs."""
    pg = _group(group, [tensor], "reduce")
    dst = _rank(dst, group_dst, pg, "reduce", "dst")
    wire_op = _reduction(op, tensor.dtype, "reduce")
    buf = _copy(tensor)
    request = pg.backend.reduce(_wire(buf), dst, wire_op)

    def finish():
        if pg.rank() == dst:
            if op is ReduceOp.AVG:
                tensor.xp.true_divide(buf, pg.size(), out=buf)
            _store(tensor, buf, "reduce")

    return _start(request, finish, async_op)


def broadcast(tensor, src=None, group=None, async_op=False, group_src=None):
    """Every rank's ``tensor`` becomes rank ``src``'s."""
    pg = _group(group, [tensor], "broadcast")
    src = _rank(src, group_src, pg, "broadcast", "src")
    buf = _copy(tensor)
    request = pg.backend.broadcast(_wire(buf), src)

    def finish():
        if pg.rank() != src:
            _store(tensor, buf, "broadcast")

    return _start(request, finish, async_op)


def all_gather(tensor_list, tensor, group=None, async_op=False):
    """``tensor_list[r]`` becomes rank r's ``tensor``, on every rank."""
    pg = _group(group, [tensor, *tensor_list], "all_gather")
    _count(tensor_list, pg, "all_gather", "tensor_list")
    _same(tensor_list, tensor, "all_gather")
    send, recv = _copy(tensor), _empty(tensor, (pg.size(),) + tuple(tensor.shape))
    request = pg.backend.all_gather(_wire(send), _wire(recv))

    def finish():
        for r, out in enumerate(tensor_list):
            _store(out, recv[r], "all_gather")

    return _start(request, finish, async_op)


def all_gather_into_tensor(output_tensor, input_tensor, group=None, async_op=False):
    """``output_tensor`` becomes every rank's ``input_tensor``, in rank order along dim 0.

    Its shape is (N * d0, ...) (the inputs concatenated) or (N, d0, ...) (stacked).
    """
    pg = _group(group, [output_tensor, input_tensor], "all_gather_into_tensor")
    if output_tensor.numel() != pg.size() * input_tensor.numel():
        raise ShapeError(f"all_gather_into_tensor: the output (shape {tuple(output_tensor.shape)}) must have "
                         f"{pg.size()} times the input's {input_tensor.numel()} elements "
                         f"(input shape {tuple(input_tensor.shape)})")
    _same([output_tensor], Tensor._make(_empty(input_tensor, output_tensor.shape)), "all_gather_into_tensor")
    send, recv = _copy(input_tensor), _empty(output_tensor, output_tensor.shape)
    request = pg.backend.all_gather(_wire(send), _wire(recv))
    return _start(request, lambda: _store(output_tensor, recv, "all_gather_into_tensor"), async_op)


def gather(tensor, gather_list=None, dst=None, group=None, async_op=False, group_dst=None):
    """On rank ``dst``, ``gather_list[r]`` becomes rank r's ``tensor``; other ranks pass no list."""
    pg = _group(group, [tensor, *(gather_list or [])], "gather")
    dst = _rank(dst, group_dst, pg, "gather", "dst", default=0)
    recv = None
    if _root_list(gather_list, tensor, pg, dst, "gather", "gather_list", "destination"):
        recv = _empty(tensor, (pg.size(),) + tuple(tensor.shape))
    send = _copy(tensor)
    request = pg.backend.gather(_wire(send), None if recv is None else _wire(recv), dst)

    def finish():
        if recv is not None:
            for r, out in enumerate(gather_list):
                _store(out, recv[r], "gather")

    return _start(request, finish, async_op)


def scatter(tensor, scatter_list=None, src=None, group=None, async_op=False, group_src=None):
    """Rank r's ``tensor`` becomes ``scatter_list[r]`` of rank ``src``; other ranks pass no list."""
    pg = _group(group, [tensor, *(scatter_list or [])], "scatter")
    src = _rank(src, group_src, pg, "scatter", "src", default=0)
    send = None
    if _root_list(scatter_list, tensor, pg, src, "scatter", "scatter_list", "source"):
        send = tensor.xp.stack([t.array for t in scatter_list])  # a fresh contiguous (N, ...) buffer
    recv = _empty(tensor, tuple(tensor.shape))
    request = pg.backend.scatter(None if send is None else _wire(send), _wire(recv), src)
    return _start(request, lambda: _store(tensor, recv, "scatter"), async_op)


def reduce_scatter(output, input_list, op=ReduceOp.SUM, group=None, async_op=False):
    """On rank r, ``output`` becomes ``op`` over all ranks of their ``input_list[r]``."""
    pg = _group(group, [output, *input_list], "reduce_scatter")
    _count(input_list, pg, "reduce_scatter", "input_list")
    _same(input_list, output, "reduce_scatter")
    wire_op = _reduction(op, output.dtype, "reduce_scatter")
    send = output.xp.stack([t.array for t in input_list])  # a fresh contiguous (N, ...) buffer
    return _reduce_scatter(pg, output, send, op, wire_op, "reduce_scatter", async_op)


def reduce_scatter_tensor(output, input, op=ReduceOp.SUM, group=None, async_op=False):  # noqa: A002  (PyTorch's name)
    """On rank r, ``output`` becomes ``op`` over all ranks of chunk r (dim 0) of their ``input``."""
    pg = _group(group, [output, input], "reduce_scatter_tensor")
    if input.numel() != pg.size() * output.numel():
        raise ShapeError(f"reduce_scatter_tensor: the input (shape {tuple(input.shape)}) must have {pg.size()} "
                         f"times the output's {output.numel()} elements (output shape {tuple(output.shape)})")
    if input.dtype != output.dtype:
        raise DTypeRuntimeError(f"reduce_scatter_tensor: input and output dtypes differ: {input.dtype}, {output.dtype}")
    wire_op = _reduction(op, output.dtype, "reduce_scatter_tensor")
    return _reduce_scatter(pg, output, _copy(input), op, wire_op, "reduce_scatter_tensor", async_op)


def _reduce_scatter(pg, output, send, op, wire_op, name, async_op):
    recv = _empty(output, output.shape)
    request = pg.backend.reduce_scatter(_wire(send), _wire(recv), wire_op)

    def finish():
        if op is ReduceOp.AVG:
            output.xp.true_divide(recv, pg.size(), out=recv)
        _store(output, recv, name)

    return _start(request, finish, async_op)


def barrier(group=None, async_op=False, device_ids=None):
    """Return only once every rank has called barrier (``device_ids`` is accepted, not used)."""
    pg = default_group(group, "barrier")
    return _start(pg.backend.barrier(), None, async_op)


def monitored_barrier(group=None, timeout=None, wait_all_ranks=False):
    """A barrier that raises a RuntimeError when not every rank has arrived within ``timeout``.

    ``timeout`` is a ``datetime.timedelta`` or seconds (None: wait as long as it takes). The
    barrier's request is polled every millisecond until it completes or time is up; a rank
    that raises here then aborts the job (group.py), so a missing rank ends it instead of
    hanging it. ``wait_all_ranks`` is accepted for PyTorch programs (MPI's barrier cannot
    tell which ranks are missing, so the error names none).
    """
    pg = default_group(group, "monitored_barrier")
    request = pg.backend.barrier()
    if timeout is None:
        request.Wait()
        return None
    seconds = timeout.total_seconds() if hasattr(timeout, "total_seconds") else float(timeout)
    deadline = time.monotonic() + seconds
    while not request.Test():
        if time.monotonic() > deadline:
            raise DistributedError(f"monitored_barrier: rank {pg.rank()} waited {seconds:g} s and not every rank "
                                   f"of the {pg.size()} arrived")
        time.sleep(0.001)
    return None
