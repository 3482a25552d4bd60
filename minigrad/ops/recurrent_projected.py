"""An LSTM layer with a projection of its output (PyTorch's ``proj_size``, Sak et al., 2014).

The cell is the usual one (``FusedLSTMCell``), but the hidden state fed back and returned is a
smaller projection of it, h_t = W_hr (o ⊙ tanh(c_t)):

    a_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh     W_hh (4H, P): it reads the projected state
    (u_t, c_t) = cell(a_t, c_{t-1})                 u_t = o ⊙ tanh(c_t), (B, H)
    h_t = u_t W_hr^T                                W_hr (P, H), h_t (B, P), P < H

Composite: each step is FusedLSTMCell between two matmuls, so the backward (through time) and
its own derivative come from autograd. It is not fused into one layer node like
FusedRecurrentLayer: the projection sits inside the recurrence (every step's extra GEMM has its
own gradient), and projected LSTMs are rare enough that the plainer graph is the better trade.
"""

from .elementwise import constant, where
from .linalg import matmul
from .recurrent import FusedLSTMCell
from .shape import cat, reshape, split, transpose


def run_projected_lstm(x, w_ih, w_hh, b_ih, b_hh, w_hr, h0, c0, reverse=False, valid=None):
    """One projected LSTM layer in one direction over a time-major ``x`` (T, B, I).

    h0 (B, P), c0 (B, H); ``valid`` None or a bool array (T, B, 1), False at padded steps (the
    state is carried over unchanged there and the output is 0). Returns output (T, B, P), h_n,
    c_n. The input projection of all T steps is one GEMM, as in ``run_layer``.
    """
    steps, batch = x.shape[0], x.shape[1]
    xg = matmul(reshape(x, (steps * batch, x.shape[2])), transpose(w_ih))
    for b in (b_ih, b_hh):
        if b is not None:
            xg = xg + b
    xs = split(xg, batch, dim=0) if steps > 1 else (xg,)
    w_hh_t, w_hr_t = transpose(w_hh), transpose(w_hr)
    h, c = h0, c0
    outputs = [None] * steps
    for t in (range(steps - 1, -1, -1) if reverse else range(steps)):
        u, c_new = FusedLSTMCell.apply(xs[t], matmul(h, w_hh_t), c)
        h_new = matmul(u, w_hr_t)
        if valid is not None:
            outputs[t] = h_new * constant(valid[t].astype(h_new.dtype))
            h_new, c_new = where(valid[t], h_new, h), where(valid[t], c_new, c)
        else:
            outputs[t] = h_new
        h, c = h_new, c_new
    return reshape(cat(outputs, dim=0), (steps, batch, h.shape[-1])), h, c
