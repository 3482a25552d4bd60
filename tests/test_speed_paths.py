"""Every fast path equals the plain formula it replaces (bit for bit, or to float32 rounding).

The fast paths are the fused nodes and in-place updates that the benchmark's workloads run
(benchmarks/, BENCHMARKS.md): each keeps its readable formula in its docstring, and here it
is checked against that formula written with minigrad's plain ops.
"""

import math

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F
from minigrad.ops import linear as LIN
from minigrad.ops.linalg import matmul


def _plain_linear(x, w, b=None):
    y = matmul(x, w.T)
    return y if b is None else y + b


def _tensors(rng, shapes, dtype, grads):
    return [None if s is None else mg.tensor(rng.standard_normal(s).astype(dtype), requires_grad=r)
            for s, r in zip(shapes, grads)]


@pytest.mark.parametrize("grads", [(True, True, True), (False, True, True), (True, False, False), (False, True, None)])
def test_fused_linear_equals_the_composition_with_its_gradients(grads):
    rng = np.random.default_rng(0)
    shapes = [(7, 5), (3, 5), None if grads[2] is None else (3,)]
    x, w, b = _tensors(rng, shapes, np.float32, [bool(g) for g in grads])
    ys = [F.linear(x, w, b), _plain_linear(x, w, b)]
    assert isinstance(ys[0].grad_fn, LIN.Linear) and ys[0].dtype == mg.float32
    np.testing.assert_array_equal(ys[0].array, ys[1].array)
    g = mg.tensor(rng.standard_normal((7, 3)).astype(np.float32))
    inputs = [t for t in (x, w, b) if t is not None and t.requires_grad]
    fused, plain = (mg.grad(y, inputs, g) for y in ys)
    for a, p in zip(fused, plain):
        assert a.dtype == mg.float32
        np.testing.assert_allclose(a.array, p.array, rtol=1e-6, atol=1e-6)


def test_fused_linear_second_derivatives_equal_the_composition():
    rng = np.random.default_rng(1)
    for grads in ((True, True, True), (True, False, True), (False, True, False), (False, False, True)):
        x, w, b = _tensors(rng, [(4, 3), (2, 3), (2,)], np.float64, grads)
        g = mg.tensor(rng.standard_normal((4, 2)), requires_grad=True)
        v = [mg.tensor(rng.standard_normal(t.shape)) for t in (x, w, b) if t.requires_grad]
        inputs = [t for t in (x, w, b) if t.requires_grad] + [g]
        results = []
        for f in (F.linear, _plain_linear):
            firsts = mg.grad(f(x, w, b), [t for t in (x, w, b) if t.requires_grad], g, create_graph=True)
            scalar = sum((d * u).sum() for d, u in zip(firsts, v))
            results.append(mg.grad(scalar, inputs, allow_unused=True))
        for a, p in zip(*results):
            if a is None or p is None:
                assert (a is None or not a.array.any()) and (p is None or not p.array.any())
            else:
                np.testing.assert_allclose(a.array, p.array, rtol=1e-12, atol=1e-12)


def test_linear_keeps_the_composition_where_dtypes_differ_or_the_input_is_1d():
    w = mg.randn(3, 4)
    assert not LIN.fusable(mg.randn(4), w, None)
    assert not LIN.fusable(mg.randn(2, 4, dtype=mg.float64), w, None)
    assert not LIN.fusable(mg.randn(2, 4), w, mg.randn(3, dtype=mg.float64))
    y = F.linear(mg.randn(2, 5, 4), w, mg.randn(3))  # leading axes are folded, then fused
    assert y.shape == (2, 5, 3)


def test_lstm_gate_gradients_written_in_place_equal_the_plain_formulas_bit_for_bit():
    from minigrad.ops import recurrent as R

    rng = np.random.default_rng(2)
    b, h = 3, 5
    i, f, g, o = (rng.uniform(-1, 1, (b, h)).astype(np.float32) for _ in range(4))
    tc, c_prev, dh, dc = (rng.standard_normal((b, h)).astype(np.float32) for _ in range(4))
    (plain, dc_prev) = R._lstm_grads(i, f, g, o, tc, c_prev, dh, dc)
    da = np.full((b, 4 * h), np.nan, dtype=np.float32)
    gates = np.concatenate([i, f, g, o], axis=-1)
    got = R._lstm_grads_into(da, gates, tc, c_prev, dh, dc, np.full((b, 5 * h), np.nan, np.float32))
    np.testing.assert_array_equal(da, np.concatenate(plain, axis=-1))
    np.testing.assert_array_equal(got, dc_prev)
    assert da.dtype == got.dtype == np.float32


def test_lstm_layer_backward_equals_the_step_by_step_cells():
    from minigrad.ops import recurrent as R

    rng = np.random.default_rng(3)
    t_, b, i_, h = 4, 3, 2, 5
    x, w_ih, w_hh, b_ih, b_hh, h0, c0 = (mg.tensor(rng.standard_normal(s) * 0.5, requires_grad=True) for s in
                                         ((t_, b, i_), (4 * h, i_), (4 * h, h), (4 * h,), (4 * h,), (b, h), (b, h)))
    params = [x, w_ih, w_hh, b_ih, b_hh, h0, c0]
    fused = R.run_layer("LSTM", x, w_ih, w_hh, b_ih, b_hh, h0, c0)
    xg = matmul(x.reshape(t_ * b, i_), w_ih.T).reshape(t_, b, 4 * h)
    cells = R.run_cells("LSTM", xg, w_hh, b_ih, b_hh, h0, c0)
    weights = [mg.tensor(rng.standard_normal(o.shape)) for o in fused]
    grads = [mg.grad(sum((o * wt).sum() for o, wt in zip(outs, weights)), params) for outs in (fused, cells)]
    for a, p in zip(*grads):
        np.testing.assert_allclose(a.array, p.array, rtol=1e-10, atol=1e-12)


def _plain_adam(p, grads, lr, betas, eps, wd, amsgrad, maximize):
    """Adam's docstring formula, one fresh array per line (the readable version)."""
    beta1, beta2 = betas
    m, v, v_max = np.zeros_like(p), np.zeros_like(p), np.zeros_like(p)
    for t, g in enumerate(grads, 1):
        g = -g if maximize else g
        g = g + wd * p if wd else g
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        if amsgrad:
            v_max = np.maximum(v_max, v)
        used = v_max if amsgrad else v
        denom = np.sqrt(used) / math.sqrt(1 - beta2 ** t) + eps
        p = p - (lr / (1 - beta1 ** t)) * (m / denom)
    return p


@pytest.mark.parametrize("options", [{}, {"amsgrad": True}, {"weight_decay": 0.1}, {"maximize": True}])
def test_adam_in_place_step_equals_the_formula(options):
    rng = np.random.default_rng(4)
    shapes = [(6, 5), (5,), (3, 2, 2)]
    params = [mg.tensor(rng.standard_normal(s).astype(np.float32), requires_grad=True) for s in shapes]
    start = [p.array.copy() for p in params]
    grads = [[rng.standard_normal(s).astype(np.float32) for _ in range(4)] for s in shapes]
    opt = mg.optim.Adam(params, lr=0.01, **options)
    for step in range(4):
        for p, gs in zip(params, grads):
            p.grad = mg.tensor(gs[step])
        opt.step()
    kw = dict(lr=0.01, betas=(0.9, 0.999), eps=1e-8, wd=options.get("weight_decay", 0),
              amsgrad=options.get("amsgrad", False), maximize=options.get("maximize", False))
    for p, p0, gs in zip(params, start, grads):
        expected = _plain_adam(p0, gs, **kw)
        assert p.dtype == mg.float32 and expected.dtype == np.float32
        np.testing.assert_array_equal(p.array, expected)  # the same operations in the same order


@pytest.mark.parametrize("masked", [False, True])
def test_attention_on_arrays_equals_the_composed_formulas(masked):
    """SoftmaxAttention's forward and its in-place backward on arrays against softmax(Q Kᵀ s + B) V
    written with minigrad's ops (float32: agreement to float rounding)."""
    from minigrad.ops.activation import softmax
    from minigrad.ops.attention import SoftmaxAttention

    rng = np.random.default_rng(5)
    q, k, v = (mg.tensor(rng.standard_normal((2, 3, 6, 4)).astype(np.float32), requires_grad=True) for _ in range(3))
    bias = None
    if masked:
        allowed = rng.random((6, 6)) > 0.3
        allowed[:, 0] = True
        bias = mg.tensor(np.where(allowed, 0.0, -np.inf).astype(np.float32))
    out, weights = SoftmaxAttention.apply(q, k, v, bias, None, scale=0.5)
    scores = matmul(q * 0.5, k.transpose(-1, -2))
    plain_w = softmax(scores if bias is None else scores + bias, -1)
    plain = matmul(plain_w, v)
    np.testing.assert_allclose(weights.array, plain_w.array, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(out.array, plain.array, rtol=1e-5, atol=1e-6)
    g = mg.tensor(rng.standard_normal(out.shape).astype(np.float32))
    fast, ref = mg.grad(out, [q, k, v], g), mg.grad(plain, [q, k, v], g)
    for a, b in zip(fast, ref):
        assert a.dtype == mg.float32
        np.testing.assert_allclose(a.array, b.array, rtol=1e-5, atol=1e-5)
