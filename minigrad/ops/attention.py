"""Scaled dot-product attention: every query takes a weighted average of the values, weighted
by how well it matches each key.

For queries Q (..., L, E), keys K (..., S, E) and values V (..., S, Ev) (L queries, S keys,
PyTorch's letters):

    Z   = Q Kᵀ · scale + bias          (..., L, S) scores; scale = 1/sqrt(E) by default
    P   = softmax(Z) along the last axis (each row: weights over the S keys, summing to 1)
    out = P V                          (..., L, Ev)

Picture: docs/figures/attention.svg. Notation: docs/notation.md (dX = dL/dX).

``bias`` is the mask: an additive float mask is added as is; a boolean mask (True = may
attend, PyTorch's convention) becomes 0 where True and -inf where False, so those weights
are exactly 0. Masks broadcast over the leading (batch, head) axes.

Fully masked rows. A query that may attend to no key has a row of -inf scores, and softmax
would give 0/0 = NaN. minigrad defines its output as 0 (the row of P is all zeros, and so is
its gradient), as PyTorch's ``scaled_dot_product_attention`` does. Note that
``torch.nn.MultiheadAttention(need_weights=True)`` returns NaN there instead.

The whole thing is one Function (``SoftmaxAttention``): two batched GEMMs and a stable
softmax in between, with the backward derived in its docstring.
"""

import math

import numpy as np

from .. import backend
from ..autograd.function import Function
from ..autograd.grad_mode import is_grad_enabled
from ..backend import get_array_module, is_host
from ..errors import ArgumentRuntimeError, DTypeError, ShapeError
from ..tensor import Tensor
from .im2col import scratch
from .linalg import matmul
from .reduction import sum as _sum
from .shape import broadcast_to, reshape, transpose


class SoftmaxAttention(Function):
    """(out, P) = attention of q (..., L, E), k (..., S, E), v (..., S, Ev); see the module docstring.

    Inputs: ``bias`` (additive, broadcast to (..., L, S)) or None; ``keep`` (the dropout mask,
    0 or 1/(1-p) per weight, a constant) or None; attributes ``scale`` and ``weights``. With
    dropout the output uses the dropped weights P_d = P ⊙ keep: out = P_d V.

    ``weights=False`` says the caller will not read P. When, in addition, no gradient is
    recorded, the op returns out alone and saves a pass over the (..., L, S) scores: each row
    of P is e / Σe, and dividing a row of P V by Σe is the same as dividing the row of P first,
    so out = (e V) / Σe (the same numbers up to float rounding, the division coming after the
    sums instead of before). With a graph P is returned regardless: the backward needs it
    (saved as an output, so that differentiating it again goes through this node).

    Forward, per row z of the scores Z (numerically stable softmax):
        m = max_j z_j (0 when the row is all -inf),   e_j = exp(z_j - m),
        P_j = e_j / Σ_j e_j  (0 when Σ e = 0: a fully masked row)

    Memory layout (speed only, the values are the same): with a heads axis (..., H, L, E), the
    output and the gradients of Q, K, V are written as (..., L, H, E) in memory and returned
    as that buffer's transposed view, so the usual next step, joining the heads
    (``out.transpose(-2, -3).reshape(..., L, H·E)``), is free instead of a copy. The inputs
    may be strided views too (heads sliced out of one projection): the GEMMs read them in place.

    Backward, given dO = dL/dout (and dP_out, the gradient of the returned weights; None, taken
    as 0, when they were not used):
        out = P_d V                     gives   dV = P_dᵀ dO,   dP = (dO Vᵀ) ⊙ keep + dP_out
        P_i = e^{z_i} / Σ_j e^{z_j}     gives   ∂P_i/∂z_k = P_i (δ_ik - P_k), so
                                                dZ = P ⊙ (dP - rowsum(dP ⊙ P))
        Z = Q Kᵀ · scale + bias         gives   dQ = dZ K · scale,  dK = dZᵀ Q · scale,  dbias = dZ
    (δ_ik is the Kronecker delta: 1 if i = k, else 0.)
    On arrays rowsum(dP ⊙ P) is taken as rowsum(dO ⊙ out) + rowsum(dP_out ⊙ P), equal and
    (L, Ev) instead of (L, S) (see _grads_on_arrays), and the passes over the scores run in
    cache-sized blocks of the first axis (_blocks), forward and backward.
    (broadcast leading axes are summed back by the engine). With create_graph the backward
    runs on minigrad's ops, on Q, K, V and the saved output P, so it can be differentiated
    again; a plain backward() runs the same formulas on arrays, reusing buffers in place.
    """

    @staticmethod
    def forward(ctx, q, k, v, bias, keep, scale, weights=True):
        xp = get_array_module(q, k, v)
        normalize = weights or True in ctx.needs_input_grad  # else out = (e V) / Σe, P never formed
        blocks = _blocks(q, k, bias)
        bounded = _scores_bounded(xp, q, k, scale, bias)
        if blocks is None:  # one pass over all the scores
            p, out = _attend(xp, q, k, v, bias, keep, scale, normalize, bounded)
        else:  # block by block along the first axis, each block's scores still in cache
            parts, shape = blocks
            dtype = np.result_type(q.dtype, k.dtype)
            # P is kept whole when it is returned; else one block's buffer serves every block
            p = xp.empty(shape, dtype=dtype) if normalize else None
            e = None if normalize else scratch((parts[0].stop,) + shape[1:], dtype, q, "attention scores")
            out = _interleaved_empty(xp, np.broadcast_shapes(shape[:-2], v.shape[:-2]) + (shape[-2], v.shape[-1]), dtype)
            for part in parts:
                s = p[part] if normalize else e[:part.stop - part.start]
                _attend(xp, *(_block(a, part, shape) for a in (q, k, v, bias, keep)), scale, normalize,
                        bounded, s=s, out=out[part])
        if not normalize:
            return out
        ctx.scale = scale
        ctx.save_for_backward(q, k, v, keep, p, out)  # the inputs themselves: a second derivative needs them
        return out, p

    materialize_grads = False  # d_p is None when the weights were not used: no (..., L, S) zeros

    @staticmethod
    def backward(ctx, d_out, d_p):
        q, k, v, keep, p, out = ctx.saved_tensors
        if d_out is None:  # only the weights were used
            d_out = Tensor._make(d_p.xp.zeros(ctx._output_meta[0][0], dtype=d_p.dtype))
        if not is_grad_enabled():  # no graph recorded: the same formulas on arrays, in place
            return _grads_on_arrays(ctx, q.array, k.array, v.array, None if keep is None else keep.array,
                                    p.array, out.array, d_out.array, None if d_p is None else d_p.array)
        p_used = p if keep is None else p * keep
        dv = matmul(transpose(p_used), d_out)
        dp = matmul(d_out, transpose(v))
        if keep is not None:
            dp = dp * keep
        if d_p is not None:
            dp = dp + d_p
        ds = p * (dp - _sum(dp * p, dim=-1, keepdim=True))
        dq = matmul(ds, k) * ctx.scale if ctx.needs_input_grad[0] else None
        dk = matmul(transpose(ds), q) * ctx.scale if ctx.needs_input_grad[1] else None
        return dq, dk, dv, (ds if ctx.needs_input_grad[3] else None), None


def _attend(xp, q, k, v, bias, keep, scale, normalize, bounded, s=None, out=None):
    """SoftmaxAttention's forward on arrays: (P, P_d V), or (e, (e_d V) / Σe) when not
    ``normalize``; into the score buffer ``s`` and the output ``out`` when given (a block).
    ``bounded``: _scores_bounded's answer, exp may skip the shift by the row max."""
    k_t = _transposed_copy(xp, k, scale)  # (scale · K)ᵀ: scaling K is cheaper than scaling Z
    s = xp.matmul(q, k_t) if s is None else xp.matmul(q, k_t, out=s)
    if bias is not None:  # in place when the bias broadcasts to the scores' shape
        s = s.__iadd__(bias) if np.broadcast_shapes(s.shape, bias.shape) == s.shape else s + bias
    if bounded:
        p = xp.exp(s, out=s)  # the shift by the row max is only there to keep exp finite
    else:
        m = s.max(axis=-1, keepdims=True) if s.size else s.sum(axis=-1, keepdims=True)  # (no keys: 0)
        if bias is not None:  # a fully masked row has m = -inf: shift it by 0 instead
            m = xp.where(xp.isfinite(m), m, 0)
        s -= m
        p = xp.exp(s, out=s)
    v_rows = xp.ascontiguousarray(v)  # P V on the strided head view ran a third slower than copy + product
    total = _row_sums(xp, p)
    if bias is not None:
        total[total == 0] = 1  # fully masked row: 0 / 1 = 0 instead of 0 / 0
    inverse = xp.reciprocal(total, out=total)
    if normalize:
        p *= inverse
    p_used = p if keep is None else p * keep
    out = xp.matmul(p_used, v_rows, out=_heads_interleaved(xp, p_used, v_rows) if out is None else out)
    if not normalize:
        _scale_rows(xp, out, inverse)  # out *= inverse
    return p, out


_BLOCK_BYTES = 1 << 19  # scores of a block: 512 KB, which a core's L2 cache holds


def _blocks(q, k, bias):
    """(slices of the first axis, the scores' shape) to run attention block by block, or None
    for one pass.

    The scores of a (16, 8, 128, 128) attention fill 8 MB, more than a core's cache: written
    by Q Kᵀ, then read by exp, by the row sums and by P V, they come from memory each time.
    Run on one batch element at a time (512 KB), every pass after the product reads them from
    cache, and without weights to return one block's buffer serves all: on a 2-core AVX-512
    machine W5's forward went from 12.8 to 10.9 ms, forward and backward from 34.8 to 31.8
    (medians, the two alternated in one process). On the host only (on a GPU the blocks would
    be more kernel launches), and with three or more dimensions."""
    shape = np.broadcast_shapes(q.shape[:-2], k.shape[:-2]) + (q.shape[-2], k.shape[-2])
    if (not is_host(q) or len(shape) < 3
            or (bias is not None and np.broadcast_shapes(shape, bias.shape) != shape)):
        return None
    per_row = math.prod(shape[1:]) * q.itemsize
    step = max(1, _BLOCK_BYTES // max(per_row, 1))
    if step >= shape[0]:
        return None
    return [slice(i, min(i + step, shape[0])) for i in range(0, shape[0], step)], shape


def _block(a, part, shape):
    """Operand ``a``'s share of block ``part`` (a slice of the scores' first axis): a[part],
    or ``a`` itself where it broadcasts along that axis (fewer dimensions, or length 1)."""
    if a is None or a.ndim < len(shape) or a.shape[0] != shape[0]:
        return a
    return a[part]


def _transposed_copy(xp, a, scale=None):
    """Aᵀ (swapping the last two axes), or (scale · A)ᵀ, as a contiguous array.

    A product X Aᵀ reading Aᵀ as a transposed view of a thin A (rows of E = 32 features) ran
    2 to 2.5 times slower in OpenBLAS than on this contiguous copy, which costs a fifth of it.
    When A's rows are themselves strided (a head sliced out of one projection, rows of 32
    features 768 apart), copying the rows together first and transposing that took half the
    time of the one strided, transposing copy (0.24 against 0.49 ms for (16, 8, 128, 32)). The
    scale is applied in the first of the two copies."""
    if scale is not None:
        a = xp.multiply(a, scale, out=xp.empty(a.shape, dtype=a.dtype))
    elif is_host(a) and not a.flags.c_contiguous:
        a = xp.ascontiguousarray(a)
    return xp.ascontiguousarray(xp.swapaxes(a, -1, -2))


def _scale_rows(xp, a, factors):
    """a *= factors, factors (..., L, 1) scaling the rows of a (..., H, L, E).

    When a is _heads_interleaved's view of an (..., L, H, E) buffer, NumPy walks it in the
    view's order, 32 elements at a time; multiplying the buffer in its memory order instead
    (both operands with the heads axis swapped back) took under half the time."""
    if a.ndim >= 3 and xp.swapaxes(a, -2, -3).flags.c_contiguous and not a.flags.c_contiguous:
        memory = xp.swapaxes(a, -2, -3)
        xp.multiply(memory, xp.swapaxes(factors, -2, -3), out=memory)
    else:
        a *= factors


def _scores_bounded(xp, q, k, scale, bias=None):
    """True when every score z = q·k · scale + bias is known to keep exp(z) well inside the
    dtype's range, so softmax may skip its shift by the row max (exp(z - m) / Σ exp(z - m)
    equals exp(z) / Σ exp(z); the shift only guards exp from overflowing or underflowing).

    Cauchy-Schwarz bounds every product: |q_i·k_j · scale| ≤ ‖q_i‖ ‖k_j‖ |scale| ≤ B, the largest
    norms taken. A bias moves the scores by its finite values, lo to hi (its -inf entries give
    exp(z) = 0 exactly either way), so every finite z lies within B + max(hi, -lo) = B'. With
    B' ≤ (ln(max) - ln(keys)) / 2 each exp(z) lies in [e^-B', e^B'] (normal numbers, so full
    relative precision) and a row's sum of ``keys`` of them stays below the largest float.
    On the host only: the test reads numbers, which on a GPU would wait for them. Decided once
    for all the scores (not per block of them), so that blocks round as one pass would. A bias
    as large as a quarter of the scores is not read (the shift costs less than that): False."""
    if not is_host(q) or q.size == 0 or k.size == 0:
        return False
    limit = (math.log(float(np.finfo(q.dtype).max)) - math.log(k.shape[-2])) / 2
    if bias is not None:
        if 4 * bias.size > q.size // q.shape[-1] * k.shape[-2]:
            return False
        finite = bias[xp.isfinite(bias)]
        limit -= float(max(finite.max(), -finite.min())) if finite.size else 0.0
        if limit <= 0:
            return False
    q_norm2 = float(xp.einsum("...i,...i->...", q, q).max())
    k_norm2 = float(xp.einsum("...i,...i->...", k, k).max())
    return q_norm2 * k_norm2 * scale * scale <= limit * limit  # B² = max‖q‖² · max‖k‖² · scale²


def _row_sums(xp, a, b=None):
    """rowsum(a) (or rowsum(a ⊙ b)) over the last axis, shape (..., 1).

    ``einsum`` reads the rows once and makes no (..., L, S) temporary for a ⊙ b; NumPy's
    ``(a * b).sum(axis=-1)`` over short rows took 3 to 4 times as long. Only the order of the
    additions differs: the sums agree to float rounding.
    """
    sums = xp.einsum("...j->...", a) if b is None else xp.einsum("...j,...j->...", a, b)
    return sums[..., None]


def _heads_interleaved(xp, a, b):
    """An empty array for matmul(a, b), shape (..., H, L, E), laid out in memory as
    (..., L, H, E) (see SoftmaxAttention's docstring); a plain one below 3 dimensions, and on a
    GPU, where a product into a strided ``out=`` is not one cuBLAS call to count on."""
    shape = np.broadcast_shapes(a.shape[:-2], b.shape[:-2]) + (a.shape[-2], b.shape[-1])
    dtype = np.result_type(a.dtype, b.dtype)
    return _interleaved_empty(xp, shape, dtype)


def _interleaved_empty(xp, shape, dtype):
    """An empty (..., H, L, E) array laid out in memory as (..., L, H, E) (see
    _heads_interleaved; a plain one below 3 dimensions and on a GPU)."""
    if len(shape) < 3 or xp is not np:
        return xp.empty(shape, dtype=dtype)
    *lead, heads, rows, cols = shape
    return xp.swapaxes(xp.empty((*lead, rows, heads, cols), dtype=dtype), -2, -3)


def _rows_in_place(xp, a):
    """a itself when BLAS can read its matrices in place (unit stride along rows, no repeated
    rows: a permuted view of the heads qualifies); else a contiguous copy. A broadcast gradient
    (from ``out.sum()``) has stride 0, which would send matmul to a slow loop."""
    if a.ndim >= 2 and a.strides[-1] == a.itemsize and a.strides[-2] >= a.shape[-1] * a.itemsize:
        return a
    return xp.ascontiguousarray(a)


def _grads_on_arrays(ctx, q, k, v, keep, p, out, d_out, d_p):
    """SoftmaxAttention's backward on arrays (a plain backward(), nothing recorded): the
    formulas of its docstring, with the (..., L, S) temporaries reused in place.

    The row sums rowsum(dP ⊙ P) come from the output instead of the (..., L, S) scores: with
    dP = (dO Vᵀ) ⊙ keep,  Σ_j dP_ij P_ij = Σ_j (dO_i · v_j) keep_ij P_ij = dO_i · (P_d V)_i
    = dO_i · out_i, a sum over Ev numbers per row instead of S (a returned-weights gradient
    dP_out adds its own rowsum(dP_out ⊙ P)). Then, block by block along the first axis as in
    the forward (_blocks), each block's dP is made, shifted, multiplied by P and used by the
    dQ and dK products while it is in cache; without a bias gradient to return, one block's
    buffer serves every block."""
    xp = get_array_module(q, k, v)
    d_out = _rows_in_place(xp, d_out)
    delta = _row_sums(xp, d_out, out)  # rowsum(dP ⊙ P), (..., L, 1)
    if d_p is not None:  # None when the returned weights were not used
        delta += _row_sums(xp, d_p, p)
    shape, dtype = p.shape, p.dtype
    lead = np.broadcast_shapes(shape[:-2], d_out.shape[:-2])
    need_q, need_k, need_bias = ctx.needs_input_grad[0], ctx.needs_input_grad[1], ctx.needs_input_grad[3]
    blocks = _blocks(q, k, None)
    parts = [slice(None)] if blocks is None else blocks[0]
    dv = _interleaved_empty(xp, lead + v.shape[-2:-1] + d_out.shape[-1:], dtype)
    dq = _interleaved_empty(xp, lead + q.shape[-2:], dtype) if need_q else None
    dk = _interleaved_empty(xp, lead + k.shape[-2:], dtype) if need_k else None
    d_scores = lead + shape[-2:]  # dP's shape: P's, broadcast against dO's (V may have more heads or batch)
    ds = xp.empty(d_scores, dtype=dtype) if need_bias or blocks is None else None
    block_ds = None if ds is not None else scratch((parts[0].stop,) + d_scores[1:], dtype, q, "attention scores")
    for part in parts:
        q_b, k_b, v_b, keep_b, d_out_b, d_p_b = (_block(a, part, shape) for a in (q, k, v, keep, d_out, d_p))
        p_b = p[part]
        p_used = p_b if keep_b is None else p_b * keep_b
        xp.matmul(xp.swapaxes(p_used, -1, -2), d_out_b, out=dv[part])  # dV = P_dᵀ dO
        ds_b = ds[part] if ds is not None else block_ds[:part.stop - part.start]
        dp = xp.matmul(d_out_b, _transposed_copy(xp, v_b), out=ds_b)  # dP = dO Vᵀ
        if keep_b is not None:
            dp *= keep_b
        if d_p_b is not None:
            dp += d_p_b
        dp -= delta[part]
        xp.multiply(dp, p_b, out=dp)  # dS = P ⊙ (dP - rowsum(dP ⊙ P))
        if need_q:
            xp.matmul(dp, k_b, out=dq[part])
        if need_k:
            xp.matmul(xp.swapaxes(dp, -1, -2), q_b, out=dk[part])
    for g in (dq, dk):
        if g is not None:
            g *= ctx.scale
    grads = (dq, dk, dv, ds if need_bias else None, None)
    return tuple(None if g is None else Tensor._make(g) for g in grads)


# ---- the functions users call --------------------------------------------------------------------
def _broadcast(op, what, *shapes):
    try:
        return np.broadcast_shapes(*shapes)
    except ValueError:
        raise ShapeError(f"{op}: {what} shapes {', '.join(str(tuple(s)) for s in shapes)} do not "
                         "broadcast together") from None


def attention_bias(op, attn_mask, like, rows, cols):
    """The additive float bias for a mask: float masks as they are, bool masks as 0 / -inf.

    Checks that the mask broadcasts to (..., rows, cols) and has a usable dtype.
    """
    if not isinstance(attn_mask, Tensor):
        attn_mask = Tensor._make(like.xp.asarray(attn_mask))
    mask_shape = tuple(attn_mask.shape)
    try:
        fits = np.broadcast_shapes(mask_shape, (rows, cols))[-2:] == (rows, cols)
    except ValueError:
        fits = False
    if not fits:
        raise ShapeError(f"{op}: a mask of shape {mask_shape} does not broadcast to the attention "
                         f"weights' shape (..., {rows}, {cols}) (queries x keys)")
    kind = attn_mask.dtype.kind
    if kind == "b":
        xp = like.xp
        zero, minus_inf = like.dtype.type(0), like.dtype.type(-np.inf)
        return Tensor._make(xp.where(attn_mask.array, zero, minus_inf))
    if kind != "f":
        raise DTypeError(f"{op}: the mask must be bool (True = attend) or a float tensor to add, "
                         f"got dtype {attn_mask.dtype}")
    if attn_mask.dtype != like.dtype:
        raise DTypeError(f"{op}: a float mask must have the query's dtype {like.dtype}, got {attn_mask.dtype}")
    return attn_mask


def causal_bias(like, rows, cols):
    """0 on and below the diagonal, -inf above: query i may look at keys 0..i (PyTorch's
    top-left aligned causal mask)."""
    xp = like.xp
    allowed = xp.tril(xp.ones((rows, cols), dtype=bool))
    return Tensor._make(xp.where(allowed, like.dtype.type(0), like.dtype.type(-np.inf)))


def dropout_keep(like, shape, p):
    """The dropout mask as a constant: 0 with probability p, 1/(1-p) otherwise."""
    if p >= 1.0:
        return Tensor._make(like.xp.zeros(shape, dtype=like.dtype))
    draw = like.dtype if like.dtype.name in ("float32", "float64") else "float32"
    keep = backend.generator(like.device).random(shape, dtype=draw) >= p
    return Tensor._make(keep.astype(like.dtype) * like.dtype.type(1.0 / (1.0 - p)))


def attention(query, key, value, bias=None, dropout_p=0.0, scale=None, op="attention", need_weights=True):
    """(out, weights): softmax attention with an additive ``bias`` (already built from the masks).

    The weights returned are the ones used, after dropout; None with ``need_weights=False``
    (which lets the op skip forming them when no gradient is recorded). Shapes are checked here.
    """
    for name, t in (("query", query), ("key", key), ("value", value)):
        if not isinstance(t, Tensor) or t.ndim < 2:
            got = tuple(t.shape) if isinstance(t, Tensor) else type(t).__name__
            raise ShapeError(f"{op}: {name} must be a tensor of at least 2 dimensions (..., length, features), "
                             f"got {got}")
        if t.dtype.kind != "f":
            raise DTypeError(f"{op}: {name} must be a floating point tensor, got dtype {t.dtype}")
    if key.dtype != query.dtype or value.dtype != query.dtype:
        raise DTypeError(f"{op}: query, key and value must have one dtype, got {query.dtype}, {key.dtype}, "
                         f"{value.dtype}")
    if key.shape[-1] != query.shape[-1]:
        raise ShapeError(f"{op}: query and key must have the same last dimension, got shapes "
                         f"{tuple(query.shape)} and {tuple(key.shape)}")
    if value.shape[-2] != key.shape[-2]:
        raise ShapeError(f"{op}: key and value must have the same length (dimension -2), got shapes "
                         f"{tuple(key.shape)} and {tuple(value.shape)}")
    lead = _broadcast(op, "the batch", query.shape[:-2], key.shape[:-2], value.shape[:-2])
    rows, cols = query.shape[-2], key.shape[-2]
    weights_shape = tuple(lead) + (rows, cols)
    if bias is not None:
        weights_shape = _broadcast(op, "mask and weights", bias.shape, weights_shape)
    if not 0.0 <= dropout_p <= 1.0:
        raise ArgumentRuntimeError(f"{op}: dropout_p must be in [0, 1], got {dropout_p}")
    keep = dropout_keep(query, weights_shape, dropout_p) if dropout_p > 0 else None
    scale = 1.0 / math.sqrt(query.shape[-1]) if scale is None else float(scale)
    result = SoftmaxAttention.apply(query, key, value, bias, keep, scale=scale, weights=need_weights)
    if not isinstance(result, tuple):  # out alone: no graph, weights not asked for
        return result, None
    out, weights = result
    if not need_weights:
        return out, None
    return out, (weights if keep is None else weights * keep)


def _repeat_heads(op, query, t, name):
    """Grouped-query attention: each of the Hk key/value heads (dimension -3) serves Hq/Hk
    consecutive query heads, so t (..., Hk, S, E) becomes (..., Hq, S, E) with head h copied
    to h*r .. h*r + r - 1 (r = Hq/Hk, PyTorch's repeat_interleave). A broadcast and a reshape,
    so the gradient sums each group of copies back onto its head."""
    if query.ndim < 3 or t.ndim < 3:
        raise ShapeError(f"{op}: enable_gqa needs query and {name} with a heads dimension (..., heads, length, "
                         f"features), got shapes {tuple(query.shape)} and {tuple(t.shape)}")
    hq, hk = query.shape[-3], t.shape[-3]
    if hk == hq:
        return t
    if hk == 0 or hq % hk:
        raise ShapeError(f"{op}: the number of heads in {name} ({hk}) must divide the number of heads in "
                         f"query ({hq}) (shapes {tuple(query.shape)} and {tuple(t.shape)})")
    lead, (s, e) = tuple(t.shape[:-3]), t.shape[-2:]
    t = broadcast_to(reshape(t, lead + (hk, 1, s, e)), lead + (hk, hq // hk, s, e))
    return reshape(t, lead + (hq, s, e))


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None,
                                 enable_gqa=False):
    """softmax(Q Kᵀ · scale + mask) V, PyTorch's ``F.scaled_dot_product_attention``.

    query (..., L, E), key (..., S, E), value (..., S, Ev) -> (..., L, Ev); leading axes
    broadcast. ``attn_mask``: bool (True = attend) or float (added to the scores), broadcast to
    (..., L, S). ``is_causal``: query i attends to keys 0..i (no attn_mask then).
    ``dropout_p``: dropout on the attention weights, applied whenever p > 0 (as in PyTorch,
    the function does not know about train/eval). ``scale`` defaults to 1/sqrt(E).
    Fully masked rows give 0 (see the module docstring). ``enable_gqa``: grouped-query
    attention, key and value may have fewer heads (dimension -3) than query, a divisor of
    its count; each serves a group of consecutive query heads.

    Function: ops/attention.py SoftmaxAttention (through attention), with the mask as an additive bias.
    """
    op = "scaled_dot_product_attention"
    if not isinstance(query, Tensor) or not isinstance(key, Tensor):
        raise DTypeError(f"{op}: query, key and value must be Tensors")
    if query.ndim < 2 or key.ndim < 2:  # the masks below read their lengths (dimension -2)
        raise ShapeError(f"{op}: query and key must have at least 2 dimensions (..., length, features), "
                         f"got shapes {tuple(query.shape)} and {tuple(key.shape)}")
    if query.dtype.kind != "f":  # a bool mask becomes -inf in the query's dtype
        raise DTypeError(f"{op}: query must be a floating point tensor, got dtype {query.dtype}")
    if scale is None and query.shape[-1] == 0:
        raise ShapeError(f"{op}: query and key have no features (last dimension 0), so the default "
                         f"scale 1/sqrt(E) is undefined (query shape {tuple(query.shape)})")
    if enable_gqa:
        key, value = _repeat_heads(op, query, key, "key"), _repeat_heads(op, query, value, "value")
    bias = None
    if is_causal:
        if attn_mask is not None:
            raise ArgumentRuntimeError(f"{op}: pass either attn_mask or is_causal=True, not both")
        bias = causal_bias(query, query.shape[-2], key.shape[-2])
    elif attn_mask is not None:
        bias = attention_bias(op, attn_mask, query, query.shape[-2], key.shape[-2])
    return attention(query, key, value, bias, dropout_p, scale, op, need_weights=False)[0]


TENSOR_METHODS = {}
