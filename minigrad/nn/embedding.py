"""Embedding: a lookup table from integer ids to learned vectors."""

from .. import creation
from ..autograd.grad_mode import no_grad
from ..errors import ArgumentAssertionError, ShapeError
from . import functional as F
from . import init
from .module import Module
from .parameter import Parameter


def check_padding_idx(op, padding_idx, num_embeddings):
    """padding_idx counted from 0 (negative ones from the end); PyTorch asserts its range."""
    if padding_idx is None:
        return None
    if not -num_embeddings <= padding_idx < num_embeddings:
        raise ArgumentAssertionError(f"{op}: padding_idx {padding_idx} must be within num_embeddings "
                                     f"({num_embeddings})")
    return padding_idx % num_embeddings


def make_weight(op, num_embeddings, embedding_dim, _weight, freeze, device, dtype):
    """The (num_embeddings, embedding_dim) weight: ``_weight`` itself when given, else new."""
    if _weight is None:
        return Parameter(creation.empty(num_embeddings, embedding_dim, dtype=dtype, device=device),
                         requires_grad=not freeze), True
    if tuple(_weight.shape) != (num_embeddings, embedding_dim):
        raise ShapeError(f"{op}: _weight has shape {tuple(_weight.shape)}, expected "
                         f"({num_embeddings}, {embedding_dim})")
    return Parameter(_weight, requires_grad=not freeze), False


def check_pretrained(op, embeddings):
    if embeddings.ndim != 2:
        raise ShapeError(f"{op}.from_pretrained: embeddings must be 2-D, got shape {tuple(embeddings.shape)}")
    return embeddings.shape


class Embedding(Module):
    """``weight[ids]``: ids of any shape (integers) -> vectors of shape ids.shape + (embedding_dim,).

    ``weight`` (num_embeddings, embedding_dim) starts as N(0, 1), as in PyTorch. The row at
    ``padding_idx`` (if given) starts at zero and gets no gradient, so it stays zero: use it
    for the padding id of variable-length sequences. ``max_norm``: rows looked up whose
    ``norm_type``-norm exceeds it are rescaled to it, in place, at each forward.
    ``scale_grad_by_freq``: a row's gradient is divided by how often it occurs in the batch.
    ``sparse`` is accepted; the gradient is dense (see ``F.embedding``).

    Function: ops/embedding.py Embedding (through F.embedding).
    """

    def __init__(self, num_embeddings, embedding_dim, padding_idx=None, max_norm=None, norm_type=2.0,
                 scale_grad_by_freq=False, sparse=False, _weight=None, _freeze=False, device=None, dtype=None):
        super().__init__()
        self.num_embeddings, self.embedding_dim = num_embeddings, embedding_dim
        self.padding_idx = check_padding_idx("Embedding", padding_idx, num_embeddings)
        self.max_norm, self.norm_type = max_norm, norm_type
        self.scale_grad_by_freq, self.sparse = scale_grad_by_freq, sparse
        self.weight, fresh = make_weight("Embedding", num_embeddings, embedding_dim, _weight, _freeze, device, dtype)
        if fresh:
            self.reset_parameters()

    def reset_parameters(self):
        reset_embedding(self.weight, self.padding_idx)

    @classmethod
    def from_pretrained(cls, embeddings, freeze=True, padding_idx=None, max_norm=None, norm_type=2.0,
                        scale_grad_by_freq=False, sparse=False):
        """An Embedding holding the 2-D tensor ``embeddings`` (frozen unless freeze=False).

        As in PyTorch the weight shares ``embeddings``' memory, and the padding row is left as it is.
        """
        rows, cols = check_pretrained("Embedding", embeddings)
        return cls(rows, cols, padding_idx=padding_idx, max_norm=max_norm, norm_type=norm_type,
                   scale_grad_by_freq=scale_grad_by_freq, sparse=sparse, _weight=embeddings, _freeze=freeze)

    def forward(self, ids):
        return F.embedding(ids, self.weight, self.padding_idx, self.max_norm, self.norm_type,
                           self.scale_grad_by_freq, self.sparse)

    def extra_repr(self):
        s = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            s += f", padding_idx={self.padding_idx}"
        if self.max_norm is not None:
            s += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            s += f", norm_type={self.norm_type}"
        if self.scale_grad_by_freq:
            s += ", scale_grad_by_freq=True"
        if self.sparse:
            s += ", sparse=True"
        return s


def reset_embedding(weight, padding_idx):
    """PyTorch's initialisation of an embedding table: N(0, 1) rows, the padding row zero."""
    init.normal_(weight)
    if padding_idx is not None:
        with no_grad():
            weight.array[padding_idx] = 0
