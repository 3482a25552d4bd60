"""Reductions: values against NumPy, the tie rules of max/min, indices, var/std corrections,
stable logsumexp, gradients and second derivatives, PyTorch parity, and bad input."""

import numpy as np
import pytest

import minigrad as mg
from minigrad.errors import DTypeError, ShapeError
from minigrad.testing import gradcheck, gradgradcheck
from minigrad.testing.strategies import no_ties

RNG = np.random.default_rng(1)
A = RNG.standard_normal((3, 4, 5))


def t64(a, requires_grad=True):
    return mg.tensor(np.asarray(a, dtype=np.float64), requires_grad=requires_grad)


# ---- values ---------------------------------------------------------------------------------
@pytest.mark.parametrize("dim, keepdim", [(None, False), (1, False), (-1, True), ((0, 2), False), ((0, 2), True)])
def test_sum_mean_amax_amin_match_numpy(dim, keepdim):
    x = t64(A, False)
    for ours, theirs in [(mg.sum, np.sum), (mg.mean, np.mean), (mg.amax, np.max), (mg.amin, np.min)]:
        got = ours(x, dim, keepdim).numpy()
        want = theirs(A, axis=dim, keepdims=keepdim)
        assert got.shape == np.shape(want)
        np.testing.assert_allclose(got, want, rtol=1e-14)


def test_axis_and_keepdims_aliases():
    x = t64(A, False)
    for fn in (mg.sum, mg.mean, mg.amax, mg.var, mg.logsumexp, mg.argmax):
        np.testing.assert_array_equal(fn(x, axis=1, keepdims=True).numpy(), fn(x, dim=1, keepdim=True).numpy())


def test_max_without_dim_is_0d():
    x = t64(A, False)
    assert mg.max(x).shape == () and mg.max(x).item() == A.max()
    assert x.min().item() == A.min()


def test_max_with_dim_returns_values_and_indices():
    x = t64(A, False)
    out = mg.max(x, 1)
    values, indices = out  # a named tuple
    assert out.values is values and out.indices is indices
    np.testing.assert_array_equal(values.numpy(), A.max(1))
    np.testing.assert_array_equal(indices.numpy(), A.argmax(1))
    assert indices.dtype == np.int64 and not indices.requires_grad
    v, i = x.min(dim=-1, keepdim=True)
    assert v.shape == (3, 4, 1) and i.shape == (3, 4, 1)
    np.testing.assert_array_equal(i.numpy()[..., 0], A.argmin(-1))


def test_max_with_a_tensor_is_the_elementwise_maximum():
    a, b = t64([1.0, 5.0], False), t64([3.0, 2.0], False)
    np.testing.assert_array_equal(mg.max(a, b).numpy(), [3.0, 5.0])
    np.testing.assert_array_equal(mg.min(a, b).numpy(), [1.0, 2.0])


def test_argmax_argmin():
    x = t64(A, False)
    assert mg.argmax(x).item() == A.argmax() and mg.argmax(x).dtype == np.int64
    np.testing.assert_array_equal(x.argmin(2).numpy(), A.argmin(2))
    assert mg.argmax(x, 0, keepdim=True).shape == (1, 4, 5)
    ties = t64([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]], False)
    np.testing.assert_array_equal(mg.argmax(ties, 1).numpy(), [1, 0])  # the first of tied maxima
    np.testing.assert_array_equal(mg.argmin(ties, 0).numpy(), [0, 1, 1])


def test_integer_max_and_argmax_work():
    x = mg.tensor([[3, 1], [2, 7]])
    assert x.max().item() == 7 and x.max().dtype == np.int64
    np.testing.assert_array_equal(x.argmax(1).numpy(), [0, 1])


# ---- the tie rules -------------------------------------------------------------------------------
def test_max_of_all_elements_shares_gradient_among_ties():
    x = t64([[1.0, 3.0], [3.0, 2.0]])
    mg.max(x).backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[0.0, 0.5], [0.5, 0.0]])
    x = t64([1.0, 1.0, 1.0])
    mg.min(x).backward()
    np.testing.assert_allclose(x.grad.numpy(), [1 / 3] * 3, rtol=1e-15)


def test_amax_over_a_dim_shares_among_ties_in_each_slice():
    x = t64([[1.0, 4.0, 4.0, 4.0], [5.0, 0.0, 5.0, 1.0]])
    mg.amax(x, 1).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [[0, 1 / 3, 1 / 3, 1 / 3], [0.5, 0, 0.5, 0]], rtol=1e-15)


def test_max_with_dim_sends_gradient_to_the_returned_index_only():
    x = t64([[1.0, 4.0, 4.0], [5.0, 0.0, 5.0]])
    values, indices = mg.max(x, 1)
    np.testing.assert_array_equal(indices.numpy(), [1, 0])
    values.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[0, 1, 0], [1, 0, 0]])


@pytest.mark.torch
def test_tie_rules_match_torch(torch):
    data = np.array([[1.0, 4.0, 4.0], [5.0, 0.0, 5.0]])
    for ours, theirs in [
        (lambda x: mg.max(x), lambda x: torch.max(x)),
        (lambda x: mg.min(x), lambda x: torch.min(x)),
        (lambda x: mg.amax(x, 1), lambda x: torch.amax(x, 1)),
        (lambda x: mg.max(x, 1).values, lambda x: torch.max(x, 1).values),
        (lambda x: mg.min(x, 0).values, lambda x: torch.min(x, 0).values),
    ]:
        x, tx = t64(data), torch.tensor(data, requires_grad=True)
        ours(x).sum().backward()
        theirs(tx).sum().backward()
        np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-15)


# ---- var, std, logsumexp ------------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs, ddof", [({}, 1), ({"unbiased": False}, 0), ({"correction": 0}, 0),
                                          ({"correction": 2}, 2), ({"unbiased": True}, 1)])
@pytest.mark.parametrize("dim", [None, 0, (1, 2)])
def test_var_std_match_numpy(kwargs, ddof, dim):
    x = t64(A, False)
    np.testing.assert_allclose(mg.var(x, dim, **kwargs).numpy(), np.var(A, axis=dim, ddof=ddof), rtol=1e-13)
    np.testing.assert_allclose(mg.std(x, dim, **kwargs).numpy(), np.std(A, axis=dim, ddof=ddof), rtol=1e-13)


def test_var_old_positional_unbiased_form():
    x = t64(A, False)
    np.testing.assert_allclose(mg.var(x, False).numpy(), np.var(A), rtol=1e-13)
    np.testing.assert_allclose(x.std(1, False, True).numpy(), np.std(A, axis=1, ddof=0, keepdims=True), rtol=1e-13)


def test_var_of_one_element_unbiased_is_nan_without_warnings():
    with np.errstate(all="raise"):
        assert np.isnan(mg.var(t64([2.0], False)).item())
    assert mg.var(t64([2.0], False), correction=0).item() == 0.0


def test_logsumexp_is_stable():
    x = t64([[1000.0, 1000.0], [-1000.0, -1000.0]], False)
    np.testing.assert_allclose(mg.logsumexp(x, 1).numpy(), [1000 + np.log(2), -1000 + np.log(2)], rtol=1e-15)
    assert mg.logsumexp(t64([-np.inf, -np.inf], False), 0).item() == -np.inf
    np.testing.assert_allclose(mg.logsumexp(t64(A, False), (0, 2)).numpy(), np.log(np.exp(A).sum((0, 2))),
                               rtol=1e-13)
    assert mg.logsumexp(t64(A, False)).item() == pytest.approx(np.log(np.exp(A).sum()), rel=1e-14)


def test_logsumexp_gradient_is_softmax():
    x = t64(A)
    mg.logsumexp(x, 1).sum().backward()
    e = np.exp(A)
    np.testing.assert_allclose(x.grad.numpy(), e / e.sum(1, keepdims=True), rtol=1e-13)


# ---- gradients ------------------------------------------------------------------------------------------
CASES = [
    ("var", lambda x: mg.var(x, 1)), ("var_all", lambda x: mg.var(x, correction=0)),
    ("std", lambda x: mg.std(x, (0, 2), keepdim=True)), ("logsumexp", lambda x: mg.logsumexp(x, -1)),
    ("amax", lambda x: mg.amax(x, (1, 2))), ("amin", lambda x: x.amin(0)),
    ("max_dim", lambda x: mg.max(x, 1).values), ("min_dim", lambda x: mg.min(x, 2, keepdim=True).values),
    ("max", mg.max), ("mean", lambda x: x.mean((0, 1))), ("sum", lambda x: x.sum(-1, keepdim=True)),
]


@pytest.mark.parametrize("name, fn", CASES, ids=[c[0] for c in CASES])
def test_gradients_and_second_derivatives(name, fn):
    x = t64(no_ties(RNG, (2, 3, 4)))
    assert gradcheck(fn, (x,))
    assert gradgradcheck(fn, (x,))


def test_var_hessian_vector_product():
    # var(x) = sum (x - m)^2 / (n - 1): its Hessian is 2 (I - 11^T / n) / (n - 1)
    n = 5
    x, v = t64(RNG.standard_normal(n)), RNG.standard_normal(n)
    (g,) = mg.grad(mg.var(x), x, create_graph=True)
    (hv,) = mg.grad((g * mg.tensor(v)).sum(), x)
    np.testing.assert_allclose(hv.numpy(), 2 * (v - v.mean()) / (n - 1), rtol=1e-13)


@pytest.mark.parametrize("fn", [mg.amax, lambda x: mg.max(x, 0).values, lambda x: mg.var(x, 0), mg.std,
                                lambda x: mg.logsumexp(x, 1)])
def test_float32_stays_float32(fn):
    x = mg.tensor(A.astype(np.float32), requires_grad=True)
    y = fn(x)
    y.sum().backward()
    assert y.dtype == np.float32 and x.grad.dtype == np.float32


@pytest.mark.torch
def test_parity_with_torch(torch):
    pairs = [
        (lambda x: mg.var(x, 1), lambda x: torch.var(x, 1)),
        (lambda x: mg.std(x, (0, 2), correction=0), lambda x: torch.std(x, (0, 2), correction=0)),
        (lambda x: mg.logsumexp(x, 2, keepdim=True), lambda x: torch.logsumexp(x, 2, keepdim=True)),
        (lambda x: mg.amin(x, (0, 1)), lambda x: torch.amin(x, (0, 1))),
        (lambda x: mg.max(x, -1).values, lambda x: torch.max(x, -1).values),
    ]
    for ours, theirs in pairs:
        x, tx = t64(A), torch.tensor(A, requires_grad=True)
        y, ty = ours(x), theirs(tx)
        np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), rtol=1e-13)
        y.sum().backward()
        ty.sum().backward()
        np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-12, atol=1e-15)


# ---- bad input --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name, fn", [
    ("amax", lambda x: mg.max(x)), ("amin", lambda x: mg.min(x)), ("max", lambda x: mg.max(x, 0)),
    ("argmax", lambda x: mg.argmax(x)), ("argmin", lambda x: mg.argmin(x, 0)),
])
def test_reducing_an_empty_tensor_is_a_shape_error(name, fn):
    with pytest.raises(ShapeError, match=name):
        fn(mg.zeros(0, 3))


def test_dim_out_of_range_names_the_op():
    x = t64(A, False)
    for name, fn in [("max", lambda: mg.max(x, 3)), ("var", lambda: mg.var(x, -4)),
                     ("logsumexp", lambda: mg.logsumexp(x, 5)), ("argmin", lambda: mg.argmin(x, 3))]:
        with pytest.raises(IndexError, match=name):
            fn()


def test_integer_tensors_are_refused_where_a_float_is_needed():
    for name, fn in [("var", mg.var), ("logsumexp", mg.logsumexp), ("mean", mg.mean)]:
        with pytest.raises(TypeError, match=name):
            fn(mg.tensor([1, 2, 3]))
    with pytest.raises(DTypeError):
        mg.std(mg.tensor([1, 2, 3]))


def test_max_with_several_dims_points_to_amax():
    with pytest.raises(TypeError, match="amax"):
        mg.max(t64(A), (0, 1))


@pytest.mark.torch
def test_an_empty_dim_reduces_everything_but_in_all_and_any(torch):
    """torch.sum(x, dim=()) sums every element (so do mean, amax, var, vector_norm, ...);
    torch.all(x, dim=()) and torch.any reduce nothing."""
    x = np.arange(6.0).reshape(2, 3) - 2.0
    for name in ("sum", "mean", "amax", "amin", "var", "std", "nansum", "nanmean", "count_nonzero", "all", "any"):
        for keepdim in (False, True):
            kw = {} if name == "count_nonzero" else {"keepdim": keepdim}  # (it has no keepdim)
            want = getattr(torch, name)(torch.tensor(x), dim=(), **kw)
            got = getattr(mg, name)(mg.tensor(x), dim=(), **kw)
            assert tuple(got.shape) == tuple(want.shape), (name, keepdim)
            np.testing.assert_allclose(got.numpy(), want.numpy(), err_msg=name)
    norm = mg.linalg.vector_norm(mg.tensor(x), dim=[])
    np.testing.assert_allclose(norm.numpy(), np.sqrt((x * x).sum()))
