"""Padding: grow a tensor along its dimensions (or crop, with negative widths), as F.pad does.

'constant' surrounds x with a value: the Pad Function, whose backward is the middle block
of g. The other modes ('reflect', 'replicate', 'circular') add copies of x's own elements:
they gather with one integer index array per padded dimension through getitem, whose
backward scatter-adds each copy's gradient back to its source. No new Function is needed.

Notation: docs/notation.md.
"""

import math

import numpy as np

from ..autograd.function import Function
from ..errors import DTypeError, ShapeError, UnknownMode
from .shape import _xp


class Pad(Function):
    """z = x surrounded by ``value``: widths[d] = (before, after) new entries along dim d.

    x sits in the middle block of z unchanged, the padding does not depend on x, so dL/dx
    is the middle block of g (a slice of g, itself differentiable).
    """

    @staticmethod
    def forward(ctx, x, widths, value):
        ctx.middle = tuple(slice(b, b + n) for (b, _), n in zip(widths, x.shape))
        return _xp(x).pad(x, widths, mode="constant", constant_values=value)

    @staticmethod
    def backward(ctx, g):
        from .indexing import getitem

        return getitem(g, ctx.middle)


# ---- the function users call ------------------------------------------------------------------
_PAD_MODES = ("constant", "reflect", "replicate", "circular")


def pad(x, pad, mode="constant", value=0):
    """Pad ``x`` like torch.nn.functional.pad.

    ``pad`` = (left, right) for the last dimension, then (left, right) for the one before, and so
    on: (1, 1, 2, 0) pads the last dim by 1 on each side and the second-to-last by 2 before.
    Modes: 'constant' (fill with ``value``), 'reflect' (mirror without repeating the edge),
    'replicate' (repeat the edge), 'circular' (wrap around); in every mode a negative width
    crops, as in PyTorch. An unknown mode raises NotImplementedError (UnknownMode). Unlike
    PyTorch, the non-constant modes work on any dimensions, not only the last one to three.

    Function: ops/padding.py Pad for constant padding; reflect, replicate and circular padding gather by
    index (ops/indexing.py GetItem).
    """
    pad = tuple(int(p) for p in pad)
    if len(pad) % 2 or len(pad) // 2 > x.ndim:
        raise ShapeError(f"pad: the padding {pad} must have an even length of at most 2 * {x.ndim} "
                         f"(two entries per dimension of shape {tuple(x.shape)})")
    if mode not in _PAD_MODES:
        raise UnknownMode(f"pad: mode must be one of {_PAD_MODES}, got {mode!r}")
    widths = [(0, 0)] * x.ndim
    for i in range(len(pad) // 2):  # pairs start from the last dimension
        widths[x.ndim - 1 - i] = (pad[2 * i], pad[2 * i + 1])
    if mode == "constant":
        return _pad_constant(x, widths, value)
    return _pad_by_index(x, widths, mode)


def _pad_constant(x, widths, value):
    from .indexing import getitem

    if any(b < 0 or a < 0 for b, a in widths):  # negative padding crops first
        crop = tuple(slice(-min(b, 0), n + min(a, 0)) for (b, a), n in zip(widths, x.shape))
        if any(s.start > s.stop for s in crop):
            raise ShapeError(f"pad: the negative padding {widths} crops more than shape {tuple(x.shape)} holds")
        x = getitem(x, crop)
        widths = [(max(b, 0), max(a, 0)) for b, a in widths]
    if all(b == 0 and a == 0 for b, a in widths):
        return x
    if x.dtype.kind != "f" and not math.isfinite(value):
        raise DTypeError(f"pad: the value {value!r} cannot be stored in a tensor of dtype {x.dtype}")
    fill = value if x.dtype.kind == "f" else int(value)
    return Pad.apply(x, widths=tuple(widths), value=fill)


def _pad_by_index(x, widths, mode):
    """Non-constant modes gather existing elements: one integer index array per padded dim,
    through getitem, whose backward scatter-adds the gradient of each copy back to its source.

    A negative width crops, as in PyTorch: the positions -before .. n + after - 1 are mapped
    back into the input the same way ('reflect', 'replicate'), except that 'circular' wraps
    around what is left after cropping."""
    from .indexing import getitem

    for d, (before, after) in enumerate(widths):
        if before == 0 and after == 0:
            continue
        n = x.shape[d]
        if n + min(before, 0) + min(after, 0) < 0 or n + before + after < 0:
            raise ShapeError(f"pad: the negative padding {widths[d]} crops more than dimension {d} holds "
                             f"(shape {tuple(x.shape)})")
        if mode == "circular" and (before < 0 or after < 0):  # crop first, then wrap what is left
            x = getitem(x, (slice(None),) * d + (slice(-min(before, 0), n + min(after, 0)),))
            n, before, after = x.shape[d], max(before, 0), max(after, 0)
            if before == 0 and after == 0:
                continue
        elif n + before + after <= 0:
            raise ShapeError(f"pad: in {mode!r} mode the padding {widths[d]} leaves nothing of dimension {d} "
                             f"(shape {tuple(x.shape)})")
        if n == 0 or (mode == "reflect" and max(before, after) >= n) or (mode == "circular" and max(before, after) > n):
            limit = "smaller than" if mode == "reflect" else "at most"
            raise ShapeError(f"pad: in {mode!r} mode the padding {widths[d]} of dimension {d} must be {limit} "
                             f"its size {n} (shape {tuple(x.shape)})")
        i = np.arange(-before, n + after)
        if mode == "replicate":
            i = np.clip(i, 0, n - 1)
        elif mode == "circular":
            i = i % n
        else:  # reflect: ... 2 1 | 0 1 2 ... n-1 | n-2 n-3 ...
            i = np.abs(i)
            i = np.where(i > n - 1, 2 * (n - 1) - i, i)
        x = getitem(x, (slice(None),) * d + (x.xp.asarray(i),))
    return x


TENSOR_METHODS = {}
