"""Norms: vector norms, matrix norms, torch.linalg.norm / Tensor.norm that choose between them,
and condition numbers.

Matrix norms of A (m x n), over the two axes ``dim``:

    'fro'  sqrt(sum_ij A_ij^2)            the vector 2-norm of all entries
    'nuc'  sum_i s_i                       the singular values' sum
    2, -2  s_max, s_min                    the largest / smallest singular value
    1, -1  max / min over columns of sum_i |A_ij|
    inf, -inf  max / min over rows of sum_j |A_ij|

Each is a composition (of vector_norm, abs, sum, amax/amin, svdvals), so each gradient is the
chain rule through those: e.g. d s_max / dA = u_1 v_1^T, the top singular pair's outer product.
"""

import math

from ..errors import ArgumentError, LinAlgError, ShapeError
from ..ops.elementwise import abs
from ..ops.norms import vector_norm
from ..ops.reduction import amax, amin, sum
from ..ops.shape import normalize_dim, permute, unsqueeze
from .checks import matrix_input
from .svd import svdvals


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None):
    """A matrix norm of each matrix of A over the axes ``dim``, like torch.linalg.matrix_norm."""
    op = "linalg.matrix_norm"
    if dtype is not None:
        from ..ops.elementwise import cast

        A = cast(A, dtype)
    # float16 for the norms made of sums; those through singular values need LAPACK (as in PyTorch)
    A = matrix_input(A, op, low_precision=ord not in ("nuc", 2, -2))
    if not isinstance(dim, (tuple, list)) or len(dim) != 2:
        raise ArgumentError(f"{op}: dim must be a 2-tuple of dimensions, got {dim!r}")
    d0, d1 = normalize_dim(dim[0], A.ndim, op), normalize_dim(dim[1], A.ndim, op)
    if d0 == d1:
        raise ArgumentError(f"{op}: dims must be different, got {tuple(dim)}")
    if ord == "fro":
        return vector_norm(A, 2, dim=(d0, d1), keepdim=keepdim)
    if ord in ("nuc", 2, -2):
        rest = [i for i in range(A.ndim) if i not in (d0, d1)]
        s = svdvals(permute(A, rest + [d0, d1]))  # the matrix axes last, as svd wants them
        out = sum(s, dim=-1) if ord == "nuc" else (s[..., 0] if ord == 2 else s[..., -1])
        if keepdim:
            for d in sorted((d0, d1)):
                out = unsqueeze(out, d)
        return out
    if ord in (1, -1, math.inf, -math.inf):
        # 1: sum down each column (over d0), then the extreme over columns (d1); inf: the other way
        summed, across = (d0, d1) if ord in (1, -1) else (d1, d0)
        col = sum(abs(A), dim=summed, keepdim=True)
        pick = amax if ord > 0 else amin
        out = pick(col, dim=across, keepdim=True)
        if not keepdim:
            out = out.squeeze(dim=tuple(sorted((d0, d1))))
        return out
    raise ArgumentError(f"{op}: order {ord!r} is not supported (use 'fro', 'nuc', 2, -2, 1, -1, inf or -inf)")


def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None):
    """torch.linalg.norm: a vector or a matrix norm, chosen by ``dim`` and the input.

    - ord None: the 2-norm of the flattened input (dim None), of each vector (dim an int),
      or the Frobenius norm (dim a 2-tuple).
    - ord given: dim None needs a 1-D (vector norm) or 2-D (matrix norm) input; an int dim
      gives a vector norm, a 2-tuple a matrix norm.
    """
    op = "linalg.norm"
    if isinstance(dim, int):
        dim = (dim,)
    if dim is not None and len(dim) not in (1, 2):
        raise ArgumentError(f"{op}: dim must be an int or a tuple of 1 or 2 ints, got {dim!r}")
    if ord is None:
        if dim is not None and len(dim) == 2:
            return matrix_norm(A, "fro", dim, keepdim, dtype=dtype)
        return vector_norm(A, 2, dim, keepdim, dtype=dtype)
    if dim is None:
        if A.ndim == 1:
            return vector_norm(A, ord, None, keepdim, dtype=dtype)
        if A.ndim == 2:
            return matrix_norm(A, ord, (-2, -1), keepdim, dtype=dtype)
        raise ShapeError(f"{op}: with ord={ord!r} and dim=None the input must be 1-D or 2-D, got shape "
                         f"{tuple(A.shape)}")
    if len(dim) == 2:
        return matrix_norm(A, ord, dim, keepdim, dtype=dtype)
    if isinstance(ord, str):
        raise ArgumentError(f"{op}: ord {ord!r} is a matrix norm, but dim {tuple(dim)} names one dimension")
    return vector_norm(A, ord, dim, keepdim, dtype=dtype)


def tensor_norm(input, p="fro", dim=None, keepdim=False, dtype=None):
    """torch.norm / Tensor.norm: ``p`` a number is a vector norm over ``dim`` (all elements when
    None, every listed axis otherwise); 'fro' is the 2-norm over ``dim``; 'nuc' is the nuclear
    norm over the last two axes (or the two in ``dim``)."""
    if p == "nuc":
        if dim is None and input.ndim != 2:
            raise ShapeError(f"norm: p='nuc' with dim=None needs a 2-D input, got shape {tuple(input.shape)}; "
                             "pass the two matrix dimensions as dim")
        return matrix_norm(input, "nuc", (-2, -1) if dim is None else dim, keepdim, dtype=dtype)
    if p == "fro" or p is None:
        p = 2
    if isinstance(p, str):
        raise ArgumentError(f"norm: p must be a number, 'fro' or 'nuc', got {p!r}")
    return vector_norm(input, p, dim, keepdim, dtype=dtype)


def cond(A, p=None):
    """The condition number of each matrix of A in the norm ``p``, like torch.linalg.cond.

    p None or 2: s_max / s_min (the singular values; any shape of matrix); -2: s_min / s_max.
    Other norms ('fro', 'nuc', 1, -1, inf, -inf): ||A||_p ||A^-1||_p for square A, and inf
    for a singular A (as PyTorch).
    """
    if p in (None, 2, -2):
        s = svdvals(A)
        big, small = s[..., 0], s[..., -1]
        return big / small if p != -2 else small / big
    from ..ops.elementwise import constant, where
    from .inverse import inv, inv_ex

    A = matrix_input(A, "linalg.cond", square=True)
    try:
        return matrix_norm(A, p) * matrix_norm(inv(A), p)
    except LinAlgError:
        inverse, info = inv_ex(A)
        xp = A.xp
        safe = where(constant(info.array[..., None, None] > 0), constant(xp.eye(A.shape[-1], dtype=A.dtype)), inverse)
        return where(constant(info.array > 0), float("inf"), matrix_norm(A, p) * matrix_norm(safe, p))
