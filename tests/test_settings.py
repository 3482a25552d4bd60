"""Process-wide settings and top-level aliases PyTorch programs use."""

import numpy as np
import pytest

import minigrad as mg
from minigrad.errors import ArgumentError, DTypeError


@pytest.mark.torch
def test_finfo_and_iinfo_match_torch(torch):
    for ours, theirs in [(mg.float32, torch.float32), (mg.float64, torch.float64), (mg.float16, torch.float16)]:
        a, b = mg.finfo(ours), torch.finfo(theirs)
        assert (a.bits, a.eps, a.max, a.min, a.tiny, a.resolution) == (b.bits, b.eps, b.max, b.min, b.tiny, b.resolution)
    for ours, theirs in [(mg.int8, torch.int8), (mg.int64, torch.int64), (mg.uint8, torch.uint8)]:
        a, b = mg.iinfo(ours), torch.iinfo(theirs)
        assert (a.bits, a.max, a.min) == (b.bits, b.max, b.min)
    assert mg.finfo().dtype == "float32"
    with pytest.raises(DTypeError):
        mg.finfo(mg.int32)
    with pytest.raises(DTypeError):
        mg.iinfo(mg.float32)


def test_printoptions_change_the_repr_and_restore():
    x = mg.tensor([1.23456789])
    mg.set_printoptions(precision=6)
    try:
        assert "1.234568" in repr(x)
    finally:
        mg.set_printoptions(profile="default")
    assert "1.2346" in repr(x)
    with pytest.raises(ArgumentError):
        mg.set_printoptions(profile="loud")


def test_threads_autocast_and_compile_are_accepted():
    before = mg.get_num_threads()
    mg.set_num_threads(1)
    assert mg.get_num_threads() == 1
    mg.set_num_threads(max(before, 1))
    with pytest.raises(ArgumentError):
        mg.set_num_threads(0)
    model = mg.nn.Linear(2, 2)
    assert mg.compile(model) is model and mg.compile()(model) is model
    with mg.autocast(device_type="cpu", dtype=mg.float16):
        y = model(mg.ones(1, 2))
    assert y.dtype == mg.float32  # full precision: autocast changes nothing

    @mg.autocast("cpu")
    def f(x):
        return x * 2

    np.testing.assert_array_equal(f(mg.ones(2)).numpy(), 2.0)


@pytest.mark.torch
def test_top_level_aliases_match_torch(torch):
    x = np.random.default_rng(0).standard_normal((1, 2, 5, 5))
    w = np.random.default_rng(1).standard_normal((3, 2, 3, 3))
    np.testing.assert_allclose(mg.conv2d(mg.tensor(x), mg.tensor(w), padding=1).numpy(),
                               torch.conv2d(torch.tensor(x), torch.tensor(w), padding=1).numpy(), rtol=1e-12)
    assert mg.typename(mg.ones(2)) == torch.typename(torch.ones(2))
    assert mg.typename(mg.ones(2, dtype=mg.int64)) == torch.typename(torch.ones(2, dtype=torch.int64))
    assert mg.scalar_tensor(3).dtype == mg.float32 and mg.scalar_tensor(3).ndim == 0
    assert isinstance(mg.ones(1).dtype, mg.dtype)
    a = mg.randn(3, requires_grad=True)
    b = mg.clone(a)
    assert b.requires_grad and not np.shares_memory(a.array, b.array)
    np.testing.assert_array_equal(mg.greater(mg.tensor([1, 3]), 2).numpy(), [False, True])
    np.testing.assert_array_equal(mg.concatenate([mg.ones(1), mg.zeros(1)], axis=0).numpy(), [1, 0])
