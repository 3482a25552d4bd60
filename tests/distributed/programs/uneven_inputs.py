"""``DistributedDataParallel.join()``'s options, and a rank late at ``monitored_barrier``.

``mpiexec -n 2 python uneven_inputs.py``: rank r has 2 + r batches.
- "mean_over_active": ``join(divide_by_initial_world_size=False)``, with a ``no_grad``
  evaluation forward after each step (it averages nothing, so the joined rank must not
  shadow a backward for it);
- "unused": ``find_unused_parameters=True`` (a joined rank also shadows the all-reduce of
  which parameters were used);
- "join_class": ``with Join([model]):`` (torch.distributed.algorithms.join), rank r has 3 - r batches;
- "throw": ``join(throw_on_early_termination=True)``: every rank raises once one runs out;
- with ``--late``: rank 1 reaches ``monitored_barrier(timeout=0.5 s)`` 5 s late, rank 0
  raises, and the job ends with rank 0's error instead of hanging.
Each rank prints "RESULT {json}" with its final weights.
"""
import argparse
import datetime
import json
import time

import minigrad as torch
import minigrad.distributed as dist
import minigrad.nn as nn
import minigrad.optim as optim
from minigrad.distributed.algorithms.join import Join
from minigrad.nn.parallel import DistributedDataParallel as DDP


class TwoHeads(nn.Module):
    """Uses ``head_b`` only for batches whose first input is positive overall (so not every step)."""

    def __init__(self):
        super().__init__()
        self.body = nn.Linear(3, 4)
        self.head_a = nn.Linear(4, 1)
        self.head_b = nn.Linear(4, 1)

    def forward(self, x):
        h = self.body(x).tanh()
        return self.head_b(h) if x[:, 0].sum().item() > 0 else self.head_a(h)


def batch(rank, step):
    g = torch.Generator().manual_seed(500 + 10 * rank + step)
    x = torch.randn(6, 3, generator=g, dtype=torch.float64)
    return x, (x.sum(dim=1, keepdim=True) * 0.5).detach()


def weights(model):
    return [p.detach().numpy().ravel().tolist() for p in model.module.parameters()]


def train(model, rank, batches, evaluate=False, **join_options):
    optimizer = optim.SGD(model.parameters(), lr=0.1)
    with model.join(**join_options):
        for step in range(batches):
            x, y = batch(rank, step)
            optimizer.zero_grad()
            nn.functional.mse_loss(model(x), y).backward()
            optimizer.step()
            if evaluate:
                with torch.no_grad():
                    model(x)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--late", action="store_true")
    args = parser.parse_args()
    dist.init_process_group("gloo")
    rank = dist.get_rank()
    if args.late:
        if rank == 1:
            time.sleep(5)
        dist.monitored_barrier(timeout=datetime.timedelta(seconds=0.5))
        print(f"rank {rank} got past the barrier", flush=True)
        return
    seen = {"rank": rank}

    torch.manual_seed(0)
    model = DDP(nn.Linear(3, 1).double())
    train(model, rank, 2 + rank, evaluate=True, divide_by_initial_world_size=False)
    seen["mean_over_active"] = weights(model)

    torch.manual_seed(1)
    model = DDP(TwoHeads().double(), find_unused_parameters=True)
    train(model, rank, 2 + rank)
    seen["unused"] = weights(model)

    torch.manual_seed(2)
    model = DDP(nn.Linear(3, 1).double())
    optimizer = optim.SGD(model.parameters(), lr=0.1)
    with Join([model]):
        for step in range(3 - rank):
            x, y = batch(rank, step)
            optimizer.zero_grad()
            nn.functional.mse_loss(model(x), y).backward()
            optimizer.step()
    seen["join_class"] = weights(model)

    model = DDP(nn.Linear(3, 1).double())
    try:
        train(model, rank, 1 + 2 * rank, throw_on_early_termination=True)
        seen["throw"] = "no error"
    except RuntimeError as e:
        seen["throw"] = str(e)
    dist.barrier()  # every rank is still in step after the error
    print("RESULT " + json.dumps(seen), flush=True)
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
