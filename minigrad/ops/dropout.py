"""Dropout: zero random elements during training, scale the survivors.

    y = x * m / (1 - p),    m_i ~ Bernoulli(1 - p) drawn afresh at every call

Dividing by the keep probability (1 - p) keeps E[y] = x, so nothing needs rescaling at test
time, when dropout is the identity. ``dropout2d`` drops whole channels: one m per (n, c),
shared by every position of that feature map.

The mask is a constant, so y is a product of x with a constant and ``mul``'s own backward
gives dL/dx = g * m / (1 - p), to any order. No new Function is needed.
Random numbers come from ``backend.generator(device)``, seeded by ``manual_seed``.
"""

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
    """Zero each element with probability p and scale the rest by 1/(1-p); identity when not training."""
    _check_p(p, "dropout")
    if not training or p == 0.0:
        return x
    return _apply(x, _scaled_mask(x, x.shape, p), inplace)


def dropout2d(x, p=0.5, training=True, inplace=False):
    """Zero whole channels: x of shape (N, C, H, W) (or (N, C, L)) keeps or drops each x[n, c] as one."""
    _check_p(p, "dropout2d")
    if x.ndim not in (3, 4):
        raise ShapeError(f"dropout2d: expected a 3-D or 4-D input (N, C, ...), got shape {tuple(x.shape)}")
    if not training or p == 0.0:
        return x
    shape = tuple(x.shape[:2]) + (1,) * (x.ndim - 2)
    return _apply(x, _scaled_mask(x, shape, p), inplace)


TENSOR_METHODS = {}
