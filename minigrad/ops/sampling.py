"""Sampling indices from categorical distributions: multinomial.

Each row of ``input`` holds non-negative weights w_0 .. w_{n-1} (they need not sum to 1);
category i is drawn with probability w_i / sum(w). The result is int64 indices, not
differentiable. Every row is sampled at once, without a loop over rows:

- with replacement, by inverting the cumulative distribution: u uniform in [0, 1) picks the
  i with cdf[i-1] <= u < cdf[i]. All rows are searched in one searchsorted by giving row r
  the range [r, r + 1): its cdf becomes r + cdf_r and its draws r + u.
- without replacement, by the Gumbel-top-k trick: adding independent Gumbel noise
  -log(-log(u)) to log w and keeping the k largest gives the same distribution as drawing
  k times one after the other, each time renormalising over the categories left.
"""

import numpy as np

from ..errors import ArgumentRuntimeError, ShapeError
from ..tensor import Tensor


def multinomial(input, num_samples, replacement=False, *, generator=None):
    """``num_samples`` category indices per row of the 1-d or 2-d weights ``input``."""
    from ..random import stream_for

    if input.ndim not in (1, 2):
        raise ShapeError(f"multinomial: the probabilities must be 1-d or 2-d, got shape {tuple(input.shape)}")
    if input.dtype.kind != "f":
        raise ArgumentRuntimeError(f"multinomial: the probabilities must be floating point, got {input.dtype}")
    k = int(num_samples)
    w = input.array.reshape(1, -1) if input.ndim == 1 else input.array
    rows, n = w.shape
    xp = input.xp
    if k <= 0:
        raise ArgumentRuntimeError(f"multinomial: num_samples must be positive, got {k}")
    if n == 0:
        raise ShapeError("multinomial: the probabilities have no categories")
    if not bool(xp.isfinite(w).all()) or bool((w < 0).any()):
        raise ArgumentRuntimeError("multinomial: the probabilities contain inf, nan or an element < 0")
    positive = (w > 0).sum(axis=1)
    if bool((positive == 0).any()):
        raise ArgumentRuntimeError("multinomial: a row of probabilities sums to zero")
    if not replacement:
        if k > n:
            raise ShapeError(f"multinomial: cannot draw {k} samples without replacement from {n} categories")
        if bool((positive < k).any()):
            raise ArgumentRuntimeError(f"multinomial: cannot draw {k} samples without replacement from a row "
                                       "with fewer categories of non-zero probability")
    stream = stream_for(generator, input.device)
    w = w.astype(np.float64)
    if replacement:
        cdf = xp.cumsum(w, axis=1)
        cdf = cdf / cdf[:, -1:]
        offset = xp.arange(rows, dtype=np.float64)[:, None]
        u = stream.random((rows, k))
        picked = xp.searchsorted((cdf + offset).reshape(-1), (u + offset).reshape(-1), side="right")
        picked = picked.reshape(rows, k) - xp.arange(rows)[:, None] * n
        picked = xp.minimum(picked, n - 1)  # u within rounding of 1: the last category
    else:
        u = stream.random((rows, n))
        with np.errstate(divide="ignore"):
            keys = xp.log(w) - xp.log(-xp.log(xp.maximum(u, 1e-300)))
        picked = xp.argsort(-keys, axis=1, kind="stable")[:, :k]
    picked = picked.astype(np.int64)
    return Tensor._make(picked.reshape(-1) if input.ndim == 1 else picked)


TENSOR_METHODS = {"multinomial": multinomial}
