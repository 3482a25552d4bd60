"""What every linalg function checks first, and how a failed factorization is reported.

A matrix function takes (..., m, n) tensors: the last two axes are the matrix, every axis
before them is a batch, and the function runs on each matrix of the batch at once.
"""

from ..errors import ArgumentError, DTypeRuntimeError, LinAlgError, ShapeError
from ..tensor import Tensor


def matrix_input(A, op, square=False, low_precision=False):
    """A as a float tensor of at least 2 dimensions (and square ones when ``square``).

    float16 is refused unless ``low_precision`` (the functions made of matmuls and sums), as
    PyTorch refuses it for its LAPACK-based functions on the CPU (LAPACK has no float16)."""
    if not isinstance(A, Tensor):
        raise ArgumentError(f"{op}: expected a tensor, got {type(A).__name__}")
    if A.dtype.kind != "f":
        raise DTypeRuntimeError(f"{op}: expected a floating point tensor (float32 or float64), got dtype {A.dtype}")
    if A.dtype.itemsize < 4 and not low_precision:
        raise DTypeRuntimeError(f"{op}: low precision dtypes are not supported, got {A.dtype} "
                                f"(shape {tuple(A.shape)}); use float32 or float64")
    if A.ndim < 2:
        raise ShapeError(f"{op}: the input must have at least 2 dimensions, got shape {tuple(A.shape)}")
    if square and A.shape[-1] != A.shape[-2]:
        raise ShapeError(f"{op}: A must be batches of square matrices, but they are {A.shape[-2]} by "
                         f"{A.shape[-1]} matrices (shape {tuple(A.shape)})")
    return A


def lapack(op, fn, *arrays, what="the input matrix is singular"):
    """Call a NumPy/CuPy linalg routine; its LinAlgError becomes minigrad's, naming ``op``.

    CuPy does not raise on a failed factorization: it returns nan or inf. So a non-finite
    result from finite inputs is reported the same way.
    """
    import numpy as np

    from ..backend import get_array_module

    xp = get_array_module(*arrays)
    try:
        out = fn(*arrays)
    except np.linalg.LinAlgError as e:
        raise LinAlgError(f"{op}: {what} ({e}; shape {tuple(arrays[0].shape)})") from None
    if xp is not np:
        results = out if isinstance(out, tuple) else (out,)
        if all(bool(xp.isfinite(a).all()) for a in arrays) and not all(bool(xp.isfinite(r).all()) for r in results):
            raise LinAlgError(f"{op}: {what} (shape {tuple(arrays[0].shape)})")
    return out
