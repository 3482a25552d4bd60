"""Scans against PyTorch: cumsum/cumprod (dtypes, dtype=, zeros in cumprod's gradient and its
second derivative), cummax/cummin (tie and NaN indices, gradient to the source element),
logcumsumexp (wide ranges, -inf), 0-d and empty inputs, dims out of range, long inputs for
the parallel scan."""

import numpy as np
import pytest

import minigrad as mg
from minigrad.errors import IndexOutOfRange
from minigrad.ops.scan import parallel_scan
from minigrad.testing import gradcheck, gradgradcheck

torch = pytest.importorskip("torch")


def same(ours, theirs, rtol=1e-12, atol=1e-300):
    theirs = theirs.detach()
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", ""), (ours.dtype, theirs.dtype)
    assert tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=rtol, atol=atol, equal_nan=True)


RNG = np.random.default_rng(5)
X = RNG.standard_normal((3, 4, 5))


@pytest.mark.parametrize("name", ["cumsum", "cumprod"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64, np.int32, np.uint8, bool])
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_cumsum_cumprod_values_and_dtypes(name, dtype, dim):
    a = (X * 3).astype(dtype) if dtype != bool else X > 0
    same(getattr(mg, name)(mg.tensor(a), dim), getattr(torch, name)(torch.tensor(a), dim),
         rtol=1e-12 if dtype == np.float64 else 1e-6)
    same(getattr(mg.tensor(a), name)(dim), getattr(torch.tensor(a), name)(dim), rtol=1e-6)
    same(getattr(mg, name)(mg.tensor(a), dim, dtype=mg.float64),
         getattr(torch, name)(torch.tensor(a), dim, dtype=torch.float64), rtol=1e-6)


@pytest.mark.parametrize("a", [[1.0, 0.0, 3.0, 2.0], [0.0, 0.0, 2.0, 5.0], [2.0, 3.0, 0.0, 0.0], [0.0], [4.0, -1.0, 0.5]])
def test_cumprod_gradient_with_zeros_matches_torch(a):
    x, tx = mg.tensor(a, dtype=mg.float64, requires_grad=True), torch.tensor(a, dtype=torch.float64, requires_grad=True)
    w = np.linspace(0.5, 2.0, len(a))
    (mg.cumprod(x, 0) * mg.tensor(w)).sum().backward()
    (torch.cumprod(tx, 0) * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-12)
    assert gradgradcheck(lambda t: mg.cumprod(t, 0), (mg.tensor(a, dtype=mg.float64, requires_grad=True),))


def test_cumprod_with_zeros_in_some_slices_only():
    a = RNG.standard_normal((3, 4))
    a[1, 2] = 0.0
    a[2, 0] = a[2, 3] = 0.0
    x, tx = mg.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    for dim in (0, 1):
        x.grad = tx.grad = None
        mg.cumprod(x, dim).sum().backward()
        torch.cumprod(tx, dim).sum().backward()
        np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-12, atol=1e-15)
    assert gradcheck(lambda t: mg.cumprod(t, 1), (x,))


@pytest.mark.parametrize("name", ["cummax", "cummin"])
@pytest.mark.parametrize("a", [[1.0, 1.0, 0.0, 1.0, 2.0], [3.0, 1.0, 3.0, 0.0, 3.0],
                               [1.0, np.nan, 0.0, np.nan, 3.0], [np.nan, 1.0, 2.0], [2, 2, 1, 3, 3]])
def test_cummax_cummin_ties_and_nan_indices_and_gradients(name, a):
    dtype = np.int64 if all(isinstance(v, int) for v in a) else np.float64
    x, tx = mg.tensor(np.array(a, dtype=dtype)), torch.tensor(np.array(a, dtype=dtype))
    ours, theirs = getattr(mg, name)(x, 0), getattr(torch, name)(tx, 0)
    same(ours.values, theirs.values)
    same(ours.indices, theirs.indices)
    values, indices = ours
    assert values is ours[0] and indices is ours.indices
    if dtype == np.float64:
        x.requires_grad_()
        tx.requires_grad_()
        getattr(mg, name)(x, 0).values.sum().backward()
        getattr(torch, name)(tx, 0).values.sum().backward()
        np.testing.assert_array_equal(x.grad.numpy(), tx.grad.numpy())


@pytest.mark.parametrize("name", ["cummax", "cummin"])
def test_cummax_cummin_on_several_dims_and_long_inputs(name):
    for a, dim in ((X, 1), (X, -1), (RNG.standard_normal(1000), 0), (RNG.integers(0, 5, (7, 33)), 1)):
        ours, theirs = getattr(mg, name)(mg.tensor(a), dim), getattr(torch, name)(torch.tensor(a), dim)
        same(ours.values, theirs.values)
        same(ours.indices, theirs.indices)


def test_logcumsumexp_values_over_wide_ranges():
    a = np.array([[-1000.0, 0.0, 1000.0, -np.inf], [-np.inf, -np.inf, 3.0, 1.0]])
    same(mg.logcumsumexp(mg.tensor(a), 1), torch.logcumsumexp(torch.tensor(a), 1))
    # float32: a log near 0 can only be as exact as the float32 sum inside it (about 1e-7 absolute)
    same(mg.logcumsumexp(mg.tensor(X.astype(np.float32)), 2), torch.logcumsumexp(torch.tensor(X.astype(np.float32)), 2),
         rtol=1e-6, atol=1e-7)
    with pytest.raises(RuntimeError, match="logcumsumexp"):
        mg.logcumsumexp(mg.tensor([1, 2]), 0)


def test_logcumsumexp_gradients_match_torch_and_second_order():
    a = np.array([[-50.0, 0.5, 30.0, 2.0], [1.0, -1.0, 0.0, 3.0]])
    w = np.array([[1.0, -2.0, 0.5, 3.0], [-1.0, -1.0, 2.0, 0.25]])  # gradients of both signs
    x, tx = mg.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    (mg.logcumsumexp(x, 1) * mg.tensor(w)).sum().backward()
    (torch.logcumsumexp(tx, 1) * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-10, atol=1e-300)
    assert gradgradcheck(lambda t: mg.logcumsumexp(t, 0), (mg.tensor(X[:, :2, 0], requires_grad=True),))


@pytest.mark.parametrize("name", ["cumsum", "cumprod", "logcumsumexp", "cummax", "cummin"])
def test_0d_empty_and_dims_out_of_range(name):
    for a, dim in ((np.array(1.5), 0), (np.array(1.5), -1), (np.zeros((0, 3)), 0), (np.zeros((2, 0)), 1)):
        ours, theirs = getattr(mg, name)(mg.tensor(a), dim), getattr(torch, name)(torch.tensor(a), dim)
        if name in ("cummax", "cummin"):
            same(ours.indices, theirs.indices)
            ours, theirs = ours.values, theirs.values
        same(ours, theirs)
    with pytest.raises(IndexError):
        getattr(torch, name)(torch.tensor(1.5), 1)
    with pytest.raises(IndexOutOfRange):
        getattr(mg, name)(mg.tensor(1.5), 1)
    with pytest.raises(IndexOutOfRange):
        getattr(mg, name)(mg.ones(2, 3), 2)


def test_parallel_scan_matches_a_serial_accumulate():
    a = RNG.standard_normal((4, 37))
    for ufunc in (np.maximum, np.minimum, np.add, np.logaddexp):
        np.testing.assert_allclose(parallel_scan(a, 1, ufunc), ufunc.accumulate(a, axis=1), rtol=1e-12)
        np.testing.assert_allclose(parallel_scan(a, 0, ufunc), ufunc.accumulate(a, axis=0), rtol=1e-12)


def test_inplace_cumsum():
    t, tt = mg.tensor([1.0, 2.0, 3.0]), torch.tensor([1.0, 2.0, 3.0])
    t.cumsum_(0)
    tt.cumsum_(0)
    same(t, tt)


def test_cumprod_first_derivative_at_zeros_takes_the_linear_path(monkeypatch):
    """Only a recorded backward (create_graph) builds the n x n table; a plain one is O(n)."""
    import minigrad.ops.scan as scan

    def refuse(*args):
        raise AssertionError("the n x n table was built for a first derivative")

    monkeypatch.setattr(scan, "_cumprod_grad_table", refuse)
    a = RNG.uniform(0.9, 1.1, 3000)
    a[[10, 1500]] = 0.0
    x, tx = mg.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    mg.cumprod(x, 0).sum().backward()
    torch.cumprod(tx, 0).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-10)
