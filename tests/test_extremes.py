"""Numerical extremes: huge logits, saturated activations, equal and -inf inputs, fully masked
attention, constant inputs to variance and normalisation.

Every test runs with NumPy's floating point warnings turned into errors (divide by zero,
overflow, invalid operation; underflow to 0 is fine) and RuntimeWarnings as errors, so an op
that computes an inf or a nan on the way, even one it later discards, fails here.

The results are finite, or follow a stated rule:
- softmax / log_softmax of a slice that is all -inf: nan, as in PyTorch (there is no
  distribution to give); -inf entries beside finite ones get probability 0 (log -inf) and no
  gradient.
- attention: a query row that may see no key gives 0 (PyTorch gives nan), gradients 0.
- var with n <= correction (one element, unbiased): nan, gradient nan, as in PyTorch.
- std of a constant: 0, gradient 0 (PyTorch's rule).
- binary_cross_entropy at probabilities 0 and 1: each log is clamped at -100 (PyTorch's rule).
"""

import math
import warnings

import numpy as np
import pytest

import minigrad
from minigrad import nn
from minigrad.nn import functional as F
from minigrad.ops.attention import scaled_dot_product_attention

FLOATS = ["float32", "float64"]


@pytest.fixture(autouse=True)
def no_float_warnings():
    with warnings.catch_warnings(), np.errstate(divide="raise", over="raise", invalid="raise", under="ignore"):
        warnings.simplefilter("error", RuntimeWarning)
        yield


def T(values, dtype="float64", requires_grad=True):
    return minigrad.tensor(np.array(values, dtype=dtype), requires_grad=requires_grad)


def close(t, expected, rtol=1e-6, atol=0.0):
    got = t.numpy() if isinstance(t, minigrad.Tensor) else np.asarray(t)
    np.testing.assert_allclose(got, np.asarray(expected, dtype=np.float64), rtol=rtol, atol=atol)


def finite(*tensors):
    for t in tensors:
        assert np.isfinite(t.numpy()).all(), t


# ---- losses at logits of +-1e4 ---------------------------------------------------------------------
@pytest.mark.parametrize("dtype", FLOATS)
def test_cross_entropy_at_huge_logits(dtype):
    x = T([[1e4, -1e4, 0.0], [-1e4, 1e4, 0.0], [0.0, 0.0, -1e4]], dtype)
    loss = F.cross_entropy(x, np.array([0, 0, 2]), reduction="none")
    # -log softmax: 0 for a target far ahead, 2e4 for one 2e4 behind, log 2 + 1e4 for the last row
    close(loss, [0.0, 2e4, 1e4 + math.log(2)])
    loss.sum().backward()
    close(x.grad, [[0, 0, 0], [-1, 1, 0], [0.5, 0.5, -1]], atol=1e-7)  # softmax - one-hot
    smoothed = F.cross_entropy(x, np.array([0, 0, 2]), label_smoothing=0.1)
    finite(smoothed)


@pytest.mark.parametrize("dtype", FLOATS)
def test_bce_with_logits_at_huge_logits(dtype):
    x = T([1e4, -1e4, 1e4, -1e4], dtype)
    t = T([1.0, 0.0, 0.0, 1.0], dtype, requires_grad=False)
    loss = F.binary_cross_entropy_with_logits(x, t, reduction="none")
    close(loss, [0.0, 0.0, 1e4, 1e4])
    loss.sum().backward()
    close(x.grad, [0.0, 0.0, 1.0, -1.0])  # sigmoid(x) - t
    weighted = F.binary_cross_entropy_with_logits(x, t, pos_weight=T([3.0], dtype, False))
    finite(weighted)
    close(weighted, (0 + 0 + 1e4 + 3e4) / 4)


def test_bce_on_probabilities_0_and_1_clamps_the_log():
    x = T([0.0, 1.0, 1.0, 0.0])
    loss = F.binary_cross_entropy(x, T([1.0, 0.0, 1.0, 0.0], requires_grad=False), reduction="none")
    close(loss, [100.0, 100.0, 0.0, 0.0])
    loss.sum().backward()
    finite(x.grad)  # (x - t) / max(x (1 - x), 1e-12), as PyTorch


# ---- saturated activations ------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["float16"] + FLOATS)
@pytest.mark.parametrize("name, values, slopes", [
    ("sigmoid", [1.0, 0.0, 0.5], [0.0, 0.0, 0.25]),
    ("tanh", [1.0, -1.0, 0.0], [0.0, 0.0, 1.0]),
    ("softplus", [1e4, 0.0, math.log(2)], [1.0, 0.0, 0.5]),
])
def test_activations_at_plus_minus_1e4(name, values, slopes, dtype):
    x = T([1e4, -1e4, 0.0], dtype)
    y = getattr(minigrad, name)(x)
    assert y.dtype == np.dtype(dtype)
    rtol = 1e-3 if dtype == "float16" else 1e-6
    close(y, values, rtol=rtol)
    y.sum().backward()
    close(x.grad, slopes, rtol=rtol)


# ---- softmax and log_softmax ------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("c", [0.0, 3.0, 1e4, -1e4])
def test_log_softmax_of_equal_inputs(c, dtype):
    x = T(np.full((2, 5), c), dtype)
    y = F.log_softmax(x, dim=-1)
    close(y, np.full((2, 5), -math.log(5)))
    close(F.softmax(x, dim=-1), np.full((2, 5), 0.2))
    close(F.cross_entropy(x, np.array([1, 4])), math.log(5))
    (y * T(np.arange(10.0).reshape(2, 5), dtype, False)).sum().backward()
    finite(x.grad)
    close(x.grad.sum(), 0.0, atol=1e-5)  # log_softmax is shift invariant: gradients sum to 0 per row


@pytest.mark.parametrize("dtype", FLOATS)
def test_minus_inf_entries_get_probability_zero(dtype):
    x = T([[0.0, -np.inf, 1.0], [-np.inf, 2.0, -np.inf]], dtype)
    p = F.softmax(x, dim=-1)
    e = math.exp(-1.0)
    close(p, [[e / (1 + e), 0.0, 1 / (1 + e)], [0.0, 1.0, 0.0]])
    logp = F.log_softmax(x, dim=-1)
    assert np.isneginf(logp.numpy()[[0, 1, 1], [1, 0, 2]]).all()
    close(logp.numpy()[1, 1], 0.0)
    # a masked vocabulary: the loss on a reachable class is finite, and so is every gradient
    loss = F.nll_loss(logp, np.array([2, 1]))
    (loss + (p * T([[1.0, 2.0, 3.0]], dtype, False)).sum()).backward()
    finite(loss, x.grad)
    assert x.grad.numpy()[0, 1] == 0 and x.grad.numpy()[1, 0] == 0 and x.grad.numpy()[1, 2] == 0


def test_a_slice_of_all_minus_inf_gives_nan_as_pytorch():
    """No distribution over nothing: nan (PyTorch's answer), computed without a warning."""
    x = T([[-np.inf, -np.inf, -np.inf], [0.0, 1.0, 2.0]])
    p, logp = F.softmax(x, dim=-1), F.log_softmax(x, dim=-1)
    assert np.isnan(p.numpy()[0]).all() and np.isnan(logp.numpy()[0]).all()
    finite(p[1], logp[1])
    assert np.isneginf(minigrad.logsumexp(x, dim=-1).numpy()[0])  # log of an empty sum: -inf


# ---- attention with fully masked rows ---------------------------------------------------------------
@pytest.mark.parametrize("dtype", FLOATS)
def test_fully_masked_attention_rows_give_zero(dtype):
    rng = np.random.default_rng(0)
    q, k, v = (T(rng.standard_normal(s), dtype) for s in ((2, 3, 4), (2, 5, 4), (2, 5, 2)))
    mask = np.ones((3, 5), dtype=bool)
    mask[1] = False  # query 1 may look at nothing
    out = scaled_dot_product_attention(q, k, v, attn_mask=mask)
    close(out.numpy()[:, 1], np.zeros((2, 2)))
    finite(out)
    out.sum().backward()
    finite(q.grad, k.grad, v.grad)
    close(q.grad.numpy()[:, 1], np.zeros((2, 4)))


def test_multihead_attention_with_every_key_padded():
    minigrad.manual_seed(0)
    mha = nn.MultiheadAttention(4, 2, batch_first=True)
    x = minigrad.randn(2, 3, 4, requires_grad=True)
    padding = np.array([[False, False, True], [True, True, True]])  # sequence 1 is all padding
    out, weights = mha(x, x, x, key_padding_mask=padding)
    finite(out, weights)
    close(weights.numpy()[1], np.zeros((3, 3)))
    close(out.numpy()[1], np.broadcast_to(mha.out_proj.bias.numpy(), (3, 4)), atol=1e-7)
    out.sum().backward()
    finite(x.grad)


# ---- spread of a constant -----------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", FLOATS)
def test_variance_and_std_of_a_constant(dtype):
    x = T(np.full((3, 4), 2.5), dtype)
    v, s = x.var(), x.std(dim=1)
    close(v, 0.0)
    close(s, np.zeros(3))
    (v + s.sum()).backward()
    close(x.grad, np.zeros((3, 4)))  # std's gradient at zero spread is 0, as in PyTorch


def test_std_gradient_away_from_zero_is_unchanged():
    x = T([[1.0, 2.0, 4.0], [3.0, 3.0, 3.0]])
    s = x.std(dim=1)
    s.sum().backward()
    xs = np.array([1.0, 2.0, 4.0])
    close(x.grad.numpy()[0], (xs - xs.mean()) / (2 * np.std(xs, ddof=1)))  # (x - m) / ((n-1) std)
    close(x.grad.numpy()[1], np.zeros(3))


def test_variance_of_one_element_is_nan_as_pytorch():
    x = T([2.5])
    v = x.var()  # unbiased: 0 / 0
    assert np.isnan(v.item())
    v.backward()
    assert np.isnan(x.grad.numpy()).all()
    close(x.var(correction=0), 0.0)


@pytest.mark.parametrize("dtype", FLOATS)
def test_normalising_a_constant_is_finite(dtype):
    x = T(np.full((4, 3), 7.0), dtype)
    weight, bias = T([1.0, 2.0, 3.0], dtype), T([0.5, -0.5, 0.0], dtype)
    y = F.layer_norm(x, (3,), weight, bias)
    close(y, np.broadcast_to(bias.numpy(), (4, 3)))
    z = F.batch_norm(x, None, None, weight, bias, training=True)
    close(z, np.broadcast_to(bias.numpy(), (4, 3)))
    (y.sum() + z.sum()).backward()
    finite(x.grad, weight.grad, bias.grad)
