"""torch.linalg.solve_ex: solve without raising for a singular matrix, and say which ones are.

Notation: docs/notation.md.
"""

from collections import namedtuple

from ..errors import LinAlgError
from ..ops.elementwise import constant, where
from .checks import matrix_input
from .solve import solve

SolveExResult = namedtuple("linalg_solve_ex", ["result", "info"])


def solve_ex(A, B, *, left=True, check_errors=False):
    """(result, info) like torch.linalg.solve_ex: ``result`` is solve(A, B, left=left) (the same
    shapes, vectors and broadcasting), ``info`` (int32, A's batch shape) LAPACK's code of the LU
    factorization of each A: 0, or i when U[i-1, i-1] = 0 (A singular, its solution undefined:
    nan here). ``check_errors=True`` raises LinAlgError for a singular A instead.

    All systems are solved at once; only when one fails is the batch factored by getrf
    (linalg/lu.py) to find which ones, and solved again with identity matrices standing in for
    them (so the gradient of the others is the ordinary one; theirs is 0).
    """
    from ..tensor import Tensor
    from .lu import getrf

    op = "linalg.solve_ex"
    A = matrix_input(A, op, square=True)
    xp = A.xp
    try:
        return SolveExResult(solve(A, B, left=left), Tensor._make(xp.zeros(A.shape[:-2], dtype=xp.int32)))
    except LinAlgError:
        pass
    info = getrf(A.array)[2]
    singular = info != 0
    if check_errors:
        first = int(xp.argmax(singular.reshape(-1)))
        which = f"(Batch element {first}): " if A.ndim > 2 else ""
        raise LinAlgError(f"{op}: {which}The solver failed because the input matrix is singular.")
    mask = singular[..., None, None]
    X = solve(where(constant(mask), constant(xp.eye(A.shape[-1], dtype=A.dtype)), A), B, left=left)
    if X.ndim == A.ndim - 1:  # a vector right-hand side: X is (..., n)
        mask = singular[..., None]
    return SolveExResult(where(constant(mask), constant(xp.asarray(float("nan"), dtype=A.dtype)), X),
                         Tensor._make(info))
