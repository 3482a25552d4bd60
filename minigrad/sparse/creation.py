"""Making sparse COO tensors: ``sparse_coo_tensor(indices, values, size)`` and ``dense.to_sparse()``.

sparse_coo_tensor checks what a sparse tensor must satisfy (coo_tensor.py): indices of shape
(sparse_dim, nnz), values of shape (nnz, *dense_sizes), a size of sparse_dim + dense_dim sizes
whose dense part is the values' own, and every coordinate inside its dimension. PyTorch checks
the coordinates only when asked (``check_invariants=True``); minigrad always does, in two
vectorised reductions, so an out-of-range index is an error here and never a wrong answer later.

Like PyTorch, the sparse tensor shares memory with the indices and values given (when no cast
or move is needed). Its values are a Tensor of its own: requires_grad=True makes the sparse
tensor a leaf; values that require grad make it a non-leaf whose gradient flows back into them.
"""

from .. import backend, dtypes
from ..errors import ArgumentRuntimeError, DeviceError, IndexRuntimeError, NotSupported, ShapeError
from ..layouts import sparse_coo
from ..ops.indexing import GetItem
from ..ops.shape import reshape
from ..size import Size
from ..tensor import Tensor
from .coo_tensor import SparseCooTensor, share_values


def sparse_coo_tensor(indices, values, size=None, *, dtype=None, device=None, requires_grad=False,
                      check_invariants=None, is_coalesced=None):
    """A sparse COO tensor with entries at ``indices`` (sparse_dim, nnz) holding ``values``
    (nnz, *dense_sizes); ``size`` defaults to the smallest that holds every entry.
    ``check_invariants`` is accepted for PyTorch's signature: the checks always run."""
    op = "sparse_coo_tensor"
    values = _tensor_of(values, "values", op)
    if dtype is not None:
        values = values.to(dtype=dtypes.as_dtype(dtype))
    if device is not None:
        values = values.to(backend.Device(device))
    if not isinstance(indices, Tensor):  # python data or an array: on the values' device
        indices = Tensor(indices, dtype=dtypes.int64, device=values.device)
    indices = _tensor_of(indices, "indices", op)
    if indices.dtype != dtypes.int64:  # PyTorch casts the coordinates to int64 (floats truncated)
        indices = Tensor._make(indices.array.astype(dtypes.int64))
    if indices.device != values.device:
        if device is None:
            raise DeviceError(f"{op}: indices are on {indices.device} but values on {values.device}")
        indices = indices.to(values.device)
    if indices.ndim != 2:
        raise ShapeError(f"{op}: indices must be a 2-D tensor of shape (sparse_dim, nnz), got shape "
                         f"{tuple(indices.shape)}")
    if values.ndim == 0:
        raise ShapeError(f"{op}: values must have a first dimension of size nnz, got a 0-d tensor")
    sparse_dim, nnz = indices.shape
    if values.shape[0] != nnz:
        raise ShapeError(f"{op}: indices and values must have the same nnz, got {nnz} from indices of shape "
                         f"{tuple(indices.shape)} and {values.shape[0]} from values of shape {tuple(values.shape)}")
    size = _check_size(indices, values, size, op)
    stored = share_values(values)  # the sparse tensor's own values Tensor, sharing memory
    if requires_grad and not stored.requires_grad:
        stored.requires_grad_()  # a leaf: dtype checked there (only float tensors require grad)
    coalesced = nnz <= 1 if is_coalesced is None else bool(is_coalesced)
    return SparseCooTensor._from_parts(indices.detach(), stored, size, coalesced)


def _tensor_of(data, what, op):
    if isinstance(data, Tensor):
        if data.is_sparse:
            raise NotSupported(f"{op}: {what} must be a dense tensor, got a sparse one")
        return data
    from ..creation import tensor

    return tensor(data)  # (a list of indices stays integer)


def _check_size(indices, values, size, op):
    """The full size: checked against the indices and values, or inferred from them."""
    sparse_dim, nnz = indices.shape
    dense_sizes = tuple(values.shape[1:])
    xp = indices.xp
    low = xp.min(indices.array, axis=1).tolist() if nnz else [0] * sparse_dim  # one sync on a GPU
    high = xp.max(indices.array, axis=1).tolist() if nnz else [-1] * sparse_dim
    for d, lo in enumerate(low):
        if lo < 0:
            raise IndexRuntimeError(f"{op}: found negative index {lo} for dim {d}")
    if size is None:
        return Size(tuple(h + 1 for h in high) + dense_sizes)
    size = Size(int(n) for n in size)
    if len(size) != sparse_dim + len(dense_sizes):
        raise ShapeError(f"{op}: size {tuple(size)} must have sparse_dim + dense_dim = {sparse_dim} + "
                         f"{len(dense_sizes)} sizes (indices of shape {tuple(indices.shape)}, values of shape "
                         f"{tuple(values.shape)})")
    if any(n < 0 for n in size):
        raise ShapeError(f"{op}: size {tuple(size)} has a negative size")
    if tuple(size[sparse_dim:]) != dense_sizes:
        raise ShapeError(f"{op}: the dense sizes of size {tuple(size)} are {tuple(size[sparse_dim:])}, but values "
                         f"of shape {tuple(values.shape)} have {dense_sizes}")
    for d, hi in enumerate(high):
        if hi >= size[d]:
            raise IndexRuntimeError(f"{op}: size is inconsistent with indices: for dim {d}, size is {size[d]} "
                                    f"but found index {hi}")
    return size


def dense_to_sparse(x, sparse_dim=None, *, layout=None, blocksize=None, dense_dim=None):
    """``x.to_sparse(sparse_dim)``: the places in the first sparse_dim dims where x is not all
    zero, as a coalesced sparse tensor (nonzero lists them in row-major order).

    values = x[places], a gather: its gradient is dL/dvalues scattered back to the places, and
    zero elsewhere."""
    op = "to_sparse"
    if layout not in (None, sparse_coo) or blocksize is not None:
        raise NotSupported(f"{op}: only the sparse COO layout is supported, got layout={layout}")
    ndim = x.ndim
    if sparse_dim is None:
        sparse_dim = ndim - (dense_dim or 0)
    if not (0 < sparse_dim <= ndim or sparse_dim == ndim == 0):
        raise ArgumentRuntimeError(f"{op}: sparse_dim must be in [1, {ndim}] for a tensor of shape "
                                   f"{tuple(x.shape)} (0 for a 0-d one), got {sparse_dim}")
    xp = x.xp
    nonzero = x.array != 0
    if sparse_dim < ndim:  # a place is kept when any element of its dense block is nonzero
        nonzero = nonzero.any(axis=tuple(range(sparse_dim, ndim)))
    if sparse_dim == 0:  # a 0-d tensor: one entry without coordinates, unless it is zero
        nnz = int(nonzero)
        indices = xp.zeros((0, nnz), dtype=dtypes.int64)
        values = reshape(x, (1,) + tuple(x.shape))
        if nnz == 0:
            values = GetItem.apply(values, index=(slice(0, 0),))
    else:
        places = xp.nonzero(nonzero)
        indices = xp.stack(places).astype(dtypes.int64, copy=False)
        values = GetItem.apply(x, index=places)
    return SparseCooTensor._from_parts(Tensor._make(indices), values, x.shape, True)
