"""Recurrent networks: the Elman RNN, LSTM and GRU cells, and a whole layer over a sequence.

A recurrent layer runs the same cell at every step t = 0 .. T-1 of a sequence:

    state_t = cell(x_t, state_{t-1})

Each gate is an affine function of the input and of the previous hidden state,
W_ih x_t + b_ih + W_hh h_{t-1} + b_hh. The input part does not depend on the previous
step, so a layer computes it for all T steps at once, as ONE GEMM (``xg``, shape
(T, B, G·H) for G gates); only the hidden part ``hg = h_{t-1} W_hh^T`` needs a GEMM per
step. Everything elementwise that follows is fused:

- ``FusedRNNCell``, ``FusedLSTMCell``, ``FusedGRUCell``: one step, one node, given the two
  precomputed parts (xg, hg). ``nn.RNNCell`` & co. use them, one node per call.
- ``FusedRecurrentLayer``: all T steps of one layer and direction as one node. Its forward
  runs the same cell equations step by step (one GEMM per step); its backward is
  backpropagation through time written out, with the W_hh gradient of all steps summed by
  a single GEMM at the end. ``nn.RNN``, ``nn.LSTM`` and ``nn.GRU`` call it through
  ``run_layer``.

Notation (docs/notation.md): B batch, H hidden size, σ the logistic sigmoid, ⊙ the elementwise
product, dX = dL/dX, h_{-1} = h0 the initial state. Picture: docs/figures/lstm-cell.svg. Derivatives used: σ'(a) = σ(a)(1 - σ(a)), tanh'(a) = 1 - tanh(a)².

Backward has one set of formulas per cell and two ways to run them:
- plain ``backward()`` (no graph recorded): on arrays, with the activations forward saved;
- ``create_graph=True``: on Tensors, with the activations recomputed from the inputs by
  minigrad's differentiable ops, so the gradient can be differentiated again (the layer
  rebuilds its steps from the cell Functions and differentiates those).
The formulas only use ``+ - *``, so the same function serves both (``_lstm_grads``, ...).
"""

from ..autograd.function import Function
from ..autograd.grad_mode import is_grad_enabled
from ..backend import get_array_module
from ..errors import ArgumentError
from ..tensor import Tensor
from .activation import sigmoid, tanh
from .elementwise import constant, where
from .linalg import matmul
from .shape import cat, reshape, split, transpose

GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


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


def _join(parts, out=None):
    """Concatenate gate blocks along the last axis (arrays, into ``out`` if given, or Tensors)."""
    if isinstance(parts[0], Tensor):
        return cat(list(parts), dim=-1)
    return get_array_module(*parts).concatenate(parts, axis=-1, out=out)


# ---- Elman RNN ---------------------------------------------------------------------------------
def _rnn_forward(a, nonlinearity):
    """h = act(a) on an array, in place."""
    xp = get_array_module(a)
    return xp.tanh(a, out=a) if nonlinearity == "tanh" else xp.maximum(a, 0, out=a)


def _rnn_grads(h, dh, nonlinearity):
    """da from dh (see FusedRNNCell), on arrays or Tensors alike."""
    if nonlinearity == "tanh":
        return dh * (1 - h * h)
    mask = (h.array if isinstance(h, Tensor) else h) > 0
    return dh * (constant(mask.astype(h.dtype)) if isinstance(h, Tensor) else mask)


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
        h = _rnn_forward(xg + hg, nonlinearity)
        ctx.nonlinearity = nonlinearity
        ctx.save_for_backward(h)
        return h

    @staticmethod
    def backward(ctx, dh):
        (h,) = ctx.saved_tensors
        da = _rnn_grads(h, dh, ctx.nonlinearity)
        return da, da


# ---- LSTM --------------------------------------------------------------------------------------
def _lstm_scales(xp, hidden, dtype):
    """The per-column factors that let one tanh activate all four LSTM gates.

    σ(a) = (1 + tanh(a/2)) / 2, so with s = 1/2 on the i, f, o columns and 1 on the g
    columns, and shift = 1/2 on i, f, o and 0 on g:  act(a) = s · tanh(s · a) + shift.
    """
    scale = xp.full(4 * hidden, 0.5, dtype=dtype)
    scale[2 * hidden:3 * hidden] = 1.0
    return scale, 1.0 - scale


def _lstm_forward(gates, c_prev, scales, tc=None, h=None):
    """Activate ``gates`` (B, 4H) in place (i, f, o: σ; g: tanh); return c, tanh(c), h
    (tanh(c) and h are written into ``tc`` and ``h`` when given)."""
    xp = get_array_module(gates)
    scale, shift = scales
    gates *= scale  # one tanh for all four gates (see _lstm_scales)
    xp.tanh(gates, out=gates)
    gates *= scale
    gates += shift
    i, f, g, o = _parts(gates, 4)
    c = f * c_prev
    c += i * g
    tc = xp.tanh(c, out=tc)
    return c, tc, xp.multiply(o, tc, out=h)


def _lstm_grads(i, f, g, o, tc, c_prev, dh, dc):
    """The LSTM cell's backward (see FusedLSTMCell), on arrays or Tensors alike."""
    dc = dc + dh * o * (1 - tc * tc)  # c reaches the loss directly and through h = o ⊙ tanh(c)
    da_i = dc * g * i * (1 - i)
    da_f = dc * c_prev * f * (1 - f)
    da_g = dc * i * (1 - g * g)
    da_o = dh * tc * o * (1 - o)
    return (da_i, da_f, da_g, da_o), dc * f


def _lstm_grads_into(da, i, f, g, o, tc, c_prev, dh, dc, tmp):
    """_lstm_grads on arrays, writing [da_i, da_f, da_g, da_o] straight into the (B, 4H) rows
    ``da`` (no four blocks to concatenate afterwards); returns dc_prev = dc_total ⊙ f.

    The same formulas, each product taken in the same order, so the numbers are the same bit
    for bit; ``tmp`` is a (2, B, H) scratch buffer reused at every step.
    """
    xp = get_array_module(da)
    h = i.shape[-1]
    da_i, da_f, da_g, da_o = (da[..., k * h:(k + 1) * h] for k in range(4))
    dct, t = tmp[0], tmp[1]
    xp.multiply(dh, o, out=dct)  # dc_total = dc + dh ⊙ o ⊙ (1 - tc²)
    xp.multiply(tc, tc, out=t)
    xp.subtract(1, t, out=t)
    dct *= t
    xp.add(dc, dct, out=dct)
    for out, a, b, act in ((da_i, dct, g, i), (da_f, dct, c_prev, f), (da_o, dh, tc, o)):
        xp.multiply(a, b, out=out)  # σ gates: (a ⊙ b) ⊙ act ⊙ (1 - act)
        out *= act
        xp.subtract(1, act, out=t)
        out *= t
    xp.multiply(dct, i, out=da_g)  # da_g = dc_total ⊙ i ⊙ (1 - g²)
    xp.multiply(g, g, out=t)
    xp.subtract(1, t, out=t)
    da_g *= t
    return dct * f


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
        gates = xg + hg  # a fresh array: activated in place
        scales = _lstm_scales(get_array_module(gates), c_prev.shape[-1], gates.dtype)
        c, tc, h = _lstm_forward(gates, c_prev, scales)
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
            i, f, g, o = _parts(gates.array, 4)
            da, dc_prev = _lstm_grads(i, f, g, o, tc.array, c_prev.array, dh.array, dc.array)
            da, dc_prev = constant(_join(da)), constant(dc_prev)
        return da, da, dc_prev


# ---- GRU ---------------------------------------------------------------------------------------
def _gru_forward(xg, hg_b, h_prev):
    """r, z, n and h from the input part xg and the hidden part hg_b (b_hh included), arrays."""
    xp = get_array_module(xg)
    x_r, x_z, x_n = _parts(xg, 3)
    h_r, h_z, h_n = _parts(hg_b, 3)
    r = _sigmoid(x_r + h_r)
    z = _sigmoid(x_z + h_z)
    n = r * h_n
    n += x_n
    xp.tanh(n, out=n)
    h = n - z * n  # = (1 - z) n + z h_prev, without a temporary for 1 - z
    h += z * h_prev
    return r, z, n, h


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
        hg_b = hg if b_hh is None else hg + b_hh
        r, z, n, h = _gru_forward(xg, hg_b, h_prev)
        ctx.save_for_backward(xg, hg, h_prev, b_hh, r, z, n, _parts(hg_b, 3)[2])
        return h

    @staticmethod
    def backward(ctx, dh):
        xg, hg, h_prev, b_hh, r, z, n, h_n = ctx.saved_tensors
        if is_grad_enabled():  # create_graph: recompute the activations with recorded ops
            x_r, x_z, x_n = _parts(xg, 3)
            h_r, h_z, h_n = _parts(hg if b_hh is None else hg + b_hh, 3)
            r, z = sigmoid(x_r + h_r), sigmoid(x_z + h_z)
            n = tanh(x_n + r * h_n)
            dxg, dhg, dh_prev = _gru_grads(r, z, n, h_n, h_prev, dh)
            dxg, dhg = _join(dxg), _join(dhg)
        else:
            dxg, dhg, dh_prev = _gru_grads(r.array, z.array, n.array, h_n.array, h_prev.array, dh.array)
            dxg, dhg, dh_prev = constant(_join(dxg)), constant(_join(dhg)), constant(dh_prev)
        return dxg, dhg, dh_prev, dhg if ctx.needs_input_grad[3] else None


# ---- a whole layer -----------------------------------------------------------------------------
class FusedRecurrentLayer(Function):
    """One recurrent layer in one direction over a whole sequence, as one node.

    Inputs: ``xg`` (T, B, G·H), the input projections x_t W_ih^T of all steps; ``w_hh``
    (G·H, H); ``b_ih``, ``b_hh`` (G·H,) or None, added at each step (so no (T, B, G·H) array
    is made for them); ``h0`` (B, H); ``c0`` (B, H) for an LSTM, else None.
    Attributes: ``mode`` ('RNN_TANH', 'RNN_RELU', 'LSTM', 'GRU'), ``reverse``, ``valid``
    (None, or a bool array (T, B, 1) that is False at padded steps).
    Outputs: output (T, B, H), h_n, and c_n for an LSTM.

    Forward, for t = 0 .. T-1 (T-1 .. 0 when ``reverse``), with h_{-1} = h0 (and c_{-1} = c0):
        hg_t    = h_{t-1} W_hh^T + b_hh                one GEMM per step
        state_t = cell(xg_t + b_ih, hg_t, state_{t-1})   the fused cells' equations
        output_t = h_t
    At a padded step (valid False) the state is carried over unchanged and output_t = 0:
    state_t = v state_new + (1 - v) state_{t-1}, output_t = v h_new, with v = valid[t].

    Backward: backpropagation through time, the steps walked in reverse. Step t receives dh
    (from output_t and from step t+1) and, for an LSTM, dc; the cell's backward gives
    dxg_t, dhg_t and the direct part of d state_{t-1}; then hg_t = h_{t-1} W_hh^T gives
        dh_{t-1} += dhg_t W_hh          (one GEMM per step)
        dW_hh    += dhg_tᵀ h_{t-1}      (all steps at once at the end, ONE GEMM:
                                         dW_hh = [dhg_0; ...; dhg_{T-1}]ᵀ [h_{-1}; ...; h_{T-2}])
    and the biases get the sums over steps and batch: db_ih = Σ dxg_t, db_hh = Σ dhg_t.
    With create_graph the backward instead rebuilds the steps from the per-step cell
    Functions and differentiates them (``run_cells``), so second derivatives work too.
    """

    @staticmethod
    def forward(ctx, xg, w_hh, b_ih, b_hh, h0, c0, mode, reverse, valid):
        xp = get_array_module(xg, w_hh, h0)
        steps, batch, hidden = xg.shape[0], xg.shape[1], w_hh.shape[1]
        v = None if valid is None else valid.astype(xg.dtype)
        out = xp.empty((steps, batch, hidden), dtype=xg.dtype)
        # What backward needs, per step. With no backward to come (no_grad), one step's worth
        # is enough: its buffers are reused at every step and stay in cache.
        keep = steps if True in ctx.needs_input_grad else 1
        prev = xp.empty((keep, batch, hidden), dtype=xg.dtype)  # h_{t-1}: what step t multiplied by W_hh
        acts = xp.empty((keep,) + xg.shape[1:], dtype=xg.dtype)  # the activated gates of every step
        extra = xp.empty((2, keep, batch, hidden), dtype=xg.dtype) if mode in ("LSTM", "GRU") else None
        hg_t = xp.empty((w_hh.shape[0], batch), dtype=xg.dtype)
        scales = _lstm_scales(xp, hidden, xg.dtype) if mode == "LSTM" else None
        bias = b_ih  # added to xg_t; in an LSTM or RNN both biases simply add: use their sum
        if mode != "GRU" and b_hh is not None:
            bias = b_hh if b_ih is None else b_ih + b_hh
        h, c = h0, c0
        for t in (range(steps - 1, -1, -1) if reverse else range(steps)):
            k = t if keep > 1 else 0  # this step's slot in the saved buffers
            prev[k] = h
            a = acts[k]
            xp.matmul(w_hh, h.T, out=hg_t)  # hg^T = W_hh h^T: BLAS is faster this way round
            if mode == "GRU":  # r, z, n go to acts[t]; the n-block of hg + b_hh to extra[0]
                hg = xp.ascontiguousarray(hg_t.T) if b_hh is None else hg_t.T + b_hh
                r, z, n, h_new = _gru_forward(xg[t] if bias is None else xg[t] + bias, hg, h)
                _join((r, z, n), out=a)
                extra[0, k] = _parts(hg, 3)[2]
            else:
                xp.add(xg[t], hg_t.T, out=a)
                if bias is not None:
                    a += bias
                if mode == "LSTM":  # activations to acts[t]; c_{t-1} and tanh(c_t) to extra
                    extra[0, k] = c
                    h_out = out[t] if v is None else None  # unpadded: h goes straight to the output
                    c_new, _, h_new = _lstm_forward(a, c, scales, tc=extra[1, k], h=h_out)
                else:
                    h_new = _rnn_forward(a, "tanh" if mode == "RNN_TANH" else "relu")
            if v is None:
                if mode != "LSTM":
                    out[t] = h_new
                h = h_new
                c = c_new if mode == "LSTM" else None
            else:  # freeze the state past each sequence's end
                out[t] = h_new * v[t]
                h = xp.where(valid[t], h_new, h)
                c = xp.where(valid[t], c_new, c) if mode == "LSTM" else None
        ctx.mode, ctx.reverse, ctx.valid = mode, reverse, valid
        ctx.save_for_backward(xg, w_hh, b_ih, b_hh, h0, c0, prev, acts, extra, v)
        # h and c may be views of saved buffers or the inputs: return copies of their own
        return (out, h.copy(), c.copy()) if mode == "LSTM" else (out, h.copy())

    @staticmethod
    def backward(ctx, d_out, d_hn, d_cn=None):
        saved = ctx.saved_tensors
        if is_grad_enabled():
            return _backward_through_cells(ctx, saved[:6], (d_out, d_hn, d_cn))
        xg, w_hh, b_ih, b_hh, h0, c0, prev, acts, extra, v = (None if s is None else s.array for s in saved)
        xp = get_array_module(xg)
        mode, hidden = ctx.mode, w_hh.shape[1]
        steps = xg.shape[0]
        d_out = d_out.array
        dxg = xp.empty_like(xg)
        dhg = dxg if mode != "GRU" else xp.empty((steps,) + xg.shape[1:], dtype=xg.dtype)
        dh = d_hn.array.copy()
        dc = d_cn.array.copy() if mode == "LSTM" else None
        scratch = xp.empty((2,) + dh.shape, dtype=dh.dtype) if mode == "LSTM" else None
        for t in (range(steps) if ctx.reverse else range(steps - 1, -1, -1)):
            dh_new = dh + d_out[t]  # output_t = h_t, and step t+1 took h_t as its h_{t-1}
            dc_new = dc
            if v is not None:  # padded step: its gradient passes to the state it carried
                dh_new *= v[t]
                keep_h = dh * (1 - v[t])
                if mode == "LSTM":
                    dc_new, keep_c = dc * v[t], dc * (1 - v[t])
            if mode == "LSTM":
                i, f, g, o = _parts(acts[t], 4)
                dc = _lstm_grads_into(dxg[t], i, f, g, o, extra[1, t], extra[0, t], dh_new, dc_new, scratch)
                dh_direct = None
            elif mode == "GRU":
                r, z, n = _parts(acts[t], 3)
                dx, dhh, dh_direct = _gru_grads(r, z, n, extra[0, t], prev[t], dh_new)
                _join(dx, out=dxg[t])
                _join(dhh, out=dhg[t])
            else:
                dxg[t] = _rnn_grads(acts[t], dh_new, "tanh" if mode == "RNN_TANH" else "relu")
                dh_direct = None
            dh = xp.matmul(dhg[t], w_hh)
            if dh_direct is not None:
                dh += dh_direct
            if v is not None:
                dh += keep_h
                if mode == "LSTM":
                    dc += keep_c
        flat = dhg.reshape(-1, dhg.shape[-1])
        dw_hh = xp.matmul(flat.T, prev.reshape(-1, hidden)) if ctx.needs_input_grad[1] else None
        db_ih = dxg.sum(axis=(0, 1)) if b_ih is not None and ctx.needs_input_grad[2] else None
        db_hh = flat.sum(axis=0) if b_hh is not None and ctx.needs_input_grad[3] else None
        grads = (dxg, dw_hh, db_ih, db_hh, dh, dc)
        return tuple(None if g is None else constant(g) for g in grads)


def _backward_through_cells(ctx, inputs, grad_outputs):
    """create_graph: rebuild the layer from the per-step cell Functions and differentiate it."""
    from ..autograd.functional import grad

    wanted = [i for i, (t, need) in enumerate(zip(inputs, ctx.needs_input_grad)) if t is not None and need]
    outputs = run_cells(ctx.mode, *inputs, reverse=ctx.reverse, valid=ctx.valid)
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if g is not None]
    grads = grad([o for o, _ in pairs], [inputs[i] for i in wanted], [g for _, g in pairs],
                 create_graph=True, allow_unused=True)
    result = [None] * len(inputs)
    for i, g in zip(wanted, grads):
        result[i] = g
    return tuple(result)


def run_cells(mode, xg, w_hh, b_ih, b_hh, h0, c0=None, reverse=False, valid=None):
    """The same layer as FusedRecurrentLayer, built step by step from the cell Functions
    (a graph of 2-4 nodes per step): the reference, and its differentiable backward."""
    steps, batch = xg.shape[0], xg.shape[1]
    for b in (b_ih, b_hh) if mode != "GRU" else (b_ih,):  # a GRU's b_hh goes inside r ⊙ (...)
        if b is not None:
            xg = xg + b
    xs = split(reshape(xg, (steps * batch, xg.shape[2])), batch, dim=0) if steps > 1 else (xg[0],)
    w_t = transpose(w_hh)
    h, c = h0, c0
    outputs = [None] * steps
    for t in (range(steps - 1, -1, -1) if reverse else range(steps)):
        hg = matmul(h, w_t)
        if mode == "LSTM":
            h_new, c_new = FusedLSTMCell.apply(xs[t], hg, c)
        elif mode == "GRU":
            h_new = FusedGRUCell.apply(xs[t], hg, h, b_hh)
        else:
            h_new = FusedRNNCell.apply(xs[t], hg, nonlinearity="tanh" if mode == "RNN_TANH" else "relu")
        if valid is not None:
            outputs[t] = h_new * constant(valid[t].astype(h_new.dtype))
            h_new = where(valid[t], h_new, h)
            if mode == "LSTM":
                c_new = where(valid[t], c_new, c)
        else:
            outputs[t] = h_new
        h, c = h_new, (c_new if mode == "LSTM" else None)
    output = reshape(cat(outputs, dim=0), (steps, batch, h.shape[-1]))
    return (output, h, c) if mode == "LSTM" else (output, h)


def run_layer(mode, x, w_ih, w_hh, b_ih, b_hh, h0, c0=None, reverse=False, valid=None):
    """One recurrent layer in one direction over a time-major sequence ``x`` (T, B, I).

    Weights as in PyTorch (``w_ih`` (G·H, I), ``w_hh`` (G·H, H), biases (G·H,) or None);
    ``h0`` and, for an LSTM, ``c0`` of shape (B, H); ``reverse`` walks t = T-1 .. 0;
    ``valid`` None or a bool array (T, B, 1), False at padded steps (see FusedRecurrentLayer).
    Returns ``output`` (T, B, H) and ``h_n`` (and ``c_n`` for an LSTM).

    The input projection of all T steps is ONE GEMM on x viewed as a (T·B, I) matrix; then
    FusedRecurrentLayer does the T steps.
    """
    if mode not in GATES:
        raise ArgumentError(f"run_layer: mode must be one of {tuple(GATES)}, got {mode!r}")
    steps, batch = x.shape[0], x.shape[1]
    xg = matmul(reshape(x, (steps * batch, x.shape[2])), transpose(w_ih))
    xg = reshape(xg, (steps, batch, xg.shape[-1]))
    return FusedRecurrentLayer.apply(xg, w_hh, b_ih, b_hh, h0, c0, mode=mode, reverse=reverse, valid=valid)


TENSOR_METHODS = {}
