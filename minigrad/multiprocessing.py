"""``torch.multiprocessing``'s import path: ``spawn`` for distributed programs run by mpiexec.

``import minigrad.multiprocessing as mp; mp.spawn(fn, args, nprocs=N)`` runs ``fn(rank, *args)``
for the rank mpiexec gave this process (minigrad/distributed/spawn.py explains why). Python's
own ``multiprocessing`` names (Process, Queue, ...) are the standard library's.
"""

from multiprocessing import *  # noqa: F401,F403  (torch.multiprocessing re-exports them too)

from .distributed.spawn import SpawnContext, spawn, start_processes  # noqa: F401

__all__ = ["spawn", "start_processes", "SpawnContext"]
