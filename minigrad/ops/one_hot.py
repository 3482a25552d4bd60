"""one_hot: class indices to indicator vectors (integers in, int64 out, not differentiable)."""

from ..errors import ArgumentRuntimeError, IndexRuntimeError, DTypeRuntimeError
from ..tensor import Tensor


def one_hot(tensor, num_classes=-1):
    """out[..., k] = 1 where tensor[...] == k, else 0; shape tensor.shape + (num_classes,), int64.

    num_classes=-1 takes one more than the largest index (an empty tensor then needs an
    explicit num_classes, as in PyTorch). Built by one comparison against arange(C), broadcast.

    Composition: none; an integer result, not differentiable (no Function of its own).
    """
    op = "one_hot"
    if tensor.dtype.kind not in "iu":
        raise DTypeRuntimeError(f"{op}: class values must be integers (int64), got dtype {tensor.dtype}")
    a, xp = tensor.array, tensor.xp
    if num_classes == -1:
        if a.size == 0:
            raise ArgumentRuntimeError(f"{op}: can not infer the total number of classes from an empty tensor; "
                                "pass num_classes")
        num_classes = int(a.max()) + 1
    if num_classes < -1 or int(num_classes) != num_classes:
        raise ArgumentRuntimeError(f"{op}: num_classes should be -1 or a non-negative integer, got {num_classes}")
    if a.size:
        lo, hi = int(a.min()), int(a.max())
        if lo < 0:
            raise IndexRuntimeError(f"{op}: class values must be non-negative, got {lo}")
        if hi >= num_classes:
            raise IndexRuntimeError(f"{op}: class value {hi} is out of range for num_classes={num_classes} "
                                  f"(values must be in [0, {num_classes - 1}])")
    classes = xp.arange(int(num_classes), dtype=xp.int64)
    return Tensor._make((a[..., None] == classes).astype(xp.int64))


TENSOR_METHODS = {}
