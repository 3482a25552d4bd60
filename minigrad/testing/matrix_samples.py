"""Well-conditioned sample matrices for the linear-algebra entries of the registry.

Each is built from its factorization, so its condition number and spectrum are known:
random orthogonal factors (the Q of a QR of a normal draw) around chosen singular values or
eigenvalues. Gaps between those values keep svd and eigh away from repeated values, where
their gradients do not exist; values in [1, 3] keep inverses and solves well conditioned,
so float32 results stay close to float64 ones.
"""

import numpy as np


def orthogonal(rng, shape):
    """A batch of random orthogonal n x n matrices, shape (..., n, n)."""
    q, r = np.linalg.qr(rng.standard_normal(shape))
    return q * np.sign(np.diagonal(r, axis1=-2, axis2=-1))[..., None, :]


def spread(rng, batch, k, low=1.0, gap=0.5):
    """k values per batch entry, low, low + gap, ... each jittered by less than gap / 5, shuffled."""
    base = low + gap * np.arange(k) + rng.uniform(0.0, gap / 5, size=tuple(batch) + (k,))
    return rng.permuted(base, axis=-1) if k else base


def with_singular_values(rng, shape, low=1.0, gap=0.5):
    """A (..., m, n) matrix U diag(s) V^T with singular values low, low + gap, ... (distinct)."""
    *batch, m, n = shape
    k = min(m, n)
    u = orthogonal(rng, tuple(batch) + (m, m))[..., :k]
    v = orthogonal(rng, tuple(batch) + (n, n))[..., :k]
    s = spread(rng, batch, k, low, gap)
    return (u * s[..., None, :]) @ np.swapaxes(v, -1, -2)


def well_conditioned(rng, shape):
    """A square (..., n, n) matrix with singular values in [1, 3]: invertible, condition <= 3."""
    n = shape[-1]
    return with_singular_values(rng, shape, 1.0, 2.0 / max(n - 1, 1) * 0.8)


def symmetric(rng, shape, low=1.0, gap=0.5, signs=False):
    """A symmetric (..., n, n) matrix Q diag(w) Q^T with well separated eigenvalues w
    (positive definite unless ``signs``, which flips the sign of some of them)."""
    *batch, n = shape[:-1]
    q = orthogonal(rng, shape)
    w = spread(rng, batch, n, low, gap)
    if signs:
        w = w * np.where(np.arange(n) % 2 == 0, 1.0, -1.0)
    return (q * w[..., None, :]) @ np.swapaxes(q, -1, -2)
