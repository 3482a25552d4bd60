"""Everything a training loop holds can be saved and restored exactly: the random generators
(CPU and CUDA, PyTorch's names), every learning-rate scheduler, the shuffling of a DataLoader,
and a whole checkpoint dict {model, optimizer, scheduler, rng, loader generator, epoch}; and
``minigrad.save`` makes the file durable in the right order.

"Exactly" means: the restored objects' ``state_dict()`` equals the saved one, and what they do
next (the rates, the shuffled orders, the random numbers, the weights) is bit-identical to what
the objects that never stopped do.
"""

import os
import zipfile

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn, optim
from minigrad.data import DataLoader, DistributedSampler, RandomSampler, SubsetRandomSampler, TensorDataset
from minigrad.data import WeightedRandomSampler
from minigrad.errors import ArgumentRuntimeError, DeviceError, DTypeError
from minigrad.nn import Parameter
from minigrad.optim import lr_scheduler as L


def round_trip(obj, tmp_path, name="state.npz"):
    path = tmp_path / name
    mg.save(obj, path)
    return mg.load(path)


def assert_same(a, b, where="state"):
    """Deep, exact equality: same container types, same keys in the same order, tensors with the
    same dtype, shape and bytes, numbers equal (floats bit for bit)."""
    assert type(a) is type(b) or (isinstance(a, dict) and isinstance(b, dict)), (where, type(a), type(b))
    if isinstance(a, mg.Tensor):
        assert a.dtype == b.dtype and a.shape == b.shape and a.numpy().tobytes() == b.numpy().tobytes(), where
    elif isinstance(a, dict):
        assert list(a) == list(b), (where, list(a), list(b))
        for k in a:
            assert_same(a[k], b[k], f"{where}[{k!r}]")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            assert_same(x, y, f"{where}[{i}]")
    elif isinstance(a, float):
        assert np.float64(a).tobytes() == np.float64(b).tobytes() or (a != a and b != b), (where, a, b)
    else:
        assert a == b, (where, a, b)


# ---- every scheduler ---------------------------------------------------------------------------------
class Warmup:
    """A callable object: LambdaLR saves its attributes (a lambda's code is never saved)."""

    def __init__(self, epochs):
        self.epochs = epochs

    def __call__(self, epoch):
        return min(1.0, (epoch + 1) / self.epochs)


SCHEDULERS = {
    "StepLR": lambda o: L.StepLR(o, step_size=3, gamma=0.5),
    "MultiStepLR": lambda o: L.MultiStepLR(o, milestones=[2, 5, 5, 9], gamma=0.3),
    "ConstantLR": lambda o: L.ConstantLR(o, factor=0.5, total_iters=4),
    "LinearLR": lambda o: L.LinearLR(o, start_factor=0.25, total_iters=8),
    "ExponentialLR": lambda o: L.ExponentialLR(o, gamma=0.9),
    "PolynomialLR": lambda o: L.PolynomialLR(o, total_iters=12, power=2.0),
    "CosineAnnealingLR": lambda o: L.CosineAnnealingLR(o, T_max=7, eta_min=0.001),
    "CosineAnnealingWarmRestarts": lambda o: L.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2, eta_min=0.001),
    "LambdaLR": lambda o: L.LambdaLR(o, [lambda e: 0.9 ** e, Warmup(6)]),
    "MultiplicativeLR": lambda o: L.MultiplicativeLR(o, [lambda e: 0.95, Warmup(4)]),
    "CyclicLR": lambda o: L.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=3, mode="triangular2"),
    "CyclicLR-scale_fn": lambda o: L.CyclicLR(o, 0.01, 0.1, step_size_up=3, scale_fn=lambda x: 0.5 ** x,
                                              cycle_momentum=False),
    "OneCycleLR": lambda o: L.OneCycleLR(o, max_lr=[0.5, 0.1], total_steps=20, three_phase=True),
    "SequentialLR": lambda o: L.SequentialLR(o, [L.LinearLR(o, 0.1, total_iters=4), L.ExponentialLR(o, 0.9)],
                                             milestones=[4]),
    "ChainedScheduler": lambda o: L.ChainedScheduler([L.ConstantLR(o, 0.2, 5), L.ExponentialLR(o, 0.95)]),
    "ReduceLROnPlateau": lambda o: L.ReduceLROnPlateau(o, patience=1, cooldown=1, min_lr=[0.0, 0.001]),
}
METRICS = [1.0, 0.9, 0.95, 0.96, 0.97, 0.5, 0.6, 0.6, 0.6, 0.6, 0.4, 0.41, 0.42, 0.43, 0.44, 0.45, 0.46, 0.47, 0.48]


def test_every_scheduler_class_is_covered():
    classes = {getattr(L, n) for n in L.__all__} - {L.LRScheduler}
    covered = {type(make(two_groups())) for make in SCHEDULERS.values()}
    assert classes == covered, classes ^ covered


def two_groups():
    a, b = Parameter(np.zeros(3)), Parameter(np.zeros(2))
    return optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.01}], lr=0.1, momentum=0.9)


def steps(name, opt, sched, epochs):
    """Step through ``epochs``; the rates and momenta of both groups after each step."""
    out = []
    for i in epochs:
        opt.step()
        sched.step(METRICS[i]) if name == "ReduceLROnPlateau" else sched.step()
        out.append([(g["lr"], g["momentum"]) for g in opt.param_groups])
    return out


@pytest.mark.parametrize("name", list(SCHEDULERS))
def test_scheduler_state_round_trips_exactly_through_a_file(name, tmp_path):
    make = SCHEDULERS[name]
    opt = two_groups()
    straight = steps(name, opt, make(opt), range(19))

    opt = two_groups()
    sched = make(opt)
    steps(name, opt, sched, range(8))
    saved = round_trip({"optimizer": opt.state_dict(), "scheduler": sched.state_dict()}, tmp_path)

    opt2 = two_groups()
    sched2 = make(opt2)  # the scheduler first (its constructor writes the groups), then the states
    opt2.load_state_dict(saved["optimizer"])
    sched2.load_state_dict(saved["scheduler"])
    assert_same(sched.state_dict(), sched2.state_dict())
    assert sched2.get_last_lr() == sched.get_last_lr()
    assert steps(name, opt2, sched2, range(8, 19)) == straight[8:]


def test_lambdas_are_not_saved_but_callable_objects_are(tmp_path):
    opt = two_groups()
    warm = Warmup(6)
    sched = L.LambdaLR(opt, [lambda e: 0.5, warm])
    assert sched.state_dict()["lr_lambdas"] == [None, {"epochs": 6}]
    warm.epochs = 9  # the object's state is what the file holds
    saved = round_trip(sched.state_dict(), tmp_path)
    other = Warmup(2)
    L.LambdaLR(two_groups(), [lambda e: 0.5, other]).load_state_dict(saved)
    assert other.epochs == 9
    mult = L.MultiplicativeLR(two_groups(), lambda e: 0.9)
    assert mult.state_dict()["lr_lambdas"] == [None, None]


# ---- generators --------------------------------------------------------------------------------------
def test_states_are_plain_uint8_arrays_in_the_file(tmp_path):
    mg.manual_seed(3)
    g = mg.Generator().manual_seed(4)
    mg.save({"rng": mg.get_rng_state(), "g": g.get_state()}, tmp_path / "rng.npz")
    with zipfile.ZipFile(tmp_path / "rng.npz") as zf:
        assert all(name.endswith(".npy") for name in zf.namelist())  # .npy members only: no pickle
    with np.load(tmp_path / "rng.npz", allow_pickle=False) as members:  # object arrays would need pickle
        assert {members[k].dtype for k in members.files} == {np.dtype(np.uint8)}
        assert sorted(members[k].size for k in members.files if k != "__structure__") == [48, 48]
    loaded = mg.load(tmp_path / "rng.npz")
    assert loaded["rng"].dtype == mg.uint8 and loaded["rng"].device == "cpu"


def test_the_default_generator_resumes_dropout_masks_and_factories(tmp_path):
    mg.manual_seed(8)
    x = mg.ones(64)
    mg.nn.functional.dropout(x, 0.5)  # some numbers drawn already
    saved = round_trip({"rng": mg.get_rng_state()}, tmp_path)["rng"]
    expected = (mg.nn.functional.dropout(x, 0.5).numpy(), mg.randperm(10).numpy(), mg.randn(3).numpy())
    mg.manual_seed(123)  # elsewhere entirely
    mg.set_rng_state(saved)
    got = (mg.nn.functional.dropout(x, 0.5).numpy(), mg.randperm(10).numpy(), mg.randn(3).numpy())
    for a, b in zip(expected, got):
        assert a.tobytes() == b.tobytes()


def test_set_state_errors_are_pytorchs_types():
    with pytest.raises(TypeError, match="uint8"):  # torch: "RNG state must be a torch.ByteTensor"
        mg.set_rng_state(mg.zeros(48))
    with pytest.raises(DTypeError, match="got list"):
        mg.Generator().set_state([0] * 48)
    with pytest.raises(RuntimeError, match="48-byte"):  # torch: a RuntimeError naming the sizes
        mg.set_rng_state(mg.zeros(40, dtype=mg.uint8))
    with pytest.raises(ArgumentRuntimeError):
        mg.Generator().set_state(np.zeros((6, 8), dtype=np.uint8))  # the bytes, but not the 1-D state


def test_cuda_rng_functions_without_a_gpu():
    if mg.cuda.is_available():
        pytest.skip("a GPU is present")
    assert mg.cuda.get_rng_state_all() == []  # PyTorch's answer without CUDA
    mg.cuda.set_rng_state_all([])
    mg.cuda.set_rng_state(mg.get_rng_state())  # accepted, nothing to restore (PyTorch defers it)
    with pytest.raises(DeviceError, match="no GPU"):
        mg.cuda.get_rng_state()
    with pytest.raises(TypeError):
        mg.cuda.set_rng_state(mg.zeros(3))


class FakeBits:
    """Stands for the device array a CuPy bit generator keeps its cuRAND states in."""

    def __init__(self, n):
        self.host = np.arange(n, dtype=np.int8)
        self.dtype, self.nbytes = self.host.dtype, self.host.nbytes

    def get(self):
        return self.host.copy()

    def set(self, array):
        assert array.dtype == self.dtype and array.shape == self.host.shape
        self.host[...] = array


def test_cuda_state_is_the_bit_generators_bytes(monkeypatch):
    """The byte handling of a CUDA generator's state, on a stand-in stream (no GPU needed)."""
    from minigrad import backend, cuda

    class Stream:
        bit_generator = type("Bits", (), {})()

    stream = Stream()
    stream.bit_generator._state = FakeBits(96)
    monkeypatch.setattr(backend, "to_device", lambda a, device: a.get() if hasattr(a, "get") else a)
    monkeypatch.setattr(backend, "on_device", lambda device: __import__("contextlib").nullcontext())
    state = cuda._curand_state(stream, "cuda:0")
    assert state.dtype == np.uint8 and state.shape == (96,) and state.flags.c_contiguous
    stream.bit_generator._state.host[:] = 0  # draws move the states on
    cuda._set_curand_state(stream, state, "cuda:0")
    assert stream.bit_generator._state.host.tobytes() == np.arange(96, dtype=np.int8).tobytes()
    with pytest.raises(ArgumentRuntimeError, match="96-byte"):
        cuda._set_curand_state(stream, state[:50], "cuda:0")
    with pytest.raises(DeviceError, match="cannot read"):
        cuda._curand_state(object(), "cuda:0")


@pytest.mark.gpu
def test_cuda_generator_state_round_trips(tmp_path):
    mg.cuda.manual_seed_all(5)
    mg.rand(10, device="cuda")
    saved = round_trip({"all": mg.cuda.get_rng_state_all()}, tmp_path)["all"]
    assert len(saved) == mg.cuda.device_count() and saved[0].device == "cpu" and saved[0].dtype == mg.uint8
    expected = mg.rand(1000, device="cuda").cpu().numpy()
    mg.cuda.manual_seed_all(77)
    mg.cuda.set_rng_state_all(saved)
    assert mg.rand(1000, device="cuda").cpu().numpy().tobytes() == expected.tobytes()
    g = mg.Generator("cuda").manual_seed(3)
    state = g.get_state()
    a = mg.randn(50, device="cuda", generator=g).cpu().numpy()
    g.set_state(state)
    assert mg.randn(50, device="cuda", generator=g).cpu().numpy().tobytes() == a.tobytes()

    mg.cuda.manual_seed_all(9)
    expected = mg.rand(5, device="cuda").cpu().numpy()
    mg.cuda.manual_seed_all(9)
    with mg.random.fork_rng():  # forks every GPU's default generator
        mg.rand(100, device="cuda")
    assert mg.rand(5, device="cuda").cpu().numpy().tobytes() == expected.tobytes()


def test_fork_rng_restores_what_the_block_drew():
    mg.manual_seed(2)
    mg.rand(2)
    expected = mg.rand(4).numpy()
    mg.manual_seed(2)
    mg.rand(2)
    with mg.random.fork_rng(devices=[]):
        mg.rand(100)
    assert mg.rand(4).numpy().tobytes() == expected.tobytes()


# ---- samplers and loaders: what to save is the generator ---------------------------------------------
DATA = TensorDataset(mg.arange(40), mg.arange(40) * 10)


def epoch_orders(loader, epochs):
    return [np.concatenate([x.numpy() for x, _ in loader]).tolist() for _ in range(epochs)]


@pytest.mark.parametrize("own_generator", [True, False], ids=["generator", "default-generator"])
@pytest.mark.parametrize("num_workers", [0, 2])
def test_a_loaders_epoch_k_order_comes_back_with_its_generator(own_generator, num_workers, tmp_path):
    def loader():
        g = mg.Generator().manual_seed(5) if own_generator else None
        return DataLoader(DATA, batch_size=8, shuffle=True, generator=g, num_workers=num_workers)

    mg.manual_seed(1)
    straight = epoch_orders(loader(), 5)
    assert len({tuple(o) for o in straight}) == 5  # a new order every epoch

    mg.manual_seed(1)
    first = loader()
    epoch_orders(first, 2)
    state = first.generator.get_state() if own_generator else mg.get_rng_state()
    saved = round_trip({"g": state}, tmp_path)["g"]

    mg.manual_seed(99)  # a new process: other seeds everywhere until the state is restored
    second = loader()
    (second.generator.set_state if own_generator else mg.set_rng_state)(saved)
    assert epoch_orders(second, 3) == straight[2:]


@pytest.mark.parametrize("make", [
    lambda g: RandomSampler(range(30), generator=g),
    lambda g: RandomSampler(range(30), replacement=True, num_samples=50, generator=g),
    lambda g: SubsetRandomSampler(list(range(5, 25)), generator=g),
    lambda g: WeightedRandomSampler([1.0, 2.0, 3.0, 0.5] * 5, num_samples=15, generator=g),
], ids=["random", "replacement", "subset", "weighted"])
def test_every_random_sampler_resumes_from_its_generator_state(make):
    g = mg.Generator().manual_seed(0)
    sampler = make(g)
    list(sampler)
    state = g.get_state()
    expected = [list(sampler) for _ in range(3)]
    g2 = mg.Generator().manual_seed(42)
    g2.set_state(state)
    resumed = make(g2)
    assert [list(resumed) for _ in range(3)] == expected


def test_distributed_sampler_resumes_from_the_epoch_number():
    """It draws from seed + epoch, so the saved epoch and set_epoch are all its state (as in PyTorch)."""
    a = DistributedSampler(DATA, num_replicas=2, rank=1, seed=3)
    a.set_epoch(4)
    b = DistributedSampler(DATA, num_replicas=2, rank=1, seed=3)
    b.set_epoch(4)
    assert list(a) == list(b)
    b.set_epoch(5)
    assert list(a) != list(b)


# ---- a whole checkpoint --------------------------------------------------------------------------------
def test_a_nested_training_checkpoint_round_trips_exactly(tmp_path):
    mg.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 6), nn.Dropout(0.2), nn.Linear(6, 2))
    opt = optim.Adam(model.parameters(), lr=0.01, amsgrad=True)
    sched = L.OneCycleLR(opt, max_lr=0.05, total_steps=10)
    loader = DataLoader(TensorDataset(mg.randn(12, 4), mg.randn(12, 2)), batch_size=4, shuffle=True,
                        generator=mg.Generator().manual_seed(1))
    for x, y in loader:
        ((model(x) - y) ** 2).mean().backward()
        opt.step()
        opt.zero_grad()
        sched.step()
    checkpoint = {"model": model.state_dict(), "optim": opt.state_dict(), "sched": sched.state_dict(),
                  "rng": mg.get_rng_state(), "cuda_rng": mg.cuda.get_rng_state_all(),
                  "loader generator": loader.generator.get_state(), "epoch": 3}
    loaded = round_trip(checkpoint, tmp_path)
    assert_same(checkpoint, loaded)
    assert os.listdir(tmp_path) == ["state.npz"]


# ---- durable saving --------------------------------------------------------------------------------------
def test_save_writes_a_temporary_file_fsyncs_renames_then_fsyncs_the_folder(tmp_path, monkeypatch):
    from minigrad import serialization

    calls = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        calls.append(("fsync", "folder" if os.path.isdir(os.readlink(f"/proc/self/fd/{fd}")) else
                      os.path.basename(os.readlink(f"/proc/self/fd/{fd}"))))
        real_fsync(fd)

    def replace(src, dst):
        calls.append(("replace", os.path.dirname(src) == os.path.dirname(os.fspath(dst)),
                      os.path.basename(src), os.path.basename(dst)))
        real_replace(src, dst)

    if not os.path.isdir("/proc/self/fd"):
        pytest.skip("needs /proc to name file descriptors")
    monkeypatch.setattr(serialization.os, "fsync", fsync)
    monkeypatch.setattr(serialization.os, "replace", replace)
    mg.save({"w": mg.ones(3)}, tmp_path / "ckpt.npz")
    (kind1, tmp_name), (kind2, same_folder, src, dst), (kind3, what) = calls
    assert kind1 == "fsync" and tmp_name.startswith(".ckpt.npz.") and tmp_name.endswith(".tmp")
    assert kind2 == "replace" and same_folder and src == tmp_name and dst == "ckpt.npz"
    assert (kind3, what) == ("fsync", "folder")
    assert os.listdir(tmp_path) == ["ckpt.npz"]


def test_grad_scaler_state_round_trips(tmp_path):
    scaler = mg.amp.GradScaler("cpu", init_scale=1024.0, growth_interval=3)
    w = Parameter(np.ones(2, dtype=np.float32))
    opt = optim.SGD([w], lr=0.1)
    for bad in (False, False, True, False):  # an overflow halves the scale; steps grow the tracker
        opt.zero_grad()
        scaler.scale((w * (float("inf") if bad else 1.0)).sum()).backward()
        scaler.step(opt)
        scaler.update()
    state = scaler.state_dict()
    assert state["scale"] == 512.0 and state["_growth_tracker"] == 1
    other = mg.amp.GradScaler("cpu")
    other.load_state_dict(round_trip(state, tmp_path))
    assert_same(other.state_dict(), state)
