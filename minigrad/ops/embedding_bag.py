"""EmbeddingBag: the sum, mean or max of the embeddings of each bag of indices, without
building the (bag, index, dim) tensor of their rows one bag at a time.

The bags come either as a 2-D input (B, L) (each row one bag of L indices) or as a flat
input (M,) with ``offsets`` (B,): bag b holds input[offsets[b]:offsets[b+1]] (the last bag runs
to the end, or to offsets[-1] with ``include_last_offset``). For bag b with rows
r_j = W[idx_j] (and optional per-sample weights s_j, mode 'sum' only):

    sum:  y_b = sum_j s_j r_j          mean: y_b = (1 / n_b) sum_j r_j
    max:  y_b[d] = max_j r_j[d]        (an empty bag gives zeros in every mode)

Entries equal to ``padding_idx`` are left out of their bag (and of n_b).

Composite: every element's bag number b_j comes from the offsets by one searchsorted; then

    rows = embedding(W, idx)                          (M, D), gradient: scatter-add into W
    sum  = scatter_add(rows * s, b, (B, D))           gradient: dL/drows_j = g[b_j] * s_j,
                                                                dL/ds_j = <g[b_j], r_j>
    mean = sum / n_b                                  (n_b a constant per bag)
    max  = rows[winner[b, d], d]                      gradient: g[b, d] to the winning row only

The winner of a (bag, dim) is the first position holding the maximum (found with
maximum.at, then minimum.at over positions): PyTorch's tie-break on the CPU. All of it is
vectorised over the bags; its double backward comes from the ops it is built of.
"""

from ..errors import ArgumentError, DTypeError, ShapeError
from ..tensor import Tensor
from .elementwise import constant
from .embedding import Embedding, check_indices, check_padding_idx, renorm_rows_
from .indexing import getitem, scatter_add

MODES = ("sum", "mean", "max")


def _bags(op, input, offsets, per_sample_weights, include_last_offset):
    """Flat indices (M,), every element's bag (M,), the number of bags B, whether an element
    counts (before its bag's end), and the flat per-sample weights."""
    xp = input.xp
    if input.ndim == 2:
        if offsets is not None:
            raise ArgumentError(f"{op}: if input is 2D, then offsets has to be None, as input is treated as a "
                                f"mini-batch of fixed length sequences (input shape {tuple(input.shape)})")
        b, length = input.shape
        seg = xp.repeat(xp.arange(b), length)
        if per_sample_weights is not None:
            per_sample_weights = per_sample_weights.reshape(-1)
        return input.array.reshape(-1), seg, b, xp.ones(b * length, dtype=bool), per_sample_weights
    if input.ndim != 1:
        raise ShapeError(f"{op}: input has to be 1D or 2D, got shape {tuple(input.shape)}")
    if offsets is None:
        raise ArgumentError(f"{op}: offsets has to be a 1D Tensor when input is 1D, but got None")
    offsets = offsets if isinstance(offsets, Tensor) else Tensor(offsets, dtype=getattr(offsets, "dtype", None))
    if offsets.ndim != 1 or offsets.dtype.kind not in "iu":
        raise ShapeError(f"{op}: offsets has to be a 1D integer tensor, got shape {tuple(offsets.shape)} and "
                         f"dtype {offsets.dtype}")
    off = offsets.array
    m = input.shape[0]
    if off.size == 0:
        raise ShapeError(f"{op}: offsets must hold at least one bag, got shape {tuple(offsets.shape)}")
    if int(off[0]) != 0:
        raise ShapeError(f"{op}: offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start "
                         f"from position 0. However, got {int(off[0])}")
    if int(off[-1]) > m:
        raise ShapeError(f"{op}: offsets[-1] can not be greater than input's length {m} but got offsets[-1] of "
                         f"{int(off[-1])}")
    if off.size > 1 and bool((off[1:] < off[:-1]).any()):
        raise ShapeError(f"{op}: offsets must be non-decreasing, got {off.tolist()}")
    starts = off[:-1] if include_last_offset else off
    end = int(off[-1]) if include_last_offset else m
    positions = xp.arange(m)
    seg = xp.searchsorted(starts, positions, side="right") - 1
    return input.array, seg, starts.shape[0], positions < end, per_sample_weights


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False, mode="mean",
                  sparse=False, per_sample_weights=None, include_last_offset=False, padding_idx=None):
    """(B, D): the sum, mean or max of each bag's embeddings (see the module docstring).

    ``sparse`` is accepted for PyTorch's signature; the weight gradient is a dense array.

    Function: ops/embedding.py Embedding.
    """
    op = "embedding_bag"
    if weight.ndim != 2:
        raise ShapeError(f"{op}: weight has to be a 2D Tensor (num_embeddings, embedding_dim), but got shape "
                         f"{tuple(weight.shape)}")
    if mode not in MODES:
        raise ArgumentError(f"{op}: mode has to be one of sum, mean or max, got {mode!r}")
    if scale_grad_by_freq and mode == "max":
        raise ArgumentError(f"{op}: max mode does not support scaling the gradient by the frequency")
    if per_sample_weights is not None:
        if mode != "sum":
            raise NotImplementedError(f"{op}: per_sample_weights is only supported for mode='sum' (got "
                                      f"mode={mode!r})")
        if per_sample_weights.dtype != weight.dtype:
            raise DTypeError(f"{op}: per_sample_weights has dtype {per_sample_weights.dtype}, expected the "
                             f"weight's {weight.dtype}")
        if tuple(per_sample_weights.shape) != tuple(input.shape):
            raise ShapeError(f"{op}: per_sample_weights of shape {tuple(per_sample_weights.shape)} must have the "
                             f"input's shape {tuple(input.shape)}")
    n, dim = weight.shape
    input = check_indices(op, input, n)
    padding_idx = check_padding_idx(op, padding_idx, n)
    idx, seg, bags, counts_in, psw = _bags(op, input, offsets, per_sample_weights, include_last_offset)
    xp = input.xp
    if padding_idx is not None:
        counts_in = counts_in & (idx != padding_idx)
    keep = xp.nonzero(counts_in)[0]  # the positions that belong to a bag
    idx, seg = idx[keep], seg[keep]
    if max_norm is not None:
        renorm_rows_(weight, idx, float(max_norm), norm_type)
    rows = Embedding.apply(weight, Tensor._make(idx), padding_idx=None, scale_grad_by_freq=bool(scale_grad_by_freq))
    sizes = xp.bincount(seg, minlength=bags)  # n_b
    if mode == "max" and idx.size:
        return _bag_max(rows, seg, bags, sizes)
    if psw is not None:
        rows = rows * getitem(psw, keep).reshape(-1, 1)
    total = scatter_add(rows, (seg,), (bags, dim))
    if mode == "mean":
        total = total * constant((1.0 / xp.maximum(sizes, 1)).astype(weight.dtype)[:, None])
    return total


def _bag_max(rows, seg, bags, sizes):
    """y[b, d] = rows[w, d] for the first position w of bag b holding the maximum of dim d."""
    xp = rows.xp
    values = rows.array
    m, dim = values.shape
    best = xp.full((bags, dim), -xp.inf, dtype=values.dtype)
    xp.maximum.at(best, seg, values)
    candidates = xp.where(values == best[seg], xp.arange(m)[:, None], m)
    winner = xp.full((bags, dim), m, dtype=candidates.dtype)
    xp.minimum.at(winner, seg, candidates)
    empty = sizes == 0
    winner[empty] = 0  # any row: the bag's output is multiplied by 0 below
    out = getitem(rows, (winner, xp.arange(dim)[None, :]))
    if empty.any():
        out = out * constant((~empty).astype(values.dtype)[:, None])
    return out


TENSOR_METHODS = {}
