"""Embedding lookup: rows of a weight matrix picked by integer indices.

    y[..., :] = W[idx[...], :]        W: (num_embeddings, embedding_dim), idx: any shape of ints

y is linear in W: each output row is a copy of one row of W. So the gradient of a row of W
is the sum of the gradients of every output row that copied it,

    dL/dW[r] = sum over positions p with idx[p] == r of g[p]     (a scatter-add)

except the ``padding_idx`` row, which gets no gradient (it stays fixed, usually at zero).
With ``scale_grad_by_freq`` each row's sum is divided by how often r appears in idx
(count_r), as PyTorch does, so frequent words do not dominate a batch's update:

    dL/dW[r] = (1 / count_r) * sum over p with idx[p] == r of g[p]

The scatter-add is itself linear in g; its own gradient gathers again. With G the gradient
arriving at dL/dW (same shape as W, in a double backward), d/dg[p] of
sum_r <G[r], dL/dW[r]> = G[idx[p]] / count_idx[p] (0 where idx[p] is the padding row). Each
of the two Functions is the other's backward, so embeddings can be differentiated any number
of times.

``max_norm``: before the lookup, every row of W that idx names and whose ``norm_type``-norm
exceeds max_norm is rescaled in place to norm max_norm (PyTorch's embedding_renorm_, under
no_grad: the rescaling is not part of the graph).

Notation: docs/notation.md.
"""

from .. import backend
from ..autograd.function import Function
from ..backend import get_array_module as _xp  # NumPy or CuPy, whichever holds the arrays
from ..errors import ArgumentError, DTypeError, DTypeRuntimeError, IndexOutOfRange, ShapeError
from .elementwise import constant, mul


def _inverse_counts(indices, num_embeddings, dtype):
    """1 / count_r for every row r (1 for rows that do not appear), as an array."""
    xp = _xp(indices)
    counts = xp.bincount(indices.reshape(-1), minlength=num_embeddings)
    return (1.0 / xp.maximum(counts, 1)).astype(dtype)


class Embedding(Function):
    """y = W[idx]  (see the module docstring); inputs (weight, indices)."""

    @staticmethod
    def forward(ctx, weight, indices, padding_idx=None, scale_grad_by_freq=False):
        ctx.num_embeddings, ctx.padding_idx = weight.shape[0], padding_idx
        ctx.scale_grad_by_freq = scale_grad_by_freq
        ctx.save_for_backward(indices)
        return weight[indices]

    @staticmethod
    def backward(ctx, g):
        (indices,) = ctx.saved_tensors
        return EmbeddingBackward.apply(g, indices, num_embeddings=ctx.num_embeddings, padding_idx=ctx.padding_idx,
                                       scale_grad_by_freq=ctx.scale_grad_by_freq), None


class EmbeddingBackward(Function):
    """dW = scatter-add of g's rows into the rows named by idx (padding row left at zero),
    each row divided by its count when ``scale_grad_by_freq``.

    Backward (of this linear map in g), with G the gradient arriving at dW (W's shape):
    dL/dg[p] = G[idx[p]] (/ count_idx[p]), zero where idx[p] is the padding row.
    """

    @staticmethod
    def forward(ctx, g, indices, num_embeddings, padding_idx=None, scale_grad_by_freq=False):
        ctx.padding_idx, ctx.scale_grad_by_freq = padding_idx, scale_grad_by_freq
        ctx.num_embeddings = num_embeddings
        ctx.save_for_backward(indices)
        xp = _xp(g)
        dim = g.shape[-1]
        out = xp.zeros((num_embeddings, dim), dtype=g.dtype)
        # add.at adds repeated indices one by one (a plain out[idx] += g would keep only the last)
        xp.add.at(out, indices.reshape(-1), g.reshape(indices.size, dim))  # (-1 fails when dim is 0)
        if scale_grad_by_freq:
            out *= _inverse_counts(indices, num_embeddings, g.dtype)[:, None]
        if padding_idx is not None:
            out[padding_idx] = 0
        return out

    @staticmethod
    def backward(ctx, gg):
        (indices,) = ctx.saved_tensors
        rows = Embedding.apply(gg, indices, padding_idx=ctx.padding_idx)
        keep = None
        if ctx.scale_grad_by_freq:  # the same 1 / count_r, now read per position
            keep = _inverse_counts(indices.array, ctx.num_embeddings, gg.dtype)[indices.array]
        if ctx.padding_idx is not None:  # forward zeroed the padding row: nothing flows back through it
            pad_keep = (indices.array != ctx.padding_idx).astype(gg.dtype)
            keep = pad_keep if keep is None else keep * pad_keep
        if keep is not None:
            rows = mul(rows, constant(keep[..., None]))
        return rows, None


def renorm_rows_(weight, indices, max_norm, norm_type=2.0):
    """Rescale in place, under no_grad, the rows of ``weight`` named in ``indices`` whose
    norm_type-norm exceeds max_norm: row *= max_norm / (norm + 1e-7) (PyTorch's formula)."""
    from ..autograd.grad_mode import no_grad
    from ..tensor import Tensor

    xp = weight.xp
    rows = xp.unique(indices.reshape(-1))
    if rows.size == 0:
        return
    picked = weight.array[rows]
    p = float(norm_type)
    if p == float("inf"):
        norms = xp.abs(picked).max(axis=1)
    else:
        norms = (xp.abs(picked) ** p).sum(axis=1) ** (1.0 / p)
    scale = xp.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0).astype(weight.dtype)
    if backend.is_host(scale) and not (scale != 1).any():  # nothing to rescale (not asked on a GPU: a wait)
        return
    new = weight.array.copy()
    new[rows] = picked * scale[:, None]
    with no_grad():
        weight._write(Tensor._make(new), "embedding_renorm_")


def check_indices(op, input, n):
    """input as an integer Tensor with every index in [0, n)."""
    from ..tensor import Tensor

    if not isinstance(input, Tensor):
        from ..creation import tensor

        input = tensor(input)  # (a list of ints stays integer)
    if input.dtype.kind not in "iu":
        raise DTypeRuntimeError(f"{op}: indices must be an integer tensor, got dtype {input.dtype}")
    if input.array.size and backend.is_host(input.array):  # no wait for the GPU: checked on the CPU only
        lo, hi = int(input.array.min()), int(input.array.max())
        if lo < 0 or hi >= n:
            bad = lo if lo < 0 else hi
            raise IndexOutOfRange(f"{op}: index {bad} is out of range for {n} embeddings "
                                  f"(indices must be in [0, {n - 1}])")
    return input


def check_padding_idx(op, padding_idx, n):
    """padding_idx counted from 0 (a negative one from the end), or None."""
    if padding_idx is None:
        return None
    if not -n <= padding_idx < n:
        raise IndexOutOfRange(f"{op}: padding_idx {padding_idx} is out of range for {n} embeddings")
    return padding_idx % n


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
              sparse=False):
    """Rows of ``weight`` picked by the integer tensor ``input``: output shape input.shape + (dim,).

    ``sparse`` is accepted for PyTorch's signature; minigrad's weight gradient is always a dense
    array (the same values PyTorch's sparse gradient holds).

    Function: ops/embedding.py Embedding.
    """
    if weight.ndim != 2:
        raise ShapeError("embedding: weight must be 2-D (num_embeddings, embedding_dim), "
                         f"got shape {tuple(weight.shape)}")
    n = weight.shape[0]
    input = check_indices("embedding", input, n)
    padding_idx = check_padding_idx("embedding", padding_idx, n)
    if max_norm is not None:
        if max_norm <= 0:
            raise ArgumentError(f"embedding: max_norm must be positive, got {max_norm}")
        renorm_rows_(weight, input.array, float(max_norm), norm_type)
    return Embedding.apply(weight, input, padding_idx=padding_idx, scale_grad_by_freq=bool(scale_grad_by_freq))


TENSOR_METHODS = {}
