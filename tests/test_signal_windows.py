"""minigrad.signal.windows (PyTorch's torch.signal.windows): each window's formula, M = 0 and 1,
dtypes, requires_grad, parity with torch over M, sym and the windows' own parameters, and the
errors (their built-in types checked against torch's)."""

import inspect

import numpy as np
import pytest

import minigrad as mg
from minigrad.errors import ArgumentError, ArgumentTypeError
from minigrad.signal import windows as W

NAMES = ["bartlett", "blackman", "cosine", "exponential", "gaussian", "general_cosine", "general_hamming",
         "hamming", "hann", "kaiser", "nuttall"]
NEEDED = {"general_cosine": {"a": [0.46, 0.23, 0.31]}}  # the arguments a window cannot do without
# non-default parameters, each window's own
PARAMETERS = [("exponential", {"tau": 2.5}), ("exponential", {"center": 1.5, "tau": 0.7, "sym": False}),
              ("gaussian", {"std": 2.3}), ("gaussian", {"std": 0.4, "sym": False}), ("kaiser", {"beta": 0.0}),
              ("kaiser", {"beta": 5.5, "sym": False}), ("general_hamming", {"alpha": 0.6}),
              ("general_hamming", {"alpha": 0.5, "sym": False}), ("general_cosine", {"a": (0.5, 0.5)}),
              ("general_cosine", {"a": [0.3, 0.2, 0.1, 0.05], "sym": False})]


def _call(module, name, M, **kwargs):
    return getattr(module, name)(M, **{**NEEDED.get(name, {}), **kwargs})


def test_the_module_and_its_names():
    assert mg.signal.windows is W and sorted(W.__all__) == NAMES
    assert mg.signal.windows.hann(8).shape == (8,)


def test_windows_are_their_formulas():
    n = np.arange(7)
    f64 = {"dtype": mg.float64}
    np.testing.assert_allclose(W.hann(7, **f64).numpy(), 0.5 - 0.5 * np.cos(2 * np.pi * n / 6), atol=1e-15)
    np.testing.assert_allclose(W.hann(7, sym=False, **f64).numpy(), W.hann(8, **f64).numpy()[:-1], atol=1e-15)
    np.testing.assert_allclose(W.hamming(7, **f64).numpy(), np.hamming(7), atol=1e-15)
    np.testing.assert_allclose(W.blackman(7, **f64).numpy(), np.blackman(7), atol=1e-15)
    np.testing.assert_allclose(W.bartlett(7, **f64).numpy(), np.bartlett(7), atol=1e-15)
    np.testing.assert_allclose(W.kaiser(7, beta=4.0, **f64).numpy(), np.kaiser(7, 4.0), rtol=1e-12)
    np.testing.assert_allclose(W.cosine(7, **f64).numpy(), np.sin(np.pi * (n + 0.5) / 7), atol=1e-15)
    np.testing.assert_allclose(W.gaussian(7, std=2.0, **f64).numpy(), np.exp(-(n - 3) ** 2 / 8), rtol=1e-14)
    np.testing.assert_allclose(W.exponential(7, tau=2.0, **f64).numpy(), np.exp(-np.abs(n - 3) / 2), rtol=1e-14)
    np.testing.assert_allclose(W.exponential(7, center=1.0, sym=False, **f64).numpy(), np.exp(-np.abs(n - 1)),
                               rtol=1e-14)
    np.testing.assert_allclose(W.general_hamming(7, alpha=0.6, **f64).numpy(),
                               0.6 - 0.4 * np.cos(2 * np.pi * n / 6), atol=1e-15)
    np.testing.assert_allclose(W.general_cosine(7, a=[0.42, 0.5, 0.08], **f64).numpy(), np.blackman(7), atol=1e-15)
    nuttall = W.nuttall(7, **f64).numpy()
    assert nuttall[3] == pytest.approx(1.0, abs=1e-6) and nuttall[0] == pytest.approx(3.628e-4, rel=1e-3)


@pytest.mark.parametrize("name", NAMES)
def test_empty_one_point_dtype_and_requires_grad(name):
    for sym in (True, False):
        assert _call(W, name, 0, sym=sym).shape == (0,)
        assert _call(W, name, 1, sym=sym).tolist() == [1.0]
    w = _call(W, name, 5)
    assert w.dtype == mg.float32 and not w.requires_grad
    assert _call(W, name, 5, dtype=mg.float64).dtype == mg.float64
    assert _call(W, name, 5, requires_grad=True).requires_grad
    assert _call(W, name, 0, requires_grad=True).requires_grad
    try:
        mg.set_default_dtype(mg.float64)
        assert _call(W, name, 3).dtype == mg.float64
    finally:
        mg.set_default_dtype(mg.float32)


def test_an_exponential_window_of_one_point_with_its_center():
    assert W.exponential(1, center=3.0, sym=False, dtype=mg.float64).tolist() == [np.exp(-3.0)]
    assert W.general_cosine(1, a=[]).tolist() == [1.0]  # one point: the coefficients are not looked at


@pytest.mark.torch
@pytest.mark.parametrize("name", NAMES)
def test_the_signature_is_torchs(torch, name):
    ours, theirs = inspect.signature(getattr(W, name)), inspect.signature(getattr(torch.signal.windows, name))
    assert list(ours.parameters) == list(theirs.parameters)
    for p, q in zip(ours.parameters.values(), theirs.parameters.values()):
        assert p.kind == q.kind, p.name
        if p.name not in ("layout",):  # (torch.strided against minigrad.strided)
            assert p.default == q.default, p.name
    assert ours.parameters["layout"].default is mg.strided


def _compare(torch, name, M, dtype, **kwargs):
    want = _call(torch.signal.windows, name, M, dtype=getattr(torch, dtype), **kwargs).detach().numpy()
    got = _call(W, name, M, dtype=dtype, **kwargs).numpy()
    assert got.dtype == want.dtype and got.shape == want.shape, (name, M, kwargs)
    # torch computes in the dtype itself, minigrad in float64 then rounds: float32 differs in the last bits
    tolerance = {"rtol": 1e-5, "atol": 1e-6} if dtype == "float32" else {"rtol": 1e-10, "atol": 1e-13}
    np.testing.assert_allclose(got, want, **tolerance, err_msg=f"{name}({M}, {kwargs})")


@pytest.mark.torch
@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("M", [0, 1, 2, 7, 16])
def test_matches_torch(torch, name, M):
    for sym in (True, False):
        for dtype in ("float32", "float64"):
            _compare(torch, name, M, dtype, sym=sym)
    want = _call(torch.signal.windows, name, M, requires_grad=True)
    assert _call(W, name, M, requires_grad=True).requires_grad == want.requires_grad


@pytest.mark.torch
@pytest.mark.parametrize("name, kwargs", PARAMETERS)
@pytest.mark.parametrize("M", [0, 1, 2, 7, 16])
def test_matches_torch_with_parameters(torch, name, kwargs, M):
    for dtype in ("float32", "float64"):
        _compare(torch, name, M, dtype, **kwargs)


BAD = [
    ("hann", -1, {}, ArgumentError, "hann requires non-negative window length, got M=-1"),
    ("nuttall", -3, {}, ArgumentError, "nuttall requires non-negative window length, got M=-3"),
    ("gaussian", -2, {"std": -1.0}, ArgumentError, "gaussian requires non-negative window length, got M=-2"),
    ("gaussian", 4, {"std": 0.0}, ArgumentError, "gaussian: standard deviation must be positive, got std=0.0"),
    ("gaussian", 0, {"std": -1.0}, ArgumentError, "got std=-1.0"),
    ("exponential", 4, {"tau": 0.0}, ArgumentError, "exponential: tau must be positive, got tau=0.0"),
    ("exponential", 4, {"center": 1.0}, ArgumentError, "center must be None for symmetric windows"),
    ("exponential", 0, {"center": 1.0, "sym": True}, ArgumentError, "got center=1.0"),
    ("kaiser", 4, {"beta": -1.0}, ArgumentError, "kaiser: beta must be non-negative, got beta=-1.0"),
    ("general_cosine", 4, {"a": []}, ArgumentError, "general_cosine: the coefficients a cannot be empty"),
    ("general_cosine", 4, {"a": 5}, ArgumentTypeError, "general_cosine: the coefficients a must be a list"),
    ("blackman", 4, {"dtype": "int64"}, ArgumentError, "blackman expects float32 or float64 dtypes, got int64"),
    ("hamming", 4, {"dtype": "float16"}, ArgumentError, "hamming expects float32 or float64 dtypes, got float16"),
    ("cosine", 4, {"dtype": "complex64"}, ArgumentError, "got complex64"),
    ("bartlett", 4, {"dtype": "bfloat16"}, ArgumentError, "bartlett expects float32 or float64 dtypes, got bfl"),
    ("hann", 4, {"layout": "sparse_coo"}, ArgumentError, "hann is implemented for strided tensors only"),
    ("hann", 2.5, {}, ArgumentTypeError, "hann: M must be an int, got 2.5"),
    ("kaiser", "3", {}, ArgumentTypeError, "kaiser: M must be an int, got '3'"),
]


def _resolve(library, kwargs):
    """The bad arguments spelled for minigrad or torch (dtype and layout names to objects)."""
    return {k: getattr(library, v) if k in ("dtype", "layout") else v for k, v in kwargs.items()}


@pytest.mark.parametrize("name, M, kwargs, error, message", BAD)
def test_bad_input(name, M, kwargs, error, message):
    with pytest.raises(error, match=message):
        _call(W, name, M, **_resolve(mg, kwargs))


@pytest.mark.torch
@pytest.mark.parametrize("name, M, kwargs, error, message", BAD)
def test_bad_input_raises_torchs_builtin_type(torch, name, M, kwargs, error, message):
    with pytest.raises(Exception) as theirs:
        _call(torch.signal.windows, name, M, **_resolve(torch, kwargs))
    with pytest.raises(type(theirs.value)):
        _call(W, name, M, **_resolve(mg, kwargs))
