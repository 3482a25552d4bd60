"""minigrad.linalg: torch.linalg's functions, each Function with its adjoint derived in its docstring.

Every function takes batches: the last two axes of a tensor are the matrix, the axes before
them a batch, processed at once. float32 stays float32.

    inverse.py      inv, inv_ex, matrix_power, tensorinv  dA = -A^-T G A^-T
    determinant.py  det, slogdet                        dA = g det(A) A^-T
    solve.py        solve, solve_triangular, tensorsolve  gB = A^-T G, gA = -gB X^T
    cholesky.py     cholesky, cholesky_ex               sym(L^-T Phi(L^T G) L^-1)
    lu.py           lu_factor, lu_factor_ex, lu         P L^-T (tril(L^T gL, -1) + triu(gU U^T)) U^-T
    lu_solve.py     lu_solve, lu_unpack                 through solve_triangular and masks
    solve_ex.py     solve_ex                            through solve
    triangular_solve.py, cholesky_inverse.py, lowrank.py (svd_lowrank, pca_lowrank): torch's
                    top-level names, compositions
    qr.py           qr                                  (gQ + Q N) R^-T
    svd.py          svd, svdvals                        U [...] V^T (+ two projections)
    eigh.py         eigh, eigvalsh                      V (diag(gw) + F o skew(V^T gV)/2) V^T
    eig.py          eig, eigvals                        V^-H (diag(gw) + (V^H gV - N) / conj(E)) V^H
    pinv.py         pinv                                Golub-Pereyra
    householder.py  householder_product (orgqr)         reflectors applied by matmuls, a composition
    vandermonde.py  vander                              through minigrad.vander (cumprod), a composition
    lstsq.py        lstsq                               through pinv
    rank.py         matrix_rank
    matrix_exp.py   matrix_exp                          through Pade, matmul, solve
    norms.py        norm, vector_norm, matrix_norm, cond
    vectors.py      cross, vecdot, diagonal
    multi_dot (the cheapest product order) lives with the other products in ops/products.py.

A singular matrix (inv, solve) or a matrix that is not positive definite (cholesky) raises
``LinAlgError``, a RuntimeError, as torch.linalg.LinAlgError is.

This package sits above minigrad.ops, so it installs its own Tensor methods (``A.det()``,
``A.inverse()``, ``A.norm()``, ...) here, the way ops does for its families.
"""

from ..errors import LinAlgError
from ..ops.norms import vector_norm
from ..ops.linalg import matmul
from ..ops.products import multi_dot
from .cholesky import cholesky, cholesky_ex
from .cholesky_inverse import cholesky_inverse
from .determinant import det, logdet, slogdet
from .eig import eig, eigvals
from .eigh import eigh, eigvalsh
from .householder import householder_product, orgqr
from .inverse import inv, inv_ex, matrix_power, tensorinv
from .lstsq import lstsq
from .lu import legacy_lu, lu, lu_factor, lu_factor_ex
from .lu_solve import legacy_lu_solve, lu_solve
from .matrix_exp import matrix_exp
from .norms import cond, matrix_norm, norm, tensor_norm
from .pinv import pinv, pinverse
from .qr import qr
from .rank import matrix_rank
from .solve import solve, solve_triangular, tensorsolve
from .solve_ex import solve_ex
from .svd import svd, svd_legacy, svdvals
from .triangular_solve import triangular_solve
from .vandermonde import vander
from .vectors import cross, diagonal, legacy_cross, vecdot

__all__ = ["LinAlgError", "cholesky", "cholesky_ex", "cond", "cross", "det", "diagonal", "eig", "eigh", "eigvals",
           "eigvalsh", "householder_product", "inv", "inv_ex", "lstsq", "lu", "lu_factor", "lu_factor_ex", "lu_solve",
           "matmul", "matrix_exp", "matrix_norm", "matrix_power", "matrix_rank", "multi_dot", "norm", "pinv", "qr",
           "slogdet", "solve", "solve_ex", "solve_triangular", "svd", "svdvals", "tensorinv", "tensorsolve", "vander",
           "vecdot", "vector_norm"]


def legacy_qr(input, some=True):
    """torch.qr / Tensor.qr: the reduced factors when ``some``, the complete ones otherwise."""
    return qr(input, mode="reduced" if some else "complete")


def legacy_cholesky(input, upper=False):
    """torch.cholesky / Tensor.cholesky (PyTorch's older name for linalg.cholesky)."""
    return cholesky(input, upper=upper)


TENSOR_METHODS = {
    "det": det, "logdet": logdet, "slogdet": slogdet, "inverse": inv, "cholesky": legacy_cholesky,
    "qr": legacy_qr, "svd": svd_legacy, "pinverse": pinverse, "matrix_power": matrix_power,
    "norm": tensor_norm, "cross": legacy_cross, "matrix_exp": matrix_exp,
    "lu": legacy_lu, "lu_solve": legacy_lu_solve, "cholesky_inverse": cholesky_inverse,
    "triangular_solve": triangular_solve, "orgqr": orgqr,
}


def _install():
    from ..tensor import Tensor

    for name, method in TENSOR_METHODS.items():
        setattr(Tensor, name, method)


_install()
