"""Products (mm, bmm, ..., multi_dot) and norms (vector_norm, cdist, dist, trace): PyTorch's shape
rules and errors, the subgradient conventions at 0, in-place forms. Gradients and torch parity
on regular samples are the registry's (tests/test_registry.py)."""

import math

import numpy as np
import pytest

import minigrad as mg
from minigrad import linalg as LA
from minigrad.errors import ArgumentError, ShapeError
from minigrad.ops.products import _chain_order

torch = pytest.importorskip("torch")


def T(a, grad=False):
    return mg.tensor(np.asarray(a, dtype=np.float64), requires_grad=grad)


def TT(a, grad=False):
    return torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=grad)


def close(a, b, tol=1e-10):
    b = b.detach().numpy() if isinstance(b, torch.Tensor) else b
    np.testing.assert_allclose(a.numpy() if not isinstance(a, np.ndarray) else a, b, rtol=tol, atol=tol)


@pytest.mark.parametrize("name, shapes", [
    ("mm", [(2, 3), (4, 2)]), ("mm", [(2, 3, 4), (4, 2)]), ("bmm", [(2, 3, 4), (3, 4, 2)]), ("bmm", [(3, 4), (4, 2)]),
    ("mv", [(2, 3), (2,)]), ("mv", [(2, 3), (3, 1)]), ("dot", [(3,), (4,)]), ("dot", [(3, 1), (3, 1)]),
    ("outer", [(3, 1), (2,)]), ("inner", [(2, 3), (2,)]), ("tensordot", [(2, 3), (4, 3)]),
])
def test_shape_errors_like_torch(name, shapes):
    with pytest.raises(ShapeError) as info:
        getattr(mg, name)(*[mg.randn(*s) for s in shapes])
    assert name in str(info.value) and isinstance(info.value, RuntimeError)
    with pytest.raises(RuntimeError):
        getattr(torch, name)(*[torch.randn(*s) for s in shapes])


def test_addmm_family_shape_errors():
    with pytest.raises(ShapeError, match="addmm"):
        mg.addmm(mg.randn(3, 3), mg.randn(2, 3), mg.randn(3, 4))
    with pytest.raises(ShapeError, match="bmm"):
        mg.baddbmm(mg.randn(2, 3, 4), mg.randn(2, 3, 5), mg.randn(2, 4, 4))
    with pytest.raises(ShapeError, match="baddbmm"):
        mg.baddbmm(mg.randn(2, 3, 3), mg.randn(2, 3, 4), mg.randn(2, 4, 4))


def test_beta_zero_ignores_nan_in_input():
    """PyTorch: with beta = 0, input is not read (nan and inf in it do not leak into the result)."""
    c = np.full((2, 2), np.nan)
    a, b = np.ones((2, 3)), np.ones((3, 2))
    close(mg.addmm(T(c), T(a), T(b), beta=0), torch.addmm(TT(c), TT(a), TT(b), beta=0))


def test_in_place_forms():
    rng = np.random.default_rng(0)
    c, a, b = rng.standard_normal((2, 4)), rng.standard_normal((2, 3)), rng.standard_normal((3, 4))
    x = T(c)
    out = x.addmm_(T(a), T(b), beta=0.5, alpha=2.0)
    assert out is x
    close(x, torch.addmm(TT(c), TT(a), TT(b), beta=0.5, alpha=2.0))
    y, tv = T(c[0]), TT(c[0])
    y.addmv_(T(b.T), T(a[0]))
    close(y, tv.addmv_(TT(b.T), TT(a[0])))
    z = T(c)
    z.addr_(T(a[:, 0]), T(b[0]))
    close(z, TT(c).addr_(TT(a[:, 0]), TT(b[0])))


def test_tensor_methods_and_aliases():
    rng = np.random.default_rng(1)
    a, b, v = rng.standard_normal((3, 4)), rng.standard_normal((4, 2)), rng.standard_normal(4)
    close(T(a).mm(T(b)), TT(a).mm(TT(b)))
    close(T(a).mv(T(v)), TT(a).mv(TT(v)))
    close(T(v).dot(T(v)), TT(v).dot(TT(v)))
    close(T(v).outer(T(v)), TT(v).outer(TT(v)))
    close(mg.ger(T(v), T(v)), torch.outer(TT(v), TT(v)))
    close(T(a).kron(T(b)), TT(a).kron(TT(b)))
    close(T(a).inner(T(a)), TT(a).inner(TT(a)))
    close(T(a[None]).bmm(T(b[None])), TT(a[None]).bmm(TT(b[None])))


def test_tensordot_dims_forms():
    rng = np.random.default_rng(2)
    a, b = rng.standard_normal((2, 3, 4)), rng.standard_normal((4, 3, 5))
    for dims in ([[1, 2], [1, 0]], ([2], [0]), [[2, 0]], 1):
        want = torch.tensordot(TT(a), TT(b), dims=dims) if not (isinstance(dims, list) and len(dims) == 1) else \
            torch.tensordot(TT(a), TT(b), dims=([2], [0]))
        close(mg.tensordot(T(a), T(b), dims=dims), want)
    with pytest.raises(ArgumentError):
        mg.tensordot(T(a), T(b), dims=-1)


def test_kron_of_different_ranks():
    rng = np.random.default_rng(3)
    for sa, sb in [((2,), (3, 2)), ((2, 1, 3), (2, 2)), ((), (3,))]:
        a, b = rng.standard_normal(sa), rng.standard_normal(sb)
        close(mg.kron(T(a), T(b)), torch.kron(TT(a), TT(b)))


def test_multi_dot_picks_the_cheapest_order():
    # the textbook example: (10x30)(30x5)(5x60) costs 4500 as (AB)C and 27000 as A(BC)
    split = _chain_order([10, 30, 5, 60])
    assert split[0][2] == 1  # split after B: (AB) C
    split = _chain_order([50, 10, 40, 30, 5])
    assert split[0][3] == 0  # A (B (C D)) (with A 50x10 the product is cheapest when A comes last)
    with pytest.raises(ArgumentError):
        LA.multi_dot([mg.randn(2, 2)])
    with pytest.raises(ShapeError, match="multi_dot"):
        LA.multi_dot([mg.randn(2, 3), mg.randn(2, 3)])


# ---- norms ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("ord", [2, 1, 3, 0.5, math.inf, -math.inf, 0])
def test_vector_norm_at_the_zero_vector(ord):
    """The subgradient at x = 0 is 0, as in PyTorch (the composed formula would give nan)."""
    x, tx = T(np.zeros((2, 3)), grad=True), TT(np.zeros((2, 3)), grad=True)
    LA.vector_norm(x, ord, dim=1).sum().backward()
    out = torch.linalg.vector_norm(tx, ord, dim=1)
    if out.requires_grad:
        out.sum().backward()
    assert not np.isnan(x.grad.numpy()).any()
    close(x.grad, np.zeros((2, 3)) if tx.grad is None else tx.grad)


def test_vector_norm_dtype_and_errors():
    x = mg.randn(3, 4)
    assert LA.vector_norm(x).dtype == np.float32
    assert LA.vector_norm(x, dtype=mg.float64).dtype == np.float64
    with pytest.raises(RuntimeError, match="floating point"):
        LA.vector_norm(mg.tensor(np.arange(3)))
    with pytest.raises(ArgumentError):
        LA.vector_norm(x, ord="fro")
    close(LA.vector_norm(T([3.0, 4.0])), np.array(5.0))


def test_cdist_at_zero_distance_has_zero_gradient():
    rng = np.random.default_rng(4)
    pts = rng.standard_normal((30, 3))
    for mode in ("use_mm_for_euclid_dist", "donot_use_mm_for_euclid_dist"):
        a, ta = T(pts, grad=True), TT(pts, grad=True)
        d = mg.cdist(a, a, compute_mode=mode)
        td = torch.cdist(ta, ta, compute_mode=mode)
        close(d, td, 1e-7)
        d.sum().backward()
        td.sum().backward()
        assert not np.isnan(a.grad.numpy()).any()
        close(a.grad, ta.grad, 1e-7)


def test_cdist_errors():
    with pytest.raises(ShapeError, match="columns"):
        mg.cdist(mg.randn(3, 4), mg.randn(2, 5))
    with pytest.raises(ShapeError, match="2 dimensions"):
        mg.cdist(mg.randn(4), mg.randn(2, 4))
    with pytest.raises(ArgumentError, match="non-negative"):
        mg.cdist(mg.randn(3, 4), mg.randn(2, 4), p=-1)
    with pytest.raises(ArgumentError, match="compute_mode"):
        mg.cdist(mg.randn(3, 4), mg.randn(2, 4), compute_mode="fast")


def test_trace():
    close(mg.trace(T(np.arange(9.0).reshape(3, 3))), np.array(12.0))
    ints = mg.tensor(np.arange(6).reshape(2, 3))
    out = mg.trace(ints)
    assert out.dtype == np.int64 and out.item() == torch.trace(torch.arange(6).reshape(2, 3)).item()
    with pytest.raises(ShapeError, match="trace"):
        mg.trace(mg.randn(2, 2, 2))
    with pytest.raises(RuntimeError):
        torch.trace(torch.randn(2, 2, 2))


def test_torch_norm_forms():
    rng = np.random.default_rng(5)
    x = rng.standard_normal((2, 3, 4))
    for kwargs in ({}, {"p": 1}, {"p": "fro", "dim": (1, 2)}, {"p": math.inf, "dim": 0}, {"p": 2, "dim": 1,
                                                                                          "keepdim": True}):
        close(mg.norm(T(x), **kwargs), torch.norm(TT(x), **kwargs))
    close(mg.norm(T(x[0]), p="nuc"), torch.norm(TT(x[0]), p="nuc"))
    with pytest.raises(ShapeError, match="nuc"):
        mg.norm(T(x), p="nuc")


def test_integer_addmm_family_truncates_beta_and_alpha_as_torch():
    x = np.arange(6).reshape(2, 3) - 2
    for name, args in [("addmm", ((2, 2), (2, 3), (3, 2))), ("addbmm", ((2, 2), (4, 2, 3), (4, 3, 2))),
                       ("baddbmm", ((4, 2, 2), (4, 2, 3), (4, 3, 2)))]:
        arrays = [np.resize(x, s).astype(np.int32) for s in args]
        mine = getattr(mg, name)(*[mg.tensor(a) for a in arrays], beta=0.5, alpha=-1.7)
        theirs = getattr(torch, name)(*[torch.from_numpy(a) for a in arrays], beta=0.5, alpha=-1.7)
        assert mine.dtype == np.int32
        np.testing.assert_array_equal(mine.numpy(), theirs.numpy())
    with pytest.raises(ArgumentError, match="finite"):
        mg.addmm(mg.tensor(arrays[0][0]), mg.tensor(arrays[1][0]), mg.tensor(arrays[2][0]), beta=math.nan)
