"""The Transformer encoder: self-attention and a feed-forward network, each in a residual branch.

One layer (post-norm, the original Transformer, ``norm_first=False``):

    x = norm1(x + dropout1(self_attn(x, x, x)))
    x = norm2(x + dropout2(linear2(dropout(act(linear1(x))))))

Pre-norm (``norm_first=True``, easier to train deep):

    x = x + dropout1(self_attn(norm1(x), norm1(x), norm1(x)))
    x = x + dropout2(linear2(dropout(act(linear1(norm2(x))))))

Names, arguments and parameter keys are PyTorch's (``self_attn.in_proj_weight``,
``linear1.weight``, ``norm1.weight``, ...), and ``TransformerEncoder`` stacks deep copies of one
layer as ``layers.0``, ``layers.1``, ... The decoder is in ``transformer_decoder.py``, the
encoder-decoder ``Transformer`` in ``transformer_model.py``.
"""

import copy

from ..errors import ArgumentError, ArgumentRuntimeError, DTypeError
from ..ops.activation import gelu, relu
from .attention import MultiheadAttention
from .containers import ModuleList
from .dropout import Dropout
from .linear import Linear
from .module import Module
from .normalization import LayerNorm

_ACTIVATIONS = {"relu": relu, "gelu": gelu}


def activation_fn(op, activation):
    """'relu', 'gelu' or a callable, as the function to apply."""
    if isinstance(activation, str):
        if activation not in _ACTIVATIONS:
            raise ArgumentRuntimeError(f"{op}: activation should be 'relu' or 'gelu', not {activation!r}")
        return _ACTIVATIONS[activation]
    if not callable(activation):
        raise DTypeError(f"{op}: activation must be 'relu', 'gelu' or callable, got {type(activation).__name__}")
    return activation


def clone_layers(op, layer, num_layers):
    """``num_layers`` deep copies of ``layer`` (no shared weights), as a ModuleList."""
    if not isinstance(layer, Module):
        raise DTypeError(f"{op}: the layer must be a Module, got {type(layer).__name__}")
    if isinstance(num_layers, bool) or not isinstance(num_layers, int) or num_layers < 1:
        raise ArgumentError(f"{op}: num_layers must be a positive integer, got {num_layers!r}")
    return ModuleList([copy.deepcopy(layer) for _ in range(num_layers)])


class TransformerEncoderLayer(Module):
    """``forward(src, src_mask=None, src_key_padding_mask=None, is_causal=False) -> output``.

    src is (S, N, d_model), or (N, S, d_model) with batch_first=True. ``activation`` is 'relu',
    'gelu' or a function. Masks as in MultiheadAttention (bool True = masked, float = added).

    Composition: of nn.MultiheadAttention, nn.Linear, nn.Dropout, nn.LayerNorm and the residual adds (no
    Function of its own).
    """

    def __init__(self, d_model, nhead, dim_feedforward=2048, dropout=0.1, activation="relu", layer_norm_eps=1e-5,
                 batch_first=False, norm_first=False, bias=True, device=None, dtype=None):
        super().__init__()
        activation = activation_fn("TransformerEncoderLayer", activation)
        self.self_attn = MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias, batch_first=batch_first,
                                            device=device, dtype=dtype)
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, device=device, dtype=dtype)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, device=device, dtype=dtype)
        self.norm_first = norm_first
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, device=device, dtype=dtype)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, device=device, dtype=dtype)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)
        self.activation = activation

    def forward(self, src, src_mask=None, src_key_padding_mask=None, is_causal=False):
        x = src
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), src_mask, src_key_padding_mask, is_causal)
            x = x + self._ff_block(self.norm2(x))
        else:
            x = self.norm1(x + self._sa_block(x, src_mask, src_key_padding_mask, is_causal))
            x = self.norm2(x + self._ff_block(x))
        return x

    def _sa_block(self, x, attn_mask, key_padding_mask, is_causal):
        x = self.self_attn(x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask,
                           need_weights=False, is_causal=is_causal)[0]
        return self.dropout1(x)

    def _ff_block(self, x):
        x = self.linear2(self.dropout(self.activation(self.linear1(x))))
        return self.dropout2(x)


class TransformerEncoder(Module):
    """A stack of ``num_layers`` copies of ``encoder_layer`` (deep copies: no shared weights),
    then ``norm`` when given.   ``forward(src, mask=None, src_key_padding_mask=None, is_causal=None)``.

    ``enable_nested_tensor`` and ``mask_check`` are accepted for PyTorch's signature and
    ignored: they select PyTorch's inference fast path (nested tensors for padded batches),
    which gives the same numbers at every position that is not padding. (At padded positions
    that path returns 0; minigrad, like PyTorch's plain path, returns what the layers compute.)
    ``is_causal`` is a hint: the mask given is what is used.

    Composition: its nn.TransformerEncoderLayer copies in turn, then an optional norm (no Function of its
    own).
    """

    def __init__(self, encoder_layer, num_layers, norm=None, enable_nested_tensor=True, mask_check=True):
        super().__init__()
        self.layers = clone_layers("TransformerEncoder", encoder_layer, num_layers)
        self.num_layers = num_layers
        self.norm = norm
        self.enable_nested_tensor, self.mask_check = enable_nested_tensor, mask_check

    def forward(self, src, mask=None, src_key_padding_mask=None, is_causal=None):
        x = src
        for layer in self.layers:
            x = layer(x, src_mask=mask, src_key_padding_mask=src_key_padding_mask, is_causal=bool(is_causal))
        return x if self.norm is None else self.norm(x)
