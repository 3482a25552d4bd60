"""One recurrent step as a function of its weights: torch.rnn_tanh_cell, rnn_relu_cell,
lstm_cell and gru_cell.

The same step as ``nn.RNNCell``, ``nn.LSTMCell`` and ``nn.GRUCell``, with the weights passed
in instead of held by a module. For input x (B, I), hidden state h (B, H), weights w_ih
(G·H, I), w_hh (G·H, H) and optional biases (G·H,), with G gates:

    rnn  (G = 1):  h' = act(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh)          act = tanh or relu
    lstm (G = 4):  [a_i, a_f, a_g, a_o] = x W_ihᵀ + b_ih + h W_hhᵀ + b_hh
                   c' = σ(a_f) ⊙ c + σ(a_i) ⊙ tanh(a_g),   h' = σ(a_o) ⊙ tanh(c')
    gru  (G = 3):  [x_r, x_z, x_n] = x W_ihᵀ + b_ih,   [h_r, h_z, h_n] = h W_hhᵀ + b_hh
                   r = σ(x_r + h_r),   z = σ(x_z + h_z),   n = tanh(x_n + r ⊙ h_n)
                   h' = (1 - z) ⊙ n + z ⊙ h

(the GRU's reset gate r scales the whole hidden part of n, b_hn included, as in PyTorch).

Composite: the two projections are fused Linear nodes (ops/linear.py) and the gates one fused
cell node (ops/recurrent.py, where the backward of each cell is derived), the nodes nn's
cells use; so the gradients are theirs, and can be differentiated again.
"""

from ..errors import ArgumentRuntimeError, ArgumentTypeError, DTypeError, ShapeError
from ..tensor import Tensor
from .linear import linear
from .recurrent import FusedGRUCell, FusedLSTMCell, FusedRNNCell


def _check(op, gates, input, states, w_ih, w_hh, b_ih, b_hh):
    """Tensors of one floating dtype, shaped as in the module docstring (H read off w_hh)."""
    tensors = {"input": input, **states, "w_ih": w_ih, "w_hh": w_hh, "b_ih": b_ih, "b_hh": b_hh}
    for name, t in tensors.items():
        if not isinstance(t, Tensor) and not (t is None and name in ("b_ih", "b_hh")):
            raise ArgumentTypeError(f"{op}: {name} must be a Tensor, got {type(t).__name__}")
    if input.dtype.kind != "f":
        raise DTypeError(f"{op}: input must be a floating point tensor, got dtype {input.dtype}")
    for name, t in tensors.items():
        if t is not None and t.dtype != input.dtype:
            raise DTypeError(f"{op}: {name} has dtype {t.dtype} but input has dtype {input.dtype}; "
                             "all the tensors must share one dtype")
    if input.ndim != 2 or w_hh.ndim != 2:
        raise ShapeError(f"{op}: expected input (batch, input_size) and w_hh (gates * hidden_size, hidden_size) "
                         f"to be 2-D, got shapes {tuple(input.shape)} and {tuple(w_hh.shape)}")
    (batch, features), hidden = input.shape, w_hh.shape[1]
    expected = {**{name: (batch, hidden) for name in states}, "w_ih": (gates * hidden, features),
                "w_hh": (gates * hidden, hidden), "b_ih": (gates * hidden,), "b_hh": (gates * hidden,)}
    for name, shape in expected.items():
        t = tensors[name]
        if t is not None and tuple(t.shape) != shape:
            raise ShapeError(f"{op}: {name} has shape {tuple(t.shape)}, expected {shape} for an input of shape "
                             f"{tuple(input.shape)} and hidden_size {hidden} (w_hh of shape {tuple(w_hh.shape)}, "
                             f"{gates} gate{'s' if gates > 1 else ''})")


def _rnn_cell(op, nonlinearity, input, hx, w_ih, w_hh, b_ih, b_hh):
    _check(op, 1, input, {"hx": hx}, w_ih, w_hh, b_ih, b_hh)
    return FusedRNNCell.apply(linear(input, w_ih, b_ih), linear(hx, w_hh, b_hh), nonlinearity=nonlinearity)


def rnn_tanh_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """One Elman RNN step, h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh); input (B, I), hx (B, H).

    Composition: of ops/linear.py Linear and ops/recurrent.py FusedRNNCell (no Function of its own).
    """
    return _rnn_cell("rnn_tanh_cell", "tanh", input, hx, w_ih, w_hh, b_ih, b_hh)


def rnn_relu_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """One Elman RNN step, h' = relu(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh); input (B, I), hx (B, H).

    Composition: of ops/linear.py Linear and ops/recurrent.py FusedRNNCell (no Function of its own).
    """
    return _rnn_cell("rnn_relu_cell", "relu", input, hx, w_ih, w_hh, b_ih, b_hh)


def lstm_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """One LSTM step: hx = (h, c), each (B, H), gates i, f, g, o; returns the tuple (h', c').

    Composition: of ops/linear.py Linear and ops/recurrent.py FusedLSTMCell (no Function of its own).
    """
    op = "lstm_cell"
    if not isinstance(hx, (tuple, list)):
        raise ArgumentTypeError(f"{op}: hx must be a tuple (h, c) of Tensors, got {type(hx).__name__}")
    if len(hx) != 2:
        raise ArgumentRuntimeError(f"{op}: expects two hidden states (h, c), got {len(hx)}")
    h, c = hx
    _check(op, 4, input, {"h": h, "c": c}, w_ih, w_hh, b_ih, b_hh)
    return FusedLSTMCell.apply(linear(input, w_ih, b_ih), linear(h, w_hh, b_hh), c)


def gru_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """One GRU step (gates r, z, n; b_hh's n block inside r ⊙ ·); input (B, I), hx (B, H).

    Composition: of ops/linear.py Linear and ops/recurrent.py FusedGRUCell (no Function of its own).
    """
    _check("gru_cell", 3, input, {"hx": hx}, w_ih, w_hh, b_ih, b_hh)
    # b_hh goes to the cell rather than into the projection: its n block is scaled by r there
    return FusedGRUCell.apply(linear(input, w_ih, b_ih), linear(hx, w_hh), hx, b_hh)
