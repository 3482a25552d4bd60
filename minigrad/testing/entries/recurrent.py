"""Registry entries for minigrad/ops/recurrent.py: the fused RNN, LSTM and GRU cells, and the
fused layer that runs them over a sequence.

Each cell is called on precomputed gate pre-activations (xg, hg) as a layer does. The relu
RNN cell keeps its pre-activation xg + hg away from the kink at 0 by construction; the layer
entry leaves relu out, since its pre-activations at later steps cannot be placed by
construction (the relu layer is checked against torch.nn.RNN in tests/test_rnn.py). The torch
twins spell the same equations out with torch's elementary ops.
"""

import numpy as np

from ...ops import recurrent as R
from ..registry import OpInfo, Sample
from ..strategies import away_from, smooth_normal


def _rnn_cell(xg, hg, nonlinearity="tanh"):
    return R.FusedRNNCell.apply(xg, hg, nonlinearity=nonlinearity)


def _lstm_cell(xg, hg, c_prev):
    return R.FusedLSTMCell.apply(xg, hg, c_prev)


def _gru_cell(xg, hg, h_prev, b_hh=None):
    return R.FusedGRUCell.apply(xg, hg, h_prev, b_hh)


def _rnn_samples(rng):
    samples = []
    for shape in ((3, 4), (1, 5), (4,)):
        hg = smooth_normal(rng, shape)
        samples.append(Sample((smooth_normal(rng, shape), hg)))
        a = away_from(smooth_normal(rng, shape), (0.0,), 0.1)  # relu: xg + hg = a, away from 0
        samples.append(Sample((a - hg, hg), {"nonlinearity": "relu"}))
    return samples


def _lstm_samples(rng):
    return [Sample((smooth_normal(rng, (b, 4 * h)), smooth_normal(rng, (b, 4 * h)), smooth_normal(rng, (b, h))))
            for b, h in ((3, 2), (1, 3), (2, 1))]


def _gru_samples(rng):
    samples = []
    for b, h in ((3, 2), (1, 3)):
        args = (smooth_normal(rng, (b, 3 * h)), smooth_normal(rng, (b, 3 * h)), smooth_normal(rng, (b, h)))
        samples.append(Sample(args))
        samples.append(Sample(args + (smooth_normal(rng, (3 * h,)),)))
    return samples


def _projection(x, w_ih):
    return R.InputProjection.apply(x, w_ih)


def _projection_samples(rng):
    return [Sample((smooth_normal(rng, (t, b, i)), smooth_normal(rng, (g, i)))) for t, b, i, g in ((3, 2, 4, 8), (1, 1, 2, 3))]


def _torch_projection(torch, x, w_ih):
    return x @ w_ih.T


def _layer(xg, w_hh, b_ih, b_hh, h0, c0=None, mode="LSTM", reverse=False, valid=None):
    return R.FusedRecurrentLayer.apply(xg, w_hh, b_ih, b_hh, h0, c0, mode=mode, reverse=reverse, valid=valid)


def _layer_samples(rng):
    steps, batch, hidden = 3, 2, 2
    valid = np.ones((steps, batch, 1), dtype=bool)
    valid[2, 1] = False  # the second sequence has length 2 (padded at its last step)
    samples = []
    for mode in ("RNN_TANH", "LSTM", "GRU"):
        g = R.GATES[mode] * hidden
        args = (smooth_normal(rng, (steps, batch, g)), 0.5 * smooth_normal(rng, (g, hidden)),
                smooth_normal(rng, (g,)), smooth_normal(rng, (g,)), smooth_normal(rng, (batch, hidden)),
                smooth_normal(rng, (batch, hidden)) if mode == "LSTM" else None)
        samples.append(Sample(args, {"mode": mode}))
        samples.append(Sample(args, {"mode": mode, "reverse": True, "valid": valid}))
    no_bias = samples[2].args[:2] + (None, None) + samples[2].args[4:]  # an LSTM without biases
    samples.append(Sample(no_bias, {"mode": "LSTM"}))
    return samples


def _torch_layer(torch, xg, w_hh, b_ih, b_hh, h0, c0=None, mode="LSTM", reverse=False, valid=None):
    h, c = h0, c0
    outputs = [None] * xg.shape[0]
    for t in (range(xg.shape[0] - 1, -1, -1) if reverse else range(xg.shape[0])):
        x, hg = xg[t], h @ w_hh.T
        x = x if b_ih is None else x + b_ih
        hg = hg if b_hh is None else hg + b_hh
        if mode == "LSTM":
            h_new, c_new = _torch_lstm(torch, x, hg, c)
        elif mode == "GRU":
            h_new = _torch_gru(torch, x, hg, h)
        else:
            h_new = torch.tanh(x + hg)
        keep = torch.ones(1, dtype=torch.bool) if valid is None else torch.from_numpy(valid[t])
        outputs[t] = h_new * keep
        h = torch.where(keep, h_new, h)
        c = torch.where(keep, c_new, c) if mode == "LSTM" else None
    return (torch.stack(outputs), h) + ((c,) if mode == "LSTM" else ())


def _torch_rnn(torch, xg, hg, nonlinearity="tanh"):
    a = xg + hg
    return torch.tanh(a) if nonlinearity == "tanh" else torch.relu(a)


def _torch_lstm(torch, xg, hg, c_prev):
    i, f, g, o = (xg + hg).chunk(4, dim=-1)
    c = torch.sigmoid(f) * c_prev + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * torch.tanh(c), c


def _torch_gru(torch, xg, hg, h_prev, b_hh=None):
    if b_hh is not None:
        hg = hg + b_hh
    x_r, x_z, x_n = xg.chunk(3, dim=-1)
    h_r, h_z, h_n = hg.chunk(3, dim=-1)
    r, z = torch.sigmoid(x_r + h_r), torch.sigmoid(x_z + h_z)
    n = torch.tanh(x_n + r * h_n)
    return (1 - z) * n + z * h_prev


ENTRIES = [
    OpInfo("rnn_cell", _rnn_cell, _rnn_samples, (R.FusedRNNCell,), torch_fn=_torch_rnn),
    OpInfo("lstm_cell", _lstm_cell, _lstm_samples, (R.FusedLSTMCell,), torch_fn=_torch_lstm),
    OpInfo("gru_cell", _gru_cell, _gru_samples, (R.FusedGRUCell,), torch_fn=_torch_gru),
    OpInfo("recurrent_input_projection", _projection, _projection_samples, (R.InputProjection,),
           torch_fn=_torch_projection),
    # double backward goes through the cells above (run_cells), hence they are listed too
    OpInfo("recurrent_layer", _layer, _layer_samples,
           (R.FusedRecurrentLayer, R.FusedRNNCell, R.FusedLSTMCell, R.FusedGRUCell), torch_fn=_torch_layer),
]
