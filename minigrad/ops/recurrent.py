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
from ..backend import errstate, get_array_module
from ..errors import ArgumentError
from ..tensor import Tensor
from .activation import sigmoid, tanh
from .elementwise import constant, where
from .linalg import matmul
from .linear import _linear_grads
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
def _lstm_forward(gates, c_prev, c=None, tc=None, h=None, negated=False):
    """Activate ``gates`` (B, 4H) in place (i, f, o: σ; g: tanh); return c, tanh(c), h
    (written into ``c``, ``tc`` and ``h`` when given).

    σ(a) = 1 / (1 + exp(-a)) on the σ blocks (i and f, the first two, and o, the last), in
    place: negate, exp, + 1, reciprocal. For a < -88 (float32) exp(-a) overflows to inf and
    1 / (1 + inf) = 0 is the right answer: callers run this under ``errstate(over="ignore")``
    (once around a whole sequence: entering it costs more than a step's σ). exp, an add and a
    reciprocal over the σ blocks cost less than NumPy's float32 tanh over them, and σ keeps its
    relative accuracy as σ -> 0.
    ``negated``: the σ blocks already hold -a (the layer folds the sign into its weights,
    which is exact), so the negation pass is skipped.
    """
    xp = get_array_module(gates)
    hidden = gates.shape[-1] // 4
    for s in (gates[..., :2 * hidden], gates[..., 3 * hidden:]):  # i, f | o
        if not negated:
            s *= -1.0  # (not negative(s, out=s): NumPy 2.4 gets that wrong in place on strided float32 views)
        xp.exp(s, out=s)
        s += 1.0  # python floats keep float32 float32
        xp.reciprocal(s, out=s)
    i, f, g, o = _parts(gates, 4)
    xp.tanh(g, out=g)
    c = xp.multiply(f, c_prev, out=c)  # c = f ⊙ c_prev + i ⊙ g
    c += i * g
    tc = xp.tanh(c, out=tc)
    return c, tc, xp.multiply(o, tc, out=h)


def _lstm_grads(i, f, g, o, tc, c_prev, dh, dc):
    """The LSTM cell's backward (see FusedLSTMCell), on arrays or Tensors alike."""
    dc = dc + dh * o * (1 - tc * tc)  # c reaches the loss directly and through h = o ⊙ tanh(c)
    da_i = (dc * g) * (i * (1 - i))  # (d gate) ⊙ (the derivative of its activation)
    da_f = (dc * c_prev) * (f * (1 - f))
    da_g = (dc * i) * (1 - g * g)
    da_o = (dh * tc) * (o * (1 - o))
    return (da_i, da_f, da_g, da_o), dc * f


def _lstm_grads_into(da, gates, tc, c_prev, dh, dc, tmp):
    """_lstm_grads on arrays, writing [da_i, da_f, da_g, da_o] straight into the (B, 4H) rows
    ``da`` (no four blocks to concatenate afterwards); ``gates`` (B, 4H) holds the activated
    [i, f, g, o]; returns dc_prev = dc_total ⊙ f.

    The same formulas, each product taken in the same order, so the numbers are the same bit
    for bit, in fewer NumPy calls: da = [di, df, dg, do] ⊙ [i(1 - i), f(1 - f), 1 - g², o(1 - o)],
    each of the two factors built for all four gates at once (the second as act ⊙ (1 - act)
    over all of ``gates``, then 1 - g² over the g block). ``tmp`` is a (B, 5H) scratch buffer
    reused at every step.
    """
    xp = get_array_module(da)
    i, f, g, o = _parts(gates, 4)
    hidden = i.shape[-1]
    dct, d_gates = tmp[..., :hidden], tmp[..., hidden:]  # dc_total and [di, df, dg, do]
    d_i, d_f, d_g, d_o = _parts(d_gates, 4)
    xp.multiply(tc, tc, out=d_i)  # dc_total = dc + dh ⊙ o ⊙ (1 - tc²)  (d_i as scratch)
    xp.subtract(1, d_i, out=d_i)
    xp.multiply(dh, o, out=dct)
    dct *= d_i
    dct += dc
    xp.subtract(1, gates, out=da)  # the activations' derivatives: act ⊙ (1 - act) ...
    da *= gates
    da_g = _parts(da, 4)[2]
    xp.multiply(g, g, out=da_g)  # ... but 1 - g² for the tanh gate
    xp.subtract(1, da_g, out=da_g)
    xp.multiply(dct, g, out=d_i)  # di, df, dg, do
    xp.multiply(dct, c_prev, out=d_f)
    xp.multiply(dct, i, out=d_g)
    xp.multiply(dh, tc, out=d_o)
    da *= d_gates
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
        with errstate(gates, over="ignore"):
            c, tc, h = _lstm_forward(gates, c_prev)
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
def _columns(b, batch):
    """The bias ``b`` (n,) as a contiguous (n, batch) array, every column b.

    Adding it to a (n, batch) array is then a plain contiguous add; broadcasting b[:, None]
    instead gives NumPy inner loops only ``batch`` elements long, ~3× slower."""
    xp = get_array_module(b)
    return xp.ascontiguousarray(xp.broadcast_to(b[:, None], (b.shape[0], batch)))


def _sigma_sign(hidden, dtype, xp):
    """(4H,) of -1 on an LSTM's σ rows (i, f, o) and +1 on its g rows."""
    sign = xp.full(4 * hidden, -1.0, dtype=dtype)
    sign[2 * hidden:3 * hidden] = 1.0
    return sign


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

    Memory layout (speed only, the numbers are those of the equations above): every per-step
    array is kept transposed, features × batch: the gates of a step as (G·H, B), h and c as
    (H, B), each contiguous. Then
    - the step's GEMM is hg_tᵀ = W_hh h_{t-1}ᵀ, a shape BLAS runs faster than h W_hhᵀ, and
      it writes straight into the step's gate buffer; h_tᵀ feeds the next step's GEMM as is;
    - each gate is a block of rows, one contiguous piece of memory, so every elementwise
      pass runs over contiguous memory (in the (B, G·H) layout a gate is a strided block);
    - the backward's GEMM is likewise dh_{t-1}ᵀ = W_hhᵀ dhg_tᵀ.
    The cell functions (_lstm_forward, _lstm_grads_into, ...) are written for (B, ·) arrays:
    they get the buffers through ``.T`` views, which NumPy walks in memory order. The
    outputs are transposed back to (T, B, H) once, at the end; dxg is returned as a
    (T, B, G·H) view of a (G·H, T, B) array, the layout run_layer's input GEMM wants for its
    backward (dW_ih = dxgᵀ x as one contiguous product).
    """

    @staticmethod
    def forward(ctx, xg, w_hh, b_ih, b_hh, h0, c0, mode, reverse, valid):
        xp = get_array_module(xg, w_hh, h0)
        steps, batch, hidden = xg.shape[0], xg.shape[1], w_hh.shape[1]
        gh, dtype = w_hh.shape[0], xg.dtype
        w = xp.ascontiguousarray(w_hh)  # row-major for the per-step GEMM (Keras passes a transposed view)
        # The state h_tᵀ of every step: the output. Slot s of hs and cs is h (c) before step s
        # (forward) or after it (reverse): step t reads slot t + reverse, writes t + 1 - reverse.
        hs = xp.empty((steps + 1, hidden, batch), dtype=dtype)
        # What backward needs, per step. With no backward to come (no_grad), one step's worth
        # is enough: its buffers are reused at every step and stay in cache (index t % keep).
        keep = steps if True in ctx.needs_input_grad else 1
        acts = xp.empty((keep, gh, batch), dtype=dtype)  # the activated gates of every step
        # LSTM: tanh(c_t); GRU: the n-block of hg_t + b_hh
        extra = xp.empty((keep, hidden, batch), dtype=dtype) if mode in ("LSTM", "GRU") else None
        cs = xp.empty((keep + 1, hidden, batch), dtype=dtype) if mode == "LSTM" else None  # index s % (keep + 1)
        bias = b_ih  # added to xg_t; in an LSTM or RNN both biases simply add: use their sum
        if mode != "GRU" and b_hh is not None:
            bias = b_hh if b_ih is None else b_ih + b_hh
        # LSTM: the σ rows (i, f, o) of W_hh and of the bias negated, so each step's GEMM yields
        # -a there, the argument of σ's exp(-a) (negation is exact: the same numbers)
        sign = _sigma_sign(hidden, dtype, xp) if mode == "LSTM" else None
        if sign is not None:
            w = w * sign[:, None]  # w is row-major, and so is the product
            bias = None if bias is None else bias * sign
            signed_add = ((slice(0, 2 * hidden), xp.subtract), (slice(2 * hidden, 3 * hidden), xp.add),
                          (slice(3 * hidden, None), xp.subtract))
        bias = None if bias is None else _columns(bias, batch)
        if mode == "GRU":
            bias_hh = None if b_hh is None else _columns(b_hh, batch)
            x_t, hg = xp.empty((gh, batch), dtype=dtype), xp.empty((gh, batch), dtype=dtype)
        start = steps if reverse else 0
        hs[start] = h0.T
        if mode == "LSTM":
            cs[start % (keep + 1)] = c0.T
        with errstate(w, over="ignore"):  # σ's exp(-a) = inf for a < -88 is right (see _lstm_forward)
            for t in (range(steps - 1, -1, -1) if reverse else range(steps)):
                src, dst = t + reverse, t + 1 - reverse  # the slots of state_{t-1} and state_t
                h, a = hs[src], acts[t % keep]
                if mode == "GRU":  # r, z, n go to acts; the n-block of hg + b_hh to extra
                    xp.matmul(w, h, out=hg)  # hgᵀ = W_hh h_{t-1}ᵀ
                    if bias_hh is not None:
                        hg += bias_hh
                    if bias is None:
                        x_t[...] = xg[t].T
                    else:
                        xp.add(xg[t].T, bias, out=x_t)
                    r, z, n, h_new = _gru_forward(x_t.T, hg.T, h.T)
                    _join((r, z, n), out=a.T)
                    extra[t % keep] = hg[2 * hidden:]
                    hs[dst] = h_new.T
                else:
                    xp.matmul(w, h, out=a)  # aᵀ = W_hh h_{t-1}ᵀ, straight into this step's gates
                    x_t = xg[t].T
                    if sign is None:
                        xp.add(a, x_t, out=a)  # + xg_tᵀ
                    else:  # σ rows negated: - xg_tᵀ there
                        for rows, op in signed_add:
                            op(a[rows], x_t[rows], out=a[rows])
                    if bias is not None:
                        a += bias
                    if mode == "LSTM":  # activations to acts, c_t to cs, tanh(c_t) to extra, h_t to hs
                        c_prev, c = cs[src % (keep + 1)], cs[dst % (keep + 1)]
                        _lstm_forward(a.T, c_prev.T, c=c.T, tc=extra[t % keep].T, h=hs[dst].T, negated=True)
                    else:
                        hs[dst] = _rnn_forward(a, "tanh" if mode == "RNN_TANH" else "relu")
                if valid is not None:  # freeze the state past each sequence's end
                    v_t = valid[t].T  # (1, B)
                    hs[dst] = xp.where(v_t, hs[dst], hs[src])
                    if mode == "LSTM":
                        cs[dst % (keep + 1)] = xp.where(v_t, cs[dst % (keep + 1)], cs[src % (keep + 1)])
        states = (hs[:steps] if reverse else hs[1:]).transpose(0, 2, 1)  # state_t, (T, B, H)
        out = xp.empty((steps, batch, hidden), dtype=dtype)
        if valid is None:
            out[...] = states
        else:  # output_t = v state_t (= v h_new: where v is 0 both are 0)
            xp.multiply(states, valid.astype(dtype), out=out)
        ctx.mode, ctx.reverse, ctx.valid = mode, reverse, valid
        ctx.save_for_backward(xg, w_hh, b_ih, b_hh, h0, c0, hs, acts, extra, cs)
        last = 0 if reverse else steps
        h_n = hs[last].T.copy()  # arrays of their own, in the (B, H) layout
        return (out, h_n, cs[last % (keep + 1)].T.copy()) if mode == "LSTM" else (out, h_n)

    @staticmethod
    def backward(ctx, d_out, d_hn, d_cn=None):
        saved = ctx.saved_tensors
        if is_grad_enabled():
            return _backward_through_cells(ctx, saved[:6], (d_out, d_hn, d_cn))
        xg, w_hh, b_ih, b_hh, h0, c0, hs, acts, extra, cs = (None if s is None else s.array for s in saved)
        xp = get_array_module(xg)
        mode, reverse, valid = ctx.mode, ctx.reverse, ctx.valid
        steps, batch, gh = xg.shape
        hidden = w_hh.shape[1]
        w_t = xp.ascontiguousarray(w_hh.T)  # W_hhᵀ row-major: BLAS runs the per-step GEMM faster on it
        d_out = d_out.array
        # Transposed, like the forward's buffers: dxg_tᵀ (G·H, B) per step, dh and dc (H, B)
        dxg = xp.empty((steps, gh, batch), dtype=xg.dtype)
        dhg = dxg if mode != "GRU" else xp.empty_like(dxg)
        dh = d_hn.array.T.copy()
        dc = d_cn.array.T.copy() if mode == "LSTM" else None
        dh_t = xp.empty_like(dh)  # what reaches h_t: from the output and from step t+1
        scratch = xp.empty((5 * hidden, batch), dtype=dh.dtype).T if mode == "LSTM" else None  # see _lstm_grads_into
        for t in (range(steps) if reverse else range(steps - 1, -1, -1)):
            src = t + reverse  # the slot of state_{t-1}
            xp.add(dh, d_out[t].T, out=dh_t)  # output_t = h_t, and step t+1 took h_t as its h_{t-1}
            dc_t = dc
            if valid is not None:  # padded step: its gradient passes to the state it carried
                v_t = valid[t].T.astype(dh.dtype)  # (1, B)
                dh_t *= v_t
                keep_h = dh * (1 - v_t)
                if mode == "LSTM":
                    dc_t, keep_c = dc * v_t, dc * (1 - v_t)
            dh_direct = None
            if mode == "LSTM":
                dc = _lstm_grads_into(dxg[t].T, acts[t].T, extra[t].T, cs[src].T, dh_t.T, dc_t.T, scratch).T
            elif mode == "GRU":
                r, z, n = _parts(acts[t].T, 3)
                dx, dhh, dh_direct = _gru_grads(r, z, n, extra[t].T, hs[src].T, dh_t.T)
                _join(dx, out=dxg[t].T)
                _join(dhh, out=dhg[t].T)
            else:
                dxg[t] = _rnn_grads(acts[t], dh_t, "tanh" if mode == "RNN_TANH" else "relu")
            xp.matmul(w_t, dhg[t], out=dh)  # dh_{t-1}ᵀ = W_hhᵀ dhg_tᵀ
            if dh_direct is not None:
                dh += dh_direct.T
            if valid is not None:
                dh += keep_h
                if mode == "LSTM":
                    dc += keep_c
        # (T, G·H, B) -> (G·H, T, B): a copy of B-long rows, so that [dhg_0; ...; dhg_{T-1}]ᵀ
        # is the plain (G·H, T·B) matrix of the dW GEMMs (here and in run_layer's backward)
        dxg = xp.ascontiguousarray(dxg.transpose(1, 0, 2))
        dhg = dxg if mode != "GRU" else xp.ascontiguousarray(dhg.transpose(1, 0, 2))
        flat = dhg.reshape(gh, steps * batch)
        dw_hh = None
        if ctx.needs_input_grad[1]:  # [h_{-1}; ...; h_{T-2}] as a (T·B, H) matrix
            prev = xp.ascontiguousarray((hs[1:] if reverse else hs[:steps]).transpose(0, 2, 1))
            dw_hh = xp.matmul(flat, prev.reshape(steps * batch, hidden))
        db_hh = flat.sum(axis=1) if b_hh is not None and ctx.needs_input_grad[3] else None
        db_ih = None
        if b_ih is not None and ctx.needs_input_grad[2]:  # without a GRU, dxg = dhg: the same sum
            db_ih = db_hh.copy() if db_hh is not None and dhg is dxg else dxg.reshape(gh, -1).sum(axis=1)
        grads = (dxg.transpose(1, 2, 0), dw_hh, db_ih, db_hh, dh.T.copy(), None if dc is None else dc.T.copy())
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


class InputProjection(Function):
    """The input part of every gate for all T steps at once: xg = x W_ihᵀ.

    x (T, B, I), w_ih (G·H, I) -> xg (T, B, G·H), xg_t = x_t W_ihᵀ.
    Backward (a matrix product's), with the steps and the batch as the rows of one matrix:
        dx = dxg W_ih                 dW_ih = Σ_t dxg_tᵀ x_t = dxg_flatᵀ x_flat
    each ONE GEMM on (T·B, ·) matrices.

    Layout (speed only): xg is a (T, B, G·H) view of a (T, G·H, B) array, T products
    W_ih x_tᵀ. FusedRecurrentLayer keeps each step's gates as (G·H, B) and adds xg_tᵀ to them:
    here a contiguous block, where the (T, B, G·H) layout makes it a transposed read, several
    times slower. FusedRecurrentLayer's dxg comes back as a view of a (G·H, T·B) array, so
    both backward GEMMs run on contiguous operands.
    """

    @staticmethod
    def forward(ctx, x, w_ih):
        ctx.save_for_backward(x, w_ih)
        return get_array_module(x, w_ih).matmul(w_ih, x.transpose(0, 2, 1)).transpose(0, 2, 1)

    @staticmethod
    def backward(ctx, dxg):
        x, w_ih = ctx.saved_tensors
        rows, need_x, need_w = x.shape[0] * x.shape[1], *ctx.needs_input_grad[:2]
        if is_grad_enabled():  # create_graph: the same products, recorded
            d_flat = reshape(dxg, (rows, dxg.shape[-1]))
            dx = reshape(matmul(d_flat, w_ih), x.shape) if need_x else None
            dw = matmul(transpose(d_flat), reshape(x, (rows, x.shape[-1]))) if need_w else None
            return dx, dw
        d_flat = dxg.array.reshape(rows, dxg.shape[-1])  # a view, where dxg's layout allows it
        dx, dw, _ = _linear_grads(d_flat, x.array.reshape(rows, x.shape[-1]), w_ih.array, (need_x, need_w))
        return (None if dx is None else constant(dx.reshape(x.shape)), None if dw is None else constant(dw))


def run_layer(mode, x, w_ih, w_hh, b_ih, b_hh, h0, c0=None, reverse=False, valid=None):
    """One recurrent layer in one direction over a time-major sequence ``x`` (T, B, I).

    Weights as in PyTorch (``w_ih`` (G·H, I), ``w_hh`` (G·H, H), biases (G·H,) or None);
    ``h0`` and, for an LSTM, ``c0`` of shape (B, H); ``reverse`` walks t = T-1 .. 0;
    ``valid`` None or a bool array (T, B, 1), False at padded steps (see FusedRecurrentLayer).
    Returns ``output`` (T, B, H) and ``h_n`` (and ``c_n`` for an LSTM).

    InputProjection computes the input part of the gates for all T steps at once; then
    FusedRecurrentLayer does the T steps.
    """
    if mode not in GATES:
        raise ArgumentError(f"run_layer: mode must be one of {tuple(GATES)}, got {mode!r}")
    xg = InputProjection.apply(x, w_ih)
    return FusedRecurrentLayer.apply(xg, w_hh, b_ih, b_hh, h0, c0, mode=mode, reverse=reverse, valid=valid)


TENSOR_METHODS = {}
