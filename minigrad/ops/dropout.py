"""Dropout: zero random elements during training, scale the survivors.

    y = x * m / (1 - p),    m_i ~ Bernoulli(1 - p) drawn afresh at every call

Dividing by the keep probability (1 - p) keeps E[y] = x, so nothing needs rescaling at test
time, when dropout is the identity. ``dropout2d`` drops whole channels: one m per (n, c),
shared by every position of that feature map.

The mask is a constant, so y is a product of x with a constant and ``mul``'s own backward
gives dL/dx = g * m / (1 - p), to any order. No new Function is needed (notation:
docs/notation.md). Random numbers come from ``backend.generator(device)``, seeded by ``manual_seed``.
"""

import warnings

from .. import backend
from ..errors import ArgumentError, ShapeError
from .elementwise import constant, mul


def _check_p(p, op):
    if not 0.0 <= p <= 1.0:
        raise ArgumentError(f"{op}: dropout probability has to be between 0 and 1, but got {p}")


def _scaled_mask(x, shape, p):
    """A constant of ``shape``: 0 with probability p, 1 / (1 - p) otherwise, in x's dtype."""
    gen = backend.generator(x.device)
    draw_dtype = x.dtype if x.dtype.name in ("float32", "float64") else "float32"
    keep = gen.random(shape, dtype=draw_dtype) >= p
    if p == 1.0:  # everything is dropped; avoid dividing by zero
        return constant(x.xp.zeros(shape, dtype=x.dtype))
    return constant(keep.astype(x.dtype) * (1.0 / (1.0 - p)))


def _apply(x, mask, inplace):
    if inplace:
        return x.mul_(mask)
    return mul(x, mask)


def dropout(x, p=0.5, training=True, inplace=False):
    """Zero each element with probability p and scale the rest by 1/(1-p); identity when not training.

    Composition: x * mask, the mask a constant of 0 and 1/(1-p) (no Function of its own: the backward is
    ops/elementwise.py Mul).
    """
    _check_p(p, "dropout")
    if not training or p == 0.0:
        return x
    return _apply(x, _scaled_mask(x, x.shape, p), inplace)


def dropout2d(x, p=0.5, training=True, inplace=False):
    """Zero whole channels: x of shape (N, C, H, W) (or (N, C, L)) keeps or drops each x[n, c] as one.

    As in PyTorch, axis 0 is the batch and axis 1 the channels whatever the rank: a 3-D input
    is read as (N, C, L), not as an unbatched (C, H, W), and other ranks (a 2-D (N, C) input
    drops single elements) warn that they are deprecated but still run.

    Composition: x * mask, the mask a constant of 0 and 1/(1-p) (no Function of its own: the backward is
    ops/elementwise.py Mul).
    """
    _check_p(p, "dropout2d")
    _warn_rank(x, (3, 4), "dropout2d")
    return _feature_dropout(x, p, training, inplace, batched=True, op="dropout2d")


def _warn_rank(x, ranks, op):
    if x.ndim not in ranks:
        warnings.warn(f"{op}: Received a {x.ndim}-D input to {op}, which is deprecated and will result in an "
                      f"error in a future release; {op} expects {ranks[0]}-D or {ranks[1]}-D input (channel-wise "
                      "dropout). To retain the behavior and silence this warning, use dropout instead.", stacklevel=3)


def _feature_dropout(x, p, training, inplace, batched, op):
    """One draw per (n, c) of x (N, C, *spatial) when ``batched``, else per c of x (C, *spatial)."""
    lead = 2 if batched else 1
    if x.ndim < lead:
        raise ShapeError(f"{op}: feature dropout needs at least {lead} dimensions, got shape {tuple(x.shape)}")
    if not training or p == 0.0:
        return x
    shape = tuple(x.shape[:lead]) + (1,) * (x.ndim - lead)
    return _apply(x, _scaled_mask(x, shape, p), inplace)


def dropout1d(x, p=0.5, training=True, inplace=False):
    """Zero whole channels of (N, C, L) (or (C, L)) input: one kept-or-dropped decision per channel.

    Composition: x * mask, the mask a constant of 0 and 1/(1-p) (no Function of its own: the backward is
    ops/elementwise.py Mul).
    """
    _check_p(p, "dropout1d")
    if x.ndim not in (2, 3):  # (PyTorch refuses other ranks here, where dropout2d and 3d only warn)
        raise ShapeError(f"dropout1d: expected a 2-D (unbatched) or 3-D input, got shape {tuple(x.shape)}")
    return _feature_dropout(x, p, training, inplace, batched=x.ndim == 3, op="dropout1d")


def dropout3d(x, p=0.5, training=True, inplace=False):
    """Zero whole channels of (N, C, D, H, W) (or (C, D, H, W)) input.

    As in PyTorch, any rank but 5 is taken as unbatched (axis 0 the channels), other ranks
    than 4 and 5 with a deprecation warning.

    Composition: x * mask, the mask a constant of 0 and 1/(1-p) (no Function of its own: the backward is
    ops/elementwise.py Mul).
    """
    _check_p(p, "dropout3d")
    _warn_rank(x, (4, 5), "dropout3d")
    return _feature_dropout(x, p, training, inplace, batched=x.ndim == 5, op="dropout3d")


# SELU's fixed point (Klambauer et al., 2017): the values alpha dropout keeps self-normalising
_SELU_ALPHA, _SELU_SCALE = 1.6732632423543772, 1.0507009873554805


def _alpha_dropout(x, p, training, shape, op):
    """Dropped units are set to SELU's negative saturation α' = -scale·α instead of 0, then an
    affine map a·y + b restores mean 0 and variance 1:
        a = ((1 - p)(1 + p α'²))^(-1/2),   b = -a α' p.
    A composition: y = a (x m + α' (1 - m)) + b, so dL/dx = g a m."""
    _check_p(p, op)
    if not training or p == 0.0:
        return x
    if p == 1.0:
        return x * 0.0
    alpha = -_SELU_ALPHA * _SELU_SCALE
    a = ((1 - p) * (1 + p * alpha ** 2)) ** -0.5
    b = -a * alpha * p
    gen = backend.generator(x.device)
    keep = (gen.random(shape) >= p).astype(x.dtype)
    m = constant(x.xp.asarray(keep))
    return (x * m + constant(x.xp.asarray((1 - keep) * alpha, dtype=x.dtype))) * a + b


def alpha_dropout(x, p=0.5, training=False, inplace=False):
    """Dropout for SELU networks: keeps inputs of mean 0 and variance 1 at mean 0 and variance 1.

    Composition: of mul and add with a constant random mask (no Function of its own: the backward is
    ops/elementwise.py Mul).
    """
    return _alpha_dropout(x, p, training, tuple(x.shape), "alpha_dropout")


def feature_alpha_dropout(x, p=0.5, training=False, inplace=False):
    """alpha_dropout of whole channels of (N, C, *) input.

    Composition: of mul and add with a constant random mask (no Function of its own: the backward is
    ops/elementwise.py Mul).
    """
    shape = tuple(x.shape[:2]) + (1,) * (x.ndim - 2)
    return _alpha_dropout(x, p, training, shape, "feature_alpha_dropout")


TENSOR_METHODS = {}
