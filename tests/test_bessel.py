"""The modified Bessel functions i0, i0e, i1, i1e (minigrad/ops/bessel.py) against torch and the
power series: both Chebyshev ranges, large, infinite and nan inputs, dtypes, first and second
derivatives (and their limits at 0), Tensor.i0, bad input. The registry entries
(minigrad/testing/entries/bessel.py) run the generic checks."""

import math

import numpy as np
import pytest

import minigrad as mg
from minigrad.errors import DTypeError
from minigrad.ops import bessel
from minigrad.testing import gradcheck, gradgradcheck

NAMES = ["i0", "i0e", "i1", "i1e"]
EDGES = [0.0, -0.0, 1e-30, 7.999999, 8.0, 8.000001, -8.0, 88.0, 100.0, 700.0, 800.0, np.inf, -np.inf, np.nan]


def torch_fn(torch, name):
    return torch.i0 if name == "i0" else getattr(torch.special, name)


@pytest.mark.torch
@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype, rtol", [(np.float64, 3e-15), (np.float32, 2e-6)])
def test_values_match_torch(torch, name, dtype, rtol):
    x = np.concatenate([np.linspace(-30, 30, 1201), EDGES]).astype(dtype)
    ours = getattr(bessel, name)(mg.tensor(x)).numpy()
    theirs = torch_fn(torch, name)(torch.tensor(x)).numpy()
    assert ours.dtype == dtype
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=0, equal_nan=True)
    np.testing.assert_array_equal(np.signbit(ours[np.isfinite(ours)]), np.signbit(theirs[np.isfinite(ours)]))


@pytest.mark.parametrize("name", NAMES)
def test_values_match_the_power_series(name):
    x = np.linspace(-6, 6, 49)
    k = np.arange(40)[:, None]
    log_terms = lambda order: (2 * k + order) * np.log(np.abs(x) / 2 + 1e-300) - np.array(  # noqa: E731
        [math.lgamma(j + 1) + math.lgamma(j + order + 1) for j in range(40)])[:, None]
    i0 = np.exp(log_terms(0)).sum(0)
    i1 = np.sign(x) * np.exp(log_terms(1)).sum(0)
    want = {"i0": i0, "i1": i1, "i0e": np.exp(-np.abs(x)) * i0, "i1e": np.exp(-np.abs(x)) * i1}[name]
    np.testing.assert_allclose(getattr(bessel, name)(mg.tensor(x)).numpy(), want, rtol=1e-14, atol=1e-300)
    if name == "i0":
        np.testing.assert_allclose(bessel.i0(mg.tensor(x)).numpy(), np.i0(x), rtol=1e-14)


@pytest.mark.torch
@pytest.mark.parametrize("name", NAMES)
def test_first_and_second_derivatives_match_torch(torch, name):
    x = np.array([-12.0, -9.0, -5.0, -1.3, -0.4, -1e-30, 0.0, 1e-30, 0.3, 1.1, 4.0, 7.9, 8.2, 15.0])
    X, tX = mg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    (g,) = mg.grad(getattr(bessel, name)(X).sum(), X, create_graph=True)
    (gg,) = mg.grad(g.sum(), X)
    (tg,) = torch.autograd.grad(torch_fn(torch, name)(tX).sum(), tX, create_graph=True)
    (tgg,) = torch.autograd.grad(tg.sum(), tX)
    np.testing.assert_allclose(g.numpy(), tg.detach().numpy(), rtol=1e-13, atol=1e-15)
    tiny = np.abs(x) == 1e-30  # torch's i1e'' is 0 there, the true value is -sign(x) (below)
    np.testing.assert_allclose(gg.numpy()[~tiny], tgg.numpy()[~tiny], rtol=1e-13, atol=1e-15)


def test_second_derivatives_near_zero():
    """Against the series: i0'' -> 1/2, i1'' = 3x/8 + ..., i0e = 1 - |x| + 3x^2/4 + ... and
    i1e = x/2 - x|x|/2 + ...: I1(x)/x is summed as a series there, so nothing cancels."""
    x = np.array([-1e-30, -1e-8, -1e-3, 1e-3, 1e-8, 1e-30])
    want = {"i0": 0.5 + 0 * x, "i1": 3 * x / 8, "i0e": 1.5 + 0 * x, "i1e": -np.sign(x)}
    for name, second in want.items():
        X = mg.tensor(x, requires_grad=True)
        (g,) = mg.grad(getattr(bessel, name)(X).sum(), X, create_graph=True)
        (gg,) = mg.grad(g.sum(), X)
        np.testing.assert_allclose(gg.numpy(), second, rtol=5e-3, atol=1e-12, err_msg=name)


def test_derivatives_at_zero():
    zero = mg.tensor([0.0], dtype=mg.float64, requires_grad=True)
    want = {"i0": (0.0, 0.5), "i0e": (0.0, 0.5), "i1": (0.5, 0.0), "i1e": (0.5, 0.0)}  # (f'(0), f''(0)), as torch
    for name, (first, second) in want.items():
        (g,) = mg.grad(getattr(bessel, name)(zero).sum(), zero, create_graph=True)
        (gg,) = mg.grad(g.sum(), zero)
        assert (float(g), float(gg)) == (first, second), name


@pytest.mark.parametrize("name", NAMES)
def test_gradcheck_on_both_ranges(name):
    x = np.array([-11.0, -7.5, -2.2, -0.3, 0.4, 1.7, 6.0, 8.5, 13.0])
    fn = getattr(bessel, name)
    assert gradcheck(fn, [mg.tensor(x, requires_grad=True)])
    assert gradgradcheck(fn, [mg.tensor(x, requires_grad=True)])


@pytest.mark.torch
def test_dtypes_tensor_method_and_bad_input(torch):
    assert bessel.i0(mg.tensor([1, 2])).dtype == np.float32  # integers become the default float
    assert bessel.i1(mg.tensor([True])).dtype == np.float32
    half = bessel.i0e(mg.tensor([1.0, 2.0], dtype=mg.float16))
    assert half.dtype == np.float16
    np.testing.assert_allclose(half.numpy(), torch.special.i0e(torch.tensor([1.0, 2.0]).half()).numpy(), rtol=1e-3)
    x = mg.tensor([0.5, -2.0])
    np.testing.assert_allclose(x.i0().numpy(), torch.tensor([0.5, -2.0]).i0().numpy(), rtol=1e-6)
    y = mg.tensor([0.5, -2.0])
    assert y.i0_() is y
    np.testing.assert_allclose(y.numpy(), x.i0().numpy())
    with pytest.raises(DTypeError, match=r"special.i1e: not implemented for complex.*complex64"):
        bessel.i1e(mg.tensor([1 + 1j]))
    with pytest.raises(NotImplementedError):  # PyTorch's type
        bessel.i0(mg.tensor([1j]))
