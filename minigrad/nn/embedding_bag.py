"""EmbeddingBag: the sum, mean or max of the embeddings of each bag of ids, in one step."""

from ..errors import ArgumentError
from . import functional as F
from .embedding import check_padding_idx, check_pretrained, make_weight, reset_embedding
from .module import Module


class EmbeddingBag(Module):
    """``forward(input, offsets=None, per_sample_weights=None) -> (B, embedding_dim)``.

    input (B, L): B bags of L ids each; or input (M,) with offsets (B,): bag b is
    input[offsets[b]:offsets[b+1]] (``include_last_offset``: offsets has B + 1 entries, the
    last one the end). ``mode`` 'mean' (default), 'sum' (which takes ``per_sample_weights``)
    or 'max'. Ids equal to ``padding_idx`` are left out of their bag; an empty bag gives
    zeros. ``weight``, ``max_norm``, ``scale_grad_by_freq`` and ``sparse`` as in Embedding.
    Cheaper than Embedding followed by a reduction: see ``F.embedding_bag``.

    Function: ops/embedding.py Embedding (through F.embedding_bag).
    """

    def __init__(self, num_embeddings, embedding_dim, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
                 mode="mean", sparse=False, _weight=None, include_last_offset=False, padding_idx=None,
                 device=None, dtype=None):
        super().__init__()
        if mode not in ("sum", "mean", "max"):
            raise ArgumentError(f"EmbeddingBag: mode has to be one of sum, mean or max, got {mode!r}")
        self.num_embeddings, self.embedding_dim = num_embeddings, embedding_dim
        self.max_norm, self.norm_type, self.scale_grad_by_freq = max_norm, norm_type, scale_grad_by_freq
        self.mode, self.sparse, self.include_last_offset = mode, sparse, include_last_offset
        self.padding_idx = check_padding_idx("EmbeddingBag", padding_idx, num_embeddings)
        self.weight, fresh = make_weight("EmbeddingBag", num_embeddings, embedding_dim, _weight, False, device, dtype)
        if fresh:
            self.reset_parameters()

    def reset_parameters(self):
        reset_embedding(self.weight, self.padding_idx)

    @classmethod
    def from_pretrained(cls, embeddings, freeze=True, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
                        mode="mean", sparse=False, include_last_offset=False, padding_idx=None):
        """An EmbeddingBag holding the 2-D tensor ``embeddings`` (frozen unless freeze=False)."""
        rows, cols = check_pretrained("EmbeddingBag", embeddings)
        bag = cls(rows, cols, max_norm=max_norm, norm_type=norm_type, scale_grad_by_freq=scale_grad_by_freq,
                  mode=mode, sparse=sparse, _weight=embeddings, include_last_offset=include_last_offset,
                  padding_idx=padding_idx)
        bag.weight.requires_grad_(not freeze)
        return bag

    def forward(self, input, offsets=None, per_sample_weights=None):
        return F.embedding_bag(input, self.weight, offsets, self.max_norm, self.norm_type, self.scale_grad_by_freq,
                               self.mode, self.sparse, per_sample_weights, self.include_last_offset,
                               self.padding_idx)

    def extra_repr(self):
        s = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.max_norm is not None:
            s += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            s += f", norm_type={self.norm_type}"
        if self.scale_grad_by_freq:
            s += ", scale_grad_by_freq=True"
        s += f", mode='{self.mode}'"
        if self.include_last_offset:
            s += ", include_last_offset=True"
        if self.padding_idx is not None:
            s += f", padding_idx={self.padding_idx}"
        return s
