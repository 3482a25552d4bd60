"""The digits CNN trained by several processes at once with DistributedDataParallel.

    mpiexec -n 2 python examples/ddp_digits.py            # 2 ranks, each a share of the data
    python examples/ddp_digits.py                         # 1 rank: the same code, alone

Every rank builds the same network (examples/digits_cnn.py's), wraps it in
DistributedDataParallel (which copies rank 0's weights to all ranks) and reads its own share
of the training set through a DistributedSampler. In each step every rank computes the
gradient of its own mini-batch; DDP averages the gradients across ranks during backward, so
all ranks take the same Adam step, the one a single process would take with the global
batch (ranks x --batch-size samples). Only rank 0 prints and evaluates.

Needs mpi4py and an MPI library: pip install 'minigrad[distributed]'. docs/distributed.md
explains what happens underneath.
"""

import time

from _common import History, evaluate, make_parser, plot_curves, say, setup, train_epoch
from digits_cnn import make_model

import minigrad as mg
import minigrad.distributed as dist
from minigrad import nn, optim
from minigrad.data import DataLoader, DistributedSampler, digits_dataset, random_split
from minigrad.nn.parallel import DistributedDataParallel


def main(argv=None):
    p = make_parser(__doc__.splitlines()[0], epochs=8)
    p.add_argument("--lr", type=float, default=2e-3, help="Adam's starting learning rate")
    p.add_argument("--batch-size", type=int, default=16, help="samples per rank in each step")
    p.add_argument("--limit", type=int, default=None, help="use only the first N digits (quick tests)")
    args = p.parse_args(argv)
    device = setup(args)
    dist.init_process_group("nccl" if device == "cuda" else "mpi")  # NCCL moves GPU tensors
    rank, world = dist.get_rank(), dist.get_world_size()
    args.quiet = args.quiet or rank != 0  # one voice: rank 0's

    data = digits_dataset()
    if args.limit:
        data = random_split(data, [args.limit, len(data) - args.limit], seed=args.seed)[0]
    train_set, test_set = random_split(data, [0.8, 0.2], seed=args.seed)  # the same split on every rank
    sampler = DistributedSampler(train_set, shuffle=True, seed=args.seed)  # this rank's share
    train_loader = DataLoader(train_set, batch_size=args.batch_size, sampler=sampler)
    test_loader = DataLoader(test_set, batch_size=256)

    model = DistributedDataParallel(make_model().to(device))  # rank 0's initial weights everywhere
    mg.manual_seed(args.seed + rank)  # but each rank its own dropout masks
    opt = optim.Adam(model.parameters(), lr=args.lr)
    schedule = optim.lr_scheduler.CosineAnnealingLR(opt, T_max=max(args.epochs, 1))
    loss_fn = nn.CrossEntropyLoss()
    say(args, f"{world} ranks; {len(train_set)} training digits, {len(sampler)} per rank; global batch "
              f"{world * args.batch_size}; {sum(q.numel() for q in model.parameters())} parameters")

    start = time.perf_counter()
    test_acc, history = None, History()
    for epoch in range(1, args.epochs + 1):
        sampler.set_epoch(epoch)  # a new order each epoch, the same on every rank
        train_loss, _ = train_epoch(model, train_loader, loss_fn, opt, device,
                                    desc=f"epoch {epoch:2d}/{args.epochs}", quiet=args.quiet)
        schedule.step()
        if rank == 0:
            test_loss, test_acc = evaluate(model, test_loader, loss_fn, device)
            history.add(train_loss=train_loss, test_loss=test_loss, test_acc=test_acc)
            say(args, f"epoch {epoch:2d}: rank 0's train loss {train_loss:.4f}, "
                      f"test accuracy {100 * test_acc:.2f}%")
    seconds = time.perf_counter() - start
    if rank == 0:
        if test_acc is None:
            test_acc = evaluate(model, test_loader, loss_fn, device)[1]
        print(f"test accuracy: {100 * test_acc:.2f}% on {len(test_set)} held-out digits "
              f"({args.epochs} epochs on {world} ranks, {seconds:.1f}s)", flush=True)
        if args.plot:
            plot_curves(args.plot, {"loss": {"rank 0's train": history["train_loss"], "test": history["test_loss"]},
                                    "test accuracy": {"test": history["test_acc"]}},
                        title=f"digits CNN on {world} ranks")
    dist.destroy_process_group()
    return {"test_accuracy": test_acc, "seconds": seconds, "world_size": world}


if __name__ == "__main__":
    main()
