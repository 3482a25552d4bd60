"""The matrix exponential exp(A) = I + A + A^2/2! + A^3/3! + ..."""

from ..ops.elementwise import constant, where
from ..ops.linalg import matmul
from .checks import matrix_input
from .solve import solve

# Pade (13, 13) coefficients, and the largest ||A||_1 for which that approximant is accurate to
# float64 precision (Higham, "The scaling and squaring method for the matrix exponential revisited", 2005)
PADE13 = (64764752532480000.0, 32382376266240000.0, 7771770303897600.0, 1187353796428800.0, 129060195264000.0,
          10559470521600.0, 670442572800.0, 33522128640.0, 1323241920.0, 40840800.0, 960960.0, 16380.0, 182.0, 1.0)
THETA13 = 5.371920351148152


def matrix_exp(A):
    """exp(A) for each square matrix of A (..., n, n), like torch.linalg.matrix_exp.

    Scaling and squaring: exp(A) = exp(A / 2^s)^(2^s), with s chosen so that ||A / 2^s||_1 <=
    5.37, where the Pade approximant r(X) = q(X)^-1 p(X) of degree 13 equals exp(X) to float64
    precision. p = V + U and q = V - U with U the odd and V the even part of the polynomial.
    Then the result is squared s times. Each matrix of a batch gets its own s (the squarings
    past its s leave it as it is).

    A composition of matmul, solve and where, so the gradient (and the double backward) is
    the chain rule through them: the exact derivative of the approximation, which matches
    exp's own to the same precision. s is piecewise constant in A: it has no derivative.
    """
    A = matrix_input(A, "linalg.matrix_exp", square=True, low_precision=True)
    if A.dtype.itemsize < 4:  # float16, which PyTorch accepts: solve needs LAPACK, so work in float32
        from ..ops.elementwise import cast

        return cast(matrix_exp(cast(A, "float32")), A.dtype)
    xp = A.xp
    n = A.shape[-1]
    norm1 = xp.abs(A.array).sum(axis=-2).max(axis=-1) if n else xp.zeros(A.shape[:-2], dtype=A.dtype)
    s = xp.maximum(0, xp.ceil(xp.log2(xp.maximum(norm1, 1e-300) / THETA13))).astype(A.dtype)
    X = A * constant((2.0 ** -s)[..., None, None].astype(A.dtype))
    b = PADE13
    eye = constant(xp.broadcast_to(xp.eye(n, dtype=A.dtype), A.shape))
    X2 = matmul(X, X)
    X4 = matmul(X2, X2)
    X6 = matmul(X4, X2)
    U = matmul(X, matmul(X6, b[13] * X6 + b[11] * X4 + b[9] * X2) + b[7] * X6 + b[5] * X4 + b[3] * X2 + b[1] * eye)
    V = matmul(X6, b[12] * X6 + b[10] * X4 + b[8] * X2) + b[6] * X6 + b[4] * X4 + b[2] * X2 + b[0] * eye
    R = solve(V - U, V + U)
    for i in range(int(s.max()) if s.size else 0):  # a loop over the squarings, a handful
        R = where(constant((s > i)[..., None, None]), matmul(R, R), R)
    return R


