"""Window functions of M points (PyTorch's torch.signal.windows, after SciPy's scipy.signal.windows).

``sym=True`` (the default) gives the symmetric window, for filter design: N = M - 1.
``sym=False`` gives the periodic window, for spectral analysis: the symmetric window of M + 1
points without its last one, N = M. For n = 0 .. M-1:

    bartlett         w[n] = 1 - |2n / N - 1|
    blackman         w[n] = 0.42 - 0.5 cos(2πn / N) + 0.08 cos(4πn / N)
    cosine           w[n] = sin(π (n + 1/2) / (N + 1))
    exponential      w[n] = exp(-|n - center| / tau)                   (center = N / 2 unless given)
    gaussian         w[n] = exp(-(n - N/2)² / (2 std²))
    general_cosine   w[n] = Σ_i (-1)^i a[i] cos(2πin / N)
    general_hamming  w[n] = alpha - (1 - alpha) cos(2πn / N)
    hamming          general_hamming with alpha = 0.54
    hann             general_hamming with alpha = 0.5:  w[n] = 1/2 - 1/2 cos(2πn / N)
    kaiser           w[n] = I0(beta sqrt(1 - (2n / N - 1)²)) / I0(beta)   (I0: the modified Bessel function)
    nuttall          general_cosine with a = (0.3635819, 0.4891775, 0.1365995, 0.0106411)

bartlett, blackman, hamming, hann and kaiser are torch.bartlett_window & co. under other names
(minigrad/window_functions.py computes both): ``hann(M, sym=s)`` is ``hann_window(M, periodic=not s)``.
What differs is the checking, done here as PyTorch does it: a negative M, a dtype other than
float32 and float64, a layout other than strided or a bad parameter (std <= 0, tau <= 0,
beta < 0, a ``center`` for a symmetric window, no coefficients) raise ArgumentError, a
ValueError, where the *_window functions raise RuntimeError.

M = 0 gives an empty tensor and M = 1 gives [1.] (an exponential window with a center given
excepted: exp(-|center| / tau)). The values are computed in float64 and then given the dtype
asked for (the default float dtype unless said): constants, no gradient unless ``requires_grad``.
"""

from collections.abc import Iterable

import numpy as np

from .. import creation, dtypes
from ..errors import ArgumentError, ArgumentTypeError
from ..layouts import strided
from ..window_functions import (_window, bartlett_window, blackman_window, hamming_window, hann_window,
                                kaiser_window)

__all__ = ["bartlett", "blackman", "cosine", "exponential", "gaussian", "general_cosine", "general_hamming",
           "hamming", "hann", "kaiser", "nuttall"]

_NUTTALL = (0.3635819, 0.4891775, 0.1365995, 0.0106411)  # Nuttall's minimum 4-term Blackman-Harris window


def _checked_dtype(name, M, dtype, layout):
    """The checks every window makes, in PyTorch's order (M, layout, dtype); the dtype to use."""
    if isinstance(M, bool) or not isinstance(M, (int, np.integer)):
        raise ArgumentTypeError(f"{name}: M must be an int, got {M!r}")
    if M < 0:
        raise ArgumentError(f"{name} requires non-negative window length, got M={M}")
    if layout is not strided:
        raise ArgumentError(f"{name} is implemented for strided tensors only, got layout={layout}")
    if isinstance(dtype, dtypes.UnsupportedDTypeName):  # bfloat16 & co.: a name, no NumPy dtype behind it
        raise ArgumentError(f"{name} expects float32 or float64 dtypes, got {dtype.name}")
    dtype = dtypes.default_float if dtype is None else dtypes.as_dtype(dtype)
    if dtype not in (dtypes.float32, dtypes.float64):  # (float16 too, as in PyTorch)
        raise ArgumentError(f"{name} expects float32 or float64 dtypes, got {dtype}")
    return dtype


def bartlett(M, *, sym=True, dtype=None, layout=strided, device=None, requires_grad=False):
    """w[n] = 1 - |2n / N - 1|: the triangle (torch.bartlett_window(M, periodic=not sym))."""
    dtype = _checked_dtype("bartlett", M, dtype, layout)
    return bartlett_window(M, not sym, dtype=dtype, device=device, requires_grad=requires_grad)


def blackman(M, *, sym=True, dtype=None, layout=strided, device=None, requires_grad=False):
    """w[n] = 0.42 - 0.5 cos(2πn / N) + 0.08 cos(4πn / N) (torch.blackman_window(M, periodic=not sym))."""
    dtype = _checked_dtype("blackman", M, dtype, layout)
    return blackman_window(M, not sym, dtype=dtype, device=device, requires_grad=requires_grad)


def cosine(M, *, sym=True, dtype=None, layout=strided, device=None, requires_grad=False):
    """w[n] = sin(π (n + 1/2) / (N + 1)): half a sine period, shifted half a sample so that
    neither end is zero (also called the sine window)."""
    dtype = _checked_dtype("cosine", M, dtype, layout)
    return _window("cosine", M, not sym, lambda n, m: np.sin(np.pi * (n + 0.5) / (m + 1)),
                   dtype, device, requires_grad)


def exponential(M, *, center=None, tau=1.0, sym=True, dtype=None, layout=strided, device=None,
                requires_grad=False):
    """w[n] = exp(-|n - center| / tau), center = N / 2 unless given (the Poisson window).

    Only a periodic window (``sym=False``) may be given its center; then even M = 1 is computed,
    exp(-|center| / tau), rather than taken as [1.].
    """
    dtype = _checked_dtype("exponential", M, dtype, layout)
    if tau <= 0:
        raise ArgumentError(f"exponential: tau must be positive, got tau={tau}")
    if sym and center is not None:
        raise ArgumentError(f"exponential: center must be None for symmetric windows (sym=True), "
                            f"got center={center}")
    if center is None:
        center = (M if not sym and M > 1 else M - 1) / 2  # N / 2; a window of one point is [1.]
    n = np.arange(M, dtype=np.float64)
    return creation.tensor(np.exp(-np.abs(n - center) / tau), dtype=dtype, device=device,
                           requires_grad=requires_grad)


def gaussian(M, *, std=1.0, sym=True, dtype=None, layout=strided, device=None, requires_grad=False):
    """w[n] = exp(-(n - N/2)² / (2 std²)): the bell curve of standard deviation ``std`` samples."""
    dtype = _checked_dtype("gaussian", M, dtype, layout)
    if std <= 0:
        raise ArgumentError(f"gaussian: standard deviation must be positive, got std={std}")
    return _window("gaussian", M, not sym, lambda n, m: np.exp(-((n - m / 2) ** 2) / (2 * std ** 2)),
                   dtype, device, requires_grad)


def _general_cosine(name, M, a, sym, dtype, layout, device, requires_grad):
    """general_cosine under the name of the window asking for it (hann, nuttall, ...)."""
    dtype = _checked_dtype(name, M, dtype, layout)
    if M > 1:  # (PyTorch looks at the coefficients only when there is a cosine to weigh)
        if not isinstance(a, Iterable):
            raise ArgumentTypeError(f"{name}: the coefficients a must be a list or tuple, got {a!r}")
        a = [float(w) for w in a]
        if not a:
            raise ArgumentError(f"{name}: the coefficients a cannot be empty, got a={a}")

    def formula(n, m):
        return sum((-1) ** i * w * np.cos(2 * np.pi * i * n / m) for i, w in enumerate(a))

    return _window(name, M, not sym, formula, dtype, device, requires_grad)


def general_cosine(M, *, a, sym=True, dtype=None, layout=strided, device=None, requires_grad=False):
    """w[n] = Σ_i (-1)^i a[i] cos(2πin / N): a sum of cosines, of weights ``a`` (an iterable of numbers)."""
    return _general_cosine("general_cosine", M, a, sym, dtype, layout, device, requires_grad)


def general_hamming(M, *, alpha=0.54, sym=True, dtype=None, layout=strided, device=None, requires_grad=False):
    """w[n] = alpha - (1 - alpha) cos(2πn / N): general_cosine with a = (alpha, 1 - alpha)
    (torch.hamming_window(M, periodic=not sym, alpha=alpha, beta=1 - alpha))."""
    dtype = _checked_dtype("general_hamming", M, dtype, layout)
    return hamming_window(M, not sym, alpha, 1.0 - alpha, dtype=dtype, device=device, requires_grad=requires_grad)


def hamming(M, *, sym=True, dtype=None, layout=strided, device=None, requires_grad=False):
    """w[n] = 0.54 - 0.46 cos(2πn / N): general_hamming with alpha = 0.54
    (torch.hamming_window(M, periodic=not sym))."""
    dtype = _checked_dtype("hamming", M, dtype, layout)
    return hamming_window(M, not sym, 0.54, 0.46, dtype=dtype, device=device, requires_grad=requires_grad)


def hann(M, *, sym=True, dtype=None, layout=strided, device=None, requires_grad=False):
    """w[n] = 1/2 - 1/2 cos(2πn / N): general_hamming with alpha = 0.5
    (torch.hann_window(M, periodic=not sym))."""
    dtype = _checked_dtype("hann", M, dtype, layout)
    return hann_window(M, not sym, dtype=dtype, device=device, requires_grad=requires_grad)


def kaiser(M, *, beta=12.0, sym=True, dtype=None, layout=strided, device=None, requires_grad=False):
    """w[n] = I0(beta sqrt(1 - (2n / N - 1)²)) / I0(beta): larger beta, narrower window; beta = 0
    is all ones (torch.kaiser_window(M, periodic=not sym, beta=beta))."""
    dtype = _checked_dtype("kaiser", M, dtype, layout)
    if beta < 0:
        raise ArgumentError(f"kaiser: beta must be non-negative, got beta={beta}")
    return kaiser_window(M, not sym, beta, dtype=dtype, device=device, requires_grad=requires_grad)


def nuttall(M, *, sym=True, dtype=None, layout=strided, device=None, requires_grad=False):
    """w[n] = 0.3635819 - 0.4891775 cos(2πn / N) + 0.1365995 cos(4πn / N) - 0.0106411 cos(6πn / N):
    general_cosine with Nuttall's four coefficients (very low side lobes)."""
    return _general_cosine("nuttall", M, _NUTTALL, sym, dtype, layout, device, requires_grad)
