"""Small differentiable building blocks the matrix functions share, all made of einsum,
transpose and constant masks (so every backward written with them can be differentiated
again)."""

from ..ops.einsum import einsum
from ..ops.elementwise import constant
from ..ops.shape import transpose


def mT(A):
    """A with its last two axes swapped: the transpose of every matrix of a batch."""
    return transpose(A, -2, -1)


def diagonal(A):
    """The main diagonals of a batch of square matrices: (..., n, n) -> (..., n)."""
    return einsum("...ii->...i", A)


def diag_embed(d):
    """Square matrices with ``d`` on the diagonal and zeros elsewhere: (..., n) -> (..., n, n)."""
    xp = d.xp
    return einsum("...i,ij->...ij", d, constant(xp.eye(d.shape[-1], dtype=d.dtype)))


def eye_like(A):
    """The identity of A's matrix size, dtype and device (a constant)."""
    return constant(A.xp.eye(A.shape[-1], dtype=A.dtype))


def tril(A, k=0):
    """A with the entries above diagonal k zeroed (a constant mask times A)."""
    xp = A.xp
    return A * constant(xp.tri(A.shape[-2], A.shape[-1], k, dtype=A.dtype))


def triu(A, k=0):
    """A with the entries below diagonal k zeroed."""
    xp = A.xp
    return A * constant(1 - xp.tri(A.shape[-2], A.shape[-1], k - 1, dtype=A.dtype))
