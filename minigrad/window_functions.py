"""Window functions for stft and istft: hann_window, hamming_window, blackman_window,
bartlett_window and kaiser_window (PyTorch's torch.hann_window, ...).

A window of N samples tapers a frame to zero at its edges, so that the frame's DFT does not
see the jump between its two ends (spectral leakage). With M = N - 1 (``periodic=False``, the
symmetric window) or M = N (``periodic=True``, the default: one period of a window of N + 1
samples without its last one, so that windows hop_length = N/4 or N/2 apart add up to a
constant, which is what stft and istft want), for n = 0 .. N-1:

    hann       w[n] = 1/2 - 1/2 cos(2πn / M)
    hamming    w[n] = alpha - beta cos(2πn / M)                (alpha = 0.54, beta = 0.46)
    blackman   w[n] = 0.42 - 0.5 cos(2πn / M) + 0.08 cos(4πn / M)
    bartlett   w[n] = 1 - |2n / M - 1|
    kaiser     w[n] = I0(beta sqrt(1 - (2n / M - 1)²)) / I0(beta)   (I0: the modified Bessel function)

A window of one sample is [1]; of none, empty. The values are computed in float64 and then
given the dtype asked for (the default float dtype unless said): constants, no gradient
unless ``requires_grad``.
"""

import numpy as np

from . import creation, dtypes
from .errors import ArgumentRuntimeError, ArgumentTypeError, DTypeRuntimeError

__all__ = ["hann_window", "hamming_window", "blackman_window", "bartlett_window", "kaiser_window"]


def _window(op, window_length, periodic, formula, dtype, device, requires_grad):
    """The window of ``window_length`` samples: formula(n, M) on n = 0 .. N-1 (see the module docstring)."""
    if isinstance(window_length, bool) or not isinstance(window_length, (int, np.integer)):
        raise ArgumentTypeError(f"{op}: window_length must be an int, got {window_length!r}")
    n = int(window_length)
    if n < 0:
        raise ArgumentRuntimeError(f"{op} requires non-negative window_length, got window_length={n}")
    dtype = dtypes.default_float if dtype is None else dtypes.as_dtype(dtype)
    if dtype.kind != "f":
        raise DTypeRuntimeError(f"{op} expects floating point dtypes, got {dtype}")
    if n <= 1:
        values = np.ones(n)
    else:
        values = formula(np.arange(n, dtype=np.float64), n if periodic else n - 1)
    return creation.tensor(values, dtype=dtype, device=device, requires_grad=requires_grad)


def hann_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, requires_grad=False):
    """w[n] = 1/2 - 1/2 cos(2πn / M): the raised cosine (see the module docstring)."""
    return _window("hann_window", window_length, periodic, lambda n, m: 0.5 - 0.5 * np.cos(2 * np.pi * n / m),
                   dtype, device, requires_grad)


def hamming_window(window_length, periodic=True, alpha=0.54, beta=0.46, *, dtype=None, layout=None, device=None,
                   requires_grad=False):
    """w[n] = alpha - beta cos(2πn / M): a raised cosine that does not quite reach zero."""
    return _window("hamming_window", window_length, periodic,
                   lambda n, m: alpha - beta * np.cos(2 * np.pi * n / m), dtype, device, requires_grad)


def blackman_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, requires_grad=False):
    """w[n] = 0.42 - 0.5 cos(2πn / M) + 0.08 cos(4πn / M)."""
    return _window("blackman_window", window_length, periodic,
                   lambda n, m: 0.42 - 0.5 * np.cos(2 * np.pi * n / m) + 0.08 * np.cos(4 * np.pi * n / m),
                   dtype, device, requires_grad)


def bartlett_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, requires_grad=False):
    """w[n] = 1 - |2n / M - 1|: the triangle."""
    return _window("bartlett_window", window_length, periodic, lambda n, m: 1 - np.abs(2 * n / m - 1),
                   dtype, device, requires_grad)


def kaiser_window(window_length, periodic=True, beta=12.0, *, dtype=None, layout=None, device=None,
                  requires_grad=False):
    """w[n] = I0(beta sqrt(1 - (2n / M - 1)²)) / I0(beta): larger beta, narrower window."""
    def formula(n, m):
        ratio = np.clip(2 * n / m - 1, -1.0, 1.0)
        return np.i0(beta * np.sqrt(1 - ratio ** 2)) / np.i0(beta)

    return _window("kaiser_window", window_length, periodic, formula, dtype, device, requires_grad)
