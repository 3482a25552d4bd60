"""torch.linalg.vander: the Vandermonde matrix of each vector of a batch, in increasing powers.

out[..., i, j] = x[..., i] ** j for j = 0 .. N - 1 (N defaults to x.shape[-1]).

A composition: the batch is flattened to one vector, handed to ``minigrad.vander`` (which
builds the powers as a cumulative product, so d out[i, j] / d x_i = j x_i ** (j - 1) comes
from autograd and stays finite at x = 0), and the batch shape is put back in front.
"""

from ..errors import ArgumentRuntimeError, DTypeRuntimeError, ShapeError
from ..ops.vander import vander as _vander
from ..tensor import Tensor


def vander(x, *, N=None):
    """torch.linalg.vander(x, *, N=None): (..., n) -> (..., n, N), column j holding x ** j."""
    op = "linalg.vander"
    if not isinstance(x, Tensor):
        raise ArgumentRuntimeError(f"{op}: expected a tensor, got {type(x).__name__}")
    if x.ndim == 0:
        raise ShapeError(f"{op}: x must have at least one dimension, got shape {tuple(x.shape)}")
    if x.dtype.kind == "b":
        raise DTypeRuntimeError(f"{op} supports floating point, complex, and integer tensors, but got {x.dtype}")
    n = x.shape[-1] if N is None else N
    if n <= 1:  # PyTorch's rule: a Vandermonde matrix here has at least the columns 1 and x
        raise ArgumentRuntimeError(f"{op}: N must be greater than 1, got N={n} (x of shape {tuple(x.shape)})")
    return _vander(x.reshape(-1), n, increasing=True).reshape(*x.shape, n)
