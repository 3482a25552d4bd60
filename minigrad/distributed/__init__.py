"""minigrad.distributed: many processes training one model, PyTorch's ``torch.distributed``.

Start the processes with MPI's launcher and join them into a group:

    mpiexec -n 4 python train.py

    import minigrad.distributed as dist
    dist.init_process_group("gloo")         # rank and world size come from mpiexec ("mpi" is the same)
    x = minigrad.ones(3) * dist.get_rank()
    dist.all_reduce(x)                      # every rank now holds 0 + 1 + 2 + 3 = 6

- group.py:        init_process_group, get_rank, get_world_size, new_group, destroy_process_group, ...
- launcher.py:     RANK, WORLD_SIZE, LOCAL_RANK, ... set from mpiexec's variables, as torchrun sets them
- collectives.py:  all_reduce, broadcast, all_gather, reduce_scatter, reduce, gather, scatter, barrier,
                   monitored_barrier
- objects.py:      all_gather_object, gather_object, broadcast_object_list, scatter_object_list
- point_to_point.py: send, recv, isend, irecv
- spawn.py:        torch.multiprocessing.spawn for programs mpiexec started (minigrad.multiprocessing)
- algorithms/join.py: Join([ddp]) for uneven inputs (DistributedDataParallel.join)
- reduce_op.py:    ReduceOp (SUM, AVG, PRODUCT, MIN, MAX, BAND, BOR, BXOR)
- work.py:         the handle ``async_op=True`` returns (``wait()``, ``is_completed()``)
- coalesced.py:    broadcast_coalesced, many small tensors as one message per dtype
- mpi_backend.py:  "mpi", through mpi4py, for CPU tensors
- nccl_backend.py: "nccl", through CuPy's NCCL, for GPU tensors

mpi4py is imported only by init_process_group (``pip install 'minigrad[distributed]'``).
``minigrad.nn.parallel.DistributedDataParallel`` builds data-parallel training on these;
docs/distributed.md explains it from first principles.
"""

from . import group, launcher
from .collectives import (all_gather, all_gather_into_tensor, all_reduce, barrier, broadcast, gather,
                          monitored_barrier, reduce, reduce_scatter, reduce_scatter_tensor, scatter)
from .group import (Backend, ProcessGroup, destroy_process_group, get_backend, get_rank, get_world_size,
                    init_process_group, is_available, is_gloo_available, is_initialized, is_mpi_available,
                    is_nccl_available, new_group)
from .objects import all_gather_object, broadcast_object_list, gather_object, scatter_object_list
from .point_to_point import irecv, isend, recv, send
from .reduce_op import ReduceOp
from .work import Work

launcher.export_torchrun_environment()  # under mpiexec: RANK, LOCAL_RANK, ... before any init

GroupMember = group  # PyTorch's other name for it: dist.GroupMember.WORLD

__all__ = ["init_process_group", "destroy_process_group", "new_group", "is_available", "is_initialized",
           "is_mpi_available", "is_gloo_available", "is_nccl_available", "get_rank", "get_world_size", "get_backend",
           "Backend", "ProcessGroup", "group", "GroupMember", "ReduceOp", "Work", "all_reduce", "reduce", "broadcast",
           "all_gather", "all_gather_into_tensor", "gather", "scatter", "reduce_scatter", "reduce_scatter_tensor",
           "barrier", "monitored_barrier", "all_gather_object", "gather_object", "broadcast_object_list",
           "scatter_object_list", "send", "recv", "isend", "irecv"]
