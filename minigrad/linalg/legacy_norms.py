"""torch.frobenius_norm and torch.nuclear_norm: PyTorch's older names for two norms, which it
keeps (with a deprecation warning, given once) for old programs and TorchScript.

    frobenius_norm(A, dim, keepdim=False) = sqrt(Σ |a|²) over dim (one or two dims; () is all)
                                          = linalg.vector_norm(A, 2, dim, keepdim)
    nuclear_norm(A, keepdim=False), nuclear_norm(A, dim, keepdim=False)
                                          = Σ of the singular values of each matrix over dim
                                          = linalg.matrix_norm(A, "nuc", dim, keepdim)

Compositions, so the gradients are those of vector_norm and of the singular values (svd.py).
"""

from ..errors import ArgumentRuntimeError, DTypeRuntimeError
from ..global_switches import warn_once
from ..ops.norms import vector_norm
from .norms import matrix_norm


def _floating(op, input):
    if input.dtype.kind != "f":
        raise DTypeRuntimeError(f"{op}: input dtype should be floating point, got {input.dtype}")


def frobenius_norm(input, dim, keepdim=False):
    """sqrt of the sum of squares of input over ``dim`` (an int, or a tuple of at most two).

    Composition: linalg.vector_norm(input, 2, dim, keepdim) (no Function of its own).
    """
    op = "frobenius_norm"
    warn_once("frobenius_norm is deprecated and kept for old programs: use linalg.vector_norm(A, 2, dim, keepdim) "
              "instead")
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    if len(dims) > 2:
        raise ArgumentRuntimeError(f"{op}: expected at most 2 dimensions in dim, got {dims}")
    _floating(op, input)
    return vector_norm(input, 2, dim=dims or None, keepdim=keepdim)  # dim=() means every element, as in PyTorch


def nuclear_norm(input, dim=None, keepdim=False):
    """The sum of the singular values of each matrix of input over ``dim`` (the last two by default).

    PyTorch has two forms, nuclear_norm(input, keepdim) and nuclear_norm(input, dim, keepdim);
    a bool second argument is taken as keepdim.

    Composition: linalg.matrix_norm(input, "nuc", dim, keepdim) (no Function of its own).
    """
    op = "nuclear_norm"
    if isinstance(dim, bool):
        dim, keepdim = None, dim
    warn_once("nuclear_norm is deprecated and kept for old programs: use linalg.matrix_norm(A, 'nuc', dim, "
              "keepdim) instead")
    dims = (-2, -1) if dim is None else tuple(dim)
    if len(dims) != 2:
        raise ArgumentRuntimeError(f"{op}: dim must be a 2-tuple of dimensions, got {dims}")
    _floating(op, input)
    return matrix_norm(input, "nuc", dim=dims, keepdim=keepdim)
