"""The LU factorization with partial pivoting, A = P L U, and its adjoint.

For A of shape (..., m, n) and k = min(m, n): P is an m x m permutation matrix, L is m x k,
lower triangular with ones on its diagonal, U is k x n, upper triangular.

    lu_factor(A)      (LU, pivots): L and U packed in one m x n matrix (L's unit diagonal is
                      not stored), and the row swaps as LAPACK's getrf gives them
    lu_factor_ex(A)   (LU, pivots, info), without raising for a singular A
    lu(A)             (P, L, U)
    legacy_lu         torch.lu(A, pivot=True, get_infos=False), the older name

``pivots`` (int32, shape (..., k)) counts from 1, as LAPACK's: at step i, row i was swapped
with row pivots[i]. ``info`` is 0, or i + 1 for the first i with U[i, i] = 0 exactly.
Solving with the factors is in lu_solve.py (lu_solve, lu_unpack).

NumPy has no LU (numpy.linalg.solve factors internally but does not return the factors),
so ``getrf`` below writes it: a loop over the k columns, each step on the whole batch at once.

Notation: docs/notation.md.
"""

import math
from collections import namedtuple

from ..autograd.function import Function
from ..errors import LinAlgError
from ..ops.elementwise import constant
from ..ops.indexing import getitem
from ..ops.linalg import matmul
from ..ops.shape import cat
from .checks import matrix_input
from .matrices import mT, tril, triu
from .solve import solve_triangular

LUFactorResult = namedtuple("linalg_lu_factor", ["LU", "pivots"])
LUFactorExResult = namedtuple("linalg_lu_factor_ex", ["LU", "pivots", "info"])
LUResult = namedtuple("linalg_lu", ["P", "L", "U"])
LUWithInfo = namedtuple("_lu_with_info", ["LU", "pivots", "info"])  # torch.lu(..., get_infos=True)


def getrf(a, pivot=True):
    """The packed LU factorization of every matrix of ``a`` (..., m, n), on arrays.

    Step j (j = 0 .. k-1) of Gaussian elimination with partial pivoting, on all matrices at once:

    1. pivot: p = j + argmax_i |a[j + i, j]|, the largest entry on or below the diagonal of
       column j (the first one on a tie, as LAPACK's idamax); swap rows j and p;
    2. scale: l[i, j] = a[i, j] / a[j, j] for i > j, the multipliers, stored below the diagonal;
    3. update: a[i, c] -= l[i, j] a[j, c] for i, c > j, which zeroes column j below the diagonal.

    After the k steps the upper triangle holds U and the strict lower triangle holds L.
    A column that is all zeros (on and below the diagonal) has nothing to pivot on: it is left
    as it is, and info records the first such step (U[j, j] = 0, A singular). Without pivoting
    (``pivot=False``) step 1 is skipped and a zero pivot divides by zero (inf or nan).

    Returns (lu, pivots, info): lu of a's shape and dtype, pivots int32 (..., k) from 1,
    info int32 (...).
    """
    from ..backend import errstate, get_array_module

    xp = get_array_module(a)
    *batch, m, n = a.shape
    k, count = min(m, n), math.prod(batch)
    lu = a.reshape((count, m, n)).copy()
    rows = xp.arange(count)
    pivots = xp.broadcast_to(xp.arange(1, k + 1, dtype=xp.int32), (count, k)).copy()
    info = xp.zeros(count, dtype=xp.int32)
    with errstate(a, all="ignore"):  # zero pivots without pivoting (inf, nan) and nan inputs warn
        for j in range(k):
            if pivot:
                p = j + xp.argmax(xp.abs(lu[:, j:, j]), axis=1)
                pivots[:, j] = p + 1
                row_j, row_p = lu[rows, j].copy(), lu[rows, p].copy()
                lu[rows, j], lu[rows, p] = row_p, row_j
            d = lu[:, j, j]
            zero = d == 0
            info = xp.where((info == 0) & zero, xp.int32(j + 1), info)
            # with pivoting, a zero pivot means a zero column: keep it (dividing would give 0/0)
            lu[:, j + 1:, j] /= (xp.where(zero, 1, d) if pivot else d)[:, None]
            lu[:, j + 1:, j + 1:] -= lu[:, j + 1:, j, None] * lu[:, j, None, j + 1:]
    return lu.reshape(a.shape), pivots.reshape((*batch, k)), info.reshape(batch)


def permutation_from_pivots(pivots, m, dtype):
    """The permutation matrix P (..., m, m) of LAPACK's pivots (..., k), with P^T A = L U.

    Applying the swaps in order to the rows 0 .. m-1 gives perm, the row of A that each row
    of P^T A comes from: (P^T A)[i] = A[perm[i]]. So P^T is the identity's rows in the order
    perm, and P its transpose. A loop over the k swaps, each on the whole batch.
    """
    from ..backend import get_array_module

    xp = get_array_module(pivots)
    *batch, k = pivots.shape
    count = math.prod(batch)
    swaps = pivots.reshape((count, k)).astype(xp.int64) - 1
    perm = xp.broadcast_to(xp.arange(m), (count, m)).copy()
    rows = xp.arange(count)
    for j in range(k):
        p = swaps[:, j]
        at_j, at_p = perm[rows, j].copy(), perm[rows, p].copy()
        perm[rows, j], perm[rows, p] = at_p, at_j
    Pt = xp.eye(m, dtype=dtype)[perm]
    return xp.swapaxes(Pt, -1, -2).reshape((*batch, m, m))



class LUFactor(Function):
    """LU = (L - I) + U, the packed factors of A = P L U, for A (..., m, n), k = min(m, n).

    The factorization itself is ``getrf`` above, run by the caller, who also needs its integer
    pivots; this node takes its packed result ``lu`` and the permutation ``P`` (constants, no
    gradient: a permutation does not change under a small change of A).

    Backward. The packed output's gradient G splits into gL = tril(G, -1) (L's free entries,
    the first k columns) and gU = triu(G) (U's, the first k rows). Square A first (m = n = k):
    differentiate P^T A = L U (the loss is written "loss" here, L is the factor):

        P^T dA = dL U + L dU,   so   X := L^-1 P^T dA U^-1 = L^-1 dL + dU U^-1

    L^-1 dL is strictly lower triangular (L has a constant unit diagonal) and dU U^-1 upper,
    so dL = L tril(X, -1) and dU = triu(X) U. Then, with <A, B> = sum A * B,

        d loss = <gL, L tril(X, -1)> + <gU, triu(X) U> = <M, X>,
        M = tril(L^T gL, -1) + triu(gU U^T)

    and <M, L^-1 P^T dA U^-1> = <P L^-T M U^-T, dA>:

        d loss/dA = P L^-T M U^-T

    Wide A (m < n): U = [U1 | U2] with U1 m x m. P^T A1 = L U1 is the square case and
    P^T A2 = L U2 gives dU2 = L^-1 (P^T dA2 - dL U2), whose term <gU2, dU2> adds
    -tril(gU2 U2^T, -1) to M and a direct part for A2:

        M = tril(L^T gL - gU2 U2^T, -1) + triu(gU1 U1^T),   d loss/dA = P L^-T [M U1^-T | gU2]

    Tall A (m > n): L = [L1; L2] with L1 n x n. P^T A = [L1 U; L2 U]; the top is the square
    case and dL2 = (dA2' - L2 dU) U^-1 (dA2' the bottom rows of P^T dA) adds -triu(L2^T gL2):

        M = tril(L1^T gL1, -1) + triu(gU U^T - L2^T gL2),   d loss/dA = P [L1^-T M; gL2] U^-T

    The L^-T and U^-T are triangular solves, so everything is matmul, solve and masks and
    double backward works. At a singular A (U[i, i] = 0) the solves fail: LU with pivoting is
    not differentiable there.
    """

    @staticmethod
    def forward(ctx, A, lu, P):
        ctx.save_for_backward(lu, P)
        return lu

    @staticmethod
    def backward(ctx, G):
        lu, P = ctx.saved_tensors
        m, n = lu.shape[-2:]
        L, U = unpack_factors(lu)
        if m == n:  # triu(G U^T) reads only G's upper triangle (U^T is lower), so G stands for gU
            M = tril(matmul(mT(L), tril(G, -1)), -1) + triu(matmul(G, mT(U)))
            return matmul(P, _right_solve_Ut(U, _left_solve_Lt(L, M)))
        if m < n:
            U1, U2, gU = _cols(U, 0, m), _cols(U, m), triu(G)
            gU1, gU2, gL = _cols(gU, 0, m), _cols(gU, m), tril(_cols(G, 0, m), -1)
            M = tril(matmul(mT(L), gL) - matmul(gU2, mT(U2)), -1) + triu(matmul(gU1, mT(U1)))
            return matmul(P, _left_solve_Lt(L, cat([_right_solve_Ut(U1, M), gU2], -1)))
        L1, L2, gL = _rows(L, 0, n), _rows(L, n), tril(G, -1)
        gL1, gL2, gU = _rows(gL, 0, n), _rows(gL, n), triu(_rows(G, 0, n))
        M = tril(matmul(mT(L1), gL1), -1) + triu(matmul(gU, mT(U)) - matmul(mT(L2), gL2))
        return matmul(P, _right_solve_Ut(U, cat([_left_solve_Lt(L1, M), gL2], -2)))


def _rows(X, start, stop=None):
    """X[..., start:stop, :]"""
    return getitem(X, (Ellipsis, slice(start, stop), slice(None)))


def _cols(X, start, stop=None):
    """X[..., :, start:stop]"""
    return getitem(X, (Ellipsis, slice(None), slice(start, stop)))


def unpack_factors(lu):
    """(L, U) of a packed LU (..., m, n), differentiably: L = tril(LU[:, :k], -1) + I (m x k) and
    U = triu(LU[:k, :]) (k x n), k = min(m, n)."""
    m, n = lu.shape[-2:]
    k = min(m, n)
    xp = lu.xp
    L = tril(_cols(lu, 0, k), -1) + constant(xp.eye(m, k, dtype=lu.dtype))
    U = triu(_rows(lu, 0, k))
    return L, U


def _left_solve_Lt(L, M):
    """L^-T M for a unit lower-triangular square L (L^T is unit upper triangular)."""
    return solve_triangular(mT(L), M, upper=True, unitriangular=True)


def _right_solve_Ut(U, M):
    """M U^-T for an upper-triangular square U: the X with X U^T = M (U^T is lower triangular)."""
    return solve_triangular(mT(U), M, upper=False, left=False)


def _factor(A, op, pivot):
    """(LU tensor, pivots array, info array) for A, with the gradient node."""
    A = matrix_input(A, op)
    if not isinstance(pivot, bool):
        from ..errors import ArgumentTypeError

        raise ArgumentTypeError(f"{op}: pivot must be a bool, got {pivot!r}")
    lu, pivots, info = getrf(A.array, pivot)
    P = permutation_from_pivots(pivots, A.shape[-2], A.dtype) if A.requires_grad else None
    return LUFactor.apply(A, lu=lu, P=P), pivots, info


def _raise_on_zero_pivot(op, info):
    """LinAlgError naming the first matrix of the batch with a zero U[i, i], as PyTorch's lu_factor."""
    flat = info.reshape(-1)
    bad = flat != 0
    if bool(bad.any()):
        first = int(bad.argmax())
        which = f"(Batch element {first}): " if info.ndim else ""
        i = int(flat[first])
        raise LinAlgError(f"{op}: {which}U[{i},{i}] is zero and using it on lu_solve would result in a division "
                          "by zero. If you still want to perform the factorization, consider calling "
                          "linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)")


def _int_tensor(array):
    from ..tensor import Tensor

    return Tensor._make(array)


def lu_factor_ex(A, *, pivot=True, check_errors=False):
    """(LU, pivots, info) like torch.linalg.lu_factor_ex: the packed factorization of A (..., m, n).

    ``info`` is 0 where U has no zero on its diagonal, and i where U[i-1, i-1] = 0 (the first
    one): A is singular and LU is not fit for lu_solve. ``check_errors=True`` raises
    LinAlgError then. ``pivot=False`` factors without row swaps (PyTorch does so on CUDA only;
    minigrad on every device): pivots are then 1, 2, ..., k and a zero pivot gives inf or nan.
    LU is differentiable (see LUFactor) where A has full rank.
    """
    op = "linalg.lu_factor_ex"
    LU, pivots, info = _factor(A, op, pivot)
    if check_errors:
        _raise_on_zero_pivot(op, info)
    return LUFactorExResult(LU, _int_tensor(pivots), _int_tensor(info))


def lu_factor(A, *, pivot=True):
    """(LU, pivots) like torch.linalg.lu_factor; a singular A (a zero on U's diagonal) raises
    LinAlgError. See lu_factor_ex for the layout and ``pivot=False``."""
    op = "linalg.lu_factor"
    LU, pivots, info = _factor(A, op, pivot)
    _raise_on_zero_pivot(op, info)
    return LUFactorResult(LU, _int_tensor(pivots))


def lu(A, *, pivot=True):
    """(P, L, U) with A = P L U, like torch.linalg.lu: for A (..., m, n) and k = min(m, n), P is
    (..., m, m), L (..., m, k) and U (..., k, n). A singular A does not raise.

    A composition: L and U are the masked parts of the packed factor of lu_factor_ex, so their
    gradients meet in the packed gradient that LUFactor's backward takes. With ``pivot=False``
    A = L U and P is an empty tensor, as in PyTorch.
    """
    LU, pivots, _ = _factor(A, "linalg.lu", pivot)
    L, U = unpack_factors(LU)
    if pivot:
        P = constant(permutation_from_pivots(pivots, LU.shape[-2], LU.dtype))
    else:
        P = constant(LU.xp.zeros((0,), dtype=LU.dtype))
    return LUResult(P, L, U)


def legacy_lu(A, pivot=True, get_infos=False):
    """torch.lu / Tensor.lu (deprecated there in favour of linalg.lu_factor): (LU, pivots), and
    info as a third element when ``get_infos``. It does not raise for a singular A either way."""
    import warnings

    warnings.warn("torch.lu is deprecated in favor of torch.linalg.lu_factor / torch.linalg.lu_factor_ex and "
                  "will be removed in a future PyTorch release.", UserWarning, stacklevel=2)
    LU, pivots, info = _factor(A, "lu", pivot)
    if get_infos:
        return LUWithInfo(LU, _int_tensor(pivots), _int_tensor(info))
    return LU, _int_tensor(pivots)
