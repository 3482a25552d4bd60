"""Matrix multiplication with NumPy's (and PyTorch's) rules.

- 2-D @ 2-D: the matrix product.
- N-D: a stack of matrix products over the leading (batch) dimensions, which broadcast.
- a 1-D left operand is a row vector (k,) -> (1, k), a 1-D right operand a column (k,) -> (k, 1);
  the added dimension is removed from the result.

Notation: docs/notation.md.
"""

from ..autograd.function import Function
from ..errors import DTypeError, ShapeError
from .elementwise import _conj, pair
from .shape import reshape, sum_to, transpose
from .sparse_products import sparse_matmul


class MatMul(Function):
    """Z = X @ Y for X (..., n, k) and Y (..., k, m).

    With G = dL/dZ the incoming gradient (docs/notation.md), by the chain rule through
    Z[i, j] = sum_k X[i, k] Y[k, j]:
        dL/dX[i, k] = sum_j G[i, j] dZ[i, j]/dX[i, k] = sum_j G[i, j] Y[k, j]   ->  dL/dX = G @ Y^T
        dL/dY[k, j] = sum_i G[i, j] dZ[i, j]/dY[k, j] = sum_i X[i, k] G[i, j]   ->  dL/dY = X^T @ G
    (^T swaps the last two axes). Batch axes that were broadcast are summed back here with
    sum_to (the engine would do it too, but this op reshapes 1-D operands first, so it sums
    before reshaping back), and 1-D operands are viewed as matrices first and reshaped back at
    the end. Complex operands enter conjugated, G @ conj(Y)^T and conj(X)^T @ G (see
    ops/complex_numbers.py).
    """

    complex_grad = True

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        from ..backend import get_array_module

        return get_array_module(x).matmul(x, y)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        x, y = _conj(x), _conj(y)
        x2 = reshape(x, (1,) + x.shape) if x.ndim == 1 else x
        y2 = reshape(y, y.shape + (1,)) if y.ndim == 1 else y
        g2 = g
        if x.ndim == 1:
            g2 = reshape(g2, g2.shape[:-1] + (1,) + g2.shape[-1:]) if y.ndim > 1 else reshape(g2, g2.shape + (1,))
        if y.ndim == 1:
            g2 = reshape(g2, g2.shape + (1,)) if x.ndim > 1 else reshape(g2, (1, 1))
        gx = gy = None
        if ctx.needs_input_grad[0]:
            if _column_major(x2, y2):  # same numbers, built in x's own memory layout (see _column_major)
                gx = transpose(matmul(y2, transpose(g2)))
            else:
                gx = reshape(sum_to(matmul(g2, transpose(y2)), x2.shape), x.shape)
        if ctx.needs_input_grad[1]:
            if _column_major(y2, x2):  # W.T in x @ W.T (Linear): dL/dW comes out row-major, like W
                gy = transpose(matmul(transpose(g2), x2))
            else:
                gy = reshape(sum_to(matmul(transpose(x2), g2), y2.shape), y.shape)
        return gx, gy


def _column_major(t, other):
    """True for a 2-D operand (times a 2-D ``other``) stored column-major, such as the view
    ``W.T`` of a row-major W.

    Its gradient is then computed as (dL/dt^T)^T, the same product with its factors swapped,
    so it comes out in t's own layout: after the transpose back it is a row-major array like W,
    which the engine can hand over as W's gradient without a copy.
    """
    return t.ndim == 2 and other.ndim == 2 and t.array.flags.f_contiguous and not t.array.flags.c_contiguous


def matmul(a, b):
    if getattr(a, "is_sparse", False) or getattr(b, "is_sparse", False):  # a sparse COO operand
        return sparse_matmul(a, b)  # (ops/sparse_products.py)
    a, b = pair(a, b, "matmul", broadcast=False)
    if a.dtype.kind == "b":  # NumPy's bool matmul is a logical or of ands, not a sum: refuse it, as PyTorch
        raise DTypeError("matmul: bool tensors cannot be multiplied as matrices; convert them to a number "
                         "type first")
    if a.ndim == 0 or b.ndim == 0:
        raise ShapeError(f"matmul: both operands need at least 1 dimension, got shapes {tuple(a.shape)} and {tuple(b.shape)}")
    k_a = a.shape[-1]
    k_b = b.shape[0] if b.ndim == 1 else b.shape[-2]
    if k_a != k_b:
        raise ShapeError(
            f"matmul: shapes {tuple(a.shape)} and {tuple(b.shape)} cannot be multiplied ({k_a} != {k_b})"
        )
    if a.ndim > 2 or b.ndim > 2:
        from .elementwise import check_broadcast

        check_broadcast("matmul (batch dimensions)", a.shape[:-2], b.shape[:-2])
    return MatMul.apply(a, b)


TENSOR_METHODS = {
    "matmul": matmul,
    "__matmul__": matmul,
    "__rmatmul__": lambda self, other: matmul(other, self),
}
