"""The short-time Fourier transform: torch.stft and its inverse torch.istft.

stft cuts the signal x into frames of n_fft samples, ``hop_length`` apart, weights each frame
by a window w and takes its DFT (notation: docs/notation.md):

    X[f, m] = Σ_{k=0}^{n_fft-1} w[k] x[m·hop + k] e^{-2πi f k / n_fft}

for the frames m = 0 .. T-1, T = 1 + (L - n_fft) // hop, and the frequencies f = 0 .. n_fft-1,
or f = 0 .. n_fft // 2 when ``onesided`` (a real x and w: the other bins are the conjugates
X[n_fft - f, m]). The window has ``win_length`` samples and sits in the middle of the frame:
zero-padded by left = (n_fft - win_length) // 2 before it and the rest after.
``center=True`` first pads x by n_fft // 2 on both sides (``pad_mode``), so frame m is centred
on sample m·hop; ``normalized`` scales X by n_fft^(-1/2) (the "ortho" norm of the DFT);
``align_to_window=True`` (only with center=False) starts the window itself, not the frame,
at m·hop: x is zero-padded by the window's left and right zeros first.

istft inverts it by least squares (Griffin and Lim, 1984). Each column's inverse DFT is the
windowed frame y_m[k] = w[k] x[m·hop + k]; weighting it by w once more and adding the frames
at their places (overlap-add) gives Σ_m w[n - m·hop]² x[n], so

    x[n] = Σ_m w[n - m·hop] y_m[n - m·hop]  /  Σ_m w[n - m·hop]²

exactly where the denominator, the window envelope, is not zero (the NOLA condition:
nonzero overlap-add; where it is zero istft raises). For a complex window too it is w², not
|w|², as in PyTorch: a frame weighted by w and then by w again carries x w². The padding of ``center`` is cut off
again; ``length`` cuts the signal (or pads it with zeros) to that many samples.

Composition: no Function of its own, so the gradients (with respect to the signal, the
spectrum and the window) come from the ops used. Framing is ``Tensor.unfold``, a strided view
(ops/strided.py: its backward scatter-adds the gradient back, overlapping frames adding up);
the window a multiplication; the transforms ops/fourier.py's RFFTN, FFTN and IRFFTN.
Overlap-add is the adjoint of framing: the same scatter-add (ops/indexing.py ScatterAdd),
whose own gradient reads the frames back out (GetItem).
"""

import warnings

import numpy as np

from ..errors import ArgumentRuntimeError, ArgumentTypeError, DTypeRuntimeError, ShapeError, UnknownMode
from ..tensor import Tensor
from .complex_numbers import COMPLEX_OF, view_as_real
from .elementwise import cast, constant
from .fourier import FFTN, IRFFTN, RFFTN
from .indexing import ScatterAdd, getitem
from .padding import pad
from .shape import broadcast_to, cat, reshape, transpose
from .strided import unfold

_PAD_MODES = ("constant", "reflect", "replicate", "circular")


# ---- arguments ------------------------------------------------------------------------------------
def _int(op, name, value):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ArgumentTypeError(f"{op}: {name} must be an int, got {value!r}")
    return int(value)


def _sizes(op, n_fft, hop_length, win_length):
    """n_fft, hop_length (default n_fft // 4) and win_length (default n_fft) as ints."""
    n_fft = _int(op, "n_fft", n_fft)
    hop = n_fft // 4 if hop_length is None else _int(op, "hop_length", hop_length)
    win = n_fft if win_length is None else _int(op, "win_length", win_length)
    return n_fft, hop, win


def _check_dtype(op, t, what):
    if t.dtype not in COMPLEX_OF and t.dtype not in COMPLEX_OF.values():
        raise DTypeRuntimeError(f"{op}: expected a {what} of float32, float64, complex64 or complex128 values, "
                                f"got dtype {t.dtype}")


def _real(dtype):
    """float32 for complex64, float64 for complex128; a float dtype itself."""
    return dtype if dtype.kind == "f" else {c: f for f, c in COMPLEX_OF.items()}[dtype]


def _padded_window(op, window, win, n_fft, like):
    """The window (ones when None) checked, and zero-padded to n_fft samples, centred."""
    if window is None:
        warnings.warn(f"{op}: a window was not provided, so a rectangular one (all ones) is used; pass "
                      f"window=ones({n_fft}) to say so, or a tapered one such as hann_window({win})",
                      UserWarning, stacklevel=3)
        window = constant(like.xp.ones(win, dtype=_real(like.dtype)))
    elif not isinstance(window, Tensor):
        raise ArgumentTypeError(f"{op}: window must be a tensor, got {type(window).__name__}")
    elif window.ndim != 1 or window.shape[0] != win:
        raise ShapeError(f"{op}: expected a 1-D window of win_length={win} samples, got shape {tuple(window.shape)}")
    elif window.dtype.kind not in "fc":  # integers and bools weigh as the signal's floats
        window = cast(window, _real(like.dtype))
    if win == n_fft:
        return window
    left = (n_fft - win) // 2
    zeros = window.xp.zeros
    return cat([constant(zeros(left, dtype=window.dtype)), window,
                constant(zeros(n_fft - win - left, dtype=window.dtype))])


def _center(op, x, p, pad_mode):
    """x padded by p samples on both sides of its last dimension in ``pad_mode``."""
    if pad_mode not in _PAD_MODES:
        raise UnknownMode(f"{op}: pad_mode must be one of {_PAD_MODES}, got {pad_mode!r}")
    n = x.shape[-1]
    if (pad_mode == "reflect" and p >= n) or (pad_mode == "circular" and p > n):
        need = "longer than" if pad_mode == "reflect" else "at least"
        raise ShapeError(f"{op}: center=True pads the signal by n_fft // 2 = {p} samples on each side in "
                         f"{pad_mode!r} mode, which needs a signal {need} {p} samples; got shape {tuple(x.shape)}")
    return pad(x, (p, p), mode=pad_mode)


# ---- overlap-add ----------------------------------------------------------------------------------
def _overlap_add(frames, hop, total):
    """out[..., m·hop + k] = Σ_m frames[..., m, k]: each frame added at its place, a signal of
    ``total`` samples. The adjoint of framing (unfold): a scatter-add, with the frames' places
    as the index (the batch, if any, flattened into one leading axis)."""
    xp = frames.xp
    count, n = frames.shape[-2:]
    places = xp.asarray(np.arange(count)[:, None] * hop + np.arange(n))  # (T, n_fft)
    if frames.ndim == 2:
        return ScatterAdd.apply(frames, index=(places,), shape=(total,))
    lead = tuple(frames.shape[:-2])
    batch = int(np.prod(lead))
    flat = reshape(frames, (batch, count, n))
    rows = xp.arange(batch).reshape(-1, 1, 1)
    out = ScatterAdd.apply(flat, index=(rows, places[None]), shape=(batch, total))
    return reshape(out, lead + (total,))


# ---- the functions users call ---------------------------------------------------------------------
def stft(input, n_fft, hop_length=None, win_length=None, window=None, center=True, pad_mode="reflect",
         normalized=False, onesided=None, return_complex=None, align_to_window=None):
    """The short-time Fourier transform of a signal (L,) or a batch of signals (B, L).

    Returns X (B?, N, T), complex: N = n_fft // 2 + 1 frequencies when ``onesided`` (the default
    for a real input and window), n_fft otherwise; T frames. ``return_complex`` must be given
    for a real input, as in PyTorch; False (deprecated there too, with a warning) returns the
    real pairs (B?, N, T, 2) of view_as_real. The formula and the arguments: the module docstring.

    Composition: of unfold (a strided view), mul, ops/fourier.py RFFTN / FFTN, transpose (no
    Function of its own; the gradient comes from them).
    """
    op = "stft"
    if not isinstance(input, Tensor):
        raise ArgumentTypeError(f"{op}: input must be a tensor, got {type(input).__name__}")
    if input.ndim not in (1, 2):
        raise ShapeError(f"{op}: expected a 1-D signal (L,) or a 2-D batch of signals (B, L), "
                         f"got shape {tuple(input.shape)}")
    _check_dtype(op, input, "signal")
    n_fft, hop, win = _sizes(op, n_fft, hop_length, win_length)
    if center and align_to_window is not None:
        raise ArgumentRuntimeError(f"{op}: align_to_window may only be given with center=False")
    is_complex = input.dtype.kind == "c" or (isinstance(window, Tensor) and window.dtype.kind == "c")
    if return_complex is None:
        if not is_complex:
            raise ArgumentRuntimeError(f"{op}: return_complex must be given for a real input (shape "
                                       f"{tuple(input.shape)}, dtype {input.dtype}); return_complex=True is "
                                       "the one PyTorch keeps")
        return_complex = True
    elif not return_complex:
        warnings.warn(f"{op}: return_complex=False is deprecated (as in PyTorch); use return_complex=True, and "
                      "view_as_real() on the result for the real pairs", UserWarning, stacklevel=2)
    x = _center(op, input, n_fft // 2, pad_mode) if center else input
    length = x.shape[-1]
    if not 0 < n_fft <= length:
        raise ShapeError(f"{op}: expected 0 < n_fft <= {length} (the signal's length"
                         f"{', padded by center=True' if center else ''}), got n_fft={n_fft} for input of shape "
                         f"{tuple(input.shape)}")
    if hop <= 0:
        raise ArgumentRuntimeError(f"{op}: expected hop_length > 0, got hop_length={hop}"
                                   f"{' (n_fft // 4, the default)' if hop_length is None else ''}")
    if not 0 < win <= n_fft:
        raise ArgumentRuntimeError(f"{op}: expected 0 < win_length <= n_fft={n_fft}, got win_length={win}")
    onesided = not is_complex if onesided is None else bool(onesided)
    if onesided and is_complex:
        raise ArgumentRuntimeError(f"{op}: onesided=True needs a real input and window (the other half of the "
                                   f"spectrum is then their conjugate), got input {input.dtype} and window "
                                   f"{window.dtype if isinstance(window, Tensor) else None}")
    w = _padded_window(op, window, win, n_fft, input)
    if align_to_window:  # the window's first sample at m·hop: its zeros reach outside the signal
        left = (n_fft - win) // 2
        x = pad(x, (left, n_fft - win - left))
    frames = unfold(x, -1, n_fft, hop) * w  # (B?, T, n_fft)
    norm = "ortho" if normalized else "backward"
    axes = (frames.ndim - 1,)
    if onesided:
        spectrum = RFFTN.apply(frames, s=(n_fft,), axes=axes, norm=norm)
    else:
        if frames.dtype.kind == "f":
            frames = cast(frames, COMPLEX_OF[frames.dtype])
        spectrum = FFTN.apply(frames, s=(n_fft,), axes=axes, norm=norm, inverse=False)
    spectrum = transpose(spectrum, -1, -2)  # (B?, N, T)
    return spectrum if return_complex else view_as_real(spectrum)


def istft(input, n_fft, hop_length=None, win_length=None, window=None, center=True, normalized=False,
          onesided=None, length=None, return_complex=False):
    """The signal (B?, L) whose short-time Fourier transform is ``input`` (B?, N, T), complex:
    the least-squares inverse of stft with the same arguments (see the module docstring).

    ``onesided`` defaults to N != n_fft. ``length`` cuts (or zero-pads) the result to that many
    samples; by default it is (T - 1)·hop with ``center``, n_fft + (T - 1)·hop without.
    ``return_complex=True`` inverts the spectrum of a complex signal (N = n_fft, not onesided);
    otherwise the result is real: the first n_fft // 2 + 1 bins are read as a real signal's.

    Composition: of ops/fourier.py IRFFTN / FFTN, mul, ops/indexing.py ScatterAdd (overlap-add),
    getitem, div (no Function of its own; the gradient comes from them).
    """
    op = "istft"
    if not isinstance(input, Tensor):
        raise ArgumentTypeError(f"{op}: input must be a tensor, got {type(input).__name__}")
    if input.dtype.kind != "c":
        raise DTypeRuntimeError(f"{op}: expected a complex spectrum as stft(..., return_complex=True) gives it, "
                                f"got dtype {input.dtype}")
    if input.ndim not in (2, 3):
        raise ShapeError(f"{op}: expected a 2-D spectrum (N, T) or a 3-D batch of them (B, N, T), "
                         f"got shape {tuple(input.shape)}")
    if not isinstance(return_complex, (bool, np.bool_)):
        raise ArgumentTypeError(f"{op}: return_complex must be a bool, got {return_complex!r}")
    n_fft, hop, win = _sizes(op, n_fft, hop_length, win_length)
    if not 0 < win <= n_fft:
        raise ArgumentRuntimeError(f"{op}: expected 0 < win_length <= n_fft={n_fft}, got win_length={win}")
    if not 0 < hop <= win:
        raise ArgumentRuntimeError(f"{op}: expected 0 < hop_length <= win_length={win}, got hop_length={hop}")
    bins, count = input.shape[-2:]
    if count == 0:
        raise ShapeError(f"{op}: the spectrum has no frames (shape {tuple(input.shape)})")
    onesided = bins != n_fft if onesided is None else bool(onesided)
    if bins != (n_fft // 2 + 1 if onesided else n_fft):
        want = f"n_fft // 2 + 1 = {n_fft // 2 + 1} (onesided)" if onesided else f"n_fft = {n_fft} (onesided=False)"
        raise ShapeError(f"{op}: expected {want} frequencies along dim -2, got shape {tuple(input.shape)}")
    if return_complex and onesided:
        raise ArgumentRuntimeError(f"{op}: return_complex=True inverts a full spectrum; onesided=True (or a "
                                   f"spectrum of n_fft // 2 + 1 bins, shape {tuple(input.shape)}) is a real signal's")
    if isinstance(window, Tensor) and window.dtype.kind == "c" and not return_complex:
        raise DTypeRuntimeError(f"{op}: a complex window (dtype {window.dtype}) needs return_complex=True")
    if length is not None and _int(op, "length", length) <= 0:
        raise ArgumentRuntimeError(f"{op}: length must be positive, got {length}")
    spectrum = transpose(input, -1, -2)  # (B?, T, N): one row per frame
    norm = "ortho" if normalized else "backward"
    axes = (spectrum.ndim - 1,)
    if return_complex:
        frames = FFTN.apply(spectrum, s=(n_fft,), axes=axes, norm=norm, inverse=True)
    else:
        if not onesided:  # a real signal's spectrum: the first half says it all
            spectrum = getitem(spectrum, (Ellipsis, slice(0, n_fft // 2 + 1)))
        frames = IRFFTN.apply(spectrum, s=(n_fft,), axes=axes, norm=norm)
    w = _padded_window(op, window, win, n_fft, frames)
    total = n_fft + hop * (count - 1)
    y = _overlap_add(frames * w, hop, total)
    envelope = _overlap_add(broadcast_to(w * w, (count, n_fft)), hop, total)
    start = n_fft // 2 if center else 0
    end = start + length if length is not None else total - n_fft // 2 if center else total
    kept = slice(start, min(end, total))
    y, envelope = getitem(y, (Ellipsis, kept)), getitem(envelope, kept)
    lowest = float(envelope.xp.abs(envelope.array).min()) if envelope.shape[0] else 0.0
    if lowest < 1e-11:
        raise ArgumentRuntimeError(f"{op}: the window envelope (the squared windows added at the frames' places) "
                                   f"falls to {lowest:.3g} in the samples kept, so the signal cannot be recovered "
                                   f"there (the NOLA condition); n_fft={n_fft}, hop_length={hop}, "
                                   f"win_length={win}, center={center}, spectrum shape {tuple(input.shape)}")
    y = y / envelope
    if end > total:  # a length past the last frame: zeros
        y = pad(y, (0, end - total))
    return y


TENSOR_METHODS = {"stft": stft, "istft": istft}
