"""The fast paths of attention equal the plain formulas.

ops/attention.py writes the output and the gradients of Q, K, V of a (..., H, L, E) attention
in (..., L, H, E) memory order and reads strided (view) inputs in place; nn/attention.py hands
the heads to it as views of the projection when no graph is recorded. The arithmetic is the
same GEMMs on the same numbers, only the memory layout differs, so the results are compared
bit for bit against contiguous inputs; against the plain composition (matmul, softmax,
matmul), whose operations are ordered differently, to float rounding.
"""

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.ops.attention import SoftmaxAttention, scaled_dot_product_attention

torch = None
try:
    import torch
except ImportError:
    pass


def _qkv(rng, dtype=np.float64, n=2, heads=3, rows=5, cols=6, e=4):
    """q, k, v as head views of one projection (n, length, 3·heads·e), like MultiheadAttention's."""
    proj_q = rng.standard_normal((n, rows, heads * e)).astype(dtype)
    proj_kv = rng.standard_normal((n, cols, 2 * heads * e)).astype(dtype)
    split = lambda a, lo: a[..., lo:lo + heads * e].reshape(n, a.shape[1], heads, e).transpose(0, 2, 1, 3)  # noqa: E731
    return split(proj_q, 0), split(proj_kv, 0), split(proj_kv, heads * e)


def _run(q, k, v, device="cpu"):
    """out and the gradients SoftmaxAttention's backward returns for q, k, v (as it made them:
    hooks see them before any accumulation into .grad)."""
    ts = [mg.tensor(np.asarray(a), requires_grad=True, device=device) if device != "cpu"
          else mg.Tensor._make(a).requires_grad_() for a in (q, k, v)]
    grads = [None] * 3
    for i, t in enumerate(ts):
        t.register_hook(lambda g, i=i: grads.__setitem__(i, g))
    out, p = SoftmaxAttention.apply(*ts, None, None, scale=0.5)
    g = np.random.default_rng(9).standard_normal(out.shape).astype(q.dtype)
    out.backward(mg.tensor(g, device=device))
    return out, grads


def test_strided_inputs_give_the_contiguous_results_bit_for_bit():
    q, k, v = _qkv(np.random.default_rng(0))
    assert not q.flags.c_contiguous
    out_views, grads_views = _run(q, k, v)
    out_plain, grads_plain = _run(*(np.ascontiguousarray(a) for a in (q, k, v)))
    np.testing.assert_array_equal(out_views.numpy(), out_plain.numpy())
    for a, b in zip(grads_views, grads_plain):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_output_and_grads_are_laid_out_heads_last_and_equal_the_plain_formula(dtype):
    q, k, v = (np.ascontiguousarray(a) for a in _qkv(np.random.default_rng(1), dtype))
    out, grads = _run(q, k, v)
    # memory order (n, L, heads, e): joining the heads is a view
    assert out.array.transpose(0, 2, 1, 3).flags.c_contiguous and out.dtype == dtype
    for g in grads:
        assert g.array.transpose(0, 2, 1, 3).flags.c_contiguous and g.dtype == dtype
    # the plain composition of minigrad ops
    ts = [mg.tensor(a, requires_grad=True) for a in (q, k, v)]
    weights = mg.softmax(ts[0] @ ts[1].transpose(-1, -2) * 0.5, dim=-1)
    plain = weights @ ts[2]
    plain.backward(mg.tensor(np.random.default_rng(9).standard_normal(plain.shape).astype(dtype)))
    tol = dict(rtol=1e-5, atol=1e-6) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(out.numpy(), plain.numpy(), **tol)
    for a, t in zip(grads, ts):
        np.testing.assert_allclose(a.numpy(), t.grad.numpy(), **tol)


def test_three_dimensional_and_broadcast_inputs_keep_their_plain_layout():
    rng = np.random.default_rng(2)
    q = mg.tensor(rng.standard_normal((5, 4)), requires_grad=True)  # broadcast over the batch of k, v
    k = mg.tensor(rng.standard_normal((3, 6, 4)), requires_grad=True)
    v = mg.tensor(rng.standard_normal((3, 6, 2)), requires_grad=True)
    out = scaled_dot_product_attention(q, k, v)
    out.sum().backward()
    w = mg.softmax(q @ k.transpose(-1, -2) / 2.0, dim=-1)
    np.testing.assert_allclose(out.numpy(), (w @ v).numpy(), rtol=1e-12)
    assert q.grad.shape == (5, 4) and k.grad.shape == (3, 6, 4) and v.grad.shape == (3, 6, 2)


def _mha(seed=0, **kwargs):
    mg.manual_seed(seed)
    m = nn.MultiheadAttention(16, 4, batch_first=True, **kwargs)
    with mg.no_grad():
        m.in_proj_bias.copy_(mg.tensor(np.random.default_rng(5).standard_normal(48).astype(np.float32)))
    return m


def test_mha_without_graph_reads_head_views_and_equals_the_graph_path():
    m = _mha()
    x = mg.tensor(np.random.default_rng(3).standard_normal((2, 7, 16)).astype(np.float32))
    with mg.no_grad():
        fast, _ = m(x, x, x, need_weights=False)
    graph, _ = m(x, x, x, need_weights=False)  # parameters need grads: heads copied once
    assert graph.requires_grad and not fast.requires_grad
    # the views give the same products bit for bit (test above); the no-graph path also divides
    # by Σe after P V (see SoftmaxAttention): equal to float rounding
    np.testing.assert_allclose(fast.numpy(), graph.numpy(), rtol=1e-5, atol=1e-6)


def test_mha_joins_the_heads_without_a_copy(monkeypatch):
    import minigrad.nn.attention as A

    m = _mha()
    x = mg.tensor(np.random.default_rng(4).standard_normal((2, 7, 16)).astype(np.float32))
    seen = []
    original = A.linear
    monkeypatch.setattr(A, "linear", lambda t, w, b=None: (seen.append((t, w)), original(t, w, b))[1])
    with mg.no_grad():
        m(x, x, x, need_weights=False)
    (joined,) = [t for t, w in seen if w is m.out_proj.weight]  # the output projection's input
    assert joined.array.flags.c_contiguous  # the op wrote (N, L, h, d) in memory: a view, no copy


@pytest.mark.skipif(torch is None, reason="torch is not installed")
@pytest.mark.parametrize("grad", [False, True])
def test_mha_matches_torch_on_both_paths(grad):
    m = _mha()
    tm = torch.nn.MultiheadAttention(16, 4, batch_first=True)
    with torch.no_grad():
        tm.in_proj_weight.copy_(torch.from_numpy(m.in_proj_weight.numpy()))
        tm.in_proj_bias.copy_(torch.from_numpy(m.in_proj_bias.numpy()))
        tm.out_proj.weight.copy_(torch.from_numpy(m.out_proj.weight.numpy()))
        tm.out_proj.bias.copy_(torch.from_numpy(m.out_proj.bias.numpy()))
    x = np.random.default_rng(6).standard_normal((3, 5, 16)).astype(np.float32)
    xt = torch.from_numpy(x)
    if grad:
        out, _ = m(mg.tensor(x), mg.tensor(x), mg.tensor(x), need_weights=False)
        out.sum().backward()
        ref, _ = tm(xt, xt, xt, need_weights=False)
        ref.sum().backward()
        np.testing.assert_allclose(m.in_proj_weight.grad.numpy(), tm.in_proj_weight.grad.numpy(),
                                   rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(m.out_proj.weight.grad.numpy(), tm.out_proj.weight.grad.numpy(),
                                   rtol=1e-4, atol=1e-5)
    else:
        with mg.no_grad():
            out, _ = m(mg.tensor(x), mg.tensor(x), mg.tensor(x), need_weights=False)
        with torch.no_grad():
            ref, _ = tm(xt, xt, xt, need_weights=False)
    np.testing.assert_allclose(out.numpy(), ref.detach().numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.gpu
def test_strided_heads_on_cuda_match_cpu():
    q, k, v = _qkv(np.random.default_rng(7), np.float32)
    out_gpu, grads_gpu = _run(q, k, v, device="cuda")
    out_cpu, grads_cpu = _run(q, k, v)
    assert out_gpu.is_cuda
    np.testing.assert_allclose(out_gpu.cpu().numpy(), out_cpu.numpy(), rtol=1e-5, atol=1e-6)
    for a, b in zip(grads_gpu, grads_cpu):
        np.testing.assert_allclose(a.cpu().numpy(), b.numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("masked", [False, True])
def test_out_without_weights_or_graph_equals_the_normalised_weights_path(masked):
    """weights=False under no-grad divides P V's rows by Σe instead of P's: float rounding apart."""
    rng = np.random.default_rng(8)
    q, k, v = (mg.tensor(rng.standard_normal(s).astype(np.float32)) for s in ((2, 3, 5, 4), (2, 3, 6, 4), (2, 3, 6, 2)))
    bias = None
    if masked:  # the last query may attend to nothing: its output is 0 on both paths
        allowed = np.ones((5, 6), bool)
        allowed[-1] = False
        allowed[0, :3] = False
        bias = mg.tensor(np.where(allowed, 0.0, -np.inf).astype(np.float32))
    with mg.no_grad():
        fast = SoftmaxAttention.apply(q, k, v, bias, None, scale=0.5, weights=False)
        out, p = SoftmaxAttention.apply(q, k, v, bias, None, scale=0.5)
    assert not isinstance(fast, tuple) and fast.dtype == np.float32
    np.testing.assert_allclose(fast.numpy(), out.numpy(), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(out.numpy(), (p @ v).numpy(), rtol=1e-6, atol=1e-7)
    if masked:
        assert not fast.numpy()[..., -1, :].any()


def test_weights_false_with_a_graph_still_differentiates_twice():
    rng = np.random.default_rng(10)
    q, k, v = (mg.tensor(rng.standard_normal(s), requires_grad=True) for s in ((2, 5, 4), (2, 6, 4), (2, 6, 3)))
    out, p = SoftmaxAttention.apply(q, k, v, None, None, scale=0.5, weights=False)
    (gq,) = mg.autograd.grad((out * out).sum(), [q], create_graph=True)
    (ggq,) = mg.autograd.grad(gq.sum(), [q])
    tq = mg.tensor(q.numpy(), requires_grad=True)
    w = mg.softmax(tq @ k.detach().transpose(-1, -2) * 0.5, dim=-1)
    plain = w @ v.detach()
    (gp,) = mg.autograd.grad((plain * plain).sum(), [tq], create_graph=True)
    (ggp,) = mg.autograd.grad(gp.sum(), [tq])
    np.testing.assert_allclose(gq.numpy(), gp.numpy(), rtol=1e-10)
    np.testing.assert_allclose(ggq.numpy(), ggp.numpy(), rtol=1e-8)


def test_sdpa_and_mha_without_weights_return_the_same_as_with():
    rng = np.random.default_rng(11)
    q, k, v = (mg.tensor(rng.standard_normal((2, 3, 5, 4)).astype(np.float32)) for _ in range(3))
    with mg.no_grad():
        fast = scaled_dot_product_attention(q, k, v)
        out, _ = SoftmaxAttention.apply(q, k, v, None, None, scale=0.5)
    np.testing.assert_allclose(fast.numpy(), out.numpy(), rtol=1e-6, atol=1e-7)
    m = _mha()
    x = mg.tensor(rng.standard_normal((2, 7, 16)).astype(np.float32))
    with mg.no_grad():
        a, none = m(x, x, x, need_weights=False)
        b, w = m(x, x, x, need_weights=True)
    assert none is None and w.shape == (2, 7, 7)
    np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-5, atol=1e-6)


def test_broadcast_output_gradient_gives_the_plain_gradients():
    """out.sum() sends a stride-0 gradient: it is copied before the GEMMs, values unchanged."""
    q, k, v = (np.ascontiguousarray(a) for a in _qkv(np.random.default_rng(12)))
    ts = [mg.tensor(a, requires_grad=True) for a in (q, k, v)]
    out, _ = SoftmaxAttention.apply(*ts, None, None, scale=0.5)
    out.sum().backward()
    plain = [mg.tensor(a, requires_grad=True) for a in (q, k, v)]
    (mg.softmax(plain[0] @ plain[1].transpose(-1, -2) * 0.5, dim=-1) @ plain[2]).sum().backward()
    for a, b in zip(ts, plain):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-12, atol=1e-13)


def _plain_softmax_weights(q, k, scale):
    """softmax(Q Kᵀ · scale) with the usual shift by the row max, in float64."""
    z = np.matmul(q.astype(np.float64) * scale, np.swapaxes(k.astype(np.float64), -1, -2))
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


@pytest.mark.parametrize("size", [1.0, 8.0, 40.0])
def test_softmax_without_the_shift_only_where_the_scores_are_bounded(size):
    """The shift by the row max is skipped only when Cauchy-Schwarz bounds every score well inside
    exp's range (size 1); larger scores (sizes 8, 40: |z| up to ~10³, where exp(z) overflows)
    take the shifted path. Both equal the plain float64 softmax to float32 rounding."""
    from minigrad.ops.attention import _scores_bounded

    rng = np.random.default_rng(13)
    q = (size * rng.standard_normal((2, 3, 16, 8))).astype(np.float32)
    k = (size * rng.standard_normal((2, 3, 20, 8))).astype(np.float32)
    v = rng.standard_normal((2, 3, 20, 4)).astype(np.float32)
    assert _scores_bounded(np, q, k, 0.5) == (size == 1.0)
    _, p = SoftmaxAttention.apply(*(mg.tensor(a) for a in (q, k, v)), None, None, scale=0.5)
    assert np.isfinite(p.numpy()).all()
    np.testing.assert_allclose(p.numpy(), _plain_softmax_weights(q, k, 0.5), rtol=2e-5, atol=1e-7)


def test_the_bound_accounts_for_the_number_of_keys_and_the_dtype():
    """B² = max‖q‖²·max‖k‖² against ((ln(max) - ln(keys)) / 2)²: float32 allows |z| ≤ ~40 for a
    few keys, fewer for many keys, and float16 only ~5."""
    from minigrad.ops.attention import _scores_bounded

    q = np.full((1, 4), np.sqrt(10.0), np.float32)  # ‖q‖² = 40
    k = lambda keys: np.broadcast_to(np.sqrt(np.float32(10.0)), (keys, 4))  # noqa: E731  (‖k‖² = 40: B = 40)
    assert _scores_bounded(np, q, k(10), 1.0)  # (88.7 - 2.3) / 2 = 43.2
    assert not _scores_bounded(np, q, k(10 ** 5), 1.0)  # (88.7 - 11.5) / 2 = 38.6
    assert not _scores_bounded(np, q.astype(np.float16), k(10).astype(np.float16), 1.0)
    assert not _scores_bounded(np, q[:0], k(10), 1.0)


@pytest.mark.parametrize("used", ["out", "weights", "both"])
def test_unused_outputs_get_no_zeros_and_the_gradients_equal_the_plain_composition(used):
    """The op takes None for an output no gradient reached (materialize_grads = False)."""
    rng = np.random.default_rng(14)
    arrays = [rng.standard_normal(s) for s in ((2, 5, 4), (2, 6, 4), (2, 6, 3))]
    cw = rng.standard_normal((2, 5, 6))
    fused = [mg.tensor(a, requires_grad=True) for a in arrays]
    plain = [mg.tensor(a, requires_grad=True) for a in arrays]
    out, p = SoftmaxAttention.apply(*fused, None, None, scale=0.5)
    w = mg.softmax(plain[0] @ plain[1].transpose(-1, -2) * 0.5, dim=-1)
    for o, weights, ts in ((out, p, fused), (w @ plain[2], w, plain)):
        loss = {"out": (o * o).sum(), "weights": (weights * mg.tensor(cw)).sum()}
        loss["both"] = loss["out"] + loss["weights"]
        loss[used].backward()
    for a, b in zip(fused, plain):
        if used == "weights" and b.grad is None:  # v does not reach the weights
            assert a.grad is None or not a.grad.numpy().any()
            continue
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("mask", ["bool", "small float", "large float"])
def test_softmax_bound_with_a_mask(mask):
    """A 0 / -inf mask (from bool) keeps the bound; finite mask values widen it by their range,
    and large ones (here -1e4, as some programs mask) send the scores to the shifted path.
    Either way the weights equal the plain float64 masked softmax."""
    from minigrad.ops.attention import _scores_bounded

    rng = np.random.default_rng(15)
    q, k = (rng.standard_normal((2, 3, n, 8)).astype(np.float32) for n in (6, 7))
    v = rng.standard_normal((2, 3, 7, 4)).astype(np.float32)
    allowed = rng.random((2, 1, 1, 7)) > 0.3
    allowed[..., 0] = True
    values = {"bool": (0.0, -np.inf), "small float": (0.5, -2.0), "large float": (0.0, -1e4)}[mask]
    bias = np.where(allowed, *values).astype(np.float32)
    assert _scores_bounded(np, q, k, 0.5, bias) == (mask != "large float")
    _, p = SoftmaxAttention.apply(*(mg.tensor(a) for a in (q, k, v)), mg.tensor(bias), None, scale=0.5)
    z = np.matmul(q.astype(np.float64) * 0.5, np.swapaxes(k, -1, -2).astype(np.float64)) + bias
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    np.testing.assert_allclose(p.numpy(), e / e.sum(axis=-1, keepdims=True), rtol=2e-5, atol=1e-7)


def test_strided_value_keeps_its_second_derivative():
    """V is copied for the product when strided; the node still saves the input V itself, so a
    gradient differentiated again reaches it (as for a contiguous V)."""
    rng = np.random.default_rng(16)
    q, k = (mg.tensor(rng.standard_normal((2, 4, 3)), requires_grad=True) for _ in range(2))
    results = []
    for strided in (True, False):
        base = rng.standard_normal((2, 4, 6)) if strided else None
        v_array = base[..., ::2] if strided else np.ascontiguousarray(results[0][0])
        v = mg.tensor(v_array, requires_grad=True) if not strided else mg.Tensor._make(v_array).requires_grad_()
        out, _ = SoftmaxAttention.apply(q, k, v, None, None, scale=0.5)
        (gq,) = mg.autograd.grad((out * out).sum(), [q], create_graph=True)
        (gv,) = mg.autograd.grad(gq.sum(), [v])
        results.append((v_array, gv.numpy()))
    assert not results[0][0].flags.c_contiguous
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-12)
    assert np.abs(results[0][1]).max() > 1e-3  # the second derivative through V is not zero


def test_transposed_copy_and_row_scaling_of_strided_heads_equal_the_plain_expressions():
    """_transposed_copy on a head view of one projection (its rows strided) gathers the rows
    first; _scale_rows multiplies an interleaved-heads buffer in memory order: same bits."""
    from minigrad.ops.attention import _heads_interleaved, _scale_rows, _transposed_copy
    rng = np.random.default_rng(3)
    qkv = rng.standard_normal((2, 6, 3 * 4 * 5)).astype(np.float32)
    head = qkv[:, :, 20:40].reshape(2, 6, 4, 5).transpose(0, 2, 1, 3)  # (N, H, L, E), rows 60 apart
    got = _transposed_copy(np, head)
    assert got.flags.c_contiguous and got.shape == (2, 4, 5, 6)
    np.testing.assert_array_equal(got, np.swapaxes(head, -1, -2))
    scaled = _transposed_copy(np, head, 0.3)  # the scale goes into the first of the two copies
    assert scaled.flags.c_contiguous and scaled.dtype == np.float32
    np.testing.assert_array_equal(scaled, np.swapaxes(head * 0.3, -1, -2))
    p = rng.random((2, 4, 6, 6)).astype(np.float32)
    out = np.matmul(p, head, out=_heads_interleaved(np, p, head))
    assert not out.flags.c_contiguous
    factors = rng.random((2, 4, 6, 1)).astype(np.float32)
    want = out * factors
    _scale_rows(np, out, factors)
    np.testing.assert_array_equal(out, want)
    plain = rng.random((4, 6, 5)).astype(np.float32)  # an ordinary array: the plain a *= factors
    want = plain * factors[0]
    _scale_rows(np, plain, factors[0])
    np.testing.assert_array_equal(plain, want)


@pytest.mark.parametrize("weights", [True, False])
@pytest.mark.parametrize("case", ["plain", "per-batch mask", "shared mask", "dropout", "broadcast keys"])
def test_attention_in_blocks_equals_one_pass(monkeypatch, case, weights):
    """Blocks of the first axis (so that each block's scores stay in cache) give the one-pass
    numbers bit for bit: the same products and passes, row by row, on fewer rows at a time.
    A 7-long first axis in blocks of 2 leaves a short last block."""
    from minigrad.ops import attention as A

    rng = np.random.default_rng(12)
    q, k, v = (rng.standard_normal(s).astype(np.float32) for s in ((7, 3, 5, 4), (7, 3, 6, 4), (7, 3, 6, 2)))
    bias = keep = None
    if case == "per-batch mask":  # a fully masked row included: its output is 0 either way
        allowed = rng.random((7, 1, 5, 6)) > 0.3
        allowed[2, 0, 1] = False
        bias = np.where(allowed, 0.0, -np.inf).astype(np.float32)
    elif case == "shared mask":
        bias = rng.standard_normal((5, 6)).astype(np.float32)
    elif case == "dropout":
        keep = (rng.random((7, 3, 5, 6)) > 0.2).astype(np.float32) / np.float32(0.8)
    elif case == "broadcast keys":
        k, v = k[:1], v[:1]

    def run():
        ts = [None if a is None else mg.tensor(a) for a in (q, k, v, bias, keep)]
        with mg.no_grad():
            got = SoftmaxAttention.apply(*ts, scale=0.5, weights=weights)
        return [t.numpy() for t in (got if weights else (got,))]

    one_pass = run()
    per_block = 3 * 5 * 6 * 4 * 2  # the bytes of two batch elements' scores
    monkeypatch.setattr(A, "_BLOCK_BYTES", per_block)
    assert A._blocks(mg.tensor(q).array, mg.tensor(k).array, bias) is not None
    for a, b in zip(run(), one_pass):
        np.testing.assert_array_equal(a, b)


def test_attention_in_blocks_differentiates_as_one_pass(monkeypatch):
    from minigrad.ops import attention as A

    q, k, v = _qkv(np.random.default_rng(13), n=5)
    out_plain, grads_plain = _run(q, k, v)
    monkeypatch.setattr(A, "_BLOCK_BYTES", 1)  # one batch element a block
    out_blocks, grads_blocks = _run(q, k, v)
    np.testing.assert_array_equal(out_blocks.numpy(), out_plain.numpy())
    for a, b in zip(grads_blocks, grads_plain):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


@pytest.mark.parametrize("block_bytes", [None, 1])
def test_array_backward_with_dropout_and_used_weights_equals_the_recorded_formulas(monkeypatch, block_bytes):
    """The array backward (rowsum(dP ⊙ P) read off dO ⊙ out, blocks of the first axis) against
    the recorded backward, which forms dP ⊙ P itself: dropout mask, bias gradient and a
    gradient through the returned weights all present, float64."""
    from minigrad.ops import attention as A

    if block_bytes is not None:
        monkeypatch.setattr(A, "_BLOCK_BYTES", block_bytes)
    rng = np.random.default_rng(16)
    arrays = [rng.standard_normal(s) for s in ((3, 2, 5, 4), (3, 2, 6, 4), (3, 2, 6, 3), (3, 1, 5, 6))]
    keep = mg.tensor((rng.random((3, 2, 5, 6)) > 0.25) / 0.75)
    cw, co = mg.tensor(rng.standard_normal((3, 2, 5, 6))), mg.tensor(rng.standard_normal((3, 2, 5, 3)))
    results = []
    for create_graph in (False, True):
        ts = [mg.tensor(a, requires_grad=True) for a in arrays]
        out, p = SoftmaxAttention.apply(*ts, keep, scale=0.5)
        loss = (out * co).sum() + (p * cw).sum()
        results.append(mg.autograd.grad(loss, ts, create_graph=create_graph))
    for fast, recorded in zip(*results):
        np.testing.assert_allclose(fast.numpy(), recorded.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("block_bytes", [None, 1])
@pytest.mark.parametrize("shapes", [((3, 1, 5, 4), (3, 1, 6, 4), (3, 2, 6, 2)),  # V with more heads
                                    ((1, 1, 5, 4), (1, 1, 6, 4), (3, 2, 6, 2)),  # ... and a larger batch
                                    ((1, 4, 2, 3), (1, 1, 2, 3), (0, 1, 2, 3))])  # an empty batch from V
def test_array_backward_when_v_broadcasts_beyond_the_scores(monkeypatch, block_bytes, shapes):
    """dP = dO Vᵀ takes dO's (broadcast) leading shape, larger than P's when V's is: the array
    backward, in blocks or not, equals the recorded formulas."""
    from minigrad.ops import attention as A

    if block_bytes is not None:
        monkeypatch.setattr(A, "_BLOCK_BYTES", block_bytes)
    rng = np.random.default_rng(17)
    arrays = [rng.standard_normal(s) for s in shapes]
    results = []
    for create_graph in (False, True):
        ts = [mg.tensor(a, requires_grad=True) for a in arrays]
        out, _ = SoftmaxAttention.apply(*ts, None, None, scale=0.5)
        weights = mg.tensor(np.random.default_rng(18).standard_normal(out.shape))
        results.append(mg.autograd.grad((out * weights).sum(), ts, create_graph=create_graph))
    for fast, recorded in zip(*results):
        assert fast.shape == recorded.shape
        np.testing.assert_allclose(fast.numpy(), recorded.numpy(), rtol=1e-12, atol=1e-12)
