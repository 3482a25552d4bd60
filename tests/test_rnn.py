"""Recurrent layers and cells: parity with torch.nn, gradients, packed sequences, bad input, learning.

Parity tests copy a torch module's weights into the minigrad one and compare outputs, final
states and the gradients of the input, the initial states and every parameter:
float64 within 1e-10, float32 within 1e-5.
"""

import time
import warnings

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn as nn
from minigrad.errors import DTypeError, GraphError, ShapeError
from minigrad.nn.utils.rnn import (PackedSequence, pack_padded_sequence, pack_sequence, pad_packed_sequence,
                                   pad_sequence)
from minigrad.ops.recurrent import GATES, FusedGRUCell, FusedLSTMCell, FusedRecurrentLayer, FusedRNNCell, run_cells
from minigrad.testing import gradcheck, gradgradcheck

TOL = {np.float64: 1e-10, np.float32: 1e-5}
T, B, I, H = 5, 3, 4, 6


def close(got, want, dtype):
    got = got.numpy() if isinstance(got, mg.Tensor) else np.asarray(got)
    want = want.detach().numpy() if hasattr(want, "detach") else np.asarray(want)
    assert got.dtype == np.dtype(dtype), f"dtype {got.dtype}, expected {np.dtype(dtype)}"
    np.testing.assert_allclose(got, want, rtol=TOL[dtype], atol=TOL[dtype])


def copy_weights(torch_module, module):
    """Load a torch module's state_dict into ``module`` (the keys must match exactly)."""
    state = {k: v.detach().numpy() for k, v in torch_module.state_dict().items()}
    assert list(state) == [k for k, _ in module.named_parameters()], "parameter names or order differ from torch"
    module.load_state_dict({k: mg.tensor(v) for k, v in state.items()})


def torch_dtype(torch, dtype):
    return torch.float64 if dtype == np.float64 else torch.float32


def make_pair(torch, kind, dtype, **kwargs):
    """The same layer in torch and minigrad, with torch's weights."""
    torch.manual_seed(0)
    if kind == "RNN_RELU":
        kwargs["nonlinearity"] = "relu"
    name = "RNN" if kind.startswith("RNN") else kind
    t = getattr(torch.nn, name)(I, H, **kwargs).to(torch_dtype(torch, dtype))
    m = getattr(nn, name)(I, H, **kwargs).to(dtype=dtype)
    copy_weights(t, m)
    return t, m


def leaf(torch, array):
    """The same values as a torch leaf and a minigrad leaf, both requiring grad."""
    return torch.tensor(array, requires_grad=True), mg.tensor(array, requires_grad=True)


KINDS = ["RNN_TANH", "RNN_RELU", "LSTM", "GRU"]


# ---- parity with torch.nn.RNN / LSTM / GRU ----------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("num_layers", [1, 2])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("with_state", [False, True])
def test_layer_matches_torch(torch, kind, num_layers, bidirectional, batch_first, with_state, dtype):
    t, m = make_pair(torch, kind, dtype, num_layers=num_layers, bidirectional=bidirectional, batch_first=batch_first)
    rng = np.random.default_rng(1)
    x_np = rng.standard_normal((B, T, I) if batch_first else (T, B, I)).astype(dtype)
    tx, mx = leaf(torch, x_np)
    states = ()
    if with_state:
        n = num_layers * (2 if bidirectional else 1)
        states = [leaf(torch, rng.standard_normal((n, B, H)).astype(dtype)) for _ in range(2 if kind == "LSTM" else 1)]
    if kind == "LSTM":
        t_out, (t_h, t_c) = t(tx, tuple(s[0] for s in states) if states else None)
        m_out, (m_h, m_c) = m(mx, tuple(s[1] for s in states) if states else None)
        t_fin, m_fin = [t_h, t_c], [m_h, m_c]
    else:
        t_out, t_h = t(tx, states[0][0] if states else None)
        m_out, m_h = m(mx, states[0][1] if states else None)
        t_fin, m_fin = [t_h], [m_h]
    close(m_out, t_out, dtype)
    for a, b in zip(m_fin, t_fin):
        close(a, b, dtype)

    # a loss that weighs every output and state differently
    w = rng.standard_normal(t_out.shape).astype(dtype)
    t_loss = (t_out * torch.from_numpy(w)).sum() + sum((s * s).sum() for s in t_fin)
    m_loss = (m_out * mg.tensor(w)).sum() + sum((s * s).sum() for s in m_fin)
    t_loss.backward()
    m_loss.backward()
    close(mx.grad, tx.grad, dtype)
    for ts, ms in states:
        close(ms.grad, ts.grad, dtype)
    t_params = dict(t.named_parameters())
    for name, p in m.named_parameters():
        close(p.grad, t_params[name].grad, dtype)


@pytest.mark.parametrize("kind", KINDS)
def test_unbatched_input_matches_torch(torch, kind):
    t, m = make_pair(torch, kind, np.float64, num_layers=2, bidirectional=True)
    x = np.random.default_rng(2).standard_normal((T, I))
    tx, mx = leaf(torch, x)
    t_out, t_h = t(tx)
    m_out, m_h = m(mx)
    if kind == "LSTM":
        t_h, m_h = t_h[1], m_h[1]  # compare c_n
    assert m_out.shape == (T, 2 * H) and m_h.shape == (4, H)
    close(m_out, t_out, np.float64)
    close(m_h, t_h, np.float64)
    (t_out.sum() + t_h.sum()).backward()
    (m_out.sum() + m_h.sum()).backward()
    close(mx.grad, tx.grad, np.float64)


def test_parameters_are_named_shaped_and_initialised_like_torch(torch):
    m = nn.LSTM(I, H, num_layers=2, bidirectional=True)
    t = torch.nn.LSTM(I, H, num_layers=2, bidirectional=True)
    assert [(k, tuple(p.shape)) for k, p in m.named_parameters()] == \
           [(k, tuple(p.shape)) for k, p in t.named_parameters()]
    bound = 1 / np.sqrt(H)
    values = np.concatenate([p.numpy().ravel() for p in m.parameters()])
    assert values.dtype == np.float32
    assert np.all(np.abs(values) <= bound) and np.abs(values).max() > 0.9 * bound  # U(-1/sqrt(H), 1/sqrt(H))
    assert abs(values.mean()) < 0.1 * bound
    no_bias = nn.GRU(I, H, bias=False)
    assert [k for k, _ in no_bias.named_parameters()] == ["weight_ih_l0", "weight_hh_l0"]


def test_torch_state_dict_loads_and_gives_torch_outputs(torch):
    t = torch.nn.GRU(I, H, num_layers=2, batch_first=True).double()
    m = nn.GRU(I, H, num_layers=2, batch_first=True).double()
    m.load_state_dict({k: mg.tensor(v.numpy()) for k, v in t.state_dict().items()})
    x = np.random.default_rng(3).standard_normal((B, T, I))
    close(m(mg.tensor(x))[0], t(torch.tensor(x))[0], np.float64)


# ---- cells ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", ["RNNCell", "RNNCell-relu", "LSTMCell", "GRUCell"])
@pytest.mark.parametrize("batched", [True, False])
@pytest.mark.parametrize("with_state", [True, False])
def test_cell_matches_torch(torch, name, batched, with_state, dtype):
    kwargs = {"nonlinearity": "relu"} if name.endswith("relu") else {}
    name = name.split("-")[0]
    torch.manual_seed(0)
    t = getattr(torch.nn, name)(I, H, **kwargs).to(torch_dtype(torch, dtype))
    m = getattr(nn, name)(I, H, **kwargs).to(dtype=dtype)
    copy_weights(t, m)
    rng = np.random.default_rng(4)
    lead = (B,) if batched else ()
    tx, mx = leaf(torch, rng.standard_normal(lead + (I,)).astype(dtype))
    n_states = 2 if name == "LSTMCell" else 1
    states = [leaf(torch, rng.standard_normal(lead + (H,)).astype(dtype)) for _ in range(n_states)]
    if name == "LSTMCell":
        t_out = t(tx, tuple(s[0] for s in states) if with_state else None)
        m_out = m(mx, tuple(s[1] for s in states) if with_state else None)
    else:
        t_out = (t(tx, states[0][0] if with_state else None),)
        m_out = (m(mx, states[0][1] if with_state else None),)
    for a, b in zip(m_out, t_out):
        close(a, b, dtype)
    sum((o * o).sum() for o in t_out).backward()
    sum((o * o).sum() for o in m_out).backward()
    close(mx.grad, tx.grad, dtype)
    if with_state:
        for ts, ms in states:
            close(ms.grad, ts.grad, dtype)
    t_params = dict(t.named_parameters())
    for k, p in m.named_parameters():
        close(p.grad, t_params[k].grad, dtype)


def test_cell_loop_equals_layer():
    """Running LSTMCell step by step gives the LSTM layer's outputs (same weights)."""
    mg.manual_seed(0)
    layer = nn.LSTM(I, H).double()
    cell = nn.LSTMCell(I, H).double()
    cell.load_state_dict({k[:-3]: v for k, v in layer.state_dict().items()})
    x = mg.tensor(np.random.default_rng(5).standard_normal((T, B, I)))
    out, (h_n, c_n) = layer(x)
    h = c = mg.zeros(B, H, dtype=mg.float64)
    for t in range(T):
        h, c = cell(x[t], (h, c))
        np.testing.assert_allclose(h.numpy(), out[t].numpy(), atol=1e-12)
    np.testing.assert_allclose(c.numpy(), c_n[0].numpy(), atol=1e-12)


@pytest.mark.parametrize("mode", ["RNN_TANH", "RNN_RELU", "LSTM", "GRU"])
@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("padded", [False, True])
def test_fused_layer_equals_its_cells(mode, reverse, padded):
    """FusedRecurrentLayer (one node, hand-written BPTT) and run_cells (the same steps built
    from the cell Functions) agree on outputs and on every gradient."""
    rng = np.random.default_rng(13)
    g = GATES[mode] * H
    arrays = [rng.standard_normal(s) for s in ((T, B, g), (g, H), (g,), (g,), (B, H), (B, H))]
    valid = None
    if padded:
        valid = (np.arange(T)[:, None] < np.array([5, 2, 4])[None, :])[:, :, None]
    results = []
    for fused in (True, False):
        inputs = [mg.tensor(a, requires_grad=True) for a in arrays]
        if mode != "LSTM":
            inputs[5] = None
        if fused:
            outs = FusedRecurrentLayer.apply(*inputs, mode=mode, reverse=reverse, valid=valid)
        else:
            outs = run_cells(mode, *inputs, reverse=reverse, valid=valid)
        weights = [np.random.default_rng(100 + i).standard_normal(o.shape) for i, o in enumerate(outs)]
        sum((o * mg.tensor(w)).sum() for o, w in zip(outs, weights)).backward()
        results.append([o.numpy() for o in outs] + [t.grad.numpy() for t in inputs if t is not None])
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, atol=1e-12)


@pytest.mark.parametrize("mode", ["RNN_TANH", "RNN_RELU", "LSTM", "GRU"])
@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("padded", [False, True])
def test_fused_layer_without_grad_gives_the_same_outputs(mode, reverse, padded):
    """Under no_grad the layer keeps one step of its backward buffers instead of all T: the
    outputs must be exactly those of a recorded forward pass."""
    rng = np.random.default_rng(14)
    g = GATES[mode] * H
    arrays = [rng.standard_normal(s) for s in ((T, B, g), (g, H), (g,), (g,), (B, H), (B, H))]
    valid = (np.arange(T)[:, None] < np.array([5, 2, 4])[None, :])[:, :, None] if padded else None
    inputs = [mg.tensor(a, requires_grad=True) for a in arrays]
    if mode != "LSTM":
        inputs[5] = None
    recorded = FusedRecurrentLayer.apply(*inputs, mode=mode, reverse=reverse, valid=valid)
    with mg.no_grad():
        unrecorded = FusedRecurrentLayer.apply(*inputs, mode=mode, reverse=reverse, valid=valid)
    assert recorded[0].grad_fn is not None and unrecorded[0].grad_fn is None
    for a, b in zip(recorded, unrecorded):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


# ---- gradients against finite differences ---------------------------------------------------------------
def _arrays(rng, *shapes):
    return [mg.tensor(rng.standard_normal(s), requires_grad=True) for s in shapes]


@pytest.mark.parametrize("check", [gradcheck, gradgradcheck])
def test_cells_gradcheck(check):
    rng = np.random.default_rng(6)
    b, h = 2, 3
    assert check(lambda xg, hg: FusedRNNCell.apply(xg, hg, nonlinearity="tanh"), _arrays(rng, (b, h), (b, h)))
    assert check(lambda xg, hg, c: FusedLSTMCell.apply(xg, hg, c), _arrays(rng, (b, 4 * h), (b, 4 * h), (b, h)))
    assert check(lambda xg, hg, hp, bias: FusedGRUCell.apply(xg, hg, hp, bias),
                 _arrays(rng, (b, 3 * h), (b, 3 * h), (b, h), (3 * h,)))


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "RNN"])
def test_layer_gradcheck_and_gradgradcheck(kind):
    """Through a whole small layer (2 layers, both directions): first and second derivatives
    with respect to the input and the two weights of layer 0."""
    mg.manual_seed(1)
    m = getattr(nn, kind)(2, 2, num_layers=2, bidirectional=True).double()
    x = mg.tensor(np.random.default_rng(7).standard_normal((3, 2, 2)), requires_grad=True)
    w_ih = mg.tensor(m.weight_ih_l0.numpy().copy(), requires_grad=True)
    w_hh = mg.tensor(m.weight_hh_l0.numpy().copy(), requires_grad=True)

    def f(x, w_ih, w_hh):  # the layer with these two tensors in place of its parameters
        saved = m._parameters["weight_ih_l0"], m._parameters["weight_hh_l0"]
        m._parameters["weight_ih_l0"], m._parameters["weight_hh_l0"] = w_ih, w_hh
        try:
            return m(x)[0]
        finally:
            m._parameters["weight_ih_l0"], m._parameters["weight_hh_l0"] = saved

    assert gradcheck(f, (x, w_ih, w_hh))
    assert gradgradcheck(f, (x, w_ih, w_hh))


def test_double_backward_through_lstm_matches_torch(torch):
    """A gradient penalty: d/dW of |dL/dx|^2, through an LSTM layer, equals torch's."""
    t, m = make_pair(torch, "LSTM", np.float64)
    x = np.random.default_rng(8).standard_normal((T, B, I))
    tx, mx = leaf(torch, x)
    (t_gx,) = torch.autograd.grad(t(tx)[0].pow(2).sum(), tx, create_graph=True)
    (m_gx,) = mg.grad(m(mx)[0].pow(2).sum(), mx, create_graph=True)
    close(m_gx, t_gx, np.float64)
    t_gx.pow(2).sum().backward()
    (m_gx * m_gx).sum().backward()
    t_params = dict(t.named_parameters())
    for name, p in m.named_parameters():
        close(p.grad, t_params[name].grad, np.float64)


def test_grad_of_both_outputs_of_one_cell(torch):
    """h and c come from one node; asking for the gradient of both at once (as roots of one
    backward) counts that node once."""
    cell_t = torch.nn.LSTMCell(I, H).double()
    cell = nn.LSTMCell(I, H).double()
    copy_weights(cell_t, cell)
    x = np.random.default_rng(15).standard_normal((B, I))
    tx, mx = leaf(torch, x)
    t_h, t_c = cell_t(tx)
    m_h, m_c = cell(mx)
    (t_g,) = torch.autograd.grad([t_h, t_c], tx, [torch.ones_like(t_h), 2 * torch.ones_like(t_c)])
    (m_g,) = mg.grad([m_h, m_c], mx, [mg.ones_like(m_h), 2 * mg.ones_like(m_c)])
    close(m_g, t_g, np.float64)


# ---- packed sequences --------------------------------------------------------------------------------
def test_pack_and_pad_round_trip(torch):
    x = np.random.default_rng(9).standard_normal((B, T, 2))
    lengths = [2, 5, 3]
    for batch_first in (True, False):
        xx = x if batch_first else x.transpose(1, 0, 2).copy()
        m_packed = pack_padded_sequence(mg.tensor(xx), lengths, batch_first=batch_first, enforce_sorted=False)
        t_packed = torch.nn.utils.rnn.pack_padded_sequence(torch.tensor(xx), lengths, batch_first=batch_first,
                                                           enforce_sorted=False)
        np.testing.assert_array_equal(m_packed.data.numpy(), t_packed.data.numpy())
        np.testing.assert_array_equal(m_packed.batch_sizes.numpy(), t_packed.batch_sizes.numpy())
        np.testing.assert_array_equal(m_packed.sorted_indices.numpy(), t_packed.sorted_indices.numpy())
        np.testing.assert_array_equal(m_packed.unsorted_indices.numpy(), t_packed.unsorted_indices.numpy())
        padded, out_lengths = pad_packed_sequence(m_packed, batch_first=batch_first, padding_value=-1.0,
                                                  total_length=T + 1)
        t_padded, _ = torch.nn.utils.rnn.pad_packed_sequence(t_packed, batch_first=batch_first, padding_value=-1.0,
                                                             total_length=T + 1)
        np.testing.assert_array_equal(padded.numpy(), t_padded.numpy())
        assert out_lengths.tolist() == lengths


def test_pack_sequence_and_pad_sequence(torch):
    rng = np.random.default_rng(10)
    seqs = [rng.standard_normal((n, 2)) for n in (4, 2, 1)]
    padded = pad_sequence([mg.tensor(s) for s in seqs], batch_first=True, padding_value=7.0)
    t_padded = torch.nn.utils.rnn.pad_sequence([torch.tensor(s) for s in seqs], batch_first=True, padding_value=7.0)
    np.testing.assert_array_equal(padded.numpy(), t_padded.numpy())
    packed = pack_sequence([mg.tensor(s) for s in seqs])
    t_packed = torch.nn.utils.rnn.pack_sequence([torch.tensor(s) for s in seqs])
    np.testing.assert_array_equal(packed.data.numpy(), t_packed.data.numpy())
    assert isinstance(packed, PackedSequence) and packed.sorted_indices is None


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "RNN_TANH"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_packed_input_matches_torch(torch, kind, bidirectional):
    t, m = make_pair(torch, kind, np.float64, num_layers=2, bidirectional=bidirectional, batch_first=True)
    rng = np.random.default_rng(11)
    x = rng.standard_normal((4, T, I))
    lengths = [3, 5, 1, 4]  # unsorted
    tx, mx = leaf(torch, x)
    n = 2 * (2 if bidirectional else 1)
    th, mh = leaf(torch, rng.standard_normal((n, 4, H)))
    t_in = torch.nn.utils.rnn.pack_padded_sequence(tx, lengths, batch_first=True, enforce_sorted=False)
    m_in = pack_padded_sequence(mx, lengths, batch_first=True, enforce_sorted=False)
    if kind == "LSTM":
        t_out, (t_h, _) = t(t_in, (th, th * 0.5))
        m_out, (m_h, _) = m(m_in, (mh, mh * 0.5))
    else:
        t_out, t_h = t(t_in, th)
        m_out, m_h = m(m_in, mh)
    assert isinstance(m_out, PackedSequence)
    close(m_out.data, t_out.data, np.float64)
    close(m_h, t_h, np.float64)
    t_pad, t_len = torch.nn.utils.rnn.pad_packed_sequence(t_out, batch_first=True)
    m_pad, m_len = pad_packed_sequence(m_out, batch_first=True)
    close(m_pad, t_pad, np.float64)
    assert m_len.tolist() == t_len.tolist() == lengths
    (t_pad.pow(2).sum() + t_h.sum()).backward()
    ((m_pad * m_pad).sum() + m_h.sum()).backward()
    close(mx.grad, tx.grad, np.float64)
    close(mh.grad, th.grad, np.float64)
    t_params = dict(t.named_parameters())
    for name, p in m.named_parameters():
        close(p.grad, t_params[name].grad, np.float64)


def test_padding_values_change_nothing():
    """Whatever sits in the padding, outputs at valid steps and h_n are the same, and padded
    steps get no gradient."""
    mg.manual_seed(2)
    m = nn.LSTM(I, H, bidirectional=True, batch_first=True).double()
    rng = np.random.default_rng(12)
    x = rng.standard_normal((3, T, I))
    lengths = [5, 2, 4]
    results = []
    for fill in (0.0, 100.0):
        xx = x.copy()
        for b, n in enumerate(lengths):
            xx[b, n:] = fill
        mx = mg.tensor(xx, requires_grad=True)
        out, (h_n, c_n) = m(pack_padded_sequence(mx, lengths, batch_first=True, enforce_sorted=False))
        padded, _ = pad_packed_sequence(out, batch_first=True)
        (padded.sum() + h_n.sum() + c_n.sum()).backward()
        results.append((padded.numpy(), h_n.numpy(), c_n.numpy(), mx.grad.numpy()))
        for b, n in enumerate(lengths):
            assert np.all(padded.numpy()[b, n:] == 0)
            assert np.all(mx.grad.numpy()[b, n:] == 0)
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, atol=1e-12)
    # each sequence alone, unpadded, gives the same outputs and final states
    for b, n in enumerate(lengths):
        out, (h_n, _) = m(mg.tensor(x[b:b + 1, :n]))
        np.testing.assert_allclose(out.numpy()[0], results[0][0][b, :n], atol=1e-12)
        np.testing.assert_allclose(h_n.numpy()[:, 0], results[0][1][:, b], atol=1e-12)


# ---- dtypes, dropout ------------------------------------------------------------------------------------
def test_float32_stays_float32():
    m = nn.GRU(I, H, num_layers=2)
    out, h = m(mg.randn(T, B, I))
    assert out.dtype == np.float32 and h.dtype == np.float32
    (out.sum() + h.sum()).backward()
    assert all(p.grad.dtype == np.float32 for p in m.parameters())


def test_dropout_between_layers():
    mg.manual_seed(3)
    m = nn.LSTM(I, H, num_layers=2, dropout=0.5)
    x = mg.randn(T, B, I)
    m.eval()
    a, b = m(x)[0].numpy(), m(x)[0].numpy()
    np.testing.assert_array_equal(a, b)  # eval: no dropout, deterministic
    m.train()
    c, d = m(x)[0].numpy(), m(x)[0].numpy()
    assert not np.allclose(c, a) and not np.allclose(c, d)
    with pytest.warns(UserWarning, match="num_layers=1"):
        nn.GRU(I, H, dropout=0.3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nn.GRU(I, H, num_layers=2, dropout=0.3)


# ---- bad input ---------------------------------------------------------------------------------------
def test_bad_inputs_raise_clear_errors():
    m = nn.LSTM(I, H, num_layers=2)
    with pytest.raises(ShapeError, match=r"2-D \(unbatched\) or 3-D .* got 4-D"):
        m(mg.randn(1, T, B, I))
    with pytest.raises(ShapeError, match=f"Expected {I}, got 7"):
        m(mg.randn(T, B, 7))
    with pytest.raises(ShapeError, match=r"h_0 of shape \(2, 3, 6\), got \(1, 3, 6\)"):
        m(mg.randn(T, B, I), (mg.zeros(1, B, H), mg.zeros(2, B, H)))
    with pytest.raises(ShapeError, match=r"c_0 of shape \(2, 3, 6\), got \(2, 4, 6\)"):
        m(mg.randn(T, B, I), (mg.zeros(2, B, H), mg.zeros(2, 4, H)))
    with pytest.raises(TypeError, match="tuple"):
        m(mg.randn(T, B, I), mg.zeros(2, B, H))
    with pytest.raises(DTypeError, match="float64"):
        m(mg.randn(T, B, I, dtype=mg.float64))
    with pytest.raises(ShapeError, match=r"h_0 of shape \(1, 3, 6\), got \(6,\)"):
        nn.GRU(I, H)(mg.randn(T, B, I), mg.zeros(H))
    with pytest.raises(ShapeError, match=r"h_0 of shape \(1, 6\), got \(1, 3, 6\)"):
        nn.RNN(I, H)(mg.randn(T, I), mg.zeros(1, B, H))  # unbatched input, batched state
    with pytest.raises(ShapeError, match="input_size=4"):
        nn.GRUCell(I, H)(mg.randn(B, 5))
    with pytest.raises(ShapeError, match=r"expected hx of shape \(3, 6\), got \(3, 5\)"):
        nn.RNNCell(I, H)(mg.randn(B, I), mg.zeros(B, 5))
    with pytest.raises(ShapeError, match="1-D .* or 2-D"):
        nn.LSTMCell(I, H)(mg.randn(1, B, I))
    with pytest.raises(ValueError, match="nonlinearity"):
        nn.RNN(I, H, nonlinearity="sigmoid")
    with pytest.raises(ValueError, match="hidden_size must be a positive integer"):
        nn.LSTM(I, 0)
    with pytest.raises(ValueError, match="dropout"):
        nn.GRU(I, H, num_layers=2, dropout=1.5)


def test_bad_lengths_raise_clear_errors():
    x = mg.randn(T, B, I)
    with pytest.raises(ShapeError, match=r"length of 6 is longer than the padded sequence \(5 steps"):
        pack_padded_sequence(x, [6, 3, 2])
    with pytest.raises(ValueError, match="sorted in decreasing order.*enforce_sorted=False"):
        pack_padded_sequence(x, [2, 5, 3])
    with pytest.raises(ValueError, match="at least 1"):
        pack_padded_sequence(x, [5, 3, 0])
    with pytest.raises(ShapeError, match="one length per sequence, 3 in all"):
        pack_padded_sequence(x, [5, 3])
    with pytest.raises(DTypeError, match="integers"):
        pack_padded_sequence(x, [5.0, 3.0, 2.0])
    packed = pack_padded_sequence(x, [5, 3, 2])
    with pytest.raises(ValueError, match="total_length=4 is shorter"):
        pad_packed_sequence(packed, total_length=4)
    with pytest.raises(ShapeError, match=f"Expected {I}, got {I + 1}"):
        nn.GRU(I, H)(pack_padded_sequence(mg.randn(T, B, I + 1), [5, 3, 2]))


def test_second_derivative_of_a_freed_graph_still_raises():
    m = nn.LSTM(I, H)
    out = m(mg.randn(T, B, I))[0].sum()
    out.backward()
    with pytest.raises(GraphError):
        out.backward()


# ---- learning ----------------------------------------------------------------------------------------
def test_lstm_learns_to_recall_the_first_token():
    """Sequences of 8 random tokens from 4; predict the FIRST token after reading all 8.

    It needs memory across 8 steps (chance is 25 %). Seeded, 300 Adam steps of batch 64
    (about two seconds): at least 95 % accuracy on a fresh batch.
    """
    from minigrad.optim import Adam

    mg.manual_seed(0)
    rng = np.random.default_rng(0)
    vocab, steps, hidden = 4, 8, 24

    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = nn.LSTM(vocab, hidden, batch_first=True)
            self.head = nn.Linear(hidden, vocab)

        def forward(self, x):
            _, (h_n, _) = self.lstm(x)
            return self.head(h_n[0])

    def batch(n):
        tokens = rng.integers(0, vocab, size=(n, steps))
        return mg.tensor(np.eye(vocab, dtype=np.float32)[tokens]), mg.tensor(tokens[:, 0])

    model = Model()
    opt = Adam(model.parameters(), lr=0.005)
    start = time.perf_counter()
    for _ in range(300):
        x, y = batch(64)
        loss = nn.functional.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    x, y = batch(512)
    with mg.no_grad():
        accuracy = (model(x).numpy().argmax(axis=1) == y.numpy()).mean()
    assert accuracy >= 0.95, f"accuracy {accuracy:.3f} after {time.perf_counter() - start:.1f} s"
