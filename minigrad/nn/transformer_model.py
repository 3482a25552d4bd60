"""The encoder-decoder Transformer of "Attention Is All You Need", PyTorch's ``nn.Transformer``.

    memory = encoder(src)            TransformerEncoder: num_encoder_layers layers, then a LayerNorm
    output = decoder(tgt, memory)    TransformerDecoder: num_decoder_layers layers, then a LayerNorm

It has no embeddings and no output projection: src (S, N, d_model) and tgt (T, N, d_model) are
already vectors (batch first with batch_first=True), and the output is (T, N, d_model).
Every parameter with more than one axis starts as xavier_uniform_, as in PyTorch.
"""

from .. import creation
from ..errors import ArgumentError, ShapeError
from . import init
from .module import Module
from .normalization import LayerNorm
from .transformer import TransformerEncoder, TransformerEncoderLayer
from .transformer_decoder import TransformerDecoder, TransformerDecoderLayer


class Transformer(Module):
    """``forward(src, tgt, src_mask=None, tgt_mask=None, memory_mask=None, src_key_padding_mask=None,
    tgt_key_padding_mask=None, memory_key_padding_mask=None, src_is_causal=None, tgt_is_causal=None,
    memory_is_causal=False) -> output``.

    ``custom_encoder`` / ``custom_decoder`` replace the stacks built from the other arguments.

    Composition: nn.TransformerEncoder then nn.TransformerDecoder (no Function of its own).
    """

    def __init__(self, d_model=512, nhead=8, num_encoder_layers=6, num_decoder_layers=6, dim_feedforward=2048,
                 dropout=0.1, activation="relu", custom_encoder=None, custom_decoder=None, layer_norm_eps=1e-5,
                 batch_first=False, norm_first=False, bias=True, device=None, dtype=None):
        super().__init__()
        layer_args = dict(dim_feedforward=dim_feedforward, dropout=dropout, activation=activation,
                          layer_norm_eps=layer_norm_eps, batch_first=batch_first, norm_first=norm_first,
                          bias=bias, device=device, dtype=dtype)
        norm_args = dict(eps=layer_norm_eps, bias=bias, device=device, dtype=dtype)
        if custom_encoder is not None:
            self.encoder = custom_encoder
        else:
            self.encoder = TransformerEncoder(TransformerEncoderLayer(d_model, nhead, **layer_args),
                                              num_encoder_layers, LayerNorm(d_model, **norm_args))
        if custom_decoder is not None:
            self.decoder = custom_decoder
        else:
            self.decoder = TransformerDecoder(TransformerDecoderLayer(d_model, nhead, **layer_args),
                                              num_decoder_layers, LayerNorm(d_model, **norm_args))
        self._reset_parameters()
        self.d_model, self.nhead, self.batch_first = d_model, nhead, batch_first

    def _reset_parameters(self):
        for p in self.parameters():
            if p.ndim > 1:
                init.xavier_uniform_(p)

    def forward(self, src, tgt, src_mask=None, tgt_mask=None, memory_mask=None, src_key_padding_mask=None,
                tgt_key_padding_mask=None, memory_key_padding_mask=None, src_is_causal=None, tgt_is_causal=None,
                memory_is_causal=False):
        batch_axis = 0 if self.batch_first else 1
        if src.ndim == 3 and (tgt.ndim != 3 or src.shape[batch_axis] != tgt.shape[batch_axis]):
            raise ShapeError(f"Transformer: the batch number of src and tgt must be equal, got shapes "
                             f"{tuple(src.shape)} and {tuple(tgt.shape)} (batch_first={self.batch_first})")
        if src.shape[-1] != self.d_model or tgt.shape[-1] != self.d_model:
            raise ShapeError(f"Transformer: the feature number of src and tgt must be equal to d_model "
                             f"({self.d_model}), got shapes {tuple(src.shape)} and {tuple(tgt.shape)}")
        memory = self.encoder(src, mask=src_mask, src_key_padding_mask=src_key_padding_mask, is_causal=src_is_causal)
        return self.decoder(tgt, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                            tgt_key_padding_mask=tgt_key_padding_mask,
                            memory_key_padding_mask=memory_key_padding_mask,
                            tgt_is_causal=tgt_is_causal, memory_is_causal=memory_is_causal)

    @staticmethod
    def generate_square_subsequent_mask(sz, device=None, dtype=None):
        """The (sz, sz) causal float mask: 0 on and below the diagonal, -inf above (position i
        may look at positions 0..i). float32 unless ``dtype`` says otherwise."""
        if isinstance(sz, bool) or not isinstance(sz, int) or sz < 0:
            raise ArgumentError(f"Transformer.generate_square_subsequent_mask: sz must be a non-negative "
                                f"integer, got {sz!r}")
        mask = creation.zeros(sz, sz, dtype=dtype, device=device)
        xp = mask.xp
        mask.array[xp.triu(xp.ones((sz, sz), dtype=bool), 1)] = -xp.inf  # a fresh array: nobody else sees it
        return mask
