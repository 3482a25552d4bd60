"""Using an LU factorization: unpack it into P, L, U, and solve A X = B with it.

    lu_unpack(LU, pivots)         (P, L, U) of lu_factor's packed result, torch.lu_unpack
    lu_solve(LU, pivots, B)       X with A X = B (or X A = B, A^T X = B, X A^T = B), linalg.lu_solve
    legacy_lu_solve(b, LU, piv)   torch.lu_solve / Tensor.lu_solve, the older argument order

With A = P L U, A X = B is P^T B = L U X: two triangular solves, L Y = P^T B and U X = Y.
Both functions are compositions (masks, matmul with the constant P, solve_triangular), so
gradients reach B and the packed LU (its strict lower part through L, its upper part through
U); through lu_factor they reach A. A permutation has no gradient: pivots are integers.

Notation: docs/notation.md.
"""

from collections import namedtuple

from ..errors import ArgumentTypeError, DTypeRuntimeError, IndexRuntimeError, ShapeError
from ..ops.elementwise import check_broadcast, constant
from ..ops.linalg import matmul
from .checks import matrix_input
from .lu import permutation_from_pivots, unpack_factors
from .matrices import mT
from .solve import solve_triangular

LUUnpackResult = namedtuple("lu_unpack", ["P", "L", "U"])


def _check_pivots(op, pivots, LU, batch_rule):
    """pivots must be an int32 tensor of shape LU.shape[:-2] + (k,), entries in 1 .. m."""
    from ..tensor import Tensor

    if not isinstance(pivots, Tensor):
        raise ArgumentTypeError(f"{op}: pivots must be a tensor (as lu_factor returns it), got {type(pivots).__name__}")
    if pivots.dtype != "int32":
        raise DTypeRuntimeError(f"{op}: pivots should be a tensor of dtype int32 (as lu_factor returns it), got "
                                f"{pivots.dtype}")
    m, n = LU.shape[-2:]
    want = tuple(LU.shape[:-2]) + (min(m, n),)
    if tuple(pivots.shape) != want:
        raise ShapeError(f"{op}: expected pivots of shape {want} for LU of shape {tuple(LU.shape)} ({batch_rule}), "
                         f"got {tuple(pivots.shape)}")
    if pivots.numel() and bool(((pivots.array < 1) | (pivots.array > m)).any()):
        raise IndexRuntimeError(f"{op}: pivots must all be between 1 and LU.size(-2) = {m}; did you pass the "
                                "result of lu_factor?")


def lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True):
    """(P, L, U) from lu_factor's (LU, pivots), like torch.lu_unpack: for LU (..., m, n) and
    k = min(m, n), P is (..., m, m), L (..., m, k) with a unit diagonal, U (..., k, n), and
    A = P L U. ``unpack_data=False`` returns L and U empty, ``unpack_pivots=False`` P empty.

    L and U are masks of LU (differentiable: L's gradient lands on LU's strict lower part, U's
    on its upper part); P is a constant.
    """
    op = "lu_unpack"
    LU = matrix_input(LU_data, op)
    _check_pivots(op, LU_pivots, LU, "one pivot per column of the square part")
    empty = constant(LU.xp.zeros((0,), dtype=LU.dtype))
    L, U = unpack_factors(LU) if unpack_data else (empty, empty)
    P = constant(permutation_from_pivots(LU_pivots.array, LU.shape[-2], LU.dtype)) if unpack_pivots else empty
    return LUUnpackResult(P, L, U)


def lu_solve(LU, pivots, B, *, left=True, adjoint=False):
    """X from lu_factor's (LU, pivots) of A, like torch.linalg.lu_solve:

        left=True:   A X = B     (adjoint: A^T X = B)      B is (..., n, k)
        left=False:  X A = B     (adjoint: X A^T = B)      B is (..., k, n)

    LU is (..., n, n), pivots (..., n) int32, batch axes of LU and B broadcast.

    With A = P L U:
        A X = B     ->  L Y = P^T B,  U X = Y
        A^T X = B   ->  U^T Y = B,    L^T Z = Y,  X = P Z     (A^T = U^T L^T P^T)
    and X A = B is A^T X^T = B^T, the adjoint problem for B^T (X A^T = B likewise).
    """
    from ..tensor import Tensor

    op = "linalg.lu_solve"
    LU = matrix_input(LU, op, square=True)
    _check_pivots(op, pivots, LU, "LU.shape[:-1]")
    if not isinstance(B, Tensor):
        raise ArgumentTypeError(f"{op}: B must be a tensor, got {type(B).__name__}")
    if B.ndim < 2:
        raise ShapeError(f"{op}: the input tensor B must have at least 2 dimensions, got shape {tuple(B.shape)}")
    if B.dtype != LU.dtype:
        raise DTypeRuntimeError(f"{op}: expected LU and B to have the same dtype, but found LU of dtype {LU.dtype} "
                                f"and B of dtype {B.dtype}")
    n = LU.shape[-1]
    if (B.shape[-2] if left else B.shape[-1]) != n:
        equation = "AX = B" if left else "XA = B"
        raise ShapeError(f"{op}: incompatible shapes of A and B for the equation {equation}: LU is "
                         f"{tuple(LU.shape)}, B is {tuple(B.shape)}")
    check_broadcast(op + " (batch dimensions)", LU.shape[:-2], B.shape[:-2])
    P = constant(permutation_from_pivots(pivots.array, n, LU.dtype))
    L, U = unpack_factors(LU)
    if left:
        return _solve_left(P, L, U, B, adjoint)
    return mT(_solve_left(P, L, U, mT(B), not adjoint))


def _solve_left(P, L, U, B, adjoint):
    if not adjoint:
        Y = solve_triangular(L, matmul(mT(P), B), upper=False, unitriangular=True)
        return solve_triangular(U, Y, upper=True)
    Y = solve_triangular(mT(U), B, upper=False)
    return matmul(P, solve_triangular(mT(L), Y, upper=True, unitriangular=True))


def legacy_lu_solve(b, LU_data, LU_pivots):
    """torch.lu_solve(b, LU_data, LU_pivots) / Tensor.lu_solve (deprecated there): lu_solve with
    its arguments in the older order, A X = b."""
    import warnings

    warnings.warn("torch.lu_solve is deprecated in favor of torch.linalg.lu_solve and will be removed in a "
                  "future PyTorch release. Note that torch.linalg.lu_solve has its arguments reversed: "
                  "X = torch.linalg.lu_solve(LU, pivots, B)", UserWarning, stacklevel=2)
    return lu_solve(LU_data, LU_pivots, b)
