"""The regression, likelihood and margin losses (ops/losses_regression.py, ops/losses_margin.py)
against torch.nn.functional and torch.nn: every reduction and argument in float64 and float32,
PyTorch's choices at kinks and clamps, numerical extremes, and bad input. CTC is in test_ctc.py."""

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.errors import ArgumentError, DTypeError, IndexOutOfRange, ShapeError
from minigrad.nn import functional as F

from test_losses import DTYPES, parity

REDUCTIONS = ["mean", "sum", "none"]


def rng(seed=0):
    return np.random.default_rng(seed)


# ---- regression and likelihood ----------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name, kw", [("huber_loss", {}), ("huber_loss", {"delta": 0.3}),
                                      ("smooth_l1_loss", {}), ("smooth_l1_loss", {"beta": 0.4}),
                                      ("smooth_l1_loss", {"beta": 0.0})])
def test_huber_and_smooth_l1(torch, dtype, reduction, name, kw):
    r = rng(1)
    x, t = r.standard_normal((4, 5)) * 2, r.standard_normal((4, 5))
    parity(torch, name, [x, t], dtype, grad=(0, 1), reduction=reduction, **kw)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_huber_weight(torch, reduction):
    r = rng(2)
    x, t, w = r.standard_normal((3, 4)) * 2, r.standard_normal((3, 4)), r.uniform(0.5, 2.0, (3, 4))
    m = F.huber_loss(mg.tensor(x), mg.tensor(t), reduction=reduction, delta=0.7, weight=mg.tensor(w))
    e = torch.nn.functional.huber_loss(torch.tensor(x), torch.tensor(t), reduction=reduction, delta=0.7,
                                       weight=torch.tensor(w))
    np.testing.assert_allclose(m.numpy(), e.numpy(), rtol=1e-12)


def test_huber_and_smooth_l1_at_delta_and_zero(torch):
    x = np.array([1.0, -1.0, 0.5, 0.0])
    parity(torch, "huber_loss", [x, np.zeros(4)], reduction="sum")
    parity(torch, "smooth_l1_loss", [x, np.zeros(4)], reduction="sum", beta=0.5)
    parity(torch, "smooth_l1_loss", [x, np.zeros(4)], reduction="sum", beta=0.0)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS + ["batchmean"])
@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div(torch, dtype, reduction, log_target):
    r = rng(3)
    lq = np.log(r.dirichlet(np.ones(5), 4))
    p = r.dirichlet(np.ones(5), 4)
    parity(torch, "kl_div", [lq, np.log(p) if log_target else p], dtype, grad=(0, 1), reduction=reduction,
           log_target=log_target)


def test_kl_div_zero_target_contributes_zero_without_nan():
    lq = mg.tensor(np.log([[0.2, 0.8]]), requires_grad=True)
    t = mg.tensor([[0.0, 1.0]], requires_grad=True)
    loss = F.kl_div(lq, t, reduction="sum")
    loss.backward()
    np.testing.assert_allclose(loss.numpy(), -np.log(0.8))
    np.testing.assert_allclose(lq.grad.numpy(), [[0.0, -1.0]])
    assert np.isfinite(t.grad.numpy()).all()  # PyTorch gives nan here (log 0); 0 log 0 = 0 is the limit


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("kw", [{}, {"full": True}, {"log_input": False}, {"log_input": False, "full": True,
                                                                              "eps": 1e-3}])
def test_poisson_nll_loss(torch, dtype, reduction, kw):
    r = rng(4)
    x = r.uniform(0.2, 3.0, (3, 4)) if kw.get("log_input") is False else r.standard_normal((3, 4))
    t = r.uniform(0.0, 4.0, (3, 4))
    t[0, :2] = [1.0, 0.5]  # the full term switches on above 1 (at t = 0 PyTorch's target gradient is nan)
    parity(torch, "poisson_nll_loss", [x, t], dtype, grad=(0, 1), reduction=reduction, **kw)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("var_shape", [(3, 4), (3,), (3, 1)])
@pytest.mark.parametrize("full", [False, True])
def test_gaussian_nll_loss(torch, dtype, reduction, var_shape, full):
    r = rng(5)
    x, t, v = r.standard_normal((3, 4)), r.standard_normal((3, 4)), r.uniform(0.3, 2.0, var_shape)
    parity(torch, "gaussian_nll_loss", [x, t, v], dtype, grad=(0, 1, 2), reduction=reduction, full=full)


def test_gaussian_nll_loss_clamps_the_value_only_like_pytorch(torch):
    x, t, v = np.array([1.0, 2.0, 3.0]), np.array([0.0, 1.5, 3.0]), np.array([0.5, 1e-9, 1.0])
    parity(torch, "gaussian_nll_loss", [x, t, v], grad=(0, 1, 2), reduction="none")
    parity(torch, "gaussian_nll_loss", [x, t, v], grad=(0, 2), reduction="sum", eps=1e-2)


def test_gaussian_nll_loss_takes_a_number_as_var(torch):
    x, t = rng(6).standard_normal((2, 3)), np.zeros((2, 3))
    m = F.gaussian_nll_loss(mg.tensor(x), mg.tensor(t), 2.0, reduction="none")
    e = torch.nn.functional.gaussian_nll_loss(torch.tensor(x), torch.tensor(t), 2.0, reduction="none")
    np.testing.assert_allclose(m.numpy(), e.numpy(), rtol=1e-12)


# ---- margins ---------------------------------------------------------------------------------------------------
def signs(r, shape):
    return np.where(r.random(shape) < 0.5, -1.0, 1.0)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_margin_ranking_and_embedding_losses(torch, dtype, reduction):
    r = rng(7)
    x1, x2, y = r.standard_normal(6), r.standard_normal(6), signs(r, 6)
    parity(torch, "margin_ranking_loss", [x1, x2, y], dtype, grad=(0, 1), margin=0.4, reduction=reduction)
    parity(torch, "hinge_embedding_loss", [r.standard_normal((3, 4)) * 2, signs(r, (3, 4))], dtype,
           margin=0.7, reduction=reduction)
    parity(torch, "soft_margin_loss", [r.standard_normal((3, 4)) * 3, signs(r, (3, 4))], dtype, reduction=reduction)
    a, b = r.standard_normal((5, 3)), r.standard_normal((5, 3))
    parity(torch, "cosine_embedding_loss", [a, b, signs(r, 5)], dtype, grad=(0, 1), margin=-0.2,
           reduction=reduction)
    parity(torch, "cosine_embedding_loss", [a[0], b[0], np.array(-1.0)], dtype, grad=(0, 1), reduction=reduction)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kw", [{}, {"margin": 0.3, "p": 1.0}, {"swap": True, "reduction": "none"},
                                {"p": 3.0, "eps": 1e-3, "reduction": "sum"}])
def test_triplet_margin_loss(torch, dtype, kw):
    r = rng(8)
    args = [r.standard_normal((5, 3)) for _ in range(3)]
    parity(torch, "triplet_margin_loss", args, dtype, grad=(0, 1, 2), **kw)
    parity(torch, "triplet_margin_loss", [a[0] for a in args], dtype, grad=(0, 1, 2), **kw)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kw", [{}, {"margin": 0.3}, {"swap": True, "reduction": "none"}, {"reduction": "sum"}])
@pytest.mark.parametrize("shape", [(5, 3), (3,), (2, 4, 3)])
def test_triplet_margin_with_distance_loss_default_distance(torch, dtype, kw, shape):
    r = rng(18)
    args = [r.standard_normal(shape) for _ in range(3)]
    parity(torch, "triplet_margin_with_distance_loss", args, dtype, grad=(0, 1, 2), **kw)


@pytest.mark.parametrize("swap", [False, True])
def test_triplet_margin_with_distance_loss_takes_any_distance(torch, swap):
    r = rng(19)
    args = [r.standard_normal((6, 4)) for _ in range(3)]
    ours = [mg.tensor(a, requires_grad=True) for a in args]
    theirs = [torch.tensor(a, requires_grad=True) for a in args]
    loss_m = nn.TripletMarginWithDistanceLoss(distance_function=lambda a, b: 1 - F.cosine_similarity(a, b),
                                              margin=0.5, swap=swap)(*ours)
    loss_t = torch.nn.TripletMarginWithDistanceLoss(
        distance_function=lambda a, b: 1 - torch.nn.functional.cosine_similarity(a, b), margin=0.5, swap=swap)(*theirs)
    loss_m.backward()
    loss_t.backward()
    np.testing.assert_allclose(loss_m.numpy(), loss_t.detach().numpy(), rtol=1e-12)
    for m, t in zip(ours, theirs):
        np.testing.assert_allclose(m.grad.numpy(), t.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_triplet_margin_with_distance_loss_gradcheck_and_module():
    from minigrad.testing import gradcheck

    r = rng(20)
    a, p, n = (mg.tensor(r.standard_normal((4, 3)), requires_grad=True) for _ in range(3))
    l1 = lambda x, y: (x - y).abs().sum(dim=-1)  # noqa: E731  (a distance with kinks away from these inputs)
    assert gradcheck(lambda *t: F.triplet_margin_with_distance_loss(*t, distance_function=l1, margin=2.0,
                                                                    reduction="none"), (a, p, n))
    loss = nn.TripletMarginWithDistanceLoss(swap=True, reduction="sum")
    assert isinstance(loss.distance_function, nn.PairwiseDistance)
    assert repr(loss) == "TripletMarginWithDistanceLoss(\n  (distance_function): PairwiseDistance()\n)"
    want = F.triplet_margin_with_distance_loss(a, p, n, swap=True, reduction="sum")
    np.testing.assert_array_equal(loss(a, p, n).numpy(), want.numpy())
    with pytest.raises(ArgumentError, match="TripletMarginWithDistanceLoss: expected margin to be greater than 0"):
        nn.TripletMarginWithDistanceLoss(margin=0.0)
    with pytest.raises(ShapeError, match=r"triplet_margin_with_distance_loss: .* anchor 2D, positive 2D, and "
                                         r"negative 1D .*\(4, 3\), \(4, 3\), \(3,\)"):
        F.triplet_margin_with_distance_loss(a, p, n[0])


def test_hinges_at_exactly_zero_take_pytorchs_gradients(torch):
    # clamp_min (gradient 1 at 0) in the ranking, embedding and triplet losses
    parity(torch, "margin_ranking_loss", [np.array([1.0]), np.array([1.0]), np.array([1.0])], grad=(0, 1))
    parity(torch, "hinge_embedding_loss", [np.array([1.0]), np.array([-1.0])])
    parity(torch, "triplet_margin_loss", [np.array([[0.0, 0.0]]), np.array([[1.0, 0.0]]), np.array([[2.0, 0.0]])],
           grad=(0, 1, 2), eps=0.0)
    # a z > 0 test (gradient 0 at 0) in the multi-class ones
    parity(torch, "multi_margin_loss", [np.array([[1.0, 0.0]]), np.array([0])])
    parity(torch, "multilabel_margin_loss", [np.array([[1.0, 0.0]]), np.array([[0, -1]])])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("kw", [{}, {"p": 2}, {"margin": 0.5}, {"weight": True}, {"p": 2, "weight": True}])
def test_multi_margin_loss(torch, dtype, reduction, kw):
    r = rng(9)
    x, t = r.standard_normal((4, 5)), r.integers(0, 5, 4)
    kw = dict(kw)
    if kw.pop("weight", False):
        w = r.uniform(0.5, 2.0, 5).astype(dtype)
        m = F.multi_margin_loss(mg.tensor(x.astype(dtype), requires_grad=True), mg.tensor(t),
                                weight=mg.tensor(w), reduction=reduction, **kw)
        e = torch.nn.functional.multi_margin_loss(torch.tensor(x.astype(dtype)), torch.tensor(t),
                                                  weight=torch.tensor(w), reduction=reduction, **kw)
        np.testing.assert_allclose(m.numpy(), e.numpy(), rtol=1e-5 if dtype == np.float32 else 1e-12)
        return
    parity(torch, "multi_margin_loss", [x, t], dtype, reduction=reduction, **kw)
    parity(torch, "multi_margin_loss", [x[0], np.array(t[0])], dtype, reduction=reduction, **kw)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_multilabel_margin_loss(torch, dtype, reduction):
    r = rng(10)
    x = r.standard_normal((4, 5))
    t = np.array([[3, 0, -1, 1, 2], [1, 2, 4, 4, -1], [-1, 0, 0, 0, 0], [0, 1, 2, 3, 4]])
    parity(torch, "multilabel_margin_loss", [x, t], dtype, reduction=reduction)
    parity(torch, "multilabel_margin_loss", [x[0], t[0]], dtype, reduction=reduction)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
def test_multilabel_soft_margin_loss(torch, dtype, reduction, weighted):
    r = rng(11)
    x, t = r.standard_normal((4, 3)) * 3, (r.random((4, 3)) < 0.5).astype(float)
    args = [x, t, r.uniform(0.5, 2.0, 3)] if weighted else [x, t]
    parity(torch, "multilabel_soft_margin_loss", args, dtype, grad=(0,), reduction=reduction)


def test_extremes_stay_finite(torch):
    big = np.array([[-1e4, 1e4, 50.0]])
    for name, args in (("multilabel_soft_margin_loss", [big, np.array([[1.0, 0.0, 1.0]])]),
                       ("poisson_nll_loss", [np.array([-800.0, 30.0]), np.array([2.0, 3.0])])):
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            out = parity(torch, name, args)
        assert np.isfinite(out.numpy()).all()
    # log(1 + exp(1e4)) = 1e4: PyTorch's soft_margin_loss overflows to inf here, minigrad's does not
    x = mg.tensor(big, requires_grad=True)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        loss = F.soft_margin_loss(x, mg.tensor([[1.0, -1.0, 1.0]]), reduction="none")
        loss.sum().backward()
    np.testing.assert_allclose(loss.numpy(), [[1e4, 1e4, np.log1p(np.exp(-50.0))]], rtol=1e-15)
    np.testing.assert_allclose(x.grad.numpy(), [[-1.0, 1.0, -1 / (1 + np.exp(50.0))]], rtol=1e-12)


# ---- modules ----------------------------------------------------------------------------------------------------
def test_loss_modules_match_functional_and_pytorch_repr(torch):
    r = rng(12)
    x, t = r.standard_normal((4, 5)), r.standard_normal((4, 5))
    cls = r.integers(0, 5, 4)
    y = signs(r, 4)
    v = r.uniform(0.5, 2.0, (4, 5))
    w = r.uniform(0.5, 2.0, 5)
    cases = [
        ("HuberLoss", {"delta": 0.5}, (x, t)), ("SmoothL1Loss", {"beta": 0.3, "reduction": "sum"}, (x, t)),
        ("KLDivLoss", {"reduction": "batchmean", "log_target": True}, (x, t)),
        ("PoissonNLLLoss", {"full": True}, (x, np.abs(t))), ("GaussianNLLLoss", {"full": True}, (x, t, v)),
        ("MarginRankingLoss", {"margin": 0.2}, (x[:, 0], t[:, 0], y)),
        ("HingeEmbeddingLoss", {"margin": 0.5}, (x, signs(r, (4, 5)))),
        ("CosineEmbeddingLoss", {"margin": 0.1}, (x, t, y)),
        ("TripletMarginLoss", {"margin": 0.5, "swap": True}, (x, t, v)),
        ("SoftMarginLoss", {}, (x, signs(r, (4, 5)))),
        ("MultiLabelSoftMarginLoss", {"reduction": "none"}, (x, (t > 0).astype(float))),
        ("MultiLabelMarginLoss", {}, (x, np.tile([1, 3, -1, 0, 0], (4, 1)))),
        ("MultiMarginLoss", {"p": 2, "margin": 0.5}, (x, cls)),
        ("MultiMarginLoss", {"weight": w}, (x, cls)),
    ]
    for name, kw, args in cases:
        m = getattr(nn, name)(**{k: (mg.tensor(a) if isinstance(a, np.ndarray) else a) for k, a in kw.items()})
        tm = getattr(torch.nn, name)(**{k: (torch.tensor(a) if isinstance(a, np.ndarray) else a)
                                        for k, a in kw.items()})
        assert repr(m) == repr(tm), name
        out = m(*[mg.tensor(a) for a in args])
        expected = tm(*[torch.tensor(a) for a in args])
        np.testing.assert_allclose(out.numpy(), expected.numpy(), rtol=1e-12, atol=1e-14, err_msg=name)
    m = nn.MultiMarginLoss(weight=mg.tensor(w))
    assert "weight" in m.state_dict()


# ---- bad input -----------------------------------------------------------------------------------------------------
def test_bad_arguments_raise_what_pytorch_raises(torch):
    x, t = np.zeros((2, 3)), np.zeros((2, 3))
    cases = [
        (lambda f, T: f.huber_loss(T(x), T(t), delta=0.0), RuntimeError),
        (lambda f, T: f.smooth_l1_loss(T(x), T(t), beta=-1.0), RuntimeError),
        (lambda f, T: f.kl_div(T(x), T(t), reduction="bad"), ValueError),
        (lambda f, T: f.gaussian_nll_loss(T(x), T(t), T(-np.ones((2, 3)))), ValueError),
        (lambda f, T: f.gaussian_nll_loss(T(x), T(t), T(np.ones((3,)))), ValueError),
        (lambda f, T: f.multi_margin_loss(T(x), T(np.array([0, 3]))), RuntimeError),
        (lambda f, T: f.multi_margin_loss(T(x), T(np.array([0, 1])), p=3), ValueError),
        (lambda f, T: f.triplet_margin_loss(T(x), T(x), T(x), margin=0.0), ValueError),
        (lambda f, T: f.triplet_margin_with_distance_loss(T(x), T(x), T(x), margin=-1.0), ValueError),
        (lambda f, T: f.triplet_margin_with_distance_loss(T(x), T(x), T(x), reduction="all"), ValueError),
        (lambda f, T: f.triplet_margin_with_distance_loss(T(x), T(x), T(x[0])), RuntimeError),
        (lambda f, T: f.margin_ranking_loss(T(x[0]), T(x), T(x[0])), RuntimeError),
        (lambda f, T: f.cosine_embedding_loss(T(x), T(np.zeros((2, 4))), T(np.ones(2))), RuntimeError),
        (lambda f, T: f.mse_loss(T(x), T(np.zeros(3)), reduction="bad"), ValueError),
    ]
    for i, (fn, err) in enumerate(cases):
        with pytest.raises(err):
            fn(torch.nn.functional, torch.tensor)
        with pytest.raises(err):
            fn(F, mg.tensor)


def test_bad_input_names_the_op():
    x = mg.tensor(np.zeros((2, 3)))
    with pytest.raises(ShapeError, match="huber_loss"):
        F.huber_loss(x, mg.tensor(np.zeros(3)))
    with pytest.raises(DTypeError, match="kl_div"):
        F.kl_div(mg.tensor([1, 2]), mg.tensor([1.0, 2.0]))
    with pytest.raises(DTypeError, match="multi_margin_loss"):
        F.multi_margin_loss(x, mg.tensor([0.0, 1.0]))
    with pytest.raises(IndexOutOfRange, match="multi_margin_loss"):
        F.multi_margin_loss(x, mg.tensor([0, 5]))
    with pytest.raises(ShapeError, match="multilabel_margin_loss"):
        F.multilabel_margin_loss(x, mg.tensor([0, 1]))
    with pytest.raises(IndexOutOfRange, match="multilabel_margin_loss"):
        F.multilabel_margin_loss(x, mg.tensor([[0, 3, -1], [0, -1, 0]]))
    with pytest.raises(ShapeError, match="gaussian_nll_loss"):
        F.gaussian_nll_loss(x, x, mg.tensor(np.ones((2, 2))))
    with pytest.raises(ArgumentError, match="reduction"):
        nn.HuberLoss(reduction="avg")
    nn.KLDivLoss(reduction="batchmean")


def test_kl_div_of_a_negative_target_is_nan_as_torch():
    torch = pytest.importorskip("torch")
    x, t = np.zeros(3), np.array([-1.0, 0.0, 2.0])
    mine = F.kl_div(mg.tensor(x), mg.tensor(t), reduction="none").numpy()
    theirs = torch.nn.functional.kl_div(torch.from_numpy(x), torch.from_numpy(t), reduction="none").numpy()
    np.testing.assert_allclose(mine, theirs)  # nan, 0, 2 log 2
    assert np.isnan(mine[0])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_multilabel_soft_margin_loss_without_classes_is_nan(reduction):
    out = F.multilabel_soft_margin_loss(mg.zeros(3, 0), mg.zeros(3, 0), reduction=reduction)
    assert out.shape == ((3,) if reduction == "none" else ()) and np.isnan(out.numpy()).all()


def test_multilabel_margin_loss_refuses_no_classes_as_torch():
    torch = pytest.importorskip("torch")
    for shape in [(0,), (3, 0)]:
        with pytest.raises(RuntimeError):
            torch.nn.functional.multilabel_margin_loss(torch.zeros(shape), torch.zeros(shape, dtype=torch.long))
        with pytest.raises(ShapeError, match="non-empty"):
            F.multilabel_margin_loss(mg.zeros(*shape), mg.tensor(np.zeros(shape, dtype=np.int64)))
