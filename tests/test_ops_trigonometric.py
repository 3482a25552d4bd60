"""Trigonometric and hyperbolic functions against PyTorch: values over their domains (and
outside them: NaN), dtypes of integer and bool inputs, 0-d and empty tensors, methods,
in-place forms and aliases, atan2's quadrants and hypot's range."""

import numpy as np
import pytest

import minigrad as mg
from minigrad.errors import ShapeError

torch = pytest.importorskip("torch")

NAMES = ["tan", "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh", "deg2rad", "rad2deg"]
VALUES = np.array([-3.0, -1.0, -0.999, -0.5, -0.0, 0.0, 0.3, 0.999, 1.0, 1.5, 3.0, np.inf, -np.inf, np.nan])


def same(ours, theirs, rtol=None):
    """Same dtype, shape and values (NaN == NaN); float32 kernels may differ by a few ulps."""
    theirs = theirs.detach()
    rtol = rtol or (1e-12 if ours.dtype == mg.float64 else 5e-7)
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", ""), (ours.dtype, theirs.dtype)
    assert tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=rtol, atol=0, equal_nan=True)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_values_match_torch_inside_and_outside_the_domain(name, dtype):
    x = VALUES.astype(dtype)
    with np.errstate(all="ignore"):
        ours = getattr(mg, name)(mg.tensor(x))
    same(ours, getattr(torch, name)(torch.tensor(x)), )


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8, bool])
def test_integer_and_bool_inputs_give_the_default_float(name, dtype):
    x = np.array([0, 1, 1, 0], dtype=dtype)
    with np.errstate(all="ignore"):
        same(getattr(mg, name)(mg.tensor(x)), getattr(torch, name)(torch.tensor(x)))


@pytest.mark.parametrize("name", NAMES)
def test_0d_empty_method_and_inplace(name):
    for x in (np.array(0.25), np.zeros((0, 3))):
        same(getattr(mg, name)(mg.tensor(x)), getattr(torch, name)(torch.tensor(x)))
    t, tt = mg.tensor([0.1, 0.2]), torch.tensor([0.1, 0.2])
    same(getattr(t, name)(), getattr(tt, name)())
    getattr(t, name + "_")()
    getattr(tt, name + "_")()
    same(t, tt)


def test_aliases():
    x, tx = mg.tensor([0.5, -0.2]), torch.tensor([0.5, -0.2])
    for alias in ("arcsin", "arccos", "arctan", "arcsinh", "arctanh"):
        same(getattr(mg, alias)(x), getattr(torch, alias)(tx))
        same(getattr(x, alias)(), getattr(tx, alias)())
    same(mg.arctan2(x, x), torch.arctan2(tx, tx))
    same(mg.arccosh(x + 2), torch.arccosh(tx + 2))


def test_atan2_quadrants_signed_zeros_and_broadcasting():
    y = np.array([[1.0], [-1.0], [0.0], [-0.0]])
    x = np.array([1.0, -1.0, 0.0, -0.0, np.inf])
    same(mg.atan2(mg.tensor(y), mg.tensor(x)), torch.atan2(torch.tensor(y), torch.tensor(x)))
    same(mg.atan2(mg.tensor([1, -2]), mg.tensor([3, 0])), torch.atan2(torch.tensor([1, -2]), torch.tensor([3, 0])))
    with pytest.raises(ShapeError, match="atan2"):
        mg.atan2(mg.ones(2), mg.ones(3))


def test_atan2_gradient_matches_torch():
    y, ty = mg.tensor([1.0, -2.0, 0.5], dtype=mg.float64, requires_grad=True), torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64, requires_grad=True)
    x, tx = mg.tensor([-1.0, 0.5, 2.0], dtype=mg.float64, requires_grad=True), torch.tensor([-1.0, 0.5, 2.0], dtype=torch.float64, requires_grad=True)
    mg.atan2(y, x).sum().backward()
    torch.atan2(ty, tx).sum().backward()
    np.testing.assert_allclose(y.grad.numpy(), ty.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-12)


def test_hypot_does_not_overflow_and_refuses_integers():
    x = np.array([3e200, 3.0, 0.0], dtype=np.float64)
    y = np.array([4e200, 4.0, 0.0], dtype=np.float64)
    same(mg.hypot(mg.tensor(x), mg.tensor(y)), torch.hypot(torch.tensor(x), torch.tensor(y)))
    assert np.isfinite(mg.hypot(mg.tensor(x), mg.tensor(y)).numpy()).all()
    with pytest.raises(RuntimeError, match="hypot"):
        mg.hypot(mg.tensor([3, 4]), mg.tensor([1, 2]))


def test_gradients_at_the_domain_edges_are_infinite_like_torch():
    for name, at in (("asin", 1.0), ("acos", -1.0), ("acosh", 1.0), ("atanh", 1.0)):
        x = mg.tensor([at], dtype=mg.float64, requires_grad=True)
        tx = torch.tensor([at], dtype=torch.float64, requires_grad=True)
        with np.errstate(all="ignore"):
            getattr(mg, name)(x).sum().backward()
        getattr(torch, name)(tx).sum().backward()
        np.testing.assert_array_equal(x.grad.numpy(), tx.grad.numpy())
