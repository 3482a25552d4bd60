"""The Cholesky factorization A = L L^T of a symmetric positive-definite matrix.

Notation: docs/notation.md.
"""

from collections import namedtuple

from ..autograd.function import Function
from ..errors import ArgumentError, DTypeRuntimeError, LinAlgError, ShapeError
from ..ops.elementwise import constant
from ..ops.selections import where
from ..ops.linalg import matmul
from .checks import lapack, matrix_input
from .inverse import inv
from .matrices import mT


class Cholesky(Function):
    """L = cholesky(A): L lower triangular with a positive diagonal and L L^T = A.

    Only A's lower triangle is read (A is taken to be symmetric).

    Backward. Differentiate A = L L^T:  dA = dL L^T + L dL^T. Multiply by L^-1 on the left
    and L^-T on the right:

        S := L^-1 dA L^-T = L^-1 dL + (L^-1 dL)^T

    L^-1 dL is lower triangular (both factors are), so it is S's lower triangle with the
    diagonal halved (the diagonal is counted twice in S): L^-1 dL = Phi(S), where
    Phi(X) = tril(X) with its diagonal times 1/2. So dL = L Phi(L^-1 dA L^-T), and with
    G = dL/dL_out,

        dL = <G, L Phi(S)> = <Phi(L^T G), S> = <L^-T Phi(L^T G) L^-1, dA>

    (Phi is a mask, so it is its own adjoint). dA can only be symmetric, so the gradient is
    the symmetric part of that matrix, as in PyTorch:

        P = Phi(L^T G),   dL/dA = sym(L^-T P L^-1),   sym(X) = (X + X^T) / 2

    Everything is matmul, inv and masks, so double backward works.
    """

    @staticmethod
    def forward(ctx, A):
        xp = _xp(A)
        L = lapack("linalg.cholesky", xp.linalg.cholesky, A,
                   what="the factorization could not be completed because the input is not positive-definite")
        ctx.save_for_backward(L)
        return L

    @staticmethod
    def backward(ctx, G):
        (L,) = ctx.saved_tensors
        P = matmul(mT(L), G) * _phi_mask(L)
        L_inv = inv(L)
        gA = matmul(matmul(mT(L_inv), P), L_inv)
        return 0.5 * (gA + mT(gA))


class CholeskyOfFactor(Cholesky):
    """Cholesky with the factor already computed (by cholesky_ex's column loop): the forward
    returns it, the backward is Cholesky's."""

    @staticmethod
    def forward(ctx, A, factor):
        ctx.save_for_backward(factor)
        return factor


def _phi_mask(L):
    """Phi as a mask: 1 below the diagonal, 1/2 on it, 0 above (a constant)."""
    xp, n = L.xp, L.shape[-1]
    return constant(xp.tri(n, dtype=L.dtype) - 0.5 * xp.eye(n, dtype=L.dtype))


def _xp(array):
    from ..backend import get_array_module

    return get_array_module(array)


def cholesky(A, *, upper=False):
    """The Cholesky factor of each symmetric positive-definite matrix of A (..., n, n), like
    torch.linalg.cholesky: L lower triangular with L L^T = A, or U = L^T with ``upper=True``
    (U^T U = A). A matrix that is not positive definite raises LinAlgError.
    """
    L = Cholesky.apply(matrix_input(A, "linalg.cholesky", square=True))
    return mT(L) if upper else L


CholeskyEx = namedtuple("CholeskyEx", ["L", "info"])


def cholesky_ex(A, *, upper=False, check_errors=False, out=None):
    """(L, info) like torch.linalg.cholesky_ex: the Cholesky factor without raising.

    ``info`` (int32, of the batch shape) is 0 where the factorization succeeded and k > 0 where
    the leading k x k minor of the matrix is not positive definite (LAPACK's code). L is
    differentiable, as ``cholesky``'s, where the factorization succeeded; where it failed it
    holds what LAPACK's column-by-column factorization leaves there (the finished columns, the
    failed pivot a_kk - sum_j l_kj^2 unrooted, the untouched lower entries of A after it), a
    constant. ``check_errors=True`` raises LinAlgError if some info is not 0. ``out`` is a pair
    of tensors (of L's and info's shapes and dtypes) that receive the results.

    All matrices are factorized at once; only if one of them fails (the factorization raises,
    or leaves a diagonal entry that is not > 0) is the batch run through ``_pivot_orders``, a
    loop over the n columns (each step on the whole batch), to find which ones failed and where.
    """
    from ..tensor import Tensor

    op = "linalg.cholesky_ex"
    A = matrix_input(A, op, square=True)
    xp = A.xp
    try:
        L = Cholesky.apply(A)
        # a failed pivot is left <= 0 or nan on the diagonal (nan inputs, and CuPy, do not raise)
        factored = bool((L.array.diagonal(axis1=-2, axis2=-1) > 0).all())
    except LinAlgError:
        factored = False
    if factored:
        info = xp.zeros(A.shape[:-2], dtype="int32")
    else:
        info, partial = _pivot_orders(A.array)
        failed = info != 0
        if check_errors:
            first = int(xp.argmax(failed.reshape(-1)))
            which = f"(Batch element {first}): " if A.ndim > 2 else ""
            order = int(info.reshape(-1)[first])
            message = (f"{op}: {which}The factorization could not be completed because the input is not "
                       f"positive-definite (the leading minor of order {order} is not positive-definite).")
            raise LinAlgError(message) from None
        # the loop's factors of the matrices that succeeded are their Cholesky factors: give them
        # Cholesky's gradient (no second LAPACK call, which may disagree on a borderline matrix)
        failed = failed[..., None, None]
        factors = xp.where(failed, xp.eye(A.shape[-1], dtype=A.dtype), partial)  # invertible stand-ins
        L = where(constant(failed), constant(partial), CholeskyOfFactor.apply(A, factor=factors))
    result = CholeskyEx(mT(L) if upper else L, Tensor._make(info))
    if out is not None:
        return _write_out(op, result, out)
    return result


def _pivot_orders(a):
    """LAPACK's unblocked Cholesky (potf2) on a whole batch of arrays at once, a loop over the
    columns j: the pivot is d = a_jj - sum_{i<j} l_ji^2; a matrix whose pivot is not > 0 (or is
    nan) stops there, with info = j + 1 and d stored unrooted, its later entries left as they
    were; the others go on, l_jj = sqrt(d), l_kj = (a_kj - sum_{i<j} l_ki l_ji) / l_jj for k > j.
    Returns (info, the lower factors as far as each got)."""
    from ..backend import errstate, get_array_module

    xp = get_array_module(a)
    n = a.shape[-1]
    w = xp.tril(a).copy()
    info = xp.zeros(a.shape[:-2], dtype="int32")
    going = xp.ones(a.shape[:-2], dtype=bool)
    with errstate(a, all="ignore"):  # the rows that already failed warn; they are discarded
        for j in range(n):
            row = w[..., j, :j]
            d = w[..., j, j] - (row * row).sum(-1)
            fails = going & ~(d > 0)
            info = xp.where(fails, xp.int32(j + 1), info)
            root = xp.sqrt(xp.where(fails | ~going, 1, d))
            w[..., j, j] = xp.where(going, xp.where(fails, d, root), w[..., j, j])
            going = going & ~fails
            below = (w[..., j + 1:, j] - xp.einsum("...ki,...i->...k", w[..., j + 1:, :j], row)) / root[..., None]
            w[..., j + 1:, j] = xp.where(going[..., None], below, w[..., j + 1:, j])
    return info, w



def _write_out(op, result, out):
    """Copy the results into the tensors of ``out`` (which must already have their shapes and
    dtypes) and return those."""
    from ..tensor import Tensor

    if not (isinstance(out, (tuple, list)) and len(out) == len(result) and all(isinstance(t, Tensor) for t in out)):
        raise ArgumentError(f"{op}: out must be a tuple of {len(result)} tensors, got {out!r}")
    for name, target, value in zip(result._fields, out, result):
        if target.dtype != value.dtype:
            raise DTypeRuntimeError(f"{op}: expected out tensor {name} to have dtype {value.dtype}, "
                                    f"but got {target.dtype} instead")
        if tuple(target.shape) != tuple(value.shape):
            raise ShapeError(f"{op}: out tensor {name} has shape {tuple(target.shape)}, but the result has shape "
                             f"{tuple(value.shape)}")
        target.copy_(value)
    return type(result)(*out)
