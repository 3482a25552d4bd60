"""Rounding, signs and remainders against PyTorch: half-to-even rounding with decimals,
integer inputs kept as integers, bool refused, sign of NaN and -0.0, copysign's sign bit,
fmod vs remainder signs, gradients (zero for the staircases), methods and in-place forms."""

import numpy as np
import pytest

import minigrad as mg
from minigrad.errors import UnsupportedDType

torch = pytest.importorskip("torch")

VALUES = np.array([-2.5, -1.5, -0.5, -0.49, -0.0, 0.0, 0.5, 1.5, 2.5, 2.51, 3.7, -3.7, np.inf, -np.inf, np.nan])


def same(ours, theirs):
    theirs = theirs.detach()
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", ""), (ours.dtype, theirs.dtype)
    assert tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12, atol=0, equal_nan=True)
    # the sign bit too: -0.0 and 0.0 differ where torch's do
    if ours.dtype.kind == "f":
        np.testing.assert_array_equal(np.signbit(ours.numpy()), np.signbit(theirs.numpy()))


@pytest.mark.parametrize("name", ["floor", "ceil", "trunc", "round", "frac", "sign", "sgn", "fix"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_values_match_torch(name, dtype):
    x = VALUES.astype(dtype)
    with np.errstate(all="ignore"):
        ours = getattr(mg, name)(mg.tensor(x))
    same(ours, getattr(torch, name)(torch.tensor(x)))


@pytest.mark.parametrize("decimals", [0, 1, 2, -1, -2])
def test_round_with_decimals(decimals):
    x = np.array([1.2345, -2.675, 15.0, 25.0, 1234.5678, 0.05])
    same(mg.round(mg.tensor(x), decimals=decimals), torch.round(torch.tensor(x), decimals=decimals))
    same(mg.tensor(x).round(decimals=decimals), torch.tensor(x).round(decimals=decimals))


@pytest.mark.parametrize("name", ["floor", "ceil", "trunc", "round", "sign"])
@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8])
def test_integers_stay_integers(name, dtype):
    x = np.array([0, 3, 7, 1], dtype=dtype)
    same(getattr(mg, name)(mg.tensor(x)), getattr(torch, name)(torch.tensor(x)))


@pytest.mark.parametrize("name", ["floor", "ceil", "trunc", "round", "frac"])
def test_bool_is_refused_like_torch(name):
    with pytest.raises(NotImplementedError):
        getattr(torch, name)(torch.tensor([True]))
    with pytest.raises(UnsupportedDType, match=name):
        getattr(mg, name)(mg.tensor([True]))


def test_sign_of_bool_and_frac_of_int():
    same(mg.sign(mg.tensor([True, False])), torch.sign(torch.tensor([True, False])))
    with pytest.raises(RuntimeError, match="frac"):
        mg.frac(mg.tensor([1, 2]))
    with pytest.raises(RuntimeError, match="round"):
        mg.round(mg.tensor([1, 2]), decimals=1)


@pytest.mark.parametrize("name", ["floor", "ceil", "trunc", "round", "sign", "frac"])
def test_gradients_match_torch(name):
    x = mg.tensor([-1.3, 0.4, 2.5, 3.0], dtype=mg.float64, requires_grad=True)
    tx = torch.tensor([-1.3, 0.4, 2.5, 3.0], dtype=torch.float64, requires_grad=True)
    getattr(mg, name)(x).sum().backward()
    getattr(torch, name)(tx).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), tx.grad.numpy())


def test_zero_gradient_is_zero_even_for_infinite_upstream_gradients():
    x = mg.tensor([0.3, 1.7], dtype=mg.float64, requires_grad=True)
    mg.floor(x).backward(mg.tensor([np.inf, np.nan], dtype=mg.float64))
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0])


@pytest.mark.parametrize("name", ["fmod", "remainder"])
@pytest.mark.parametrize("dtype", [np.float64, np.int64, np.float32])
def test_remainders_match_torch(name, dtype):
    a = np.array([5, -5, 5, -5, 0, 7], dtype=dtype)
    b = np.array([3, 3, -3, -3, 2, 7], dtype=dtype)
    same(getattr(mg, name)(mg.tensor(a), mg.tensor(b)), getattr(torch, name)(torch.tensor(a), torch.tensor(b)))
    same(getattr(mg, name)(mg.tensor(a), 2), getattr(torch, name)(torch.tensor(a), 2))
    same(getattr(mg, name)(mg.tensor(a), 2.5), getattr(torch, name)(torch.tensor(a), 2.5))


def test_float_remainder_by_zero_is_nan_like_torch():
    for name in ("fmod", "remainder"):
        with np.errstate(all="ignore"):
            same(getattr(mg, name)(mg.tensor([1.0, -1.0]), 0.0), getattr(torch, name)(torch.tensor([1.0, -1.0]), 0.0))


@pytest.mark.parametrize("name", ["fmod", "remainder"])
def test_remainder_gradients_match_torch(name):
    a = np.array([5.5, -5.5, 2.2])
    b = np.array([3.0, 2.0, -0.7])
    x, y = mg.tensor(a, requires_grad=True), mg.tensor(b, requires_grad=True)
    tx, ty = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    getattr(mg, name)(x, y).sum().backward()
    getattr(torch, name)(tx, ty).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy())
    np.testing.assert_allclose(y.grad.numpy(), ty.grad.numpy())


def test_copysign_values_signbit_and_gradients():
    a = np.array([1.5, -2.0, 0.0, -0.0, 3.0, 4.0])
    b = np.array([-1.0, 1.0, -1.0, 1.0, -0.0, np.nan])
    x, y = mg.tensor(a, requires_grad=True), mg.tensor(b, requires_grad=True)
    tx, ty = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    same(mg.copysign(x, y), torch.copysign(tx, ty))
    mg.copysign(x, y).sum().backward()
    torch.copysign(tx, ty).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), tx.grad.numpy())
    np.testing.assert_array_equal(y.grad.numpy(), ty.grad.numpy())
    same(mg.copysign(mg.tensor([1, 2]), -1), torch.copysign(torch.tensor([1, 2]), -1))


def test_methods_and_inplace_forms():
    for name in ("floor", "ceil", "trunc", "round", "frac", "sign"):
        t, tt = mg.tensor([1.25, -2.75]), torch.tensor([1.25, -2.75])
        same(getattr(t, name)(), getattr(tt, name)())
        getattr(t, name + "_")()
        getattr(tt, name + "_")()
        same(t, tt)
    t, tt = mg.tensor([5.0, -5.0]), torch.tensor([5.0, -5.0])
    t.fmod_(3)
    tt.fmod_(3)
    same(t, tt)
    same(mg.tensor([7, -7]).floor_divide(2), torch.tensor([7, -7]).floor_divide(2))
    same(mg.floor_divide(mg.tensor([7.5, -7.5]), 2), torch.floor_divide(torch.tensor([7.5, -7.5]), 2))


def test_0d_and_empty():
    for name in ("floor", "round", "sign", "frac"):
        for x in (np.array(-1.5), np.zeros((0, 2))):
            same(getattr(mg, name)(mg.tensor(x)), getattr(torch, name)(torch.tensor(x)))
    same(mg.fmod(mg.tensor(5.0), mg.tensor([2.0, 3.0])), torch.fmod(torch.tensor(5.0), torch.tensor([2.0, 3.0])))
