"""Products of vectors, matrices and tensors: mm, bmm, mv, dot, outer, inner, kron, tensordot,
the fused-looking add-and-multiply family (addmm, addmv, addr, baddbmm, addbmm) and
multi_dot's best multiplication order.

All of them are compositions of matmul, einsum and elementwise ops, so their gradients come
from those ops' backward rules (and so does double backward). What each function adds is
PyTorch's contract: which shapes it takes, and a clear error for the others. For example

    addmm(C, A, B, beta, alpha) = beta * C + alpha * (A @ B)
    dL/dC = beta * G,  dL/dA = alpha * G @ B^T,  dL/dB = alpha * A^T @ G

falls out of the rules of mul, add and matmul.
"""

import math

from ..errors import ArgumentError, ArgumentTypeError, ShapeError
from ..tensor import Tensor
from .einsum import LETTERS, einsum
from .elementwise import add, as_tensor_like, mul
from .linalg import matmul
from .shape import reshape


def _need(x, ndim, op, what="input"):
    if not isinstance(x, Tensor):
        raise ArgumentError(f"{op}: {what} must be a tensor, got {type(x).__name__}")
    if x.ndim != ndim:
        raise ShapeError(f"{op}: {what} must be a {ndim}-D tensor, got shape {tuple(x.shape)}")


def _inner_sizes(a, b, op):
    k_b = b.shape[0] if b.ndim == 1 else b.shape[-2]
    if a.shape[-1] != k_b:
        raise ShapeError(f"{op}: shapes {tuple(a.shape)} and {tuple(b.shape)} cannot be multiplied "
                         f"({a.shape[-1]} != {k_b})")


def mm(input, mat2):
    """The matrix product of two 2-D tensors (no broadcasting; use matmul for that)."""
    _need(input, 2, "mm", "input"), _need(mat2, 2, "mm", "mat2")
    _inner_sizes(input, mat2, "mm")
    return matmul(input, mat2)


def bmm(input, mat2):
    """Batched matrix product: (b, n, k) @ (b, k, m) -> (b, n, m); batch sizes must be equal."""
    _need(input, 3, "bmm", "input"), _need(mat2, 3, "bmm", "mat2")
    if input.shape[0] != mat2.shape[0]:
        raise ShapeError(f"bmm: batch sizes differ, shapes {tuple(input.shape)} and {tuple(mat2.shape)}")
    _inner_sizes(input, mat2, "bmm")
    return matmul(input, mat2)


def mv(input, vec):
    """Matrix times vector: (n, k) @ (k,) -> (n,)."""
    _need(input, 2, "mv", "input"), _need(vec, 1, "mv", "vec")
    _inner_sizes(input, vec, "mv")
    return matmul(input, vec)


def dot(input, other):
    """The dot product of two 1-D tensors of the same length: sum_i x_i y_i (a 0-d tensor)."""
    _need(input, 1, "dot", "input"), _need(other, 1, "dot", "other")
    if input.shape != other.shape:
        raise ShapeError(f"dot: the vectors have different lengths, shapes {tuple(input.shape)} and "
                         f"{tuple(other.shape)}")
    return matmul(input, other)


vdot = dot  # conj(x) . y; minigrad's tensors are real, so conj is the identity


def outer(input, vec2):
    """The outer product of two vectors: z[i, j] = x[i] * y[j] (a broadcast multiplication)."""
    _need(input, 1, "outer", "input"), _need(vec2, 1, "outer", "vec2")
    return mul(reshape(input, (-1, 1)), reshape(vec2, (1, -1)))


ger = outer


def inner(input, other):
    """Sum over the last axes: z[i..., j...] = sum_k x[i..., k] y[j..., k]; a 0-d operand scales."""
    if input.ndim == 0 or other.ndim == 0:
        return mul(input, other)
    if input.shape[-1] != other.shape[-1]:
        raise ShapeError(f"inner: the last dimensions differ, shapes {tuple(input.shape)} and "
                         f"{tuple(other.shape)}")
    return tensordot(input, other, dims=([-1], [-1]))


def kron(input, other):
    """The Kronecker product: z[i*p + k, j*q + l] = x[i, j] * y[k, l] (and so on for N-D).

    Both are given the same number of dimensions (leading 1s), then x viewed as
    (m, 1, n, 1) times y viewed as (1, p, 1, q) broadcasts to (m, p, n, q), whose reshape to
    (m*p, n*q) is the block matrix [x[i, j] * y].
    """
    if not (isinstance(input, Tensor) and isinstance(other, Tensor)):
        raise ArgumentTypeError(f"kron: expects two tensors, got {type(input).__name__} and {type(other).__name__}")
    nd = max(input.ndim, other.ndim)
    a_shape = (1,) * (nd - input.ndim) + tuple(input.shape)
    b_shape = (1,) * (nd - other.ndim) + tuple(other.shape)
    a = reshape(input, tuple(s for n in a_shape for s in (n, 1)))
    b = reshape(other, tuple(s for n in b_shape for s in (1, n)))
    return reshape(mul(a, b), tuple(m * n for m, n in zip(a_shape, b_shape)))


def tensordot(a, b, dims=2):
    """Contract ``dims`` axes of a with axes of b, like torch.tensordot.

    ``dims`` is an int d (a's last d axes with b's first d), or two lists of axes
    (``([1, 0], [0, 1])``), or a list of [a_axis, b_axis] pairs. The result keeps a's other
    axes, then b's, in order. It is one einsum.
    """
    if isinstance(dims, int):
        if dims < 0:
            raise ArgumentError(f"tensordot: dims must be non-negative, got {dims}")
        if dims > min(a.ndim, b.ndim):
            raise ShapeError(f"tensordot: cannot contract {dims} dimensions of shapes {tuple(a.shape)} and "
                             f"{tuple(b.shape)}")
        da, db = list(range(a.ndim - dims, a.ndim)), list(range(dims))
    else:
        dims = list(dims)
        if len(dims) == 2 and all(isinstance(d, int) for d in dims):
            dims = [[dims[0]], [dims[1]]]
        elif dims and all(isinstance(d, (list, tuple)) and len(d) == 2 for d in dims) and len(dims) != 2:
            dims = [[d[0] for d in dims], [d[1] for d in dims]]
        da, db = list(dims[0]), list(dims[1])
        if len(da) != len(db):
            raise ArgumentError(f"tensordot: both dims lists must have the same length, got {da} and {db}")
    from .shape import normalize_dim

    da = [normalize_dim(d, a.ndim, "tensordot") for d in da]
    db = [normalize_dim(d, b.ndim, "tensordot") for d in db]
    la, lb = list(LETTERS[:a.ndim]), list(LETTERS[a.ndim:a.ndim + b.ndim])
    for i, j in zip(da, db):
        if a.shape[i] != b.shape[j]:
            raise ShapeError(f"tensordot: dimension {i} of shape {tuple(a.shape)} and dimension {j} of "
                             f"{tuple(b.shape)} differ ({a.shape[i]} != {b.shape[j]})")
        lb[j] = la[i]
    out = [c for k, c in enumerate(la) if k not in da] + [c for k, c in enumerate(lb) if k not in db]
    return einsum("".join(la) + "," + "".join(lb) + "->" + "".join(out), a, b)


# ---- beta * input + alpha * product ----------------------------------------------------------------
def _scaled_sum(input, product, beta, alpha, op):
    """beta * input + alpha * product, with PyTorch's rule that beta = 0 ignores input (its nan and
    inf do not leak through) and input broadcasts to the product's shape."""
    from .elementwise import check_broadcast

    if not isinstance(input, Tensor):
        input = as_tensor_like(input, product)
    if tuple(check_broadcast(op, input.shape, product.shape)) != tuple(product.shape):
        raise ShapeError(f"{op}: input of shape {tuple(input.shape)} does not broadcast to the product's "
                         f"shape {tuple(product.shape)}")
    from ..dtypes import result_type
    from .elementwise import cast

    dt = result_type(input, product)  # beta * input is computed in the result's dtype (bool input, float16 product)
    input, product = (t if t.dtype == dt else cast(t, dt) for t in (input, product))
    if dt.kind in "iub":
        # integer tensors: PyTorch casts beta and alpha to the integer dtype (2.5 -> 2, truncated)
        if not all(math.isfinite(v) for v in (beta, alpha)):
            raise ArgumentError(f"{op}: beta and alpha must be finite for integer tensors, got {beta} and {alpha}")
        beta, alpha = int(beta), int(alpha)
    if alpha != 1:
        product = mul(product, alpha)
    if beta == 0:
        return product
    return add(input if beta == 1 else mul(input, beta), product)


def addmm(input, mat1, mat2, *, beta=1, alpha=1):
    """beta * input + alpha * (mat1 @ mat2), mat1 (n, k), mat2 (k, m), input broadcasting to (n, m)."""
    return _scaled_sum(input, mm(mat1, mat2), beta, alpha, "addmm")


def addmv(input, mat, vec, *, beta=1, alpha=1):
    """beta * input + alpha * (mat @ vec), mat (n, k), vec (k,), input broadcasting to (n,)."""
    return _scaled_sum(input, mv(mat, vec), beta, alpha, "addmv")


def addr(input, vec1, vec2, *, beta=1, alpha=1):
    """beta * input + alpha * outer(vec1, vec2), input broadcasting to (n, m)."""
    return _scaled_sum(input, outer(vec1, vec2), beta, alpha, "addr")


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1):
    """beta * input + alpha * bmm(batch1, batch2): a batch of addmm, input broadcasting to (b, n, m)."""
    return _scaled_sum(input, bmm(batch1, batch2), beta, alpha, "baddbmm")


def addbmm(input, batch1, batch2, *, beta=1, alpha=1):
    """beta * input + alpha * sum_b batch1[b] @ batch2[b] (the batch summed away: one einsum)."""
    _need(batch1, 3, "addbmm", "batch1"), _need(batch2, 3, "addbmm", "batch2")
    if batch1.shape[0] != batch2.shape[0] or batch1.shape[2] != batch2.shape[1]:
        raise ShapeError(f"addbmm: shapes {tuple(batch1.shape)} and {tuple(batch2.shape)} cannot be "
                         "multiplied batch by batch")
    return _scaled_sum(input, einsum("bij,bjk->ik", batch1, batch2), beta, alpha, "addbmm")


# ---- chains of products --------------------------------------------------------------------------------
def _chain_order(dims):
    """The cheapest parenthesization of M_0 @ ... @ M_{n-1}, M_i of shape (dims[i], dims[i+1]).

    The classic dynamic program: cost[i][j], the fewest scalar multiplications for
    M_i..M_j, is the minimum over the split k of cost[i][k] + cost[k+1][j] +
    dims[i] * dims[k+1] * dims[j+1]. Returns split[i][j], the best k. (The loops run over the
    n matrices, a handful, never over their elements.)
    """
    n = len(dims) - 1
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j] = None
            for k in range(i, j):
                c = cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1]
                if cost[i][j] is None or c < cost[i][j]:
                    cost[i][j], split[i][j] = c, k
    return split


def multi_dot(tensors):
    """A @ B @ C @ ... in the order that needs the fewest multiplications (like torch.linalg.multi_dot).

    All are 2-D, except that the first may be 1-D (a row vector) and the last 1-D (a column);
    the result then drops those axes, as matmul does.
    """
    tensors = list(tensors)
    if len(tensors) < 2:
        raise ArgumentError(f"multi_dot: expected at least 2 tensors, got {len(tensors)}")
    first_vec, last_vec = tensors[0].ndim == 1, tensors[-1].ndim == 1
    mats = list(tensors)
    if first_vec:
        mats[0] = reshape(mats[0], (1, -1))
    if last_vec:
        mats[-1] = reshape(mats[-1], (-1, 1))
    for i, m in enumerate(mats):
        if m.ndim != 2:
            raise ShapeError(f"multi_dot: tensor {i} must be 2-D (the first and last may be 1-D), got shape "
                             f"{tuple(tensors[i].shape)}")
    for i in range(len(mats) - 1):
        if mats[i].shape[1] != mats[i + 1].shape[0]:
            raise ShapeError(f"multi_dot: tensors {i} and {i + 1} cannot be multiplied, shapes "
                             f"{tuple(tensors[i].shape)} and {tuple(tensors[i + 1].shape)}")
    dims = [mats[0].shape[0]] + [m.shape[1] for m in mats]
    split = _chain_order(dims)

    def product(i, j):
        if i == j:
            return mats[i]
        k = split[i][j]
        return matmul(product(i, k), product(k + 1, j))

    out = product(0, len(mats) - 1)
    if first_vec and last_vec:
        return reshape(out, ())
    if first_vec:
        return reshape(out, (out.shape[1],))
    if last_vec:
        return reshape(out, (out.shape[0],))
    return out


def chain_matmul(*matrices):
    """The product of 2-D matrices in the cheapest order (PyTorch's older name for multi_dot)."""
    return multi_dot(matrices)


def _inplace(fn, name):
    def method(self, *args, **kwargs):
        return self._write(fn(self, *args, **kwargs), name)

    method.__name__ = name
    method.__doc__ = f"In-place {fn.__name__}: self = {fn.__name__}(self, ...)."
    return method


TENSOR_METHODS = {
    "mm": mm, "bmm": bmm, "mv": mv, "dot": dot, "vdot": vdot, "outer": outer, "ger": ger,
    "inner": inner, "kron": kron,
    "addmm": addmm, "addmv": addmv, "addr": addr, "baddbmm": baddbmm, "addbmm": addbmm,
    "addmm_": _inplace(addmm, "addmm_"), "addmv_": _inplace(addmv, "addmv_"), "addr_": _inplace(addr, "addr_"),
    "baddbmm_": _inplace(baddbmm, "baddbmm_"), "addbmm_": _inplace(addbmm, "addbmm_"),
}
