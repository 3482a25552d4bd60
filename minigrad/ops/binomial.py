"""Sampling from binomial distributions: torch.binomial(count, prob).

Each element is k ~ Binomial(n, p), the number of successes in n independent trials that
each succeed with probability p:

    P(k) = C(n, k) p^k (1 - p)^(n - k),   k = 0 .. n;     E[k] = n p,   Var[k] = n p (1 - p)

with n from ``count`` and p from ``prob`` (broadcast against each other). The draws come
from the device's random stream (or ``generator``'s), seeded by ``manual_seed``, so they
differ from PyTorch's for the same seed. Not differentiable: the result is counts.
"""

from .. import backend
from ..errors import ArgumentError, ArgumentRuntimeError, ArgumentTypeError, DTypeRuntimeError, ShapeError
from ..tensor import Tensor


def binomial(count, prob, generator=None):
    """Binomial(count, prob) draws, elementwise, in count's (floating) dtype.

    Stricter than PyTorch, which returns numbers for them: a count that is negative or not a
    whole number, or a prob outside [0, 1] (NaN included), is an error here.
    """
    from ..random import stream_for

    op = "binomial"
    for name, t in (("count", count), ("prob", prob)):
        if not isinstance(t, Tensor):
            raise ArgumentTypeError(f"{op}: {name} must be a Tensor, got {type(t).__name__}")
    if count.dtype.kind != "f":  # (PyTorch raises ValueError here, and RuntimeError for two dtypes)
        raise ArgumentError(f"{op}: only floating point dtypes are supported for count, got {count.dtype}")
    if prob.dtype != count.dtype:
        raise DTypeRuntimeError(f"{op}: prob has dtype {prob.dtype} but count has dtype {count.dtype}; they must match")
    xp, n, p = count.xp, count.array, prob.array
    try:
        shape = xp.broadcast_shapes(n.shape, p.shape)
    except ValueError:
        raise ShapeError(f"{op}: count of shape {tuple(n.shape)} and prob of shape {tuple(p.shape)} do not "
                         "broadcast") from None
    if not bool(xp.all((n >= 0) & (n == xp.floor(n)) & xp.isfinite(n))):
        raise ArgumentRuntimeError(f"{op}: count must hold non-negative whole numbers")
    if not bool(xp.all((p >= 0) & (p <= 1))):  # (False for NaN too)
        raise ArgumentRuntimeError(f"{op}: prob must lie in [0, 1]")
    stream = stream_for(generator, count.device)
    with backend.on_device(count.device):
        draws = stream.binomial(n.astype(xp.int64), p.astype(xp.float64), size=shape)
    return Tensor._make(draws.astype(count.dtype))
