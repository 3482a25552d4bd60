"""Fractional max pooling: F.fractional_max_pool2d/3d and nn.FractionalMaxPool2d/3d.

- the window starts against the formula written as a scalar loop, and their properties (from
  0 to L - K, steps of floor or ceil of (L - K) / (O - 1));
- values and indices against a NumPy reference that walks every window, ties and NaNs too;
- with the same _random_samples, values, indices and gradients equal to torch's bit for bit,
  float16, float32 and float64, 2-D and 3-D, batched or not;
- gradcheck and gradgradcheck; the layers, their buffer and their errors; bad inputs.
"""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minigrad as mg
from minigrad import nn
from minigrad.errors import (ArgumentError, ArgumentRuntimeError, ArgumentTypeError, DTypeRuntimeError, MinigradError,
                             ShapeError, UnsupportedDType)
from minigrad.nn import functional as F
from minigrad.ops.fractional_pooling import interval_starts
from minigrad.testing import gradcheck, gradgradcheck
from minigrad.testing.strategies import no_ties


# ---- the reference: the formula as a scalar loop, then every window walked ------------------------------
def _starts(u, size, out, kernel, dtype):
    """start_i = floor((i + u) a) - floor(u a), a = (L - K) / (O - 1), the last one L - K; in ``dtype``."""
    u = dtype(u)
    starts = []
    if out > 1:
        a = dtype(size - kernel) / dtype(out - 1)
        starts = [int(dtype(dtype(i) + u) * a) - int(u * a) for i in range(out - 1)]
    return starts + [size - kernel] if out > 0 else []


def _reference(x, kernel, out, samples):
    """y and the flat arg-max of every window, walked as PyTorch's kernel walks it: from -inf at
    the window's first element, a value wins if larger (so ties keep the first) or if NaN."""
    spatial = len(kernel)
    sizes = x.shape[2:]
    column = (1, 0) if spatial == 2 else (0, 1, 2)  # the sample of each axis
    y = np.zeros(x.shape[:2] + tuple(out), dtype=x.dtype)
    idx = np.zeros(y.shape, dtype=np.int64)
    for n, c in itertools.product(range(x.shape[0]), range(x.shape[1])):
        starts = [_starts(samples[n, c, column[d]], sizes[d], out[d], kernel[d], x.dtype.type) for d in range(spatial)]
        for o in itertools.product(*(range(k) for k in out)):
            first = tuple(starts[d][o[d]] for d in range(spatial))
            best, where = -np.inf, np.ravel_multi_index(first, sizes)
            for t in itertools.product(*(range(k) for k in kernel)):
                pos = tuple(p + i for p, i in zip(first, t))
                v = x[(n, c) + pos]
                if v > best or np.isnan(v):
                    best, where = v, np.ravel_multi_index(pos, sizes)
            y[(n, c) + o], idx[(n, c) + o] = best, where
    return y, idx


def test_window_starts_are_the_formula_and_cover_the_axis():
    rng = np.random.default_rng(0)
    for dtype in (np.float16, np.float32, np.float64):
        u = rng.random((3, 4)).astype(dtype)
        for size, out, kernel in [(10, 4, 2), (25, 7, 3), (9, 9, 1), (7, 1, 3), (31, 10, 4)]:
            got = interval_starts(u, size, out, kernel)
            want = np.array([[_starts(v, size, out, kernel, dtype) for v in row] for row in u])
            np.testing.assert_array_equal(got, want)
            assert np.all(got[..., -1] == size - kernel)
            if out > 1:
                assert np.all(got[..., 0] == 0)
                steps = np.diff(got, axis=-1)
                a = (size - kernel) / (out - 1)
                assert np.all((steps == np.floor(a)) | (steps == np.ceil(a)))


CASES = [  # (input shape, kernel, output size)
    ((2, 3, 10, 9), 2, (5, 4)),
    ((1, 2, 11, 8), (3, 2), (6, 7)),  # windows overlap: one element can win several
    ((2, 1, 7, 7), 3, 5),
    ((3, 9, 9), 2, (4, 4)),  # unbatched
    ((1, 2, 6, 7, 8), 2, (3, 4, 5)),
    ((2, 1, 5, 6, 5), (2, 3, 1), (2, 3, 4)),
    ((2, 6, 5, 7), 2, (3, 2, 4)),  # unbatched 3-D
]


def _pool(spatial):
    return F.fractional_max_pool2d if spatial == 2 else F.fractional_max_pool3d


def _case(shape, kernel, out):
    """The case's number of spatial dims and its input shape with the batch axis."""
    spatial = len(out) if isinstance(out, tuple) else 2
    return spatial, (1,) * (spatial + 2 - len(shape)) + shape


@pytest.mark.parametrize("shape,kernel,out", CASES, ids=str)
@pytest.mark.parametrize("values", ["distinct", "ties", "nans"])
def test_values_and_indices_against_the_reference(shape, kernel, out, values):
    spatial, batched = _case(shape, kernel, out)
    rng = np.random.default_rng(1)
    x = no_ties(rng, batched) if values != "ties" else rng.integers(0, 3, batched).astype(np.float64)
    if values == "nans":
        x.flat[rng.choice(x.size, 6, replace=False)] = np.nan
    samples = rng.random(batched[:2] + (spatial,))
    y, idx = _pool(spatial)(mg.tensor(x.reshape(shape)), kernel, output_size=out, return_indices=True,
                            _random_samples=mg.tensor(samples))
    kernel_t = (kernel,) * spatial if isinstance(kernel, int) else kernel
    out_t = (out,) * spatial if isinstance(out, int) else out
    want_y, want_idx = _reference(x, kernel_t, out_t, samples)
    np.testing.assert_array_equal(y.numpy(), want_y.reshape(y.shape))
    np.testing.assert_array_equal(idx.numpy(), want_idx.reshape(idx.shape))
    assert idx.dtype == mg.int64 and y.shape == tuple(shape[:-spatial]) + out_t


def test_the_gradient_goes_to_each_windows_arg_max():
    x = mg.tensor(np.arange(36.0).reshape(1, 1, 6, 6), requires_grad=True)
    y, idx = F.fractional_max_pool2d(x, 3, output_size=3, return_indices=True,
                                     _random_samples=mg.tensor([[[0.3, 0.6]]], dtype=mg.float64))
    (y * mg.tensor(np.arange(1.0, 10.0).reshape(1, 1, 3, 3))).sum().backward()
    want = np.zeros(36)
    np.add.at(want, idx.numpy().ravel(), np.arange(1.0, 10.0))  # windows overlap: shared arg-maxes add up
    np.testing.assert_array_equal(x.grad.numpy().ravel(), want)
    assert np.all(np.diff(idx.numpy()[0, 0], axis=0) > 0)  # increasing x: each window's last element wins


def test_gradcheck_and_gradgradcheck():
    rng = np.random.default_rng(2)
    x = mg.tensor(no_ties(rng, (2, 2, 7, 6)), requires_grad=True)
    s = mg.tensor(rng.random((2, 2, 2)))
    gradcheck(lambda x: F.fractional_max_pool2d(x, (2, 3), output_size=(4, 3), _random_samples=s), (x,))
    gradgradcheck(lambda x: F.fractional_max_pool2d(x, 2, output_size=(5, 4), _random_samples=s), (x,))
    v = mg.tensor(no_ties(rng, (1, 2, 5, 4, 6)), requires_grad=True)
    s3 = mg.tensor(rng.random((1, 2, 3)))
    gradcheck(lambda v: F.fractional_max_pool3d(v, 2, output_size=(3, 2, 4), _random_samples=s3), (v,))
    gradgradcheck(lambda v: F.fractional_max_pool3d(v, (1, 2, 2), output_size=(4, 2, 3), _random_samples=s3), (v,))


def test_dtypes_and_drawn_samples():
    x = mg.randn(2, 3, 9, 9)
    assert F.fractional_max_pool2d(x, 2, output_size=4).dtype == mg.float32
    assert F.fractional_max_pool2d(x.double(), 2, output_ratio=(0.5, 0.5)).shape == (2, 3, 4, 4)
    assert F.fractional_max_pool2d(x, 2, output_ratio=0.5).shape == (2, 3, 4, 4)  # one ratio for both (minigrad)
    mg.manual_seed(5)
    a = F.fractional_max_pool2d(x, 2, output_size=4, return_indices=True)[1]
    mg.manual_seed(5)
    b = F.fractional_max_pool2d(x, 2, output_size=4, return_indices=True)[1]
    c = F.fractional_max_pool2d(x, 2, output_size=4, return_indices=True)[1]
    assert np.array_equal(a.numpy(), b.numpy())  # the samples come from minigrad's generator
    assert not np.array_equal(b.numpy(), c.numpy())  # fresh ones on every call
    assert F.fractional_max_pool2d(mg.randn(0, 3, 9, 9), 2, output_size=4).shape == (0, 3, 4, 4)
    assert F.fractional_max_pool2d(x, 2, output_size=0).shape == (2, 3, 0, 0)
    samples = mg.rand(4, 3, 2)  # more rows than the batch: the first ones are used
    np.testing.assert_array_equal(F.fractional_max_pool2d(x, 2, output_size=4, _random_samples=samples).numpy(),
                                  F.fractional_max_pool2d(x, 2, output_size=4, _random_samples=samples[:2]).numpy())


# ---- against torch: the same samples, the same numbers ---------------------------------------------------
@pytest.mark.torch
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_values_indices_and_gradients_equal_torchs(torch, data):
    spatial = data.draw(st.sampled_from([2, 3]), label="spatial")
    dtype = data.draw(st.sampled_from([np.float16, np.float32, np.float64]), label="dtype")
    sizes = tuple(data.draw(st.integers(2, 11 if spatial == 2 else 6), label="size") for _ in range(spatial))
    room = 0 if spatial == 2 else 1  # torch's 3-D check: output + kernel - 1 < size
    kernel = tuple(data.draw(st.integers(1, max(1, min(4, n - room))), label="kernel") for n in sizes)
    if any(k + room > n for k, n in zip(kernel, sizes)):
        return
    out = tuple(data.draw(st.integers(1, n - k + 1 - room), label="out") for n, k in zip(sizes, kernel))
    batch = data.draw(st.sampled_from([(), (1,), (2,)]), label="batch")
    channels = data.draw(st.integers(1, 3), label="channels")
    values = data.draw(st.sampled_from(["normal", "ties", "nans"]), label="values")
    rng = np.random.default_rng(data.draw(st.integers(0, 2 ** 16), label="seed"))
    x = rng.standard_normal(batch + (channels,) + sizes).astype(dtype)
    if values == "ties":
        x = np.round(x)
    elif values == "nans":
        x.flat[rng.choice(x.size, min(3, x.size), replace=False)] = np.nan
    u = rng.random(((batch or (1,))[0], channels, spatial)).astype(dtype)
    g = rng.standard_normal(batch + (channels,) + out).astype(dtype)
    results = []
    for lib in (torch, mg):
        t = lib.tensor(x, requires_grad=True)
        pool = getattr(lib.nn.functional, f"fractional_max_pool{spatial}d")
        y, idx = pool(t, kernel, output_size=out, return_indices=True, _random_samples=lib.tensor(u))
        (y * lib.tensor(g)).sum().backward()
        results.append((y.detach().numpy(), idx.numpy(), t.grad.numpy()))
    for got, want in zip(results[1], results[0]):
        assert got.dtype == want.dtype and got.shape == want.shape
        np.testing.assert_array_equal(got, want)  # bit for bit, NaNs in the same places


@pytest.mark.torch
def test_layers_match_torch(torch):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 3, 12, 10)).astype(np.float32)
    v = rng.standard_normal((2, 3, 7, 8, 9)).astype(np.float32)
    s2, s3 = rng.random((2, 3, 2)).astype(np.float32), rng.random((2, 3, 3)).astype(np.float32)
    for make, data, s in [(lambda lib, s: lib.nn.FractionalMaxPool2d(3, output_ratio=(0.5, 0.7), return_indices=True,
                                                                     _random_samples=s), x, s2),
                          (lambda lib, s: lib.nn.FractionalMaxPool2d((2, 3), output_size=5, _random_samples=s), x, s2),
                          (lambda lib, s: lib.nn.FractionalMaxPool3d(2, output_ratio=0.5, _random_samples=s), v, s3),
                          (lambda lib, s: lib.nn.FractionalMaxPool3d((1, 2, 3), output_size=(4, 3, 2),
                                                                     return_indices=True, _random_samples=s), v, s3)]:
        outs = []
        for lib in (torch, mg):
            layer = make(lib, lib.tensor(s))
            y = layer(lib.tensor(data))
            outs.append([a.numpy() for a in (y if isinstance(y, tuple) else (y,))])
            assert list(layer.state_dict()) == ["_random_samples"] and repr(layer) == repr(make(torch, None))
        for got, want in zip(outs[1], outs[0]):
            np.testing.assert_array_equal(got, want)


# ---- the layers --------------------------------------------------------------------------------------
def test_layers():
    layer = nn.FractionalMaxPool2d(3, output_ratio=0.5)
    assert layer.kernel_size == (3, 3) and layer.output_ratio == (0.5, 0.5) and layer.output_size is None
    assert layer(mg.randn(2, 3, 12, 10)).shape == (2, 3, 6, 5)
    assert list(layer.state_dict()) == [] and repr(layer) == "FractionalMaxPool2d()"
    y, idx = nn.FractionalMaxPool3d(2, output_size=(3, 2, 4), return_indices=True)(mg.randn(3, 6, 5, 7))
    assert y.shape == idx.shape == (3, 3, 2, 4)
    fixed = nn.FractionalMaxPool2d(2, output_size=4, _random_samples=mg.rand(1, 2, 2))
    x = mg.randn(1, 2, 9, 9)
    assert "_random_samples" in fixed.state_dict()
    np.testing.assert_array_equal(fixed(x).numpy(), fixed(x).numpy())  # fixed samples: fixed windows
    assert nn.modules.pooling.FractionalMaxPool3d is nn.FractionalMaxPool3d


@pytest.mark.parametrize("make,message", [
    (lambda: nn.FractionalMaxPool2d(2),
     "FractionalMaxPool2d requires specifying either an output size, or a pooling ratio"),
    (lambda: nn.FractionalMaxPool3d(2, output_size=3, output_ratio=0.5),
     "FractionalMaxPool3d: only one of output_size and output_ratio may be specified"),
    (lambda: nn.FractionalMaxPool2d(2, output_ratio=(0.5, 1.0)),
     r"FractionalMaxPool2d: output_ratio must be between 0 and 1 \(got \(0.5, 1.0\)\)"),
    (lambda: nn.FractionalMaxPool3d(0, output_size=3),
     "FractionalMaxPool3d: kernel_size must be greater than 0, but got 0"),
])
def test_layer_arguments_are_checked(make, message):
    with pytest.raises(ArgumentError, match=message):
        make()


# ---- bad inputs ----------------------------------------------------------------------------------------
X = mg.randn(2, 3, 10, 9)
ERRORS = [
    (lambda L, x: L.nn.functional.fractional_max_pool2d(x, 2), ArgumentError,
     "fractional_max_pool2d requires specifying either an output_size or an output_ratio"),
    (lambda L, x: L.nn.functional.fractional_max_pool2d(x, 3, output_size=9), ShapeError,
     r"fractional_max_pool2d: the kernel \(3, 3\) is too large for the output size \(9, 9\) from the input of shape "
     r"\(2, 3, 10, 9\): along the height, output \+ kernel - 1 = 11 must be at most 10"),
    (lambda L, x: L.nn.functional.fractional_max_pool3d(x[None], 2, output_size=(2, 4, 4)), ShapeError,
     r"fractional_max_pool3d: the kernel \(2, 2, 2\) is too large .* along the depth, output \+ kernel - 1 = 3 "
     r"must be below 3"),
    (lambda L, x: L.nn.functional.fractional_max_pool2d(x, (2, 2, 2), output_size=4), ArgumentRuntimeError,
     r"fractional_max_pool2d: kernel_size must be an int or a tuple of 2 ints, got \(2, 2, 2\)"),
    (lambda L, x: L.nn.functional.fractional_max_pool2d(x, 2, output_size=4.0), ArgumentTypeError,
     "fractional_max_pool2d: output_size must be an int or a tuple of ints, got 4.0"),
    (lambda L, x: L.nn.functional.fractional_max_pool2d(x, 2, output_size=-1), ArgumentRuntimeError,
     "fractional_max_pool2d: output_size must be non-negative, got -1"),
    (lambda L, x: L.nn.functional.fractional_max_pool2d(x, 2, output_ratio=(0.5, 0.5, 0.5)), ArgumentError,
     r"fractional_max_pool2d: output_ratio must be a number or a tuple of 2 numbers, got \(0.5, 0.5, 0.5\)"),
    (lambda L, x: L.nn.functional.fractional_max_pool2d(x, 2, output_size=4, _random_samples=L.rand(1, 3, 2)),
     ShapeError, r"fractional_max_pool2d: _random_samples must have shape \(N, C, 2\) with N at least the batch "
                 r"size, for an input of shape \(2, 3, 10, 9\): \(at least 2, 3, 2\); got shape \(1, 3, 2\)"),
    (lambda L, x: L.nn.functional.fractional_max_pool2d(x, 2, output_size=4, _random_samples=L.rand(2, 3, 3)),
     ShapeError, r"got shape \(2, 3, 3\)"),
    (lambda L, x: L.nn.functional.fractional_max_pool2d(x, 2, output_size=4, _random_samples=L.rand(2, 3, 2).double()),
     DTypeRuntimeError, "fractional_max_pool2d: _random_samples must have the input's dtype float32, got float64"),
    (lambda L, x: L.nn.functional.fractional_max_pool2d(x[0, 0], 2, output_size=4), ShapeError,  # (torch: IndexError)
     r"fractional_max_pool2d: expected a 3-D \(unbatched\) or 4-D \(batched\) input, got shape \(10, 9\)"),
    (lambda L, x: L.nn.functional.fractional_max_pool2d(x[:, :0], 2, output_size=4), ShapeError,
     r"fractional_max_pool2d: expected an input with a non-zero size in every non-batch dimension, got shape "
     r"\(2, 0, 10, 9\)"),
    (lambda L, x: L.nn.functional.fractional_max_pool2d(x.long(), 2, output_size=4), UnsupportedDType,
     "fractional_max_pool2d: expected a floating point input, got dtype int64"),
]


@pytest.mark.parametrize("call,error,message", ERRORS, ids=range(len(ERRORS)))
def test_bad_inputs_are_named(call, error, message):
    with pytest.raises(error, match=message) as info:
        call(mg, X)
    assert isinstance(info.value, MinigradError)


def test_samples_that_would_put_a_window_outside_are_refused():
    """Samples outside [0, 1) still give windows inside the input, mostly; where rounding in float32
    would not, PyTorch fails an internal assert, minigrad says so."""
    x = mg.randn(1, 1, 28, 28)
    y = F.fractional_max_pool2d(x, 4, output_size=19, _random_samples=mg.full((1, 1, 2), 7.0))
    assert y.shape == (1, 1, 19, 19)
    with pytest.raises(ArgumentRuntimeError, match=r"_random_samples put a window outside the height of the input of "
                                                   r"shape \(1, 1, 28, 28\); the samples must lie in \[0, 1\)"):
        F.fractional_max_pool2d(x, 4, output_size=19, _random_samples=mg.full((1, 1, 2), 4.7781734e8))


@pytest.mark.torch
def test_nan_samples_start_their_windows_at_zero_as_in_torch(torch):
    x = np.random.default_rng(5).standard_normal((1, 2, 9, 9)).astype(np.float32)
    s = np.array([[[np.nan, 0.5], [0.3, np.nan]]], dtype=np.float32)
    got = F.fractional_max_pool2d(mg.tensor(x), 2, output_size=4, return_indices=True, _random_samples=mg.tensor(s))
    want = torch.nn.functional.fractional_max_pool2d(torch.tensor(x), 2, output_size=4, return_indices=True,
                                                     _random_samples=torch.tensor(s))
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g.numpy(), w.numpy())


@pytest.mark.torch
@pytest.mark.parametrize("call,error,message", [e for e in ERRORS if "got shape \\(10, 9\\)" not in e[2]],
                         ids=range(len(ERRORS) - 1))
def test_errors_are_of_the_builtin_type_torch_raises(torch, call, error, message):
    """torch raises for the same call, and minigrad's error is also of torch's type (RuntimeError,
    ValueError, TypeError, NotImplementedError). (For a 2-D input torch's own code fails first,
    with an IndexError.)"""
    with pytest.raises(Exception) as want:
        call(torch, torch.tensor(X.numpy()))
    with pytest.raises(type(want.value)):
        call(mg, X)


@pytest.mark.gpu
def test_cuda_matches_cpu():
    rng = np.random.default_rng(4)
    x = rng.standard_normal((2, 3, 11, 9)).astype(np.float32)
    s = rng.random((2, 3, 2)).astype(np.float32)
    results = []
    for device in ("cuda", "cpu"):
        t = mg.tensor(x, device=device, requires_grad=True)
        y, idx = F.fractional_max_pool2d(t, 3, output_size=(6, 5), return_indices=True,
                                         _random_samples=mg.tensor(s, device=device))
        (y * y).sum().backward()
        assert y.device.type == device
        results.append((y.detach().cpu().numpy(), idx.cpu().numpy(), t.grad.cpu().numpy()))
    for got, want in zip(*results):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)
