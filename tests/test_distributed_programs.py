"""PyTorch-style DDP programs (tests/distributed/programs/) run unchanged under ``mpiexec -n N``.

Each program is launched once, with a timeout after which its whole process group is
killed, and the "RESULT {json}" lines its ranks print are checked: against a reference
computed here in one process without any process group (the same steps on the global
batch), or against what PyTorch defines for each call. Skipped when mpi4py or mpiexec is
missing (``pip install 'minigrad[distributed]'``). The launcher-variable and argument
checks at the end need neither MPI nor PyTorch.
"""

import importlib.util
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn, optim
from minigrad.distributed import launcher
from mpi_launch import MPIEXEC, ROOT, launch_env, needs_mpi, run_or_kill

PROGRAMS = os.path.join(ROOT, "tests", "distributed", "programs")


def mpich_launcher():
    """True when mpiexec is MPICH's (Hydra), whose ``-outfile-pattern`` run() uses."""
    done = subprocess.run([MPIEXEC, "--version"], capture_output=True, text=True, timeout=20)
    return "HYDRA" in done.stdout


def run(program, *args, n=None, cwd=None, timeout=60, env=None):
    """Run a program (under ``mpiexec -n n`` when n is given); each rank's output, or the test fails.

    Every rank's stdout goes to a file of its own (MPICH's ``-outfile-pattern``): through
    one pipe, long lines of two ranks could interleave.
    """
    if n and not mpich_launcher():
        pytest.skip("the programs' output is collected with MPICH's mpiexec (-outfile-pattern)")
    environ = launch_env(env)
    for name in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT"):
        if env is None or name not in env:
            environ.pop(name, None)  # what the launcher sets, not what this shell happens to have
    with tempfile.TemporaryDirectory() as outputs:
        pattern = os.path.join(outputs, "rank%r.out")
        cmd = ([MPIEXEC, "-outfile-pattern", pattern, "-n", str(n)] if n else []) + [
            sys.executable, os.path.join(PROGRAMS, program), *args]
        code, out = run_or_kill(cmd, environ, timeout, cwd=cwd or ROOT)
        files = [pattern.replace("%r", str(r)) for r in range(n or 0)]
        per_rank = [out] if not n else [open(f).read() if os.path.exists(f) else "" for f in files]  # silent: none
    assert code == 0, f"{' '.join(cmd)} failed ({code}):\n{out[-3000:]}\n{per_rank}"
    return per_rank


def results(outputs):
    """The records of every "RESULT {json}" line, rank by rank."""
    return [json.loads(line[len("RESULT "):]) for out in outputs for line in out.splitlines()
            if line.startswith("RESULT ")]


def load_program(name):
    spec = importlib.util.spec_from_file_location(f"ddp_program_{name}", os.path.join(PROGRAMS, f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # defines its functions; main() runs only as a script
    return module


def flat(params):
    return np.concatenate([np.asarray(v, dtype=np.float64).ravel() for v in params])


# ---- the ToyModel tutorial --------------------------------------------------------------------
def toy_reference(toy, world_size):
    """One process: rank 0's initial model, SGD on the mean loss over every rank's batch."""
    mg.manual_seed(0)
    model = toy.ToyModel()
    optimizer = optim.SGD(model.parameters(), lr=0.001)
    snapshots = {}
    for step in range(3):
        if step == 1:  # the checkpoint demo starts again from rank 0's initial model
            mg.manual_seed(0)
            model = toy.ToyModel()
            optimizer = optim.SGD(model.parameters(), lr=0.001)
        optimizer.zero_grad()
        batches = [toy.batch(r, step) for r in range(world_size)]
        x, y = mg.cat([b[0] for b in batches]), mg.cat([b[1] for b in batches])
        nn.MSELoss()(model(x), y).backward()
        optimizer.step()
        if step in (0, 2):
            snapshots["basic" if step == 0 else "checkpoint"] = {
                f"module.{k}": v.detach().numpy().ravel() for k, v in model.state_dict().items()}
    return snapshots


@needs_mpi
def test_toy_model_tutorial_matches_one_process(tmp_path):
    out = run("toy_ddp.py", n=2, env={"TMPDIR": str(tmp_path)})
    seen = results(out)
    assert sorted((r["demo"], r["rank"]) for r in seen) == [("basic", 0), ("basic", 1), ("checkpoint", 0),
                                                          ("checkpoint", 1)]
    assert sum(o.count("Finished running") for o in out) == 4
    assert not (tmp_path / "model.checkpoint").exists()  # rank 0 removed it
    reference = toy_reference(load_program("toy_ddp"), 2)
    for r in seen:
        want = reference[r["demo"]]
        assert set(r["params"]) == set(want)  # the state_dict keys carry "module."
        for name, values in r["params"].items():
            np.testing.assert_allclose(values, want[name], rtol=1e-5, atol=1e-6, err_msg=f"{r['demo']} {name}")
    # the ranks began from different random models: DDP's start-up broadcast made them rank 0's
    basic = [r for r in seen if r["demo"] == "basic"]
    assert basic[0]["params"] == basic[1]["params"]


# ---- DistributedSampler + DataLoader, set_epoch, metrics all-reduced -----------------------------
@needs_mpi
def test_sampler_training_loop_on_two_ranks_equals_one_process_with_twice_the_batch():
    two = run("sampler_training.py", "--batch-size", "16", n=2)
    one = run("sampler_training.py", "--batch-size", "32")  # no mpiexec: a job of one process
    assert "backend=gloo world_size=2 local_rank=0" in two[0]
    assert "backend=gloo world_size=1 local_rank=0" in one[0]
    two, one = results(two), results(one)
    assert [m["epoch"] for m in two] == [0, 1, 2] == [m["epoch"] for m in one]
    for a, b in zip(two, one):
        assert a["samples"] == b["samples"] == 256
        assert a["loss"] == pytest.approx(b["loss"], rel=1e-5)
        assert a["accuracy"] == pytest.approx(b["accuracy"], abs=1.5 / 256)  # at most one borderline sample
    assert two[-1]["loss"] < two[0]["loss"] - 0.2  # it trains


# ---- join() with uneven inputs, checkpoint on rank 0, results as objects -----------------------
def join_reference(prog, world_size):
    """One process: step s averages the gradients of the ranks that still have batch s, over world_size."""
    mg.manual_seed(0)
    model = prog.make_model()
    optimizer = optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    for step in range(4 + world_size - 1):
        optimizer.zero_grad()
        active = [r for r in range(world_size) if step < 4 + r]
        loss = sum(nn.MSELoss()(model(x), y) for x, y in (prog.train_batch(r, step) for r in active))
        (loss / world_size).backward()
        optimizer.step()
    return model


@needs_mpi
def test_uneven_inputs_checkpoint_and_gathered_results(tmp_path):
    seen = results(run("checkpoint_and_results.py", "--checkpoint-dir", str(tmp_path), n=2))
    assert len(seen) == 1  # rank 0 prints
    seen = seen[0]
    assert seen["steps"] == [4, 5] and seen["saved_steps"] == 4
    ranks = seen["results"]
    assert [r["rank"] for r in ranks] == [0, 1]
    assert ranks[0]["weights"] == ranks[1]["weights"]  # join() ends with the last rank's model everywhere
    prog = load_program("checkpoint_and_results")
    model = join_reference(prog, 2)
    np.testing.assert_allclose(flat(ranks[0]["weights"]), flat([p.detach().numpy() for p in model.parameters()]),
                               rtol=1e-5, atol=1e-6)
    data = prog.test_set()
    x, y = data.tensors
    with mg.no_grad():
        model.eval()
        error = (model(x) - y).numpy()
    assert sum(r["count"] for r in ranks) == len(data)
    assert sum(r["close"] for r in ranks) == int((np.abs(error) < 0.5).sum())
    assert sum(r["squared_error"] for r in ranks) == pytest.approx(float((error ** 2).sum()), rel=1e-5)


def uneven_reference(prog, make, seed, world_size, mean_over_active, batches=lambda r: 2 + r):
    """One process: step s averages the gradients of the ranks r with batches(r) > s."""
    mg.manual_seed(seed)
    model = make().double()
    optimizer = optim.SGD(model.parameters(), lr=0.1)
    for step in range(max(batches(r) for r in range(world_size))):
        optimizer.zero_grad()
        active = [r for r in range(world_size) if step < batches(r)]
        loss = sum(nn.functional.mse_loss(model(x), y) for x, y in (prog.batch(r, step) for r in active))
        (loss / (len(active) if mean_over_active else world_size)).backward()
        optimizer.step()
    return flat([p.detach().numpy() for p in model.parameters()])


@needs_mpi
def test_join_options_and_a_late_rank_at_monitored_barrier():
    seen = sorted(results(run("uneven_inputs.py", n=2)), key=lambda r: r["rank"])
    assert [r["rank"] for r in seen] == [0, 1]
    prog = load_program("uneven_inputs")
    for key, make, seed, over_active, batches in (
            ("mean_over_active", lambda: nn.Linear(3, 1), 0, True, lambda r: 2 + r),
            ("unused", prog.TwoHeads, 1, False, lambda r: 2 + r),
            ("join_class", lambda: nn.Linear(3, 1), 2, False, lambda r: 3 - r)):  # rank 0 is the last to join
        assert seen[0][key] == seen[1][key], key
        np.testing.assert_allclose(flat(seen[0][key]), uneven_reference(prog, make, seed, 2, over_active, batches),
                                   rtol=1e-12, atol=1e-12, err_msg=key)
    for r in seen:
        assert "Detected at least one rank that exhausted inputs" in r["throw"]

    code, out = run_or_kill([MPIEXEC, "-n", "2", sys.executable, os.path.join(PROGRAMS, "uneven_inputs.py"),
                             "--late"], launch_env(), timeout=30)  # a late rank must not hang the job
    assert code != 0
    assert "monitored_barrier: rank 0 waited 0.5 s and not every rank of the 2 arrived" in out
    assert "got past the barrier" not in out


# ---- the API beyond the core --------------------------------------------------------------------
@needs_mpi
def test_api_tour_on_three_ranks():
    n = 3
    seen = sorted(results(run("api_tour.py", n=n)), key=lambda r: r["group_rank"])
    assert len(seen) == n
    for rank, r in enumerate(seen):
        assert r["env"] == {"RANK": str(rank), "WORLD_SIZE": str(n), "LOCAL_RANK": str(rank),
                            "LOCAL_WORLD_SIZE": str(n), "MASTER_ADDR": "127.0.0.1"}
        assert r["available"] and not r["initialized_before"] and r["initialized"]
        assert r["backend"] == r["group_backend"] == "gloo"  # what the program asked for, as PyTorch answers
        assert (r["group_size"], r["group_rank"]) == (n, rank)
        assert r["ops"] == ["SUM", "AVG", "PRODUCT", "MIN", "MAX", "BAND", "BOR", "BXOR"]
        assert r["scatter"] == [100.0 + rank] * 3
        left = (rank - 1) % n
        assert r["ring"] == [left, [float(left), -1.0]]
        assert r["isend_irecv"] == [2.0 * left]
        assert r["all_gather_object"] == [{"rank": q, "host": "here"} for q in range(n)]
        assert r["broadcast_object_list"] == [{"epochs": 3}, "adam"]
        assert r["scatter_object_list"] == f"shard-{rank}"
        # PyTorch refuses device_ids for a CPU module with this ValueError
        assert r["ddp_device_ids"].startswith("ArgumentError: DistributedDataParallel device_ids and output_device "
                                              "arguments only work with single-device/multiple-device GPU modules "
                                              f"or CPU modules, but got device_ids [{rank}]")
        assert r["ddp_module"] == "Linear"
    assert seen[-1]["reduce_max"] == [float(n), 10.0 * (n - 1)]  # only dst (the last rank) is defined
    assert seen[0]["gather"] == [[q, q * q] for q in range(n)]
    assert seen[0]["recv_any_source"] == [n - 1, [42]]
    assert all(r["gather"] is None for r in seen[1:])


SINGLE = """
import json, os, minigrad as torch, minigrad.distributed as dist
from minigrad.errors import ArgumentError, NotSupported
seen = {"env": [k for k in ("RANK", "WORLD_SIZE", "LOCAL_RANK") if k in os.environ]}
try:
    dist.init_process_group("gloo", rank=0, world_size=2)
except ArgumentError as e:
    seen["world_size_2"] = str(e)
dist.init_process_group("mpi", init_method="env://")
seen.update(backend=dist.get_backend(), size=dist.get_world_size(), rank=dist.get_rank())
for name, call in (("subset", lambda: dist.new_group([0, 1])), ("self", lambda: dist.send(torch.ones(1), dst=0)),
                   ("other_backend", lambda: dist.new_group(backend="nccl"))):
    try:
        call()
    except (NotSupported, ArgumentError) as e:
        seen[name] = [type(e).__name__, isinstance(e, NotImplementedError), str(e)]
x = torch.arange(3.0)
dist.all_reduce(x, op=dist.ReduceOp.AVG, group=dist.new_group())
seen["avg"] = x.tolist()
dist.destroy_process_group()
print("RESULT " + json.dumps(seen))
"""


@needs_mpi
def test_without_mpiexec_the_job_is_one_process_and_torchrun_is_refused(tmp_path):
    (tmp_path / "single.py").write_text(SINGLE)
    environ = {k: v for k, v in os.environ.items() if k not in ("RANK", "WORLD_SIZE", "LOCAL_RANK")}
    environ["PYTHONPATH"] = ROOT
    done = subprocess.run([sys.executable, str(tmp_path / "single.py")], capture_output=True, text=True,
                          timeout=60, env=environ, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    seen = results([done.stdout])[0]
    assert seen["env"] == []  # no launcher: nothing invented
    assert "world_size=2, but the MPI launcher says 1" in seen["world_size_2"]
    assert (seen["backend"], seen["size"], seen["rank"]) == ("mpi", 1, 0)
    assert seen["subset"][:2] == ["NotSupported", True] and "only a group of every rank" in seen["subset"][2]
    assert seen["self"][0] == "ArgumentError" and "should not be the same" in seen["self"][2]
    assert seen["other_backend"][0] == "ArgumentError"
    assert seen["avg"] == [0.0, 1.0, 2.0]
    # started by torchrun (RANK, WORLD_SIZE set, MPI alone): a clear error, not a job of one
    code = "import minigrad.distributed as dist; dist.init_process_group('gloo', init_method='env://')"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT,
                          env=dict(environ, RANK="1", WORLD_SIZE="2", LOCAL_RANK="1"))
    assert done.returncode != 0
    assert "WORLD_SIZE=2, but MPI started this process alone" in done.stderr
    assert "mpiexec -n 2 python prog.py (not torchrun)" in done.stderr


# ---- without MPI ---------------------------------------------------------------------------------
def test_launcher_variables_become_torchruns():
    mpich = {"PMI_RANK": "3", "PMI_SIZE": "4", "MPI_LOCALRANKID": "1", "MPI_LOCALNRANKS": "2"}
    assert launcher.detect(mpich) == {"RANK": "3", "WORLD_SIZE": "4", "LOCAL_RANK": "1", "LOCAL_WORLD_SIZE": "2",
                                      "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": "29500"}
    openmpi = {"OMPI_COMM_WORLD_RANK": "0", "OMPI_COMM_WORLD_SIZE": "2", "OMPI_COMM_WORLD_LOCAL_RANK": "0",
               "OMPI_COMM_WORLD_LOCAL_SIZE": "2"}
    assert launcher.detect(openmpi)["WORLD_SIZE"] == "2"
    assert launcher.detect({"PMI_RANK": "1", "PMI_SIZE": "2"})["LOCAL_RANK"] == "1"  # no local numbering given
    assert launcher.detect({}) == {} and launcher.detect({"PMI_RANK": "0"}) == {}
    environ = dict(mpich, LOCAL_RANK="0", MASTER_PORT="1234")  # set already: left alone
    added = launcher.export_torchrun_environment(environ)
    assert environ["LOCAL_RANK"] == "0" and environ["MASTER_PORT"] == "1234" and environ["RANK"] == "3"
    assert set(added) == {"RANK", "WORLD_SIZE", "LOCAL_WORLD_SIZE", "MASTER_ADDR"}


def test_spawn_runs_this_processs_rank(monkeypatch):
    import minigrad.multiprocessing as mp
    from minigrad.errors import ArgumentError

    for names in launcher.LAUNCHERS:
        for theirs in names[1].values():
            monkeypatch.delenv(theirs, raising=False)
    calls = []
    assert mp.spawn(lambda rank, a, b: calls.append((rank, a, b)), args=("a", 2), nprocs=1) is None
    with pytest.raises(ArgumentError, match="nprocs=2, but this job has 1 process.*mpiexec -n 2 python"):
        mp.spawn(calls.append, nprocs=2)
    monkeypatch.setenv("PMI_RANK", "2")
    monkeypatch.setenv("PMI_SIZE", "3")
    assert mp.spawn(lambda rank: calls.append(rank), nprocs=3, join=False).join()
    assert calls == [(0, "a", 2), 2]
    with pytest.raises(ArgumentError, match="nprocs=2, but this job has 3"):
        mp.spawn(calls.append, nprocs=2)
    assert mp.Process is __import__("multiprocessing").Process


def test_backend_names_and_errors_before_init():
    import minigrad.distributed as dist
    from minigrad.errors import ArgumentError

    assert dist.Backend.GLOO == dist.Backend("GLOO") == "gloo" and dist.Backend.MPI == "mpi"
    assert dist.is_gloo_available() == dist.is_available()
    with pytest.raises(ArgumentError, match="'ucc' is not one minigrad has"):
        dist.Backend("ucc")
    with pytest.raises(ArgumentError, match="init_process_group"):
        dist.new_group()
    from minigrad.distributed.algorithms.join import Join
    from minigrad.errors import NotSupported

    with pytest.raises(ArgumentError, match="at least one joinable"):
        Join([])
    with pytest.raises(NotSupported, match=r"only one DistributedDataParallel can join here, got \['SGD'\]"):
        Join([optim.SGD([mg.ones(1, requires_grad=True)], lr=0.1)])
    for call in (lambda: dist.all_gather_object([None], 1), lambda: dist.send(mg.ones(1), dst=1),
                 lambda: dist.scatter(mg.ones(1)), dist.monitored_barrier):
        with pytest.raises(ValueError, match="init_process_group"):
            call()
