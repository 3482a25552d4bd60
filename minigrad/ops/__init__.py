"""Every differentiable primitive of minigrad, one module per family.

Each module defines its Function classes (forward formula and backward derivation in the
docstrings), the plain functions users call, and ``TENSOR_METHODS``: the Tensor methods
and operators it provides. ``minigrad.tensor`` installs them all on Tensor.
"""

from . import elementwise, linalg, reduction, shape
from . import activation, compare, indexing
from . import dropout, embedding, loss, normalization
from . import attention, recurrent
from . import conv, pooling

FAMILIES = (elementwise, shape, reduction, linalg, activation, indexing, compare,
            dropout, embedding, loss, normalization, recurrent, attention,
            conv, pooling)

TENSOR_METHODS = {}
for _family in FAMILIES:
    TENSOR_METHODS.update(_family.TENSOR_METHODS)

from ..tensor import Tensor as _Tensor

for _name, _method in TENSOR_METHODS.items():
    setattr(_Tensor, _name, _method)
