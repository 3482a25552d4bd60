"""torch.vander: the Vandermonde matrix of a 1-d tensor.

out[i, j] = x_i ** (N - 1 - j) (or x_i ** j when ``increasing``). Composed of differentiable ops:
the powers are a cumulative product of copies of x (x, x*x, ...) after a column of ones, so the
gradient is autograd's (d out[i, j] / d x_i = p x_i ** (p - 1), with p the column's power) and
stays finite at x = 0, where x ** 0's gradient through pow would be 0 * inf.
"""

from ..errors import ArgumentRuntimeError, ShapeError
from .scan import cumprod
from .shape import cat


def vander(x, N=None, increasing=False):
    """torch.vander(x, N=None, increasing=False): N columns of powers of x, highest first by default."""
    if x.ndim != 1:
        raise ShapeError(f"vander: x must be a 1-d tensor, got shape {tuple(x.shape)}")
    n = x.shape[0] if N is None else N
    if n < 0:
        raise ArgumentRuntimeError(f"vander: N must be non-negative, got {N}")
    if x.dtype.kind in "biu":
        x = x.long()  # integer (and bool) inputs give int64, as in PyTorch
    column = x.reshape(-1, 1)
    ones = column * 0 + 1
    if n <= 1:
        return ones.narrow(1, 0, n)
    powers = cat([ones, cumprod(column.expand(x.shape[0], n - 1), 1)], 1)
    return powers if increasing else powers.flip(1)
