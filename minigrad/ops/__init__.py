"""Every differentiable primitive of minigrad, one module per family.

Each module defines its Function classes (forward formula and backward derivation in the
docstrings), the plain functions users call, and ``TENSOR_METHODS``: the Tensor methods
and operators it provides. ``minigrad.tensor`` installs them all on Tensor.
"""

from . import elementwise, linalg, reduction, selections, shape
from . import activation, compare, indexing
from . import dropout, embedding, loss, normalization
from . import attention, recurrent
from . import conv, pooling
from . import arithmetic, bitwise, exponential, nans, reduction_more, rounding, scan, trigonometric
from . import inplace_random
from . import group_norm, local_response_norm, rms_norm
from . import embedding_bag
from . import activations_piecewise, activations_smooth, ctc, distance, losses_margin, losses_regression, one_hot
from . import joining, new_tensors, rearrange, sampling, scatter, searching, selection, sorting, strided, triangular
from . import einsum, norms, products
from . import padding, scatter_into, special, statistics, tensor_facts
from . import complex_numbers, fourier
from . import python_callables, stft
from . import incomplete_gamma
from . import bessel, numerical_gradient
from . import tensor_forms

FAMILIES = (elementwise, selections, shape, reduction, linalg, activation, indexing, compare,
            dropout, embedding, loss, normalization, recurrent, attention,
            conv, pooling, inplace_random)
FAMILIES += (trigonometric, exponential, arithmetic, rounding, nans, bitwise, scan, reduction_more)
FAMILIES += (group_norm, rms_norm, local_response_norm, embedding_bag)
FAMILIES += (activations_piecewise, activations_smooth, distance, one_hot, losses_regression, losses_margin, ctc)
FAMILIES += (sorting, searching, selection, scatter, rearrange, joining, strided, triangular, new_tensors, sampling)
FAMILIES += (einsum, products, norms)
FAMILIES += (padding, scatter_into, special, statistics, tensor_facts, complex_numbers, fourier)
FAMILIES += (python_callables, stft)
FAMILIES += (incomplete_gamma,)
FAMILIES += (bessel, numerical_gradient)
FAMILIES += (tensor_forms,)  # after scatter_into: its unsafe splits replace the plain ones

TENSOR_METHODS = {}
for _family in FAMILIES:
    TENSOR_METHODS.update(_family.TENSOR_METHODS)

from ..tensor import Tensor as _Tensor

for _name, _method in TENSOR_METHODS.items():
    setattr(_Tensor, _name, _method)

# Keep this last: it gives every method installed above its in-place form (x.exp_(), ...).
from . import inplace  # noqa: E402

inplace.install(_Tensor)
