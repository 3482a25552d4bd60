"""The classic "Getting Started with Distributed Data Parallel" ToyModel tutorial, on the CPU (gloo).

As in the tutorial: setup() sets MASTER_ADDR/MASTER_PORT and calls
init_process_group("gloo", rank=rank, world_size=world_size); demo_basic takes one SGD
step with DDP; demo_checkpoint saves the DDP model's state_dict on rank 0, waits at a
barrier, loads it on every rank and trains on; run_demo starts them with mp.spawn. Run it
with ``mpiexec -n 2 python toy_ddp.py``: mpiexec has started the processes, and mp.spawn
runs each demo for this process's rank (minigrad/distributed/spawn.py). Each rank's data is seeded by its rank, and its model by its rank too, so
that DDP's start-up broadcast of rank 0's weights matters; the parameters each rank ends
with are printed as JSON for tests/test_distributed_programs.py.
"""
import json
import os
import tempfile

import minigrad as torch
import minigrad.distributed as dist
import minigrad.multiprocessing as mp
import minigrad.nn as nn
import minigrad.optim as optim
from minigrad.nn.parallel import DistributedDataParallel as DDP


def setup(rank, world_size):
    os.environ['MASTER_ADDR'] = 'localhost'
    os.environ['MASTER_PORT'] = '12355'

    # initialize the process group
    dist.init_process_group("gloo", rank=rank, world_size=world_size)


def cleanup():
    dist.destroy_process_group()


class ToyModel(nn.Module):
    def __init__(self):
        super(ToyModel, self).__init__()
        self.net1 = nn.Linear(10, 10)
        self.relu = nn.ReLU()
        self.net2 = nn.Linear(10, 5)

    def forward(self, x):
        return self.net2(self.relu(self.net1(x)))


def batch(rank, step):
    """Rank ``rank``'s inputs and labels at ``step`` (a 1-process reference can draw them too)."""
    g = torch.Generator().manual_seed(1000 * step + rank)
    return torch.randn(20, 10, generator=g), torch.randn(20, 5, generator=g)


def demo_basic(rank, world_size):
    print(f"Running basic DDP example on rank {rank}.")
    setup(rank, world_size)

    # create model and move it to GPU with id rank (here: the CPU, so no device_ids)
    torch.manual_seed(rank)
    model = ToyModel()
    ddp_model = DDP(model)

    loss_fn = nn.MSELoss()
    optimizer = optim.SGD(ddp_model.parameters(), lr=0.001)

    optimizer.zero_grad()
    inputs, labels = batch(rank, 0)
    outputs = ddp_model(inputs)
    loss_fn(outputs, labels).backward()
    optimizer.step()
    report("basic", rank, ddp_model)
    cleanup()
    print(f"Finished running basic DDP example on rank {rank}.")


def demo_checkpoint(rank, world_size):
    print(f"Running DDP checkpoint example on rank {rank}.")
    setup(rank, world_size)

    torch.manual_seed(rank)
    model = ToyModel()
    ddp_model = DDP(model)

    loss_fn = nn.MSELoss()
    optimizer = optim.SGD(ddp_model.parameters(), lr=0.001)

    CHECKPOINT_PATH = tempfile.gettempdir() + "/model.checkpoint"
    if rank == 0:
        # All processes should see same parameters as they all start from same
        # random parameters and gradients are synchronized in backward passes.
        # Therefore, saving it in one process is sufficient.
        torch.save(ddp_model.state_dict(), CHECKPOINT_PATH)

    # Use a barrier() to make sure that process 1 loads the model after process
    # 0 saves it.
    dist.barrier()
    # configure map_location properly
    map_location = {'cuda:%d' % 0: 'cuda:%d' % rank}
    ddp_model.load_state_dict(torch.load(CHECKPOINT_PATH, map_location=map_location, weights_only=True))

    for step in (1, 2):
        optimizer.zero_grad()
        inputs, labels = batch(rank, step)
        outputs = ddp_model(inputs)
        loss_fn(outputs, labels).backward()
        optimizer.step()

    # Not necessary to use a dist.barrier() to guard the file deletion below
    # as the AllReduce ops in the backward pass of DDP already served as
    # a synchronization.
    if rank == 0:
        os.remove(CHECKPOINT_PATH)
    report("checkpoint", rank, ddp_model)
    cleanup()
    print(f"Finished running DDP checkpoint example on rank {rank}.")


def report(demo, rank, ddp_model):
    params = {name: p.detach().numpy().ravel().tolist() for name, p in ddp_model.state_dict().items()}
    print("RESULT " + json.dumps({"demo": demo, "rank": rank, "params": params}), flush=True)


def run_demo(demo_fn, world_size):
    mp.spawn(demo_fn,
             args=(world_size,),
             nprocs=world_size,
             join=True)


if __name__ == "__main__":
    world_size = int(os.environ.get("WORLD_SIZE", 1))  # the tutorial: torch.cuda.device_count()
    run_demo(demo_basic, world_size)
    run_demo(demo_checkpoint, world_size)
