"""minigrad.distributed: many processes training one model, PyTorch's ``torch.distributed``.

Start the processes with MPI's launcher and join them into a group:

    mpiexec -n 4 python train.py

    import minigrad.distributed as dist
    dist.init_process_group("mpi")          # rank and world size come from mpiexec
    x = minigrad.ones(3) * dist.get_rank()
    dist.all_reduce(x)                      # every rank now holds 0 + 1 + 2 + 3 = 6

- group.py:        init_process_group, get_rank, get_world_size, destroy_process_group, ...
- collectives.py:  all_reduce, broadcast, all_gather, reduce_scatter, reduce, gather, barrier
- reduce_op.py:    ReduceOp (SUM, AVG, PRODUCT, MIN, MAX, BAND, BOR, BXOR)
- work.py:         the handle ``async_op=True`` returns (``wait()``, ``is_completed()``)
- coalesced.py:    broadcast_coalesced, many small tensors as one message per dtype
- mpi_backend.py:  "mpi", through mpi4py, for CPU tensors
- nccl_backend.py: "nccl", through CuPy's NCCL, for GPU tensors

mpi4py is imported only by init_process_group (``pip install 'minigrad[distributed]'``).
``minigrad.nn.parallel.DistributedDataParallel`` builds data-parallel training on these;
docs/distributed.md explains it from first principles.
"""

from . import group
from .collectives import (all_gather, all_gather_into_tensor, all_reduce, barrier, broadcast, gather, reduce,
                          reduce_scatter, reduce_scatter_tensor)
from .group import (ProcessGroup, destroy_process_group, get_backend, get_rank, get_world_size,
                    init_process_group, is_available, is_initialized, is_mpi_available, is_nccl_available)
from .reduce_op import ReduceOp
from .work import Work

__all__ = ["init_process_group", "destroy_process_group", "is_available", "is_initialized", "is_mpi_available",
           "is_nccl_available", "get_rank", "get_world_size", "get_backend", "ProcessGroup", "group", "ReduceOp",
           "Work", "all_reduce", "reduce", "broadcast", "all_gather", "all_gather_into_tensor", "gather",
           "reduce_scatter", "reduce_scatter_tensor", "barrier"]
