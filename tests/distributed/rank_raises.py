"""Run by ``mpiexec -n N python tests/distributed/rank_raises.py``: the last rank raises.

The other ranks then wait in an all-reduce that the failed rank never joins; without the
abort that init_process_group installs they would wait forever. The test expects the whole
job to end quickly, non-zero, with the failed rank's error in its output.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

import minigrad as mg  # noqa: E402
import minigrad.distributed as dist  # noqa: E402

dist.init_process_group("mpi")
rank, world = dist.get_rank(), dist.get_world_size()
if rank == world - 1:
    raise ValueError(f"rank {rank} fails on purpose")
dist.all_reduce(mg.ones(3))
print(f"rank {rank} got past the all-reduce", flush=True)
