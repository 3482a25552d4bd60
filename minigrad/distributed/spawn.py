"""``torch.multiprocessing.spawn`` for programs launched by ``mpiexec``.

PyTorch tutorials often start their ranks from inside the program:

    def demo_basic(rank, world_size): ...
    mp.spawn(demo_basic, args=(world_size,), nprocs=world_size, join=True)

Here MPI starts the processes, and ``mpiexec -n N python prog.py`` has already made N of
them, each running the program up to this call. So ``spawn`` runs ``fn(rank, *args)`` once,
in this process, for the rank mpiexec gave it; ``nprocs`` must equal the job's size. A
program started without mpiexec is one process, so ``nprocs=1`` runs ``fn(0, *args)`` and a
larger ``nprocs`` is refused with the command that would start that many.
"""

import os
import sys

from ..errors import ArgumentError
from .launcher import detect


class SpawnContext:
    """What ``spawn(..., join=False)`` returns: ``fn`` has already run, so ``join()`` is True."""

    def __init__(self, processes=()):
        self.processes = list(processes)

    def join(self, timeout=None):
        return True


def spawn(fn, args=(), nprocs=1, join=True, daemon=False, start_method="spawn"):
    """Run ``fn(rank, *args)`` for this process's rank of the mpiexec job (module docstring)."""
    found = detect()
    world, rank = (int(found["WORLD_SIZE"]), int(found["RANK"])) if found else (1, 0)
    if int(nprocs) != world:
        script = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else "prog.py"
        raise ArgumentError(f"spawn: nprocs={nprocs}, but this job has {world} process(es): minigrad's processes "
                            f"are started by MPI, so run mpiexec -n {nprocs} python {script}")
    fn(rank, *args)
    return None if join else SpawnContext()


def start_processes(fn, args=(), nprocs=1, join=True, daemon=False, start_method="spawn"):
    """PyTorch's other name for spawn (any ``start_method``)."""
    return spawn(fn, args, nprocs, join, daemon, start_method)
