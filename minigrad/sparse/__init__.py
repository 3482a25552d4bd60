"""``minigrad.sparse``: sparse COO tensors and PyTorch's torch.sparse functions.

A sparse tensor keeps only its specified elements: their coordinates and their values
(coo_tensor.py says how, and how autograd reaches them). Make one with
``minigrad.sparse_coo_tensor(indices, values, size)`` or ``dense.to_sparse()``; go back with
``.to_dense()``. What takes sparse tensors:

    products      torch.sparse.mm, torch.spmm, torch.mm, torch.matmul, @ (sparse @ dense and
                  dense @ sparse, dense results; the Function is ops/sparse_products.py
                  SparseMM), torch.sparse.addmm
    reductions    s.sum(), torch.sparse.sum(s, dim), torch.sparse.softmax / log_softmax
                  (reductions.py)
    arithmetic    s * number, s * dense, s * s, s + s, s - s, -s, s / number, dense + s,
                  s.t(), s.transpose(i, j) (arithmetic.py)
    the tensor    coalesce, is_coalesced, indices, values, _indices, _values, _nnz,
                  sparse_dim, dense_dim, to, detach, clone, requires_grad_, grad (coo_tensor.py)

Any other op given a sparse tensor raises NotSupported naming the op.
"""

from ..errors import NotSupported, ShapeError
from ..ops import products as _products
from ..ops.sparse_products import sparse_matmul
from . import arithmetic, reductions
from .coo_tensor import SparseCooTensor
from .creation import sparse_coo_tensor
from .reductions import log_softmax, softmax, sum  # noqa: A004  (torch.sparse.sum shadows the builtin here too)

__all__ = ["mm", "addmm", "sum", "softmax", "log_softmax",  # torch.sparse's names
           "sparse_coo_tensor", "spmm"]  # minigrad.sparse_coo_tensor, minigrad.spmm


def mm(mat1, mat2, reduce=None):
    """The matrix product mat1 @ mat2 where either may be sparse (ops/sparse_products.py
    SparseMM; two dense matrices: torch.mm). A sparse mat1 requiring grad gets its gradient on
    its sparsity pattern, as in PyTorch."""
    if reduce not in (None, "sum"):
        raise NotSupported(f"sparse.mm: reduce={reduce!r} is not supported (only the sum)")
    if not (getattr(mat1, "is_sparse", False) or getattr(mat2, "is_sparse", False)):
        return _products.mm(mat1, mat2)
    if mat1.ndim != 2 or mat2.ndim != 2:
        raise ShapeError(f"sparse.mm: matrices expected, got shapes {tuple(mat1.shape)} and {tuple(mat2.shape)}")
    return sparse_matmul(mat1, mat2, "sparse.mm")


def spmm(input, mat2):
    """torch.spmm: the product of a sparse matrix and a dense one (torch.sparse.mm)."""
    return mm(input, mat2)


def addmm(mat, mat1, mat2, *, beta=1.0, alpha=1.0):
    """beta * mat + alpha * (mat1 @ mat2), mat1 sparse, mat and mat2 dense."""
    return _products.addmm(mat, mat1, mat2, beta=beta, alpha=alpha)


for _module in (arithmetic, reductions):
    for _name, _method in _module.SPARSE_METHODS.items():
        setattr(SparseCooTensor, _name, _method)
