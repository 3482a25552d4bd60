"""MultiHeadAttention, with Keras's weights: one (in, heads, dim) kernel per projection.

For query x_q (B, T, d_q) and value x_v (B, S, d_v) (key x_k = x_v unless given), per head h:
    q = x_q W_q[:, h] + b_q[h]    k = x_k W_k[:, h] + b_k[h]    v = x_v W_v[:, h] + b_v[h]
    A = softmax(q k^T / sqrt(key_dim))                       (B, heads, T, S), over S
    out = sum_h (A v)[h] W_o[h] + b_o                          (B, T, output dim)
Keras stores W_q as (d_q, heads, key_dim) and W_o as (heads, value_dim, d_out); the layer
reshapes them (views) into plain matrices, so each projection is one GEMM, and the scores
one batched matmul. ``attention_mask`` (B, T, S) is True where a query may look;
``use_causal_mask`` forbids looking ahead. As in Keras, the masks that come with the inputs
(``Embedding(mask_zero=True)`` upstream) join in: ``query_mask`` (B, T) as (B, T, 1) and
``value_mask``/``key_mask`` (B, S) as (B, 1, S), all combined with "and"; the output carries
the query's mask on. A mask passed explicitly is used as given (Keras 3 always takes
``query_mask`` from the query tensor, ignoring the argument). Masked scores become -1e9
before the softmax and their weights are set to 0 after it, as Keras does (a row with
nothing to attend to is 0).
"""

import math

from ...errors import ArgumentError, ShapeError
from ...ops.activation import softmax
from ...ops.dropout import dropout
from ...ops.linalg import matmul
from ...ops.selections import where
from ...ops.shape import reshape
from .. import initializers
from .base import Layer, get_mask, to_tensor


class MultiHeadAttention(Layer):
    """Attention with ``num_heads`` heads: ``layer(query, value, key=None, attention_mask=None)``."""

    def __init__(self, num_heads, key_dim, value_dim=None, dropout=0.0, use_bias=True, output_shape=None,
                 attention_axes=None, flash_attention=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if attention_axes is not None:
            raise ArgumentError("MultiHeadAttention: only the default attention_axes (the sequence axis) is supported")
        self.num_heads, self.key_dim = num_heads, key_dim
        self.value_dim = key_dim if value_dim is None else value_dim
        self.dropout, self.use_bias, self.seed = float(dropout), use_bias, seed
        self._output_shape = output_shape
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.supports_masking = True

    def _build_for_call(self, args, kwargs, shape_of):
        query = args[0]
        value = args[1] if len(args) > 1 else kwargs.get("value")
        key = args[2] if len(args) > 2 else kwargs.get("key")
        if value is None:
            raise ArgumentError(f"MultiHeadAttention {self.name}: call it as layer(query, value)")
        if not self.built:
            self.build(shape_of(query), shape_of(value), None if key is None else shape_of(key))
            self.built = True

    def build(self, query_shape, value_shape=None, key_shape=None):
        value_shape = query_shape if value_shape is None else value_shape
        key_shape = value_shape if key_shape is None else key_shape
        h, kd, vd = self.num_heads, self.key_dim, self.value_dim
        out = query_shape[-1] if self._output_shape is None else self._output_shape
        out = (out,) if isinstance(out, int) else tuple(out)
        if len(out) != 1:
            raise ArgumentError("MultiHeadAttention: output_shape must be one integer")
        kernel, bias = self.kernel_initializer, self.bias_initializer
        for name, dim, size in (("query", query_shape[-1], kd), ("key", key_shape[-1], kd),
                                ("value", value_shape[-1], vd)):
            self.add_weight(shape=(dim, h, size), initializer=kernel, name=f"{name}_kernel")
            if self.use_bias:
                self.add_weight(shape=(h, size), initializer=bias, name=f"{name}_bias")
        self.add_weight(shape=(h, vd, out[0]), initializer=kernel, name="attention_output_kernel")
        if self.use_bias:
            self.add_weight(shape=out, initializer=bias, name="attention_output_bias")
        self.built = True

    def _project(self, x, name):
        """x (B, L, d) -> (B, heads, L, dim): one GEMM with the (d, heads*dim) view of the kernel."""
        kernel = getattr(self, f"{name}_kernel")
        d, heads, dim = kernel.shape
        y = matmul(x, reshape(kernel, (d, heads * dim)))
        if self.use_bias:
            y = y + reshape(getattr(self, f"{name}_bias"), (heads * dim,))
        return reshape(y, (x.shape[0], x.shape[1], heads, dim)).transpose(1, 2)

    def call(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None, attention_mask=None,
             return_attention_scores=False, training=None, use_causal_mask=False):
        key = value if key is None else key
        if query.ndim != 3 or value.ndim != 3 or key.ndim != 3:
            raise ShapeError(f"MultiHeadAttention {self.name}: query, value and key must be (batch, length, "
                             f"features); got {tuple(query.shape)}, {tuple(value.shape)}, {tuple(key.shape)}")
        q = self._project(query, "query") * (1.0 / math.sqrt(self.key_dim))
        k = self._project(key, "key")
        v = self._project(value, "value")
        scores = matmul(q, k.transpose(-2, -1))  # (B, heads, T, S)
        mask = self._mask(query, value, attention_mask, use_causal_mask, query_mask, value_mask, key_mask)
        if mask is not None:
            scores = where(mask, scores, -1e9)
        weights = softmax(scores, dim=-1)
        if mask is not None:
            weights = where(mask, weights, 0.0)
        dropped = dropout(weights, p=self.dropout, training=True) if training and self.dropout > 0 else weights
        context = matmul(dropped, v).transpose(1, 2)  # (B, T, heads, value_dim)
        b, t = context.shape[0], context.shape[1]
        kernel = self.attention_output_kernel
        out = matmul(reshape(context, (b, t, kernel.shape[0] * kernel.shape[1])),
                     reshape(kernel, (kernel.shape[0] * kernel.shape[1], kernel.shape[2])))
        if self.use_bias:
            out = out + self.attention_output_bias
        return (out, weights) if return_attention_scores else out

    def _mask(self, query, value, attention_mask, use_causal_mask, query_mask=None, value_mask=None, key_mask=None):
        """A bool array (B or 1, 1, T, S), True where attention is allowed, or None."""
        xp = query.xp
        mask = None

        def join(m):
            return m if mask is None else (mask & m)
        if attention_mask is not None:
            m = to_tensor(attention_mask).array.astype(bool)
            mask = m[:, None] if m.ndim == 3 else m
        if query_mask is not None:
            mask = join(to_tensor(query_mask).array.astype(bool)[:, None, :, None])  # (B, 1, T, 1)
        for m in (value_mask, key_mask):
            if m is not None:
                mask = join(to_tensor(m).array.astype(bool)[:, None, None, :])  # (B, 1, 1, S)
        if use_causal_mask:
            t, s = query.shape[1], value.shape[1]
            causal = xp.tril(xp.ones((t, s), dtype=bool))[None, None]
            mask = join(causal)
        return mask

    def compute_mask(self, inputs, previous_mask):
        return get_mask(inputs)  # the query's, as Keras hands it on

    def get_config(self):
        return {**super().get_config(), "num_heads": self.num_heads, "key_dim": self.key_dim,
                "value_dim": self.value_dim, "dropout": self.dropout, "use_bias": self.use_bias,
                "output_shape": self._output_shape, "seed": self.seed,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer)}
