"""Uneven inputs under ``ddp.join()``, a checkpoint written by rank 0, and results gathered as objects.

The pattern of many DDP training scripts: rank 0 decides the run's settings and shares them
with ``broadcast_object_list``; each rank trains on its own number of batches (rank r has
4 + r: uneven inputs) inside ``model.join()``; rank 0 saves a checkpoint while the others
wait at ``dist.barrier()``; every rank reloads it into a fresh model, evaluates its share
of a test set (DistributedSampler without shuffle) and the per-rank results are collected
with ``all_gather_object`` (everyone) and ``gather_object`` (rank 0), then printed by rank 0.
"""
import argparse
import json
import os

import minigrad as torch
import minigrad.distributed as dist
import minigrad.nn as nn
import minigrad.optim as optim
from minigrad.nn.parallel import DistributedDataParallel as DDP
from minigrad.utils.data import DataLoader, TensorDataset
from minigrad.utils.data.distributed import DistributedSampler


def make_model():
    return nn.Sequential(nn.Linear(6, 16), nn.Tanh(), nn.Linear(16, 1))


def target(x):
    return (x[:, :1] * 0.5 - x[:, 1:2] + 0.25 * x[:, 2:3] ** 2).detach()


def train_batch(rank, step):
    g = torch.Generator().manual_seed(7000 + 100 * rank + step)
    x = torch.randn(12, 6, generator=g)
    return x, target(x)


def test_set(n=64):
    g = torch.Generator().manual_seed(99)
    x = torch.randn(n, 6, generator=g)
    return TensorDataset(x, target(x))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--checkpoint-dir", default=".")
    args = parser.parse_args()

    dist.init_process_group(backend="gloo")
    rank, world_size = dist.get_rank(), dist.get_world_size()

    settings = [{"lr": 0.05, "momentum": 0.9, "tolerance": 0.5}] if rank == 0 else [None]
    dist.broadcast_object_list(settings, src=0)
    config = settings[0]

    torch.manual_seed(0)
    model = DDP(make_model())
    optimizer = optim.SGD(model.parameters(), lr=config["lr"], momentum=config["momentum"])
    loss_fn = nn.MSELoss()

    batches = [train_batch(rank, step) for step in range(4 + rank)]  # uneven: rank r has 4 + r
    with model.join():
        for x, y in batches:
            optimizer.zero_grad()
            loss_fn(model(x), y).backward()
            optimizer.step()

    path = os.path.join(args.checkpoint_dir, "checkpoint.pt")
    if rank == 0:
        torch.save({"model": model.module.state_dict(), "optimizer": optimizer.state_dict(),
                    "steps": len(batches)}, path)
    dist.barrier()  # the others read the file only once rank 0 has written it

    checkpoint = torch.load(path, map_location="cpu")
    fresh = make_model()
    fresh.load_state_dict(checkpoint["model"])
    fresh.eval()

    dataset = test_set()
    loader = DataLoader(dataset, batch_size=8, sampler=DistributedSampler(dataset, shuffle=False))
    squared, close, count = 0.0, 0, 0
    with torch.no_grad():
        for x, y in loader:
            error = fresh(x) - y
            squared += (error ** 2).sum().item()
            close += int((error.abs() < config["tolerance"]).sum().item())
            count += x.shape[0]
    result = {"rank": rank, "squared_error": squared, "close": close, "count": count,
              "weights": [p.detach().numpy().ravel().tolist() for p in model.module.parameters()]}

    everyone = [None] * world_size
    dist.all_gather_object(everyone, result)
    steps = [None] * world_size if rank == 0 else None
    dist.gather_object(len(batches), steps, dst=0)
    if rank == 0:
        print("RESULT " + json.dumps({"results": everyone, "steps": steps, "saved_steps": checkpoint["steps"]}),
              flush=True)
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
