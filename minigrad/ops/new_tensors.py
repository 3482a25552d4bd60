"""Tensor methods that make a new tensor like an existing one: new_zeros, new_ones, new_full,
new_empty, new_tensor (same dtype and device unless told otherwise), and type_as.

None of them is part of the graph except type_as, which is a (differentiable) cast.
"""

from ..creation import torch_options
from ..tensor import Tensor


def _like(self, dtype, device):
    return (dtype or self.dtype), (device or self.device)


@torch_options(sizes=True, like=True)
def new_zeros(self, *size, dtype=None, device=None, requires_grad=False):
    """zeros(size) with this tensor's dtype and device."""
    from ..creation import zeros

    dtype, device = _like(self, dtype, device)
    return zeros(*size, dtype=dtype, device=device, requires_grad=requires_grad)


@torch_options(sizes=True, like=True)
def new_ones(self, *size, dtype=None, device=None, requires_grad=False):
    """ones(size) with this tensor's dtype and device."""
    from ..creation import ones

    dtype, device = _like(self, dtype, device)
    return ones(*size, dtype=dtype, device=device, requires_grad=requires_grad)


@torch_options(sizes=True, like=True)
def new_empty(self, *size, dtype=None, device=None, requires_grad=False):
    """An uninitialised tensor of ``size`` (here zeros) with this tensor's dtype and device."""
    return new_zeros(self, *size, dtype=dtype, device=device, requires_grad=requires_grad)


@torch_options(like=True)
def new_full(self, size, fill_value, dtype=None, device=None, requires_grad=False):
    """full(size, fill_value) with this tensor's dtype and device."""
    from ..creation import full

    dtype, device = _like(self, dtype, device)
    return full(tuple(size), fill_value, dtype=dtype, device=device, requires_grad=requires_grad)


@torch_options(like=True)
def new_tensor(self, data, dtype=None, device=None, requires_grad=False):
    """tensor(data) (a copy) with this tensor's dtype and device."""
    from ..creation import tensor

    dtype, device = _like(self, dtype, device)
    return tensor(data, dtype=dtype, device=device, requires_grad=requires_grad)


def type_as(self, other):
    """This tensor cast to other's dtype (differentiable)."""
    if not isinstance(other, Tensor):
        raise TypeError(f"type_as: expects a Tensor, got {type(other).__name__}")
    return self.to(dtype=other.dtype)


TENSOR_METHODS = {
    "new_zeros": new_zeros, "new_ones": new_ones, "new_empty": new_empty, "new_full": new_full,
    "new_tensor": new_tensor, "type_as": type_as,
}
