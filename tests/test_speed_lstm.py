"""The recurrent layer's fast paths (ops/recurrent.py) equal their plain versions.

FusedRecurrentLayer keeps every per-step array transposed (features × batch) and hands the
cell functions ``.T`` views of them; the LSTM activation uses one tanh with scalar factors on
the σ blocks; the LSTM backward builds its two factors for all four gates at once. Each must
give the numbers of the plain formulas: bit for bit where the arithmetic is the same, and the
step-by-step cells (run_cells) within float32 rounding where the GEMMs sum in another order.
"""

import numpy as np
import pytest

import minigrad as mg
from minigrad.ops import recurrent as R
from minigrad.ops.recurrent import GATES, FusedRecurrentLayer, run_cells, run_layer

T, B, H, I = 5, 3, 4, 2


def test_lstm_activation_equals_the_plain_formulas_bit_for_bit():
    """σ(a) = 1 / (1 + exp(-a)) on the i, f, o blocks, tanh on g, then c, tanh(c), h."""
    rng = np.random.default_rng(0)
    a = (rng.standard_normal((B, 4 * H)) * 3).astype(np.float32)
    c_prev = rng.standard_normal((B, H)).astype(np.float32)
    a_i, a_f, a_g, a_o = (a[:, k * H:(k + 1) * H] for k in range(4))
    i, f, o = (1 / (1 + np.exp(-x)) for x in (a_i, a_f, a_o))
    g = np.tanh(a_g)
    c = f * c_prev + i * g
    h = o * np.tanh(c)
    gates = a.copy()
    got_c, got_tc, got_h = R._lstm_forward(gates, c_prev)
    np.testing.assert_array_equal(gates, np.concatenate([i, f, g, o], axis=-1))
    np.testing.assert_array_equal(got_c, c)
    np.testing.assert_array_equal(got_tc, np.tanh(c))
    np.testing.assert_array_equal(got_h, h)
    assert got_h.dtype == gates.dtype == np.float32
    np.testing.assert_allclose(i, 1 / (1 + np.exp(-a_i.astype(np.float64))), rtol=1e-6, atol=1e-7)
    # the layer's path: the σ blocks arrive negated, and give the same bits
    signed = a.copy()
    for k in (0, 1, 3):
        signed[:, k * H:(k + 1) * H] *= -1
    R._lstm_forward(signed, c_prev, negated=True)
    np.testing.assert_array_equal(signed, gates)


@pytest.mark.parametrize("hidden", [1, 3])
def test_lstm_activation_on_strided_blocks_and_far_tails(hidden):
    """The σ blocks are strided views (one column each when H = 1); σ(a) for a < -88 overflows
    exp(-a) to inf inside, and must come out 0 without a warning, and 1 for a large a."""
    a = np.linspace(-120, 120, 2 * 4 * hidden, dtype=np.float32).reshape(2, 4 * hidden)
    a[0, :] = np.float32(0.7)  # a row of ordinary values beside the tails
    want = np.concatenate([1 / (1 + np.exp(-a[:, :2 * hidden].astype(np.float64))),
                           np.tanh(a[:, 2 * hidden:3 * hidden].astype(np.float64)),
                           1 / (1 + np.exp(-a[:, 3 * hidden:].astype(np.float64)))], axis=-1)
    gates = a.copy()
    with np.errstate(over="ignore"):
        R._lstm_forward(gates, np.zeros((2, hidden), np.float32))
    np.testing.assert_allclose(gates, want, rtol=1e-6, atol=1e-30)
    with np.testing.assert_no_warnings():
        R.FusedLSTMCell.apply(mg.tensor(a), mg.tensor(np.zeros_like(a)), mg.tensor(np.zeros((2, hidden), np.float32)))


def test_cell_functions_on_transposed_views_give_the_same_bits():
    """The layer's layout: (4H, B) buffers seen through .T views. Elementwise, so the numbers are
    those of the plain (B, 4H) arrays, bit for bit, forward and backward."""
    rng = np.random.default_rng(1)
    a = (rng.standard_normal((B, 4 * H)) * 2).astype(np.float32)
    c_prev, dh, dc = (rng.standard_normal((B, H)).astype(np.float32) for _ in range(3))

    plain = a.copy()
    c, tc, h = R._lstm_forward(plain, c_prev)
    gates_t = np.ascontiguousarray(a.T)  # (4H, B), as the layer stores a step
    c_t, tc_t, h_t = (np.empty((H, B), np.float32) for _ in range(3))
    R._lstm_forward(gates_t.T, np.ascontiguousarray(c_prev.T).T, c=c_t.T, tc=tc_t.T, h=h_t.T)
    for got, want in ((gates_t.T, plain), (c_t.T, c), (tc_t.T, tc), (h_t.T, h)):
        np.testing.assert_array_equal(got, want)

    da = np.empty((B, 4 * H), np.float32)
    dc_prev = R._lstm_grads_into(da, plain, tc, c_prev, dh, dc, np.empty((B, 5 * H), np.float32))
    da_t = np.empty((4 * H, B), np.float32)
    dc_prev_t = R._lstm_grads_into(da_t.T, gates_t.T, tc_t.T, np.ascontiguousarray(c_prev.T).T,
                                   np.ascontiguousarray(dh.T).T, np.ascontiguousarray(dc.T).T,
                                   np.empty((5 * H, B), np.float32).T)
    np.testing.assert_array_equal(da_t.T, da)
    np.testing.assert_array_equal(dc_prev_t, dc_prev)
    (plain_da, plain_dc_prev) = R._lstm_grads(*np.split(plain, 4, axis=-1), tc, c_prev, dh, dc)
    np.testing.assert_array_equal(da, np.concatenate(plain_da, axis=-1))
    np.testing.assert_array_equal(dc_prev, plain_dc_prev)


def _inputs(rng, mode, dtype):
    g = GATES[mode] * H
    shapes = ((T, B, g), (g, H), (g,), (g,), (B, H), (B, H))
    arrays = [(rng.standard_normal(s) * 0.5).astype(dtype) for s in shapes]
    inputs = [mg.tensor(a, requires_grad=True) for a in arrays]
    if mode != "LSTM":
        inputs[5] = None
    return inputs


@pytest.mark.parametrize("mode", ["RNN_TANH", "RNN_RELU", "LSTM", "GRU"])
@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("padded", [False, True])
def test_float32_layer_equals_its_cells(mode, reverse, padded):
    """In float32 the transposed layout stays float32 and agrees with the step-by-step cells,
    outputs and every gradient, within float32 rounding (the GEMMs sum in another order)."""
    valid = (np.arange(T)[:, None] < np.array([5, 2, 4])[None, :])[:, :, None] if padded else None
    results = []
    for fused in (True, False):
        inputs = _inputs(np.random.default_rng(7), mode, np.float32)
        if fused:
            outs = FusedRecurrentLayer.apply(*inputs, mode=mode, reverse=reverse, valid=valid)
        else:
            outs = run_cells(mode, *inputs, reverse=reverse, valid=valid)
        weights = [np.random.default_rng(50 + k).standard_normal(o.shape).astype(np.float32)
                   for k, o in enumerate(outs)]
        sum((o * mg.tensor(w)).sum() for o, w in zip(outs, weights)).backward()
        got = [o.numpy() for o in outs] + [t.grad.numpy() for t in inputs if t is not None]
        assert all(a.dtype == np.float32 for a in got)
        results.append(got)
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("mode", ["LSTM", "GRU", "RNN_TANH"])
def test_run_layer_equals_torch(mode):
    """run_layer (input GEMM + FusedRecurrentLayer, gradients through both) against torch."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    g = GATES[mode] * H
    x, w_ih, w_hh, b_ih, b_hh, h0, c0 = (rng.standard_normal(s).astype(np.float32) * 0.5 for s in
                                         ((T, B, I), (g, I), (g, H), (g,), (g,), (B, H), (B, H)))
    ours = [mg.tensor(a, requires_grad=True) for a in (x, w_ih, w_hh, b_ih, b_hh, h0, c0)]
    out = run_layer(mode, *ours[:6], c0=ours[6] if mode == "LSTM" else None)
    (out[0].sum() + out[1].sum()).backward()

    cls = {"LSTM": torch.nn.LSTM, "GRU": torch.nn.GRU, "RNN_TANH": torch.nn.RNN}[mode]
    ref = cls(I, H)
    with torch.no_grad():
        for name, a in (("weight_ih_l0", w_ih), ("weight_hh_l0", w_hh), ("bias_ih_l0", b_ih), ("bias_hh_l0", b_hh)):
            getattr(ref, name).copy_(torch.from_numpy(a))
    tx, th0, tc0 = (torch.tensor(a, requires_grad=True) for a in (x, h0, c0))
    t_out, t_state = ref(tx, (th0[None], tc0[None]) if mode == "LSTM" else th0[None])
    t_hn = t_state[0] if mode == "LSTM" else t_state
    (t_out.sum() + t_hn.sum()).backward()
    np.testing.assert_allclose(out[0].numpy(), t_out.detach().numpy(), rtol=1e-5, atol=1e-6)
    pairs = [(ours[0], tx), (ours[1], ref.weight_ih_l0), (ours[2], ref.weight_hh_l0), (ours[3], ref.bias_ih_l0),
             (ours[4], ref.bias_hh_l0), (ours[5], th0)] + ([(ours[6], tc0)] if mode == "LSTM" else [])
    for mine, theirs in pairs:
        np.testing.assert_allclose(mine.grad.numpy(), theirs.grad.numpy(), rtol=1e-4, atol=1e-5)


@pytest.mark.gpu
@pytest.mark.parametrize("mode", ["RNN_TANH", "LSTM", "GRU"])
@pytest.mark.parametrize("reverse, padded", [(False, False), (True, True)])
def test_layer_on_cuda_equals_cpu(mode, reverse, padded):
    """The transposed layout on CuPy: the same numbers as on the host, outputs and gradients."""
    from minigrad import backend

    valid = (np.arange(T)[:, None] < np.array([5, 2, 4])[None, :])[:, :, None] if padded else None
    results = []
    for device in ("cpu", "cuda"):
        arrays = [t.numpy() for t in _inputs(np.random.default_rng(9), mode, np.float32) if t is not None]
        inputs = [mg.tensor(a, device=device, requires_grad=True) for a in arrays]
        if mode != "LSTM":
            inputs.append(None)
        v = None if valid is None else backend.to_device(valid, device)
        outs = FusedRecurrentLayer.apply(*inputs, mode=mode, reverse=reverse, valid=v)
        sum(o.sum() for o in outs).backward()
        grads = [t.grad for t in inputs if t is not None]
        results.append([backend.to_device(t.array, "cpu") for t in list(outs) + grads])
    for a, b in zip(*results):
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-6)
