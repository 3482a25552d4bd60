"""The product of a sparse COO matrix and a dense one: S @ D and D @ S.

A sparse COO matrix S of shape (n, k) is a list of entries: entry e sits in row r_e and column
c_e and holds the value v_e (minigrad/sparse/coo_tensor.py keeps them as ``_coo_indices``, the
(2, nnz) array [r; c], and ``_coo_values``, the (nnz,) Tensor v). Entries may repeat a place;
they add up, and so do their products. The dense product is never formed: S @ D costs
O(nnz * m), not O(n * k * m).

``matmul`` (ops/linalg.py) hands every product with a sparse operand to ``sparse_matmul``
here, so ``torch.mm``, ``torch.matmul``, ``@``, ``torch.sparse.mm`` and ``torch.spmm`` all
run the one Function below.

Notation: docs/notation.md.
"""

from .. import backend
from ..autograd.function import Function
from ..errors import ArgumentTypeError, DTypeRuntimeError, NotSupported, ShapeError, UnsupportedDType
from ..tensor import Tensor
from .indexing import GetItem
from .shape import reshape, transpose


class SparseMM(Function):
    """Z = S @ D for a sparse S (n, k) given by its entries (rows r, columns c, values v) and a
    dense D (k, m):

        Z[i] = sum over the entries e with r_e = i of  v_e * D[c_e]

    forward: gather the rows of D named by the column indices, scale each by its entry's value,
    and scatter-add the scaled rows into the rows of Z named by the row indices (rows that
    repeat add up). Three vectorised steps, no loop over entries or rows.

    backward, with G = dL/dZ: Z is linear in D and in v, and
        dZ[i, j]/dD[c_e, j] = v_e for each entry e of row i   ->  dL/dD = S^T @ G,
            the same product with rows and columns swapped (S^T has the entries (c_e, r_e, v_e));
        dZ[r_e, j]/dv_e = D[c_e, j]                            ->  dL/dv_e = G[r_e] . D[c_e],
            one dot product per entry: a gather of G's and D's rows, a product and a sum.
    Both are made of SparseMM and differentiable ops, so second derivatives work. dL/dv has one
    number per entry: the gradient lives on S's sparsity pattern (see minigrad/sparse).
    """

    @staticmethod
    def forward(ctx, values, dense, rows, cols, n_rows):
        ctx.rows, ctx.cols, ctx.k = rows, cols, dense.shape[0]
        ctx.save_for_backward(values, dense)
        xp = backend.get_array_module(dense)
        out = xp.zeros((n_rows, dense.shape[1]), dtype=dense.dtype)
        xp.add.at(out, rows, values[:, None] * dense[cols])  # add.at: a repeated row adds every time
        return out

    @staticmethod
    def backward(ctx, g):
        values, dense = ctx.saved_tensors
        grad_values = grad_dense = None
        if ctx.needs_input_grad[0]:
            grad_values = (GetItem.apply(g, index=(ctx.rows,)) * GetItem.apply(dense, index=(ctx.cols,))).sum(-1)
        if ctx.needs_input_grad[1]:
            grad_dense = SparseMM.apply(values, g, rows=ctx.cols, cols=ctx.rows, n_rows=ctx.k)
        return grad_values, grad_dense


def sparse_matmul(a, b, op="matmul"):
    """a @ b where a or b is a sparse COO matrix (2-D, no dense dims) and the other is a dense
    matrix or vector: S @ D directly, D @ S as (S^T @ D^T)^T. The result is dense.

    As in PyTorch, both operands must have one dtype (no promotion) and a sparse operand must
    be a matrix; a product of two sparse tensors is not supported here."""
    for x in (a, b):
        if not isinstance(x, Tensor):
            raise ArgumentTypeError(f"{op}: a sparse tensor multiplies tensors only, got {type(x).__name__}")
    if a.is_sparse and b.is_sparse:
        raise NotSupported(f"{op}: the product of two sparse tensors is not supported; convert one with "
                           ".to_dense()")
    s, d = (a, b) if a.is_sparse else (b, a)
    if s.ndim != 2 or s.dense_dim() != 0:
        raise ShapeError(f"{op}: a sparse operand must be a 2-D matrix with no dense dimensions, got size "
                         f"{tuple(s.shape)} with {s.sparse_dim()} sparse and {s.dense_dim()} dense dims")
    if d.ndim not in (1, 2):
        raise ShapeError(f"{op}: a sparse matrix multiplies a 1-D or 2-D dense tensor, got shape {tuple(d.shape)}")
    k_a = a.shape[-1] if a.ndim == 2 else a.shape[0]
    k_b = b.shape[0]
    if k_a != k_b:
        raise ShapeError(f"{op}: shapes {tuple(a.shape)} and {tuple(b.shape)} cannot be multiplied ({k_a} != {k_b})")
    if s.dtype != d.dtype:
        raise DTypeRuntimeError(f"{op}: the sparse and the dense operand must have one dtype, got {a.dtype} and "
                                f"{b.dtype}; cast one with .to(dtype)")
    if s.dtype.kind == "b":
        raise UnsupportedDType(f"{op}: bool tensors cannot be multiplied as matrices; convert them to a number "
                               "type first")
    rows, cols = s._coo_indices.array
    values = s._coo_values
    if a is s:  # S @ D; a vector is a column
        d2 = reshape(d, (-1, 1)) if d.ndim == 1 else d
        out = SparseMM.apply(values, d2, rows=rows, cols=cols, n_rows=s.shape[0])
        return reshape(out, (-1,)) if d.ndim == 1 else out
    d2 = reshape(d, (1, -1)) if d.ndim == 1 else d  # D @ S = (S^T @ D^T)^T; a vector is a row
    out = transpose(SparseMM.apply(values, transpose(d2), rows=cols, cols=rows, n_rows=s.shape[1]))
    return reshape(out, (-1,)) if d.ndim == 1 else out
