"""The singular value decomposition A = U diag(S) V^T, and the singular values alone.

Notation: docs/notation.md.
"""

from collections import namedtuple

from ..autograd.function import Function
from ..ops.elementwise import constant
from ..ops.indexing import getitem
from ..ops.linalg import matmul
from ..ops.shape import unsqueeze
from .checks import lapack, matrix_input
from .matrices import diag_embed, mT


class SVD(Function):
    """(U, S, Vh) = svd(A) for A (..., m, n), k = min(m, n): S (..., k) descending, A = U diag(S) Vh.

    full_matrices=False: U (m, k), Vh (k, n).  full_matrices=True: U (m, m), Vh (n, n).

    Backward (real A). Write V = Vh^T, S for diag(S), and let dP = U^T dA V (k x k).
    Differentiating A = U S V^T and using that Om_U = U^T dU and Om_V = V^T dV are
    antisymmetric (U^T U = V^T V = I):

        dP = Om_U S + dS - S Om_V

    Its diagonal is dS = diag(dP). Off the diagonal, dP_ij = Om_U_ij s_j - s_i Om_V_ij; pairing
    it with dP_ji and solving the 2 x 2 system gives, with F_ij = 1 / (s_j^2 - s_i^2) (i != j,
    F_ii = 0),
        Om_U = F o (dP S + S dP^T),    Om_V = F o (S dP + dP^T S)
    and the parts of dU, dV outside the span of U, V:
        dU = U Om_U + (I - U U^T) dA V S^-1,    dV = V Om_V + (I - V V^T) dA^T U S^-1
    Put into dL = <gU, dU> + <gS, dS> + <gV, dV> and move everything onto dA:

        dL/dA = U [ (F o (U^T gU - gU^T U)) S + S (F o (V^T gV - gV^T V)) + diag(gS) ] V^T
                + (I - U U^T) gU S^-1 V^T + U S^-1 gV^T (I - V V^T)

    The last two terms vanish for square A. Conditions:
    - F is infinite at repeated singular values: the gradient through U or V is then
      undefined (the singular vectors of a repeated value are any basis of its space).
      Through S alone it stays defined: gU = gV = 0 leaves U diag(gS) V^T, computed alone
      (but its double backward goes through F again).
    - U and V are defined up to the sign of each pair (u_i, v_i): only a loss that does not
      change when both flip has a gradient (e.g. a function of S, of U S V^T, or of |U|).
    - With full_matrices=True the extra columns of U (or rows of Vh) are any basis of the
      complement: their gradients are ignored, as in PyTorch.

    Written with matmul, einsum and elementwise ops, so double backward works.
    """

    @staticmethod
    def forward(ctx, A, full_matrices):
        xp = _xp(A)
        U, S, Vh = lapack("linalg.svd", lambda a: xp.linalg.svd(a, full_matrices=full_matrices), A,
                          what="the algorithm did not converge")
        ctx.k, ctx.full = min(A.shape[-2:]), full_matrices
        ctx.save_for_backward(U, S, Vh)
        return U, xp.asarray(S, dtype=A.dtype), Vh

    @staticmethod
    def backward(ctx, gU, gS, gVh):
        U, S, Vh = ctx.saved_tensors
        k = ctx.k
        if ctx.full:  # only the first k singular vectors are functions of A
            cols, rows = (Ellipsis, slice(None), slice(None, k)), (Ellipsis, slice(None, k), slice(None))
            U, gU, Vh, gVh = getitem(U, cols), getitem(gU, cols), getitem(Vh, rows), getitem(gVh, rows)
        return svd_backward(U, S, Vh, gU, gS, gVh)


def svd_backward(U, S, Vh, gU, gS, gVh):
    """dL/dA for A = U diag(S) Vh, the reduced factors (see SVD's docstring)."""
    if is_zero(gU) and is_zero(gVh):  # a loss of S alone: dL/dA = U diag(gS) V^T, no F needed
        return matmul(U * unsqueeze(gS, -2), Vh)
    V, gV = mT(Vh), mT(gVh)
    m, n, k = U.shape[-2], V.shape[-2], S.shape[-1]
    s_row, s_col = unsqueeze(S, -2), unsqueeze(S, -1)  # s_j along a row, s_i down a column
    eye = constant(S.xp.eye(k, dtype=S.dtype))
    F = (1 - eye) / (s_row * s_row - s_col * s_col + eye)  # F_ij = 1/(s_j^2 - s_i^2), F_ii = 0
    UtgU, VtgV = matmul(mT(U), gU), matmul(mT(V), gV)
    inner = (F * (UtgU - mT(UtgU))) * s_row + s_col * (F * (VtgV - mT(VtgV))) + diag_embed(gS)
    gA = matmul(matmul(U, inner), Vh)
    if m > k:  # (I - U U^T) gU S^-1 V^T
        gA = gA + matmul((gU - matmul(U, UtgU)) / s_row, Vh)
    if n > k:  # U S^-1 gV^T (I - V V^T)
        gA = gA + matmul(U, (mT(gV) - matmul(mT(VtgV), Vh)) / s_col)
    return gA


def is_zero(g):
    """True for an incoming gradient that is a constant zero (an output the loss does not use).

    Skipping its terms is not only faster: F is infinite at repeated values, and inf * 0 would
    turn a well-defined gradient into nan. A zero that is part of a graph (double backward)
    is kept, since its derivative is not zero.
    """
    return not g.requires_grad and not bool(g.xp.any(g.array))


def _xp(array):
    from ..backend import get_array_module

    return get_array_module(array)


SVDResult = namedtuple("SVDResult", ["U", "S", "Vh"])


def svd(A, full_matrices=True):
    """(U, S, Vh) with A = U diag(S) Vh, like torch.linalg.svd (note its default,
    full_matrices=True; pass False for the reduced factors, the ones with a gradient)."""
    A = matrix_input(A, "linalg.svd")
    return SVDResult(*SVD.apply(A, full_matrices=bool(full_matrices)))


def svdvals(A):
    """The singular values of each matrix of A, descending, like torch.linalg.svdvals."""
    return SVD.apply(matrix_input(A, "linalg.svdvals"), full_matrices=False)[1]


LegacySVDResult = namedtuple("LegacySVDResult", ["U", "S", "V"])


def svd_legacy(A, some=True, compute_uv=True):
    """torch.svd's older form: (U, S, V) with A = U diag(S) V^T, V itself rather than Vh.

    ``some=True`` gives the reduced factors. ``compute_uv=False`` gives zero-filled U (m, m)
    and V (n, n) whatever ``some`` says, as PyTorch documents.
    """
    A = matrix_input(A, "svd")
    if not compute_uv:
        xp, m, n = A.xp, A.shape[-2], A.shape[-1]
        return LegacySVDResult(constant(xp.zeros(A.shape[:-2] + (m, m), dtype=A.dtype)), svdvals(A),
                               constant(xp.zeros(A.shape[:-2] + (n, n), dtype=A.dtype)))
    U, S, Vh = SVD.apply(A, full_matrices=not some)
    return LegacySVDResult(U, S, mT(Vh))
