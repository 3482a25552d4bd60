"""prod, all, any, count_nonzero, aminmax, var_mean, std_mean, sum/mean with dtype=, and
max/min/amax/amin conventions, against PyTorch: dims (int, tuple, None), keepdim, result
dtypes, gradients of prod at zeros (and its second derivative), tie rules, the namedtuples,
0-d and empty inputs, bad input."""

import numpy as np
import pytest

import minigrad as mg
from minigrad.testing import gradcheck, gradgradcheck

torch = pytest.importorskip("torch")


def same(ours, theirs, rtol=1e-12):
    theirs = theirs.detach()
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", ""), (ours.dtype, theirs.dtype)
    assert tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=rtol, atol=0, equal_nan=True)


RNG = np.random.default_rng(7)
X = RNG.standard_normal((3, 4))


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64, np.int32, np.uint8, bool])
@pytest.mark.parametrize("args", [(), (0,), (1, True), (-1,)])
def test_prod_values_and_dtypes(dtype, args):
    a = (X * 2).astype(dtype) if dtype != bool else X > 0
    same(mg.prod(mg.tensor(a), *args), torch.prod(torch.tensor(a), *args), rtol=1e-6)
    same(mg.tensor(a).prod(*args), torch.tensor(a).prod(*args), rtol=1e-6)
    same(mg.prod(mg.tensor(a), *args, dtype=mg.float64), torch.prod(torch.tensor(a), *args, dtype=torch.float64),
         rtol=1e-6)


@pytest.mark.parametrize("a", [[[1.0, 0.0, 3.0], [2.0, 4.0, 0.5]], [[0.0, 0.0, 3.0], [0.0, 1.0, 2.0]],
                               [[0.0, 2.0, -1.5], [1.0, 1.0, 1.0]]])
@pytest.mark.parametrize("args", [(), (1,), (0,), (1, True)])
def test_prod_gradient_with_zeros_matches_torch(a, args):
    x, tx = mg.tensor(a, dtype=mg.float64, requires_grad=True), torch.tensor(a, dtype=torch.float64, requires_grad=True)
    mg.prod(x, *args).sum().backward()
    torch.prod(tx, *args).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-12)
    assert not np.isnan(x.grad.numpy()).any()
    assert gradgradcheck(lambda t: mg.prod(t, *args), (x,))


def test_prod_bad_dim():
    with pytest.raises(TypeError, match="prod"):
        mg.prod(mg.ones(2, 2), (0, 1))
    with pytest.raises(IndexError):
        mg.prod(mg.ones(2, 2), 2)


@pytest.mark.parametrize("name", ["all", "any"])
@pytest.mark.parametrize("dtype", [bool, np.int64, np.float32, np.uint8])
@pytest.mark.parametrize("args", [(), (0,), (1, True), ((0, 1),)])
def test_all_any(name, dtype, args):
    a = np.array([[1, 0, 2], [3, 4, 5]]).astype(dtype)
    same(getattr(mg, name)(mg.tensor(a), *args), getattr(torch, name)(torch.tensor(a), *args))
    same(getattr(mg.tensor(a), name)(*args), getattr(torch.tensor(a), name)(*args))
    empty = np.zeros((0, 2), dtype=dtype)
    same(getattr(mg, name)(mg.tensor(empty)), getattr(torch, name)(torch.tensor(empty)))


@pytest.mark.parametrize("dim", [None, 0, 1, (0, 1)])
def test_count_nonzero(dim):
    a = np.array([[1.0, 0.0, np.nan], [0.0, -0.0, 2.0]])
    args = () if dim is None else (dim,)
    same(mg.count_nonzero(mg.tensor(a), *args), torch.count_nonzero(torch.tensor(a), *args))
    same(mg.tensor(a > 0).count_nonzero(*args), torch.tensor(a > 0).count_nonzero(*args))


@pytest.mark.parametrize("kwargs", [{}, {"dim": 1}, {"dim": 0, "keepdim": True}, {"dim": -1, "keepdim": True}])
def test_aminmax_values_names_and_tie_gradients(kwargs):
    a = np.array([[1.0, 3.0, 3.0, 0.0], [2.0, 2.0, 2.0, 2.0], [0.0, -1.0, 5.0, -1.0]])
    x, tx = mg.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    ours, theirs = mg.aminmax(x, **kwargs), torch.aminmax(tx, **kwargs)
    same(ours.min, theirs.min)
    same(ours.max, theirs.max)
    lo, hi = ours
    (lo.sum() + 2 * hi.sum()).backward()
    (theirs.min.sum() + 2 * theirs.max.sum()).backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-12)
    same(mg.aminmax(mg.tensor([3, 1, 2])).max, torch.aminmax(torch.tensor([3, 1, 2])).max)
    with pytest.raises(RuntimeError):
        mg.aminmax(mg.zeros(0))


@pytest.mark.parametrize("name", ["var_mean", "std_mean"])
@pytest.mark.parametrize("args, kwargs", [((), {}), ((1,), {}), ((0,), {"keepdim": True}), (((0, 1),), {}),
                                          ((1,), {"correction": 0}), ((1,), {"unbiased": False}), ((False,), {})])
def test_var_mean_std_mean(name, args, kwargs):
    x, tx = mg.tensor(X, requires_grad=True), torch.tensor(X, requires_grad=True)
    ours, theirs = getattr(mg, name)(x, *args, **kwargs), getattr(torch, name)(tx, *args, **kwargs)
    assert isinstance(ours, tuple) and len(ours) == 2
    for o, t in zip(ours, theirs):
        same(o, t)
    (ours[0].sum() + ours[1].sum()).backward()
    (theirs[0].sum() + theirs[1].sum()).backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-10)
    with pytest.raises(RuntimeError):
        getattr(mg, name)(mg.tensor([1, 2, 3]))


def test_sum_and_mean_with_dtype():
    for a in (np.array([[1, 2], [3, 4]]), X.astype(np.float32), np.array([True, False, True])):
        for dt, tdt in ((mg.float64, torch.float64), (mg.float32, torch.float32)):
            same(mg.sum(mg.tensor(a), dtype=dt), torch.sum(torch.tensor(a), dtype=tdt), rtol=1e-6)
            same(mg.mean(mg.tensor(a), dtype=dt), torch.mean(torch.tensor(a), dtype=tdt), rtol=1e-6)
            same(mg.tensor(a).sum(0, dtype=dt), torch.tensor(a).sum(0, dtype=tdt), rtol=1e-6)
    with pytest.raises(RuntimeError, match="mean"):
        mg.mean(mg.tensor([1, 2]))


def test_max_min_with_dim_return_values_and_indices():
    a = np.array([[1.0, 3.0, 3.0], [2.0, 0.0, 0.0]])
    x, tx = mg.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    for name in ("max", "min"):
        ours, theirs = getattr(x, name)(dim=1), getattr(tx, name)(dim=1)
        values, indices = ours
        same(values, theirs.values)
        same(indices, theirs.indices)
        same(getattr(x, name)(1)[0], theirs[0])
        same(getattr(x, name)(1).values, theirs.values)
        same(getattr(x, name)(1, keepdim=True).indices, getattr(tx, name)(1, keepdim=True).indices)
        assert type(ours).__name__ == name


def test_gradient_conventions_at_ties_match_torch():
    """amax/amin and max()/min() without dim share the gradient over ties; max(dim) gives it
    all to the index it returns."""
    a = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]])
    for ours, theirs in ((lambda t: mg.amax(t, 1), lambda t: torch.amax(t, 1)),
                         (lambda t: mg.amin(t, (0, 1)), lambda t: torch.amin(t, (0, 1))),
                         (lambda t: t.max(), lambda t: t.max()),
                         (lambda t: t.max(1).values, lambda t: t.max(1).values),
                         (lambda t: t.min(0).values, lambda t: t.min(0).values)):
        x, tx = mg.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
        ours(x).sum().backward()
        theirs(tx).sum().backward()
        np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-12)


def test_prod_0d_and_empty():
    same(mg.prod(mg.tensor(2.5)), torch.prod(torch.tensor(2.5)))
    same(mg.prod(mg.tensor(2.5), 0), torch.prod(torch.tensor(2.5), 0))
    same(mg.prod(mg.zeros(0)), torch.prod(torch.zeros(0)))
    same(mg.prod(mg.zeros(2, 0), 1), torch.prod(torch.zeros(2, 0), 1))
    assert gradcheck(lambda t: mg.prod(t), (mg.tensor(RNG.standard_normal(()), requires_grad=True),))
