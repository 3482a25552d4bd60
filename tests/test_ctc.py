"""ctc_loss and nn.CTCLoss against PyTorch (through log_softmax, the documented use), against a
brute-force sum over every alignment, finite differences on the log-probabilities themselves,
the batch handled without a loop (sequences of different lengths), and bad input."""

import itertools

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.errors import GraphError
from minigrad.nn import functional as F
from minigrad.testing import gradcheck


def collapse(path, blank):
    """The labels an alignment stands for: merge repeats, then drop blanks."""
    out, prev = [], None
    for k in path:
        if k != prev and k != blank:
            out.append(k)
        prev = k
    return out


def brute_force_nll(lp, target, blank):
    """-log of the summed probability of every alignment of ``target`` (tiny T and C only)."""
    t_max, c = lp.shape
    total = 0.0
    for path in itertools.product(range(c), repeat=t_max):
        if collapse(path, blank) == list(target):
            total += np.exp(sum(lp[t, k] for t, k in enumerate(path)))
    return -np.log(total)


def test_matches_a_sum_over_every_alignment():
    r = np.random.default_rng(0)
    for target, blank in (([1, 2], 0), ([1, 1], 0), ([2], 1), ([], 0), ([0, 2, 2], 1)):
        lp = np.log(r.dirichlet(np.ones(3), 5))
        loss = F.ctc_loss(mg.tensor(lp), mg.tensor(np.array(target, dtype=np.int64)), [5], [len(target)],
                          blank=blank, reduction="sum")
        np.testing.assert_allclose(loss.numpy(), brute_force_nll(lp, target, blank), rtol=1e-12)


def ctc_both(torch, x, targets, in_len, tg_len, dtype=np.float64, **kw):
    """ctc_loss(log_softmax(x)) in minigrad and in torch: losses and gradients with respect to x."""
    x = x.astype(dtype)
    mx = mg.tensor(x, requires_grad=True)
    tx = torch.tensor(x, requires_grad=True)
    axis = x.ndim - 1
    m = F.ctc_loss(F.log_softmax(mx, axis), mg.tensor(targets), mg.tensor(in_len), mg.tensor(tg_len), **kw)
    t = torch.nn.functional.ctc_loss(torch.log_softmax(tx, axis), torch.tensor(targets), torch.tensor(in_len),
                                     torch.tensor(tg_len), **kw)
    tol = 1e-10 if dtype == np.float64 else 2e-5
    assert m.dtype == dtype and m.shape == tuple(t.shape)
    np.testing.assert_allclose(m.numpy(), t.detach().numpy(), rtol=tol, atol=tol)
    g = np.random.default_rng(1).uniform(0.5, 1.5, m.shape).astype(dtype)
    m.backward(mg.tensor(g))
    t.backward(torch.tensor(g))
    np.testing.assert_allclose(mx.grad.numpy(), tx.grad.numpy(), rtol=tol, atol=tol)
    return m


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("blank", [0, 3])
def test_padded_targets_of_different_lengths_match_pytorch(torch, dtype, reduction, blank):
    r = np.random.default_rng(2)
    t_max, n, c = 12, 4, 5
    labels = [k for k in range(c) if k != blank]
    targets = r.choice(labels, size=(n, 5))
    targets[0, 1] = targets[0, 0]  # a repeated label needs a blank between its copies
    in_len, tg_len = np.array([12, 9, 7, 12]), np.array([5, 3, 1, 4])
    ctc_both(torch, r.standard_normal((t_max, n, c)) * 2, targets, in_len, tg_len, dtype,
             blank=blank, reduction=reduction)


def test_concatenated_targets_match_padded_ones(torch):
    r = np.random.default_rng(3)
    padded = np.array([[1, 2, 2], [3, 1, 0], [2, 0, 0]])
    tg_len = np.array([3, 2, 1])
    flat = np.concatenate([padded[i, :tg_len[i]] for i in range(3)])
    x = r.standard_normal((8, 3, 4))
    a = ctc_both(torch, x, flat, np.array([8, 8, 5]), tg_len, reduction="none")
    b = ctc_both(torch, x, padded, np.array([8, 8, 5]), tg_len, reduction="none")
    np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-14)


def test_unbatched_input(torch):
    r = np.random.default_rng(4)
    ctc_both(torch, r.standard_normal((6, 4)), np.array([1, 3]), np.array(6), np.array(2), reduction="none")
    ctc_both(torch, r.standard_normal((6, 4)), np.array([1, 3]), np.array(6), np.array(2))


def test_impossible_alignments_are_inf_or_zero_with_zero_infinity(torch):
    r = np.random.default_rng(5)
    x = r.standard_normal((3, 2, 4))
    targets = np.array([[1, 1, 2], [1, 2, 0]])  # row 0 needs 4 steps (1, blank, 1, 2), it has 3
    in_len, tg_len = np.array([3, 3]), np.array([3, 2])
    loss = F.ctc_loss(F.log_softmax(mg.tensor(x), 2), mg.tensor(targets), in_len, tg_len, reduction="none")
    assert np.isinf(loss.numpy()[0]) and np.isfinite(loss.numpy()[1])
    ctc_both(torch, x, targets, in_len, tg_len, reduction="sum", zero_infinity=True)
    ctc_both(torch, x, targets, in_len, tg_len, reduction="mean", zero_infinity=True)


def test_gradient_with_respect_to_the_log_probabilities_passes_gradcheck():
    r = np.random.default_rng(6)
    lp = mg.tensor(np.log(r.dirichlet(np.ones(4), (5, 2))), requires_grad=True)
    targets, in_len, tg_len = mg.tensor(np.array([[1, 1], [2, 3]])), [5, 4], [2, 2]
    assert gradcheck(lambda a: F.ctc_loss(a, targets, in_len, tg_len, reduction="mean"), [lp])
    # not only normalised inputs: the derivative is the true one for any log_probs
    raw = mg.tensor(r.standard_normal((5, 2, 4)), requires_grad=True)
    assert gradcheck(lambda a: F.ctc_loss(a, targets, in_len, tg_len, reduction="sum"), [raw])


def test_second_derivative_is_refused_with_a_graph_error():
    x = mg.tensor(np.random.default_rng(7).standard_normal((4, 1, 3)), requires_grad=True)
    loss = F.ctc_loss(F.log_softmax(x, 2), mg.tensor(np.array([[1, 2]])), [4], [2])
    (g,) = mg.grad(loss, [x], create_graph=True)  # the first derivative itself is fine
    with pytest.raises(GraphError, match="ctc_loss"):
        g.sum().backward()


def test_module_matches_functional(torch):
    r = np.random.default_rng(8)
    x = r.standard_normal((6, 2, 4))
    targets, in_len, tg_len = np.array([[1, 2], [3, 0]]), np.array([6, 5]), np.array([2, 1])
    m, tm = nn.CTCLoss(blank=0, reduction="sum", zero_infinity=True), torch.nn.CTCLoss(0, "sum", True)
    assert repr(m) == repr(tm)
    out = m(F.log_softmax(mg.tensor(x), 2), mg.tensor(targets), mg.tensor(in_len), mg.tensor(tg_len))
    expected = tm(torch.log_softmax(torch.tensor(x), 2), torch.tensor(targets), torch.tensor(in_len),
                  torch.tensor(tg_len))
    np.testing.assert_allclose(out.numpy(), expected.numpy(), rtol=1e-12)


def test_bad_input():
    lp = F.log_softmax(mg.tensor(np.zeros((4, 2, 3))), 2)
    targets = mg.tensor(np.array([[1, 2], [2, 1]]))
    with pytest.raises(RuntimeError, match="input_lengths"):
        F.ctc_loss(lp, targets, [5, 4], [2, 2])
    with pytest.raises(IndexError, match="target labels"):
        F.ctc_loss(lp, mg.tensor(np.array([[1, 3], [1, 1]])), [4, 4], [2, 2])
    with pytest.raises(ValueError, match="blank"):
        F.ctc_loss(lp, mg.tensor(np.array([[1, 0], [1, 1]])), [4, 4], [2, 2])
    with pytest.raises(ValueError, match="one entry per sequence"):
        F.ctc_loss(lp, targets, [4], [2, 2])
    with pytest.raises(ValueError, match="target_lengths"):
        F.ctc_loss(lp, targets, [4, 4], [3, 2])
    with pytest.raises(ValueError, match="sum"):
        F.ctc_loss(lp, mg.tensor(np.array([1, 2, 2])), [4, 4], [2, 2])
    with pytest.raises(TypeError, match="log_probs"):
        F.ctc_loss(mg.tensor(np.zeros((4, 2, 3), dtype=np.int64)), targets, [4, 4], [2, 2])
    with pytest.raises(IndexError, match="blank"):
        F.ctc_loss(lp, targets, [4, 4], [2, 2], blank=3)
    with pytest.raises(ValueError, match="reduction"):
        F.ctc_loss(lp, targets, [4, 4], [2, 2], reduction="avg")
