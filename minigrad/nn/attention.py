"""Multi-head attention, PyTorch's ``nn.MultiheadAttention``.

With h heads of size d = E / h, each head attends in its own d-dimensional subspace:

    Q = query W_q^T + b_q,   K = key W_k^T + b_k,   V = value W_v^T + b_v      (E features each)
    head_i = softmax(Q_i K_iᵀ / sqrt(d) + mask) V_i     (Q_i = the i-th block of d features)
    out    = concat(head_1, ..., head_h) W_o^T + b_o

Parameters, as in PyTorch: ``in_proj_weight`` (3E, E) = [W_q; W_k; W_v] and ``in_proj_bias``
(3E,), or, when the keys or values have other sizes (``kdim``/``vdim``), ``q_proj_weight``
(E, E), ``k_proj_weight`` (E, kdim), ``v_proj_weight`` (E, vdim); ``out_proj`` a Linear(E, E).
Init: xavier_uniform_ on the input projections, zeros for the biases.

Two options lengthen the keys, as in PyTorch. ``add_bias_kv=True`` adds learned
``bias_k``, ``bias_v`` (1, 1, E): one more key and value, the same for every sample, after
the projections. ``add_zero_attn=True`` adds a key and a value of zeros to every head (a
place to put attention that should go nowhere). The masks get a column of zeros (allowed) for
each extra key.

Masks follow ``nn.MultiheadAttention``'s convention, which is the opposite of
``scaled_dot_product_attention``'s: a bool ``key_padding_mask`` (N, S) or ``attn_mask``
(L, S) / (N·h, L, S) is True where attention is NOT allowed; float masks are added to the
scores. A query with every key masked gets zero attention (output = out_proj's bias) rather
than PyTorch's NaN when need_weights=True.
"""

import math

from .. import creation
from ..errors import ArgumentAssertionError, ArgumentError, DTypeError, NotSupported, ShapeError
from ..ops.attention import attention, causal_bias
from ..ops.padding import pad
from ..ops.shape import cat, split
from ..tensor import Tensor
from . import init
from .functional import linear
from .linear import NonDynamicallyQuantizableLinear
from .module import Module
from .parameter import Parameter


class MultiheadAttention(Module):
    """``forward(query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
    average_attn_weights=True, is_causal=False) -> (attn_output, attn_weights)``.

    Shapes (batch_first=False): query (L, N, E), key (S, N, kdim), value (S, N, vdim), output
    (L, N, E); with batch_first=True the batch comes first. Unbatched inputs (L, E) work too.
    attn_weights: (N, L, S) averaged over heads, (N, h, L, S) with average_attn_weights=False,
    None when need_weights=False. ``is_causal=True`` without an attn_mask builds the causal
    mask (query i sees keys 0..i; PyTorch raises there instead); with one, the given mask is
    used (a hint, as in PyTorch).

    Function: ops/attention.py SoftmaxAttention (through attention), between nn.Linear projections.
    """

    def __init__(self, embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False, add_zero_attn=False,
                 kdim=None, vdim=None, batch_first=False, device=None, dtype=None):
        super().__init__()
        for arg, value in (("embed_dim", embed_dim), ("num_heads", num_heads)):
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise ArgumentError(f"MultiheadAttention: {arg} must be a positive integer, got {value!r}")
        if embed_dim % num_heads:  # PyTorch asserts this: the error is an AssertionError too
            raise ArgumentAssertionError(f"MultiheadAttention: embed_dim ({embed_dim}) must be divisible by "
                                         f"num_heads ({num_heads})")
        if not 0.0 <= dropout <= 1.0:
            raise ArgumentError(f"MultiheadAttention: dropout must be in [0, 1], got {dropout}")
        self.add_zero_attn = add_zero_attn
        self.embed_dim, self.num_heads, self.dropout = embed_dim, num_heads, float(dropout)
        self.head_dim = embed_dim // num_heads
        self.kdim = embed_dim if kdim is None else kdim
        self.vdim = embed_dim if vdim is None else vdim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.batch_first = batch_first
        new = lambda *shape: Parameter(creation.empty(*shape, dtype=dtype, device=device))  # noqa: E731
        if self._qkv_same_embed_dim:
            self.in_proj_weight = new(3 * embed_dim, embed_dim)
            for name in ("q_proj_weight", "k_proj_weight", "v_proj_weight"):
                self.register_parameter(name, None)
        else:
            self.q_proj_weight = new(embed_dim, embed_dim)
            self.k_proj_weight = new(embed_dim, self.kdim)
            self.v_proj_weight = new(embed_dim, self.vdim)
            self.register_parameter("in_proj_weight", None)
        if bias:
            self.in_proj_bias = new(3 * embed_dim)
        else:
            self.register_parameter("in_proj_bias", None)
        if add_bias_kv:
            self.bias_k, self.bias_v = new(1, 1, embed_dim), new(1, 1, embed_dim)
        else:
            self.bias_k = self.bias_v = None
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias, device=device, dtype=dtype)
        self._reset_parameters()

    def _reset_parameters(self):
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            for w in (self.q_proj_weight, self.k_proj_weight, self.v_proj_weight):
                init.xavier_uniform_(w)
        if self.in_proj_bias is not None:
            init.zeros_(self.in_proj_bias)
            init.zeros_(self.out_proj.bias)
        if self.bias_k is not None:
            init.xavier_normal_(self.bias_k)
            init.xavier_normal_(self.bias_v)

    # ---- forward ------------------------------------------------------------------------------
    def forward(self, query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
                average_attn_weights=True, is_causal=False):
        op = "MultiheadAttention"
        sizes = (self.embed_dim, self.kdim, self.vdim)
        q, k, v, batched = _batch_first_inputs(op, query, key, value, sizes, self.out_proj.weight.dtype,
                                               self.batch_first)
        separate = None if self._qkv_same_embed_dim else (self.q_proj_weight, self.k_proj_weight, self.v_proj_weight)
        out, weights = _attend(op, q, k, v, batched, self.num_heads, self.in_proj_weight, self.in_proj_bias, separate,
                               self.bias_k, self.bias_v, self.add_zero_attn, self.dropout if self.training else 0.0,
                               self.out_proj.weight, self.out_proj.bias, key_padding_mask, need_weights, attn_mask,
                               average_attn_weights, is_causal, query is key and key is value)
        return _sequence_layout(out, batched, self.batch_first), weights


def _as_tensor(mask, like):
    return mask if isinstance(mask, Tensor) else Tensor._make(like.xp.asarray(mask))


def _additive(op, name, mask, like):
    """A MultiheadAttention mask as a float to add: bool True (= masked) -> -inf, False -> 0."""
    if mask.dtype.kind == "b":
        xp = like.xp
        return Tensor._make(xp.where(mask.array, like.dtype.type(-math.inf), like.dtype.type(0)))
    if mask.dtype.kind != "f":
        raise DTypeError(f"{op}: {name} must be bool (True = masked) or float (added to the scores), "
                         f"got dtype {mask.dtype}")
    if mask.dtype != like.dtype:
        raise DTypeError(f"{op}: a float {name} must have the query's dtype {like.dtype}, got {mask.dtype}")
    return mask


# ---- the computation, shared with F.multi_head_attention_forward --------------------------------------
def multi_head_attention_forward(query, key, value, embed_dim_to_check, num_heads, in_proj_weight, in_proj_bias,
                                 bias_k, bias_v, add_zero_attn, dropout_p, out_proj_weight, out_proj_bias,
                                 training=True, key_padding_mask=None, need_weights=True, attn_mask=None,
                                 use_separate_proj_weight=False, q_proj_weight=None, k_proj_weight=None,
                                 v_proj_weight=None, static_k=None, static_v=None, average_attn_weights=True,
                                 is_causal=False):
    """MultiheadAttention's forward with its parameters as arguments (PyTorch's functional form).

    query (L, N, E) or (L, E), key (S, N, kdim), value (S, N, vdim), sequence first; returns
    (attn_output (L, N, E), attn_weights (N, L, S), (N, h, L, S) or None), as the module does.
    ``use_separate_proj_weight``: q/k/v_proj_weight instead of the packed in_proj_weight (3E, E).
    Dropout on the weights only when ``training``.

    Function: ops/attention.py SoftmaxAttention (through attention), between F.linear projections.
    """
    op = "multi_head_attention_forward"
    if static_k is not None or static_v is not None:
        raise NotSupported(f"{op}: static_k and static_v (precomputed keys and values) are not supported")
    if not isinstance(query, Tensor) or query.ndim not in (2, 3):
        raise ShapeError(f"{op}: query must be a 3-D (batched) or 2-D (unbatched) Tensor, got "
                         f"{getattr(query, 'shape', type(query).__name__)}")
    if query.shape[-1] != embed_dim_to_check:  # PyTorch asserts this: an AssertionError too
        raise ArgumentAssertionError(f"{op}: was expecting embedding dimension of {embed_dim_to_check}, but got "
                                     f"{query.shape[-1]} (query shape {tuple(query.shape)})")
    if embed_dim_to_check % num_heads:
        raise ArgumentAssertionError(f"{op}: embed_dim {embed_dim_to_check} not divisible by num_heads {num_heads}")
    if use_separate_proj_weight:
        separate = (q_proj_weight, k_proj_weight, v_proj_weight)
        if any(w is None for w in separate):
            raise ArgumentError(f"{op}: use_separate_proj_weight=True needs q_proj_weight, k_proj_weight and "
                                "v_proj_weight")
        kdim, vdim = k_proj_weight.shape[1], v_proj_weight.shape[1]
    elif in_proj_weight is None:
        raise ArgumentError(f"{op}: in_proj_weight is None; pass it, or use_separate_proj_weight=True with "
                            "q_proj_weight, k_proj_weight and v_proj_weight")
    else:
        separate, kdim, vdim = None, embed_dim_to_check, embed_dim_to_check
    q, k, v, batched = _batch_first_inputs(op, query, key, value, (embed_dim_to_check, kdim, vdim),
                                           out_proj_weight.dtype, batch_first=False)
    out, weights = _attend(op, q, k, v, batched, num_heads, in_proj_weight, in_proj_bias, separate, bias_k, bias_v,
                           add_zero_attn, dropout_p if training else 0.0, out_proj_weight, out_proj_bias,
                           key_padding_mask, need_weights, attn_mask, average_attn_weights, is_causal,
                           query is key and key is value)
    return _sequence_layout(out, batched, batch_first=False), weights


def _attend(op, q, k, v, batched, heads, in_proj_weight, in_proj_bias, separate, bias_k, bias_v, add_zero_attn,
            dropout, out_proj_weight, out_proj_bias, key_padding_mask, need_weights, attn_mask,
            average_attn_weights, is_causal, self_attention):
    """The formula of the module docstring on (N, length, features) inputs: (out (N, L, E), weights)."""
    n, rows, cols = q.shape[0], q.shape[1], k.shape[1]
    e = out_proj_weight.shape[0]
    d = e // heads
    if not batched and key_padding_mask is not None:
        key_padding_mask = _as_tensor(key_padding_mask, q).reshape(1, -1)
    bias = _bias(op, q, n, heads, rows, cols, key_padding_mask, attn_mask, is_causal)

    q, k, v = _project(q, k, v, e, in_proj_weight, in_proj_bias, separate, self_attention)
    extra = 0  # keys added after the given ones: their mask columns are 0 (allowed)
    if bias_k is not None:
        k = cat([k, bias_k.expand(n, 1, e)], dim=1)
        v = cat([v, bias_v.expand(n, 1, e)], dim=1)
        extra += 1
    # (N, length, E) -> (N, h, length, d) views: each head's (length, d) matrix is a strided
    # block of the projection. Without a graph the GEMMs read them in place; with one, the
    # backward reads them twice more, and contiguous copies made once were faster overall.
    q, k, v = (t.reshape(n, t.shape[1], heads, d).permute(0, 2, 1, 3) for t in (q, k, v))
    if q.requires_grad or k.requires_grad or v.requires_grad:
        q, k, v = (t.contiguous() for t in (q, k, v))
    if add_zero_attn:
        zeros = creation.zeros(n, heads, 1, d, dtype=q.dtype, device=q.device)
        k, v = cat([k, zeros], dim=2), cat([v, zeros], dim=2)
        extra += 1
    if bias is not None and extra:
        bias = pad(bias, (0, extra))
    out, weights = attention(q, k, v, bias, dropout, None, op, need_weights=need_weights)
    # joining the heads is a view: the op lays its output out as (N, L, h, d) in memory
    out = linear(out.permute(0, 2, 1, 3).reshape(n, rows, e), out_proj_weight, out_proj_bias)
    if not need_weights:
        return out, None
    weights = weights.mean(dim=1) if average_attn_weights else weights
    return out, weights if batched else weights.squeeze(0)


def _sequence_layout(out, batched, batch_first):
    """(N, L, E) back to the caller's layout: (L, E) unbatched, (L, N, E) sequence first."""
    if not batched:
        return out.squeeze(0)
    return out if batch_first else out.transpose(0, 1)


def _batch_first_inputs(op, query, key, value, sizes, dtype, batch_first):
    """Check the shapes (``sizes`` = the features of query, key, value) and the dtypes; return
    query, key, value as (N, length, features) and whether they are batched."""
    for name, t in (("query", query), ("key", key), ("value", value)):
        if not isinstance(t, Tensor):
            raise DTypeError(f"{op}: {name} must be a Tensor, got {type(t).__name__}")
    if query.ndim not in (2, 3):
        raise ShapeError(f"{op}: query must be 3-D (batched) or 2-D (unbatched), got shape {tuple(query.shape)}")
    if key.ndim != query.ndim or value.ndim != query.ndim:
        raise ShapeError(f"{op}: query, key and value must all be {query.ndim}-D, got shapes "
                         f"{tuple(query.shape)}, {tuple(key.shape)}, {tuple(value.shape)}")
    for name, t, size in zip(("query", "key", "value"), (query, key, value), sizes):
        if t.shape[-1] != size:
            raise ShapeError(f"{op}: was expecting {name} features of size {size}, but got {t.shape[-1]} "
                             f"({name} shape {tuple(t.shape)})")
        if t.dtype != dtype:
            raise DTypeError(f"{op}: {name} has dtype {t.dtype} but the parameters have dtype {dtype}")
    if key.shape[:-1] != value.shape[:-1]:
        raise ShapeError(f"{op}: key and value must have the same length and batch, got shapes "
                         f"{tuple(key.shape)} and {tuple(value.shape)}")
    batched = query.ndim == 3
    if not batched:
        return query.unsqueeze(0), key.unsqueeze(0), value.unsqueeze(0), False
    batch_axis = 0 if batch_first else 1
    if key.shape[batch_axis] != query.shape[batch_axis]:
        raise ShapeError(f"{op}: query and key have different batch sizes, shapes {tuple(query.shape)} "
                         f"and {tuple(key.shape)} (batch_first={batch_first})")
    if batch_first:
        return query, key, value, True
    return query.transpose(0, 1), key.transpose(0, 1), value.transpose(0, 1), True


def _project(q, k, v, e, in_proj_weight, b, separate, self_attention):
    """Q, K, V = the input projections (one GEMM for all three in self-attention)."""
    if separate is None and self_attention:
        qkv = linear(q, in_proj_weight, b)
        return split(qkv, e, dim=-1)
    wq, wk, wv = split(in_proj_weight, e, dim=0) if separate is None else separate
    bq, bk, bv = (None, None, None) if b is None else split(b, e, dim=0)
    return linear(q, wq, bq), linear(k, wk, bk), linear(v, wv, bv)


def _bias(op, q, n, heads, rows, cols, key_padding_mask, attn_mask, is_causal):
    """Both masks as one additive float bias broadcastable to (N, h, L, S), or None."""
    bias = None
    if attn_mask is None and is_causal:
        bias = causal_bias(q, rows, cols)
    elif attn_mask is not None:
        mask = _additive(op, "attn_mask", _as_tensor(attn_mask, q), q)
        if mask.ndim == 2:
            if tuple(mask.shape) != (rows, cols):
                raise ShapeError(f"{op}: the 2-D attn_mask should have shape ({rows}, {cols}) "
                                 f"(L, S), got {tuple(mask.shape)}")
        elif mask.ndim == 3:
            if tuple(mask.shape) != (n * heads, rows, cols):
                raise ShapeError(f"{op}: the 3-D attn_mask should have shape ({n * heads}, {rows}, "
                                 f"{cols}) (N·num_heads, L, S), got {tuple(mask.shape)}")
            mask = mask.reshape(n, heads, rows, cols)
        else:
            raise ShapeError(f"{op}: attn_mask must be 2-D or 3-D, got shape {tuple(mask.shape)}")
        bias = mask
    if key_padding_mask is not None:
        mask = _additive(op, "key_padding_mask", _as_tensor(key_padding_mask, q), q)
        if tuple(mask.shape) != (n, cols):
            raise ShapeError(f"{op}: key_padding_mask should have shape ({n}, {cols}) (N, S), "
                             f"got {tuple(mask.shape)}")
        mask = mask.reshape(n, 1, 1, cols)
        bias = mask if bias is None else bias + mask
    return bias


# ---- torch.nn.attention's names (this file is that module's import path too) ---------------------
class SDPBackend:
    """The kernels PyTorch picks among for scaled_dot_product_attention; minigrad has one, MATH's
    formula (ops/attention.py), so every choice computes the same."""

    ERROR, MATH, FLASH_ATTENTION, EFFICIENT_ATTENTION, CUDNN_ATTENTION, OVERRIDEABLE = -1, 0, 1, 2, 3, 4


class sdpa_kernel:
    """``with sdpa_kernel(SDPBackend.FLASH_ATTENTION):`` is accepted; attention runs as always."""

    def __init__(self, backends, set_priority=False):
        self.backends = backends

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
