"""The process group: which processes take part, and the backend that moves data between them.

``mpiexec -n N python train.py`` starts N copies of one program. Each calls
``init_process_group()``, learns its rank (0..N-1) and the world size N from the MPI
launcher, and from then on the collectives (collectives.py) combine tensors across all N.
Only one group exists, the world (``group.WORLD``), as in most PyTorch programs.

    import minigrad.distributed as dist
    dist.init_process_group("mpi")        # or "nccl" for CuPy tensors on GPUs
    print(dist.get_rank(), dist.get_world_size())
    ...
    dist.destroy_process_group()
"""

import importlib.util

from ..errors import ArgumentError

BACKENDS = ("mpi", "nccl")

WORLD = None  # the default group once init_process_group has run (PyTorch's dist.group.WORLD)


class ProcessGroup:
    """The processes of a job and the backend connecting them."""

    def __init__(self, backend):
        self.backend = backend

    def rank(self):
        return self.backend.rank

    def size(self):
        return self.backend.size

    def name(self):
        return self.backend.name

    def __repr__(self):
        return f"ProcessGroup(backend={self.backend.name!r}, rank={self.rank()}, size={self.size()})"


def is_available():
    """True when minigrad.distributed can run: mpi4py is installed (found, not imported)."""
    return is_mpi_available()


def is_mpi_available():
    return importlib.util.find_spec("mpi4py") is not None


def is_nccl_available():
    return is_mpi_available() and importlib.util.find_spec("cupy") is not None


def is_initialized():
    """True between init_process_group and destroy_process_group."""
    return WORLD is not None


def default_group(group=None, op="minigrad.distributed"):
    """The world group, or a clear error when none is running or another group is named."""
    if WORLD is None:
        raise ArgumentError(f"{op}: Default process group has not been initialized, please make sure to "
                            "call init_process_group.")
    if group is not None and group is not WORLD:
        raise ArgumentError(f"{op}: only the default group (group=None or group.WORLD) is supported")
    return WORLD


def init_process_group(backend=None, init_method=None, timeout=None, world_size=-1, rank=-1, store=None,
                       group_name="", pg_options=None, device_id=None):
    """Join the job's processes into the default group, with ``backend`` "mpi" (default) or "nccl".

    Rank and world size come from the MPI launcher; ``world_size`` and ``rank``, when given,
    must agree with it. ``init_method``, ``timeout``, ``store``, ``group_name``,
    ``pg_options`` and ``device_id`` are accepted for PyTorch programs and not used: MPI
    finds the processes itself. An uncaught exception on any rank then aborts every rank
    (see mpi_backend.abort_on_uncaught_error), so a failing job ends instead of hanging.
    """
    global WORLD
    if WORLD is not None:
        raise ArgumentError("init_process_group: trying to initialize the default process group twice!")
    name = "mpi" if backend is None else str(backend).lower()
    if name not in BACKENDS:
        raise ArgumentError(f"init_process_group: backend {backend!r} is not one minigrad has; use 'mpi' "
                            "(CPU tensors, through mpi4py) or 'nccl' (CuPy tensors on GPUs)")
    if name == "mpi":
        from .mpi_backend import MPIBackend as Backend
    else:
        from .nccl_backend import NCCLBackend as Backend
    connection = Backend()
    for given, actual, what in ((world_size, connection.size, "world_size"), (rank, connection.rank, "rank")):
        if given is not None and given != -1 and given != actual:
            connection.close()
            raise ArgumentError(f"init_process_group: {what}={given}, but the MPI launcher says {actual}")
    if connection.size > 1:
        connection.abort_on_uncaught_error()
    WORLD = ProcessGroup(connection)


def destroy_process_group(group=None):
    """Leave the default group (collectives raise again until the next init_process_group)."""
    global WORLD
    pg = default_group(group, "destroy_process_group")
    pg.backend.close()
    WORLD = None


def get_rank(group=None):
    """This process's number in the group, 0 .. world size - 1."""
    return default_group(group, "get_rank").rank()


def get_world_size(group=None):
    """How many processes the group has."""
    return default_group(group, "get_world_size").size()


def get_backend(group=None):
    """The group's backend name: "mpi" or "nccl"."""
    return default_group(group, "get_backend").name()
