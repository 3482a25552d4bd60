"""A sparse COO tensor: the coordinates and values of a tensor's specified elements.

PyTorch's COO ("coordinate") layout keeps three things:

    indices  int64, shape (sparse_dim, nnz): column e holds the coordinates of entry e in the
             first sparse_dim dimensions;
    values   shape (nnz, *dense_sizes): entry e's value, a number (or, for a "hybrid" tensor
             with dense_dim > 0 trailing dense dimensions, a dense block);
    size     the full shape, sparse_dim + dense_dim sizes.

The tensor it stands for is   D = zeros(size);  D[indices[:, e]] += values[e]  for each e.
Entries may repeat a place (the tensor is then "uncoalesced"): repeats add up. ``coalesce()``
sums them and sorts the entries by place (row-major order), as PyTorch does.

A sparse tensor is a ``Tensor`` (so ``isinstance(s, Tensor)``, ``torch.is_tensor(s)`` hold)
whose ``layout`` is ``sparse_coo`` and ``is_sparse`` True. It overrides what it supports:
shape and dtype facts, conversions, the ops of this package's modules (arithmetic.py,
reductions.py; products go through ops/sparse_products.py). Every other op is a dense op,
which reads its inputs' raw ``array``: a sparse tensor has none, and its ``array`` raises
NotSupported naming the op. So a sparse tensor handed to an op that does not take it stops
with an error; it is never computed on as if its values were the tensor. A subclass rather
than a layout flag on Tensor: dense ops test nothing and stay as fast as they were; only
``matmul`` (ops/linalg.py) looks for a sparse operand, and the operators with a sparse right
operand (``dense + s``) reach the subclass's reflected method first, by Python's own rule.

Autograd: the values carry the graph. An op on a sparse tensor is an op on its values Tensor
(a scale, a gather, a scatter-add), so autograd needs nothing new, and the gradient of a
sparse tensor is the gradient with respect to its values: one number per entry, a sparse
gradient on the tensor's own sparsity pattern. ``s.grad`` of a leaf is that, as a sparse
tensor with s's coalesced indices. PyTorch gives the same for torch.sparse.mm, to_dense,
torch.sparse.sum and coalesce; for ``torch.mm``/``@``/``s.sum()`` of a sparse *leaf* it gives
a dense gradient instead, the zeros' gradients included, which minigrad does not form.
Gradients to dense operands, and to a dense values tensor that made a sparse one, are
PyTorch's in every case.
"""

import sys

import numpy as np

from .. import backend
from ..errors import ArgumentRuntimeError, ArgumentTypeError, NotSupported
from ..layouts import sparse_coo
from ..ops.indexing import GetItem, ScatterAdd
from ..ops.shape import Reshape
from ..size import Size
from ..tensor import Tensor, parse_to_args


class SparseCooTensor(Tensor):
    """A sparse COO tensor (module docstring). Make one with ``minigrad.sparse_coo_tensor`` or
    ``dense.to_sparse()``."""

    __slots__ = ("_coo_indices", "_coo_values", "_coo_size", "_coo_coalesced")
    layout = sparse_coo
    is_sparse = True

    def __init__(self, *args, **kwargs):
        raise ArgumentTypeError("SparseCooTensor: make a sparse tensor with minigrad.sparse_coo_tensor(indices, "
                                "values, size) or dense.to_sparse()")

    @classmethod
    def _from_parts(cls, indices, values, size, coalesced):
        """Internal constructor, no checks: ``indices`` an int64 Tensor (sparse_dim, nnz) and
        ``values`` a Tensor (nnz, *dense) on one device, ``size`` the full shape."""
        t = object.__new__(cls)
        t._coo_indices, t._coo_values = indices, values
        t._coo_size, t._coo_coalesced = Size(size), bool(coalesced)
        # the slots of Tensor that code outside reads before it reaches ``array``
        t._view, t._vbox, t._hooks, t._post_hooks, t._retains_grad, t._output_nr = None, [0], None, None, False, 0
        return t

    # ---- no dense array --------------------------------------------------------------------
    @property
    def array(self):
        """A sparse tensor has no dense array: an op that asks for one does not take sparse tensors."""
        raise NotSupported(f"{_asking_op()}: got a sparse COO tensor, which this op does not take; convert it "
                           "with .to_dense(), or see minigrad.sparse for the ops that take sparse tensors")

    # ---- facts -----------------------------------------------------------------------------
    @property
    def shape(self):
        return self._coo_size

    @property
    def dtype(self):
        return self._coo_values.dtype

    @property
    def device(self):
        return self._coo_values.device

    @property
    def xp(self):
        return self._coo_values.xp

    @property
    def ndim(self):
        return len(self._coo_size)

    def dim(self):
        return len(self._coo_size)

    def numel(self):
        """The number of elements of the dense tensor it stands for (PyTorch's answer too)."""
        return self._coo_size.numel()

    def element_size(self):
        return self._coo_values.element_size()

    def is_contiguous(self):
        return False

    def sparse_dim(self):
        return self._coo_indices.shape[0]

    def dense_dim(self):
        return self._coo_values.ndim - 1

    def _nnz(self):
        """The number of entries (specified elements), repeats included."""
        return self._coo_indices.shape[1]

    def is_coalesced(self):
        return self._coo_coalesced

    def indices(self):
        """The (sparse_dim, nnz) coordinates of a coalesced tensor (sharing its memory)."""
        self._need_coalesced("indices")
        return self._coo_indices.detach()

    def values(self):
        """The values of a coalesced tensor; gradients flow through them to the tensor."""
        self._need_coalesced("values")
        return share_values(self._coo_values)

    def _indices(self):
        """The coordinates as stored, coalesced or not."""
        return self._coo_indices.detach()

    def _values(self):
        """The values as stored, coalesced or not, cut from the graph (PyTorch's ``_values()``)."""
        return self._coo_values.detach()

    def _need_coalesced(self, op):
        if not self._coo_coalesced:
            raise ArgumentRuntimeError(f"{op}: cannot get {op} of an uncoalesced tensor, please call "
                                       ".coalesce() first")

    # ---- autograd: the values carry the graph ---------------------------------------------------
    @property
    def grad_fn(self):
        return self._coo_values.grad_fn

    @property
    def requires_grad(self):
        return self._coo_values.requires_grad

    @requires_grad.setter
    def requires_grad(self, flag):
        self._coo_values.requires_grad = flag

    @property
    def _requires_grad(self):
        return self._coo_values._requires_grad

    @property
    def grad(self):
        """A leaf's gradient on its sparsity pattern: a sparse tensor with its coalesced indices.

        Entries repeating a place each got the gradient of that place (the tensor is the sum
        of its entries), so one of them stands for the place."""
        g = self._coo_values.grad
        if g is None:
            return None
        if self._coo_coalesced:
            return SparseCooTensor._from_parts(self._coo_indices, g, self._coo_size, True)
        places, _, first = coalesce_plan(self._coo_indices.array, self._coo_size)
        return SparseCooTensor._from_parts(Tensor._make(places), GetItem.apply(g, index=(first,)), self._coo_size, True)

    @grad.setter
    def grad(self, value):
        if value is not None:
            raise NotSupported("grad: only None can be assigned to the gradient of a sparse tensor")
        self._coo_values.grad = None

    @property
    def data(self):
        return self.detach()

    @data.setter
    def data(self, value):
        raise NotSupported("data: assigning .data of a sparse tensor is not supported")

    def detach(self):
        return SparseCooTensor._from_parts(self._coo_indices, self._coo_values.detach(), self._coo_size,
                                           self._coo_coalesced)

    def detach_(self):
        self._coo_values = self._coo_values.detach()
        return self

    def _edge(self):
        raise NotSupported("autograd: gradients with respect to a sparse tensor itself (grad(), backward(inputs=)) "
                           "are not supported; take them with respect to the dense values it was made from")

    def register_hook(self, hook):
        raise NotSupported("register_hook: hooks on sparse tensors are not supported")

    def retain_grad(self):
        raise NotSupported("retain_grad: not supported for sparse tensors")

    # ---- conversions -----------------------------------------------------------------------
    def to_dense(self, dtype=None, *, masked_grad=None):
        """D = zeros(size); D[indices[:, e]] += values[e]: a scatter-add (repeats add up).

        Its gradient is the gather of dL/dD at the entries' places (ScatterAdd's backward)."""
        if dtype is not None:
            raise ArgumentRuntimeError("to_dense: the dtype argument is not supported for sparse tensors; "
                                       "use .to(dtype) first")
        values = self._coo_values
        if self.sparse_dim() == 0:  # no coordinates: the entries are the whole tensor, summed
            return values.sum(0)
        return ScatterAdd.apply(values, index=tuple(self._coo_indices.array), shape=tuple(self._coo_size))

    def to_sparse(self, sparse_dim=None, *, layout=None, blocksize=None, dense_dim=None):
        if layout not in (None, sparse_coo) or blocksize is not None:
            raise NotSupported(f"to_sparse: only the sparse COO layout is supported, got layout={layout}")
        if sparse_dim not in (None, self.sparse_dim()):
            raise ArgumentRuntimeError(f"to_sparse: cannot change the sparse_dim of a sparse tensor "
                                       f"({self.sparse_dim()} -> {sparse_dim})")
        return self

    def to_sparse_coo(self, sparse_dim=None):
        return self.to_sparse(sparse_dim)

    def coalesce(self):
        """Repeated places summed, entries sorted by place: each place once, in row-major order.

        The sum is a scatter-add of the values into one row per distinct place; its gradient
        gives every entry the gradient of its place."""
        if self._coo_coalesced:
            return self
        places, inverse, _ = coalesce_plan(self._coo_indices.array, self._coo_size)
        values = self._coo_values
        summed = ScatterAdd.apply(values, index=(inverse,), shape=(places.shape[1],) + tuple(values.shape[1:]))
        return SparseCooTensor._from_parts(Tensor._make(places), summed, self._coo_size, True)

    def to(self, *args, dtype=None, device=None, non_blocking=False, copy=False, memory_format=None):
        """Values cast and moved as a dense tensor's are (differentiably); indices moved along."""
        device, dtype, flags = parse_to_args(args, device, dtype)
        copy = copy or flags[1]
        values = self._coo_values.to(device=device, dtype=dtype, copy=copy)
        if values is self._coo_values:
            return self
        indices = self._coo_indices if device is None else self._coo_indices.to(device)
        return SparseCooTensor._from_parts(indices, values, self._coo_size, self._coo_coalesced)

    def type(self, dtype=None):
        """``s.type()`` is PyTorch's name, "torch.sparse.FloatTensor"; ``s.type(dtype)`` casts."""
        if dtype is not None:
            return super().type(dtype)
        from ..settings import typename

        prefix, name = typename(self).rsplit(".", 1)
        return f"{prefix}.sparse.{name}"

    def clone(self):
        indices = Tensor._make(self._coo_indices.array.copy())
        return SparseCooTensor._from_parts(indices, self._coo_values.clone(), self._coo_size, self._coo_coalesced)

    def __copy__(self):
        return SparseCooTensor._from_parts(self._coo_indices, share_values(self._coo_values), self._coo_size,
                                           self._coo_coalesced)

    def __deepcopy__(self, memo):
        import copy

        indices = Tensor._make(self._coo_indices.array.copy())
        values = copy.deepcopy(self._coo_values, memo)  # as a dense tensor's deepcopy: a leaf stays a leaf
        return SparseCooTensor._from_parts(indices, values, self._coo_size, self._coo_coalesced)

    # ---- printing --------------------------------------------------------------------------
    def __repr__(self):
        """PyTorch's layout: indices, values, then size, nnz, dtype, layout on a new line."""
        from ..dtypes import bool_, float32, int64
        from ..settings import print_options
        from ..tensor_format import with_suffixes

        text = ("tensor(" + _nested("indices", self._coo_indices.array, len("tensor(")) + ",\n" + " " * 7
                + _nested("values", self._coo_values.array, 7))
        suffixes = [f"device='{self.device}'"] if self.device.type != "cpu" else []
        suffixes += [f"size={tuple(self._coo_size)}", f"nnz={self._nnz()}"]
        if self.dtype not in (float32, int64, bool_):
            suffixes.append(f"dtype={self.dtype}")
        suffixes.append(f"layout={self.layout}")
        if self.grad_fn is not None:
            suffixes.append(f"grad_fn={self.grad_fn!r}")
        elif self.requires_grad:
            suffixes.append("requires_grad=True")
        text += ",\n" + " " * 7 + suffixes[0]  # the first suffix starts a line of its own
        return with_suffixes(text, suffixes[1:], print_options["linewidth"])


# ---- helpers ------------------------------------------------------------------------------------
def _nested(name, array, column):
    """``name=tensor([...])`` for a part of a sparse tensor whose text starts at ``column``."""
    from ..settings import print_options
    from ..tensor_format import tensor_body

    a = backend.to_device(array, "cpu")
    prefix = f"{name}=tensor("
    if a.size == 0:
        return prefix + f"[], size={tuple(a.shape)})"
    return prefix + tensor_body(a, print_options, indent=column + len(prefix)) + ")"


def share_values(values):
    """A new Tensor for the same values: in the graph (a view) when they require grad, else a
    detached alias. So each sparse tensor has its own values Tensor and its own leaf status."""
    if values.requires_grad:
        return Reshape.apply(values, shape=tuple(values.shape))
    return values.detach()


def place_keys(indices, size):
    """One integer per entry naming its place: the row-major (C order) position of its
    coordinates in the sparse dims, sum_d indices[d] * stride_d."""
    xp = backend.get_array_module(indices)
    keys = xp.zeros(indices.shape[1], dtype=np.int64)
    for d in range(indices.shape[0]):  # a loop over the few sparse dims, not over entries
        keys = keys * int(size[d]) + indices[d]
    return keys


def coalesce_plan(indices, size):
    """How to coalesce entries with these (sparse_dim, nnz) coordinates: the distinct places
    in row-major order as a (sparse_dim, n_places) array, each entry's place number, and the
    first entry at each place."""
    xp = backend.get_array_module(indices)
    keys = place_keys(indices, size)
    distinct, first, inverse = xp.unique(keys, return_index=True, return_inverse=True)
    return indices[:, first], inverse.reshape(-1), first


def _asking_op():
    """The op the program called that needed a dense array: the outermost frame of minigrad's
    own code named like a public op (``minigrad.x``, ``Tensor.x``, ``F.x``), else the Function
    being applied, else the innermost function. Read from the call stack, on this error path only."""
    import minigrad
    from ..nn import functional

    op = function = inner = None
    frame = sys._getframe(2)
    while frame is not None and frame.f_globals.get("__name__", "").startswith("minigrad."):
        name = frame.f_code.co_name
        inner = inner or (name if not name.startswith(("_", "<")) else None)
        if name == "apply" and function is None and isinstance(frame.f_locals.get("cls"), type):
            function = frame.f_locals["cls"].__name__  # Function.apply
        elif name.startswith("__") and name != "__init__" and name in vars(Tensor):  # an operator
            op = name
        elif not name.startswith("_") and any(hasattr(m, name) for m in (minigrad, Tensor, functional)):
            op = name
        frame = frame.f_back
    return op or function or inner or "array"
