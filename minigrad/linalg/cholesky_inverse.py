"""torch.cholesky_inverse: A^-1 from the Cholesky factor of A.

Notation: docs/notation.md.
"""

from ..errors import LinAlgError
from ..ops.elementwise import constant
from ..ops.linalg import matmul
from .checks import matrix_input
from .matrices import eye_like, mT
from .solve import solve


def cholesky_inverse(L, upper=False):
    """(L L^T)^-1 for a lower-triangular L, or (U^T U)^-1 for an upper-triangular U with
    ``upper=True``, like torch.cholesky_inverse: the inverse of A from its Cholesky factor
    (of shape (..., n, n)).

        A^-1 = (L L^T)^-1 = L^-T L^-1        A^-1 = (U^T U)^-1 = U^-1 U^-T

    with L^-1 (U^-1) from one solve against the identity. A composition, so its gradient comes
    from solve and matmul. Only the factor's triangle is read (the other one is taken to be
    zeros, as LAPACK's potri does); the gradient is PyTorch's, that of (L L^T)^-1 as a function
    of the whole matrix L, so the entries of the other triangle get a gradient too. (The
    triangle is taken as L minus a constant: the same values, the whole matrix's derivative.)
    A zero on the diagonal (a singular factor) raises LinAlgError.
    """
    op = "cholesky_inverse"
    L = matrix_input(L, op, square=True)
    xp = L.xp
    if bool((xp.diagonal(L.array, axis1=-2, axis2=-1) == 0).any()):
        raise LinAlgError(f"{op}: the factor (shape {tuple(L.shape)}) has a zero on its diagonal: it is singular")
    other = xp.tril(L.array, -1) if upper else xp.triu(L.array, 1)  # the triangle that is not read
    T = L - constant(other)
    T_inv = solve(T, eye_like(T).expand(*T.shape))
    return matmul(T_inv, mT(T_inv)) if upper else matmul(mT(T_inv), T_inv)
