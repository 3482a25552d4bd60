"""Least squares: the X that minimizes ||A X - B||_F."""

from collections import namedtuple

from ..errors import ArgumentError, ShapeError
from ..ops.elementwise import constant, pair
from ..ops.linalg import matmul
from ..ops.reduction import sum
from .checks import matrix_input
from .pinv import pinv
from .rank import matrix_rank

LstsqResult = namedtuple("LstsqResult", ["solution", "residuals", "rank", "singular_values"])

DRIVERS = ("gels", "gelsy", "gelsd", "gelss")


def lstsq(A, B, rcond=None, *, driver=None):
    """The least-squares solution of A X = B for A (..., m, n), B (..., m, k), like torch.linalg.lstsq.

    X = A^+ B: for a tall A of full rank the X minimizing ||A X - B||, for a wide one the
    smallest such X. A composition of pinv and matmul, so it is differentiable (where the
    rank of A does not change; see Pinv).

    Returns (solution, residuals, rank, singular_values) as PyTorch's CPU drivers do: rank
    for every driver but 'gels'; singular values for 'gelsd' and 'gelss'; residuals
    ||A X - B||^2 per column when m > n, A has full rank and the driver is not 'gelsy'
    (the default). What is not computed is an empty tensor.
    """
    import numpy as np

    op = "linalg.lstsq"
    A = matrix_input(A, op)
    A, B = pair(A, B, op, broadcast=False)
    driver = "gelsy" if driver is None else driver
    if driver not in DRIVERS:
        raise ArgumentError(f"{op}: driver must be one of {DRIVERS}, got {driver!r}")
    if B.ndim < 2 or B.shape[-2] != A.shape[-2]:
        raise ShapeError(f"{op}: B must be (..., m, k) with m = {A.shape[-2]} the rows of A, got A "
                         f"{tuple(A.shape)} and B {tuple(B.shape)}")
    m, n = A.shape[-2:]
    rcond = float(np.finfo(A.dtype).eps) * max(m, n) if rcond is None or rcond < 0 else rcond
    X = matmul(pinv(A, rtol=rcond), B)
    xp = A.xp
    empty = constant(xp.zeros((0,), dtype=A.dtype))
    rank = matrix_rank(A, rtol=rcond) if driver != "gels" else constant(xp.zeros((0,), dtype="int64"))
    s = constant(xp.linalg.svd(A.array, compute_uv=False)) if driver in ("gelsd", "gelss") else empty
    residuals = empty
    full = driver == "gels" or bool((rank.array == n).all())
    if driver != "gelsy" and m > n and full:
        r = matmul(A, X) - B
        residuals = sum(r * r, dim=-2)
    return LstsqResult(X, residuals, rank, s)
