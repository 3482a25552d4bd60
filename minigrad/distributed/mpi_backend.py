"""The "mpi" backend: each collective is one non-blocking MPI call through mpi4py.

MPI (the Message Passing Interface) is the standard that supercomputers have run on since
1994; ``mpiexec -n 4 python train.py`` starts 4 copies of a program, and MPI numbers them
0..3 (the rank) and moves buffers between them: through shared memory on one machine,
through the network between machines. mpi4py calls it from Python on NumPy arrays without
copies. Every call here is the non-blocking form (``Iallreduce``, ``Ibcast``, ...): it
starts the transfer and returns a request at once; ``request.Wait()`` finishes it.

Buffers are contiguous NumPy arrays; the collectives (collectives.py) make them so. MPI
knows most of NumPy's element types; for one it does not know (float16 in some MPI
libraries), the elements travel as raw bytes and a reduction written here in NumPy combines
them (an MPI "user-defined op").
"""

import sys

import numpy as np

from ..errors import MissingDependency
from .reduce_op import ReduceOp

INSTALL_HINT = "pip install 'minigrad[distributed]' (mpi4py, and the MPI library from the mpich package)"

# Set to False to send float16 as bytes with minigrad's own reduction even where MPI has it.
NATIVE_FLOAT16 = True

_MPI_OP_NAMES = {ReduceOp.SUM: "SUM", ReduceOp.PRODUCT: "PROD", ReduceOp.MIN: "MIN", ReduceOp.MAX: "MAX",
                 ReduceOp.BAND: "BAND", ReduceOp.BOR: "BOR", ReduceOp.BXOR: "BXOR"}
_UFUNCS = {ReduceOp.SUM: np.add, ReduceOp.PRODUCT: np.multiply, ReduceOp.MIN: np.minimum, ReduceOp.MAX: np.maximum,
           ReduceOp.BAND: np.bitwise_and, ReduceOp.BOR: np.bitwise_or, ReduceOp.BXOR: np.bitwise_xor}


def import_mpi():
    """mpi4py's MPI module (importing it starts MPI), or a clear error saying how to get it."""
    try:
        from mpi4py import MPI
    except ImportError as e:
        raise MissingDependency(f"minigrad.distributed: the 'mpi' backend needs mpi4py: {INSTALL_HINT}") from e
    return MPI


def abort_on_uncaught_error(comm, rank):
    """Make an uncaught exception on this rank print its traceback and abort the whole job.

    Without this, the other ranks would wait forever in their next collective for the rank
    that died; MPI_Abort ends them all (as ``python -m mpi4py`` does). Returns the hook it
    replaced.
    """
    previous = sys.excepthook

    def excepthook(kind, value, traceback):
        print(f"minigrad.distributed: rank {rank} raised {kind.__name__}; aborting all ranks", file=sys.stderr)
        previous(kind, value, traceback)
        sys.stderr.flush()
        sys.stdout.flush()
        comm.Abort(1)

    sys.excepthook = excepthook
    return previous


class _StatusRequest:
    """An MPI request that remembers who sent the message it received (``source``)."""

    def __init__(self, request, status):
        self.request, self.status, self.source = request, status, None

    def Wait(self):  # noqa: N802  (the same methods as an MPI request)
        self.request.Wait(self.status)
        self.source = self.status.Get_source()

    def Test(self):  # noqa: N802
        done = self.request.Test(self.status)
        if done:
            self.source = self.status.Get_source()
        return done


class MPIBackend:
    """Collectives on MPI's world: every process that ``mpiexec`` started."""

    name = "mpi"

    def __init__(self):
        MPI = import_mpi()
        self.MPI = MPI
        # A communicator of our own: the program's MPI messages never meet minigrad's.
        self.comm = MPI.COMM_WORLD.Dup()
        self.objects = self.comm  # where Python objects travel (objects.py), pickled by mpi4py
        self.rank, self.size = self.comm.Get_rank(), self.comm.Get_size()
        self._byte_types = {}  # itemsize -> MPI type of that many bytes
        self._byte_ops = {}  # (dtype, op) -> MPI user-defined op
        self._previous_hook = None

    # ---- element types and reductions ---------------------------------------------------
    def _native(self, dtype):
        if dtype == np.float16 and not NATIVE_FLOAT16:
            return None
        try:
            return self.MPI.Datatype.fromcode(dtype.char)
        except (KeyError, ValueError):
            return None

    def _spec(self, array):
        """[array, MPI type]: the buffer as MPI sees it (bytes when MPI lacks the type)."""
        datatype = self._native(array.dtype)
        if datatype is None:
            size = array.dtype.itemsize
            if size not in self._byte_types:  # one element = `size` bytes, never split
                self._byte_types[size] = self.MPI.BYTE.Create_contiguous(size).Commit()
            datatype = self._byte_types[size]
        return [array, datatype]

    def _op(self, op, dtype):
        if self._native(dtype) is not None:
            return getattr(self.MPI, _MPI_OP_NAMES[op])
        key = (dtype, op)
        if key not in self._byte_ops:
            ufunc = _UFUNCS[op]

            def combine(inbuf, inoutbuf, datatype):  # inout = in (op) inout, element by element
                a = np.frombuffer(inbuf, dtype=dtype)
                b = np.frombuffer(inoutbuf, dtype=dtype)
                ufunc(a, b, out=b)

            self._byte_ops[key] = self.MPI.Op.Create(combine, commute=True)
        return self._byte_ops[key]

    # ---- the collectives: each returns a request with Wait() and Test() -----------------
    def all_reduce(self, buf, op):
        """buf <- op over ranks of buf (in place)."""
        return self.comm.Iallreduce(self.MPI.IN_PLACE, self._spec(buf), self._op(op, buf.dtype))

    def broadcast(self, buf, src):
        """buf <- rank src's buf."""
        return self.comm.Ibcast(self._spec(buf), root=src)

    def all_gather(self, send, recv):
        """recv[r] <- rank r's send, for every r (recv has one leading row per rank)."""
        return self.comm.Iallgather(self._spec(send), self._spec(recv))

    def reduce_scatter(self, send, recv, op):
        """recv <- row `rank` of (op over ranks of send), send having one row per rank."""
        return self.comm.Ireduce_scatter_block(self._spec(send), self._spec(recv), self._op(op, send.dtype))

    def reduce(self, buf, dst, op):
        """On rank dst: buf <- op over ranks of buf; elsewhere buf is only read."""
        if self.rank == dst:
            return self.comm.Ireduce(self.MPI.IN_PLACE, self._spec(buf), self._op(op, buf.dtype), root=dst)
        return self.comm.Ireduce(self._spec(buf), None, self._op(op, buf.dtype), root=dst)

    def gather(self, send, recv, dst):
        """On rank dst: recv[r] <- rank r's send; elsewhere recv is None."""
        return self.comm.Igather(self._spec(send), None if recv is None else self._spec(recv), root=dst)

    def scatter(self, send, recv, src):
        """recv <- row `rank` of rank src's send (send is None elsewhere)."""
        return self.comm.Iscatter(None if send is None else self._spec(send), self._spec(recv), root=src)

    def send(self, buf, dst, tag):
        return self.comm.Isend(self._spec(buf), dest=dst, tag=tag)

    def recv(self, buf, src, tag):
        """buf <- the message from rank src (any rank when src is None); the request tells the sender."""
        source = self.MPI.ANY_SOURCE if src is None else src
        return _StatusRequest(self.comm.Irecv(self._spec(buf), source=source, tag=tag), self.MPI.Status())

    def barrier(self):
        return self.comm.Ibarrier()

    def abort_on_uncaught_error(self):
        self._previous_hook = abort_on_uncaught_error(self.comm, self.rank)

    def close(self):
        if self._previous_hook is not None:
            sys.excepthook, self._previous_hook = self._previous_hook, None
        for op in self._byte_ops.values():
            op.Free()
        for datatype in self._byte_types.values():
            datatype.Free()
        self._byte_ops, self._byte_types = {}, {}
        self.comm.Free()
