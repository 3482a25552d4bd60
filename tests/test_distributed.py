"""minigrad.distributed and DistributedDataParallel.

The multi-process checks run under ``mpiexec -n 2`` and ``-n 3`` on this machine (shared
memory, no network): ONE launch per world size runs every check of
tests/distributed/ranks_main.py (starting MPI costs about a second), and each test below
reads its check's result from every rank. Each launch has a timeout after which its whole
process group is killed, so a hang fails the test and leaves no process behind. Skipped
when mpi4py or mpiexec is missing (``pip install 'minigrad[distributed]'``).

The single-process tests (engine hooks, errors before init, the sampler against PyTorch's)
never import mpi4py.
"""

import importlib.util
import json
import os
import subprocess
import sys
import time

import numpy as np
import pytest

import minigrad as mg
import minigrad.distributed as dist
from minigrad import nn
from minigrad.autograd import engine
from minigrad.data import DistributedSampler
from minigrad.errors import ArgumentError, GraphError, MissingDependency
from mpi_launch import MPIEXEC, ROOT, launch_env, needs_mpi, run_or_kill

HERE = os.path.join(ROOT, "tests", "distributed")

CHECKS = ["group_facts", "all_reduce_every_dtype_and_op", "all_reduce_async_work", "all_reduce_in_place_on_views",
          "float16_as_bytes_with_own_reduction", "reduce_to_the_last_rank", "broadcast_from_each_rank",
          "all_gather_and_gather", "reduce_scatter_every_dtype_and_op", "barrier_and_bad_inputs",
          "ddp_sgd_float64", "ddp_adam_float64", "ddp_sgd_float32", "ddp_adam_float32",
          "ddp_starts_from_rank_0_and_names_module", "no_sync_accumulates_like_one_big_step",
          "buffers_come_from_rank_0", "unused_parameters", "gradient_as_bucket_view_gives_the_same_gradients",
          "buckets_start_while_backward_runs", "sync_batch_norm_equals_one_process_on_the_joined_batch",
          "sampler_defaults_from_group"]


def mpiexec(n, script, *args, timeout=90, extra_env=None):
    """Run ``mpiexec -n n python script args``; (return code, output, seconds). On timeout the
    whole process group (mpiexec and every rank) is killed and the test fails."""
    env = launch_env(dict(EXPECT_WORLD=str(n), **(extra_env or {})))
    start = time.perf_counter()
    code, out = run_or_kill([MPIEXEC, "-n", str(n), sys.executable, script, *args], env, timeout)
    return code, out, time.perf_counter() - start


_launches = {}


def results(n, tmp_path_factory):
    """Every rank's {check: "ok" or failure} from one launch of ranks_main.py on n ranks."""
    if n not in _launches:
        out_dir = tmp_path_factory.mktemp(f"ranks{n}")
        code, out, _ = mpiexec(n, os.path.join(HERE, "ranks_main.py"), str(out_dir))
        per_rank = []
        for r in range(n):
            path = out_dir / f"rank{r}.json"
            per_rank.append(json.loads(path.read_text()) if path.exists() else None)
        _launches[n] = (code, out, per_rank)
    return _launches[n]


@needs_mpi
@pytest.mark.parametrize("n", [2, 3])
@pytest.mark.parametrize("check", CHECKS)
def test_on_ranks(n, check, tmp_path_factory):
    code, out, per_rank = results(n, tmp_path_factory)
    assert code == 0 and all(r is not None for r in per_rank), f"mpiexec -n {n} failed ({code}):\n{out[-3000:]}"
    for rank, checks in enumerate(per_rank):
        assert set(checks) == set(CHECKS), f"rank {rank} ran {sorted(checks)}"
        assert checks[check] == "ok", f"{check} on rank {rank} of {n}:\n{checks[check]}"


@needs_mpi
def test_a_failing_rank_ends_the_job_with_its_error():
    code, out, seconds = mpiexec(3, os.path.join(HERE, "rank_raises.py"), timeout=60)
    assert code != 0
    assert "ValueError: rank 2 fails on purpose" in out
    assert "rank 2 raised ValueError; aborting all ranks" in out
    assert "got past the all-reduce" not in out  # the others were stopped in their all-reduce
    assert seconds < 30


@needs_mpi
@pytest.mark.skipif(importlib.util.find_spec("sklearn") is None, reason="the digits come from scikit-learn's data file")
def test_ddp_digits_example_trains_on_two_ranks():
    code, out, _ = mpiexec(2, os.path.join(ROOT, "examples", "ddp_digits.py"), "--epochs", "3", "--limit", "500",
                           "--quiet", timeout=120)
    assert code == 0, out[-3000:]
    lines = [line for line in out.splitlines() if line.startswith("test accuracy")]
    assert len(lines) == 1, out  # rank 0 alone prints
    accuracy = float(lines[0].split()[2].rstrip("%"))
    assert accuracy > 75, out
    assert "on 2 ranks" in lines[0]


def test_ddp_digits_example_has_the_common_options(capsys):
    sys.path.insert(0, os.path.join(ROOT, "examples"))
    import ddp_digits

    with pytest.raises(SystemExit) as exit_info:
        ddp_digits.main(["--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    for option in ("--epochs", "--device", "--seed", "--plot", "--batch-size"):
        assert option in text


# ---- one process: no MPI ------------------------------------------------------------------
def test_import_does_not_start_mpi():
    code = ("import sys, minigrad, minigrad.distributed, minigrad.nn.parallel; "
            "assert 'mpi4py' not in sys.modules, 'mpi4py imported'")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_missing_mpi4py_says_how_to_install(monkeypatch):
    from minigrad.distributed import mpi_backend

    monkeypatch.setitem(sys.modules, "mpi4py", None)  # import mpi4py now raises ImportError
    with pytest.raises(MissingDependency, match=r"pip install 'minigrad\[distributed\]'") as info:
        mpi_backend.import_mpi()
    assert isinstance(info.value, ImportError)


def test_before_init_every_call_says_so():
    assert not dist.is_initialized()
    for call in (dist.get_rank, dist.get_world_size, dist.barrier, lambda: dist.all_reduce(mg.ones(2)),
                 lambda: dist.broadcast(mg.ones(2), src=0), dist.destroy_process_group,
                 lambda: nn.parallel.DistributedDataParallel(nn.Linear(2, 2))):
        with pytest.raises(ArgumentError, match="init_process_group"):
            call()
    with pytest.raises(ValueError):  # PyTorch raises ValueError here
        dist.get_rank()


def test_unknown_backend_is_refused_before_mpi_starts():
    with pytest.raises(ArgumentError, match="'ucc' is not one minigrad has"):
        dist.init_process_group("ucc")
    assert not dist.is_initialized()


def test_reduce_op_names_match_torch():
    assert [op.name for op in dist.ReduceOp] == ["SUM", "AVG", "PRODUCT", "MIN", "MAX", "BAND", "BOR", "BXOR"]
    torch = pytest.importorskip("torch")
    for op in dist.ReduceOp:
        assert hasattr(torch.distributed.ReduceOp, op.name)


def test_post_accumulate_grad_hooks_fire_while_backward_runs():
    mg.manual_seed(0)
    first, second = nn.Linear(3, 4), nn.Linear(4, 2)
    events = []
    for name, layer in (("first", first), ("second", second)):
        layer.weight.register_post_accumulate_grad_hook(
            lambda p, name=name: events.append((name, p.grad is not None)))
    x = mg.randn(5, 3)
    hidden = first(x)
    hidden.register_hook(lambda g: events.append(("hidden's gradient", True)))
    second(hidden.tanh()).sum().backward()
    # the second layer's weight is finished before backward reaches the first layer
    assert events == [("second", True), ("hidden's gradient", True), ("first", True)]


def test_post_accumulate_grad_hook_sees_accumulated_grad_and_can_be_removed():
    w = mg.tensor([1.0, 2.0], requires_grad=True)
    seen = []
    handle = w.register_post_accumulate_grad_hook(lambda p: seen.append(p.grad.array.copy()))
    (w * w).sum().backward()  # used twice in one node, plus below: one call with the full sum
    np.testing.assert_allclose(seen[-1], [2.0, 4.0])
    ((w * 3).sum() + w.sum()).backward()
    np.testing.assert_allclose(seen[-1], [6.0, 8.0])  # accumulated into .grad first
    assert len(seen) == 2
    handle.remove()
    w.sum().backward()
    assert len(seen) == 2


def test_post_accumulate_grad_hook_only_on_leaves_that_require_grad():
    w = mg.ones(2, requires_grad=True)
    with pytest.raises(GraphError, match="non-leaf"):
        (w * 2).register_post_accumulate_grad_hook(lambda p: None)
    with pytest.raises(GraphError, match="does not require grad"):
        mg.ones(2).register_post_accumulate_grad_hook(lambda p: None)


def test_queue_callback_runs_once_when_backward_ends():
    w = mg.ones(3, requires_grad=True)
    calls = []

    def hook(g):
        engine.queue_callback(lambda: calls.append(w.grad is not None))
        return g

    w.register_hook(hook)
    (w * 2).sum().backward()
    assert calls == [True]  # after the leaf's .grad was written
    (w * 2).sum().backward()
    assert calls == [True, True]


def test_data_parallel_is_a_thin_wrapper():
    mg.manual_seed(0)
    inner = nn.Linear(3, 2)
    wrapped = nn.DataParallel(inner)
    x = mg.randn(4, 3)
    np.testing.assert_array_equal(wrapped(x).array, inner(x).array)
    assert list(wrapped.state_dict()) == ["module.weight", "module.bias"]
    assert nn.parallel.DataParallel is nn.DataParallel


# ---- DistributedSampler against PyTorch's ----------------------------------------------------
@pytest.mark.parametrize("n", [0, 1, 5, 10, 11, 21])
@pytest.mark.parametrize("replicas", [1, 2, 3, 4])
@pytest.mark.parametrize("drop_last", [False, True])
def test_sampler_matches_torch_without_shuffle(n, replicas, drop_last):
    torch = pytest.importorskip("torch")
    from torch.utils.data import DistributedSampler as TorchSampler

    for rank in range(replicas):
        ours = DistributedSampler(range(n), num_replicas=replicas, rank=rank, shuffle=False, drop_last=drop_last)
        theirs = TorchSampler(range(n), num_replicas=replicas, rank=rank, shuffle=False, drop_last=drop_last)
        assert list(ours) == list(theirs)
        assert len(ours) == len(theirs) and ours.total_size == theirs.total_size
    del torch


@pytest.mark.parametrize("n, replicas, drop_last", [(21, 2, False), (21, 4, False), (21, 4, True), (3, 5, False)])
def test_sampler_shuffle_partitions_one_order_per_epoch(n, replicas, drop_last):
    def shares(epoch, seed=0):
        out = []
        for rank in range(replicas):
            s = DistributedSampler(range(n), num_replicas=replicas, rank=rank, seed=seed, drop_last=drop_last)
            s.set_epoch(epoch)
            out.append(list(s))
        return out

    first = shares(0)
    assert len({len(s) for s in first}) == 1  # every rank the same count
    merged = [i for rank_share in first for i in rank_share]
    if drop_last:
        assert len(set(merged)) == len(merged) == (n // replicas) * replicas  # no repeats, the tail dropped
    else:
        assert set(merged) == set(range(n))  # everything, padded by repeats
        assert len(merged) == -(-n // replicas) * replicas
    assert first == shares(0)  # same seed and epoch: same order (what every rank relies on)
    assert first != shares(1)  # set_epoch: a new order
    assert first != shares(0, seed=1)


def test_sampler_bad_rank_and_no_group():
    with pytest.raises(ArgumentError, match="Invalid rank 2"):
        DistributedSampler(range(5), num_replicas=2, rank=2)
    with pytest.raises(RuntimeError, match="no process group"):
        DistributedSampler(range(5))
