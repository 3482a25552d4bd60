"""stft and istft (torch.stft, torch.istft, Tensor.stft/istft) and the window functions: the
transform against its formula, istft(stft(x)) giving x back, gradients against finite
differences (signal, window and spectrum), values and gradients against torch for every
argument, the warnings PyTorch gives and the bad inputs."""

import warnings

import numpy as np
import pytest

import minigrad as mg
from minigrad.errors import (ArgumentRuntimeError, ArgumentTypeError, DTypeRuntimeError, MinigradError,
                             ShapeError, UnknownMode)
from minigrad.testing import gradcheck, gradgradcheck

TOL = dict(rtol=1e-10, atol=1e-11)


@pytest.fixture(autouse=True)
def _quiet():
    """The window-less and return_complex=False calls warn, as in PyTorch; tests that check it say so."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        yield


def _hann(n):
    return 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n) / n)  # torch.hann_window (periodic)


def _reference(x, n_fft, hop, window, center=True, pad_mode="reflect", onesided=True):
    """X[f, m] = Σ_k w[k] x[m·hop + k] e^{-2πi f k / n_fft}, frame by frame."""
    win = len(window)
    w = np.zeros(n_fft, dtype=complex if np.iscomplexobj(window) else float)
    left = (n_fft - win) // 2
    w[left:left + win] = window
    if center:
        x = np.pad(x, n_fft // 2, mode={"reflect": "reflect", "constant": "constant", "replicate": "edge",
                                        "circular": "wrap"}[pad_mode])
    count = 1 + (len(x) - n_fft) // hop
    f = np.arange(n_fft // 2 + 1 if onesided else n_fft)[:, None]
    k = np.arange(n_fft)[None, :]
    dft = np.exp(-2j * np.pi * f * k / n_fft)
    return np.stack([dft @ (w * x[m * hop:m * hop + n_fft]) for m in range(count)], axis=-1)


# ---- the transform ------------------------------------------------------------------------------------
@pytest.mark.parametrize("kw", [dict(n_fft=8, hop=2), dict(n_fft=8, hop=3, center=False), dict(n_fft=7, hop=2),
                                dict(n_fft=8, hop=2, pad_mode="constant"), dict(n_fft=6, hop=1, pad_mode="circular"),
                                dict(n_fft=8, hop=4, pad_mode="replicate", onesided=False),
                                dict(n_fft=10, hop=3, win=6)],
                         ids=str)
def test_stft_is_its_formula(kw):
    rng = np.random.default_rng(0)
    x = rng.standard_normal(37)
    kw = dict(kw)
    n_fft, hop, win = kw.pop("n_fft"), kw.pop("hop"), kw.pop("win", None)
    window = _hann(win or n_fft) + 0.1
    got = mg.stft(mg.tensor(x), n_fft, hop_length=hop, win_length=win, window=mg.tensor(window),
                  return_complex=True, **kw).numpy()
    np.testing.assert_allclose(got, _reference(x, n_fft, hop, window, **kw), **TOL)


def test_shapes_defaults_and_dtypes():
    x = mg.randn(3, 50)
    y = mg.stft(x, 16, window=mg.ones(16), return_complex=True)
    assert y.shape == (3, 9, 1 + 50 // 4) and y.dtype == mg.complex64  # hop n_fft // 4, onesided, centred
    assert mg.stft(x[0], 16, window=mg.ones(16), center=False, return_complex=True).shape == (9, 1 + (50 - 16) // 4)
    assert mg.stft(x, 16, window=mg.ones(16), onesided=False, return_complex=True).shape == (3, 16, 13)
    assert mg.stft(x, 16, window=mg.ones(16, dtype=mg.float64), return_complex=True).dtype == mg.complex128
    assert mg.stft(x, 16, window=mg.ones(16, dtype=mg.int64), return_complex=True).dtype == mg.complex64
    pairs = mg.stft(x, 16, window=mg.ones(16), return_complex=False)
    assert pairs.shape == (3, 9, 13, 2) and pairs.dtype == mg.float32
    z = mg.stft(x.to(mg.complex64), 16, window=mg.ones(16))  # a complex signal: complex and two-sided by default
    assert z.shape == (3, 16, 13) and z.dtype == mg.complex64
    np.testing.assert_allclose(mg.stft(x, 16, window=mg.ones(16), normalized=True, return_complex=True).numpy(),
                               y.numpy() / 4, rtol=1e-6, atol=1e-6)
    assert x.stft(16, window=mg.ones(16), return_complex=True).shape == y.shape  # the Tensor method


def test_align_to_window_starts_the_window_at_the_hop():
    """center=False, win_length < n_fft: by default the frame starts at m·hop and the window
    sits in its middle; align_to_window=True starts the window itself at m·hop."""
    rng = np.random.default_rng(1)
    x, w = rng.standard_normal(30), _hann(6) + 0.1
    plain = mg.stft(mg.tensor(x), 10, 3, 6, mg.tensor(w), center=False, return_complex=True).numpy()
    aligned = mg.stft(mg.tensor(x), 10, 3, 6, mg.tensor(w), center=False, align_to_window=True,
                      return_complex=True).numpy()
    np.testing.assert_allclose(plain, _reference(x, 10, 3, w, center=False), **TOL)
    np.testing.assert_allclose(aligned, _reference(np.pad(x, (2, 2)), 10, 3, w, center=False), **TOL)
    assert aligned.shape == (6, 1 + (30 - 6) // 3)


# ---- the inverse --------------------------------------------------------------------------------------
@pytest.mark.parametrize("n_fft,hop,win,center", [(16, 4, None, True), (16, 8, None, True), (15, 5, None, True),
                                                 (12, 3, 8, True), (16, 4, None, False)])
def test_istft_gives_the_signal_back(n_fft, hop, win, center):
    rng = np.random.default_rng(2)
    x = rng.standard_normal((2, 64))
    w = mg.tensor(_hann(win or n_fft) + (0.0 if center else 0.1))
    spec = mg.stft(mg.tensor(x), n_fft, hop, win, w, center=center, return_complex=True)
    back = mg.istft(spec, n_fft, hop, win, w, center=center, length=64 if center else None).numpy()
    keep = back.shape[-1]
    np.testing.assert_allclose(back, x[:, :keep], rtol=1e-10, atol=1e-10)
    assert keep == (64 if center else n_fft + hop * (spec.shape[-1] - 1))


def test_istft_lengths_normalized_complex_and_two_sided():
    rng = np.random.default_rng(3)
    x = rng.standard_normal(41)
    w = mg.tensor(_hann(8))
    spec = mg.stft(mg.tensor(x), 8, window=w, return_complex=True)
    assert mg.istft(spec, 8, window=w).shape == (40,)  # (T - 1) * hop: the last sample is cut
    np.testing.assert_allclose(mg.istft(spec, 8, window=w, length=41).numpy(), x, **TOL)
    padded = mg.istft(spec, 8, window=w, length=50).numpy()
    assert padded.shape == (50,) and np.all(padded[44:] == 0)  # past the last frame: zeros
    normed = mg.stft(mg.tensor(x), 8, window=w, normalized=True, return_complex=True)
    np.testing.assert_allclose(mg.istft(normed, 8, window=w, normalized=True, length=41).numpy(), x, **TOL)
    z = rng.standard_normal(41) + 1j * rng.standard_normal(41)
    full = mg.stft(mg.tensor(z), 8, window=w)
    np.testing.assert_allclose(mg.istft(full, 8, window=w, length=41, return_complex=True).numpy(), z, **TOL)
    two_sided = mg.stft(mg.tensor(x), 8, window=w, onesided=False, return_complex=True)
    np.testing.assert_allclose(mg.istft(two_sided, 8, window=w, length=41).numpy(), x, **TOL)
    assert spec.istft(8, window=w).shape == (40,)  # the Tensor method


# ---- gradients ----------------------------------------------------------------------------------------
def test_stft_gradcheck_signal_and_window():
    rng = np.random.default_rng(4)
    x = mg.tensor(rng.standard_normal((2, 20)), requires_grad=True)
    w = mg.tensor(rng.standard_normal(6), requires_grad=True)
    gradcheck(lambda x, w: mg.view_as_real(mg.stft(x, 8, 3, 6, w, return_complex=True)), (x, w))
    gradcheck(lambda x, w: mg.stft(x, 8, 2, 6, w, center=False, normalized=True, return_complex=False), (x, w))
    gradcheck(lambda x, w: mg.view_as_real(mg.stft(x, 7, 2, 6, w, pad_mode="circular", onesided=False,
                                                   return_complex=True)), (x, w))


def test_stft_gradcheck_complex_signal():
    rng = np.random.default_rng(5)
    pairs = mg.tensor(rng.standard_normal((19, 2)), requires_grad=True)
    w = mg.tensor(rng.standard_normal(8), requires_grad=True)
    gradcheck(lambda p, w: mg.view_as_real(mg.stft(mg.view_as_complex(p), 8, 3, window=w)), (pairs, w))


def test_istft_gradcheck_spectrum_and_window():
    rng = np.random.default_rng(6)
    spec = mg.tensor(rng.standard_normal((2, 5, 7, 2)), requires_grad=True)
    w = mg.tensor(_hann(8) + 0.2 + 0.1 * rng.standard_normal(8), requires_grad=True)
    gradcheck(lambda s, w: mg.istft(mg.view_as_complex(s), 8, 2, window=w), (spec, w))
    gradcheck(lambda s, w: mg.istft(mg.view_as_complex(s), 8, 3, window=w, center=False, normalized=True,
                                    length=30), (spec, w))
    full = mg.tensor(rng.standard_normal((8, 6, 2)), requires_grad=True)
    gradcheck(lambda s, w: mg.view_as_real(mg.istft(mg.view_as_complex(s), 8, 2, window=w,
                                                    return_complex=True)), (full, w))


def test_second_derivatives():
    rng = np.random.default_rng(7)
    x = mg.tensor(rng.standard_normal(16), requires_grad=True)
    w = mg.tensor(rng.standard_normal(6) + 2, requires_grad=True)
    gradgradcheck(lambda x, w: mg.view_as_real(mg.stft(x, 6, 2, window=w, return_complex=True)), (x, w))
    spec = mg.tensor(rng.standard_normal((4, 5, 2)), requires_grad=True)
    gradgradcheck(lambda s, w: mg.istft(mg.view_as_complex(s), 6, 2, window=w), (spec, w))


# ---- against torch ------------------------------------------------------------------------------------
def _parity(torch, f, arrays):
    """f(lib, *tensors) in torch and minigrad: the same values, and the same gradients of a
    random weighting of the output for every float or complex input."""
    rng = np.random.default_rng(8)
    results, weight = [], None
    for lib in (torch, mg):
        ts = [lib.tensor(a, requires_grad=True) for a in arrays]
        out = f(lib, *ts)
        is_complex = lib.is_complex(out)
        if weight is None:
            weight = rng.standard_normal(tuple(out.shape)) + (1j * rng.standard_normal(tuple(out.shape))
                                                              if is_complex else 0)
        loss = out * lib.tensor(weight)
        (loss.real if is_complex else loss).sum().backward()
        results.append([out.detach().numpy()] + [None if t.grad is None else t.grad.numpy() for t in ts])
        assert str(out.dtype).split(".")[-1] == str(results[0][0].dtype)
    for got, want in zip(results[1], results[0]):
        if want is None:
            assert got is None
        else:
            np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-10)


_X = np.random.default_rng(9).standard_normal(40)
_XB = np.random.default_rng(10).standard_normal((3, 37))
_XC = np.random.default_rng(11).standard_normal(40) + 1j * np.random.default_rng(12).standard_normal(40)
_W8, _W6 = _hann(8) + 0.1, _hann(6) + 0.1

STFT_CASES = [
    ("defaults", lambda L, x, w: L.stft(x, 8, window=w, return_complex=True), (_X, _W8)),
    ("hop 3", lambda L, x, w: L.stft(x, 8, hop_length=3, window=w, return_complex=True), (_X, _W8)),
    ("not centred", lambda L, x, w: L.stft(x, 8, window=w, center=False, return_complex=True), (_X, _W8)),
    ("constant", lambda L, x, w: L.stft(x, 8, window=w, pad_mode="constant", return_complex=True), (_X, _W8)),
    ("replicate", lambda L, x, w: L.stft(x, 8, window=w, pad_mode="replicate", return_complex=True), (_X, _W8)),
    ("circular", lambda L, x, w: L.stft(x, 8, window=w, pad_mode="circular", return_complex=True), (_X, _W8)),
    ("normalized", lambda L, x, w: L.stft(x, 8, window=w, normalized=True, return_complex=True), (_X, _W8)),
    ("two-sided", lambda L, x, w: L.stft(x, 8, window=w, onesided=False, return_complex=True), (_X, _W8)),
    ("odd n_fft, no window", lambda L, x: L.stft(x, 7, return_complex=True), (_X,)),
    ("batch", lambda L, x: L.stft(x, 8, hop_length=2, return_complex=True), (_XB,)),
    ("win_length 6", lambda L, x, w: L.stft(x, 10, 2, 6, w, return_complex=True), (_X, _W6)),
    ("align False", lambda L, x, w: L.stft(x, 10, 3, 6, w, center=False, align_to_window=False,
                                           return_complex=True), (_X, _W6)),
    ("align True", lambda L, x, w: L.stft(x, 10, 3, 6, w, center=False, align_to_window=True,
                                          return_complex=True), (_X, _W6)),
    ("complex signal", lambda L, x, w: L.stft(x, 8, window=w), (_XC, _W8)),
    ("complex window", lambda L, x, w: L.stft(x, 8, window=w.to(L.complex128) * (1 + 1j), return_complex=True),
     (_X, _W8)),
    ("real pairs", lambda L, x, w: L.stft(x, 8, window=w, return_complex=False), (_X, _W8)),
    ("method", lambda L, x, w: x.stft(8, window=w, return_complex=True), (_X, _W8)),
]


@pytest.mark.torch
@pytest.mark.parametrize("name,f,arrays", STFT_CASES, ids=[c[0] for c in STFT_CASES])
def test_stft_matches_torch(torch, name, f, arrays):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        _parity(torch, f, arrays)


def _spectra(torch):
    t = torch.tensor
    return {"one": torch.stft(t(_X), 8, window=t(_W8), return_complex=True).numpy(),
            "batch": torch.stft(t(_XB), 8, hop_length=2, window=t(_W8), return_complex=True).numpy(),
            "full": torch.stft(t(_XC), 8, window=t(_W8), return_complex=True).numpy(),
            "win6": torch.stft(t(_X), 10, 2, 6, t(_W6), return_complex=True).numpy()}


ISTFT_CASES = [
    ("defaults", lambda L, y, w: L.istft(y, 8, window=w), "one", _W8),
    ("length longer", lambda L, y, w: L.istft(y, 8, window=w, length=50), "one", _W8),
    ("length shorter", lambda L, y, w: L.istft(y, 8, window=w, length=30), "one", _W8),
    ("normalized", lambda L, y, w: L.istft(y, 8, window=w, normalized=True), "one", _W8),
    ("not centred", lambda L, y, w: L.istft(y, 8, window=w, center=False), "one", _W8),
    ("batch", lambda L, y, w: L.istft(y, 8, hop_length=2, window=w), "batch", _W8),
    ("batch, no window", lambda L, y: L.istft(y, 8, hop_length=2), "batch", None),
    ("two-sided as real", lambda L, y, w: L.istft(y, 8, window=w), "full", _W8),
    ("two-sided complex", lambda L, y, w: L.istft(y, 8, window=w, return_complex=True), "full", _W8),
    ("complex window", lambda L, y, w: L.istft(y, 8, window=w.to(L.complex128) * (1 + 0.5j), return_complex=True),
     "full", _W8),
    ("win_length 6", lambda L, y, w: L.istft(y, 10, 2, 6, w, length=40), "win6", _W6),
    ("method", lambda L, y, w: y.istft(8, window=w), "one", _W8),
]


@pytest.mark.torch
@pytest.mark.parametrize("name,f,spectrum,window", ISTFT_CASES, ids=[c[0] for c in ISTFT_CASES])
def test_istft_matches_torch(torch, name, f, spectrum, window):
    spec = _spectra(torch)[spectrum]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        _parity(torch, f, (spec,) if window is None else (spec, window))


@pytest.mark.torch
def test_float32_results_and_dtypes_match_torch(torch):
    x, w = _XB.astype(np.float32), _W8.astype(np.float32)
    for lib_w in (w, _W8):  # a float64 window makes the result complex128, in both
        want = torch.stft(torch.tensor(x), 8, window=torch.tensor(lib_w), return_complex=True)
        got = mg.stft(mg.tensor(x), 8, window=mg.tensor(lib_w), return_complex=True)
        assert str(want.dtype).split(".")[-1] == str(got.dtype)
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-5, atol=1e-5)
        back = [lib.istft(s, 8, window=lib.tensor(lib_w)) for lib, s in ((torch, want), (mg, got))]
        assert str(back[0].dtype).split(".")[-1] == str(back[1].dtype)
        np.testing.assert_allclose(back[1].numpy(), back[0].numpy(), rtol=1e-5, atol=1e-5)


# ---- window functions ------------------------------------------------------------------------------
def test_windows_are_their_formulas():
    n = np.arange(8)
    np.testing.assert_allclose(mg.hann_window(8).numpy(), _hann(8), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(mg.hann_window(8, periodic=False, dtype=mg.float64).numpy(),
                               0.5 - 0.5 * np.cos(2 * np.pi * n / 7), rtol=1e-12)
    np.testing.assert_allclose(mg.hamming_window(8, dtype=mg.float64).numpy(), 0.54 - 0.46 * np.cos(np.pi * n / 4))
    np.testing.assert_allclose(mg.blackman_window(8, False, dtype=mg.float64).numpy(), np.blackman(8), atol=1e-15)
    np.testing.assert_allclose(mg.bartlett_window(8, False, dtype=mg.float64).numpy(), np.bartlett(8), atol=1e-15)
    np.testing.assert_allclose(mg.kaiser_window(8, False, 5.0, dtype=mg.float64).numpy(), np.kaiser(8, 5.0))
    assert mg.hann_window(8).dtype == mg.float32 and mg.hann_window(1).tolist() == [1.0]
    assert mg.hann_window(0).shape == (0,) and mg.hann_window(4, requires_grad=True).requires_grad
    with pytest.raises(DTypeRuntimeError, match="hann_window expects floating point dtypes, got int64"):
        mg.hann_window(4, dtype=mg.int64)
    with pytest.raises(ArgumentRuntimeError,
                       match="kaiser_window requires non-negative window_length, got window_length=-1"):
        mg.kaiser_window(-1)


@pytest.mark.torch
@pytest.mark.parametrize("name", ["hann_window", "hamming_window", "blackman_window", "bartlett_window",
                                  "kaiser_window"])
def test_windows_match_torch(torch, name):
    for n in (0, 1, 2, 5, 8, 13):
        for periodic in (True, False):
            for dtype in ("float32", "float64"):
                want = getattr(torch, name)(n, periodic, dtype=getattr(torch, dtype)).numpy()
                got = getattr(mg, name)(n, periodic, dtype=dtype).numpy()
                assert got.dtype == want.dtype and got.shape == want.shape
                np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7 if dtype == "float32" else 1e-14)
    np.testing.assert_allclose(mg.hamming_window(6, True, 0.5, 0.5).numpy(),
                               torch.hamming_window(6, True, 0.5, 0.5).numpy(), rtol=1e-6)
    np.testing.assert_allclose(mg.kaiser_window(6, True, 5.0).numpy(), torch.kaiser_window(6, True, 5.0).numpy(),
                               rtol=1e-5)


def test_a_spectrogram_as_audio_programs_write_it():
    """|stft|² of a tone with a Hann window peaks at the tone's bin; the round trip is exact."""
    n_fft, rate = 64, 1024
    t = mg.arange(2048, dtype=mg.float64) / rate
    signal = mg.sin(2 * np.pi * 128 * t)  # 128 Hz: bin 128 * n_fft / rate = 8
    window = mg.hann_window(n_fft, dtype=mg.float64)
    spec = mg.stft(signal, n_fft, hop_length=n_fft // 4, window=window, return_complex=True)
    power = spec.abs() ** 2
    assert power.shape == (n_fft // 2 + 1, 2048 // 16 + 1)
    assert np.all(power.numpy()[:, 4:-4].argmax(axis=0) == 8)
    back = mg.istft(spec, n_fft, hop_length=n_fft // 4, window=window, length=2048)
    np.testing.assert_allclose(back.numpy(), signal.numpy(), atol=1e-12)


# ---- warnings and bad inputs ---------------------------------------------------------------------------
def test_the_warnings_pytorch_gives():
    x = mg.randn(32)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        with pytest.raises(UserWarning, match="stft: a window was not provided"):
            mg.stft(x, 8, return_complex=True)
        with pytest.raises(UserWarning, match="return_complex=False is deprecated"):
            mg.stft(x, 8, window=mg.ones(8), return_complex=False)
        spec = mg.stft(x, 8, window=mg.ones(8), return_complex=True)  # no warning
        with pytest.raises(UserWarning, match="istft: a window was not provided"):
            mg.istft(spec, 8)


def test_return_complex_must_be_given_for_a_real_signal():
    with pytest.raises(ArgumentRuntimeError,
                       match=r"stft: return_complex must be given for a real input \(shape \(32,\)"):
        mg.stft(mg.randn(32), 8, window=mg.ones(8))
    assert mg.stft(mg.randn(32), 8, window=mg.ones(8, dtype=mg.complex64)).dtype == mg.complex64  # a complex window


# each case: call(lib, spectrum) with lib minigrad or torch and spectrum a (5, 21) stft of lib's
STFT_ERRORS = [
    (lambda L, S: L.stft(L.randn(2, 2, 40), 8, return_complex=True), ShapeError,
     r"stft: expected a 1-D signal \(L,\) or a 2-D batch of signals \(B, L\), got shape \(2, 2, 40\)"),
    (lambda L, S: L.stft(L.arange(40), 8, return_complex=True), DTypeRuntimeError,
     "stft: expected a signal of float32.*int64"),
    (lambda L, S: L.stft(L.randn(40), 41, center=False, return_complex=True), ShapeError,
     r"stft: expected 0 < n_fft <= 40 \(the signal's length\), got n_fft=41 for input of shape \(40,\)"),
    (lambda L, S: L.stft(L.randn(40), 0, return_complex=True), ShapeError, "stft: expected 0 < n_fft <= 40"),
    (lambda L, S: L.stft(L.randn(5), 16, return_complex=True), ShapeError,
     r"stft: center=True pads the signal by n_fft // 2 = 8 samples on each side in 'reflect' mode.*shape \(5,\)"),
    (lambda L, S: L.stft(L.randn(40), 8, pad_mode="wrap", return_complex=True), UnknownMode,
     "stft: pad_mode must be one of"),
    (lambda L, S: L.stft(L.randn(40), 3, return_complex=True), ArgumentRuntimeError,
     r"stft: expected hop_length > 0, got hop_length=0 \(n_fft // 4, the default\)"),
    (lambda L, S: L.stft(L.randn(40), 8, win_length=9, return_complex=True), ArgumentRuntimeError,
     "stft: expected 0 < win_length <= n_fft=8, got win_length=9"),
    (lambda L, S: L.stft(L.randn(40), 8, window=L.ones(7), return_complex=True), ShapeError,
     r"stft: expected a 1-D window of win_length=8 samples, got shape \(7,\)"),
    (lambda L, S: L.stft(L.randn(40), 8, hop_length=2.0, return_complex=True), ArgumentTypeError,
     "stft: hop_length must be an int, got 2.0"),
    (lambda L, S: L.stft(L.randn(40).to(L.complex64), 8, onesided=True), ArgumentRuntimeError,
     "stft: onesided=True needs a real input and window"),
    (lambda L, S: L.stft(L.randn(40), 8, align_to_window=True, return_complex=True), ArgumentRuntimeError,
     "stft: align_to_window may only be given with center=False"),
    (lambda L, S: L.stft(L.randn(40), 8), ArgumentRuntimeError, "stft: return_complex must be given"),
]

ISTFT_ERRORS = [
    (lambda L, S: L.istft(L.view_as_real(S), 8), DTypeRuntimeError, "istft: expected a complex spectrum"),
    (lambda L, S: L.istft(S[None, None], 8), ShapeError,
     r"istft: expected a 2-D spectrum \(N, T\) or a 3-D batch of them \(B, N, T\), got shape \(1, 1, 5, 21\)"),
    (lambda L, S: L.istft(S, 10), ShapeError,
     r"istft: expected n_fft // 2 \+ 1 = 6 \(onesided\) frequencies along dim -2, got shape \(5, 21\)"),
    (lambda L, S: L.istft(S, 8, onesided=False), ShapeError, r"istft: expected n_fft = 8 \(onesided=False\)"),
    (lambda L, S: L.istft(S, 8, hop_length=9), ArgumentRuntimeError,
     "istft: expected 0 < hop_length <= win_length=8, got hop_length=9"),
    (lambda L, S: L.istft(S, 8, window=L.hann_window(8, dtype=L.float64), center=False), ArgumentRuntimeError,
     r"istft: the window envelope .* falls to 0 .* \(the NOLA condition\); n_fft=8, hop_length=2"),
    (lambda L, S: L.istft(S, 8, window=L.ones(8, dtype=L.float64), return_complex=True), ArgumentRuntimeError,
     "istft: return_complex=True inverts a full spectrum"),
    (lambda L, S: L.istft(S, 8, window=L.ones(8, dtype=L.complex128)), DTypeRuntimeError,
     "istft: a complex window .* needs return_complex=True"),
    (lambda L, S: L.istft(S[:, :0], 8), ShapeError, r"istft: the spectrum has no frames \(shape \(5, 0\)\)"),
    (lambda L, S: L.istft(S, 8, length=0), ArgumentRuntimeError, "istft: length must be positive, got 0"),
    (lambda L, S: L.istft(S, 8, return_complex=None), ArgumentTypeError,
     "istft: return_complex must be a bool, got None"),
]
ERRORS = STFT_ERRORS + ISTFT_ERRORS
ERROR_IDS = [f"stft-{i}" for i in range(len(STFT_ERRORS))] + [f"istft-{i}" for i in range(len(ISTFT_ERRORS))]


def _spectrum(lib):
    return lib.stft(lib.tensor(_X), 8, window=lib.ones(8, dtype=lib.float64), return_complex=True)  # (5, 21)


@pytest.mark.parametrize("call,error,message", ERRORS, ids=ERROR_IDS)
def test_bad_inputs_are_named(call, error, message):
    with pytest.raises(error, match=message) as info:
        call(mg, _spectrum(mg))
    assert isinstance(info.value, MinigradError)


@pytest.mark.torch
@pytest.mark.parametrize("call,error,message", ERRORS, ids=ERROR_IDS)
def test_errors_are_of_the_builtin_type_torch_raises(torch, call, error, message):
    """torch raises for the same call, and minigrad's error is also of torch's type (RuntimeError,
    TypeError, NotImplementedError), so a program's ``except`` clause catches both."""
    with pytest.raises(Exception) as want:
        call(torch, _spectrum(torch))
    with pytest.raises(type(want.value)):
        call(mg, _spectrum(mg))


@pytest.mark.gpu
def test_stft_and_istft_on_cuda_match_cpu():
    rng = np.random.default_rng(13)
    x, w = rng.standard_normal((2, 64)).astype(np.float32), _hann(16).astype(np.float32)
    results = []
    for device in ("cuda", "cpu"):
        t = mg.tensor(x, device=device, requires_grad=True)
        window = mg.tensor(w, device=device, requires_grad=True)
        spec = mg.stft(t, 16, window=window, return_complex=True)
        back = mg.istft(spec * 2, 16, window=window, length=64)
        (back * back).sum().backward()
        results.append([spec.detach().cpu().numpy(), back.detach().cpu().numpy(), t.grad.cpu().numpy(),
                        window.grad.cpu().numpy()])
    for got, want in zip(*results):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)
