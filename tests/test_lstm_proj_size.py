"""LSTM with proj_size: parameters like torch's (weight_hr_l{k}), outputs, states and every
gradient against torch (float64 within 1e-10, float32 within 1e-5), packed input, gradient
checks and bad arguments.
"""

import warnings

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn as nn
from minigrad.errors import ArgumentError, ShapeError
from minigrad.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence
from minigrad.ops.recurrent_projected import run_projected_lstm
from minigrad.testing import gradcheck, gradgradcheck

TOL = {np.float64: 1e-10, np.float32: 1e-5}
T, B, I, H, P = 5, 3, 4, 6, 2


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():  # torch: "LSTM with projections is not supported with oneDNN"
        warnings.simplefilter("ignore", UserWarning)
        yield


def close(got, want, dtype):
    got = got.numpy() if isinstance(got, mg.Tensor) else np.asarray(got)
    want = want.detach().numpy() if hasattr(want, "detach") else np.asarray(want)
    assert got.dtype == np.dtype(dtype), f"dtype {got.dtype}, expected {np.dtype(dtype)}"
    np.testing.assert_allclose(got, want, rtol=TOL[dtype], atol=TOL[dtype])


def make_pair(torch, dtype, **kwargs):
    torch.manual_seed(0)
    t = torch.nn.LSTM(I, H, proj_size=P, **kwargs).to(torch.float64 if dtype == np.float64 else torch.float32)
    m = nn.LSTM(I, H, proj_size=P, **kwargs).to(dtype=dtype)
    state = {k: v.detach().numpy() for k, v in t.state_dict().items()}
    assert [(k, v.shape) for k, v in state.items()] == [(k, tuple(p.shape)) for k, p in m.named_parameters()]
    m.load_state_dict({k: mg.tensor(v) for k, v in state.items()})
    return t, m


def leaf(torch, array):
    return torch.tensor(array, requires_grad=True), mg.tensor(array, requires_grad=True)


def test_parameters_like_torch(torch):
    m = nn.LSTM(I, H, num_layers=2, proj_size=P, bidirectional=True)
    t = torch.nn.LSTM(I, H, num_layers=2, proj_size=P, bidirectional=True)
    assert [(k, tuple(p.shape)) for k, p in m.named_parameters()] == \
           [(k, tuple(p.shape)) for k, p in t.named_parameters()]
    assert m.weight_hr_l1_reverse.shape == (P, H) and m.weight_hh_l0.shape == (4 * H, P)
    assert m.weight_ih_l1.shape == (4 * H, 2 * P)
    assert repr(m) == repr(t)
    bound = 1 / np.sqrt(H)
    assert np.abs(m.weight_hr_l0.numpy()).max() <= bound  # U(-1/sqrt(H), 1/sqrt(H)), as every weight


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("num_layers, bidirectional, batch_first, bias",
                         [(1, False, False, True), (2, True, False, True), (2, False, True, False),
                          (1, True, True, True)])
@pytest.mark.parametrize("given_states", [False, True])
def test_matches_torch(torch, dtype, num_layers, bidirectional, batch_first, bias, given_states):
    t, m = make_pair(torch, dtype, num_layers=num_layers, bidirectional=bidirectional, batch_first=batch_first,
                     bias=bias)
    rng = np.random.default_rng(1)
    n = num_layers * (2 if bidirectional else 1)
    tx, mx = leaf(torch, rng.standard_normal((B, T, I) if batch_first else (T, B, I)).astype(dtype))
    t_args, m_args = [tx], [mx]
    if given_states:
        (th, mh), (tc, mc) = (leaf(torch, rng.standard_normal((n, B, size)).astype(dtype)) for size in (P, H))
        t_args.append((th, tc))
        m_args.append((mh, mc))
    t_out, (t_h, t_c) = t(*t_args)
    m_out, (m_h, m_c) = m(*m_args)
    assert m_out.shape == t_out.shape and m_h.shape == (n, B, P) and m_c.shape == (n, B, H)
    for got, want in ((m_out, t_out), (m_h, t_h), (m_c, t_c)):
        close(got, want, dtype)
    w = rng.standard_normal(t_out.shape).astype(dtype)
    ((t_out * torch.from_numpy(w)).sum() + t_h.pow(2).sum() + t_c.sum()).backward()
    ((m_out * mg.tensor(w)).sum() + (m_h * m_h).sum() + m_c.sum()).backward()
    close(mx.grad, tx.grad, dtype)
    if given_states:
        close(mh.grad, th.grad, dtype)
        close(mc.grad, tc.grad, dtype)
    t_params = dict(t.named_parameters())
    for name, p in m.named_parameters():
        close(p.grad, t_params[name].grad, dtype)


def test_unbatched_matches_torch(torch):
    t, m = make_pair(torch, np.float64, num_layers=2)
    tx, mx = leaf(torch, np.random.default_rng(2).standard_normal((T, I)))
    t_out, (t_h, t_c) = t(tx)
    m_out, (m_h, m_c) = m(mx)
    assert m_out.shape == (T, P) and m_h.shape == (2, P) and m_c.shape == (2, H)
    close(m_out, t_out, np.float64)
    close(m_c, t_c, np.float64)
    (t_out.sum() + t_h.sum()).backward()
    (m_out.sum() + m_h.sum()).backward()
    close(mx.grad, tx.grad, np.float64)


def test_packed_input_matches_torch(torch):
    t, m = make_pair(torch, np.float64, num_layers=2, bidirectional=True, batch_first=True)
    rng = np.random.default_rng(3)
    lengths = [3, 5, 1, 4]
    tx, mx = leaf(torch, rng.standard_normal((4, T, I)))
    t_in = torch.nn.utils.rnn.pack_padded_sequence(tx, lengths, batch_first=True, enforce_sorted=False)
    m_in = pack_padded_sequence(mx, lengths, batch_first=True, enforce_sorted=False)
    t_out, (t_h, t_c) = t(t_in)
    m_out, (m_h, m_c) = m(m_in)
    close(m_out.data, t_out.data, np.float64)
    close(m_h, t_h, np.float64)
    close(m_c, t_c, np.float64)
    t_pad, _ = torch.nn.utils.rnn.pad_packed_sequence(t_out, batch_first=True)
    m_pad, _ = pad_packed_sequence(m_out, batch_first=True)
    (t_pad.pow(2).sum() + t_h.sum() + t_c.sum()).backward()
    ((m_pad * m_pad).sum() + m_h.sum() + m_c.sum()).backward()
    close(mx.grad, tx.grad, np.float64)
    t_params = dict(t.named_parameters())
    for name, p in m.named_parameters():
        close(p.grad, t_params[name].grad, np.float64)


@pytest.mark.parametrize("check", [gradcheck, gradgradcheck])
def test_gradcheck(check):
    mg.manual_seed(4)
    m = nn.LSTM(2, 3, proj_size=1, bidirectional=True).double()
    rng = np.random.default_rng(5)
    x = mg.tensor(rng.standard_normal((3, 2, 2)), requires_grad=True)
    h0 = mg.tensor(rng.standard_normal((2, 2, 1)), requires_grad=True)
    c0 = mg.tensor(rng.standard_normal((2, 2, 3)), requires_grad=True)
    assert check(lambda x, h0, c0: m(x, (h0, c0))[0], (x, h0, c0))
    # the layer with its weights as inputs, through time in both directions and with padding
    w = [mg.tensor(rng.standard_normal(s) * 0.5, requires_grad=True) for s in ((12, 2), (12, 1), (12,), (12,), (1, 3))]
    valid = np.array([[True, True], [True, False], [False, False]])[:, :, None]
    for reverse in (False, True):
        assert check(lambda x, h0, c0, *w: run_projected_lstm(x, *w, h0, c0, reverse=reverse, valid=valid),
                     (x, h0[0], c0[0], *w))


def test_bad_arguments(torch):
    with pytest.raises(ArgumentError, match="proj_size has to be smaller than hidden_size"):
        nn.LSTM(I, H, proj_size=H)
    with pytest.raises(ValueError):  # what torch raises
        torch.nn.LSTM(I, H, proj_size=H)
    with pytest.raises(ArgumentError, match="proj_size should be a positive integer or zero"):
        nn.LSTM(I, H, proj_size=-1)
    with pytest.raises(ArgumentError, match="only supported for LSTM"):
        nn.rnn.RNNBase("GRU", I, H, proj_size=2)
    m = nn.LSTM(I, H, proj_size=P)
    x = mg.randn(T, B, I)
    with pytest.raises(ShapeError, match=rf"expected h_0 of shape \(1, {B}, {P}\)"):
        m(x, (mg.zeros(1, B, H), mg.zeros(1, B, H)))
    with pytest.raises(ShapeError, match=rf"expected c_0 of shape \(1, {B}, {H}\)"):
        m(x, (mg.zeros(1, B, P), mg.zeros(1, B, P)))
