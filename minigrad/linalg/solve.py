"""Linear systems: solve A X = B (or X A = B) without forming A^-1; and triangular systems.

Notation: docs/notation.md.
"""

from ..autograd.function import Function
from ..errors import ShapeError
from ..ops.elementwise import check_broadcast, constant, pair
from ..ops.linalg import matmul
from ..ops.shape import sum_to, unsqueeze, squeeze
from .checks import lapack, matrix_input
from .matrices import mT


class Solve(Function):
    """X = A^-1 B for A (..., n, n) invertible and B (..., n, k); the batch axes broadcast.

    Differentiate A X = B:  dA X + A dX = dB, so  dX = A^-1 (dB - dA X).
    With G = dL/dX:
        dL = <G, A^-1 dB> - <G, A^-1 dA X> = <A^-T G, dB> - <A^-T G X^T, dA>
    So, writing gB = A^-T G (one more solve, with the transposed matrix):

        dL/dB = gB,        dL/dA = -gB X^T

    Both are solve and matmul again, so double backward works. Gradients over broadcast
    batch axes are summed back to each input's shape.
    """

    @staticmethod
    def forward(ctx, A, B):
        xp = _xp(A, B)
        batch = tuple(check_broadcast("linalg.solve", A.shape[:-2], B.shape[:-2]))
        A_b = xp.broadcast_to(A, batch + A.shape[-2:])
        B_b = xp.broadcast_to(B, batch + B.shape[-2:])
        X = lapack("linalg.solve", xp.linalg.solve, A_b, B_b)
        ctx.shapes = (A.shape, B.shape)
        ctx.save_for_backward(A, X)
        return X

    @staticmethod
    def backward(ctx, G):
        A, X = ctx.saved_tensors
        a_shape, b_shape = ctx.shapes
        gB = Solve.apply(mT(A), G)
        gA = sum_to(-matmul(gB, mT(X)), a_shape) if ctx.needs_input_grad[0] else None
        return gA, (sum_to(gB, b_shape) if ctx.needs_input_grad[1] else None)


def _xp(*arrays):
    from ..backend import get_array_module

    return get_array_module(*arrays)


def solve(A, B, *, left=True):
    """The solution X of A X = B (or of X A = B when ``left=False``), like torch.linalg.solve.

    A is (..., n, n). B is (..., n, k), or a vector: (n,), or (..., n) when its shape is
    A.shape[:-1] exactly (PyTorch's rule), and X has B's shape. Batch axes broadcast.
    With ``left=False`` B is (..., k, n) (no vectors).
    X A = B is solved as A^T X^T = B^T. A singular A raises LinAlgError.
    """
    op = "linalg.solve"
    A = matrix_input(A, op, square=True)
    A, B = pair(A, B, op, broadcast=False)
    if B.ndim == 0:
        raise ShapeError(f"{op}: B must have at least 1 dimension, got shape {tuple(B.shape)}")
    n = A.shape[-1]
    vector = B.ndim == 1 or (B.ndim == A.ndim - 1 and tuple(B.shape) == tuple(A.shape[:-1]))
    if vector:
        if B.shape[-1] != n:
            raise ShapeError(f"{op}: incompatible shapes of A and B: A is {tuple(A.shape)}, B is {tuple(B.shape)}")
        if not left:  # PyTorch reads a vector b as an (n, 1) matrix, which X A = b cannot take
            raise ShapeError(f"{op}: incompatible shapes of A and B for the equation XA = B: A is "
                             f"{tuple(A.shape)}, B is the vector {tuple(B.shape)}")
        return squeeze(Solve.apply(A, unsqueeze(B, -1)), -1)
    if left:
        if B.shape[-2] != n:
            raise ShapeError(f"{op}: incompatible shapes of A and B for the equation AX = B: A is "
                             f"{tuple(A.shape)}, B is {tuple(B.shape)} ({n} != {B.shape[-2]})")
        check_broadcast(op + " (batch dimensions)", A.shape[:-2], B.shape[:-2])
        return Solve.apply(A, B)
    if B.shape[-1] != n:
        raise ShapeError(f"{op}: incompatible shapes of A and B for the equation XA = B: A is {tuple(A.shape)}, "
                         f"B is {tuple(B.shape)} ({n} != {B.shape[-1]})")
    check_broadcast(op + " (batch dimensions)", A.shape[:-2], B.shape[:-2])
    return mT(Solve.apply(mT(A), mT(B)))


def solve_triangular(A, B, *, upper, left=True, unitriangular=False):
    """The solution X of T X = B (or X T = B when ``left=False``) for T the upper (``upper=True``)
    or lower triangle of A, like torch.linalg.solve_triangular; with ``unitriangular`` T's
    diagonal is taken to be all ones. A is (..., n, n), B (..., n, k) (or (..., k, n)).

    A composition: T is A times a triangular mask, then solve. So only T's entries get a
    gradient (the other triangle is not read), as in PyTorch. (LAPACK's triangular solve is
    O(n^2) per column; this general solve is O(n^3), which a learner's sizes do not notice.)
    """
    op = "linalg.solve_triangular"
    A = matrix_input(A, op, square=True)
    A, B = pair(A, B, op, broadcast=False)
    if B.ndim < 2:
        raise ShapeError(f"{op}: B must have at least 2 dimensions, got shape {tuple(B.shape)}")
    xp, n = A.xp, A.shape[-1]
    mask = xp.triu(xp.ones((n, n), dtype=A.dtype)) if upper else xp.tril(xp.ones((n, n), dtype=A.dtype))
    if unitriangular:
        mask = mask - xp.eye(n, dtype=A.dtype)
    T = A * constant(mask)
    if unitriangular:
        T = T + constant(xp.eye(n, dtype=A.dtype))
    return solve(T, B, left=left)


def tensorsolve(A, B, dims=None):
    """The tensor X with tensordot(A, X, X.ndim) = B, like torch.linalg.tensorsolve.

    The axes ``dims`` of A are first moved to its end. Then A has shape B.shape + X.shape,
    and the problem is one square linear system: A reshaped to (B.numel(), X.numel()).
    """
    import math

    from ..ops.shape import permute, reshape

    op = "linalg.tensorsolve"
    if dims is not None:
        from ..ops.shape import normalize_dim

        moved = [normalize_dim(d, A.ndim, op) for d in dims]
        A = permute(A, [i for i in range(A.ndim) if i not in moved] + moved)
    x_shape = tuple(A.shape[B.ndim:])
    n = math.prod(B.shape)
    if tuple(A.shape[:B.ndim]) != tuple(B.shape) or math.prod(x_shape) != n:
        raise ShapeError(f"{op}: A of shape {tuple(A.shape)} does not fit B of shape {tuple(B.shape)}: A must "
                         "be B.shape + X.shape with X as many elements as B")
    X = solve(reshape(A, (n, n)), reshape(B, (n,)))
    return reshape(X, x_shape)
