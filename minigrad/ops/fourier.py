"""Discrete Fourier transforms (minigrad.fft, PyTorch's torch.fft) as differentiable ops.

Along one axis of length n, with ω = e^{-2πi/n} (notation: docs/notation.md):

    fft:   Y_k = c Σ_j x_j ω^{jk}          ifft:  x_j = c' Σ_k Y_k ω^{-jk}

with the scale c = 1 and c' = 1/n for norm "backward" (the default), c = 1/n and c' = 1 for
"forward", c = c' = 1/√n for "ortho". Over several axes the transforms are applied one axis
after another. ``s`` (``n`` for one axis) crops or zero-pads the input along each axis first.

Backward (complex numbers as pairs of reals, see ops/complex_numbers.py: for a linear map
Y = A x, dL/dx = Aᴴ g). The DFT matrix F has Fᴴ = n F⁻¹, so the adjoint of each transform is
the opposite transform with the dual norm ("backward" <-> "forward", "ortho" itself):

    fft   (norm m):  dL/dx = ifft(g, norm=dual(m))     ifft (norm m): dL/dx = fft(g, norm=dual(m))

followed by the adjoint of the crop or pad (``Resize``: pad back or crop back to the input).

rfft (a real input, only the bins k = 0 .. n/2 of the last axis kept, the rest being their
conjugates): it is P F x with P the keeping of those bins, so Aᴴ g = Fᴴ Pᴴ g: the gradient
zero-padded to the full length n, the inverse transform with the dual norm, and its real part
(the input is real).

irfft (the half spectrum y of a real signal of length n in, x out): each y_k with
0 < k < n/2 stands for itself and for its conjugate at n - k, bins 0 and n/2 for themselves
(their imaginary parts are ignored). Differentiating x_j = c' Σ_k Y_k ω^{-jk} through both
appearances gives

    dL/dy_k = 2 · rfft(g, norm=dual(m))_k   for 0 < k < n/2,   rfft(g, norm=dual(m))_k at 0 and n/2

(the factor 2 along the last transformed axis only). Every backward is written with these
Functions again, so the transforms differentiate any number of times.
"""

import numpy as np

from ..autograd.function import Function
from ..backend import get_array_module
from .complex_numbers import real
from .elementwise import constant

DUAL_NORM = {"backward": "forward", "forward": "backward", "ortho": "ortho"}


def _transform(ctx, name, x, s, axes, norm, *more):
    """The array module's fft.<name> of x; ctx keeps the arguments and x's shape for backward."""
    ctx.attrs, ctx.shape = (s, axes, norm) + more, x.shape
    return getattr(get_array_module(x).fft, name)(x, s=s, axes=axes, norm=norm)


class FFTN(Function):
    """The complex transform (``inverse``: its inverse) over ``axes``, after resizing the
    input to ``s`` along them; see the module docstring."""

    complex_grad = True

    @staticmethod
    def forward(ctx, x, s, axes, norm, inverse):
        return _transform(ctx, "ifftn" if inverse else "fftn", x, s, axes, norm, inverse)

    @staticmethod
    def backward(ctx, g):
        s, axes, norm, inverse = ctx.attrs
        gx = FFTN.apply(g, s=None, axes=axes, norm=DUAL_NORM[norm], inverse=not inverse)
        return resize(gx, ctx.shape)


class RFFTN(Function):
    """The transform of a real input over ``axes`` (resized to ``s``), keeping the bins
    0 .. n/2 of the last axis; see the module docstring."""

    complex_grad = True

    @staticmethod
    def forward(ctx, x, s, axes, norm):
        return _transform(ctx, "rfftn", x, s, axes, norm)

    @staticmethod
    def backward(ctx, g):
        s, axes, norm = ctx.attrs
        full = list(g.shape)
        full[axes[-1]] = s[-1]  # the dropped conjugate bins: zeros
        gx = FFTN.apply(resize(g, tuple(full)), s=None, axes=axes, norm=DUAL_NORM[norm], inverse=True)
        return resize(real(gx), ctx.shape)


class IRFFTN(Function):
    """The real signal (lengths ``s`` along ``axes``) whose transform has the half spectrum
    y along the last axis; see the module docstring."""

    complex_grad = True

    @staticmethod
    def forward(ctx, y, s, axes, norm):
        return _transform(ctx, "irfftn", y, s, axes, norm)

    @staticmethod
    def backward(ctx, g):
        s, axes, norm = ctx.attrs
        n = s[-1]
        gy = RFFTN.apply(g, s=s, axes=axes, norm=DUAL_NORM[norm])
        twice = np.ones(n // 2 + 1, dtype=g.dtype)
        twice[1:(n + 1) // 2] = 2  # the bins that stand for their conjugates too
        shape = [1] * g.ndim
        shape[axes[-1]] = n // 2 + 1
        return resize(gy * constant(g.xp.asarray(twice.reshape(shape))), ctx.shape)


class Resize(Function):
    """z = x cropped or zero-padded at the end of each axis to ``shape`` (the leading
    corner kept). Its adjoint is the resize back: dL/dx = resize(g, x.shape)."""

    complex_grad = True

    @staticmethod
    def forward(ctx, x, shape):
        ctx.shape = x.shape
        out = get_array_module(x).zeros(shape, dtype=x.dtype)
        corner = tuple(slice(0, min(a, b)) for a, b in zip(x.shape, shape))
        out[corner] = x[corner]
        return out

    @staticmethod
    def backward(ctx, g):
        return resize(g, ctx.shape)


def resize(x, shape):
    shape = tuple(shape)
    return x if tuple(x.shape) == shape else Resize.apply(x, shape=shape)


TENSOR_METHODS = {}
