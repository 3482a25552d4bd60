"""The CNN fast paths equal the plain formulas they replace.

- max_pool2d's 2 x 2 tiling (ops/pooling.py: kernel 2, stride 2, no padding, even sizes, the
  forward of every W2 pooling layer): its maximum and arg-max offsets equal the general
  per-offset loop bit for bit (the same comparisons, only in another order), ties and NaN
  included, and its gradients equal PyTorch's.
- the shifted convolution (ops/conv.py _shifted_conv: stride 1, one group; KW shifted copies
  of the input, KH shifted adds of the output, in cache-sized blocks of images) and its weight
  gradient (_shifted_grad_weight): they equal the im2col formulas Y = W @ cols and
  dL/dW = G @ cols^T to float rounding only, since they sum the products in another order.
- the per-image columns (ops/conv.py MAX_PER_IMAGE_DEPTH: Y[n] = W @ cols_n and
  dL/dw = sum_n G[n] @ cols_n^T for shallow columns): they equal the one-GEMM formulas to
  float rounding (bit for bit for Y, whose sums run over the same depth).
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


def test_2x2_results_do_not_share_the_reused_scratch_planes():
    # the corner planes are scratch memory that the next call overwrites; y and idx are fresh
    rng = np.random.default_rng(3)
    a, b = (rng.standard_normal((2, 3, 4, 6)).astype(np.float32) for _ in range(2))
    ya, ia = _fast(a)
    ya0, ia0 = ya.copy(), ia.copy()
    _fast(b)
    np.testing.assert_array_equal(ya, ya0)
    np.testing.assert_array_equal(ia, ia0)
    yt, it = _fast(np.ascontiguousarray(a.transpose(0, 1, 3, 2)).transpose(0, 1, 3, 2))  # strided x
    np.testing.assert_array_equal(yt, ya0)
    np.testing.assert_array_equal(it, ia0)


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


# ---- the shifted convolution ------------------------------------------------------------------
def _im2col_conv(x, w, b, padding, dilation):
    """The plain formula: Y = W @ cols + b, through the im2col path (the shifted ones switched off)."""
    saved = CV._shifted_conv
    CV._shifted_conv = lambda *args: None
    try:
        return F.conv2d(x, w, b, padding=padding, dilation=dilation)
    finally:
        CV._shifted_conv = saved


def _count(monkeypatch, name):
    """Record the calls of CV.<name> that took its path (returned an array, not None)."""
    taken = []
    original = getattr(CV, name)

    def counted(*args):
        out = original(*args)
        if out is not None:
            taken.append(args[1].shape)
        return out

    monkeypatch.setattr(CV, name, counted)
    return taken


SHIFTED_CASES = [
    (64, 64, (3, 3), 1, 1),  # W3's layer
    (64, 32, (3, 3), 1, 1),  # W2's input gradient: 32 channels from 64
    (32, 64, (3, 3), 1, 1),  # W2's second layer: more output than input channels
    (32, 32, (3, 3), 2, 2),
    (40, 16, (3, 2), "same", 1),  # an even kernel: asymmetric padding
    (32, 4, (1, 1), 0, 1),
    (48, 8, (5, 5), (2, 1), 1),  # less padding across than the kernel's reach: outputs shrink
    (16, 8, (3, 3), 2, 1),  # more padding than the kernel's reach: rows wider than the input's
    (24, 8, (3, 3), (0, 2), 1),  # no zero rows at all, zero columns on both sides
]


@pytest.mark.parametrize("block_bytes", [CV.BLOCK_BYTES, 1])  # 1 byte: one image per block
@pytest.mark.parametrize("c, oc, kernel, padding, dilation", SHIFTED_CASES)
def test_shifted_conv_equals_the_im2col_formula(monkeypatch, c, oc, kernel, padding, dilation, block_bytes):
    monkeypatch.setattr(CV, "BLOCK_BYTES", block_bytes)
    rng = np.random.default_rng(5)
    x = mg.tensor(rng.standard_normal((3, c, 20, 30)).astype(np.float32))
    w = mg.tensor((rng.standard_normal((oc, c) + kernel) / np.sqrt(c * np.prod(kernel))).astype(np.float32))
    b = mg.tensor(rng.standard_normal(oc).astype(np.float32))
    taken = _count(monkeypatch, "_shifted_conv")
    y = F.conv2d(x, w, b, padding=padding, dilation=dilation)
    assert taken, "the shifted path did not run"
    y0 = _im2col_conv(x, w, b, padding, dilation)
    assert y.dtype == mg.float32 and y.shape == y0.shape and y.array.flags.c_contiguous
    # float32 sums of C*KH*KW products in another order: rounding of a few units in the last place
    np.testing.assert_allclose(y.array, y0.array, rtol=1e-5, atol=1e-5)


def test_shifted_conv_blocks_of_images_equal_one_block(monkeypatch):
    """Blocks of 2 images (the last one short) give the same numbers as the whole batch at once."""
    rng = np.random.default_rng(9)
    x = rng.standard_normal((5, 32, 12, 10)).astype(np.float32)
    w = rng.standard_normal((16, 32, 3, 3)).astype(np.float32)
    b = rng.standard_normal(16).astype(np.float32)
    args = (((1, 1), (1, 1)), (1, 1), (12, 10))
    whole = CV._shifted_conv(x, w, b, *args)
    image = (3 * 32 + 3 * 16) * 13 * 11 * 4  # the bytes of one image's E and Z
    monkeypatch.setattr(CV, "BLOCK_BYTES", 2 * image)
    assert CV._images_per_block(x, 5, 13 * 11, 3 * 32 + 3 * 16) == 2
    # the same products; BLAS may sum a GEMM's depth (3·32 here) in a size-dependent order, so
    # the numbers agree to float32 rounding of those sums (outputs are O(10))
    np.testing.assert_allclose(CV._shifted_conv(x, w, b, *args), whole, rtol=1e-5, atol=1e-5)


def test_shifted_conv_gradients_match_torch(monkeypatch):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(6)
    x = rng.standard_normal((2, 32, 10, 12))  # large enough that the shifted layout pays
    w = rng.standard_normal((32, 32, 3, 3)) / 17
    b = rng.standard_normal(32)
    g = rng.standard_normal((2, 32, 10, 12))
    monkeypatch.setattr(CV, "MAX_GRAD_WEIGHT_COPIES", np.inf)  # so small an image: im2col copies less
    taken = _count(monkeypatch, "_shifted_conv")
    taken_gw = _count(monkeypatch, "_shifted_grad_weight")
    xm, wm, bm = (mg.tensor(a, requires_grad=True) for a in (x, w, b))
    F.conv2d(xm, wm, bm, padding=1).backward(mg.tensor(g))
    assert len(taken) == 2 and taken_gw  # the forward, the input gradient (stride 1 too), dL/dw
    xt, wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    yt = torch.nn.functional.conv2d(xt, wt, bt, padding=1)
    yt.backward(torch.tensor(g))
    for m, t in ((xm, xt), (wm, wt), (bm, bt)):  # float64: the orders of summation hardly matter
        np.testing.assert_allclose(m.grad.numpy(), t.grad.numpy(), rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("block_bytes", [CV.BLOCK_BYTES, 1])  # 1 byte: one image per block
@pytest.mark.parametrize("c, oc, kernel, padding, dilation", SHIFTED_CASES)
def test_shifted_grad_weight_equals_the_im2col_formula(monkeypatch, c, oc, kernel, padding, dilation,
                                                       block_bytes):
    for rule in ("MAX_GRAD_WEIGHT_COPIES", "MAX_SHIFTED_WASTE"):  # take it even where it does not pay
        monkeypatch.setattr(CV, rule, np.inf)
    monkeypatch.setattr(CV, "MIN_SHIFTED_DEPTH", 0)
    rng = np.random.default_rng(10)
    x = rng.standard_normal((2, c, 9, 11)).astype(np.float32)
    w = np.zeros((oc, c) + kernel, dtype=np.float32)
    geometry = CV._padding(padding, kernel, (1, 1), (dilation,) * 2, "conv2d", 2)
    out_hw = CV._conv_out_size("conv2d", x.shape[2:], kernel, (1, 1), geometry, (dilation,) * 2)
    g = rng.standard_normal((2, oc) + out_hw).astype(np.float32)
    args = (kernel, (1, 1), geometry, (dilation,) * 2, 1)
    if block_bytes == 1:
        monkeypatch.setattr(CV, "BLOCK_BYTES", 1)
    gw = CV._conv_grad_weight(x, g, *args)
    assert CV._shifted_grad_weight(x, g, kernel, geometry, (dilation,) * 2) is not None
    monkeypatch.setattr(CV, "_shifted_grad_weight", lambda *a: None)
    gw0 = CV._conv_grad_weight(x, g, *args)  # im2col: G @ cols^T
    assert gw.shape == w.shape and gw.dtype == np.float32 and gw.flags.c_contiguous
    np.testing.assert_allclose(gw, gw0, rtol=1e-4, atol=1e-4)


def test_shifted_grad_weight_is_taken_where_it_copies_less(monkeypatch):
    rng = np.random.default_rng(11)
    taken = _count(monkeypatch, "_shifted_grad_weight")
    # W3's and W2's layers; then 8 -> 1024 channels, where im2col copies less (G is most of it)
    for c, oc in ((64, 64), (32, 64), (8, 1024)):
        x = mg.tensor(rng.standard_normal((2, c, 14, 14)).astype(np.float32))
        w = mg.tensor(rng.standard_normal((oc, c, 3, 3)).astype(np.float32), requires_grad=True)
        F.conv2d(x, w, padding=1).sum().backward()
    assert taken == [(2, 64, 14, 14), (2, 64, 14, 14)]  # (g's shape)


def test_shallow_convolutions_skip_the_shifted_layout(monkeypatch):
    rng = np.random.default_rng(7)
    taken = _count(monkeypatch, "_shifted_conv")
    x = mg.tensor(rng.standard_normal((2, 4, 8, 8)).astype(np.float32))  # KW*C = 12 < MIN_SHIFTED_DEPTH
    F.conv2d(x, mg.tensor(rng.standard_normal((8, 4, 3, 3)).astype(np.float32)), padding=1)
    assert taken == []


# ---- per-image columns ---------------------------------------------------------------------------
def _one_gemm(monkeypatch):
    monkeypatch.setattr(CV, "MAX_PER_IMAGE_DEPTH", -1)


@pytest.mark.parametrize("c, oc, kernel, stride, padding, groups", [
    (1, 32, (3, 3), 1, 1, 1),  # W2's first layer
    (3, 8, (3, 3), 2, 1, 1),  # RGB, strided
    (4, 6, (2, 3), (1, 2), (0, 1), 2),  # two groups, depth 2*2*3 = 12 each
])
def test_per_image_columns_equal_one_gemm(monkeypatch, c, oc, kernel, stride, padding, groups):
    rng = np.random.default_rng(12)
    x = rng.standard_normal((3, c, 11, 13)).astype(np.float32)
    w = rng.standard_normal((oc, c // groups) + kernel).astype(np.float32)
    b = rng.standard_normal(oc).astype(np.float32)
    runs = []
    for per_image in (True, False):
        if not per_image:
            _one_gemm(monkeypatch)
        xm, wm, bm = (mg.tensor(a, requires_grad=True) for a in (x, w, b))
        y = F.conv2d(xm, wm, bm, stride=stride, padding=padding, groups=groups)
        y.backward(mg.tensor(np.cos(np.arange(y.numel())).reshape(y.shape).astype(np.float32)))
        runs.append((y.numpy(), wm.grad.numpy(), xm.grad.numpy(), bm.grad.numpy()))
    (y, gw, gx, gb), (y0, gw0, gx0, gb0) = runs
    assert y.dtype == gw.dtype == np.float32 and y.flags.c_contiguous
    # each output sums the same depth products, but BLAS's summation order can depend on the
    # GEMM's size (it does on some CPUs' kernels): equal to float32 rounding of those sums
    np.testing.assert_allclose(y, y0, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(gw, gw0, rtol=1e-5, atol=1e-5)  # the N*OH*OW sum in another order
    np.testing.assert_allclose(gx, gx0, rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(gb, gb0)


def test_per_image_columns_match_torch_in_1d_and_3d():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(13)
    for fm, ft, shape, wshape in ((F.conv1d, torch.nn.functional.conv1d, (2, 3, 17), (5, 3, 4)),
                                  (F.conv3d, torch.nn.functional.conv3d, (2, 1, 5, 6, 7), (4, 1, 3, 3, 3))):
        x, w = rng.standard_normal(shape), rng.standard_normal(wshape)
        xm, wm = mg.tensor(x, requires_grad=True), mg.tensor(w, requires_grad=True)
        fm(xm, wm, padding=1).sum().backward()
        xt, wt = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
        ft(xt, wt, padding=1).sum().backward()
        np.testing.assert_allclose(fm(xm, wm, padding=1).numpy(), ft(xt, wt, padding=1).detach().numpy(),
                                   rtol=1e-10, atol=1e-10)
        np.testing.assert_allclose(wm.grad.numpy(), wt.grad.numpy(), rtol=1e-10, atol=1e-10)
        np.testing.assert_allclose(xm.grad.numpy(), xt.grad.numpy(), rtol=1e-10, atol=1e-10)


@pytest.mark.gpu
def test_shifted_conv_on_cuda_matches_cpu():
    rng = np.random.default_rng(8)
    for c, oc in ((32, 16), (64, 64), (1, 8)):  # shifted with im2col dL/dw; shifted throughout; per image
        x = rng.standard_normal((2, c, 10, 12)).astype(np.float32)
        w = rng.standard_normal((oc, c, 3, 3)).astype(np.float32) / 17
        runs = []
        for device in ("cuda", "cpu"):
            xm = mg.tensor(x, requires_grad=True, device=device)
            wm = mg.tensor(w, requires_grad=True, device=device)
            y = F.conv2d(xm, wm, padding=1)
            y.sum().backward()
            runs.append((y.cpu().numpy(), xm.grad.cpu().numpy(), wm.grad.cpu().numpy()))
        for a, b in zip(*runs):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-4)


# ---- the bias gradient as matrix-vector products -------------------------------------------------
@pytest.mark.parametrize("shape", [(64, 32, 28, 28), (3, 5, 7), (2, 4, 3, 2, 5), (0, 4, 3, 3)])
def test_bias_gradient_equals_the_sum_over_batch_and_positions(shape):
    g = np.random.default_rng(12).standard_normal(shape).astype(np.float32)
    with mg.no_grad():  # a first-order backward: the matrix-vector path
        gb = CV._bias_grad(mg.tensor(g))
    want = g.astype(np.float64).sum(axis=(0,) + tuple(range(2, g.ndim)))
    assert gb.dtype == mg.float32 and gb.shape == (shape[1],)
    # float32 sums of up to 50 K terms in another order than NumPy's pairwise one
    np.testing.assert_allclose(gb.numpy(), want, rtol=1e-5, atol=1e-4)
    strided = mg.tensor(g).transpose(0, 1)  # not contiguous: the Sum op
    with mg.no_grad():
        np.testing.assert_allclose(CV._bias_grad(strided).numpy(),
                                   g.transpose(1, 0, *range(2, g.ndim)).sum(axis=(0,) + tuple(range(2, g.ndim))),
                                   rtol=1e-5, atol=1e-4)


def test_bias_gradient_records_its_node_in_a_graph():
    g = mg.tensor(np.ones((2, 3, 4, 4), dtype=np.float64), requires_grad=True)
    gb = CV._bias_grad(g)  # grad mode on: the Sum op, differentiable
    gb.sum().backward()
    np.testing.assert_array_equal(g.grad.numpy(), np.ones((2, 3, 4, 4)))
