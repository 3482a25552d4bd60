"""``torch.backends``: the switches programs set before training.

``backends.cudnn.benchmark = True``, ``backends.cudnn.deterministic = True``,
``backends.cuda.matmul.allow_tf32 = False``, ``minigrad.set_float32_matmul_precision("high")``:
each is accepted and remembered, so such programs run unchanged, and none changes what
minigrad computes. minigrad does not call cuDNN (its convolutions are im2col and one GEMM,
on NumPy or CuPy), so every run is as deterministic as its seeds, and float32 products are
computed in float32 (no TF32 shortcut). ``backends.mps.is_available()`` is False: minigrad
has no Apple GPU backend.
"""

import warnings

from ..errors import DTypeError
from . import cpu, cuda, cudnn, mkl, mkldnn, mps, openmp

_PRECISIONS = ("highest", "high", "medium")
_precision = ["highest"]  # a list, so cuda.matmul can read and write the same setting


def set_float32_matmul_precision(precision):
    """Remember PyTorch's float32 matmul precision ('highest', 'high' or 'medium'); it has no
    effect on minigrad's products. An unknown name warns and changes nothing, as in PyTorch."""
    if precision not in _PRECISIONS:
        warnings.warn(f"{precision} is not one of 'highest', 'high', or 'medium'; the "
                      "set_float32_matmul_precision call has no effect.", stacklevel=2)
        return
    _precision[0] = precision


def get_float32_matmul_precision():
    """The precision last set (default 'highest')."""
    return _precision[0]


_deterministic = [False, False]  # mode, warn_only


def use_deterministic_algorithms(mode, *, warn_only=False):
    """Remember PyTorch's "deterministic algorithms only" switch. minigrad's ops are all
    deterministic already (no atomics, no autotuning), so there is nothing to turn off."""
    if not isinstance(mode, bool):
        raise DTypeError(f"use_deterministic_algorithms: mode must be a bool, got {type(mode).__name__}")
    _deterministic[:] = [mode, bool(warn_only)]


def are_deterministic_algorithms_enabled():
    """What ``use_deterministic_algorithms`` last set (default False)."""
    return _deterministic[0]


def is_deterministic_algorithms_warn_only_enabled():
    """The ``warn_only`` that ``use_deterministic_algorithms`` last set (default False)."""
    return _deterministic[1]


cuda.matmul._precision = _precision

__all__ = ["cpu", "cuda", "cudnn", "mps", "set_float32_matmul_precision", "get_float32_matmul_precision",
           "use_deterministic_algorithms", "are_deterministic_algorithms_enabled"]
