"""one_hot, normalize, cosine_similarity, pairwise_distance and their modules, against PyTorch:
values, gradients at the zero vector and at tiny norms, shapes, and bad input."""

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.errors import ArgumentError, DTypeError, ShapeError
from minigrad.nn import functional as F


def both(torch, name, arrays, **kw):
    """F.<name> and torch.nn.functional.<name> on the same float64 arrays: outputs and gradients."""
    ms = [mg.tensor(a, requires_grad=True) for a in arrays]
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    y, ty = getattr(F, name)(*ms, **kw), getattr(torch.nn.functional, name)(*ts, **kw)
    assert y.shape == tuple(ty.shape)
    np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), rtol=1e-12, atol=1e-14)
    g = np.random.default_rng(5).standard_normal(y.shape)
    y.backward(mg.tensor(g))
    ty.backward(torch.tensor(g))
    for m, t in zip(ms, ts):  # PyTorch leaves no gradient where it is 0 by definition (p = 0)
        expected = np.zeros(m.shape) if t.grad is None else t.grad.numpy()
        np.testing.assert_allclose(m.grad.numpy(), expected, rtol=1e-10, atol=1e-12)


# ---- one_hot ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("shape, num_classes", [((5,), -1), ((2, 3), 6), ((), 4), ((0,), 3)])
def test_one_hot_matches_pytorch(torch, shape, num_classes):
    r = np.random.default_rng(0)
    idx = r.integers(0, 4, size=shape)
    out = F.one_hot(mg.tensor(idx), num_classes)
    expected = torch.nn.functional.one_hot(torch.tensor(idx), num_classes)
    assert out.dtype == np.int64 and not out.requires_grad
    np.testing.assert_array_equal(out.numpy(), expected.numpy())


def test_one_hot_bad_input_raises_runtime_errors_like_pytorch():
    with pytest.raises(RuntimeError, match="non-negative"):
        F.one_hot(mg.tensor([-1, 0]))
    with pytest.raises(RuntimeError, match="out of range"):
        F.one_hot(mg.tensor([3]), 2)
    with pytest.raises(RuntimeError, match="num_classes"):
        F.one_hot(mg.tensor(np.zeros(0, dtype=np.int64)))
    with pytest.raises(RuntimeError, match="integers"):
        F.one_hot(mg.tensor([1.0]))
    with pytest.raises(DTypeError):
        F.one_hot(mg.tensor([1.0]))


# ---- normalize, cosine_similarity, pairwise_distance -------------------------------------------------------
R = np.random.default_rng(1)
A, B = R.standard_normal((4, 5)), R.standard_normal((4, 5))


@pytest.mark.parametrize("kw", [{}, {"dim": 0}, {"p": 1.0}, {"p": 3.0, "dim": -1}, {"p": float("inf")},
                                {"eps": 10.0}])
def test_normalize(torch, kw):
    both(torch, "normalize", [A], **kw)


def test_normalize_of_a_zero_row_is_zero_with_pytorch_gradient(torch):
    x = np.vstack([np.zeros(3), [1.0, 2.0, 2.0]])
    both(torch, "normalize", [x])
    assert np.all(F.normalize(mg.tensor(x)).numpy()[0] == 0)


@pytest.mark.parametrize("shapes, kw", [(((4, 5), (4, 5)), {}), (((2, 4, 5), (4, 5)), {"dim": -1}),
                                        (((5,), (5,)), {"dim": 0}), (((4, 5), (1, 5)), {"dim": 1})])
def test_cosine_similarity(torch, shapes, kw):
    r = np.random.default_rng(2)
    both(torch, "cosine_similarity", [r.standard_normal(s) for s in shapes], **kw)


def test_cosine_similarity_clamps_each_norm_at_eps(torch):
    both(torch, "cosine_similarity", [np.array([[1e-5, 0.0]]), np.array([[1e-5, 3e-6]])], eps=1e-3)
    both(torch, "cosine_similarity", [np.array([[1e-5, 0.0]]), np.array([[1.0, 0.5]])], eps=1e-3)


@pytest.mark.parametrize("kw", [{}, {"p": 1.0}, {"p": 3.0}, {"p": float("inf")}, {"keepdim": True},
                                {"eps": 0.0}, {"p": 0.0}])
def test_pairwise_distance(torch, kw):
    both(torch, "pairwise_distance", [A, B], **kw)


@pytest.mark.parametrize("shapes", [((5,), (5,)), ((4, 5), (5,)), ((2, 4, 5), (4, 5))])
def test_pairwise_distance_shapes(torch, shapes):
    r = np.random.default_rng(3)
    both(torch, "pairwise_distance", [r.standard_normal(s) for s in shapes])


def test_pairwise_distance_of_equal_inputs_without_eps_has_zero_gradient(torch):
    both(torch, "pairwise_distance", [A, A.copy()], eps=0.0)


def test_float32_stays_float32():
    x, y = mg.tensor(A.astype(np.float32)), mg.tensor(B.astype(np.float32))
    for out in (F.normalize(x), F.cosine_similarity(x, y), F.pairwise_distance(x, y)):
        assert out.dtype == np.float32


def test_modules_match_pytorch(torch):
    for m, tm in ((nn.CosineSimilarity(), torch.nn.CosineSimilarity()),
                  (nn.CosineSimilarity(dim=0, eps=1e-3), torch.nn.CosineSimilarity(dim=0, eps=1e-3)),
                  (nn.PairwiseDistance(), torch.nn.PairwiseDistance()),
                  (nn.PairwiseDistance(p=1.0, keepdim=True), torch.nn.PairwiseDistance(p=1.0, keepdim=True))):
        assert repr(m) == repr(tm)
        np.testing.assert_allclose(m(mg.tensor(A), mg.tensor(B)).numpy(),
                                   tm(torch.tensor(A), torch.tensor(B)).numpy(), rtol=1e-12)


def test_bad_input():
    x = mg.tensor(A)
    with pytest.raises(ShapeError, match="cosine_similarity"):
        F.cosine_similarity(x, mg.tensor(np.ones((3, 5))))
    with pytest.raises(ShapeError, match="pairwise_distance"):
        F.pairwise_distance(x, mg.tensor(np.ones((4, 3))))
    with pytest.raises(DTypeError, match="normalize"):
        F.normalize(mg.tensor([1, 2]))
    with pytest.raises(ArgumentError, match="p must be"):
        F.pairwise_distance(x, x, p=-1.0)
    with pytest.raises(IndexError):
        F.normalize(x, dim=2)
