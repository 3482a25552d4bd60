"""Dtypes: the names users pass (``minigrad.float32``, ``"float64"``, numpy dtypes) and the
promotion rule for mixed inputs.

minigrad follows PyTorch: the default float is float32; integer with float gives the float
type (NumPy would give float64 for int64 + float32); python numbers take the tensor's dtype.
"""

import numpy as np

from .errors import DTypeError

float16 = np.dtype("float16")
float32 = np.dtype("float32")
float64 = np.dtype("float64")
int8 = np.dtype("int8")
int16 = np.dtype("int16")
int32 = np.dtype("int32")
int64 = np.dtype("int64")
uint8 = np.dtype("uint8")
bool_ = np.dtype("bool")

default_float = float32


def as_dtype(dtype):
    """Turn any dtype spelling into a numpy dtype (None stays None)."""
    if dtype is None:
        return None
    if dtype is bool:
        return bool_
    try:
        return np.dtype(dtype)
    except TypeError:
        raise DTypeError(f"unknown dtype {dtype!r}") from None


def is_floating(dtype):
    return np.dtype(dtype).kind == "f"


def promote(a, b):
    """The dtype of an op on tensors of dtypes a and b (PyTorch's rule for the common cases)."""
    a, b = np.dtype(a), np.dtype(b)
    if a == b:
        return a
    fa, fb = a.kind == "f", b.kind == "f"
    if fa and not fb:
        return a
    if fb and not fa:
        return b
    return np.result_type(a, b)


def scalar_dtype(value, tensor_dtype):
    """The dtype a python number takes when combined with a tensor of ``tensor_dtype``."""
    kind = np.dtype(tensor_dtype).kind
    if isinstance(value, (bool, np.bool_)):
        return tensor_dtype
    if isinstance(value, (float, np.floating)) and kind != "f":
        return default_float
    if isinstance(value, (int, np.integer)) and kind == "b":
        return int64
    if isinstance(value, complex):
        raise DTypeError("complex numbers are not supported")
    return tensor_dtype
