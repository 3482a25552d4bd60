"""Attention: F.scaled_dot_product_attention and nn.MultiheadAttention against torch, gradients,
fully masked rows, dropout and bad input.

Parity: float64 outputs and gradients within 1e-10, float32 within 1e-5.
"""

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad.errors import ArgumentAssertionError, ArgumentError, DTypeError, ShapeError
from minigrad.testing import gradcheck, gradgradcheck

TOL = {np.float64: 1e-10, np.float32: 1e-5}


def close(got, want, dtype):
    got = got.numpy() if isinstance(got, mg.Tensor) else np.asarray(got)
    want = want.detach().numpy() if hasattr(want, "detach") else np.asarray(want)
    assert got.dtype == np.dtype(dtype), f"dtype {got.dtype}, expected {np.dtype(dtype)}"
    np.testing.assert_allclose(got, want, rtol=TOL[dtype], atol=TOL[dtype])


def leaves(torch, rng, dtype, *shapes):
    """For each shape, the same random values as a torch leaf and a minigrad leaf."""
    pairs = []
    for s in shapes:
        a = rng.standard_normal(s).astype(dtype)
        pairs.append((torch.tensor(a, requires_grad=True), mg.tensor(a, requires_grad=True)))
    return pairs


def tdtype(torch, dtype):
    return torch.float64 if dtype == np.float64 else torch.float32


# ---- scaled_dot_product_attention -----------------------------------------------------------------------
def _bool_mask(rng, shape):
    mask = rng.random(shape) < 0.6
    mask[..., 0] = True  # every query sees at least one key
    return mask


SDPA_CASES = {
    "plain": dict(),
    "bool mask (L, S)": dict(mask="bool", mask_shape=(4, 6)),
    "bool mask (N, 1, L, S)": dict(mask="bool", mask_shape=(2, 1, 4, 6)),
    "float mask (N, H, L, S)": dict(mask="float", mask_shape=(2, 3, 4, 6)),
    "causal": dict(is_causal=True),
    "scale": dict(scale=0.7),
    "self, causal, square": dict(is_causal=True, square=True),
}


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", list(SDPA_CASES))
def test_sdpa_matches_torch(torch, case, dtype):
    opts = dict(SDPA_CASES[case])
    rng = np.random.default_rng(0)
    rows, cols = (6, 6) if opts.pop("square", False) else (4, 6)
    (tq, mq), (tk, mk), (tv, mv) = leaves(torch, rng, dtype, (2, 3, rows, 5), (2, 3, cols, 5), (2, 3, cols, 7))
    t_kw, m_kw = {}, {}
    kind, shape = opts.pop("mask", None), opts.pop("mask_shape", None)
    if kind == "bool":
        mask = _bool_mask(rng, shape)
        t_kw["attn_mask"], m_kw["attn_mask"] = torch.from_numpy(mask), mg.tensor(mask)
    elif kind == "float":
        (t_kw["attn_mask"], m_kw["attn_mask"]), = leaves(torch, rng, dtype, shape)
    t_kw.update(opts)
    m_kw.update(opts)
    t_out = torch.nn.functional.scaled_dot_product_attention(tq, tk, tv, **t_kw)
    m_out = F.scaled_dot_product_attention(mq, mk, mv, **m_kw)
    assert m_out.shape == (2, 3, rows, 7)
    close(m_out, t_out, dtype)
    w = rng.standard_normal(t_out.shape).astype(dtype)
    (t_out * torch.from_numpy(w)).sum().backward()
    (m_out * mg.tensor(w)).sum().backward()
    for t, m in ((tq, mq), (tk, mk), (tv, mv)):
        close(m.grad, t.grad, dtype)
    if kind == "float":  # the additive mask gets a gradient too
        close(m_kw["attn_mask"].grad, t_kw["attn_mask"].grad, dtype)


def test_sdpa_broadcasts_batch_axes(torch):
    rng = np.random.default_rng(1)
    (tq, mq), (tk, mk), (tv, mv) = leaves(torch, rng, np.float64, (2, 1, 4, 3), (3, 5, 3), (5, 2))
    t_out = torch.nn.functional.scaled_dot_product_attention(tq, tk, tv)
    m_out = F.scaled_dot_product_attention(mq, mk, mv)
    close(m_out, t_out, np.float64)
    t_out.sum().backward()
    m_out.sum().backward()
    for t, m in ((tq, mq), (tk, mk), (tv, mv)):
        close(m.grad, t.grad, np.float64)


def test_fully_masked_rows_give_zeros_not_nan(torch):
    """The rule: a query that may attend to no key gets output 0 and passes back 0 gradient."""
    rng = np.random.default_rng(2)
    (tq, mq), (tk, mk), (tv, mv) = leaves(torch, rng, np.float64, (2, 4, 3), (2, 5, 3), (2, 5, 2))
    mask = _bool_mask(rng, (2, 4, 5))
    mask[0, 1] = False
    mask[1, 3] = False
    m_out = F.scaled_dot_product_attention(mq, mk, mv, attn_mask=mask)
    out = m_out.numpy()
    assert np.all(np.isfinite(out))
    assert np.all(out[0, 1] == 0) and np.all(out[1, 3] == 0)
    assert np.any(out[0, 0] != 0)
    (m_out * m_out).sum().backward()
    for g in (mq.grad, mk.grad, mv.grad):
        assert np.all(np.isfinite(g.numpy()))
    assert np.all(mq.grad.numpy()[0, 1] == 0) and np.all(mq.grad.numpy()[1, 3] == 0)
    # torch's scaled_dot_product_attention follows the same rule
    t_out = torch.nn.functional.scaled_dot_product_attention(tq, tk, tv, attn_mask=torch.from_numpy(mask))
    close(m_out, t_out, np.float64)
    (t_out * t_out).sum().backward()
    for t, m in ((tq, mq), (tk, mk), (tv, mv)):
        close(m.grad, t.grad, np.float64)
    # an additive mask of -inf behaves the same
    bias = np.where(mask, 0.0, -np.inf)
    np.testing.assert_array_equal(F.scaled_dot_product_attention(mq, mk, mv, attn_mask=mg.tensor(bias)).numpy(), out)
    # gradients are checked away from the masked rows' kinks: there are none, the output is constant 0
    assert gradcheck(lambda q, k, v: F.scaled_dot_product_attention(q, k, v, attn_mask=mask), (mq, mk, mv))


@pytest.mark.parametrize("check", [gradcheck, gradgradcheck])
def test_sdpa_gradcheck(check):
    rng = np.random.default_rng(3)
    q, k, v, b = (mg.tensor(rng.standard_normal(s), requires_grad=True)
                  for s in ((2, 3, 4), (2, 5, 4), (2, 5, 2), (3, 5)))
    mask = _bool_mask(rng, (3, 5))
    assert check(lambda q, k, v: F.scaled_dot_product_attention(q, k, v), (q, k, v))
    assert check(lambda q, k, v: F.scaled_dot_product_attention(q, k, v, attn_mask=mask), (q, k, v))
    assert check(lambda q, k, v, b: F.scaled_dot_product_attention(q, k, v, attn_mask=b), (q, k, v, b))
    assert check(lambda q, k, v: F.scaled_dot_product_attention(q, k, v, is_causal=True, scale=0.4), (q, k, v))


def test_sdpa_dropout():
    rng = np.random.default_rng(4)
    q, k, v = (mg.tensor(rng.standard_normal(s)) for s in ((2, 6, 4), (2, 8, 4), (2, 8, 3)))
    plain = F.scaled_dot_product_attention(q, k, v).numpy()
    mg.manual_seed(0)
    a = F.scaled_dot_product_attention(q, k, v, dropout_p=0.4).numpy()
    mg.manual_seed(0)
    b = F.scaled_dot_product_attention(q, k, v, dropout_p=0.4).numpy()
    np.testing.assert_array_equal(a, b)  # seeded
    assert not np.allclose(a, plain)
    assert np.all(F.scaled_dot_product_attention(q, k, v, dropout_p=1.0).numpy() == 0)
    # unbiased: averaged over many draws, dropout leaves the output unchanged
    big_q = mg.tensor(np.broadcast_to(q.numpy()[:1], (4000,) + q.shape[1:]).copy())
    mean = F.scaled_dot_product_attention(big_q, k[:1], v[:1], dropout_p=0.3).numpy().mean(axis=0)
    np.testing.assert_allclose(mean, plain[0], atol=0.05)


def test_sdpa_float32_stays_float32():
    q = mg.randn(2, 3, 4, requires_grad=True)
    out = F.scaled_dot_product_attention(q, q, q, attn_mask=mg.ones(3, 3, dtype=mg.bool_))
    assert out.dtype == np.float32
    out.sum().backward()
    assert q.grad.dtype == np.float32


def test_sdpa_bad_inputs():
    q, k, v = mg.randn(2, 3, 4), mg.randn(2, 5, 4), mg.randn(2, 5, 6)
    with pytest.raises(ShapeError, match=r"same last dimension.*\(2, 3, 4\) and \(2, 5, 3\)"):
        F.scaled_dot_product_attention(q, mg.randn(2, 5, 3), v)
    with pytest.raises(ShapeError, match="same length"):
        F.scaled_dot_product_attention(q, k, mg.randn(2, 4, 6))
    with pytest.raises(ShapeError, match="at least 2 dimensions"):
        F.scaled_dot_product_attention(mg.randn(4), k, v)
    with pytest.raises(ShapeError, match="batch shapes"):
        F.scaled_dot_product_attention(mg.randn(3, 3, 4), k, v)
    with pytest.raises(ShapeError, match=r"mask of shape \(3, 4\) does not broadcast.*\(\.\.\., 3, 5\)"):
        F.scaled_dot_product_attention(q, k, v, attn_mask=mg.ones(3, 4, dtype=mg.bool_))
    with pytest.raises(ShapeError, match=r"mask and weights shapes"):
        F.scaled_dot_product_attention(q, k, v, attn_mask=mg.ones(3, 3, 5, dtype=mg.bool_))
    with pytest.raises(DTypeError, match="bool .* or a float"):
        F.scaled_dot_product_attention(q, k, v, attn_mask=mg.ones(3, 5, dtype=mg.int64))
    with pytest.raises(DTypeError, match="query's dtype float32, got float64"):
        F.scaled_dot_product_attention(q, k, v, attn_mask=mg.zeros(3, 5, dtype=mg.float64))
    with pytest.raises(DTypeError, match="one dtype"):
        F.scaled_dot_product_attention(q, k.double(), v)
    with pytest.raises(ValueError, match="either attn_mask or is_causal"):
        F.scaled_dot_product_attention(q, k, v, attn_mask=mg.ones(3, 5, dtype=mg.bool_), is_causal=True)
    with pytest.raises(ValueError, match="dropout_p"):
        F.scaled_dot_product_attention(q, k, v, dropout_p=1.5)


# ---- MultiheadAttention --------------------------------------------------------------------------------
E, HEADS, N, L, S = 8, 2, 3, 4, 5


def mha_pair(torch, dtype, **kwargs):
    torch.manual_seed(0)
    t = torch.nn.MultiheadAttention(E, HEADS, **kwargs).to(tdtype(torch, dtype))
    m = nn.MultiheadAttention(E, HEADS, **kwargs).to(dtype=dtype)
    state = {k: v.detach().numpy() for k, v in t.state_dict().items()}
    assert list(state) == [k for k, _ in m.state_dict().items()]
    m.load_state_dict({k: mg.tensor(v) for k, v in state.items()})
    return t, m


MHA_CASES = {
    "self": dict(),
    "self, batch_first": dict(module=dict(batch_first=True)),
    "cross": dict(cross=True),
    "kdim/vdim": dict(cross=True, module=dict(kdim=3, vdim=6)),
    "no bias": dict(module=dict(bias=False)),
    "key_padding_mask bool": dict(cross=True, kpm="bool"),
    "key_padding_mask float": dict(cross=True, kpm="float"),
    "attn_mask 2-D bool": dict(cross=True, am="bool2"),
    "attn_mask 2-D float": dict(cross=True, am="float2"),
    "attn_mask 3-D bool + key_padding_mask": dict(cross=True, am="bool3", kpm="bool"),
    "causal": dict(am="causal"),
    "per-head weights": dict(call=dict(average_attn_weights=False)),
    "no weights": dict(call=dict(need_weights=False), kpm="bool"),
    "add_bias_kv": dict(module=dict(add_bias_kv=True), kpm="bool"),
    "add_zero_attn": dict(module=dict(add_zero_attn=True), am="float2"),
    "add_bias_kv + add_zero_attn, kdim/vdim, masks": dict(
        cross=True, module=dict(add_bias_kv=True, add_zero_attn=True, kdim=3, vdim=6), am="bool3", kpm="bool",
        call=dict(average_attn_weights=False)),
}


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", list(MHA_CASES))
def test_mha_matches_torch(torch, case, dtype):
    opts = MHA_CASES[case]
    module = opts.get("module", {})
    t, m = mha_pair(torch, dtype, **module)
    batch_first = module.get("batch_first", False)
    rng = np.random.default_rng(5)
    cols = S if opts.get("cross") else L
    shape = (lambda length, f: (N, length, f)) if batch_first else (lambda length, f: (length, N, f))
    if opts.get("cross"):
        (tq, mq), (tk, mk), (tv, mv) = leaves(torch, rng, dtype, shape(L, E), shape(S, module.get("kdim", E)),
                                              shape(S, module.get("vdim", E)))
    else:
        ((tq, mq),) = leaves(torch, rng, dtype, shape(L, E))
        tk = tv = tq
        mk = mv = mq
    t_kw, m_kw = dict(opts.get("call", {})), dict(opts.get("call", {}))
    kpm = opts.get("kpm")
    if kpm:
        pad = np.zeros((N, cols), dtype=bool)
        pad[1, -2:] = True
        pad[2, -1] = True
        mask = pad if kpm == "bool" else np.where(pad, -1e9, rng.standard_normal((N, cols))).astype(dtype)
        t_kw["key_padding_mask"], m_kw["key_padding_mask"] = torch.from_numpy(mask), mg.tensor(mask)
    am = opts.get("am")
    if am == "causal":
        causal = np.triu(np.ones((L, L), dtype=bool), 1)  # True above the diagonal = masked
        t_kw.update(attn_mask=torch.from_numpy(causal), is_causal=True)
        m_kw.update(is_causal=True)  # minigrad builds the causal mask itself
    elif am:
        shape_am = (L, cols) if am.endswith("2") else (N * HEADS, L, cols)
        block = rng.random(shape_am) < 0.3
        block[..., 0] = False
        mask = block if am.startswith("bool") else rng.standard_normal(shape_am).astype(dtype)
        t_kw["attn_mask"], m_kw["attn_mask"] = torch.from_numpy(mask), mg.tensor(mask)
    t_out, t_w = t(tq, tk, tv, **t_kw)
    m_out, m_w = m(mq, mk, mv, **m_kw)
    close(m_out, t_out, dtype)
    if t_w is None:
        assert m_w is None
    else:
        close(m_w, t_w, dtype)
    w = rng.standard_normal(t_out.shape).astype(dtype)
    t_loss = (t_out * torch.from_numpy(w)).sum() + (0 if t_w is None else t_w.pow(2).sum())
    m_loss = (m_out * mg.tensor(w)).sum() + (0 if m_w is None else (m_w * m_w).sum())
    t_loss.backward()
    m_loss.backward()
    for tx, mx in {id(tq): (tq, mq), id(tk): (tk, mk), id(tv): (tv, mv)}.values():
        close(mx.grad, tx.grad, dtype)
    t_params = dict(t.named_parameters())
    for k, p in m.named_parameters():
        close(p.grad, t_params[k].grad, dtype)


def test_mha_unbatched_matches_torch(torch):
    t, m = mha_pair(torch, np.float64)
    rng = np.random.default_rng(6)
    (tq, mq), (tk, mk) = leaves(torch, rng, np.float64, (L, E), (S, E))
    pad = np.array([False, False, True, False, True])
    t_out, t_w = t(tq, tk, tk, key_padding_mask=torch.from_numpy(pad))
    m_out, m_w = m(mq, mk, mk, key_padding_mask=pad)
    close(m_out, t_out, np.float64)
    close(m_w, t_w, np.float64)
    (t_out.sum() + t_w.pow(2).sum()).backward()
    (m_out.sum() + (m_w * m_w).sum()).backward()
    close(mq.grad, tq.grad, np.float64)
    close(mk.grad, tk.grad, np.float64)


def test_mha_parameters_and_init_like_torch(torch):
    m = nn.MultiheadAttention(16, 4)
    t = torch.nn.MultiheadAttention(16, 4)
    assert [(k, tuple(p.shape)) for k, p in m.named_parameters()] == \
           [(k, tuple(p.shape)) for k, p in t.named_parameters()]
    assert np.all(m.in_proj_bias.numpy() == 0) and np.all(m.out_proj.bias.numpy() == 0)
    bound = np.sqrt(6 / (16 + 48))  # xavier_uniform_ on the (3E, E) in_proj_weight
    w = m.in_proj_weight.numpy()
    assert np.all(np.abs(w) <= bound) and np.abs(w).max() > 0.9 * bound
    assert np.all(np.abs(m.out_proj.weight.numpy()) <= 1 / 4)  # Linear's default bound 1/sqrt(16)
    kv = nn.MultiheadAttention(16, 4, kdim=5, vdim=7)
    t_kv = torch.nn.MultiheadAttention(16, 4, kdim=5, vdim=7)
    assert [(k, tuple(p.shape)) for k, p in kv.named_parameters()] == \
           [(k, tuple(p.shape)) for k, p in t_kv.named_parameters()]
    assert kv.in_proj_weight is None


def test_mha_fully_masked_query_and_dropout():
    mg.manual_seed(0)
    m = nn.MultiheadAttention(E, HEADS, dropout=0.5, batch_first=True).double()
    x = mg.tensor(np.random.default_rng(7).standard_normal((N, L, E)), requires_grad=True)
    pad = np.zeros((N, L), dtype=bool)
    pad[0] = True  # the first sequence: every key is padding
    m.eval()
    out, w = m(x, x, x, key_padding_mask=pad)
    assert np.all(np.isfinite(out.numpy())) and np.all(w.numpy()[0] == 0)
    np.testing.assert_allclose(out.numpy()[0], np.broadcast_to(m.out_proj.bias.numpy(), (L, E)))
    out.sum().backward()
    assert np.all(np.isfinite(x.grad.numpy()))
    a = m(x, x, x)[0].numpy()
    m.train()
    mg.manual_seed(1)
    b, wb = m(x, x, x, average_attn_weights=False)
    assert not np.allclose(a, b.numpy())
    kept = wb.numpy()[wb.numpy() != 0]
    assert (wb.numpy() == 0).any() and kept.size  # the returned weights are the dropped ones


@pytest.mark.parametrize("check", [gradcheck, gradgradcheck])
def test_mha_gradcheck(check):
    mg.manual_seed(2)
    m = nn.MultiheadAttention(4, 2, kdim=3, vdim=5).double()
    rng = np.random.default_rng(8)
    q, k, v = (mg.tensor(rng.standard_normal(s), requires_grad=True) for s in ((3, 2, 4), (4, 2, 3), (4, 2, 5)))
    pad = np.array([[False, False, True, False], [False, True, False, False]])
    assert check(lambda q, k, v: m(q, k, v, key_padding_mask=pad)[0], (q, k, v))


def test_mha_bad_inputs():
    with pytest.raises(ArgumentAssertionError, match=r"embed_dim \(10\) must be divisible by num_heads \(3\)"):
        nn.MultiheadAttention(10, 3)
    with pytest.raises(AssertionError):  # what torch raises there: both except clauses still work
        nn.MultiheadAttention(5, 2)
    with pytest.raises(ValueError):
        nn.MultiheadAttention(5, 2)
    with pytest.raises(ArgumentError, match="num_heads must be a positive integer"):
        nn.MultiheadAttention(8, 0)
    with pytest.raises(ArgumentError, match="dropout"):
        nn.MultiheadAttention(8, 2, dropout=1.5)
    m = nn.MultiheadAttention(E, HEADS)
    x = mg.randn(L, N, E)
    with pytest.raises(ShapeError, match="expecting query features of size 8, but got 6"):
        m(mg.randn(L, N, 6), x, x)
    with pytest.raises(ShapeError, match="3-D .* or 2-D"):
        m(mg.randn(1, L, N, E), x, x)
    with pytest.raises(ShapeError, match="key and value must have the same length"):
        m(x, mg.randn(S, N, E), mg.randn(S + 1, N, E))
    with pytest.raises(ShapeError, match="different batch sizes"):
        m(x, mg.randn(S, N + 1, E), mg.randn(S, N + 1, E))
    with pytest.raises(ShapeError, match=r"key_padding_mask should have shape \(3, 4\) \(N, S\), got \(4, 3\)"):
        m(x, x, x, key_padding_mask=np.zeros((L, N), dtype=bool))
    with pytest.raises(ShapeError, match=r"2-D attn_mask should have shape \(4, 4\)"):
        m(x, x, x, attn_mask=np.zeros((L, L + 1), dtype=bool))
    with pytest.raises(ShapeError, match=r"3-D attn_mask should have shape \(6, 4, 4\)"):
        m(x, x, x, attn_mask=np.zeros((N, L, L), dtype=bool))
    with pytest.raises(DTypeError, match="key_padding_mask must be bool .* or float"):
        m(x, x, x, key_padding_mask=np.zeros((N, L), dtype=np.int64))
    with pytest.raises(DTypeError, match="attn_mask must have the query's dtype float32"):
        m(x, x, x, attn_mask=np.zeros((L, L)))  # float64 mask, float32 query
    with pytest.raises(DTypeError, match="parameters have dtype float32"):
        m(x.double(), x.double(), x.double())


def test_mha_bias_kv_parameters_like_torch(torch):
    m = nn.MultiheadAttention(8, 2, add_bias_kv=True, add_zero_attn=True, kdim=3, vdim=5)
    t = torch.nn.MultiheadAttention(8, 2, add_bias_kv=True, add_zero_attn=True, kdim=3, vdim=5)
    assert [(k, tuple(p.shape)) for k, p in m.named_parameters()] == \
           [(k, tuple(p.shape)) for k, p in t.named_parameters()]
    assert m.bias_k.shape == (1, 1, 8) and np.all(m.bias_k.numpy() != 0)  # xavier_normal_, not zeros
    assert nn.MultiheadAttention(8, 2).bias_k is None
    assert repr(m).replace("minigrad", "torch") == repr(t)  # no extra_repr, as in PyTorch


def test_mha_zero_attn_gives_weight_to_the_zero_key():
    """add_zero_attn appends a key of zeros: its score is 0, so it takes weight exp(0) / Σ."""
    mg.manual_seed(3)
    m = nn.MultiheadAttention(E, HEADS, add_zero_attn=True, batch_first=True).double()
    x = mg.tensor(np.random.default_rng(9).standard_normal((N, L, E)))
    out, w = m(x, x, x, average_attn_weights=False)
    assert w.shape == (N, HEADS, L, L + 1) and out.shape == (N, L, E)
    np.testing.assert_allclose(w.numpy().sum(-1), 1.0, rtol=1e-12)
    assert np.all(w.numpy()[..., -1] > 0)
    pad = np.ones((N, L), dtype=bool)  # every real key masked: all weight on the zero key
    out, w = m(x, x, x, key_padding_mask=pad)
    np.testing.assert_allclose(w.numpy()[..., -1], 1.0)
    np.testing.assert_allclose(out.numpy(), np.broadcast_to(m.out_proj.bias.numpy(), out.shape), atol=1e-12)


@pytest.mark.parametrize("check", [gradcheck, gradgradcheck])
def test_mha_bias_kv_gradcheck(check):
    mg.manual_seed(4)
    m = nn.MultiheadAttention(4, 2, add_bias_kv=True, add_zero_attn=True).double()
    rng = np.random.default_rng(10)
    q, k = (mg.tensor(rng.standard_normal(s), requires_grad=True) for s in ((3, 2, 4), (4, 2, 4)))
    pad = np.array([[False, True, False, False], [False, False, False, True]])
    assert check(lambda q, k: m(q, k, k, key_padding_mask=pad)[0], (q, k))
