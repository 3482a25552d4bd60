"""The QR factorization A = Q R: Q with orthonormal columns, R upper triangular.

Notation: docs/notation.md.
"""

from collections import namedtuple

from ..autograd.function import Function
from ..errors import ArgumentError, GraphError
from ..ops.indexing import getitem
from ..ops.linalg import matmul
from ..ops.shape import cat
from .checks import matrix_input
from .matrices import mT, triu
from .solve import solve


class QR(Function):
    """(Q, R) = qr(A) for A (..., m, n), k = min(m, n).

    mode='reduced': Q (m, k), R (k, n).  mode='complete': Q (m, m), R (m, n).
    mode='r': R only (Q is returned empty), and no gradient, since it would need Q.

    Backward, for m >= n (the reduced Q is m x n, R is n x n and invertible when A has full
    rank). Differentiate A = Q R:  dA = dQ R + Q dR. Let C = Q^T dQ; Q^T Q = I gives
    C + C^T = 0 (C is antisymmetric). Multiply dA by Q^T on the left and R^-1 on the right:

        X := Q^T dA R^-1 = C + dR R^-1

    dR R^-1 is upper triangular, so the strictly lower part of X is C's, and antisymmetry
    fills in the rest: C = tril(X, -1) - tril(X, -1)^T. Then dR = (X - C) R and
    dQ = dA R^-1 - Q (X - C). With gQ, gR the incoming gradients,

        dL = <gQ, dQ> + <gR, dR> = <gQ R^-T, dA> + <M, X - C>,   M = gR R^T - Q^T gQ

    and <M, X - C> = <N, X> with N = triu(M) + triu(M, 1)^T (M's upper triangle mirrored
    below). Since <N, X> = <Q N R^-T, dA>:

        dL/dA = (gQ + Q N) R^-T

    (R^-T applied by a solve with R). For m < n, write A = [X | Y] with X the first m
    columns: Q, U = qr(X) and R = [U | Q^T Y]. The part V = Q^T Y gives dL/dY = Q gV and adds
    Y gV^T to the gradient reaching Q; X then takes the square formula.

    The complete Q with m > n has columns that are any orthonormal basis of A's
    complement: they are not functions of A, so there is no gradient (as in PyTorch).
    Everything is written with matmul, solve and masks, so double backward works.
    """

    @staticmethod
    def forward(ctx, A, mode):
        xp = _xp(A)
        ctx.mode, ctx.shape = mode, A.shape
        if mode == "r":
            R = xp.linalg.qr(A, mode="r")
            return xp.zeros((0,), dtype=A.dtype), xp.asarray(R, dtype=A.dtype)
        Q, R = xp.linalg.qr(A, mode=mode)
        ctx.save_for_backward(A, Q, R)
        return Q, R

    @staticmethod
    def backward(ctx, gQ, gR):
        m, n = ctx.shape[-2:]
        if ctx.mode == "r":
            raise GraphError("linalg.qr: the derivative of linalg.qr depends on Q, which is not computed when "
                             "mode='r'; use mode='reduced' to differentiate through it")
        if ctx.mode == "complete" and m > n:
            raise GraphError("linalg.qr: the QR decomposition is not differentiable when mode='complete' and "
                             f"nrows > ncols (the input is {m} x {n})")
        A, Q, R = ctx.saved_tensors
        if m >= n:
            return _square_grad(Q, R, gQ, gR)
        Y = getitem(A, (Ellipsis, slice(None), slice(m, None)))
        U = getitem(R, (Ellipsis, slice(None), slice(None, m)))
        gU = getitem(gR, (Ellipsis, slice(None), slice(None, m)))
        gV = getitem(gR, (Ellipsis, slice(None), slice(m, None)))
        gX = _square_grad(Q, U, gQ + matmul(Y, mT(gV)), gU)
        return cat([gX, matmul(Q, gV)], dim=-1)


def _square_grad(Q, R, gQ, gR):
    """(gQ + Q N) R^-T, the m >= n case of QR's backward."""
    M = matmul(gR, mT(R)) - matmul(mT(Q), gQ)
    N = triu(M) + mT(triu(M, 1))
    return mT(solve(R, mT(gQ + matmul(Q, N))))


def _xp(array):
    from ..backend import get_array_module

    return get_array_module(array)


QRResult = namedtuple("QRResult", ["Q", "R"])


def qr(A, mode="reduced"):
    """(Q, R) with A = Q R, for each matrix of A (..., m, n), like torch.linalg.qr.

    ``mode``: 'reduced' (Q (m, k), R (k, n), k = min(m, n)), 'complete' (Q (m, m), R (m, n)) or
    'r' (R only; Q is an empty tensor).
    """
    if mode not in ("reduced", "complete", "r"):
        raise ArgumentError(f"linalg.qr: mode must be 'reduced', 'complete' or 'r', got {mode!r}")
    return QRResult(*QR.apply(matrix_input(A, "linalg.qr"), mode=mode))
