"""Embedding's max_norm, scale_grad_by_freq and from_pretrained, and EmbeddingBag /
F.embedding_bag, against torch and against their formulas; bad input.
(Gradients of the bag modes are checked by finite differences in the registry:
minigrad/testing/entries/embedding_bag.py.)
"""

import inspect

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad.errors import ArgumentError, DTypeError, IndexOutOfRange, ShapeError

FLAT = np.array([1, 2, 2, 5, 0, 3, 3, 3])
OFFSETS = np.array([0, 3, 3, 5])  # bags [1 2 2], [], [5 0], [3 3 3]


def weights(seed=0, shape=(6, 3)):
    return np.random.default_rng(seed).standard_normal(shape)


def test_signatures_match_torch(torch):
    for name in ("Embedding", "EmbeddingBag"):
        ours = list(inspect.signature(getattr(nn, name)).parameters)
        theirs = list(inspect.signature(getattr(torch.nn, name)).parameters)
        assert ours == theirs, name
    for name in ("embedding", "embedding_bag"):
        assert list(inspect.signature(getattr(F, name)).parameters) == \
               list(inspect.signature(getattr(torch.nn.functional, name)).parameters)
    assert list(inspect.signature(nn.Embedding.from_pretrained).parameters) == \
           list(inspect.signature(torch.nn.Embedding.from_pretrained).parameters)
    assert list(inspect.signature(nn.EmbeddingBag.from_pretrained).parameters) == \
           list(inspect.signature(torch.nn.EmbeddingBag.from_pretrained).parameters)


@pytest.mark.parametrize("norm_type", [2.0, 1.0, float("inf")])
def test_max_norm_renormalises_looked_up_rows_in_place(torch, norm_type):
    w = weights() * 2
    t = torch.nn.Embedding(6, 3, max_norm=1.5, norm_type=norm_type, _weight=torch.tensor(w))
    m = nn.Embedding(6, 3, max_norm=1.5, norm_type=norm_type, _weight=mg.tensor(w))
    ids = np.array([[1, 2, 2], [5, 1, 0]])
    t_out, m_out = t(torch.tensor(ids)), m(mg.tensor(ids))
    np.testing.assert_allclose(m_out.numpy(), t_out.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(m.weight.numpy(), t.weight.detach().numpy(), rtol=1e-12)
    norms = np.linalg.norm(m.weight.numpy(), ord=norm_type, axis=1)
    assert np.all(norms[[0, 1, 2, 5]] <= 1.5 + 1e-6)
    np.testing.assert_array_equal(m.weight.numpy()[[3, 4]], w[[3, 4]])  # rows not looked up: untouched
    g = np.random.default_rng(1).standard_normal(t_out.shape)
    (t_out * torch.tensor(g)).sum().backward()
    (m_out * mg.tensor(g)).sum().backward()
    np.testing.assert_allclose(m.weight.grad.numpy(), t.weight.grad.numpy(), rtol=1e-12)
    assert m.weight.grad_fn is None and m.weight.is_leaf  # the renorm is not in the graph


@pytest.mark.parametrize("padding_idx", [None, 2])
def test_scale_grad_by_freq_matches_torch(torch, padding_idx):
    w = weights()
    t = torch.nn.Embedding(6, 3, padding_idx=padding_idx, scale_grad_by_freq=True, _weight=torch.tensor(w))
    m = nn.Embedding(6, 3, padding_idx=padding_idx, scale_grad_by_freq=True, _weight=mg.tensor(w))
    ids = np.array([[1, 2, 2], [5, 2, 1]])
    g = np.random.default_rng(2).standard_normal((2, 3, 3))
    (t(torch.tensor(ids)) * torch.tensor(g)).sum().backward()
    (m(mg.tensor(ids)) * mg.tensor(g)).sum().backward()
    np.testing.assert_allclose(m.weight.grad.numpy(), t.weight.grad.numpy(), rtol=1e-12)
    assert repr(m).endswith("scale_grad_by_freq=True)")


def test_from_pretrained_like_torch(torch):
    w = mg.tensor(weights())
    emb = nn.Embedding.from_pretrained(w, freeze=False, padding_idx=1, max_norm=10.0)
    assert emb.weight.requires_grad and emb.padding_idx == 1 and emb.max_norm == 10.0
    np.testing.assert_array_equal(emb.weight.numpy()[1], w.numpy()[1])  # the padding row is kept
    with mg.no_grad():
        emb.weight.mul_(2.0)
    np.testing.assert_array_equal(w.numpy(), emb.weight.numpy())  # shares memory, as torch's does
    assert not nn.Embedding.from_pretrained(w).weight.requires_grad
    bag = nn.EmbeddingBag.from_pretrained(w, mode="max")
    assert not bag.weight.requires_grad and bag.mode == "max"
    with pytest.raises(ShapeError, match="2-D"):
        nn.Embedding.from_pretrained(mg.ones(3))


# ---- EmbeddingBag --------------------------------------------------------------------------------------
def bag_pair(torch, inp, offsets=None, psw=None, seed=0, **kwargs):
    w = weights(seed)
    t = torch.nn.EmbeddingBag(6, 3, _weight=torch.tensor(w), **kwargs)
    m = nn.EmbeddingBag(6, 3, _weight=mg.tensor(w), **kwargs)
    t_args, m_args = [torch.tensor(inp)], [mg.tensor(inp)]
    if offsets is not None:
        t_args.append(torch.tensor(offsets))
        m_args.append(mg.tensor(offsets))
    t_psw = m_psw = None
    if psw is not None:
        t_psw, m_psw = torch.tensor(psw, requires_grad=True), mg.tensor(psw, requires_grad=True)
    t_out = t(*t_args, per_sample_weights=t_psw)
    m_out = m(*m_args, per_sample_weights=m_psw)
    np.testing.assert_allclose(m_out.numpy(), t_out.detach().numpy(), rtol=1e-12, atol=1e-15)
    g = np.random.default_rng(seed + 1).standard_normal(t_out.shape)
    (t_out * torch.tensor(g)).sum().backward()
    (m_out * mg.tensor(g)).sum().backward()
    np.testing.assert_allclose(m.weight.grad.numpy(), t.weight.grad.numpy(), rtol=1e-12, atol=1e-15)
    if psw is not None:
        np.testing.assert_allclose(m_psw.grad.numpy(), t_psw.grad.numpy(), rtol=1e-12)
    return m, m_out


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
@pytest.mark.parametrize("form", ["offsets", "2-D", "include_last_offset", "padding_idx"])
def test_embedding_bag_matches_torch(torch, mode, form):
    if form == "offsets":
        m, out = bag_pair(torch, FLAT, OFFSETS, mode=mode)
        np.testing.assert_array_equal(out.numpy()[1], 0)  # the empty bag
    elif form == "2-D":
        m, out = bag_pair(torch, FLAT.reshape(2, 4), mode=mode)
    elif form == "include_last_offset":
        m, out = bag_pair(torch, FLAT, np.append(OFFSETS, 8), mode=mode, include_last_offset=True)
    else:
        m, out = bag_pair(torch, FLAT, OFFSETS, mode=mode, padding_idx=3)
        np.testing.assert_array_equal(out.numpy()[3], 0)  # a bag of padding only is empty
    assert out.shape == (2 if form == "2-D" else 4, 3)


def test_embedding_bag_per_sample_weights_and_max_norm(torch):
    psw = np.random.default_rng(3).standard_normal(8)
    bag_pair(torch, FLAT, OFFSETS, psw=psw, mode="sum")
    bag_pair(torch, FLAT.reshape(4, 2), psw=psw.reshape(4, 2), mode="sum", padding_idx=2)
    m, _ = bag_pair(torch, FLAT, OFFSETS, mode="mean", max_norm=0.8)
    assert np.all(np.linalg.norm(m.weight.numpy()[[0, 1, 2, 3, 5]], axis=1) <= 0.8 + 1e-6)


def test_embedding_bag_max_tie_goes_to_the_first(torch):
    w = np.array([[1.0, 5.0], [1.0, 2.0], [0.0, 5.0]])
    tw, mw = torch.tensor(w, requires_grad=True), mg.tensor(w, requires_grad=True)
    ids = np.array([[0, 1, 2]])
    torch.nn.functional.embedding_bag(torch.tensor(ids), tw, mode="max").sum().backward()
    F.embedding_bag(mg.tensor(ids), mw, mode="max").sum().backward()
    np.testing.assert_array_equal(mw.grad.numpy(), tw.grad.numpy())
    np.testing.assert_array_equal(mw.grad.numpy(), [[1, 1], [0, 0], [0, 0]])


@pytest.mark.parametrize("mode", ["sum", "mean"])
def test_embedding_bag_scale_grad_by_freq_formula(mode):
    """dL/dW[r] = (1 / count_r) * sum over the positions holding r of the bag's gradient (/ n_b
    for mean), count_r over the whole input: the rule Embedding follows. (torch's CPU
    embedding_bag kernel divides by another row's count there, so it is not the reference.)"""
    w = mg.tensor(weights(), requires_grad=True)
    out = F.embedding_bag(mg.tensor(FLAT), w, mg.tensor(OFFSETS), mode=mode, scale_grad_by_freq=True)
    g = np.random.default_rng(4).standard_normal(out.shape)
    (out * mg.tensor(g)).sum().backward()
    bag_of = np.searchsorted(OFFSETS, np.arange(8), side="right") - 1
    sizes = np.bincount(bag_of, minlength=4)
    want = np.zeros((6, 3))
    for p, r in enumerate(FLAT):
        want[r] += g[bag_of[p]] / (sizes[bag_of[p]] if mode == "mean" else 1)
    counts = np.bincount(FLAT, minlength=6)
    want /= np.maximum(counts, 1)[:, None]
    np.testing.assert_allclose(w.grad.numpy(), want, rtol=1e-12)


def test_embedding_bag_float32_and_repr(torch):
    m = nn.EmbeddingBag(6, 3, mode="sum", padding_idx=0)
    out = m(mg.tensor(FLAT), mg.tensor(OFFSETS))
    assert out.dtype == mg.float32
    assert not m.weight.numpy()[0].any()
    assert repr(m) == repr(torch.nn.EmbeddingBag(6, 3, mode="sum", padding_idx=0))
    assert repr(nn.EmbeddingBag(5, 3)) == "EmbeddingBag(5, 3, mode='mean')"


def test_embedding_bag_bad_input():
    w = mg.randn(6, 3)
    inp, off = mg.tensor(FLAT), mg.tensor(OFFSETS)
    with pytest.raises(ArgumentError, match="mode has to be one of sum, mean or max"):
        F.embedding_bag(inp, w, off, mode="median")
    with pytest.raises(ArgumentError, match="mode"):
        nn.EmbeddingBag(6, 3, mode="median")
    with pytest.raises(NotImplementedError, match="only supported for mode='sum'"):  # as torch
        F.embedding_bag(inp, w, off, mode="mean", per_sample_weights=mg.ones(8))
    with pytest.raises(ShapeError, match="per_sample_weights of shape"):
        F.embedding_bag(inp, w, off, mode="sum", per_sample_weights=mg.ones(7))
    with pytest.raises(DTypeError, match="per_sample_weights has dtype"):
        F.embedding_bag(inp, w, off, mode="sum", per_sample_weights=mg.ones(8, dtype=mg.float64))
    with pytest.raises(ValueError, match="offsets has to be a 1D Tensor"):  # torch: ValueError
        F.embedding_bag(inp, w)
    with pytest.raises(ValueError, match="if input is 2D, then offsets has to be None"):
        F.embedding_bag(inp.reshape(2, 4), w, mg.tensor([0]))
    with pytest.raises(RuntimeError, match=r"offsets\[0\] has to be 0"):  # torch: RuntimeError
        F.embedding_bag(inp, w, mg.tensor([1, 3]))
    with pytest.raises(RuntimeError, match=r"offsets\[-1\] can not be greater than input's length 8"):
        F.embedding_bag(inp, w, mg.tensor([0, 9]))
    with pytest.raises(ShapeError, match="non-decreasing"):
        F.embedding_bag(inp, w, mg.tensor([0, 5, 3]))
    with pytest.raises(IndexOutOfRange, match="index 7"):
        F.embedding_bag(mg.tensor([1, 7]), w, mg.tensor([0]))
    with pytest.raises(DTypeError, match="integer"):
        F.embedding_bag(mg.tensor([1.0, 2.0]), w, mg.tensor([0]))
    with pytest.raises(ArgumentError, match="max mode does not support"):
        F.embedding_bag(inp, w, off, mode="max", scale_grad_by_freq=True)
    with pytest.raises(ShapeError, match="1D or 2D"):
        F.embedding_bag(mg.tensor(FLAT.reshape(2, 2, 2)), w)
    with pytest.raises(AssertionError, match="padding_idx"):  # torch asserts it
        nn.EmbeddingBag(6, 3, padding_idx=6)
    with pytest.raises(ArgumentError, match="max_norm must be positive"):
        F.embedding(inp, w, max_norm=-1.0)
