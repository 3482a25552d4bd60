"""minigrad: a small deep learning framework on NumPy (and CuPy), written to be read.

The public surface, PyTorch-shaped: ``Tensor`` and its factories, grad modes,
``grad()``, dtypes, devices, ``manual_seed``, ``save``/``load``; the layers in
``minigrad.nn``, optimizers in ``minigrad.optim``, data in ``minigrad.data`` and the
gradient checker in ``minigrad.testing``.
"""

import math as _math

import numpy as _np

from . import host_memory as _host_memory  # noqa: F401  (keeps freed memory for reuse: see its docstring)
from . import ops as _ops  # noqa: F401  (installs the operators on Tensor)
from .autograd import enable_grad, grad, is_grad_enabled, no_grad, set_grad_enabled
from .autograd import inference_mode, is_inference_mode_enabled
from .backend import Device as device
from .backend import get_default_device, set_default_device
from .backend import is_cuda_available
from .creation import (arange, as_tensor, empty, empty_like, eye, from_numpy, full, full_like, linspace,
                       manual_seed, ones, ones_like, rand, randint, randn, randperm, tensor, zeros,
                       zeros_like)
from .dtypes import bool_, complex64, complex128, float16, float32, float64, int8, int16, int32, int64, uint8
from .dtypes import bfloat16, float8_e4m3fn, float8_e5m2
from .dtypes import can_cast, get_default_dtype, promote_types, result_type, set_default_dtype
from .ops.elementwise import abs, add, clamp, clip, cos, div, exp, log, maximum, minimum, mul, neg, pow, sin, sqrt, sub, where
from .ops.linalg import matmul
from .ops.reduction import mean, sum
from .ops.shape import (broadcast_to, expand, flatten, permute, reshape, squeeze, transpose, unsqueeze)
from .ops.activation import erf, gelu, leaky_relu, log_softmax, relu, sigmoid, softmax, softplus, tanh
from .ops.activation import relu_, sigmoid_, tanh_
from .ops.activations_piecewise import hardshrink, prelu, rrelu, rrelu_, threshold, threshold_
from .ops.activations_smooth import celu, celu_, selu, selu_
from .ops.ctc import ctc_loss
from .ops.distance import cosine_similarity, pairwise_distance, pdist
from .ops.losses_margin import cosine_embedding_loss, hinge_embedding_loss, margin_ranking_loss, triplet_margin_loss
from .ops.losses_regression import poisson_nll_loss
from .ops.compare import (allclose, eq, equal, ge, gt, isclose, isfinite, isinf, isnan, le, logical_and,
                          logical_not, logical_or, logical_xor, lt, ne)
from .ops.indexing import gather, index_put, masked_fill
from .ops.reduction import amax, amin, argmax, argmin, logsumexp, max, min, std, var
from .ops.elementwise import clamp_max, clamp_min, divide, true_divide
from .ops.trigonometric import (acos, acosh, arccos, arccosh, arcsin, arcsinh, arctan, arctan2, arctanh, asin,
                                asinh, atan, atan2, atanh, cosh, deg2rad, hypot, rad2deg, sinh, tan)
from .ops.exponential import erfc, exp2, expm1, log1p, log2, log10, logaddexp, logaddexp2, rsqrt, xlogy
from .ops.arithmetic import absolute, float_power, lerp, multiply, negative, positive, reciprocal, square, subtract
from .ops.rounding import ceil, copysign, fix, floor, floor_divide, fmod, frac, remainder, round, sgn, sign, trunc
from .ops.nans import fmax, fmin, nan_to_num
from .ops.bitwise import (bitwise_and, bitwise_left_shift, bitwise_not, bitwise_or, bitwise_right_shift,
                          bitwise_xor)
from .ops.compare import isneginf, isposinf, isreal
from .ops.scan import cummax, cummin, cumprod, cumsum, logcumsumexp
from .ops.trapezoid import cumulative_trapezoid, trapezoid, trapz
from .ops.vander import vander
from .ops.cholesky_solve import cholesky_solve
from .ops.reduction_more import (aminmax, count_nonzero, nanmean, nansum, prod, std_mean, var_mean)
from .ops.reduction_more import all, any  # noqa: A004  (torch.all / torch.any shadow the builtins here too)
from .ops.padding import pad
from .ops.shape import cat, chunk, concat, split, stack
from .ops.shape import unflatten
from .creation import empty_strided, logspace, tril_indices, triu_indices
from .ops.sorting import argsort, kthvalue, median, mode, msort, nanmedian, sort, topk
from .ops.searching import bucketize, isin, searchsorted, unique, unique_consecutive, unravel_index
from .ops.selection import argwhere, index_select, masked_select, nonzero, take, take_along_dim
from .ops.scatter import index_add, index_copy, index_fill, masked_scatter, scatter, scatter_add, scatter_reduce
from .ops.sampling import multinomial
from .ops.rearrange import (flip, fliplr, flipud, moveaxis, movedim, narrow, repeat_interleave, roll, rot90,
                            swapaxes, swapdims, tile)
from .ops.joining import (atleast_1d, atleast_2d, atleast_3d, block_diag, broadcast_shapes, broadcast_tensors,
                          cartesian_prod, column_stack, combinations, dsplit, dstack, hsplit, hstack, meshgrid,
                          row_stack, tensor_split, unbind, vsplit, vstack)
from .ops.strided import as_strided, diagonal
from .ops.triangular import diag, diag_embed, diagflat, tril, triu
from .ops.einsum import einsum
from .ops.norms import cdist, dist, trace
from .ops.products import (addbmm, addmm, addmv, addr, baddbmm, bmm, chain_matmul, dot, ger, inner, kron, mm, mv,
                           outer, tensordot, vdot)
from .linalg import cholesky, det, logdet, matrix_exp, matrix_power, pinverse, slogdet
from .linalg import inv as inverse
from .linalg import legacy_cross as cross
from .linalg import svd_legacy as svd
from .linalg import tensor_norm as norm
from .linalg import legacy_qr as qr
from .ops.special import digamma, erfinv, lgamma, logit, mvlgamma, polygamma, sinc, xlog1py
from .ops.statistics import (histogram, bincount, corrcoef, cov, diff, frexp, gcd, heaviside, histc, lcm, ldexp, nanquantile,
                             quantile, renorm, signbit)
from .ops.scatter_into import (diagonal_scatter, index_reduce, put, select, select_scatter, slice_scatter,
                               split_with_sizes)
from .legacy_tensors import CPU_TYPES as _LEGACY_TYPES, set_default_tensor_type
globals().update(_LEGACY_TYPES)  # FloatTensor, LongTensor, ...: PyTorch's legacy tensor types
from .settings import (autocast, compile, finfo, get_num_interop_threads, get_num_threads, iinfo,
                       set_num_interop_threads, set_num_threads, set_printoptions, typename)
from .settings import (clear_autocast_cache, get_autocast_cpu_dtype, get_autocast_dtype, get_autocast_gpu_dtype,
                       is_autocast_cache_enabled, is_autocast_cpu_enabled, is_autocast_enabled,
                       set_autocast_cache_enabled, set_autocast_dtype, set_autocast_enabled)
from .serialization import load, save
from .tensor import Tensor
from .creation import bernoulli, normal, poisson, rand_like, randint_like, randn_like
from .random import Generator, default_generator, get_rng_state, initial_seed, seed, set_rng_state
from .tensor_info import is_floating_point, is_tensor, numel
from .backends import (are_deterministic_algorithms_enabled, get_float32_matmul_precision,
                       set_float32_matmul_precision, use_deterministic_algorithms)

from . import data, distributions, nn, optim, special  # noqa: E402  (minigrad.nn etc. work after `import minigrad`, as in PyTorch)
from . import accelerator, amp, backends, cuda, func, jit, random, utils  # noqa: E402  (PyTorch's module paths)
from . import profiler  # noqa: E402  (torch.profiler; minigrad.autograd.profiler below)
from .autograd import profiler as _autograd_profiler  # noqa: E402,F401
from . import linalg  # noqa: E402  (minigrad.linalg.inv, as torch.linalg.inv)
from . import fft  # noqa: E402  (minigrad.fft.rfft, as torch.fft.rfft)
from . import sparse  # noqa: E402  (minigrad.sparse.mm, as torch.sparse.mm)
from .sparse import sparse_coo_tensor, spmm  # noqa: E402
from .layouts import layout, sparse_coo, strided  # noqa: E402
from .memory_formats import channels_last, channels_last_3d, contiguous_format, memory_format, preserve_format  # noqa: E402
from .ops.stft import istft, stft  # noqa: E402  (torch.stft, torch.istft; Tensor.stft too)
from .window_functions import bartlett_window, blackman_window, hamming_window, hann_window, kaiser_window  # noqa: E402
from . import signal  # noqa: E402  (minigrad.signal.windows.hann, as torch.signal.windows.hann)
from . import distributed  # noqa: E402  (torch.distributed's names; mpi4py is imported only by init_process_group)
# PyTorch also keeps these nn.functional functions at the top level (torch.conv2d, torch.dropout, ...)
from .nn.functional import (adaptive_avg_pool1d, adaptive_max_pool1d, avg_pool1d, batch_norm, bilinear,  # noqa: E402
                            binary_cross_entropy_with_logits, conv1d, conv2d, conv3d, conv_transpose1d,
                            conv_transpose2d, conv_transpose3d, dropout, embedding, embedding_bag, group_norm,
                            instance_norm, kl_div, layer_norm, max_pool1d, max_pool2d, max_pool3d, pixel_shuffle,
                            pixel_unshuffle, rms_norm)
from .ops.compare import ge as greater_equal, gt as greater, le as less_equal, lt as less, ne as not_equal  # noqa: E402
from .ops.inplace import addcdiv, addcmul  # noqa: E402
from .ops.complex_numbers import (angle, complex, conj, conj_physical, imag, polar, real,  # noqa: E402,A004
                                   resolve_conj, view_as_complex, view_as_real)

from .aliases import (Size, clone, concatenate, detach, rsub, is_complex, is_nonzero, is_same_size, is_signed, ravel,  # noqa: E402
                      scalar_tensor, t)
from .aliases import adjoint, asarray, frombuffer, is_storage, narrow_copy, range, resolve_neg  # noqa: E402,A004
from .vmap import vmap  # noqa: E402
from .linalg import cholesky_inverse, legacy_lu as lu, legacy_lu_solve as lu_solve, triangular_solve  # noqa: E402
from .linalg.lu_solve import lu_unpack  # noqa: E402
from .linalg.householder import orgqr  # noqa: E402
from .linalg.lowrank import pca_lowrank, svd_lowrank  # noqa: E402
from .ops.bessel import i0  # noqa: E402
from .ops.numerical_gradient import gradient  # noqa: E402
from .ops.incomplete_gamma import gammainc as igamma, gammaincc as igammac  # noqa: E402  (torch.vmap, as torch.func.vmap)
from .ops.tensor_forms import nextafter, unsafe_chunk, unsafe_split, unsafe_split_with_sizes  # noqa: E402
from .inplace_functions import FUNCTIONS as _INPLACE_FUNCTIONS  # noqa: E402
from .view_copies import FUNCTIONS as _VIEW_COPIES  # noqa: E402
globals().update(_INPLACE_FUNCTIONS)  # minigrad.exp_(t), ...: t.exp_() (inplace_functions.py)
globals().update(_VIEW_COPIES)  # minigrad.t_copy(x), ...: x.t().clone() (view_copies.py)

from .ops.recurrent_cells import gru_cell, lstm_cell, rnn_relu_cell, rnn_tanh_cell  # noqa: E402
from .ops.native_norms import native_batch_norm, native_group_norm, native_layer_norm  # noqa: E402
from .ops.dropout_variants import (alpha_dropout, alpha_dropout_, feature_alpha_dropout,  # noqa: E402
                                   feature_alpha_dropout_, feature_dropout, feature_dropout_, native_dropout)
from .ops.aten_names import constant_pad_nd, convolution, native_channel_shuffle, nonzero_static  # noqa: E402
from .ops.pixel_shuffle import channel_shuffle  # noqa: E402
from .ops.binomial import binomial  # noqa: E402
from .linalg.legacy_norms import frobenius_norm, nuclear_norm  # noqa: E402
from .tensor_info import get_device, is_conj, is_distributed, is_inference, is_neg  # noqa: E402
from .storage import TypedStorage, UntypedStorage, empty_permuted  # noqa: E402  (installs Tensor.untyped_storage & co.)
from .global_switches import (get_deterministic_debug_mode, is_warn_always_enabled,  # noqa: E402
                              set_deterministic_debug_mode, set_flush_denormal, set_warn_always)
from .backends import is_deterministic_algorithms_warn_only_enabled  # noqa: E402

dtype = _np.dtype  # isinstance(x.dtype, minigrad.dtype), as with torch.dtype

float = float32  # noqa: A001  PyTorch's aliases: minigrad.float, minigrad.long, ...
double = float64
half = float16
cfloat = complex64
cdouble = complex128
long = int64
int = int32  # noqa: A001
bool = bool_  # noqa: A001

inf, nan, pi, e = _math.inf, _math.nan, _math.pi, _math.e  # torch.inf, ... (plain Python floats, as there)
newaxis = None  # x[:, minigrad.newaxis], as NumPy's and torch's

from .amp import GradScaler  # noqa: E402  torch.GradScaler is torch.amp.GradScaler

from .out_argument import add_out_argument as _add_out_argument  # noqa: E402

_add_out_argument(globals())  # minigrad.add(a, b, out=c), ... (out_argument.py)
_add_out_argument(vars(linalg), linalg.__all__)  # torch.linalg and torch.special take out= throughout
_add_out_argument(vars(special), special.__all__)

__version__ = "0.1.0"  # a literal: setup.cfg reads it without importing minigrad
from . import version  # noqa: E402  (torch.version; it reads __version__ from here)



def __getattr__(name):
    """A name minigrad does not have: say so plainly.

    Without this, Python's "Did you mean" hint picks the closest name in the package, which is
    often one of minigrad's own internal modules (``minigrad.serialisation`` -> "Did you mean:
    'serialization'?", a module no PyTorch program should reach for), pointing a PyTorch
    program at the wrong thing.
    """
    if name in ("keras", "testing", "multiprocessing", "onnx", "hub"):  # loaded on first use, as PyTorch's own are
        import importlib  # there: `import minigrad as tf; tf.keras...`, `torch.testing.assert_close`

        return importlib.import_module("minigrad." + name)
    error = AttributeError(f"module 'minigrad' has no attribute {name!r}")
    # Python fills in name and obj when they are missing and then computes its hint from
    # dir(obj); an obj with nothing in it turns the hint off.
    error.name, error.obj = name, _NO_HINT
    raise error


class _NoHint:
    def __dir__(self):
        return []


_NO_HINT = _NoHint()
