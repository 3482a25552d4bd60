"""PyTorch's module paths and small facades: utils.data, cuda, accelerator, backends, and the
top-level helpers programs call (is_tensor, numel, set_float32_matmul_precision, ...)."""

import subprocess
import sys
import warnings
from pathlib import Path

import pytest

import minigrad as mg
import minigrad.data
import minigrad.utils.data
from minigrad.errors import ArgumentError, DeviceError

DATA_NAMES = ["Dataset", "TensorDataset", "IterableDataset", "DataLoader", "random_split", "Subset", "ConcatDataset",
              "ChainDataset", "Sampler", "SequentialSampler", "RandomSampler", "BatchSampler", "SubsetRandomSampler",
              "WeightedRandomSampler", "default_collate", "default_convert", "get_worker_info", "DistributedSampler",
              "StackDataset"]


@pytest.mark.parametrize("name", DATA_NAMES)
def test_utils_data_holds_the_very_objects_of_minigrad_data(name):
    assert getattr(minigrad.utils.data, name) is getattr(minigrad.data, name)


def test_utils_data_names_exist_in_torch(torch):
    import torch.utils.data as tud

    for name in DATA_NAMES:
        assert hasattr(tud, name), name


def test_pytorch_device_idioms_work():
    device = mg.device("cuda" if mg.cuda.is_available() else "cpu")
    assert mg.zeros(2, device=device).device == device
    name = mg.accelerator.current_accelerator().type if mg.accelerator.is_available() else "cpu"
    assert name in ("cpu", "cuda")
    assert mg.zeros(1).to(name).device.type == name


needs_no_gpu = pytest.mark.skipif(mg.cuda.is_available(), reason="checks the answers without a GPU")


@needs_no_gpu
def test_cuda_without_a_gpu_answers_no_and_raises_where_a_gpu_is_needed():
    assert mg.cuda.is_available() is False and mg.cuda.device_count() == 0
    assert mg.accelerator.is_available() is False and mg.accelerator.current_accelerator() is None
    assert mg.accelerator.device_count() == 0
    assert mg.cuda.is_bf16_supported() is False
    assert mg.cuda.memory_allocated() == 0
    mg.cuda.empty_cache()
    mg.cuda.manual_seed(1)
    mg.cuda.manual_seed_all(2)
    assert mg.cuda.initial_seed() == 2
    for fn in (mg.cuda.current_device, mg.cuda.synchronize, mg.cuda.get_device_name, mg.cuda.mem_get_info,
               mg.cuda.get_device_properties, mg.cuda.Stream, mg.cuda.Event, mg.cuda.current_stream,
               mg.cuda.default_stream):
        with pytest.raises(DeviceError, match="no GPU"):
            fn()


def test_cuda_seeds_are_per_device_and_manual_seed_covers_all():
    mg.manual_seed(7)
    assert mg.cuda.initial_seed() == 7 and mg.initial_seed() == 7
    mg.cuda.manual_seed_all(9)
    assert mg.cuda.initial_seed() == 9 and mg.initial_seed() == 7  # the CPU keeps its own
    mg.manual_seed(3)
    assert mg.cuda.initial_seed() == 3


@pytest.mark.gpu
def test_cuda_on_a_gpu():
    assert mg.cuda.device_count() >= 1 and mg.cuda.current_device() == 0
    assert isinstance(mg.cuda.get_device_name(), str) and len(mg.cuda.get_device_capability()) == 2
    free, total = mg.cuda.mem_get_info()
    assert 0 < free <= total and mg.cuda.get_device_properties()["totalGlobalMem"] == total
    mg.cuda.manual_seed(0)
    a = mg.rand(4, device="cuda").cpu().numpy()
    mg.cuda.manual_seed(0)
    b = mg.rand(4, device="cuda").cpu().numpy()
    assert (a == b).all()
    g = mg.Generator("cuda").manual_seed(1)
    c = mg.randn(3, device="cuda", generator=g)
    assert c.device == "cuda:0"
    mg.cuda.synchronize()
    assert mg.accelerator.current_accelerator().type == "cuda"


@pytest.mark.gpu
def test_cuda_streams_and_events_time_gpu_work():
    """The idiom programs time GPU code with, and work sent to a side stream."""
    start, end = mg.cuda.Event(enable_timing=True), mg.cuda.Event(enable_timing=True)
    x = mg.randn(64, 64, device="cuda")
    start.record()
    y = x @ x
    end.record()
    mg.cuda.synchronize()
    assert start.elapsed_time(end) >= 0 and end.query()
    side = mg.cuda.Stream()
    side.wait_stream(mg.cuda.current_stream())
    with mg.cuda.stream(side):
        z = y + 1
        assert mg.cuda.current_stream() == side
    mg.cuda.current_stream().wait_stream(side)
    side.synchronize()
    assert side.query() and mg.cuda.current_stream() == mg.cuda.default_stream()
    assert bool(mg.allclose(z - y, mg.ones_like(y)))
    with pytest.raises(ArgumentError, match="enable_timing"):
        mg.cuda.Event().elapsed_time(end)


def test_backends_flags_are_settable():
    for module, flag, default in [(mg.backends.cudnn, "benchmark", False), (mg.backends.cudnn, "deterministic", False),
                                  (mg.backends.cudnn, "enabled", True)]:
        assert getattr(module, flag) is default
        setattr(module, flag, not default)
        assert getattr(module, flag) is (not default)
        setattr(module, flag, default)
    assert mg.backends.mps.is_available() is False and mg.backends.cudnn.is_available() is False
    assert mg.backends.cuda.is_built() in (True, False)


def test_matmul_precision_and_allow_tf32_move_together():
    assert mg.get_float32_matmul_precision() == "highest" and mg.backends.cuda.matmul.allow_tf32 is False
    mg.set_float32_matmul_precision("high")
    assert mg.backends.cuda.matmul.allow_tf32 is True
    mg.backends.cuda.matmul.allow_tf32 = False
    assert mg.get_float32_matmul_precision() == "highest"
    with pytest.warns(UserWarning, match="no effect"):
        mg.set_float32_matmul_precision("fastest")
    assert mg.get_float32_matmul_precision() == "highest"


def test_matmul_precision_matches_torch(torch):
    before = torch.get_float32_matmul_precision()
    try:
        for p in ("high", "medium", "highest"):
            torch.set_float32_matmul_precision(p)
            mg.set_float32_matmul_precision(p)
            assert mg.get_float32_matmul_precision() == torch.get_float32_matmul_precision()
            assert mg.backends.cuda.matmul.allow_tf32 == torch.backends.cuda.matmul.allow_tf32
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.set_float32_matmul_precision("bad")
            mg.set_float32_matmul_precision("bad")
        assert mg.get_float32_matmul_precision() == torch.get_float32_matmul_precision()
    finally:
        torch.set_float32_matmul_precision(before)
        mg.set_float32_matmul_precision("highest")


def test_tensor_questions():
    t = mg.zeros(2, 3)
    assert mg.is_tensor(t) and not mg.is_tensor([1.0]) and not mg.is_tensor(t.numpy())
    assert mg.is_tensor(mg.nn.Parameter(mg.zeros(1)))
    assert mg.numel(t) == 6 and mg.is_floating_point(t) and not mg.is_floating_point(mg.zeros(1, dtype=mg.int64))
    with pytest.raises(TypeError, match="Tensor"):
        mg.numel([1, 2])


def test_default_dtype_roundtrip():
    assert mg.get_default_dtype() == mg.float32


def test_a_missing_name_says_so_plainly_without_a_misleading_hint():
    with pytest.raises(AttributeError, match="module 'minigrad' has no attribute 'no_such_thing'"):
        mg.no_such_thing  # noqa: B018
    assert not hasattr(mg, "dtype2")
    # Python's "Did you mean" hint would point at an internal module ('serialization')
    code = "import minigrad\nminigrad.serialisation\n"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         cwd=Path(__file__).resolve().parents[1])
    assert "has no attribute 'serialisation'" in out.stderr and "Did you mean" not in out.stderr


def test_top_level_random_names_exist():
    for name in ("Generator", "default_generator", "manual_seed", "seed", "initial_seed", "get_rng_state",
                 "set_rng_state", "normal", "bernoulli", "poisson", "rand_like", "randn_like", "randint_like"):
        assert hasattr(mg, name), name
    assert mg.random.manual_seed is not None and mg.random.Generator is mg.Generator


def test_use_deterministic_algorithms_is_remembered():
    assert mg.are_deterministic_algorithms_enabled() is False
    mg.use_deterministic_algorithms(True)
    try:
        assert mg.are_deterministic_algorithms_enabled() is True
    finally:
        mg.use_deterministic_algorithms(False)
    with pytest.raises(TypeError):
        mg.use_deterministic_algorithms("yes")
