"""Exponentials and logarithms against PyTorch: values (domain edges, infinities, NaN), the
accuracy that motivates each fused op (expm1/log1p near 0, logaddexp without overflow, erfc
in the tail, xlogy at 0), integer and bool inputs, gradients at the special points, methods
and in-place forms."""

import numpy as np
import pytest

import minigrad as mg
from minigrad.testing import gradcheck, gradgradcheck

torch = pytest.importorskip("torch")

UNARY = ["exp2", "expm1", "log2", "log10", "log1p", "rsqrt", "erfc"]
VALUES = np.array([-30.0, -5.0, -1.5, -1.0, -0.5, -1e-10, -0.0, 0.0, 1e-10, 0.5, 1.0, 2.0, 9.0, 30.0,
                   np.inf, -np.inf, np.nan])


def same(ours, theirs, rtol=None):
    """Same dtype, shape and values (NaN == NaN); float32 kernels may differ by a few ulps."""
    theirs = theirs.detach()
    rtol = rtol or (1e-12 if ours.dtype == mg.float64 else 5e-7)
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", ""), (ours.dtype, theirs.dtype)
    assert tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=rtol, atol=0, equal_nan=True)


@pytest.mark.parametrize("name", UNARY)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_values_match_torch(name, dtype):
    x = VALUES.astype(dtype)
    with np.errstate(all="ignore"):
        ours = getattr(mg, name)(mg.tensor(x))
    # erfc is an approximation (as erf): it agrees with PyTorch's to about 1e-15 relative
    exact = name == "erfc" and dtype == np.float64
    same(ours, getattr(torch, name)(torch.tensor(x)), rtol=1e-14 if exact else None)


@pytest.mark.parametrize("name", UNARY)
@pytest.mark.parametrize("dtype", [np.int64, np.int32, bool])
def test_integer_inputs_give_the_default_float(name, dtype):
    x = np.array([0, 1, 1], dtype=dtype)
    with np.errstate(all="ignore"):
        same(getattr(mg, name)(mg.tensor(x)), getattr(torch, name)(torch.tensor(x)))


def test_expm1_log1p_keep_their_digits_near_zero():
    x = np.array([1e-12, -3e-15, 1e-8])
    np.testing.assert_allclose(mg.expm1(mg.tensor(x)).numpy(), x + x * x / 2, rtol=1e-12)
    np.testing.assert_allclose(mg.log1p(mg.tensor(x)).numpy(), x - x * x / 2, rtol=1e-12)


def test_erfc_keeps_relative_precision_in_the_tail():
    x = np.array([5.0, 10.0, 26.0])
    got = mg.erfc(mg.tensor(x)).numpy()
    want = torch.erfc(torch.tensor(x)).numpy()
    assert (got > 0).all()
    np.testing.assert_allclose(got, want, rtol=1e-13)


@pytest.mark.parametrize("name", ["logaddexp", "logaddexp2"])
def test_logaddexp_values_without_overflow(name):
    a = np.array([1000.0, -1000.0, 0.0, -np.inf, np.inf, 3.0, np.nan])
    b = np.array([1000.0, -1001.0, 0.0, -np.inf, 1.0, -np.inf, 1.0])
    same(getattr(mg, name)(mg.tensor(a), mg.tensor(b)), getattr(torch, name)(torch.tensor(a), torch.tensor(b)))
    f = np.array([[1.0], [2.0]], dtype=np.float32)
    same(getattr(mg, name)(mg.tensor(f), mg.tensor(f.T)), getattr(torch, name)(torch.tensor(f), torch.tensor(f.T)))
    with pytest.raises(RuntimeError, match=name):
        getattr(mg, name)(mg.tensor([1, 2]), mg.tensor([3, 4]))


def test_logaddexp_gradient_is_a_softmax_of_two():
    a = mg.tensor([1000.0, -3.0], dtype=mg.float64, requires_grad=True)
    b = mg.tensor([999.0, 2.0], dtype=mg.float64, requires_grad=True)
    mg.logaddexp(a, b).sum().backward()
    ta = torch.tensor([1000.0, -3.0], dtype=torch.float64, requires_grad=True)
    tb = torch.tensor([999.0, 2.0], dtype=torch.float64, requires_grad=True)
    torch.logaddexp(ta, tb).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), ta.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(b.grad.numpy(), tb.grad.numpy(), rtol=1e-12)


def test_xlogy_values_and_gradients_at_zero_match_torch():
    x = np.array([0.0, 0.0, 0.0, 2.0, 0.0, 1.5])
    y = np.array([0.0, -1.0, 3.0, 0.0, np.nan, 2.0])
    a, b = mg.tensor(x, requires_grad=True), mg.tensor(y, requires_grad=True)
    ta, tb = torch.tensor(x, requires_grad=True), torch.tensor(y, requires_grad=True)
    with np.errstate(all="ignore"):
        out = mg.xlogy(a, b)
        same(out, torch.xlogy(ta, tb))
        out.sum().backward()
    torch.xlogy(ta, tb).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), ta.grad.numpy(), rtol=1e-12, equal_nan=True)
    np.testing.assert_allclose(b.grad.numpy(), tb.grad.numpy(), rtol=1e-12, equal_nan=True)
    same(mg.xlogy(mg.tensor([0, 2]), mg.tensor([0, 3])), torch.xlogy(torch.tensor([0, 2]), torch.tensor([0, 3])))
    same(mg.xlogy(mg.tensor([0.5, 2.0]), 3.0), torch.xlogy(torch.tensor([0.5, 2.0]), 3.0))


def test_rsqrt_at_zero_and_negative():
    x = np.array([0.0, -1.0, 4.0])
    with np.errstate(all="ignore"):
        same(mg.rsqrt(mg.tensor(x)), torch.rsqrt(torch.tensor(x)))


@pytest.mark.parametrize("name", UNARY)
def test_methods_inplace_0d_and_empty(name):
    t, tt = mg.tensor([0.5, 2.0]), torch.tensor([0.5, 2.0])
    same(getattr(t, name)(), getattr(tt, name)())
    getattr(t, name + "_")()
    getattr(tt, name + "_")()
    same(t, tt)
    for x in (np.array(0.7), np.zeros((2, 0))):
        same(getattr(mg, name)(mg.tensor(x)), getattr(torch, name)(torch.tensor(x)))


def test_second_derivatives_of_the_binary_ops():
    rng = np.random.default_rng(3)
    a = mg.tensor(rng.standard_normal((2, 3)), requires_grad=True)
    b = mg.tensor(rng.uniform(0.5, 2.0, (2, 3)), requires_grad=True)
    for fn in (mg.logaddexp, mg.logaddexp2, mg.xlogy):
        assert gradcheck(fn, (a, b))
        assert gradgradcheck(fn, (a, b))
