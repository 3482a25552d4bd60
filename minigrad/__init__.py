"""minigrad: a small deep learning framework on NumPy (and CuPy), written to be read.

The public surface, PyTorch-shaped: ``Tensor`` and its factories, grad modes,
``grad()``, dtypes, devices, ``manual_seed``, ``save``/``load``; the layers in
``minigrad.nn``, optimizers in ``minigrad.optim``, data in ``minigrad.data`` and the
gradient checker in ``minigrad.testing``.
"""

from . import ops as _ops  # noqa: F401  (installs the operators on Tensor)
from .autograd import enable_grad, grad, is_grad_enabled, no_grad, set_grad_enabled
from .backend import Device as device
from .backend import is_cuda_available
from .creation import (arange, as_tensor, empty, empty_like, eye, from_numpy, full, full_like, linspace,
                       manual_seed, ones, ones_like, rand, randint, randn, randperm, tensor, zeros,
                       zeros_like)
from .dtypes import bool_, float16, float32, float64, int8, int16, int32, int64, uint8
from .ops.elementwise import abs, add, clamp, clip, cos, div, exp, log, maximum, minimum, mul, neg, pow, sin, sqrt, sub, where
from .ops.linalg import matmul
from .ops.reduction import mean, sum
from .ops.shape import (broadcast_to, expand, flatten, permute, reshape, squeeze, transpose, unsqueeze)
from .ops.activation import erf, gelu, leaky_relu, log_softmax, relu, sigmoid, softmax, softplus, tanh
from .ops.compare import (allclose, eq, equal, ge, gt, isclose, isfinite, isinf, isnan, le, logical_and,
                          logical_not, logical_or, logical_xor, lt, ne)
from .ops.indexing import gather, index_put, masked_fill
from .ops.reduction import amax, amin, argmax, argmin, logsumexp, max, min, std, var
from .ops.shape import cat, chunk, concat, pad, split, stack
from .serialization import load, save
from .tensor import Tensor

from . import data, nn, optim  # noqa: E402  (minigrad.nn etc. work after `import minigrad`, as in PyTorch)

float = float32  # noqa: A001  PyTorch's aliases: minigrad.float, minigrad.long, ...
double = float64
half = float16
long = int64
int = int32  # noqa: A001
bool = bool_  # noqa: A001

__version__ = "0.1.0"
