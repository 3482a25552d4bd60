"""torch.triangular_solve: the older name of a triangular solve, still used by older code.

Notation: docs/notation.md.
"""

from collections import namedtuple

from ..errors import ArgumentTypeError, DTypeRuntimeError, ShapeError
from ..ops.elementwise import check_broadcast, clone
from ..ops.shape import broadcast_to
from .checks import matrix_input
from .matrices import mT
from .solve import solve_triangular

TriangularSolveResult = namedtuple("triangular_solve", ["solution", "cloned_coefficient"])


def triangular_solve(b, A, upper=True, transpose=False, unitriangular=False):
    """(solution, cloned_coefficient) like torch.triangular_solve (deprecated there, and here,
    with a warning): X with T X = b, or T^T X = b when ``transpose``, for T the upper
    (``upper=True``, the default) or lower triangle of A; with ``unitriangular`` T's diagonal is
    taken to be all ones. A is (..., n, n), b (..., n, k), and the batch axes broadcast.
    ``cloned_coefficient`` is a copy of A (of the broadcast batch shape), as PyTorch returns it.

    A composition: T^T X = b is a triangular solve with T^T, whose triangle is the other one,
    so both cases are linalg.solve_triangular (whose gradient reaches T's triangle only, as in
    PyTorch); the copy is clone (its gradient reaches all of A).
    """
    import warnings

    from ..tensor import Tensor

    op = "triangular_solve"
    warnings.warn("torch.triangular_solve is deprecated in favor of torch.linalg.solve_triangular and will be "
                  "removed in a future PyTorch release. torch.linalg.solve_triangular has its arguments reversed "
                  "and does not return a copy of one of the inputs: X = torch.linalg.solve_triangular(A, B)",
                  UserWarning, stacklevel=2)
    A = matrix_input(A, op, square=True)
    if not isinstance(b, Tensor):
        raise ArgumentTypeError(f"{op}: b must be a tensor, got {type(b).__name__}")
    if b.ndim < 2:
        raise ShapeError(f"{op}: expected b to have at least 2 dimensions, but it has shape {tuple(b.shape)}")
    if b.dtype != A.dtype:
        raise DTypeRuntimeError(f"{op}: expected b and A to have the same dtype, but got b of dtype {b.dtype} and "
                                f"A of dtype {A.dtype}")
    n = A.shape[-1]
    if b.shape[-2] != n:
        raise ShapeError(f"{op}: incompatible shapes of A and b: A is {tuple(A.shape)}, b is {tuple(b.shape)} "
                         f"({n} != {b.shape[-2]})")
    batch = tuple(check_broadcast(op + " (batch dimensions)", A.shape[:-2], b.shape[:-2]))
    T = mT(A) if transpose else A
    X = solve_triangular(T, b, upper=upper != transpose, unitriangular=unitriangular)
    return TriangularSolveResult(X, clone(broadcast_to(A, *(batch + (n, n)))))
