"""Activations: values against NumPy formulas and PyTorch, numerical stability at extreme
inputs, second derivatives, dtypes, and bad input."""

import math
import warnings

import numpy as np
import pytest

import minigrad as mg
from minigrad.errors import DTypeError
from minigrad.testing import gradcheck, gradgradcheck

RNG = np.random.default_rng(0)
X = RNG.standard_normal((3, 5)) * 3


def t64(a, requires_grad=True):
    return mg.tensor(np.asarray(a, dtype=np.float64), requires_grad=requires_grad)


def strict():
    """Turn every NumPy floating point warning (except harmless underflow) into an error."""
    return np.errstate(over="raise", divide="raise", invalid="raise")


# ---- values ------------------------------------------------------------------------------------
@pytest.mark.parametrize("fn, ref", [
    (mg.relu, lambda x: np.maximum(x, 0)),
    (lambda x: mg.leaky_relu(x, 0.2), lambda x: np.where(x > 0, x, 0.2 * x)),
    (mg.leaky_relu, lambda x: np.where(x > 0, x, 0.01 * x)),
    (mg.sigmoid, lambda x: 1 / (1 + np.exp(-x))),
    (mg.tanh, np.tanh),
    (mg.softplus, lambda x: np.log1p(np.exp(x))),
    (lambda x: mg.softplus(x, beta=2.0), lambda x: np.log1p(np.exp(2 * x)) / 2),
    (lambda x: mg.softmax(x, dim=1), lambda x: np.exp(x) / np.exp(x).sum(1, keepdims=True)),
    (lambda x: mg.softmax(x, dim=0), lambda x: np.exp(x) / np.exp(x).sum(0, keepdims=True)),
    (lambda x: mg.log_softmax(x, -1), lambda x: x - np.log(np.exp(x).sum(-1, keepdims=True))),
])
def test_values_match_numpy(fn, ref):
    np.testing.assert_allclose(fn(t64(X, False)).numpy(), ref(X), rtol=1e-12, atol=1e-14)


def test_erf_matches_math_erf_over_every_range():
    x = np.concatenate([np.linspace(-10, 10, 2001), [0.0, -0.0, 1.0, -1.0, 8.0, -8.0, 30.0, -30.0]])
    want = np.array([math.erf(v) for v in x])
    got = mg.erf(t64(x, False)).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-14, atol=1e-16)


def test_erf_of_infinities_and_nan():
    with strict():
        got = mg.erf(t64([np.inf, -np.inf, np.nan], False)).numpy()
    assert got[0] == 1.0 and got[1] == -1.0 and np.isnan(got[2])


def test_gelu_matches_its_formulas():
    erf = np.vectorize(math.erf)
    want = 0.5 * X * (1 + erf(X / math.sqrt(2)))
    np.testing.assert_allclose(mg.gelu(t64(X, False)).numpy(), want, rtol=1e-13, atol=1e-15)
    u = math.sqrt(2 / math.pi) * (X + 0.044715 * X**3)
    want = 0.5 * X * (1 + np.tanh(u))
    np.testing.assert_allclose(mg.gelu(t64(X, False), approximate="tanh").numpy(), want, rtol=1e-13, atol=1e-15)


def test_tensor_methods():
    x = t64(X, False)
    np.testing.assert_array_equal(x.relu().numpy(), mg.relu(x).numpy())
    np.testing.assert_array_equal(x.sigmoid().numpy(), mg.sigmoid(x).numpy())
    np.testing.assert_array_equal(x.tanh().numpy(), mg.tanh(x).numpy())
    np.testing.assert_array_equal(x.softmax(-1).numpy(), mg.softmax(x, -1).numpy())
    np.testing.assert_array_equal(x.log_softmax(0).numpy(), mg.log_softmax(x, 0).numpy())


# ---- numerical stability ---------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_is_exact_and_silent_at_plus_minus_1e4(dtype):
    x = mg.tensor(np.array([-1e4, -800.0, -50.0, 0.0, 50.0, 800.0, 1e4], dtype=dtype), requires_grad=True)
    with warnings.catch_warnings(), strict():
        warnings.simplefilter("error")
        y = mg.sigmoid(x)
        y.sum().backward()
    assert y.dtype == dtype
    assert y.numpy()[0] == 0.0 and y.numpy()[-1] == 1.0 and y.numpy()[3] == 0.5
    assert np.all(np.isfinite(x.grad.numpy()))
    assert x.grad.numpy()[0] == 0.0 and x.grad.numpy()[-1] == 0.0 and x.grad.numpy()[3] == 0.25


def test_sigmoid_of_moderate_negative_input_keeps_relative_precision():
    # 1 - sigmoid(40) cancels to 0, but sigmoid(-40) itself is representable: the stable form keeps it
    y = mg.sigmoid(t64([-40.0], False)).numpy()[0]
    assert y == pytest.approx(math.exp(-40) / (1 + math.exp(-40)), rel=1e-14)


def test_log_softmax_of_equal_inputs_is_minus_log_n():
    for value in (0.0, 1e4, -1e4):
        y = mg.log_softmax(t64(np.full((2, 7), value), False), dim=1).numpy()
        np.testing.assert_allclose(y, -np.log(7), rtol=1e-14)


def test_softmax_and_log_softmax_do_not_overflow():
    x = t64([[1000.0, 1001.0, 1002.0], [-1000.0, -1001.0, -1002.0]], False)
    with strict():
        p = mg.softmax(x, dim=1).numpy()
        lp = mg.log_softmax(x, dim=1).numpy()
    want = np.exp([0.0, 1.0, 2.0]) / np.exp([0.0, 1.0, 2.0]).sum()
    np.testing.assert_allclose(p[0], want, rtol=1e-14)
    np.testing.assert_allclose(p[1], want[::-1], rtol=1e-14)
    np.testing.assert_allclose(lp[0], np.log(want), rtol=1e-13)


def test_softplus_at_large_and_very_negative_inputs():
    with strict():
        y = mg.softplus(t64([100.0, 1e4, 25.0, -100.0, -1e4], False)).numpy()
    assert y[0] == 100.0 and y[1] == 1e4 and y[2] == 25.0  # above the threshold: the input itself
    assert y[3] == pytest.approx(math.exp(-100), rel=1e-12)  # log1p keeps the tiny value
    assert y[4] == 0.0


def test_softplus_threshold_switches_to_identity_and_gradient_one():
    x = t64([0.5, 1.5, 3.0])
    y = mg.softplus(x, beta=2.0, threshold=2.0)  # beta * x > 2 for the last two
    np.testing.assert_allclose(y.numpy(), [np.log1p(np.exp(1.0)) / 2, 1.5, 3.0], rtol=1e-14)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [1 / (1 + np.exp(-1.0)), 1.0, 1.0], rtol=1e-14)


def test_relu_gradient_at_zero_is_zero():
    x = t64([-1.0, 0.0, 2.0])
    mg.relu(x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0, 1.0])


def test_softmax_of_a_0d_tensor_is_one():
    x = t64(3.0)
    assert mg.softmax(x, 0).item() == 1.0
    assert mg.log_softmax(x, -1).item() == 0.0


# ---- gradients and second derivatives -------------------------------------------------------------
SMOOTH = [
    ("sigmoid", mg.sigmoid), ("tanh", mg.tanh), ("softplus", mg.softplus), ("erf", mg.erf),
    ("gelu", mg.gelu), ("gelu_tanh", lambda x: mg.gelu(x, approximate="tanh")),
    ("softmax", lambda x: mg.softmax(x, 1)), ("log_softmax", lambda x: mg.log_softmax(x, 0)),
]


@pytest.mark.parametrize("name, fn", SMOOTH, ids=[s[0] for s in SMOOTH])
def test_first_and_second_derivatives(name, fn):
    x = t64(RNG.standard_normal((3, 4)))
    assert gradcheck(fn, (x,))
    assert gradgradcheck(fn, (x,))


def test_tanh_second_derivative_formula():
    x = t64(np.linspace(-2, 2, 7))
    (g,) = mg.grad(mg.tanh(x).sum(), x, create_graph=True)
    (h,) = mg.grad(g.sum(), x)
    t = np.tanh(x.numpy())
    np.testing.assert_allclose(g.numpy(), 1 - t**2, rtol=1e-14)
    np.testing.assert_allclose(h.numpy(), -2 * t * (1 - t**2), rtol=1e-13, atol=1e-15)


def test_sigmoid_second_derivative_formula():
    x = t64(np.linspace(-3, 3, 7))
    (g,) = mg.grad(mg.sigmoid(x).sum(), x, create_graph=True)
    (h,) = mg.grad(g.sum(), x)
    s = 1 / (1 + np.exp(-x.numpy()))
    np.testing.assert_allclose(h.numpy(), s * (1 - s) * (1 - 2 * s), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("fn", [mg.relu, lambda x: mg.leaky_relu(x, 0.1)])
def test_piecewise_linear_ops_have_zero_second_derivative(fn):
    x = t64([-1.5, -0.5, 0.5, 2.0])
    (g,) = mg.grad((fn(x) * x).sum(), x, create_graph=True)  # d/dx x f(x) = f + x f'
    (h,) = mg.grad(g.sum(), x)  # = 2 f' (f'' = 0 away from the kink)
    slope = 0.1 if fn is not mg.relu else 0.0
    np.testing.assert_allclose(h.numpy(), 2 * np.where(x.numpy() > 0, 1.0, slope), rtol=1e-14)


@pytest.mark.parametrize("fn", [mg.relu, mg.sigmoid, mg.tanh, mg.softplus, mg.gelu, mg.erf,
                                lambda x: mg.leaky_relu(x, 0.3), lambda x: mg.softmax(x, -1),
                                lambda x: mg.log_softmax(x, -1)])
def test_float32_stays_float32(fn):
    x = mg.tensor(X.astype(np.float32), requires_grad=True)
    y = fn(x)
    y.sum().backward()
    assert y.dtype == np.float32 and x.grad.dtype == np.float32


# ---- PyTorch parity ------------------------------------------------------------------------------
@pytest.mark.torch
def test_parity_with_torch(torch):
    F = torch.nn.functional
    pairs = [
        (mg.relu, torch.relu), (mg.sigmoid, torch.sigmoid), (mg.tanh, torch.tanh),
        (lambda x: mg.leaky_relu(x, 0.05), lambda x: F.leaky_relu(x, 0.05)),
        (lambda x: mg.softplus(x, 0.5, 3.0), lambda x: F.softplus(x, 0.5, 3.0)),
        (mg.gelu, F.gelu), (lambda x: mg.gelu(x, "tanh"), lambda x: F.gelu(x, approximate="tanh")),
        (mg.erf, torch.erf),
        (lambda x: mg.softmax(x, 0), lambda x: torch.softmax(x, 0)),
        (lambda x: mg.log_softmax(x, 1), lambda x: torch.log_softmax(x, 1)),
    ]
    x_np = np.concatenate([X, [[-1e4, -30.0, 0.0, 30.0, 1e4]]])
    w = RNG.standard_normal(x_np.shape)
    for ours, theirs in pairs:
        x = t64(x_np)
        y = ours(x)
        (y * mg.tensor(w)).sum().backward()
        tx = torch.tensor(x_np, requires_grad=True)
        ty = theirs(tx)
        (ty * torch.tensor(w)).sum().backward()
        np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-12, atol=1e-14)


# ---- bad input ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("name, fn", [
    ("softmax", lambda x: mg.softmax(x, 0)), ("log_softmax", lambda x: mg.log_softmax(x, 0)),
    ("gelu", mg.gelu), ("softplus", mg.softplus),
])
def test_integer_input_is_a_dtype_error_naming_the_op(name, fn):
    # PyTorch has no integer kernel for these and raises NotImplementedError
    with pytest.raises(DTypeError, match=name) as info:
        fn(mg.tensor([1, 2, 3]))
    assert isinstance(info.value, NotImplementedError)


@pytest.mark.parametrize("fn", [mg.sigmoid, mg.tanh, mg.erf])
def test_integer_input_to_sigmoid_tanh_erf_is_computed_in_float32(fn):
    # PyTorch treats these as unary float ops, like exp: an int tensor gives a float32 result
    y = fn(mg.tensor([0, 1, 2]))
    assert y.dtype == mg.float32
    np.testing.assert_allclose(y.numpy(), fn(mg.tensor([0.0, 1.0, 2.0])).numpy())


def test_softmax_dim_out_of_range():
    with pytest.raises(IndexError, match="softmax.*dimension 2"):
        mg.softmax(t64(X), dim=2)


def test_softmax_needs_a_dim():
    with pytest.raises(TypeError, match="log_softmax"):
        mg.log_softmax(t64(X), None)


def test_bad_arguments():
    with pytest.raises(ValueError, match="gelu.*approximate"):
        mg.gelu(t64(X), approximate="fast")
    with pytest.raises(ValueError, match="softplus.*beta"):
        mg.softplus(t64(X), beta=0)
