"""Recurrent cells: one time step of an Elman RNN, an LSTM and a GRU, each one fused Function.

A recurrent layer runs the same cell at every step t = 0 .. T-1 of a sequence:

    state_t = cell(x_t, state_{t-1})

Each gate is an affine function of the input and of the previous hidden state,
W_ih x_t + b_ih + W_hh h_{t-1} + b_hh. The input part does not depend on the previous
step, so a layer computes it for all T steps at once, as ONE GEMM (``xg``, shape
(T·B, G·H) for G gates); only the hidden part ``hg = h_{t-1} W_hh^T`` needs a GEMM per
step. The cells below take these two precomputed parts and do all the elementwise work
that follows, forward and backward, in one node of the graph instead of a dozen small ops.
``run_layer`` is that loop: what ``nn.RNN``, ``nn.LSTM`` and ``nn.GRU`` call per layer and
direction.

Notation: B batch, H hidden size, σ the logistic sigmoid, ⊙ the elementwise product,
dX = dL/dX. Derivatives used: σ'(a) = σ(a)(1 - σ(a)), tanh'(a) = 1 - tanh(a)².

Backward has one set of formulas and two ways to run them:
- plain ``backward()`` (no graph recorded): on arrays, with the activations forward saved;
- ``create_graph=True``: on Tensors, with the activations recomputed from the inputs by
  minigrad's differentiable ops, so the gradient can be differentiated again.
The formulas only use ``+ - *``, so the same function serves both (``_lstm_grads``, ...).
"""

from ..autograd.function import Function
from ..autograd.grad_mode import is_grad_enabled
from ..backend import get_array_module
from ..tensor import Tensor
from .activation import sigmoid, tanh
from .elementwise import constant, where
from .linalg import matmul
from .shape import cat, reshape, split, transpose


def _sigmoid(a, out=None):
    """σ(a) = 1 / (1 + exp(-a)) on an array, as (1 + tanh(a/2)) / 2: the same number, and
    it never overflows (tanh saturates at ±1 where exp(-a) would be inf)."""
    xp = get_array_module(a)
    out = xp.multiply(a, 0.5, out=out)  # python floats keep float32 float32
    xp.tanh(out, out=out)
    out += 1.0
    out *= 0.5
    return out


def _parts(a, n):
    """Split the last axis of ``a`` (array or Tensor) into ``n`` equal blocks (views)."""
    h = a.shape[-1] // n
    if isinstance(a, Tensor):  # a differentiable split
        return split(a, h, dim=-1)
    return tuple(a[..., k * h:(k + 1) * h] for k in range(n))


def _join(parts):
    """Concatenate gate blocks along the last axis (arrays or Tensors)."""
    if isinstance(parts[0], Tensor):
        return cat(list(parts), dim=-1)
    return get_array_module(*parts).concatenate(parts, axis=-1)


# ---- Elman RNN ---------------------------------------------------------------------------------
class FusedRNNCell(Function):
    """One step of an Elman RNN: h = act(xg + hg), act = tanh or relu.

    Backward: with a = xg + hg,
        tanh:  dh/da = 1 - tanh(a)² = 1 - h²     so  da = dh ⊙ (1 - h²)
        relu:  dh/da = [a > 0] = [h > 0]          so  da = dh ⊙ [h > 0]
    and since a = xg + hg, dxg = dhg = da. Both use only the output h, which comes back
    from ``saved_tensors`` as a Tensor of this node, so the backward is differentiable as is.
    """

    @staticmethod
    def forward(ctx, xg, hg, nonlinearity):
        xp = get_array_module(xg, hg)
        a = xg + hg
        h = xp.tanh(a, out=a) if nonlinearity == "tanh" else xp.maximum(a, 0, out=a)
        ctx.nonlinearity = nonlinearity
        ctx.save_for_backward(h)
        return h

    @staticmethod
    def backward(ctx, dh):
        (h,) = ctx.saved_tensors
        if ctx.nonlinearity == "tanh":
            da = dh * (1 - h * h)
        else:
            da = dh * constant((h.data > 0).astype(h.dtype))
        return da, da


# ---- LSTM --------------------------------------------------------------------------------------
def _lstm_grads(i, f, g, o, tc, c_prev, dh, dc):
    """The LSTM cell's backward (see FusedLSTMCell), on arrays or Tensors alike."""
    dc = dc + dh * o * (1 - tc * tc)  # c reaches the loss directly and through h = o ⊙ tanh(c)
    da_i = dc * g * i * (1 - i)
    da_f = dc * c_prev * f * (1 - f)
    da_g = dc * i * (1 - g * g)
    da_o = dh * tc * o * (1 - o)
    return (da_i, da_f, da_g, da_o), dc * f


class FusedLSTMCell(Function):
    """One LSTM step: (xg, hg, c_prev) -> (h, c), gates in PyTorch's order i, f, g, o.

    Forward, with a = xg + hg cut into four (B, H) blocks a_i, a_f, a_g, a_o:
        i = σ(a_i)    f = σ(a_f)    g = tanh(a_g)    o = σ(a_o)
        c = f ⊙ c_prev + i ⊙ g                     (the cell state: forget some, write some)
        h = o ⊙ tanh(c)                            (the output: a gated view of the cell)

    Backward, given dh and dc (the gradients reaching h and c from later steps and the loss):
        c reaches the loss directly and through h:  dc_total = dc + dh ⊙ o ⊙ (1 - tanh(c)²)
        h = o ⊙ tanh(c)          gives   do = dh ⊙ tanh(c)
        c = f ⊙ c_prev + i ⊙ g   gives   di = dc_total ⊙ g,        df = dc_total ⊙ c_prev,
                                         dg = dc_total ⊙ i,        dc_prev = dc_total ⊙ f
        through the activations:         da_i = di ⊙ i(1 - i),     da_f = df ⊙ f(1 - f),
                                         da_g = dg ⊙ (1 - g²),     da_o = do ⊙ o(1 - o)
    and since a = xg + hg, dxg = dhg = da = [da_i, da_f, da_g, da_o].
    """

    @staticmethod
    def forward(ctx, xg, hg, c_prev):
        xp = get_array_module(xg, hg, c_prev)
        hidden = c_prev.shape[-1]
        gates = xg + hg  # a fresh array: activate it in place
        _sigmoid(gates[..., :2 * hidden], out=gates[..., :2 * hidden])  # i and f
        xp.tanh(gates[..., 2 * hidden:3 * hidden], out=gates[..., 2 * hidden:3 * hidden])  # g
        _sigmoid(gates[..., 3 * hidden:], out=gates[..., 3 * hidden:])  # o
        i, f, g, o = _parts(gates, 4)
        c = f * c_prev
        c += i * g
        tc = xp.tanh(c)
        h = o * tc
        ctx.save_for_backward(xg, hg, c_prev, gates, tc)
        return h, c

    @staticmethod
    def backward(ctx, dh, dc):
        xg, hg, c_prev, gates, tc = ctx.saved_tensors
        if is_grad_enabled():  # create_graph: recompute the activations with recorded ops
            a_i, a_f, a_g, a_o = _parts(xg + hg, 4)
            i, f, g, o = sigmoid(a_i), sigmoid(a_f), tanh(a_g), sigmoid(a_o)
            tc = tanh(f * c_prev + i * g)
            da, dc_prev = _lstm_grads(i, f, g, o, tc, c_prev, dh, dc)
            da = _join(da)
        else:
            i, f, g, o = _parts(gates.data, 4)
            da, dc_prev = _lstm_grads(i, f, g, o, tc.data, c_prev.data, dh.data, dc.data)
            da, dc_prev = constant(_join(da)), constant(dc_prev)
        return da, da, dc_prev


# ---- GRU ---------------------------------------------------------------------------------------
def _gru_grads(r, z, n, hn, h_prev, dh):
    """The GRU cell's backward (see FusedGRUCell), on arrays or Tensors alike."""
    da_n = dh * (1 - z) * (1 - n * n)
    da_r = da_n * hn * r * (1 - r)
    da_z = dh * (h_prev - n) * z * (1 - z)
    return (da_r, da_z, da_n), (da_r, da_z, da_n * r), dh * z


class FusedGRUCell(Function):
    """One GRU step: (xg, hg, h_prev, b_hh) -> h, gates in PyTorch's order r, z, n.

    Forward, with xg = W_ih x + b_ih and hg = W_hh h_prev (+ b_hh when given) each cut into
    three (B, H) blocks:
        r = σ(x_r + h_r)                 (reset gate)
        z = σ(x_z + h_z)                 (update gate)
        n = tanh(x_n + r ⊙ h_n)          (candidate; r scales the hidden part only, b_hn included)
        h = (1 - z) ⊙ n + z ⊙ h_prev

    Backward, given dh:
        h = (1 - z) ⊙ n + z ⊙ h_prev  gives  dn = dh ⊙ (1 - z),  dz = dh ⊙ (h_prev - n),
                                             and dh_prev = dh ⊙ z along this direct path
        a_n = x_n + r ⊙ h_n           gives  da_n = dn ⊙ (1 - n²),  dx_n = da_n,
                                             dh_n = da_n ⊙ r,  dr = da_n ⊙ h_n
        through the sigmoids:                da_r = dr ⊙ r(1 - r),  da_z = dz ⊙ z(1 - z)
    so dxg = [da_r, da_z, da_n] and dhg = [da_r, da_z, da_n ⊙ r]; db_hh is dhg summed over
    the batch (the engine sums broadcast gradients). The path from hg back to h_prev
    (through W_hh) is the matmul's backward, outside this cell.
    """

    @staticmethod
    def forward(ctx, xg, hg, h_prev, b_hh):
        xp = get_array_module(xg, hg, h_prev)
        hg_b = hg if b_hh is None else hg + b_hh
        x_r, x_z, x_n = _parts(xg, 3)
        h_r, h_z, h_n = _parts(hg_b, 3)
        r = _sigmoid(x_r + h_r)
        z = _sigmoid(x_z + h_z)
        n = r * h_n
        n += x_n
        xp.tanh(n, out=n)
        h = n - z * n  # = (1 - z) n + z h_prev, without a temporary for 1 - z
        h += z * h_prev
        ctx.save_for_backward(xg, hg, h_prev, b_hh, r, z, n, h_n)
        return h

    @staticmethod
    def backward(ctx, dh):
        xg, hg, h_prev, b_hh, r, z, n, h_n = ctx.saved_tensors
        if is_grad_enabled():  # create_graph: recompute the activations with recorded ops
            if b_hh is not None:
                hg = hg + b_hh
            x_r, x_z, x_n = _parts(xg, 3)
            h_r, h_z, h_n = _parts(hg, 3)
            r, z = sigmoid(x_r + h_r), sigmoid(x_z + h_z)
            n = tanh(x_n + r * h_n)
            dxg, dhg, dh_prev = _gru_grads(r, z, n, h_n, h_prev, dh)
            dxg, dhg = _join(dxg), _join(dhg)
        else:
            dxg, dhg, dh_prev = _gru_grads(r.data, z.data, n.data, h_n.data, h_prev.data, dh.data)
            dxg, dhg, dh_prev = constant(_join(dxg)), constant(_join(dhg)), constant(dh_prev)
        return dxg, dhg, dh_prev, dhg if ctx.needs_input_grad[3] else None


# ---- a whole layer: one direction over the sequence ---------------------------------------------
GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def run_layer(mode, x, w_ih, w_hh, b_ih, b_hh, h0, c0=None, reverse=False, valid=None):
    """Run one recurrent layer in one direction over a time-major sequence.

    ``x`` (T, B, I); weights as in PyTorch (``w_ih`` (G·H, I), ``w_hh`` (G·H, H), biases
    (G·H,) or None); ``h0`` and, for an LSTM, ``c0`` of shape (B, H). ``reverse`` walks
    t = T-1 .. 0. ``valid`` is None or a bool array (T, B, 1), True at real (not padded)
    steps: past its length a sequence's state stays frozen and its outputs are zero, so
    padding changes neither the valid outputs nor the final state.
    Returns ``output`` (T, B, H) and ``h_T`` (and ``c_T`` for an LSTM).

    The input projection of all T steps is one GEMM on x viewed as a (T·B, I) matrix; its
    rows are time-major, so ``split`` cuts it into per-step (B, G·H) views without a copy.
    """
    steps, batch = x.shape[0], x.shape[1]
    if mode not in GATES:
        raise ValueError(f"run_layer: mode must be one of {tuple(GATES)}, got {mode!r}")
    xg = matmul(reshape(x, (steps * batch, x.shape[2])), transpose(w_ih))
    # b_ih and b_hh add up, except in a GRU where r scales W_hn h + b_hn: there b_hh goes per step
    bias = b_ih if mode == "GRU" or b_hh is None else (b_hh if b_ih is None else b_ih + b_hh)
    if bias is not None:
        xg = xg + bias
    xg = split(xg, batch, dim=0) if steps > 1 else (xg,)
    w_hh_t = transpose(w_hh)
    h, c = h0, c0
    outputs = [None] * steps
    for t in (range(steps - 1, -1, -1) if reverse else range(steps)):
        hg = matmul(h, w_hh_t)  # the one GEMM per step
        if mode == "LSTM":
            h_new, c_new = FusedLSTMCell.apply(xg[t], hg, c)
        elif mode == "GRU":
            h_new = FusedGRUCell.apply(xg[t], hg, h, b_hh)
        else:
            h_new = FusedRNNCell.apply(xg[t], hg, nonlinearity="tanh" if mode == "RNN_TANH" else "relu")
        if valid is not None:  # freeze the state of sequences that have ended
            h_new = where(valid[t], h_new, h)
            if mode == "LSTM":
                c_new = where(valid[t], c_new, c)
        h = h_new
        c = c_new if mode == "LSTM" else None
        outputs[t] = h
    output = reshape(cat(outputs, dim=0), (steps, batch, h.shape[-1]))
    if valid is not None:
        output = output * constant(valid.astype(output.dtype))
    return (output, h, c) if mode == "LSTM" else (output, h)


TENSOR_METHODS = {}
