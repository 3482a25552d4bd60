"""Bitwise ops on bool and integer tensors: and, or, xor, not, left and right shifts, and the
operators ``& | ^ ~ << >>``.

Their results are integers or bools, so they are not part of the graph (no Function, no
gradient), as in PyTorch. Operands broadcast; a python number takes the tensor's dtype.
Floating point tensors are refused, as PyTorch has no bitwise kernel for them.
"""

from ..errors import UnsupportedDType
from ..tensor import Tensor
from .elementwise import pair


def _integer_pair(a, b, op):
    a, b = pair(a, b, op)
    if a.dtype.kind not in "biu":
        raise UnsupportedDType(f"{op}: needs bool or integer tensors, got dtype {a.dtype}")
    return a, b


def _bitwise(ufunc, op):
    def fn(input, other):
        a, b = _integer_pair(input, other, op)
        if "shift" in op and a.dtype.kind == "b":
            raise UnsupportedDType(f"{op}: needs integer tensors, got dtype bool (as PyTorch)")
        return Tensor._make(getattr(a.xp, ufunc)(a.array, b.array))

    fn.__name__ = op
    fn.__doc__ = f"Elementwise ``{op}`` of bool or integer tensors (broadcasting; not differentiable)."
    return fn


bitwise_and = _bitwise("bitwise_and", "bitwise_and")
bitwise_or = _bitwise("bitwise_or", "bitwise_or")
bitwise_xor = _bitwise("bitwise_xor", "bitwise_xor")
bitwise_left_shift = _bitwise("left_shift", "bitwise_left_shift")
bitwise_right_shift = _bitwise("right_shift", "bitwise_right_shift")  # arithmetic: keeps the sign


def bitwise_not(input):
    """~x: logical not for bool tensors, bitwise not (two's complement) for integers."""
    if input.dtype.kind not in "biu":
        raise UnsupportedDType(f"bitwise_not: needs a bool or integer tensor, got dtype {input.dtype}")
    return Tensor._make(input.xp.invert(input.array))


def _reflected(fn):
    def method(self, other):
        return fn(other, self)

    return method


def _augmented(fn, name):
    def method(self, other):
        return self._write(fn(self, other), name)

    return method


_BINARY = {"bitwise_and": bitwise_and, "bitwise_or": bitwise_or, "bitwise_xor": bitwise_xor,
           "bitwise_left_shift": bitwise_left_shift, "bitwise_right_shift": bitwise_right_shift}
_OPERATORS = {"and": bitwise_and, "or": bitwise_or, "xor": bitwise_xor,
              "lshift": bitwise_left_shift, "rshift": bitwise_right_shift}

TENSOR_METHODS = {"bitwise_not": bitwise_not, "__invert__": bitwise_not,
                  "bitwise_not_": lambda self: self._write(bitwise_not(self), "bitwise_not_")}
for _name, _fn in _BINARY.items():
    TENSOR_METHODS[_name] = _fn
    TENSOR_METHODS[_name + "_"] = _augmented(_fn, _name + "_")
for _name, _fn in _OPERATORS.items():
    TENSOR_METHODS[f"__{_name}__"] = _fn
    TENSOR_METHODS[f"__r{_name}__"] = _reflected(_fn)
    TENSOR_METHODS[f"__i{_name}__"] = _augmented(_fn, f"__i{_name}__")
