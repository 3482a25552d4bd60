"""The activations of ops/activations_piecewise.py and ops/activations_smooth.py: PyTorch's
subgradients at the kinks, stability at extreme inputs, in-place forms, rrelu's random slopes,
PReLU's parameter, the modules (repr and forward) and bad input. Values and gradients away
from the kinks are checked by the registry (tests/test_registry.py)."""

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.errors import ArgumentError, DTypeError, ShapeError
from minigrad.nn import functional as F


def t64(a, requires_grad=True):
    return mg.tensor(np.asarray(a, dtype=np.float64), requires_grad=requires_grad)


def grad_of(fn, values, *extra):
    x = t64(values)
    fn(x, *extra).sum().backward()
    return x.grad.numpy()


def strict():
    return np.errstate(over="raise", divide="raise", invalid="raise")


# ---- PyTorch's subgradients at the kinks ------------------------------------------------------------
KINKS = [
    ("relu6", lambda F_: F_.relu6, [0.0, 6.0]),
    ("hardtanh", lambda F_: F_.hardtanh, [-1.0, 1.0]),
    ("hardtanh_range", lambda F_: (lambda x: F_.hardtanh(x, -2.0, 0.5)), [-2.0, 0.5]),
    ("hardsigmoid", lambda F_: F_.hardsigmoid, [-3.0, 3.0]),
    ("hardswish", lambda F_: F_.hardswish, [-3.0, 3.0]),
    ("hardshrink", lambda F_: (lambda x: F_.hardshrink(x, 0.5)), [-0.5, 0.5]),
    ("softshrink", lambda F_: (lambda x: F_.softshrink(x, 0.5)), [-0.5, 0.5]),
    ("threshold", lambda F_: (lambda x: F_.threshold(x, 0.5, 2.0)), [0.5]),
    ("elu", lambda F_: (lambda x: F_.elu(x, 2.0)), [0.0]),
    ("celu", lambda F_: (lambda x: F_.celu(x, 2.0)), [0.0]),
    ("selu", lambda F_: F_.selu, [0.0]),
    ("rrelu_eval", lambda F_: F_.rrelu, [0.0, -1.0]),
    ("leaky_relu", lambda F_: F_.leaky_relu, [0.0]),
    ("softsign", lambda F_: F_.softsign, [0.0]),
]


@pytest.mark.parametrize("name, fn, points", KINKS, ids=[k[0] for k in KINKS])
def test_value_and_gradient_at_kinks_match_pytorch(torch, name, fn, points):
    x = t64(points)
    y = fn(F)(x)
    y.sum().backward()
    tx = torch.tensor(points, dtype=torch.float64, requires_grad=True)
    ty = fn(torch.nn.functional)(tx)
    ty.sum().backward()
    np.testing.assert_array_equal(y.numpy(), ty.detach().numpy())
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-15, atol=0)


def test_prelu_gradients_at_zero_match_pytorch(torch):
    w = np.array([0.25, 0.5])
    x = t64([[0.0, -1.0], [2.0, 0.0]])
    wt = t64(w)
    F.prelu(x, wt).sum().backward()
    tx = torch.tensor(x.numpy(), requires_grad=True)
    twt = torch.tensor(w, requires_grad=True)
    torch.nn.functional.prelu(tx, twt).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), tx.grad.numpy())
    np.testing.assert_array_equal(wt.grad.numpy(), twt.grad.numpy())


# ---- stability ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", ["elu", "celu", "selu", "silu", "mish", "logsigmoid", "softsign", "tanhshrink"])
def test_extreme_inputs_stay_finite_and_silent(torch, dtype, name):
    values = np.array([-1e4, -50.0, -1e-8, 0.0, 1e-8, 50.0, 1e4], dtype=dtype)
    x = mg.tensor(values, requires_grad=True)
    with strict():
        y = getattr(F, name)(x)
        y.sum().backward()
    tx = torch.tensor(values, requires_grad=True)
    ty = getattr(torch.nn.functional, name)(tx)
    ty.sum().backward()
    assert y.dtype == dtype and x.grad.dtype == dtype
    assert np.isfinite(y.numpy()).all() and np.isfinite(x.grad.numpy()).all()
    tol = 1e-6 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), rtol=tol, atol=tol)
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=tol, atol=tol)


def test_logsigmoid_keeps_precision_where_log_of_sigmoid_would_not():
    x = t64([-1e4, -800.0, 40.0])
    y = F.logsigmoid(x)
    np.testing.assert_allclose(y.numpy(), [-1e4, -800.0, -np.exp(-40.0)], rtol=1e-12)


def test_elu_family_second_derivative_matches_pytorch(torch):
    values = np.array([-2.0, -0.3, 0.4, 1.5])
    for name, kw in (("elu", {"alpha": 1.5}), ("celu", {"alpha": 0.5}), ("selu", {})):
        x = t64(values)
        (g,) = mg.grad(getattr(F, name)(x, **kw).sum(), [x], create_graph=True)
        g.sum().backward()
        tx = torch.tensor(values, requires_grad=True)
        (tg,) = torch.autograd.grad(getattr(torch.nn.functional, name)(tx, **kw).sum(), [tx], create_graph=True)
        tg.sum().backward()
        np.testing.assert_allclose(g.numpy(), tg.detach().numpy(), rtol=1e-12)
        np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-12, atol=1e-15)


# ---- in place -----------------------------------------------------------------------------------------------
INPLACE = [
    ("relu", {}), ("leaky_relu", {"negative_slope": 0.2}), ("elu", {"alpha": 0.7}), ("celu", {}), ("selu", {}),
    ("silu", {}), ("mish", {}), ("hardtanh", {"min_val": -0.5, "max_val": 0.5}), ("relu6", {}),
    ("hardsigmoid", {}), ("hardswish", {}), ("threshold", {"threshold": 0.1, "value": -3.0}), ("rrelu", {}),
]


@pytest.mark.parametrize("name, kw", INPLACE, ids=[i[0] for i in INPLACE])
def test_inplace_writes_into_the_input_and_keeps_the_gradient(torch, name, kw):
    values = np.array([[-2.5, -0.7, 0.3], [1.2, 4.0, 7.5]])
    leaf = t64(values)
    y = leaf * 1.0
    out = getattr(F, name)(y, inplace=True, **kw)
    assert out is y
    expected = getattr(F, name)(t64(values, requires_grad=False), **kw)
    np.testing.assert_array_equal(y.numpy(), expected.numpy())
    (y * y).sum().backward()
    tl = torch.tensor(values, requires_grad=True)
    ty = getattr(torch.nn.functional, name)(tl * 1.0, **kw)
    (ty * ty).sum().backward()
    # PyTorch's hardsigmoid backward uses 1/6 rounded to float32 even for float64 tensors
    np.testing.assert_allclose(leaf.grad.numpy(), tl.grad.numpy(), rtol=1e-7 if name == "hardsigmoid" else 1e-12)


def test_underscore_functions_and_modules_work_in_place():
    for fn in (F.relu_, F.elu_, F.celu_, F.selu_, F.leaky_relu_, F.hardtanh_, F.rrelu_,
               lambda x: F.threshold_(x, 0.0, 5.0), mg.relu_, mg.sigmoid_, mg.tanh_, mg.celu_, mg.selu_):
        x = mg.tensor([-1.0, 2.0])
        assert fn(x) is x and x.numpy()[1] != 0
    x = mg.tensor([-1.0, 2.0])
    assert nn.ReLU(inplace=True)(x) is x and x.numpy().tolist() == [0.0, 2.0]
    x = mg.tensor([-1.0, 2.0])
    assert x.sigmoid_() is x and x.tanh_() is x


def test_inplace_on_a_leaf_that_requires_grad_is_refused():
    with pytest.raises(RuntimeError):
        F.relu(t64([1.0, -1.0]), inplace=True)


# ---- rrelu and prelu ----------------------------------------------------------------------------------------
def test_rrelu_training_draws_a_slope_per_element_in_the_range():
    mg.manual_seed(3)
    values = -np.linspace(0.5, 3.0, 2000)
    x = t64(np.concatenate([values, [2.0, 3.0]]))
    y = F.rrelu(x, 0.1, 0.4, training=True)
    slopes = y.numpy()[:-2] / values
    assert slopes.min() >= 0.1 and slopes.max() <= 0.4 and slopes.std() > 0.05  # random, not one value
    np.testing.assert_array_equal(y.numpy()[-2:], [2.0, 3.0])
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy()[:-2], slopes, rtol=1e-12)  # the gradient is the drawn slope
    np.testing.assert_array_equal(x.grad.numpy()[-2:], [1.0, 1.0])
    mg.manual_seed(3)
    np.testing.assert_array_equal(F.rrelu(t64(x.numpy()), 0.1, 0.4, training=True).numpy(), y.numpy())


def test_rrelu_module_is_random_in_training_and_leaky_in_eval():
    m = nn.RReLU(0.1, 0.3)
    x = mg.tensor(-np.ones(500))
    assert len(np.unique(m(x).numpy())) > 100
    m.eval()
    np.testing.assert_allclose(m(x).numpy(), -0.2)


def test_prelu_module_matches_pytorch(torch):
    r = np.random.default_rng(0)
    x = r.standard_normal((2, 3, 4))
    m = nn.PReLU(3, init=0.1, dtype=mg.float64)
    tm = torch.nn.PReLU(3, init=0.1, dtype=torch.float64)
    assert [name for name, _ in m.named_parameters()] == ["weight"]
    assert m.weight.shape == (3,) and np.allclose(m.weight.numpy(), 0.1)
    y = m(mg.tensor(x))
    ty = tm(torch.tensor(x))
    y.sum().backward()
    ty.sum().backward()
    np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(m.weight.grad.numpy(), tm.weight.grad.numpy(), rtol=1e-12)
    assert nn.PReLU().weight.shape == (1,)


# ---- modules ------------------------------------------------------------------------------------------------
MODULES = [
    ("ELU", (), {}), ("ELU", (2.0, True), {}), ("CELU", (), {}), ("SELU", (), {}), ("SELU", (True,), {}),
    ("SiLU", (), {}), ("SiLU", (True,), {}), ("Mish", (), {}), ("ReLU6", (), {}), ("ReLU6", (True,), {}),
    ("Hardtanh", (), {}), ("Hardtanh", (-2, 3, True), {}), ("Hardsigmoid", (), {}), ("Hardswish", (), {}),
    ("LogSigmoid", (), {}), ("Softsign", (), {}), ("Tanhshrink", (), {}), ("Softshrink", (), {}),
    ("Hardshrink", (0.3,), {}), ("Threshold", (0.1, 20), {}), ("Threshold", (0.1, 20, True), {}),
    ("GLU", (), {}), ("GLU", (0,), {}), ("RReLU", (), {}), ("RReLU", (0.1, 0.3, True), {}), ("PReLU", (), {}),
    ("PReLU", (2, 0.1), {}), ("Softmin", (1,), {}), ("Softmin", (), {}), ("Softmax2d", (), {}),
    ("ReLU", (True,), {}), ("LeakyReLU", (0.2, True), {}),
]


@pytest.mark.parametrize("name, args, kw", MODULES, ids=[f"{m[0]}{m[1]}" for m in MODULES])
def test_module_repr_and_forward_match_pytorch(torch, name, args, kw):
    m, tm = getattr(nn, name)(*args, **kw), getattr(torch.nn, name)(*args, **kw)
    assert repr(m) == repr(tm)
    m.eval()
    tm.eval()
    x = np.random.default_rng(1).standard_normal((2, 2, 2, 2)) * 3
    dim_needed = name == "Softmin" and not args
    if dim_needed:
        return
    y = m(mg.tensor(x))
    ty = tm.double()(torch.tensor(x))
    np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), rtol=1e-12, atol=1e-15)


# ---- bad input ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["elu", "celu", "selu", "silu", "mish", "logsigmoid", "softsign", "tanhshrink",
                                  "hardtanh", "relu6", "hardsigmoid", "hardswish", "hardshrink", "softshrink",
                                  "glu", "rrelu"])
def test_integer_input_is_a_dtype_error_naming_the_op(name):
    with pytest.raises(DTypeError, match=name):
        getattr(F, name)(mg.tensor([1, 2]))


def test_bad_arguments_raise_what_pytorch_raises(torch):
    x = mg.tensor([[1.0, 2.0, 3.0]])
    tx = torch.tensor([[1.0, 2.0, 3.0]])
    cases = [
        (lambda F_, x_: F_.hardtanh(x_, 2.0, 1.0), ValueError),
        (lambda F_, x_: F_.softshrink(x_, -1.0), RuntimeError),
        (lambda F_, x_: F_.glu(x_), RuntimeError),
        (lambda F_, x_: F_.rrelu(x_, 0.5, 0.1), RuntimeError),
        (lambda F_, x_: F_.celu(x_, 0.0), RuntimeError),
        (lambda F_, x_: F_.prelu(x_, x_[0, :2]), RuntimeError),
    ]
    for fn, err in cases:
        with pytest.raises(err):
            fn(torch.nn.functional, tx)
        with pytest.raises(err):
            fn(F, x)
    with pytest.raises(ShapeError, match="glu"):
        F.glu(x)
    with pytest.raises(ShapeError, match="softmax2d"):
        F.softmax2d(mg.tensor([[1.0, 2.0]]))
    with pytest.raises(ShapeError, match="prelu"):
        F.prelu(mg.tensor(np.ones((2, 3, 4))), mg.tensor(np.ones(4)))
    with pytest.raises(ArgumentError):
        F.hardtanh(x, 2.0, 1.0)
    with pytest.raises(AssertionError):
        nn.Hardtanh(2.0, 1.0)
    with pytest.raises(DTypeError, match="prelu"):
        F.prelu(x, mg.tensor([1]))


def test_top_level_functions_exist_where_pytorch_has_them(torch):
    for name in ("celu", "selu", "hardshrink", "threshold", "rrelu", "prelu", "relu", "sigmoid", "tanh",
                 "celu_", "selu_", "threshold_", "rrelu_", "relu_", "sigmoid_", "tanh_",
                 "cosine_similarity", "pairwise_distance", "ctc_loss", "margin_ranking_loss",
                 "hinge_embedding_loss", "cosine_embedding_loss", "triplet_margin_loss", "poisson_nll_loss"):
        assert hasattr(torch, name) and callable(getattr(mg, name)), name
    x = mg.tensor([-1.0, 0.2, 0.7])
    np.testing.assert_allclose(x.hardshrink(0.5).numpy(), [-1.0, 0.0, 0.7])
    np.testing.assert_allclose(x.prelu(mg.tensor([0.5])).numpy(), [-0.5, 0.2, 0.7])


# ---- gumbel_softmax -----------------------------------------------------------------------------------------
def test_gumbel_softmax_samples_the_softmax_distribution():
    mg.manual_seed(0)
    logits = np.log(np.array([0.6, 0.3, 0.1]))
    x = mg.tensor(np.tile(logits, (20000, 1)))
    hard = F.gumbel_softmax(x, tau=0.5, hard=True)
    counts = hard.numpy().mean(axis=0)
    np.testing.assert_allclose(counts, [0.6, 0.3, 0.1], atol=0.015)  # argmax(logits + g) ~ softmax(logits)
    assert set(np.unique(hard.numpy())) == {0.0, 1.0} and np.all(hard.numpy().sum(1) == 1)
    soft = F.gumbel_softmax(x, tau=2.0, dim=1)
    np.testing.assert_allclose(soft.numpy().sum(1), 1.0, rtol=1e-12)
    assert soft.dtype == x.dtype


def test_gumbel_softmax_hard_has_the_soft_gradient_and_is_seeded():
    x = t64(np.random.default_rng(0).standard_normal((2, 4, 3)))
    w = mg.tensor(np.random.default_rng(1).standard_normal((2, 4, 3)))
    mg.manual_seed(5)
    (F.gumbel_softmax(x, tau=0.7, hard=True, dim=1) * w).sum().backward()
    g_hard = x.grad.numpy().copy()
    x.grad = None
    mg.manual_seed(5)
    (F.gumbel_softmax(x, tau=0.7, dim=1) * w).sum().backward()
    np.testing.assert_allclose(g_hard, x.grad.numpy(), rtol=1e-12)
    mg.manual_seed(5)
    a = F.gumbel_softmax(x, dim=1).numpy()
    mg.manual_seed(5)
    np.testing.assert_array_equal(a, F.gumbel_softmax(x, dim=1).numpy())
    with pytest.raises(ArgumentError, match="tau"):
        F.gumbel_softmax(x, tau=0.0)


def test_threshold_with_nan_follows_pytorch():
    """PyTorch computes value where x <= threshold, else x: a NaN x stays NaN, and a NaN
    threshold leaves every x as it is (the fuzz suite found the x > threshold form differing)."""
    x = np.array([1.0, -1.0, np.nan, 0.5], np.float32)
    np.testing.assert_array_equal(F.threshold(mg.tensor(x), 0.0, -2.0).numpy(), [1.0, -2.0, np.nan, 0.5])
    np.testing.assert_array_equal(F.threshold(mg.tensor(x), float("nan"), -2.0).numpy(), x)
    t = mg.tensor(x, requires_grad=True)
    F.threshold(t, 0.0, -2.0).sum().backward()
    np.testing.assert_array_equal(t.grad.numpy(), [1.0, 0.0, 1.0, 1.0])  # torch's threshold_backward


@pytest.mark.parametrize("alpha,elu_at_minus_1,celu_at_minus_1", [
    (float("nan"), np.nan, np.nan),
    (float("inf"), -np.inf, np.nan),  # inf (e^-1 - 1); celu: inf (e^(-1/inf) - 1) = inf · 0
])
def test_elu_and_celu_are_0_at_0_for_any_alpha(alpha, elu_at_minus_1, celu_at_minus_1):
    """y(0) = 0 whatever alpha is (PyTorch's values, these included)."""
    x = mg.tensor([0.0, 1.0, -1.0, 2.5], dtype=mg.float64)
    np.testing.assert_array_equal(F.elu(x, alpha=alpha).numpy(), [0.0, 1.0, elu_at_minus_1, 2.5])
    np.testing.assert_array_equal(F.celu(x, alpha=alpha).numpy(), [0.0, 1.0, celu_at_minus_1, 2.5])
