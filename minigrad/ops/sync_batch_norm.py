"""Synchronized batch norm: BatchNorm's statistics taken over a batch split across processes.

Each of R processes (ranks) holds part of the batch. Rank r has n_r values per channel (its
batch x spatial size), their sum s_r and their squared spread about their own mean m_r = s_r / n_r,
M_r = sum (x - m_r)^2. Over the joined batch

    n   = sum_r n_r
    mu  = sum_r s_r / n
    var = sum_r (M_r + n_r (m_r - mu)^2) / n     (the parallel-variance formula: each part's
                                                  spread about its own mean, plus its mean's offset)

A rank with no rows (n_r = 0) adds nothing. Forward: the ranks all-gather (n_r, s_r, M_r) for
every channel, each combines them as above and normalizes its own rows with the shared mu and
var, so y is what BatchNorm over the joined batch gives for those rows (the formulas of
ops/normalization.py, which this reuses).

Backward. BatchNorm's input gradient, with dxhat = g * w,

    dL/dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)),

takes its two means over the joined batch: one all-reduce of the per-channel sums of dxhat and
of dxhat * xhat (2 C numbers), divided by n. Through mu and var every rank's x moves every
rank's y, and those sums bring the other ranks' share of that in. dL/dw = sum g * xhat and
dL/db = sum g stay this rank's own sums: DistributedDataParallel averages parameter gradients
over the ranks afterwards, as it does every other parameter's (so does PyTorch).

Its backward runs on arrays, between collectives: first derivatives only (create_graph=True
through it raises). The collectives go through a ``Ranks`` object; ``OneRank`` is a world of one
(gather and sum return their input), with which the registry checks these formulas in one
process against finite differences. Notation: docs/notation.md.
"""

import numpy as np  # shape arithmetic and float64 statistics of C numbers

from ..autograd.function import Function
from ..backend import get_array_module
from ..errors import ShapeError
from ..tensor import Tensor
from .normalization import _normalize_forward, check_batch_norm_args, per_channel_affine, update_running_stats


def _local_parts(x, axes):
    """(n_r, s_r, M_r) of this rank's x, per channel, as one float64 array (3, C)."""
    xp = get_array_module(x)
    c = x.shape[1]
    n = x.size // c  # (sync_batch_norm refuses zero channels)
    s = x.sum(axis=axes, dtype=xp.float64)
    m = s / n if n else xp.zeros_like(s)
    spread = x - m.reshape((1, c) + (1,) * (x.ndim - 2)).astype(x.dtype)
    return xp.stack([xp.full(c, n, dtype=xp.float64), s, (spread * spread).sum(axis=axes, dtype=xp.float64)])


class Ranks:
    """How SyncBatchNorm talks to the other ranks of ``group`` (None: the world)."""

    def __init__(self, group=None):
        self.group = group

    def gather(self, local):
        """Every rank's (3, C) statistics stacked, rank by rank: (R * 3, C)."""
        from ..distributed import all_gather_into_tensor, get_world_size

        out = Tensor._make(get_array_module(local).empty((get_world_size(self.group) * 3,) + local.shape[1:],
                                                         dtype=local.dtype))
        all_gather_into_tensor(out, Tensor._make(local), group=self.group)
        return out.array

    def sum(self, sums):
        """The elementwise sum of every rank's ``sums``."""
        from ..distributed import all_reduce

        total = Tensor._make(sums)
        all_reduce(total, group=self.group)
        return total.array


class OneRank:
    """A world of one rank: the statistics and sums are already the whole batch's."""

    def gather(self, local):
        return local

    def sum(self, sums):
        return sums


def global_stats(x, axes, ranks):
    """(mu, var, n): the mean and biased variance of every channel over all ranks' x, and the
    number of values per channel n (see the module docstring)."""
    xp = get_array_module(x)
    gathered = ranks.gather(_local_parts(x, axes))
    counts, sums, spreads = (gathered[k::3] for k in range(3))  # (R, C) each
    n = counts[:, 0].sum()
    mu = sums.sum(axis=0) / n
    rank_means = xp.where(counts > 0, sums / xp.maximum(counts, 1), mu)
    var = (spreads + counts * (rank_means - mu) ** 2).sum(axis=0) / n
    return mu, var, int(n)


class SyncBatchNorm(Function):
    """y = (x - mu) * rstd * w + b with mu and var of the joined batch (module docstring).

    Inputs (x, weight, bias); weight and bias shaped to broadcast against x (C, 1, ...);
    mu and var (shaped like them) and n come from ``global_stats``; ``ranks`` sums the backward's
    per-channel sums over the ranks.
    """

    supports_double_backward = False

    @staticmethod
    def forward(ctx, x, weight, bias, axes, eps, mu, var, n, ranks):
        ctx.n, ctx.ranks, ctx.bias_shape = n, ranks, None if bias is None else bias.shape
        return _normalize_forward(ctx, x, weight, bias, axes, eps, mu, var)

    @staticmethod
    def backward(ctx, g):
        x, w, mu, rstd = ctx.saved_arrays
        g, axes = g.array, ctx.axes
        xhat = (x - mu) * rstd
        gx = gw = gb = None
        if ctx.needs_input_grad[0]:
            dxhat = g * w if w is not None else g
            sums = get_array_module(x).concatenate(
                [dxhat.sum(axis=axes, keepdims=True), (dxhat * xhat).sum(axis=axes, keepdims=True)], axis=1)
            sums = ctx.ranks.sum(sums)  # over every rank's rows
            mean_d, mean_dx = (s / ctx.n for s in np.split(sums, 2, axis=1))
            gx = Tensor._make(rstd * (dxhat - mean_d - xhat * mean_dx))
        if ctx.needs_input_grad[1]:
            gw = Tensor._make((g * xhat).sum(axis=axes, keepdims=True).reshape(w.shape))
        if ctx.needs_input_grad[2]:
            gb = Tensor._make(g.sum(axis=axes, keepdims=True).reshape(ctx.bias_shape))
        return gx, gw, gb


def sync_batch_norm(input, running_mean, running_var, weight, bias, momentum, eps, ranks):
    """Batch norm in training with statistics over every rank's batch (module docstring); the
    running statistics, when given, are updated in place with them (the variance unbiased over
    all n values), the same on every rank. ``ranks``: a Ranks (or OneRank)."""
    check_batch_norm_args("sync_batch_norm", input, running_mean, running_var, weight, bias)
    if input.shape[1] == 0:
        raise ShapeError(f"sync_batch_norm: number of input channels should be non-zero, got input of shape "
                         f"{tuple(input.shape)}")
    axes, per_channel, w, b = per_channel_affine(input, weight, bias)
    mu, var, n = global_stats(input.array, axes, ranks)
    if n <= 1:
        raise ShapeError(f"SyncBatchNorm: expected more than 1 value per channel when training, got "
                         f"{n} over all ranks (input of shape {tuple(input.shape)} here)")
    update_running_stats(running_mean, running_var, mu, var, n, momentum)
    as_input = [a.reshape((1,) + per_channel).astype(input.dtype) for a in (mu, var)]
    return SyncBatchNorm.apply(input, w, b, axes=axes, eps=float(eps), mu=as_input[0], var=as_input[1], n=n,
                               ranks=ranks)
