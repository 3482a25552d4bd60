"""The "nccl" backend: collectives between GPUs through NVIDIA's NCCL, as CuPy exposes it.

NCCL moves CuPy arrays GPU to GPU (NVLink, PCIe, or the network between machines) without
passing through the host. The processes are still started by ``mpiexec``, and MPI carries
the one thing NCCL needs before it can start: a "unique id" that rank 0 draws and every rank
must hold. Rank r uses GPU ``r % (GPUs on its machine)``.

Each call is queued on a CUDA stream of its own, after the work already queued on the
program's stream (so it reads finished values); the request it returns waits on a CUDA
event recorded after it. NCCL has no gather: ``gather`` is an all-gather whose result only
rank dst keeps. Bitwise reductions and int16 are not in NCCL.

This backend has only been written against CuPy's documented API: it is not tested here
(no GPU), see README.
"""

import sys

from ..errors import DTypeError, MissingDependency
from .mpi_backend import INSTALL_HINT, abort_on_uncaught_error, import_mpi
from .reduce_op import ReduceOp


def _import_nccl():
    try:
        import cupy
        from cupy.cuda import nccl
    except ImportError as e:
        raise MissingDependency("minigrad.distributed: the 'nccl' backend needs CuPy with NCCL: "
                                f"pip install 'minigrad[gpu,distributed]' ({INSTALL_HINT})") from e
    return cupy, nccl


class _EventRequest:
    """A request that is done when the CUDA event recorded after the NCCL call has happened."""

    def __init__(self, event):
        self.event = event

    def Wait(self):  # noqa: N802  (the same methods as an MPI request)
        self.event.synchronize()

    def Test(self):  # noqa: N802
        return self.event.done


class NCCLBackend:
    """Collectives on the GPUs of every process that ``mpiexec`` started."""

    name = "nccl"

    def __init__(self):
        MPI = import_mpi()
        cupy, nccl = _import_nccl()
        self.cupy, self.nccl = cupy, nccl
        world = MPI.COMM_WORLD
        self.world, self.rank, self.size = world, world.Get_rank(), world.Get_size()
        self.objects = world.Dup()  # Python objects (objects.py) travel over MPI, pickled by mpi4py
        self._previous_hook = None
        local = world.Split_type(MPI.COMM_TYPE_SHARED)  # the ranks on this machine
        cupy.cuda.Device(local.Get_rank() % cupy.cuda.runtime.getDeviceCount()).use()
        local.Free()
        uid = world.bcast(nccl.get_unique_id() if self.rank == 0 else None, root=0)
        self.comm = nccl.NcclCommunicator(self.size, uid, self.rank)
        self.stream = cupy.cuda.Stream(non_blocking=True)
        self._types = {"float16": nccl.NCCL_FLOAT16, "float32": nccl.NCCL_FLOAT32, "float64": nccl.NCCL_FLOAT64,
                       "int8": nccl.NCCL_INT8, "uint8": nccl.NCCL_UINT8, "int32": nccl.NCCL_INT32,
                       "int64": nccl.NCCL_INT64}
        self._ops = {ReduceOp.SUM: nccl.NCCL_SUM, ReduceOp.PRODUCT: nccl.NCCL_PROD, ReduceOp.MIN: nccl.NCCL_MIN,
                     ReduceOp.MAX: nccl.NCCL_MAX}

    def _type(self, array):
        if array.dtype.name not in self._types:
            raise DTypeError(f"nccl backend: NCCL has no element type for {array.dtype}")
        return self._types[array.dtype.name]

    def _op(self, op):
        if op not in self._ops:
            raise DTypeError(f"nccl backend: NCCL has no reduction {op.name}")
        return self._ops[op]

    def _run(self, call):
        """Queue ``call(stream pointer)`` after the program's pending work; a request for it."""
        self.stream.wait_event(self.cupy.cuda.get_current_stream().record())
        call(self.stream.ptr)
        return _EventRequest(self.stream.record())

    def all_reduce(self, buf, op):
        p = buf.data.ptr
        return self._run(lambda s: self.comm.allReduce(p, p, buf.size, self._type(buf), self._op(op), s))

    def broadcast(self, buf, src):
        p = buf.data.ptr
        return self._run(lambda s: self.comm.broadcast(p, p, buf.size, self._type(buf), src, s))

    def all_gather(self, send, recv):
        return self._run(lambda s: self.comm.allGather(send.data.ptr, recv.data.ptr, send.size,
                                                       self._type(send), s))

    def reduce_scatter(self, send, recv, op):
        return self._run(lambda s: self.comm.reduceScatter(send.data.ptr, recv.data.ptr, recv.size,
                                                           self._type(send), self._op(op), s))

    def reduce(self, buf, dst, op):
        p = buf.data.ptr
        return self._run(lambda s: self.comm.reduce(p, p, buf.size, self._type(buf), self._op(op), dst, s))

    def gather(self, send, recv, dst):
        everything = self.cupy.empty((self.size,) + send.shape, dtype=send.dtype)
        request = self.all_gather(send, everything)
        if recv is not None:
            request.Wait()
            recv[...] = everything
        return request

    def scatter(self, send, recv, src):
        """NCCL has no scatter: rank src broadcasts every row, each rank keeps its own."""
        everything = send if send is not None else self.cupy.empty((self.size,) + recv.shape, dtype=recv.dtype)
        request = self.broadcast(everything, src)
        request.Wait()
        recv[...] = everything[self.rank]
        return request

    def barrier(self):
        one = self.cupy.zeros(1, dtype=self.cupy.float32)
        return self.all_reduce(one, ReduceOp.SUM)

    def abort_on_uncaught_error(self):
        self._previous_hook = abort_on_uncaught_error(self.world, self.rank)

    def close(self):
        if self._previous_hook is not None:
            sys.excepthook, self._previous_hook = self._previous_hook, None
        self.stream.synchronize()
        self.comm.destroy()
        self.objects.Free()
