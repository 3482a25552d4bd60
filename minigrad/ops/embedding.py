"""Embedding lookup: rows of a weight matrix picked by integer indices.

    y[..., :] = W[idx[...], :]        W: (num_embeddings, embedding_dim), idx: any shape of ints

y is linear in W: each output row is a copy of one row of W. So the gradient of a row of W
is the sum of the gradients of every output row that copied it,

    dL/dW[r] = sum over positions p with idx[p] == r of g[p]     (a scatter-add)

except the ``padding_idx`` row, which gets no gradient (it stays fixed, usually at zero).
The scatter-add is itself linear in g; its own gradient gathers again: d/dg[p] of
sum_r <G[r], dL/dW[r]> = G[idx[p]] (0 where idx[p] is the padding row). Each of the two
Functions is the other's backward, so embeddings can be differentiated any number of times.
"""

from ..autograd.function import Function
from ..errors import DTypeError, IndexOutOfRange, ShapeError
from .elementwise import constant, mul


class Embedding(Function):
    """y = W[idx]  (see the module docstring); inputs (weight, indices)."""

    @staticmethod
    def forward(ctx, weight, indices, padding_idx=None):
        ctx.num_embeddings, ctx.padding_idx = weight.shape[0], padding_idx
        ctx.save_for_backward(indices)
        return weight[indices]

    @staticmethod
    def backward(ctx, g):
        (indices,) = ctx.saved_tensors
        return EmbeddingBackward.apply(g, indices, num_embeddings=ctx.num_embeddings,
                                       padding_idx=ctx.padding_idx), None


class EmbeddingBackward(Function):
    """dW = scatter-add of g's rows into the rows named by idx (padding row left at zero).

    Backward (of this linear map in g): dL/dg[p] = G[idx[p]], zero where idx[p] is the padding row.
    """

    @staticmethod
    def forward(ctx, g, indices, num_embeddings, padding_idx=None):
        ctx.padding_idx = padding_idx
        ctx.save_for_backward(indices)
        xp = _xp(g)
        dim = g.shape[-1]
        out = xp.zeros((num_embeddings, dim), dtype=g.dtype)
        # add.at adds repeated indices one by one (a plain out[idx] += g would keep only the last)
        xp.add.at(out, indices.reshape(-1), g.reshape(indices.size, dim))  # (-1 fails when dim is 0)
        if padding_idx is not None:
            out[padding_idx] = 0
        return out

    @staticmethod
    def backward(ctx, gg):
        (indices,) = ctx.saved_tensors
        rows = Embedding.apply(gg, indices, padding_idx=ctx.padding_idx)
        if ctx.padding_idx is not None:  # forward zeroed the padding row: nothing flows back through it
            keep = (indices.array != ctx.padding_idx)[..., None].astype(gg.dtype)
            rows = mul(rows, constant(keep))
        return rows, None


def _xp(array):
    from ..backend import get_array_module

    return get_array_module(array)


def embedding(input, weight, padding_idx=None):
    """Rows of ``weight`` picked by the integer tensor ``input``: output shape input.shape + (dim,)."""
    from ..tensor import Tensor

    if not isinstance(input, Tensor):
        input = Tensor(input)
    if input.dtype.kind not in "iu":
        raise DTypeError(f"embedding: indices must be an integer tensor, got dtype {input.dtype}")
    if weight.ndim != 2:
        raise ShapeError("embedding: weight must be 2-D (num_embeddings, embedding_dim), "
                         f"got shape {tuple(weight.shape)}")
    n = weight.shape[0]
    if input.array.size:
        lo, hi = int(input.array.min()), int(input.array.max())
        if lo < 0 or hi >= n:
            bad = lo if lo < 0 else hi
            raise IndexOutOfRange(f"embedding: index {bad} is out of range for {n} embeddings "
                                  f"(indices must be in [0, {n - 1}])")
    if padding_idx is not None:
        if not -n <= padding_idx < n:
            raise IndexOutOfRange(f"embedding: padding_idx {padding_idx} is out of range for {n} embeddings")
        padding_idx %= n
    return Embedding.apply(weight, input, padding_idx=padding_idx)


TENSOR_METHODS = {}
