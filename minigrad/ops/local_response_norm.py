"""Local response normalization (AlexNet): each channel divided by the energy of its neighbours.

For x of shape (N, C, *) and a window of ``size`` channels around channel c (from c - size//2
to c + (size-1)//2, channels outside [0, C) counting as 0):

    y_c = x_c / (k + alpha / size * sum_{c' in window(c)} x_c'**2) ** beta

Composite: the window sum is ``size`` shifted slices of the channel-padded squares added
together (a loop over the few window offsets, never over elements), then elementwise ops, so
the gradient, and its gradient, come from autograd. Every x_c' appears in the denominators of
the channels whose window holds it, and the chain rule through the sum carries that.
"""

from ..errors import ArgumentError, DTypeError, ShapeError
from .indexing import getitem
from .padding import pad


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    """y = x / (k + alpha * mean of x**2 over a window of ``size`` channels) ** beta.

    Composition: F.pad (no Function of its own).
    """
    op = "local_response_norm"
    if input.dtype.kind != "f":
        raise DTypeError(f"{op}: input must be a floating point tensor, got dtype {input.dtype}")
    if input.ndim < 3:
        raise ShapeError(f"{op}: expected 3D or higher dimensionality input (N, C, *), got {input.ndim} "
                         f"dimensions (shape {tuple(input.shape)})")
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise ArgumentError(f"{op}: size must be a positive integer, got {size!r}")
    if input.array.size == 0:
        return input
    c = input.shape[1]
    widths = (0, 0) * (input.ndim - 2) + (size // 2, (size - 1) // 2)  # pad the channel axis only
    squares = pad(input * input, widths)
    lead = (slice(None),)
    total = getitem(squares, lead + (slice(0, c),))
    for offset in range(1, size):
        total = total + getitem(squares, lead + (slice(offset, offset + c),))
    return input / (total * (alpha / size) + k) ** beta


TENSOR_METHODS = {}
