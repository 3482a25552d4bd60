"""The process group: which processes take part, and the backend that moves data between them.

``mpiexec -n N python train.py`` starts N copies of one program. Each calls
``init_process_group()``, learns its rank (0..N-1) and the world size N from the MPI
launcher, and from then on the collectives (collectives.py) combine tensors across all N.
The default group is the world (``group.WORLD``); ``new_group()`` of every rank gives
another handle on it, as most PyTorch programs need.

    import minigrad.distributed as dist
    dist.init_process_group("gloo")       # or "mpi"; "nccl" for CuPy tensors on GPUs
    print(dist.get_rank(), dist.get_world_size())
    ...
    dist.destroy_process_group()

Backends: "mpi" and "gloo" both move CPU tensors through MPI (minigrad has no gloo of its
own; a PyTorch program asking for gloo wants CPU collectives, which is what MPI gives), and
``get_backend()`` answers with the name the program asked for, as PyTorch does. "nccl"
moves GPU tensors through CuPy's NCCL. A program started without mpiexec is a job of one.
"""

import importlib.util
import os

from ..errors import ArgumentError, NotSupported


class Backend(str):
    """PyTorch's ``dist.Backend``: the backend names as constants, ``Backend("GLOO") == "gloo"``."""

    MPI, GLOO, NCCL = "mpi", "gloo", "nccl"

    def __new__(cls, name):
        value = str(name).lower()
        if value not in BACKENDS:
            raise ArgumentError(f"Backend: {name!r} is not one minigrad has; use 'gloo' or 'mpi' (CPU tensors, "
                                "through mpi4py) or 'nccl' (CuPy tensors on GPUs)")
        return super().__new__(cls, value)


BACKENDS = ("mpi", "gloo", "nccl")
TRANSPORT = {"mpi": "mpi", "gloo": "mpi", "nccl": "nccl"}  # the backend asked for -> what moves the bytes

WORLD = None  # the default group once init_process_group has run (PyTorch's dist.group.WORLD)


class ProcessGroup:
    """The processes of a job and the backend connecting them."""

    def __init__(self, backend, backend_name=None):
        self.backend = backend  # the connection: mpi_backend.MPIBackend or nccl_backend.NCCLBackend
        self.backend_name = backend.name if backend_name is None else backend_name

    def rank(self):
        return self.backend.rank

    def size(self):
        return self.backend.size

    def name(self):
        """The backend's name as the program asked for it ("gloo", "mpi" or "nccl")."""
        return self.backend_name

    def __repr__(self):
        return f"ProcessGroup(backend={self.backend_name!r}, rank={self.rank()}, size={self.size()})"


def is_available():
    """True when minigrad.distributed can run: mpi4py is installed (found, not imported)."""
    return is_mpi_available()


def is_mpi_available():
    return importlib.util.find_spec("mpi4py") is not None


def is_gloo_available():
    """True when "gloo" works: it runs on MPI here."""
    return is_mpi_available()


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
    if group is None:
        return WORLD
    if not isinstance(group, ProcessGroup) or group.backend is not WORLD.backend:
        raise ArgumentError(f"{op}: group must be None, group.WORLD or a group from new_group(), got {group!r}")
    return group


def init_process_group(backend=None, init_method=None, timeout=None, world_size=-1, rank=-1, store=None,
                       group_name="", pg_options=None, device_id=None):
    """Join the job's processes into the default group; ``backend`` "mpi" (default), "gloo" or "nccl".

    Rank and world size come from the MPI launcher; ``world_size`` and ``rank``, when given,
    must agree with it. ``init_method`` ("env://", "tcp://host:port", ...), ``timeout``,
    ``store``, ``group_name``, ``pg_options`` and ``device_id`` are accepted for PyTorch
    programs and not used: MPI finds the processes itself. An uncaught exception on any rank
    then aborts every rank (see mpi_backend.abort_on_uncaught_error), so a failing job ends
    instead of hanging.
    """
    global WORLD
    if WORLD is not None:
        raise ArgumentError("init_process_group: trying to initialize the default process group twice!")
    name = "mpi" if backend is None else str(backend).lower()
    if name not in BACKENDS:
        raise ArgumentError(f"init_process_group: backend {backend!r} is not one minigrad has; use 'gloo' or "
                            "'mpi' (CPU tensors, through mpi4py) or 'nccl' (CuPy tensors on GPUs)")
    if TRANSPORT[name] == "mpi":
        from .mpi_backend import MPIBackend as Connection
    else:
        from .nccl_backend import NCCLBackend as Connection
    connection = Connection()
    launched = os.environ.get("WORLD_SIZE")
    if connection.size == 1 and launched is not None and launched.isdigit() and int(launched) > 1:
        connection.close()  # torchrun (or a hand-set WORLD_SIZE) started this process, not mpiexec
        raise ArgumentError(f"init_process_group: WORLD_SIZE={launched}, but MPI started this process alone; "
                            f"minigrad's processes find each other through MPI: run mpiexec -n {launched} "
                            "python prog.py (not torchrun)")
    for given, actual, what in ((world_size, connection.size, "world_size"), (rank, connection.rank, "rank")):
        if given is not None and int(given) != -1 and int(given) != actual:
            connection.close()
            raise ArgumentError(f"init_process_group: {what}={given}, but the MPI launcher says {actual}")
    if connection.size > 1:
        connection.abort_on_uncaught_error()
    WORLD = ProcessGroup(connection, name)


def new_group(ranks=None, timeout=None, backend=None, pg_options=None, use_local_synchronization=False,
              group_desc=None, device_id=None, sort_ranks=True):
    """A group of ``ranks`` (every rank when None); only groups of the whole world are supported.

    Its collectives are the world's (one MPI communicator carries both, in the order the
    program calls them, which every rank must share anyway). ``backend`` may name the
    world's; the other arguments are accepted for PyTorch programs and not used.
    """
    pg = default_group(None, "new_group")
    order = None if ranks is None else [int(r) for r in ranks]
    if order is not None and (sorted(order) if sort_ranks else order) != list(range(pg.size())):
        raise NotSupported(f"new_group: only a group of every rank (0..{pg.size() - 1}) is supported, got ranks "
                           f"{list(ranks)}")
    if backend is not None and TRANSPORT.get(str(backend).lower()) != TRANSPORT[pg.backend_name]:
        raise ArgumentError(f"new_group: backend {backend!r} differs from the world's {pg.backend_name!r}")
    return ProcessGroup(pg.backend, pg.backend_name if backend is None else str(backend).lower())


def destroy_process_group(group=None):
    """Leave the default group (collectives raise again until the next init_process_group).

    A group from new_group shares the world's connection: destroying it changes nothing.
    """
    global WORLD
    pg = default_group(group, "destroy_process_group")
    if group is None or group is WORLD:
        pg.backend.close()
        WORLD = None


def get_rank(group=None):
    """This process's number in the group, 0 .. world size - 1."""
    return default_group(group, "get_rank").rank()


def get_world_size(group=None):
    """How many processes the group has."""
    return default_group(group, "get_world_size").size()


def get_backend(group=None):
    """The group's backend name as the program asked for it: "gloo", "mpi" or "nccl"."""
    return default_group(group, "get_backend").name()
