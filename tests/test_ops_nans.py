"""fmax/fmin and nan_to_num against PyTorch: NaN ignored (or kept when both are NaN),
gradients at NaN and at ties, the replacement values and dtypes, nansum/nanmean."""

import numpy as np
import pytest

import minigrad as mg

torch = pytest.importorskip("torch")

NAN, INF = np.nan, np.inf


def same(ours, theirs):
    theirs = theirs.detach()
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", ""), (ours.dtype, theirs.dtype)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12, atol=0, equal_nan=True)


@pytest.mark.parametrize("name", ["fmax", "fmin"])
def test_values_and_gradients_with_nan_and_ties(name):
    a = np.array([1.0, NAN, 2.0, NAN, 3.0, -1.0])
    b = np.array([2.0, 1.0, NAN, NAN, 3.0, -2.0])
    x, y = mg.tensor(a, requires_grad=True), mg.tensor(b, requires_grad=True)
    tx, ty = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    same(getattr(mg, name)(x, y), getattr(torch, name)(tx, ty))
    getattr(mg, name)(x, y).sum().backward()
    getattr(torch, name)(tx, ty).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), tx.grad.numpy())
    np.testing.assert_array_equal(y.grad.numpy(), ty.grad.numpy())


def test_fmax_integers_and_broadcasting():
    same(mg.fmax(mg.tensor([[1, 5]]), mg.tensor([[3], [2]])), torch.fmax(torch.tensor([[1, 5]]), torch.tensor([[3], [2]])))
    same(mg.tensor([1.0, NAN]).fmin(mg.tensor([0.0, 2.0])), torch.tensor([1.0, NAN]).fmin(torch.tensor([0.0, 2.0])))


@pytest.mark.parametrize("kwargs", [{}, {"nan": 1.5}, {"posinf": 10.0, "neginf": -10.0}, {"nan": -1.0, "posinf": 0.0}])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_nan_to_num_values_and_gradient(kwargs, dtype):
    a = np.array([NAN, INF, -INF, 0.5, -2.0], dtype=dtype)
    x, tx = mg.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    same(mg.nan_to_num(x, **kwargs), torch.nan_to_num(tx, **kwargs))
    mg.nan_to_num(x, **kwargs).sum().backward()
    torch.nan_to_num(tx, **kwargs).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), tx.grad.numpy())


def test_nan_to_num_integers_method_and_inplace():
    same(mg.nan_to_num(mg.tensor([1, 2])), torch.nan_to_num(torch.tensor([1, 2])))
    same(mg.nan_to_num(mg.tensor([True])), torch.nan_to_num(torch.tensor([True])))
    t, tt = mg.tensor([NAN, 1.0]), torch.tensor([NAN, 1.0])
    same(t.nan_to_num(nan=3.0), tt.nan_to_num(nan=3.0))
    t.nan_to_num_()
    tt.nan_to_num_()
    same(t, tt)


@pytest.mark.parametrize("dim, keepdim", [(None, False), (1, False), (0, True), ((0, 1), False)])
def test_nansum_nanmean_values_and_gradients(dim, keepdim):
    a = np.array([[NAN, 1.0, 2.0], [3.0, NAN, NAN], [NAN, NAN, NAN]])
    x, tx = mg.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    args = () if dim is None else (dim, keepdim)
    for name in ("nansum", "nanmean"):
        x.grad, tx.grad = None, None
        with np.errstate(all="ignore"):
            out = getattr(mg, name)(x, *args)
            same(out, getattr(torch, name)(tx, *args))
            out.sum().backward()
        getattr(torch, name)(tx, *args).sum().backward()
        want = tx.grad.numpy()
        if name == "nanmean":  # an all-NaN slice: PyTorch's gradient is NaN (0 * inf), minigrad's 0
            want = np.where(np.isnan(want), 0.0, want)
        np.testing.assert_allclose(x.grad.numpy(), want, rtol=1e-12)


def test_nansum_of_integers_and_dtype():
    same(mg.nansum(mg.tensor([1, 2, 3])), torch.nansum(torch.tensor([1, 2, 3])))
    same(mg.nansum(mg.tensor([1.0, NAN]), dtype=mg.float64), torch.nansum(torch.tensor([1.0, NAN]), dtype=torch.float64))
    same(mg.tensor([1.0, NAN]).nanmean(), torch.tensor([1.0, NAN]).nanmean())
