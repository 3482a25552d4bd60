"""Run by ``mpiexec -n N python tests/distributed/ranks_main.py OUT_DIR`` (tests/test_distributed.py).

Every rank runs the same checks in the same order (the collectives must match across ranks)
and writes ``OUT_DIR/rank<r>.json``: {check name: "ok" or the failure's text}. The checks:
each collective against its definition for every dtype and op; DistributedDataParallel
against one process with the global batch (SGD and Adam, float64 and float32, uneven last
batches); no_sync accumulation; buffers from rank 0; unused parameters.
"""

import json
import os
import sys
import traceback

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

import numpy as np  # noqa: E402

import minigrad as mg  # noqa: E402
import minigrad.distributed as dist  # noqa: E402
from minigrad import nn, optim  # noqa: E402
from minigrad.data import DataLoader, DistributedSampler, TensorDataset  # noqa: E402
from minigrad.distributed import ReduceOp  # noqa: E402
from minigrad.errors import ArgumentError, DTypeError, GraphError, ShapeError  # noqa: E402
from minigrad.nn.parallel import DistributedDataParallel as DDP  # noqa: E402

RESULTS = {}
DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]
ALL_OPS = list(ReduceOp)


def check(fn):
    try:
        fn()
        RESULTS[fn.__name__] = "ok"
    except Exception:  # recorded, so the other checks still run and the test names this one
        RESULTS[fn.__name__] = traceback.format_exc()
    return fn


def ops_for(dtype):
    """The reductions a dtype takes: no bitwise ones on floats, AVG on floats only."""
    if np.dtype(dtype).kind == "f":
        return [ReduceOp.SUM, ReduceOp.AVG, ReduceOp.PRODUCT, ReduceOp.MIN, ReduceOp.MAX]
    return [op for op in ALL_OPS if op is not ReduceOp.AVG]


def value_of(rank, dtype, shape=(2, 3), salt=0):
    """What rank ``rank`` holds: small numbers, so every reduction is exact in every dtype."""
    rng = np.random.default_rng(1000 * salt + rank)
    if dtype == "bool":
        return rng.random(shape) < 0.5
    low = 1 if dtype == "uint8" else -2
    values = rng.integers(low, 3, size=shape)
    return values.astype(dtype)


def definition(op, values, dtype):
    """``op`` over the ranks' values, computed here from its definition."""
    stack = np.stack(values)
    if dtype == "bool":
        table = {ReduceOp.SUM: np.any, ReduceOp.MAX: np.any, ReduceOp.BOR: np.any, ReduceOp.PRODUCT: np.all,
                 ReduceOp.MIN: np.all, ReduceOp.BAND: np.all}
        if op is ReduceOp.BXOR:
            return np.logical_xor.reduce(stack, axis=0)
        return table[op](stack, axis=0)
    if op is ReduceOp.AVG:
        return np.true_divide(stack.sum(axis=0).astype(dtype), len(values)).astype(dtype)
    reducer = {ReduceOp.SUM: np.add, ReduceOp.PRODUCT: np.multiply, ReduceOp.MIN: np.minimum,
               ReduceOp.MAX: np.maximum, ReduceOp.BAND: np.bitwise_and, ReduceOp.BOR: np.bitwise_or,
               ReduceOp.BXOR: np.bitwise_xor}[op]
    return reducer.reduce(stack, axis=0).astype(dtype)


def same(got, want, what):
    got = got.array if isinstance(got, mg.Tensor) else got
    if got.dtype != np.asarray(want).dtype or got.shape != np.asarray(want).shape or not np.array_equal(got, want):
        raise AssertionError(f"{what}: got {got!r}, want {np.asarray(want)!r}")


def main(out_dir):
    dist.init_process_group("mpi")
    rank, world = dist.get_rank(), dist.get_world_size()
    everyone = range(world)

    @check
    def group_facts():
        assert dist.is_initialized() and dist.get_backend() == "mpi"
        assert world == int(os.environ.get("EXPECT_WORLD", world))
        assert dist.group.WORLD.size() == world and dist.group.WORLD.rank() == rank
        try:
            dist.init_process_group("mpi")
        except ArgumentError as e:
            assert "twice" in str(e)
        else:
            raise AssertionError("a second init_process_group did not raise")
        dist.destroy_process_group()  # and join again, the launcher's numbers checked
        assert not dist.is_initialized() and sys.excepthook is sys.__excepthook__
        try:
            dist.init_process_group("mpi", world_size=world + 1)
        except ArgumentError as e:
            assert f"world_size={world + 1}, but the MPI launcher says {world}" in str(e)
        else:
            raise AssertionError("a wrong world_size did not raise")
        dist.init_process_group("MPI", world_size=world, rank=rank)
        assert (dist.get_rank(), dist.get_world_size()) == (rank, world)

    @check
    def all_reduce_every_dtype_and_op():
        for dtype in DTYPES:
            for op in ops_for(dtype):
                x = mg.tensor(value_of(rank, dtype))
                dist.all_reduce(x, op=op)
                same(x, definition(op, [value_of(r, dtype) for r in everyone], dtype), f"all_reduce {dtype} {op}")

    @check
    def all_reduce_async_work():
        works, tensors = [], []
        for dtype in DTYPES:
            x = mg.tensor(value_of(rank, dtype, salt=1))
            before = x.array.copy()
            works.append(dist.all_reduce(x, op=ReduceOp.MAX, async_op=True))
            same(x, before, f"async all_reduce {dtype}: changed before wait()")  # nothing written yet
            tensors.append((x, dtype))
        for work, (x, dtype) in zip(works, tensors):
            assert work.wait() is True and work.is_completed()
            same(x, definition(ReduceOp.MAX, [value_of(r, dtype, salt=1) for r in everyone], dtype),
                 f"async all_reduce {dtype}")
        work = dist.all_reduce(mg.ones(4), async_op=True)
        while not work.is_completed():  # polling alone finishes it
            pass
        assert dist.all_reduce(mg.ones(4)) is None

    @check
    def all_reduce_in_place_on_views():
        base = mg.tensor(np.arange(12.0).reshape(3, 4) + rank)
        view = base.transpose(0, 1)  # not contiguous: the result still lands in base's memory
        version = base._version
        dist.all_reduce(view)
        want = sum(np.arange(12.0).reshape(3, 4) + r for r in everyone)
        same(base, want, "all_reduce on a transposed view")
        assert base._version > version, "the version counter did not move"

    @check
    def float16_as_bytes_with_own_reduction():
        from minigrad.distributed import mpi_backend

        mpi_backend.NATIVE_FLOAT16 = False
        try:
            for op in ops_for("float16"):
                x = mg.tensor(value_of(rank, "float16", shape=(1000,), salt=2))
                dist.all_reduce(x, op=op)
                same(x, definition(op, [value_of(r, "float16", (1000,), 2) for r in everyone], "float16"),
                     f"float16 {op} as bytes")
        finally:
            mpi_backend.NATIVE_FLOAT16 = True

    @check
    def reduce_to_the_last_rank():
        dst = world - 1
        for dtype in DTYPES:
            for op in ops_for(dtype):
                mine = value_of(rank, dtype, salt=3)
                x = mg.tensor(mine)
                dist.reduce(x, dst=dst, op=op)
                want = definition(op, [value_of(r, dtype, salt=3) for r in everyone], dtype) if rank == dst else mine
                same(x, want, f"reduce {dtype} {op}")

    @check
    def broadcast_from_each_rank():
        for dtype in DTYPES:
            for src in everyone:
                x = mg.tensor(value_of(rank, dtype, salt=4))
                work = dist.broadcast(x, src=src, async_op=src % 2 == 1)
                if work is not None:
                    work.wait()
                same(x, value_of(src, dtype, salt=4), f"broadcast {dtype} from {src}")

    @check
    def all_gather_and_gather():
        for dtype in DTYPES:
            x = mg.tensor(value_of(rank, dtype, salt=5))
            outs = [mg.zeros(2, 3, dtype=dtype) for _ in everyone]
            dist.all_gather(outs, x)
            for r in everyone:
                same(outs[r], value_of(r, dtype, salt=5), f"all_gather {dtype} row {r}")
            for shape in ((2 * world, 3), (world, 2, 3)):
                out = mg.zeros(*shape, dtype=dtype)
                dist.all_gather_into_tensor(out, x)
                same(out, np.concatenate([value_of(r, dtype, salt=5) for r in everyone]).reshape(shape),
                     f"all_gather_into_tensor {dtype} {shape}")
            outs = [mg.zeros(2, 3, dtype=dtype) for _ in everyone] if rank == 0 else None
            dist.gather(x, outs, dst=0)
            if rank == 0:
                for r in everyone:
                    same(outs[r], value_of(r, dtype, salt=5), f"gather {dtype} row {r}")

    @check
    def reduce_scatter_every_dtype_and_op():
        for dtype in DTYPES:
            for op in ops_for(dtype):
                inputs = [mg.tensor(value_of(rank, dtype, salt=6 + k)) for k in everyone]
                out = mg.zeros(2, 3, dtype=dtype)
                dist.reduce_scatter(out, inputs, op=op)
                same(out, definition(op, [value_of(r, dtype, salt=6 + rank) for r in everyone], dtype),
                     f"reduce_scatter {dtype} {op}")
                big = mg.tensor(np.concatenate([value_of(rank, dtype, salt=6 + k) for k in everyone]))
                out = mg.zeros(2, 3, dtype=dtype)
                dist.reduce_scatter_tensor(out, big, op=op)
                same(out, definition(op, [value_of(r, dtype, salt=6 + rank) for r in everyone], dtype),
                     f"reduce_scatter_tensor {dtype} {op}")

    @check
    def barrier_and_bad_inputs():
        assert dist.barrier() is None
        dist.barrier(async_op=True).wait()
        bad = [(lambda: dist.all_reduce(mg.ones(2, dtype="int64"), op=ReduceOp.AVG), DTypeError, "AVG"),
               (lambda: dist.all_reduce(mg.ones(2, dtype="bool"), op=ReduceOp.AVG), DTypeError, "AVG"),
               (lambda: dist.all_reduce(mg.ones(2), op=ReduceOp.BAND), DTypeError, "BAND"),
               (lambda: dist.all_reduce(mg.ones(2), op="sum"), ArgumentError, "ReduceOp"),
               (lambda: dist.all_reduce(np.ones(2)), DTypeError, "Tensor"),
               (lambda: dist.broadcast(mg.ones(2), src=world), ArgumentError, "src"),
               (lambda: dist.broadcast(mg.ones(2)), ArgumentError, "src"),
               (lambda: dist.all_gather([mg.ones(2)] * (world + 1), mg.ones(2)), ShapeError, "one tensor per rank"),
               (lambda: dist.all_gather([mg.ones(3)] * world, mg.ones(2)), ShapeError, "shape"),
               (lambda: dist.all_gather_into_tensor(mg.ones(world * 2 + 1), mg.ones(2)), ShapeError, "times"),
               (lambda: dist.reduce_scatter_tensor(mg.ones(2), mg.ones(2 * world + 1)), ShapeError, "times"),
               (lambda: dist.gather(mg.ones(2), [mg.ones(2)] * world, dst=(rank + 1) % world), ArgumentError,
                "NOT" if world > 1 else ""),
               (lambda: dist.gather(mg.ones(2), dst=rank), ArgumentError, "specified on destination rank"),
               (lambda: dist.scatter(mg.ones(2), src=rank), ArgumentError, "specified on source rank"),
               (lambda: dist.scatter(mg.ones(2), [mg.ones(2)] * world, src=(rank + 1) % world), ArgumentError,
                "NOT be specified on non-source ranks")]
        for call, error, words in bad:
            try:
                call()
            except error as e:
                assert words in str(e), f"{error.__name__} message {str(e)!r} lacks {words!r}"
            else:
                raise AssertionError(f"no {error.__name__} ({words})")

    # ---- DistributedDataParallel --------------------------------------------------------
    def make_model(dtype, seed):
        mg.manual_seed(seed)
        net = nn.Sequential(nn.Linear(6, 16), nn.Tanh(), nn.Linear(16, 8), nn.Tanh(), nn.Linear(8, 3))
        return net.to(dtype=np.dtype(dtype))

    def make_optimizer(name, params):
        if name == "sgd":
            return optim.SGD(params, lr=0.1, momentum=0.9)
        return optim.Adam(params, lr=0.01)

    def dataset(dtype, n=21):
        rng = np.random.default_rng(7)
        return TensorDataset(mg.tensor(rng.normal(size=(n, 6)).astype(dtype)),
                             mg.tensor(rng.normal(size=(n, 3)).astype(dtype)))

    def ddp_matches_one_process(dtype, opt_name, tol, batch=4, epochs=2):
        data = dataset(dtype)
        model = DDP(make_model(dtype, seed=100 + rank), bucket_cap_mb=0.0005)  # several buckets
        opt = make_optimizer(opt_name, model.parameters())
        sampler = DistributedSampler(data, seed=3)  # num_replicas and rank from the group
        loader = DataLoader(data, batch_size=batch, sampler=sampler)
        sizes = []
        for epoch in range(epochs):
            sampler.set_epoch(epoch)
            for x, y in loader:
                opt.zero_grad()
                nn.functional.mse_loss(model(x), y).backward()
                opt.step()
                sizes.append(len(x))
        assert len(set(sizes)) > 1, f"no uneven last batch: {sizes}"

        # One process, batch N*B: step k uses the union of every rank's k-th batch.
        mg.manual_seed(0)
        ref = make_model(dtype, seed=100)  # rank 0's initial weights
        ref_opt = make_optimizer(opt_name, ref.parameters())
        x_all, y_all = data.tensors
        for epoch in range(epochs):
            shares = []
            for r in everyone:
                s = DistributedSampler(data, num_replicas=world, rank=r, seed=3)
                s.set_epoch(epoch)
                shares.append(list(s))
            for start in range(0, len(shares[0]), batch):
                index = mg.tensor(np.concatenate([share[start:start + batch] for share in shares]))
                ref_opt.zero_grad()
                nn.functional.mse_loss(ref(x_all[index]), y_all[index]).backward()
                ref_opt.step()
        for (name, p), q in zip(model.module.named_parameters(), ref.parameters()):
            err = float(np.abs(p.array - q.array).max())
            assert p.dtype == np.dtype(dtype), f"{name} became {p.dtype}"
            assert err <= tol, f"{opt_name} {dtype}: {name} differs from one process by {err:.3g} > {tol}"
        # and every rank holds the same weights, bit for bit
        for p in model.parameters():
            lo, hi = p.detach().clone(), p.detach().clone()
            dist.all_reduce(lo, op=ReduceOp.MIN)
            dist.all_reduce(hi, op=ReduceOp.MAX)
            same(lo, hi.array, "weights across ranks")

    @check
    def ddp_sgd_float64():
        ddp_matches_one_process("float64", "sgd", 1e-12)

    @check
    def ddp_adam_float64():
        ddp_matches_one_process("float64", "adam", 1e-12)

    @check
    def ddp_sgd_float32():
        ddp_matches_one_process("float32", "sgd", 1e-6)

    @check
    def ddp_adam_float32():
        ddp_matches_one_process("float32", "adam", 1e-6)

    @check
    def ddp_starts_from_rank_0_and_names_module():
        model = DDP(make_model("float64", seed=200 + rank))
        ref = make_model("float64", seed=200)
        for p, q in zip(model.module.parameters(), ref.parameters()):
            same(p, q.array, "initial weights")
        keys = list(model.state_dict())
        assert keys and all(k.startswith("module.") for k in keys), keys
        assert [k[len("module."):] for k in keys] == list(ref.state_dict())
        try:
            DDP(make_model("float64", seed=0), device_ids=[0])
        except ArgumentError as e:
            assert "must be None for a module on the CPU" in str(e)
        else:
            raise AssertionError("device_ids on a CPU module did not raise")

    @check
    def no_sync_accumulates_like_one_big_step():
        data = dataset("float64", n=6 * world * 3)
        x_all, y_all = data.tensors
        model = DDP(make_model("float64", seed=300))
        opt = optim.SGD(model.parameters(), lr=0.5)
        rows = lambda k, r: slice((k * world + r) * 6, (k * world + r + 1) * 6)  # noqa: E731
        opt.zero_grad()
        for k in range(3):  # micro-batches 0 and 1 local, the 2nd backward outside no_sync averages
            context = model.no_sync() if k < 2 else _nothing()
            with context:
                nn.functional.mse_loss(model(x_all[rows(k, rank)]), y_all[rows(k, rank)]).backward()
            if k == 0:  # still this rank's own gradient
                local = make_model("float64", seed=300)
                nn.functional.mse_loss(local(x_all[rows(0, rank)]), y_all[rows(0, rank)]).backward()
                for p, q in zip(model.parameters(), local.parameters()):
                    assert np.abs(p.grad.array - q.grad.array).max() < 1e-15, "no_sync averaged"
        opt.step()
        ref = make_model("float64", seed=300)
        ref_opt = optim.SGD(ref.parameters(), lr=0.5)
        ref_opt.zero_grad()
        for k in range(3):  # each micro-batch over all ranks, gradients added
            index = np.concatenate([np.arange(len(y_all))[rows(k, r)] for r in everyone])
            nn.functional.mse_loss(ref(x_all[mg.tensor(index)]), y_all[mg.tensor(index)]).backward()
        ref_opt.step()
        for p, q in zip(model.module.parameters(), ref.parameters()):
            err = float(np.abs(p.array - q.array).max())
            assert err <= 1e-12, f"no_sync: differs from one big step by {err:.3g}"

    @check
    def buffers_come_from_rank_0():
        mg.manual_seed(0)
        net = nn.Sequential(nn.Linear(4, 5), nn.BatchNorm1d(5)).double()
        model = DDP(net)
        bn = net[1]
        x = mg.tensor(np.random.default_rng(rank).normal(size=(8, 4)) + rank)
        model(x).sum().backward()  # each rank's running statistics move with its own batch
        mine = bn.running_mean.array.copy()
        from_0 = mg.tensor(mine)
        dist.broadcast(from_0, src=0)
        model.eval()
        with mg.no_grad():
            model(x)  # forward broadcasts rank 0's buffers (eval mode leaves them as they come)
        same(bn.running_mean, from_0.array, "running_mean after forward")
        same(bn.num_batches_tracked, np.array(1, dtype=bn.num_batches_tracked.dtype), "num_batches_tracked")
        if world > 1 and rank > 0:
            assert not np.array_equal(mine, from_0.array), "ranks had equal statistics: the check proves nothing"
        # with broadcast_buffers=False each rank keeps its own
        net2 = nn.Sequential(nn.Linear(4, 5), nn.BatchNorm1d(5)).double()
        model2 = DDP(net2, broadcast_buffers=False)
        model2(x).sum().backward()
        own = net2[1].running_mean.array.copy()
        model2.eval()
        with mg.no_grad():
            model2(x)
        same(net2[1].running_mean, own, "broadcast_buffers=False")

    @check
    def unused_parameters():
        class TwoHeads(nn.Module):
            def __init__(self):
                super().__init__()
                self.body, self.a, self.b = nn.Linear(3, 4), nn.Linear(4, 2), nn.Linear(4, 2)

            def forward(self, x, head):
                return (self.a if head == "a" else self.b)(self.body(x))

        mg.manual_seed(1)
        x = mg.tensor(np.ones((2, 3)) * (rank + 1))
        model = DDP(TwoHeads().double(), find_unused_parameters=True)
        head = "a" if rank == 0 else "b"  # rank 0 uses head a, the others head b
        model(x, head).sum().backward()
        m = model.module
        if world > 1:  # a is used on rank 0 only: its mean has the others' zeros in it
            ref = TwoHeads().double()
            ref.load_state_dict(m.state_dict())
            ref(mg.tensor(np.ones((2, 3))), "a").sum().backward()
            assert np.allclose(m.a.weight.grad.array, ref.a.weight.grad.array / world, rtol=0, atol=1e-15)
        model(x, "a").sum().backward()  # nobody used b: its .grad stays as the last backward left it
        # strict mode: a parameter without gradient is an error, raised on every rank alike
        strict = DDP(TwoHeads().double())
        try:
            strict(x, "a").sum().backward()
        except GraphError as e:
            assert "find_unused_parameters" in str(e) and "b.weight" in str(e), str(e)
        else:
            raise AssertionError("no GraphError for a parameter without gradient")

    @check
    def gradient_as_bucket_view_gives_the_same_gradients():
        x = mg.tensor(np.random.default_rng(rank).normal(size=(5, 6)))
        grads = []
        for as_view in (False, True):
            model = DDP(make_model("float64", seed=400), gradient_as_bucket_view=as_view)
            for _ in range(2):  # the second backward accumulates into the first's gradients
                model(x).sum().backward()
            grads.append([p.grad.array.copy() for p in model.parameters()])
            if as_view:
                buffers = [b.buffer for b in model.reducer.buckets]
                assert all(any(np.shares_memory(p.grad.array, buf) for buf in buffers) for p in model.parameters())
        for a, b in zip(*grads):
            assert np.array_equal(a, b)
        assert "world_size=" in repr(model)

    @check
    def buckets_start_while_backward_runs():
        net = make_model("float64", seed=500)
        model = DDP(net, bucket_cap_mb=0.0005)  # about one layer per bucket
        started = []
        x = mg.tensor(np.ones((3, 6)))
        hidden = net[0](x)  # the first layer by hand, to watch its gradient arrive
        hidden.register_hook(lambda g: started.append(model.reducer.next_bucket))
        model.reducer.prepare()  # what model.forward does first
        net[1:](hidden).sum().backward()
        buckets = len(model.reducer.buckets)
        assert buckets >= 3, buckets
        # when backward reached the first layer, the later layers' buckets were on their way
        assert started and 0 < started[0] < buckets, (started, buckets)

    def sync_bn_against_one_process(sizes, momentum, steps=2):
        """SyncBatchNorm on this rank's rows of a batch split ``sizes`` rows per rank, against
        BatchNorm2d on the joined batch in this process: y, dL/dx, the summed dL/dw and dL/db,
        and the running statistics, for ``steps`` training steps, then eval."""
        rng = np.random.default_rng(3)
        first = sum(sizes[:rank])
        one = nn.BatchNorm2d(3, momentum=momentum).to(dtype=np.float64)
        with mg.no_grad():
            one.weight.copy_(mg.tensor(rng.normal(size=3)))
            one.bias.copy_(mg.tensor(rng.normal(size=3)))
        synced = nn.SyncBatchNorm.convert_sync_batchnorm(nn.Sequential(nn.BatchNorm2d(3, momentum=momentum)))
        synced = synced.to(dtype=np.float64)
        assert type(synced[0]) is nn.SyncBatchNorm
        with mg.no_grad():
            synced[0].weight.copy_(one.weight)
            synced[0].bias.copy_(one.bias)
        for step in range(steps):
            x = rng.normal(2.0, 3.0, size=(sum(sizes), 3, 4, 5))
            g = rng.normal(size=x.shape)
            xa, xb = mg.tensor(x, requires_grad=True), mg.tensor(x[first:first + sizes[rank]], requires_grad=True)
            ya, yb = one(xa), synced(xb)
            (ya * mg.tensor(g)).sum().backward()
            (yb * mg.tensor(g[first:first + sizes[rank]])).sum().backward()
            rows = slice(first, first + sizes[rank])
            np.testing.assert_allclose(yb.array, ya.array[rows], rtol=1e-10, atol=1e-10)
            np.testing.assert_allclose(xb.grad.array, xa.grad.array[rows], rtol=1e-9, atol=1e-9)
            for mine, whole in ((synced[0].weight, one.weight), (synced[0].bias, one.bias)):
                total = mine.grad.clone()
                dist.all_reduce(total)  # each rank's own share: together the whole batch's
                np.testing.assert_allclose(total.array, whole.grad.array, rtol=1e-9, atol=1e-9)
                mine.grad, whole.grad = None, None
            for name in ("running_mean", "running_var"):
                np.testing.assert_allclose(getattr(synced[0], name).array, getattr(one, name).array,
                                           rtol=1e-12, atol=1e-12)
            assert int(synced[0].num_batches_tracked.item()) == step + 1
        synced.eval()
        one.eval()
        x = rng.normal(size=(2, 3, 4, 5))  # eval: the running statistics, no collective
        np.testing.assert_allclose(synced(mg.tensor(x)).array, one(mg.tensor(x)).array, rtol=1e-12)

    @check
    def sync_batch_norm_equals_one_process_on_the_joined_batch():
        sync_bn_against_one_process([r + 1 for r in everyone], momentum=0.1)  # uneven parts
        sync_bn_against_one_process([0] + [2] * (world - 1), momentum=None)  # rank 0 without rows
        layer = nn.SyncBatchNorm(3).to(dtype=np.float64)
        try:  # no rows on any rank: no statistics (every rank learns it from the same gathered counts)
            layer(mg.tensor(np.zeros((0, 3, 4))))
        except ShapeError as e:
            assert "more than 1 value per channel" in str(e) and "(0, 3, 4)" in str(e), e
        else:
            raise AssertionError("an empty joined batch did not raise")
        x = mg.tensor(np.ones((2, 3, 4)), requires_grad=True)
        y = layer(x)
        (gx,) = mg.autograd.grad(y[:, 0].sum() + (y * y).sum(), x, create_graph=True)
        try:
            gx.sum().backward()
        except GraphError as e:
            assert "SyncBatchNorm" in str(e), e
        else:
            raise AssertionError("a second derivative through SyncBatchNorm did not raise")

    @check
    def sampler_defaults_from_group():
        data = dataset("float64", n=10)
        s = DistributedSampler(data)
        assert (s.num_replicas, s.rank) == (world, rank)

    dist.barrier()
    with open(os.path.join(out_dir, f"rank{rank}.json"), "w") as f:
        json.dump(RESULTS, f, indent=1)
    dist.destroy_process_group()


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


if __name__ == "__main__":
    main(sys.argv[1])
