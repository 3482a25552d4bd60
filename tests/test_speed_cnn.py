"""The CNN fast paths equal the plain formulas they replace.

- max_pool2d's 2 x 2 tiling (ops/pooling.py: kernel 2, stride 2, no padding, even sizes, the
  forward of every W2 pooling layer): its maximum and arg-max offsets equal the general
  per-offset loop bit for bit (the same comparisons, only in another order), ties and NaN
  included, and its gradients equal PyTorch's.
- the output-shifted convolution (ops/conv.py _output_shifted_products: stride 1, one group,
  at least as many input as output channels): it equals the im2col formula Y = W @ cols to
  float rounding only, since it sums the KH*KW*C products in another order.
"""

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F
from minigrad.ops import conv as CV
from minigrad.ops import pooling as P

GEOMETRY = dict(kernel=(2, 2), stride=(2, 2), padding=((0, 0), (0, 0)), dilation=(1, 1))


def _general(x, with_indices=True):
    """The per-offset loop of _max_and_argmax, with the 2 x 2 fast path switched off."""
    saved = P._is_2x2_tiling
    P._is_2x2_tiling = lambda *args: False
    try:
        return P._max_and_argmax(x, out_hw=(x.shape[2] // 2, x.shape[3] // 2), with_indices=with_indices,
                                 **GEOMETRY)
    finally:
        P._is_2x2_tiling = saved


def _fast(x, with_indices=True):
    assert P._is_2x2_tiling(x.shape, **GEOMETRY)
    return P._max_and_argmax_2x2(x, with_indices)


def _tied(rng, shape, dtype):
    """Small integers: most windows hold ties, some several."""
    return rng.integers(-2, 3, size=shape).astype(dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64, np.int32])
@pytest.mark.parametrize("ties", [False, True])
def test_2x2_fast_path_equals_the_general_loop(dtype, ties):
    rng = np.random.default_rng(1)
    shape = (3, 4, 6, 8)
    x = _tied(rng, shape, dtype) if ties else (rng.standard_normal(shape) * 10).astype(dtype)
    y, idx = _fast(x)
    y0, idx0 = _general(x)
    assert y.dtype == x.dtype and idx.dtype == idx0.dtype == np.int8
    np.testing.assert_array_equal(y, y0)
    np.testing.assert_array_equal(idx, idx0)
    assert _fast(x, with_indices=False)[1] is None
    np.testing.assert_array_equal(_fast(x, with_indices=False)[0], y0)


def test_every_tie_pattern_goes_to_the_first_maximum():
    # all 2^4 patterns of which window elements hold the maximum 1 (the others 0)
    patterns = np.array([[(p >> k) & 1 for k in range(4)] for p in range(1, 16)], dtype=np.float32)
    x = patterns.reshape(1, 15, 2, 2)
    y, idx = _fast(x)
    np.testing.assert_array_equal(y.ravel(), 1.0)
    np.testing.assert_array_equal(idx.ravel(), [int(np.argmax(p)) for p in patterns])


def test_the_fast_path_steps_aside_for_nan():
    x = np.zeros((1, 1, 2, 4), dtype=np.float32)
    x[0, 0, 0, 1] = np.nan
    assert P._max_and_argmax_2x2(x, True) is None


def test_odd_sizes_padding_and_other_kernels_take_the_general_path():
    assert P._is_2x2_tiling((1, 1, 4, 4), **GEOMETRY)
    assert not P._is_2x2_tiling((1, 1, 5, 4), **GEOMETRY)
    assert not P._is_2x2_tiling((1, 1, 4, 4), (2, 2), (2, 2), ((1, 1), (0, 0)), (1, 1))
    assert not P._is_2x2_tiling((1, 1, 4, 4), (2, 2), (1, 1), ((0, 0), (0, 0)), (1, 1))
    assert not P._is_2x2_tiling((1, 1, 4, 4), (3, 3), (3, 3), ((0, 0), (0, 0)), (1, 1))
    assert not P._is_2x2_tiling((1, 4, 4), **GEOMETRY)


@pytest.mark.parametrize("case", ["random", "ties", "nan"])
def test_max_pool2d_2x2_matches_torch_values_indices_and_gradients(case):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(2)
    shape = (2, 3, 6, 4)
    x = _tied(rng, shape, np.float32) if case != "random" else rng.standard_normal(shape).astype(np.float32)
    if case == "nan":  # one window with one NaN, one with two (the last NaN takes the gradient)
        x[0, 0, 0, 1] = np.nan
        x[1, 2, 2, 2] = x[1, 2, 3, 3] = np.nan
    g = rng.standard_normal((2, 3, 3, 2)).astype(np.float32)
    xm = mg.tensor(x, requires_grad=True)
    y, idx = F.max_pool2d(xm, 2, return_indices=True)
    y.backward(mg.tensor(g))
    xt = torch.tensor(x, requires_grad=True)
    yt, idxt = torch.nn.functional.max_pool2d(xt, 2, return_indices=True)
    yt.backward(torch.tensor(g))
    np.testing.assert_array_equal(y.numpy(), yt.detach().numpy())
    np.testing.assert_array_equal(idx.numpy(), idxt.numpy())
    np.testing.assert_array_equal(xm.grad.numpy(), xt.grad.numpy())
    assert xm.grad.dtype == mg.float32


def test_max_pool2d_2x2_double_backward_equals_the_general_path():
    rng = np.random.default_rng(3)
    x = _tied(rng, (2, 2, 4, 4), np.float64)
    g = rng.standard_normal((2, 2, 2, 2))
    results = []
    for fast in (True, False):
        saved = P._is_2x2_tiling
        if not fast:
            P._is_2x2_tiling = lambda *args: False
        try:
            xm = mg.tensor(x, requires_grad=True)
            gy = mg.tensor(g, requires_grad=True)
            (gx,) = mg.grad(F.max_pool2d(xm, 2), [xm], gy, create_graph=True)
            (ggy,) = mg.grad((gx * gx).sum(), [gy])
        finally:
            P._is_2x2_tiling = saved
        results.append((gx.detach().numpy(), ggy.numpy()))
    np.testing.assert_array_equal(results[0][0], results[1][0])
    np.testing.assert_array_equal(results[0][1], results[1][1])


@pytest.mark.gpu
def test_2x2_fast_path_on_cuda_matches_cpu():
    rng = np.random.default_rng(4)
    x = _tied(rng, (2, 3, 4, 6), np.float32)
    xc = mg.tensor(x, requires_grad=True, device="cuda")
    y, idx = F.max_pool2d(xc, 2, return_indices=True)
    y.sum().backward()
    xm = mg.tensor(x, requires_grad=True)
    y0, idx0 = F.max_pool2d(xm, 2, return_indices=True)
    y0.sum().backward()
    assert y.is_cuda and xc.grad.is_cuda
    np.testing.assert_array_equal(y.cpu().numpy(), y0.numpy())
    np.testing.assert_array_equal(idx.cpu().numpy(), idx0.numpy())
    np.testing.assert_array_equal(xc.grad.cpu().numpy(), xm.grad.numpy())


# ---- the output-shifted convolution ---------------------------------------------------------------
def _im2col_conv(x, w, b, padding, dilation):
    """The plain formula: Y = W @ cols + b, through the im2col path (the shifted ones switched off)."""
    saved = CV._shifted_conv
    CV._shifted_conv = lambda *args: None
    try:
        return F.conv2d(x, w, b, padding=padding, dilation=dilation)
    finally:
        CV._shifted_conv = saved


def _count_output_shifts(monkeypatch):
    calls = []
    original = CV._output_shifted_products

    def counted(*args):
        calls.append(args[1].shape)
        return original(*args)

    monkeypatch.setattr(CV, "_output_shifted_products", counted)
    return calls


@pytest.mark.parametrize("c, oc, kernel, padding, dilation", [
    (64, 32, (3, 3), 1, 1),  # W2's input gradient: 32 channels from 64
    (32, 32, (3, 3), 2, 2),
    (40, 16, (3, 2), "same", 1),  # an even kernel: asymmetric padding
    (32, 4, (1, 1), 0, 1),
    (48, 8, (5, 5), (2, 1), 1),  # less padding across than the kernel's reach: outputs shrink
])
def test_output_shifted_conv_equals_the_im2col_formula(monkeypatch, c, oc, kernel, padding, dilation):
    rng = np.random.default_rng(5)
    x = mg.tensor(rng.standard_normal((2, c, 20, 30)).astype(np.float32))
    w = mg.tensor((rng.standard_normal((oc, c) + kernel) / np.sqrt(c * np.prod(kernel))).astype(np.float32))
    b = mg.tensor(rng.standard_normal(oc).astype(np.float32))
    calls = _count_output_shifts(monkeypatch)
    y = F.conv2d(x, w, b, padding=padding, dilation=dilation)
    assert calls, "the output-shifted path did not run"
    y0 = _im2col_conv(x, w, b, padding, dilation)
    assert y.dtype == mg.float32 and y.shape == y0.shape and y.array.flags.c_contiguous
    # float32 sums of C*KH*KW products in another order: rounding of a few units in the last place
    np.testing.assert_allclose(y.array, y0.array, rtol=1e-5, atol=1e-5)


def test_output_shifted_conv_gradients_match_torch(monkeypatch):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(6)
    x = rng.standard_normal((2, 32, 10, 12))  # large enough that the shifted layout pays
    w = rng.standard_normal((32, 32, 3, 3)) / 17
    b = rng.standard_normal(32)
    g = rng.standard_normal((2, 32, 10, 12))
    calls = _count_output_shifts(monkeypatch)
    xm, wm, bm = (mg.tensor(a, requires_grad=True) for a in (x, w, b))
    F.conv2d(xm, wm, bm, padding=1).backward(mg.tensor(g))
    assert len(calls) >= 2  # the forward and the input gradient (a stride-1 convolution too)
    xt, wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    yt = torch.nn.functional.conv2d(xt, wt, bt, padding=1)
    yt.backward(torch.tensor(g))
    for m, t in ((xm, xt), (wm, wt), (bm, bt)):  # float64: the orders of summation hardly matter
        np.testing.assert_allclose(m.grad.numpy(), t.grad.numpy(), rtol=1e-10, atol=1e-10)


def test_output_shifted_conv_is_skipped_for_few_input_channels(monkeypatch):
    rng = np.random.default_rng(7)
    calls = _count_output_shifts(monkeypatch)
    x = mg.tensor(rng.standard_normal((2, 16, 8, 8)).astype(np.float32))
    F.conv2d(x, mg.tensor(rng.standard_normal((8, 16, 3, 3)).astype(np.float32)), padding=1)
    F.conv2d(mg.tensor(rng.standard_normal((2, 32, 8, 8)).astype(np.float32)),
             mg.tensor(rng.standard_normal((64, 32, 3, 3)).astype(np.float32)), padding=1)
    assert calls == []


@pytest.mark.gpu
def test_output_shifted_conv_on_cuda_matches_cpu():
    rng = np.random.default_rng(8)
    x = rng.standard_normal((2, 32, 10, 12)).astype(np.float32)
    w = rng.standard_normal((16, 32, 3, 3)).astype(np.float32) / 17
    ys = []
    for device in ("cuda", "cpu"):
        xm = mg.tensor(x, requires_grad=True, device=device)
        y = F.conv2d(xm, mg.tensor(w, device=device), padding=1)
        y.sum().backward()
        ys.append((y.cpu().numpy(), xm.grad.cpu().numpy()))
    np.testing.assert_allclose(ys[0][0], ys[1][0], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(ys[0][1], ys[1][1], rtol=1e-5, atol=1e-5)
