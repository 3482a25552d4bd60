"""More Tensor methods under PyTorch's names: the in-place comparisons (``x.gt_(y)``),
nextafter, the casts to complex (``cfloat``, ``cdouble``) and the unsafe splits.

- ``x.gt_(y)`` (and eq_, ne_, lt_, le_, ge_ with their long names) writes ``x > y`` into x
  in x's own dtype: 1 where true, 0 where false (1.0/0.0 for a float x). y is a tensor or a
  number and broadcasts to x's shape; x keeps its shape. It follows the in-place rules of
  ``ops/inplace.py``. A comparison is a step function, so no gradient flows through it;
  PyTorch still keeps the result in the graph of the operands that require grad, which then
  get a zero gradient, and so does minigrad (except for an integer x, which PyTorch then marks
  as requiring grad and minigrad leaves out of the graph: integer tensors cannot require grad).
- ``nextafter(x, y)``: the float next to x in the direction of y (a Function: below).
- ``cfloat()``, ``cdouble()``: casts to complex64 and complex128 (the gradient that comes back
  to a real tensor is the real part of g).
- ``unsafe_split``, ``unsafe_chunk``, ``unsafe_split_with_sizes``: the pieces of split and
  chunk, but autograd does not treat them as views (below).

Notation: docs/notation.md.
"""

from ..autograd.function import Function
from ..autograd.grad_mode import is_grad_enabled
from ..dtypes import complex64, complex128
from ..errors import ShapeError, UnsupportedDType
from ..tensor import Tensor
from .compare import eq, ge, gt, le, lt, ne
from .elementwise import _xp, check_broadcast, constant, pair, where
from .inplace import with_inplace
from .rounding import zero_grad
from .shape import chunk, split


# ---- in-place comparisons ------------------------------------------------------------------
def _compare_inplace(name, compare):
    op = name + "_"

    def inplace(self, other):
        if isinstance(other, Tensor):  # checked here, so that the error names the in-place op
            shape = check_broadcast(op, self.shape, other.shape)
            if tuple(shape) != tuple(self.shape):
                raise ShapeError(f"{op}: other of shape {tuple(other.shape)} makes the result {tuple(shape)}, "
                                 f"which does not fit the tensor of shape {tuple(self.shape)} written in place")
        result = compare(self, other).to(self.dtype)
        if is_grad_enabled() and self.dtype.kind in "fc":
            for operand in (self, other):  # PyTorch's graph link, with a zero gradient
                if isinstance(operand, Tensor) and operand.requires_grad:
                    result = result + zero_grad(operand)
        return self._write(result, op)

    inplace.__name__ = inplace.__qualname__ = op
    inplace.__doc__ = (f"In-place ``{name}``: x's value becomes ``x.{name}(other)`` in x's dtype "
                       "(1 where true, 0 where false).")
    return inplace


_COMPARISONS = {"eq": eq, "ne": ne, "lt": lt, "le": le, "gt": gt, "ge": ge, "not_equal": ne,
                "less": lt, "less_equal": le, "greater": gt, "greater_equal": ge}


# ---- nextafter -----------------------------------------------------------------------------
class Nextafter(Function):
    """z = the float next to x in the direction of y (z = y where x == y), NumPy's nextafter.

    z - x is one unit in the last place of x: a step function, constant between floats.
    PyTorch lets the gradient pass straight through to x, except where x == y, and gives y none:
        dL/dx = g where x != y (0 where x == y),   dL/dy = 0.
    A Function rather than the composition x + constant(z - x), which is nan at x = ±inf.
    """

    @staticmethod
    def forward(ctx, x, y):
        ctx.moved = x != y  # a mask of the broadcast shape, a constant in the backward
        return _xp(x).nextafter(x, y)

    @staticmethod
    def backward(ctx, g):
        return (where(constant(ctx.moved), g, 0.0) if ctx.needs_input_grad[0] else None,
                zero_grad(g) if ctx.needs_input_grad[1] else None)


def nextafter(input, other):
    """The next floating-point value after input towards other, elementwise (broadcasting)."""
    a, b = pair(input, other, "nextafter")
    if a.dtype.kind != "f":
        raise UnsupportedDType(f"nextafter: expects floating point tensors, got dtypes {input.dtype} and "
                               f"{getattr(other, 'dtype', type(other).__name__)}")
    return Nextafter.apply(a, b)


# ---- unsafe splits -------------------------------------------------------------------------
def _not_views(pieces):
    """The pieces of a split, no longer recorded as views of its input (PyTorch's unsafe_*).

    They still share the input's memory, but each gets its own version counter and no view
    record: changing a piece in place is allowed (it is not one of several views of one op)
    and does not rewrite the input's history. That is safe as long as only the input, or only
    the pieces, are changed in place afterwards; autograd cannot tell if both are.
    """
    for piece in pieces:
        piece._view, piece._vbox = None, [0]
    return pieces


def unsafe_split(input, split_size, dim=0):
    """split(input, split_size, dim) without the view checks on in-place changes of the pieces."""
    return _not_views(split(input, split_size, dim))


def unsafe_chunk(input, chunks, dim=0):
    """chunk(input, chunks, dim) without the view checks on in-place changes of the pieces."""
    return _not_views(chunk(input, chunks, dim))


def unsafe_split_with_sizes(input, split_sizes, dim=0):
    """split(input, list(split_sizes), dim) without the view checks on in-place changes of the pieces."""
    return _not_views(split(input, list(split_sizes), dim))


TENSOR_METHODS = {f"{name}_": _compare_inplace(name, fn) for name, fn in _COMPARISONS.items()}
TENSOR_METHODS.update(with_inplace({"nextafter": nextafter}))  # nextafter and nextafter_
TENSOR_METHODS.update({
    "cfloat": lambda self, memory_format=None: self.to(dtype=complex64, memory_format=memory_format),
    "cdouble": lambda self, memory_format=None: self.to(dtype=complex128, memory_format=memory_format),
    # these replace the plain split/chunk forms installed from ops/scatter_into.py
    "unsafe_split": unsafe_split, "unsafe_chunk": unsafe_chunk, "unsafe_split_with_sizes": unsafe_split_with_sizes,
})
