"""Linear layers: y = x W^T + b, and the do-nothing Identity.

``Linear(in_features, out_features)`` holds ``weight`` of shape (out_features, in_features)
and ``bias`` of shape (out_features,), PyTorch's shapes and names, initialised as PyTorch does:
weight ~ U(-1/sqrt(in), 1/sqrt(in)) (kaiming_uniform_ with a = sqrt(5)) and the same bound
for the bias.
"""

import math

from .. import creation
from . import functional as F
from . import init
from .lazy import mark_uninitialized
from .module import Module
from .parameter import Parameter


class Identity(Module):
    """Returns its input unchanged (any constructor arguments are ignored), a placeholder layer.

    Composition: none; returns its input (no Function of its own).
    """

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, x):
        return x


class Linear(Module):
    """y = x W^T + b for x of shape (*, in_features); y has shape (*, out_features).

    Function: ops/linear.py Linear (through F.linear); where it does not apply, ops/linalg.py MatMul and
    ops/elementwise.py Add.
    """

    def __init__(self, in_features, out_features, bias=True, device=None, dtype=None):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weight = Parameter(creation.empty(out_features, in_features, dtype=dtype, device=device))
        if bias:
            self.bias = Parameter(creation.empty(out_features, dtype=dtype, device=device))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        init._default_layer_init_(self.weight, self.bias)

    def forward(self, x):
        # F.linear(x, self.weight, self.bias), the two read from the registry: ``self.weight``
        # first fails on the instance and then runs Module.__getattr__, half a µs each per call
        params = self._parameters
        try:
            weight, bias = params["weight"], params["bias"]
        except KeyError:  # taken out of the registry (deleted, then set as a plain attribute)
            weight, bias = self.weight, self.bias
        return F.linear(x, weight, bias)

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class NonDynamicallyQuantizableLinear(Linear):
    """A Linear by another name: PyTorch's type for MultiheadAttention's ``out_proj`` (its
    quantization tools treat it apart), kept so that repr, isinstance checks and pickles that
    name the class agree. It computes what Linear does."""


class LazyLinear(Linear):
    """A Linear whose in_features is read off its first input (PyTorch's ``nn.LazyLinear``).

    Until then ``weight`` and ``bias`` are ``nn.UninitializedParameter`` placeholders; weight holds
    no elements, shape (out_features, 0). The first forward gives it its shape
    (out_features, x.shape[-1]) in place (the same objects, so an optimizer built before still
    trains them; now plain Parameters), initialises weight and bias as Linear does, and turns the
    module into a plain Linear. Load a state_dict after that first call: before it, the shapes
    do not match.

    Function: ops/linear.py Linear, as Linear.
    """

    cls_to_become = Linear

    def __init__(self, out_features, bias=True, device=None, dtype=None):
        super().__init__(0, out_features, bias, device=device, dtype=dtype)
        mark_uninitialized(self, "weight", "bias")

    def reset_parameters(self):
        if self.in_features:  # nothing to initialise before the shape is known
            super().reset_parameters()

    def forward(self, x):
        self.in_features = x.shape[-1]
        self.weight.materialize((self.out_features, self.in_features))
        if self.bias is not None:
            self.bias.materialize((self.out_features,))
        self.reset_parameters()
        self.__class__ = self.cls_to_become
        return Linear.forward(self, x)


class Bilinear(Module):
    """y_k = x1^T A_k x2 + b_k, with ``weight`` A of shape (out, in1, in2) and ``bias`` (out,).

    Both weight and bias start as U(-1/sqrt(in1), 1/sqrt(in1)), as in PyTorch.

    Composition: F.bilinear (no Function of its own).
    """

    def __init__(self, in1_features, in2_features, out_features, bias=True, device=None, dtype=None):
        super().__init__()
        self.in1_features, self.in2_features, self.out_features = in1_features, in2_features, out_features
        self.weight = Parameter(creation.empty(out_features, in1_features, in2_features, dtype=dtype, device=device))
        if bias:
            self.bias = Parameter(creation.empty(out_features, dtype=dtype, device=device))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        bound = 1 / math.sqrt(self.weight.shape[1]) if self.weight.shape[1] > 0 else 0
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, x1, x2):
        return F.bilinear(x1, x2, self.weight, self.bias)

    def extra_repr(self):
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")
