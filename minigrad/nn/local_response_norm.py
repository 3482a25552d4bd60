"""LocalResponseNorm: AlexNet's normalization across neighbouring channels; CrossMapLRN2d,
the same idea as Lua Torch's SpatialCrossMapLRN computed it."""

from .. import creation
from ..errors import ArgumentError, DTypeError, ShapeError
from . import functional as F
from .module import Module


class LocalResponseNorm(Module):
    """y_c = x_c / (k + alpha / size * sum of x_c'**2 over the ``size`` channels around c) ** beta.

    Input (N, C, *), at least 3-D; no parameters. See ``F.local_response_norm``.

    Composition: F.local_response_norm (no Function of its own).
    """

    def __init__(self, size, alpha=1e-4, beta=0.75, k=1.0):
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, x):
        return F.local_response_norm(x, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self):
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"


class CrossMapLRN2d(Module):
    """PyTorch's CrossMapLRN2d, for (N, C, H, W) inputs:

        y_c = x_c * (k + alpha / size * sum_{j in window(c)} x_j**2) ** -beta

    Its window is not LocalResponseNorm's. With p = (size - 1) // 2 + 1, channel c sums the
    channels c - p + 1 .. c + p - 1 (2p - 1 of them: ``size`` for an odd size, one more for an
    even one), and, for every c >= p, channel 0 as well: PyTorch's running-sum loop never takes
    channel 0 back out. minigrad computes that same forward, so outputs match PyTorch's; its
    gradient is the exact derivative of that forward (PyTorch's hand-written backward is that of
    another window, so it fails gradcheck).

    Composition: of F.pad, slicing, mul, add, pow and arange (no Function of its own).
    """

    def __init__(self, size, alpha=1e-4, beta=0.75, k=1):
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, x):
        name = type(self).__name__
        if x.ndim != 4:
            raise ShapeError(f"{name}: Expected input to be 4D, got {x.ndim}D instead (shape {tuple(x.shape)})")
        if x.dtype.kind != "f":
            raise DTypeError(f"{name}: input must be a floating point tensor, got dtype {x.dtype}")
        if isinstance(self.size, bool) or not isinstance(self.size, int) or self.size < 1:
            raise ArgumentError(f"{name}: size must be a positive integer, got {self.size!r}")
        c, p = x.shape[1], (self.size - 1) // 2 + 1
        squares = x * x
        padded = F.pad(squares, (0, 0, 0, 0, p - 1, p - 1))  # zero channels on both sides
        total = padded[:, 0:c]
        for offset in range(1, 2 * p - 1):  # a loop over the window's offsets, not over elements
            total = total + padded[:, offset:offset + c]
        kept = (creation.arange(c, device=x.device) >= p).to(x.dtype).reshape(1, c, 1, 1)
        total = total + squares[:, 0:1] * kept  # channel 0, never taken out of PyTorch's running sum
        return x * (total * (self.alpha / self.size) + self.k) ** -self.beta

    def extra_repr(self):
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"
