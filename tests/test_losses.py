"""Losses against torch.nn.functional and torch.nn (float64 within 1e-10, float32 within 1e-5),
numerical extremes, second derivatives, and every bad input the loss functions reject."""

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.errors import DTypeError, IndexOutOfRange, ShapeError
from minigrad.nn import functional as F

TOL = {np.float64: 1e-10, np.float32: 1e-5}
DTYPES = [np.float64, np.float32]


def parity(torch, name, args, dtype=np.float64, grad=(0,), tol=None, **kw):
    """Run F.<name> and torch.nn.functional.<name> on the same arrays; compare the loss and the
    gradients of the arguments at positions ``grad`` (float arrays; None passes through)."""
    tol = TOL[dtype] if tol is None else tol
    cast = [a.astype(dtype) if isinstance(a, np.ndarray) and a.dtype.kind == "f" else a for a in args]
    m_args = [None if a is None else mg.tensor(a, requires_grad=i in grad) for i, a in enumerate(cast)]
    t_args = [None if a is None else torch.tensor(a, requires_grad=i in grad) for i, a in enumerate(cast)]
    m_out = getattr(F, name)(*m_args, **kw)
    t_out = getattr(torch.nn.functional, name)(*t_args, **kw)
    assert m_out.dtype == dtype and m_out.shape == tuple(t_out.shape)
    np.testing.assert_allclose(m_out.numpy(), t_out.detach().numpy(), rtol=tol, atol=tol, err_msg="loss")
    g = np.random.default_rng(0).standard_normal(m_out.shape).astype(dtype)
    m_out.backward(mg.tensor(g))
    t_out.backward(torch.from_numpy(g))
    for i in grad:
        assert m_args[i].grad.dtype == dtype
        np.testing.assert_allclose(m_args[i].grad.numpy(), t_args[i].grad.numpy(), rtol=tol, atol=tol,
                                   err_msg=f"gradient of argument {i}")
    return m_out


def rng(seed=0):
    return np.random.default_rng(seed)


# ---- cross-entropy ---------------------------------------------------------------------------------
CE_CASES = [
    {},
    {"reduction": "sum"},
    {"reduction": "none"},
    {"weight": True},
    {"weight": True, "reduction": "none"},
    {"ignore_index": 2},
    {"ignore_index": -100, "ignored": True},
    {"ignore_index": -100, "ignored": True, "weight": True},
    {"label_smoothing": 0.1},
    {"label_smoothing": 0.25, "weight": True},
    {"label_smoothing": 0.25, "weight": True, "ignored": True, "reduction": "sum"},
    {"label_smoothing": 0.3, "ignored": True, "reduction": "none"},
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", CE_CASES)
@pytest.mark.parametrize("shape", [(6, 4), (3, 4, 5), (2, 4, 3, 2)])
def test_cross_entropy_class_indices(torch, dtype, case, shape):
    r = rng(1)
    case = dict(case)
    x = r.standard_normal(shape) * 3
    t = r.integers(0, 4, size=(shape[0],) + shape[2:])
    if case.pop("ignored", False):
        t.reshape(-1)[::3] = case.get("ignore_index", -100)
    w = r.uniform(0.5, 2.0, 4) if case.pop("weight", False) else None
    args = [x, t] if w is None else [x, t, w]
    parity(torch, "cross_entropy", args, dtype, **case)
    parity(torch, "nll_loss", args, dtype, **{k: v for k, v in case.items() if k != "label_smoothing"})


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kw", [{}, {"reduction": "sum", "label_smoothing": 0.2},
                                {"reduction": "none", "weight": True}])
def test_cross_entropy_probabilities(torch, dtype, kw):
    r = rng(2)
    kw = dict(kw)
    x = r.standard_normal((5, 3, 2)) * 2
    p = r.uniform(0.1, 1, (5, 3, 2))
    p /= p.sum(1, keepdims=True)
    args = [x, p] + ([r.uniform(0.5, 2, 3)] if kw.pop("weight", False) else [])
    parity(torch, "cross_entropy", args, dtype, grad=(0, 1), **kw)  # differentiable in the probabilities too


def test_cross_entropy_unbatched(torch):
    x = rng(3).standard_normal(5)
    parity(torch, "cross_entropy", [x, np.array(3)])
    parity(torch, "cross_entropy", [x, np.array(3)], reduction="none")
    parity(torch, "cross_entropy", [x, np.array(3)], label_smoothing=0.1)


def test_cross_entropy_extreme_logits_stay_finite(torch):
    x = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, 1e4], [1e4, 1e4, -1e4]])
    t = np.array([1, 2, 0])
    for dtype in DTYPES:
        out = parity(torch, "cross_entropy", [x, t], dtype, tol=TOL[dtype], reduction="none")
        assert np.all(np.isfinite(out.numpy()))
        np.testing.assert_allclose(out.numpy(), [2e4, 0.0, np.log(2)], rtol=1e-6)
    out = parity(torch, "cross_entropy", [x, t], label_smoothing=0.1)
    assert np.isfinite(out.item())


def test_cross_entropy_all_targets_ignored_is_nan_like_pytorch(torch):
    x, t = rng(4).standard_normal((3, 4)), np.full(3, -100)
    got = F.cross_entropy(mg.tensor(x), mg.tensor(t)).item()
    want = torch.nn.functional.cross_entropy(torch.tensor(x), torch.tensor(t)).item()
    assert np.isnan(got) and np.isnan(want)
    assert F.cross_entropy(mg.tensor(x), mg.tensor(t), reduction="sum").item() == 0.0


def test_cross_entropy_second_derivative_matches_pytorch(torch):
    """Hessian-vector products d/dx <dL/dx, v> through the fused cross-entropy."""
    r = rng(5)
    x, v = r.standard_normal((4, 5)), r.standard_normal((4, 5))
    t, w = np.array([0, 4, 2, -100]), r.uniform(0.5, 2, 5)
    kw = {"label_smoothing": 0.2}
    mx = mg.tensor(x, requires_grad=True)
    (gx,) = mg.grad(F.cross_entropy(mx, mg.tensor(t), weight=mg.tensor(w), **kw), [mx], create_graph=True)
    (hv,) = mg.grad((gx * mg.tensor(v)).sum(), [mx])
    tx = torch.tensor(x, requires_grad=True)
    (tgx,) = torch.autograd.grad(torch.nn.functional.cross_entropy(tx, torch.tensor(t), weight=torch.tensor(w), **kw),
                                 [tx], create_graph=True)
    (thv,) = torch.autograd.grad((tgx * torch.tensor(v)).sum(), [tx])
    np.testing.assert_allclose(gx.numpy(), tgx.detach().numpy(), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(hv.numpy(), thv.numpy(), rtol=1e-10, atol=1e-10)


def test_gradgradcheck_of_fused_losses():
    from minigrad.testing import gradcheck, gradgradcheck

    r = rng(6)
    x = mg.tensor(r.standard_normal((4, 3)), requires_grad=True)
    t = mg.tensor(np.array([0, 2, 1, 2]))
    p = mg.tensor(r.uniform(0, 1, (4, 3)))
    for fn in (lambda a: F.cross_entropy(a, t, label_smoothing=0.1),
               lambda a: F.nll_loss(a, t, reduction="sum"),
               lambda a: F.binary_cross_entropy(F.sigmoid(a), p),
               lambda a: F.binary_cross_entropy_with_logits(a, p)):
        assert gradcheck(fn, (x,))
        assert gradgradcheck(fn, (x,))


# ---- regression losses -----------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("name", ["mse_loss", "l1_loss"])
def test_regression_losses(torch, dtype, reduction, name):
    r = rng(7)
    t = r.standard_normal((4, 3))
    x = t + r.choice([-1, 1], (4, 3)) * r.uniform(0.1, 1, (4, 3))  # x - t away from |.|'s kink
    parity(torch, name, [x, t], dtype, grad=(0, 1), reduction=reduction)


# ---- binary cross-entropy ----------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("weighted", [False, True])
def test_binary_cross_entropy(torch, dtype, reduction, weighted):
    r = rng(8)
    x, t = r.uniform(0.05, 0.95, (4, 3)), r.uniform(0, 1, (4, 3))
    args = [x, t] + ([r.uniform(0.5, 2, (4, 3))] if weighted else [])
    parity(torch, "binary_cross_entropy", args, dtype, grad=(0, 1), reduction=reduction)


def test_binary_cross_entropy_at_zero_and_one(torch):
    x = np.array([0.0, 1.0, 0.0, 1.0, 0.5])
    t = np.array([1.0, 0.0, 0.0, 1.0, 1.0])
    out = parity(torch, "binary_cross_entropy", [x, t], reduction="none")
    np.testing.assert_allclose(out.numpy(), [100.0, 100.0, 0.0, 0.0, np.log(2)])  # logs clamped at -100


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kw", [{}, {"reduction": "sum"}, {"reduction": "none"}, {"pos_weight": True},
                                {"pos_weight": True, "weight": True, "reduction": "sum"}])
def test_binary_cross_entropy_with_logits(torch, dtype, kw):
    r = rng(9)
    kw = dict(kw)
    x, t = r.standard_normal((5, 3)) * 3, r.uniform(0, 1, (5, 3))
    if kw.pop("weight", False):
        kw["weight"] = r.uniform(0.5, 2, (5, 3)).astype(dtype)
    if kw.pop("pos_weight", False):
        kw["pos_weight"] = r.uniform(0.5, 3, 3).astype(dtype)
    m_kw = {k: mg.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kw.items()}
    t_kw = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kw.items()}
    tol = TOL[dtype]
    mx, mt = mg.tensor(x.astype(dtype), requires_grad=True), mg.tensor(t.astype(dtype), requires_grad=True)
    tx, tt = torch.tensor(x.astype(dtype), requires_grad=True), torch.tensor(t.astype(dtype), requires_grad=True)
    m = F.binary_cross_entropy_with_logits(mx, mt, **m_kw)
    th = torch.nn.functional.binary_cross_entropy_with_logits(tx, tt, **t_kw)
    assert m.dtype == dtype
    np.testing.assert_allclose(m.numpy(), th.detach().numpy(), rtol=tol, atol=tol)
    m.sum().backward()
    th.sum().backward()
    np.testing.assert_allclose(mx.grad.numpy(), tx.grad.numpy(), rtol=tol, atol=tol)
    np.testing.assert_allclose(mt.grad.numpy(), tt.grad.numpy(), rtol=tol, atol=tol)


def test_binary_cross_entropy_with_logits_extremes(torch):
    x = np.array([1e4, -1e4, 1e4, -1e4, 0.0])
    t = np.array([1.0, 0.0, 0.0, 1.0, 0.5])
    for dtype in DTYPES:
        out = parity(torch, "binary_cross_entropy_with_logits", [x, t], dtype, reduction="none")
        assert np.all(np.isfinite(out.numpy()))
        np.testing.assert_allclose(out.numpy(), [0, 0, 1e4, 1e4, np.log(2)], rtol=1e-6, atol=1e-6)


# ---- the module forms ----------------------------------------------------------------------------------
def test_loss_modules_match_functional(torch):
    r = rng(10)
    x, t, w = r.standard_normal((4, 3)), np.array([0, 2, 1, 1]), r.uniform(0.5, 2, 3)
    p, y = r.uniform(0.1, 0.9, (4, 3)), r.uniform(0, 1, (4, 3))
    pairs = [
        (nn.CrossEntropyLoss(mg.tensor(w), label_smoothing=0.1, reduction="sum"),
         torch.nn.CrossEntropyLoss(torch.tensor(w), label_smoothing=0.1, reduction="sum"), x, t),
        (nn.NLLLoss(ignore_index=1), torch.nn.NLLLoss(ignore_index=1), x, t),
        (nn.MSELoss(reduction="none"), torch.nn.MSELoss(reduction="none"), x, y),
        (nn.L1Loss(), torch.nn.L1Loss(), x, y),
        (nn.BCELoss(), torch.nn.BCELoss(), p, y),
        (nn.BCEWithLogitsLoss(pos_weight=mg.tensor(w)), torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor(w)), x, y),
    ]
    for ours, theirs, a, b in pairs:
        np.testing.assert_allclose(ours(mg.tensor(a), mg.tensor(b)).numpy(),
                                   theirs(torch.tensor(a), torch.tensor(b)).numpy(), rtol=1e-10, atol=1e-10)
        assert list(ours.state_dict()) == list(theirs.state_dict())  # class weights are buffers


# ---- bad input ---------------------------------------------------------------------------------------
def test_cross_entropy_bad_targets():
    x = mg.randn(3, 4)
    with pytest.raises(IndexOutOfRange, match=r"target 4 is out of bounds.*\[0, 3\]"):
        F.cross_entropy(x, mg.tensor([0, 4, 1]))
    with pytest.raises(IndexOutOfRange, match="target -1"):
        F.cross_entropy(x, mg.tensor([0, -1, 1]))
    with pytest.raises(IndexOutOfRange):
        F.nll_loss(x, mg.tensor([0, 7, 1]))
    with pytest.raises(DTypeError, match="must be integers"):
        F.cross_entropy(x, mg.tensor([0.0, 1.0, 2.0]))
    with pytest.raises(DTypeError, match="must be integers"):
        nn.CrossEntropyLoss()(x, mg.tensor([0.0, 1.0, 2.0]))
    with pytest.raises(ShapeError, match=r"target of shape \(3,\)"):
        F.cross_entropy(x, mg.tensor([0, 1]))
    with pytest.raises(ShapeError, match="weight"):
        F.cross_entropy(x, mg.tensor([0, 1, 2]), weight=mg.ones(3))
    with pytest.raises(ValueError, match="label_smoothing"):
        F.cross_entropy(x, mg.tensor([0, 1, 2]), label_smoothing=1.5)
    with pytest.raises(ValueError, match="reduction"):
        F.cross_entropy(x, mg.tensor([0, 1, 2]), reduction="avg")
    with pytest.raises(ValueError, match="reduction"):
        nn.MSELoss(reduction="avg")
    # ignore_index itself is allowed even though it is out of range
    assert np.isfinite(F.cross_entropy(x, mg.tensor([0, -100, 1])).item())


def test_regression_and_bce_shape_mismatch():
    x = mg.rand(4, 1)
    for fn in (F.mse_loss, F.l1_loss, F.binary_cross_entropy, F.binary_cross_entropy_with_logits):
        with pytest.raises(ShapeError, match=r"input shape \(4, 1\) and target shape \(4,\)"):
            fn(x, mg.rand(4))


def test_bce_inputs_outside_unit_interval():
    with pytest.raises(ValueError, match="input should be between 0 and 1.*sigmoid"):
        F.binary_cross_entropy(mg.tensor([0.5, 1.2]), mg.tensor([1.0, 0.0]))
    with pytest.raises(ValueError, match="input should be between 0 and 1"):
        nn.BCELoss()(mg.tensor([-0.1, 0.5]), mg.tensor([1.0, 0.0]))
    with pytest.raises(ValueError, match="target should be between 0 and 1"):
        F.binary_cross_entropy(mg.tensor([0.5, 0.5]), mg.tensor([1.0, 2.0]))
