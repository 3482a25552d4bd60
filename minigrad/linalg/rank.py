"""The numerical rank of a matrix: how many singular values are above a tolerance."""

from ..tensor import Tensor
from .checks import matrix_input


def matrix_rank(A, *, atol=None, rtol=None, hermitian=False):
    """The number of singular values (absolute eigenvalues when ``hermitian``) of each matrix of A
    above max(atol, rtol * s_max), like torch.linalg.matrix_rank; int64, no gradient.

    Tolerance defaults as in pinv: atol = 0, rtol = eps * max(m, n) unless atol > 0 is given.
    """
    import numpy as np

    A = matrix_input(A, "linalg.matrix_rank", square=hermitian)
    xp = A.xp
    if rtol is None:
        rtol = 0.0 if (atol is not None and atol > 0) else float(np.finfo(A.dtype).eps) * max(A.shape[-2:])
    atol = 0.0 if atol is None else atol
    s = xp.abs(xp.linalg.eigvalsh(A.array)) if hermitian else xp.linalg.svd(A.array, compute_uv=False)
    s_max = s.max(axis=-1, keepdims=True) if s.shape[-1] else xp.zeros(s.shape[:-1] + (1,), dtype=s.dtype)
    return Tensor._make((s > xp.maximum(atol, rtol * s_max)).sum(axis=-1).astype("int64"))
