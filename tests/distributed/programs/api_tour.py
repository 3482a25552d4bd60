"""torch.distributed's everyday calls beyond the core, each checked on every rank.

Run as ``mpiexec -n N python api_tour.py``: it reads torchrun's environment variables,
joins with ``init_method="tcp://..."`` plus rank= and world_size= as many scripts do,
and exercises new_group, reduce / gather / scatter, point-to-point messages, the object
collectives, monitored_barrier and DDP's argument checks. Each rank prints one line
"RESULT {json}" with what it saw; tests/test_distributed_programs.py compares them with
what PyTorch defines.
"""
import datetime
import json
import os

import minigrad as torch
import minigrad.distributed as dist
import minigrad.nn as nn
from minigrad.nn.parallel import DistributedDataParallel as DDP


def main():
    env = {k: os.environ.get(k) for k in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE", "MASTER_ADDR")}
    rank, world_size = int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"])
    seen = {"env": env, "available": dist.is_available(), "initialized_before": dist.is_initialized()}
    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{os.environ.get('MASTER_PORT', '29500')}",
                            rank=rank, world_size=world_size, timeout=datetime.timedelta(seconds=60))
    group = dist.new_group(list(range(world_size)))
    seen.update(initialized=dist.is_initialized(), backend=dist.get_backend(), group_backend=dist.get_backend(group),
                group_size=dist.get_world_size(group), group_rank=dist.get_rank(group),
                ops=[name for name in ("SUM", "AVG", "PRODUCT", "MIN", "MAX", "BAND", "BOR", "BXOR")
                     if hasattr(dist.ReduceOp, name)])

    x = torch.tensor([float(rank + 1), 10.0 * rank])
    dist.reduce(x, dst=world_size - 1, op=dist.ReduceOp.MAX, group=group)
    seen["reduce_max"] = x.tolist()

    x = torch.tensor([rank, rank * rank])
    gathered = [torch.zeros(2, dtype=torch.int64) for _ in range(world_size)] if rank == 0 else None
    dist.gather(x, gather_list=gathered, dst=0)
    seen["gather"] = None if gathered is None else [t.tolist() for t in gathered]

    out = torch.zeros(3)
    chunks = [torch.full((3,), 100.0 + r) for r in range(world_size)] if rank == 0 else None
    dist.scatter(out, chunks, src=0)
    seen["scatter"] = out.tolist()

    # a ring of messages: send to the next rank, receive from the previous one
    right, left = (rank + 1) % world_size, (rank - 1) % world_size
    inbox = torch.zeros(2)
    if rank % 2 == 0:
        dist.send(torch.tensor([float(rank), -1.0]), dst=right)
        sender = dist.recv(inbox, src=left)
    else:
        sender = dist.recv(inbox, src=left)
        dist.send(torch.tensor([float(rank), -1.0]), dst=right)
    seen["ring"] = [sender, inbox.tolist()]
    inbox = torch.zeros(1)
    works = [dist.isend(torch.tensor([rank * 2.0]), dst=right, tag=7), dist.irecv(inbox, src=left, tag=7)]
    for work in works:
        work.wait()
    seen["isend_irecv"] = inbox.tolist()
    if rank == world_size - 1:  # to rank 0, which takes it from whoever sends
        dist.send(torch.tensor([42], dtype=torch.int64), dst=0, tag=3)
    elif rank == 0:
        anyone = torch.zeros(1, dtype=torch.int64)
        seen["recv_any_source"] = [dist.recv(anyone, tag=3), anyone.tolist()]

    names = [None] * world_size
    dist.all_gather_object(names, {"rank": rank, "host": "here"})
    seen["all_gather_object"] = names
    plan = [{"epochs": 3}, "adam"] if rank == 0 else [None, None]
    dist.broadcast_object_list(plan, src=0)
    seen["broadcast_object_list"] = plan
    one = [None]
    dist.scatter_object_list(one, [f"shard-{r}" for r in range(world_size)] if rank == 0 else None, src=0)
    seen["scatter_object_list"] = one[0]

    dist.monitored_barrier(timeout=datetime.timedelta(seconds=30))
    try:
        DDP(nn.Linear(2, 2), device_ids=[int(os.environ["LOCAL_RANK"])])
        seen["ddp_device_ids"] = "accepted"
    except ValueError as e:
        seen["ddp_device_ids"] = type(e).__name__ + ": " + str(e)
    model = DDP(nn.Linear(2, 2), device_ids=None)
    seen["ddp_module"] = type(model.module).__name__
    print("RESULT " + json.dumps(seen), flush=True)
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
