"""Sentence embeddings from a BERT's token vectors, as sentence-transformers computes them.

A BERT gives one vector per token. all-MiniLM-L6-v2 (and most sentence-transformers models)
turn these into one vector per sentence by averaging the real tokens' vectors and scaling the
average to length 1:

    mean_b = Σ_t mask[b, t] h[b, t] / max(Σ_t mask[b, t], 1e-9)      padding (mask 0) left out
    e_b    = mean_b / max(||mean_b||, 1e-12)                          so e_a · e_b is the cosine

Two sentences mean nearly the same when their embeddings' dot product is near 1.
"""

from ..nn import functional as F
from ..tensor import Tensor
from ..errors import ShapeError


def mean_pooling(last_hidden_state, attention_mask):
    """The mean of each sequence's real token vectors: (B, T, D), (B, T) -> (B, D)."""
    if not isinstance(last_hidden_state, Tensor) or last_hidden_state.ndim != 3:
        got = tuple(last_hidden_state.shape) if isinstance(last_hidden_state, Tensor) else type(last_hidden_state)
        raise ShapeError(f"mean_pooling: last_hidden_state must be a (batch, length, features) tensor, got {got}")
    if tuple(attention_mask.shape) != tuple(last_hidden_state.shape[:2]):
        raise ShapeError(f"mean_pooling: attention_mask has shape {tuple(attention_mask.shape)}, but the hidden "
                         f"states have shape {tuple(last_hidden_state.shape)}")
    mask = attention_mask.to(last_hidden_state.dtype).unsqueeze(-1)  # (B, T, 1): broadcast over features
    total = (last_hidden_state * mask).sum(1)
    count = mask.sum(1).clamp(min=1e-9)  # an all-padding row gives 0, not 0/0
    return total / count


def sentence_embeddings(last_hidden_state, attention_mask, normalize=True):
    """Mean pooling, then (``normalize``) L2 normalisation: the sentence-transformers pipeline."""
    pooled = mean_pooling(last_hidden_state, attention_mask)
    return F.normalize(pooled, p=2.0, dim=1) if normalize else pooled
