"""A DistributedSampler + DataLoader training loop, as in public DDP tutorials (torchrun style).

The process reads LOCAL_RANK from the environment, joins the group with
``init_method="env://"``, splits a dataset with DistributedSampler (shuffled, re-shuffled
each epoch with ``set_epoch``), trains a small classifier under DDP and all-reduces the
epoch's summed loss, correct count and sample count, so every rank knows the global metrics;
rank 0 prints them. ``mpiexec -n 2 python sampler_training.py --batch-size 16`` takes the
same steps as one process with ``--batch-size 32`` (tests/test_distributed_programs.py).
"""
import argparse
import json
import os

import minigrad as torch
import minigrad.distributed as dist
import minigrad.nn as nn
import minigrad.nn.functional as F
import minigrad.optim as optim
from minigrad.nn.parallel import DistributedDataParallel as DDP
from minigrad.utils.data import DataLoader, TensorDataset
from minigrad.utils.data.distributed import DistributedSampler


class Net(nn.Module):
    def __init__(self, in_features=8, hidden=32, classes=3):
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden)
        self.fc2 = nn.Linear(hidden, classes)

    def forward(self, x):
        return self.fc2(F.relu(self.fc1(x)))


def make_dataset(n=256, seed=0):
    """Three classes told apart by two fixed directions (the same on every rank)."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 8, generator=g)
    y = (x[:, 0] > 0.3).long() + (x[:, 1] - x[:, 2] > 0.0).long()
    return TensorDataset(x, y)


def train_epoch(model, loader, optimizer):
    """One pass over this rank's share; returns (summed loss, correct, samples) as tensors."""
    model.train()
    total_loss, correct, count = torch.zeros(1), torch.zeros(1), torch.zeros(1)
    for data, target in loader:
        optimizer.zero_grad()
        output = model(data)
        loss = F.cross_entropy(output, target)
        loss.backward()
        optimizer.step()
        total_loss += loss.detach() * data.shape[0]
        correct += (output.argmax(dim=1) == target).sum().float()
        count += data.shape[0]
    return total_loss, correct, count


def main():
    parser = argparse.ArgumentParser(description="DDP with DistributedSampler")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--lr", type=float, default=0.1)
    args = parser.parse_args()

    local_rank = int(os.environ.get("LOCAL_RANK", 0))
    dist.init_process_group(backend="gloo", init_method="env://")
    rank, world_size = dist.get_rank(), dist.get_world_size()
    if rank == 0:
        print(f"backend={dist.get_backend()} world_size={world_size} local_rank={local_rank}")

    torch.manual_seed(0)
    dataset = make_dataset()
    sampler = DistributedSampler(dataset, num_replicas=world_size, rank=rank, shuffle=True, seed=42)
    loader = DataLoader(dataset, batch_size=args.batch_size, sampler=sampler)
    model = DDP(Net())
    optimizer = optim.SGD(model.parameters(), lr=args.lr, momentum=0.9)

    for epoch in range(args.epochs):
        sampler.set_epoch(epoch)
        total_loss, correct, count = train_epoch(model, loader, optimizer)
        for t in (total_loss, correct, count):
            dist.all_reduce(t, op=dist.ReduceOp.SUM)
        if rank == 0:
            metrics = {"epoch": epoch, "loss": total_loss.item() / count.item(),
                       "accuracy": correct.item() / count.item(), "samples": int(count.item())}
            print("RESULT " + json.dumps(metrics), flush=True)

    dist.destroy_process_group()


if __name__ == "__main__":
    main()
