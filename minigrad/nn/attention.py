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
from ..errors import ArgumentAssertionError, ArgumentError, DTypeError, ShapeError
from ..ops.attention import attention, causal_bias
from ..ops.padding import pad
from ..ops.shape import cat, split
from ..tensor import Tensor
from . import init
from .functional import linear
from .linear import Linear
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
        self.out_proj = Linear(embed_dim, embed_dim, bias=bias, device=device, dtype=dtype)
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
        q, k, v, batched = self._batch_first_inputs(query, key, value)
        n, rows, cols = q.shape[0], q.shape[1], k.shape[1]
        if not batched and key_padding_mask is not None:
            key_padding_mask = _as_tensor(key_padding_mask, q).reshape(1, -1)
        bias = self._bias(q, n, rows, cols, key_padding_mask, attn_mask, is_causal)

        q, k, v = self._project(q, k, v, query is key and key is value)
        heads, d = self.num_heads, self.head_dim
        extra = 0  # keys added after the given ones: their mask columns are 0 (allowed)
        if self.bias_k is not None:
            k = cat([k, self.bias_k.expand(n, 1, self.embed_dim)], dim=1)
            v = cat([v, self.bias_v.expand(n, 1, self.embed_dim)], dim=1)
            extra += 1
        # (N, length, E) -> (N, h, length, d) views: each head's (length, d) matrix is a strided
        # block of the projection. Without a graph the GEMMs read them in place; with one, the
        # backward reads them twice more, and contiguous copies made once were faster overall.
        q, k, v = (t.reshape(n, t.shape[1], heads, d).permute(0, 2, 1, 3) for t in (q, k, v))
        if q.requires_grad or k.requires_grad or v.requires_grad:
            q, k, v = (t.contiguous() for t in (q, k, v))
        if self.add_zero_attn:
            zeros = creation.zeros(n, heads, 1, d, dtype=q.dtype, device=q.device)
            k, v = cat([k, zeros], dim=2), cat([v, zeros], dim=2)
            extra += 1
        if bias is not None and extra:
            bias = pad(bias, (0, extra))
        out, weights = attention(q, k, v, bias, self.dropout if self.training else 0.0, None,
                                 "MultiheadAttention", need_weights=need_weights)
        # joining the heads is a view: the op lays its output out as (N, L, h, d) in memory
        out = out.permute(0, 2, 1, 3).reshape(n, rows, self.embed_dim)
        out = self.out_proj(out)

        if need_weights:
            weights = weights.mean(dim=1) if average_attn_weights else weights
            weights = weights if batched else weights.squeeze(0)
        else:
            weights = None
        if not batched:
            out = out.squeeze(0)
        elif not self.batch_first:
            out = out.transpose(0, 1)
        return out, weights

    def _batch_first_inputs(self, query, key, value):
        """Check the shapes; return query, key, value as (N, length, features) and whether batched."""
        op = "MultiheadAttention"
        for name, t in (("query", query), ("key", key), ("value", value)):
            if not isinstance(t, Tensor):
                raise DTypeError(f"{op}: {name} must be a Tensor, got {type(t).__name__}")
        if query.ndim not in (2, 3):
            raise ShapeError(f"{op}: query must be 3-D (batched) or 2-D (unbatched), got shape {tuple(query.shape)}")
        if key.ndim != query.ndim or value.ndim != query.ndim:
            raise ShapeError(f"{op}: query, key and value must all be {query.ndim}-D, got shapes "
                             f"{tuple(query.shape)}, {tuple(key.shape)}, {tuple(value.shape)}")
        for name, t, size in (("query", query, self.embed_dim), ("key", key, self.kdim), ("value", value, self.vdim)):
            if t.shape[-1] != size:
                raise ShapeError(f"{op}: was expecting {name} features of size {size}, but got {t.shape[-1]} "
                                 f"({name} shape {tuple(t.shape)})")
            if t.dtype != self.out_proj.weight.dtype:
                raise DTypeError(f"{op}: {name} has dtype {t.dtype} but the parameters have dtype "
                                 f"{self.out_proj.weight.dtype}")
        if key.shape[:-1] != value.shape[:-1]:
            raise ShapeError(f"{op}: key and value must have the same length and batch, got shapes "
                             f"{tuple(key.shape)} and {tuple(value.shape)}")
        batched = query.ndim == 3
        if not batched:
            return query.unsqueeze(0), key.unsqueeze(0), value.unsqueeze(0), False
        batch_axis = 0 if self.batch_first else 1
        if key.shape[batch_axis] != query.shape[batch_axis]:
            raise ShapeError(f"{op}: query and key have different batch sizes, shapes {tuple(query.shape)} "
                             f"and {tuple(key.shape)} (batch_first={self.batch_first})")
        if self.batch_first:
            return query, key, value, True
        return query.transpose(0, 1), key.transpose(0, 1), value.transpose(0, 1), True

    def _project(self, q, k, v, self_attention):
        """Q, K, V = the input projections (one GEMM for all three in self-attention)."""
        e = self.embed_dim
        b = self.in_proj_bias
        if self._qkv_same_embed_dim and self_attention:
            qkv = linear(q, self.in_proj_weight, b)
            return split(qkv, e, dim=-1)
        if self._qkv_same_embed_dim:
            wq, wk, wv = split(self.in_proj_weight, e, dim=0)
        else:
            wq, wk, wv = self.q_proj_weight, self.k_proj_weight, self.v_proj_weight
        bq, bk, bv = (None, None, None) if b is None else split(b, e, dim=0)
        return linear(q, wq, bq), linear(k, wk, bk), linear(v, wv, bv)

    def _bias(self, q, n, rows, cols, key_padding_mask, attn_mask, is_causal):
        """Both masks as one additive float bias broadcastable to (N, h, L, S), or None."""
        op = "MultiheadAttention"
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
                if tuple(mask.shape) != (n * self.num_heads, rows, cols):
                    raise ShapeError(f"{op}: the 3-D attn_mask should have shape ({n * self.num_heads}, {rows}, "
                                     f"{cols}) (N·num_heads, L, S), got {tuple(mask.shape)}")
                mask = mask.reshape(n, self.num_heads, rows, cols)
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

    def extra_repr(self):
        s = f"embed_dim={self.embed_dim}, num_heads={self.num_heads}"
        if self.dropout:
            s += f", dropout={self.dropout}"
        if not self._qkv_same_embed_dim:
            s += f", kdim={self.kdim}, vdim={self.vdim}"
        if self.bias_k is not None:
            s += ", add_bias_kv=True"
        if self.add_zero_attn:
            s += ", add_zero_attn=True"
        if self.batch_first:
            s += ", batch_first=True"
        return s


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
