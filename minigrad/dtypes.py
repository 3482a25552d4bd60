"""Dtypes: the names users pass (``minigrad.float32``, ``"float64"``, numpy dtypes) and the
promotion rule for mixed inputs.

minigrad follows PyTorch: the default float is float32; integer with float gives the float
type (NumPy would give float64 for int64 + float32); python numbers take the tensor's dtype.
"""

import numpy as np

from .errors import DTypeError, UnsupportedDType

float16 = np.dtype("float16")
float32 = np.dtype("float32")
float64 = np.dtype("float64")
int8 = np.dtype("int8")
int16 = np.dtype("int16")
int32 = np.dtype("int32")
int64 = np.dtype("int64")
uint8 = np.dtype("uint8")
bool_ = np.dtype("bool")
complex64 = np.dtype("complex64")
complex128 = np.dtype("complex128")



class UnsupportedDTypeName:
    """A dtype PyTorch has and NumPy lacks (bfloat16, the 8-bit floats): the name exists, so a
    program that only mentions it (a table of dtypes, ``x.dtype == torch.bfloat16``) runs,
    and any tensor asked to take it raises UnsupportedDType naming it."""

    is_floating_point, is_complex, is_signed = True, False, True

    def __init__(self, name, itemsize):
        self.name, self.itemsize = name, itemsize

    def __repr__(self):
        return f"minigrad.{self.name}"

    def refuse(self, op="dtype"):
        raise UnsupportedDType(f"{op}: dtype {self.name} is not supported (NumPy has no {self.name}); "
                               "use float32 or float16")


bfloat16 = UnsupportedDTypeName("bfloat16", 2)
float8_e4m3fn = UnsupportedDTypeName("float8_e4m3fn", 1)
float8_e5m2 = UnsupportedDTypeName("float8_e5m2", 1)

default_float = float32


def as_dtype(dtype):
    """Turn any dtype spelling into a numpy dtype (None stays None).

    Names as strings ("float32") are accepted, a convenience PyTorch does not offer (it raises
    TypeError): no PyTorch program passes one, so none behaves differently here.
    """
    if dtype is None:
        return None
    if dtype is bool:
        return bool_
    if isinstance(dtype, UnsupportedDTypeName):
        dtype.refuse()
    try:
        return np.dtype(dtype)
    except TypeError:
        raise DTypeError(f"unknown dtype {dtype!r}") from None


def is_floating(dtype):
    return np.dtype(dtype).kind == "f"


def default_complex():
    """The complex dtype Python complex numbers get: complex128 when the default float is
    float64, else complex64 (PyTorch's rule)."""
    return complex128 if default_float == float64 else complex64


def get_default_dtype():
    """The dtype Python floats and float factories get (float32 unless changed)."""
    return default_float


def set_default_dtype(dtype):
    """Change the default float dtype (float16, float32 or float64), as torch.set_default_dtype.

    Code that reads ``minigrad.dtypes.default_float`` sees the change."""
    global default_float
    dtype = as_dtype(dtype)
    if dtype is None or dtype.kind != "f":
        raise DTypeError(f"set_default_dtype: only floating point dtypes can be the default, got {dtype}")
    default_float = dtype


# ---- PyTorch's type promotion -----------------------------------------------------------------
# Categories, lowest first: bool < integer < floating < complex. Two dtypes of different
# categories promote to the higher category's dtype (int64 + float16 is float16, where NumPy
# says float64; int64 + complex64 is complex64), except that a float and a complex dtype meet
# at the wider precision (float64 + complex64 is complex128); within a category, to the wider
# one (as NumPy).
def _category(dtype):
    return {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}[np.dtype(dtype).kind]


def promote_types(a, b):
    """The smallest dtype both ``a`` and ``b`` can be cast to, by PyTorch's table."""
    a, b = np.dtype(a), np.dtype(b)
    if a == b:
        return a
    ca, cb = _category(a), _category(b)
    if ca != cb and (max(ca, cb) == 2 or min(ca, cb) < 2):  # not float with complex
        return a if ca > cb else b
    return np.promote_types(a, b)


promote = promote_types


def can_cast(from_, to):
    """Whether an op may store a result of dtype ``from_`` into a tensor of dtype ``to``:
    PyTorch refuses floating to integer or bool, and integer to bool."""
    return _category(from_) <= _category(to)


def _operand_dtype(x):
    """(priority, dtype) of one operand: 2 for a tensor with dimensions, 1 for a 0-d tensor,
    0 for a Python number (whose dtype is the default one of its category)."""
    if hasattr(x, "array") and hasattr(x, "grad_fn"):  # a Tensor (tensor.py imports this module)
        return (2 if x.array.ndim else 1), x.array.dtype
    if isinstance(x, (bool, np.bool_)):
        return 0, bool_
    if isinstance(x, (int, np.integer)):
        return 0, int64
    if isinstance(x, (float, np.floating)):
        return 0, default_float
    if isinstance(x, (complex, np.complexfloating)):
        return 0, default_complex()
    if hasattr(x, "dtype") and hasattr(x, "ndim"):  # a raw array counts as a tensor
        return (2 if x.ndim else 1), np.dtype(x.dtype)
    raise DTypeError(f"result_type: cannot take the dtype of {type(x).__name__}")


def result_type(*operands):
    """The dtype of an op on ``operands`` (tensors and Python numbers), PyTorch's rule.

    Operands are grouped by priority: tensors with dimensions, then 0-d tensors, then Python
    numbers. Within a group the dtypes promote as ``promote_types``. A lower group changes
    the result only when its category is higher: float32 tensor + 0-d float64 tensor is
    float32, int64 tensor + 2.5 is the default float, int8 tensor + 1000 stays int8.
    """
    groups = [None, None, None]
    for x in operands:
        p, dt = _operand_dtype(x)
        groups[p] = dt if groups[p] is None else promote_types(groups[p], dt)
    wrapped, zero_dim, dimensioned = groups
    return _combine(_combine(dimensioned, zero_dim), wrapped)


def _combine(higher, lower):
    """The result of a higher-priority group's dtype with a lower one's (PyTorch's
    combine_categories): the lower one counts only when it is of a higher category."""
    if higher is None:
        return lower
    if lower is None or _category(higher) >= max(2, _category(lower)):
        return higher
    if higher == bool_ or _category(lower) >= 2:
        return promote_types(higher, lower)
    return higher


def scalar_dtype(value, tensor_dtype):
    """The dtype a python number takes when combined with a tensor of ``tensor_dtype``."""
    if not isinstance(value, (bool, int, float, complex, np.bool_, np.integer, np.floating, np.complexfloating)):
        return tensor_dtype  # lists and arrays take the tensor's dtype
    return result_type(np.empty((1,), dtype=tensor_dtype), value)
