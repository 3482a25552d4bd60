"""torch.cholesky_solve: solve A X = B given the Cholesky factor of A.

With A = L L^T (L lower triangular; ``upper=True`` gives U with A = U^T U), X = A^-1 B is two
triangular solves: L Y = B, then L^T X = Y. Composed of solve_triangular, so autograd gives the
backward of both B and the factor.

Gradient convention: only the triangle of the factor that the forward reads gets a gradient (the
other entries do not change X, so their gradient is 0). PyTorch returns a dense gradient for the
factor, -(C L) with C = G X^T + X G^T (G = A^-1 dL/dX); the two agree on the triangle.
"""

from ..errors import ShapeError


def cholesky_solve(B, L, upper=False):
    """torch.cholesky_solve(B, L, upper=False): X with (L L^T) X = B, batched over leading dims."""
    from ..linalg import solve_triangular

    if B.ndim < 2 or L.ndim < 2 or L.shape[-1] != L.shape[-2] or L.shape[-1] != B.shape[-2]:
        raise ShapeError(f"cholesky_solve: needs B of shape (*, n, k) and a square factor (*, n, n), got "
                         f"{tuple(B.shape)} and {tuple(L.shape)}")
    lower = L.mT if upper else L
    y = solve_triangular(lower, B, upper=False)
    return solve_triangular(lower.mT, y, upper=True)
