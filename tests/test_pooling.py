"""Pooling: max_pool1d/2d/3d, avg_pool1d/2d/3d, adaptive avg/max pooling 1d-3d, lp_pool and their layers.

- a hypothesis-drawn grid of kernel, stride, padding, dilation, ceil_mode and input sizes
  against a NumPy reference that walks every window (no torch needed) and against torch,
  float64 within 1e-10, values, indices and gradients;
- the tie rule of max pooling: the gradient goes to the first maximum in window order;
- gradcheck and gradgradcheck; float32 stays float32; bad input.
"""

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import minigrad as mg
from minigrad import nn
from minigrad.errors import ArgumentError, DTypeError, ShapeError
from minigrad.nn import pooling as NP
from minigrad.ops import adaptive_pooling as A
from minigrad.ops import pooling as P
from minigrad.testing import gradcheck, gradgradcheck
from minigrad.testing.strategies import no_ties

TOL = 1e-10


# ---- a NumPy reference that walks every window, as PyTorch defines them --------------------------
def out_size(n, k, s, p, d, ceil_mode):
    o = (n + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (o - 1) * s >= n + p:
        o -= 1
    return o


def ref_max_pool2d(x, g, kernel, stride, padding, dilation, ceil_mode):
    """Values, flat indices (h*W + w) and dL/dx for the output gradient g; ties: first in window order."""
    n, c, h, w = x.shape
    oh = out_size(h, kernel[0], stride[0], padding[0], dilation[0], ceil_mode)
    ow = out_size(w, kernel[1], stride[1], padding[1], dilation[1], ceil_mode)
    y, idx, gx = np.zeros((n, c, oh, ow)), np.zeros((n, c, oh, ow), dtype=np.int64), np.zeros_like(x)
    for b in range(n):
        for ch in range(c):
            for p in range(oh):
                for q in range(ow):
                    best = None
                    for i in range(kernel[0]):
                        for j in range(kernel[1]):
                            r = p * stride[0] - padding[0] + i * dilation[0]
                            s = q * stride[1] - padding[1] + j * dilation[1]
                            inside = 0 <= r < h and 0 <= s < w
                            if inside and (best is None or x[b, ch, r, s] > x[b, ch, best[0], best[1]]):
                                best = (r, s)  # strictly larger: the first maximum stays
                    y[b, ch, p, q] = x[b, ch, best[0], best[1]]
                    idx[b, ch, p, q] = best[0] * w + best[1]
                    if g is not None:
                        gx[b, ch, best[0], best[1]] += g[b, ch, p, q]
    return y, idx, gx


def ref_avg_pool2d(x, g, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override=None):
    n, c, h, w = x.shape
    oh = out_size(h, kernel[0], stride[0], padding[0], 1, ceil_mode)
    ow = out_size(w, kernel[1], stride[1], padding[1], 1, ceil_mode)
    y, gx = np.zeros((n, c, oh, ow)), np.zeros_like(x)
    for p in range(oh):
        for q in range(ow):
            h0, w0 = p * stride[0] - padding[0], q * stride[1] - padding[1]
            h1, w1 = min(h0 + kernel[0], h + padding[0]), min(w0 + kernel[1], w + padding[1])
            size = (h1 - h0) * (w1 - w0)
            h0, w0, h1, w1 = max(h0, 0), max(w0, 0), min(h1, h), min(w1, w)
            div = divisor_override or (size if count_include_pad else (h1 - h0) * (w1 - w0))
            y[:, :, p, q] = x[:, :, h0:h1, w0:w1].sum(axis=(2, 3)) / div
            if g is not None:
                gx[:, :, h0:h1, w0:w1] += g[:, :, p:p + 1, q:q + 1] / div
    return y, gx


def ref_adaptive(x, out):
    (h, w), (oh, ow) = x.shape[2:], out
    y = np.zeros(x.shape[:2] + (oh, ow))
    for p in range(oh):
        for q in range(ow):
            h0, h1 = (p * h) // oh, math.ceil((p + 1) * h / oh)
            w0, w1 = (q * w) // ow, math.ceil((q + 1) * w / ow)
            y[:, :, p, q] = x[:, :, h0:h1, w0:w1].mean(axis=(2, 3))
    return y


def _t(a, grad=True):
    return mg.tensor(a, requires_grad=grad)


def _close(got, want, what, tol=TOL):
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol, err_msg=what)


@st.composite
def pool_settings(draw, dilation=True):
    kernel = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dil = (draw(st.integers(1, 2)), draw(st.integers(1, 2))) if dilation else (1, 1)
    span = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dil))
    padding = tuple(draw(st.integers(0, k // 2)) for k in kernel)
    hw = tuple(draw(st.integers(max(1, sp - 2 * p), 8)) for sp, p in zip(span, padding))
    ceil_mode = draw(st.booleans())
    for n, k, st_, p, d in zip(hw, kernel, stride, padding, dil):  # no window made of padding only
        o = out_size(n, k, st_, p, d, ceil_mode)
        assume(all(any(0 <= q * st_ - p + i * d < n for i in range(k)) for q in range(o)))
    return dict(kernel=kernel, stride=stride, dilation=dil, padding=padding, hw=hw,
                ceil_mode=ceil_mode, n=draw(st.integers(1, 2)), seed=draw(st.integers(0, 2**16)),
                ties=draw(st.booleans()))


def _pool_input(s):
    rng = np.random.default_rng(s["seed"])
    shape = (s["n"], 2) + s["hw"]
    # with ties: few distinct values, so windows often hold several maxima
    x = rng.integers(0, 3, shape).astype(np.float64) if s["ties"] else no_ties(rng, shape)
    return rng, x


# ---- max pooling over a grid ---------------------------------------------------------------------
@settings(max_examples=40)
@given(s=pool_settings())
def test_max_pool2d_grid_matches_numpy_reference(s):
    rng, x = _pool_input(s)
    args = (s["kernel"], s["stride"], s["padding"], s["dilation"], s["ceil_mode"])
    xt = _t(x)
    y, idx = P.max_pool2d(xt, *args, return_indices=True)
    g = rng.standard_normal(y.shape)
    want, want_idx, want_gx = ref_max_pool2d(x, g, *args)
    _close(y.numpy(), want, "values")
    np.testing.assert_array_equal(idx.numpy(), want_idx)
    assert idx.dtype == np.int64
    y.backward(mg.tensor(g))
    _close(xt.grad.numpy(), want_gx, "gradient")


@pytest.mark.torch
@settings(max_examples=40)
@given(s=pool_settings())
def test_max_pool2d_grid_matches_torch(s, torch):
    rng, x = _pool_input(s)
    args = (s["kernel"], s["stride"], s["padding"], s["dilation"], s["ceil_mode"])
    xt, tx = _t(x), torch.tensor(x, requires_grad=True)
    y, idx = P.max_pool2d(xt, *args, return_indices=True)
    ty, tidx = torch.nn.functional.max_pool2d(tx, *args, return_indices=True)
    _close(y.numpy(), ty.detach().numpy(), "values")
    np.testing.assert_array_equal(idx.numpy(), tidx.numpy())
    g = rng.standard_normal(y.shape)
    y.backward(mg.tensor(g))
    ty.backward(torch.from_numpy(g))
    _close(xt.grad.numpy(), tx.grad.numpy(), "gradient")


@settings(max_examples=40)
@given(s=pool_settings(dilation=False), count_include_pad=st.booleans())
def test_avg_pool2d_grid_matches_numpy_reference(s, count_include_pad):
    rng = np.random.default_rng(s["seed"])
    x = rng.standard_normal((s["n"], 2) + s["hw"])
    args = (s["kernel"], s["stride"], s["padding"], s["ceil_mode"], count_include_pad)
    xt = _t(x)
    y = P.avg_pool2d(xt, *args)
    g = rng.standard_normal(y.shape)
    want, want_gx = ref_avg_pool2d(x, g, *args)
    _close(y.numpy(), want, "values")
    y.backward(mg.tensor(g))
    _close(xt.grad.numpy(), want_gx, "gradient")


@pytest.mark.torch
@settings(max_examples=40)
@given(s=pool_settings(dilation=False), count_include_pad=st.booleans())
def test_avg_pool2d_grid_matches_torch(s, count_include_pad, torch):
    rng = np.random.default_rng(s["seed"])
    x = rng.standard_normal((s["n"], 2) + s["hw"])
    args = (s["kernel"], s["stride"], s["padding"], s["ceil_mode"], count_include_pad)
    xt, tx = _t(x), torch.tensor(x, requires_grad=True)
    y, ty = P.avg_pool2d(xt, *args), torch.nn.functional.avg_pool2d(tx, *args)
    _close(y.numpy(), ty.detach().numpy(), "values")
    g = rng.standard_normal(y.shape)
    y.backward(mg.tensor(g))
    ty.backward(torch.from_numpy(g))
    _close(xt.grad.numpy(), tx.grad.numpy(), "gradient")


@settings(max_examples=30)
@given(h=st.integers(1, 9), w=st.integers(1, 9), oh=st.integers(1, 6), ow=st.integers(1, 6),
       seed=st.integers(0, 2**16))
def test_adaptive_avg_pool2d_matches_reference(h, w, oh, ow, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((2, 3, h, w))
    xt = _t(x)
    y = A.adaptive_avg_pool2d(xt, (oh, ow))
    _close(y.numpy(), ref_adaptive(x, (oh, ow)), "values")
    # linear: the gradient is the reference's transpose, checked through the identity <G, Ax> = <A^T G, x>
    g = rng.standard_normal(y.shape)
    y.backward(mg.tensor(g))
    probe = rng.standard_normal(x.shape)
    assert abs((xt.grad.numpy() * probe).sum() - (g * ref_adaptive(probe, (oh, ow))).sum()) < 1e-10


@pytest.mark.torch
@pytest.mark.parametrize("size", [1, (2, 3), (3, None), (5, 7), (8, 9)])
def test_adaptive_avg_pool2d_matches_torch(size, torch):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 5, 7))
    xt, tx = _t(x), torch.tensor(x, requires_grad=True)
    y, ty = A.adaptive_avg_pool2d(xt, size), torch.nn.functional.adaptive_avg_pool2d(tx, size)
    _close(y.numpy(), ty.detach().numpy(), "values")
    g = rng.standard_normal(y.shape)
    y.backward(mg.tensor(g))
    ty.backward(torch.from_numpy(g))
    _close(xt.grad.numpy(), tx.grad.numpy(), "gradient")


@pytest.mark.torch
@pytest.mark.parametrize("name,kw", [
    ("max_pool1d", dict(kernel_size=3, stride=2, padding=1, dilation=2, ceil_mode=True)),
    ("max_pool1d", dict(kernel_size=2)),
    ("avg_pool1d", dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)),
    ("avg_pool1d", dict(kernel_size=4, stride=1)),
    ("adaptive_avg_pool1d", dict(output_size=4)),
])
def test_1d_pooling_matches_torch(name, kw, torch):
    rng = np.random.default_rng(0)
    x = no_ties(rng, (2, 3, 11))
    xt, tx = _t(x), torch.tensor(x, requires_grad=True)
    module = A if name.startswith("adaptive") else P
    y, ty = getattr(module, name)(xt, **kw), getattr(torch.nn.functional, name)(tx, **kw)
    _close(y.numpy(), ty.detach().numpy(), "values")
    g = rng.standard_normal(y.shape)
    y.backward(mg.tensor(g))
    ty.backward(torch.from_numpy(g))
    _close(xt.grad.numpy(), tx.grad.numpy(), "gradient")
    if name == "max_pool1d":
        _, idx = P.max_pool1d(xt, **kw, return_indices=True)
        _, tidx = torch.nn.functional.max_pool1d(tx, **kw, return_indices=True)
        np.testing.assert_array_equal(idx.numpy(), tidx.numpy())


# ---- the tie rule ---------------------------------------------------------------------------------
def test_max_pool_ties_go_to_the_first_maximum_in_window_order():
    # one 2x2 window per case; the expected winner is the first maximum reading row by row
    cases = [([[1, 1], [1, 1]], (0, 0)), ([[0, 2], [2, 2]], (0, 1)), ([[0, 1], [3, 3]], (1, 0)),
             ([[5, 0], [0, 5]], (0, 0))]
    for window, first in cases:
        x = _t(np.array(window, dtype=np.float64).reshape(1, 1, 2, 2))
        y, idx = P.max_pool2d(x, 2, return_indices=True)
        y.sum().backward()
        want = np.zeros((2, 2))
        want[first] = 1.0
        np.testing.assert_array_equal(x.grad.numpy()[0, 0], want, err_msg=str(window))
        assert idx.item() == first[0] * 2 + first[1]
    # overlapping windows: each window's gradient goes to its own first maximum
    x = _t(np.full((1, 1, 1, 4), 7.0))
    P.max_pool2d(x, (1, 2), stride=1).sum().backward()  # windows [0,1], [1,2], [2,3]
    np.testing.assert_array_equal(x.grad.numpy().ravel(), [1, 1, 1, 0])


@pytest.mark.torch
def test_tie_rule_agrees_with_torch(torch):
    x = np.array([[3, 3, 1, 3], [3, 2, 3, 3], [0, 0, 0, 0], [1, 1, 1, 1]], dtype=np.float64).reshape(1, 1, 4, 4)
    for kw in (dict(kernel_size=2), dict(kernel_size=3, stride=1, padding=1), dict(kernel_size=2, stride=1)):
        xt, tx = _t(x), torch.tensor(x, requires_grad=True)
        y, idx = P.max_pool2d(xt, **kw, return_indices=True)
        ty, tidx = torch.nn.functional.max_pool2d(tx, **kw, return_indices=True)
        np.testing.assert_array_equal(idx.numpy(), tidx.numpy())
        y.sum().backward()
        ty.sum().backward()
        np.testing.assert_array_equal(xt.grad.numpy(), tx.grad.numpy())


def test_nan_propagates_through_max_pool():
    x = np.arange(16, dtype=np.float64).reshape(1, 1, 4, 4)
    x[0, 0, 1, 0] = np.nan
    y = P.max_pool2d(_t(x), 2).numpy()[0, 0]
    assert np.isnan(y[0, 0]) and not np.isnan(y[1, 1])
    with mg.no_grad():  # the copy-free path for kernel == stride
        assert np.isnan(P.max_pool2d(mg.tensor(x), 2).numpy()[0, 0, 0, 0])


def test_fast_path_and_window_path_agree():
    """kernel == stride without grad reduces a reshaped view; with grad it also finds the arg-max."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 9, 7))  # not divisible: the last row/column is left out
    with mg.no_grad():
        fast = P.max_pool2d(mg.tensor(x), 2).numpy()
    slow = P.max_pool2d(_t(x), 2).numpy()
    want, _, _ = ref_max_pool2d(x, None, (2, 2), (2, 2), (0, 0), (1, 1), False)
    np.testing.assert_array_equal(fast, slow)
    np.testing.assert_array_equal(fast, want)
    with mg.no_grad():
        _, idx = P.max_pool2d(mg.tensor(x), 2, return_indices=True)
    np.testing.assert_array_equal(idx.numpy(), ref_max_pool2d(x, None, (2, 2), (2, 2), (0, 0), (1, 1), False)[1])


# ---- gradients of gradients, dtypes ------------------------------------------------------------------
@pytest.mark.parametrize("kw", [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True),
                                dict(kernel_size=(2, 3), stride=1, dilation=(2, 1))])
def test_max_pool2d_gradcheck_and_gradgradcheck(kw):
    x = _t(no_ties(np.random.default_rng(0), (2, 2, 5, 6)))
    assert gradcheck(lambda x: P.max_pool2d(x, **kw), (x,))
    assert gradgradcheck(lambda x: P.max_pool2d(x, **kw), (x,))


@pytest.mark.parametrize("kw", [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True,
                                                          count_include_pad=False)])
def test_avg_pools_gradcheck_and_gradgradcheck(kw):
    x = _t(np.random.default_rng(0).standard_normal((2, 2, 5, 6)))
    assert gradcheck(lambda x: P.avg_pool2d(x, **kw), (x,))
    assert gradgradcheck(lambda x: P.avg_pool2d(x, **kw), (x,))
    assert gradgradcheck(lambda x: A.adaptive_avg_pool2d(x, (3, 4)), (x,))


def test_second_derivative_of_max_pool_routes_through_the_same_arg_max():
    """g -> dL/dx is the scatter to the arg-max; differentiating <v, scatter(g)> in g gathers v there."""
    rng = np.random.default_rng(0)
    x = _t(no_ties(rng, (1, 2, 4, 4)))
    y = P.max_pool2d(x, 2)
    g = _t(rng.standard_normal(y.shape))
    (gx,) = mg.grad(y, [x], grad_outputs=[g], create_graph=True)
    v = rng.standard_normal(x.shape)
    (gg,) = mg.grad((gx * mg.tensor(v)).sum(), [g])
    _, idx, _ = ref_max_pool2d(x.numpy(), None, (2, 2), (2, 2), (0, 0), (1, 1), False)
    want = np.take_along_axis(v.reshape(1, 2, 16), idx.reshape(1, 2, 4), axis=2).reshape(y.shape)
    _close(gg.numpy(), want, "gather")


@pytest.mark.parametrize("fn", [lambda x: P.max_pool2d(x, 3, 2, 1), lambda x: P.max_pool2d(x, 2),
                                lambda x: P.avg_pool2d(x, 3, 2, 1), lambda x: A.adaptive_avg_pool2d(x, 3)])
def test_float32_stays_float32(fn):
    x = _t(np.random.default_rng(0).standard_normal((2, 3, 7, 7)).astype(np.float32))
    y = fn(x)
    assert y.dtype == np.float32
    y.sum().backward()
    assert x.grad.dtype == np.float32


def test_unbatched_and_noncontiguous_inputs():
    rng = np.random.default_rng(0)
    x = no_ties(rng, (2, 3, 6, 7))
    want, _, _ = ref_max_pool2d(x, None, (3, 3), (2, 2), (1, 1), (1, 1), False)
    _close(P.max_pool2d(mg.tensor(x[1]), 3, 2, 1).numpy(), want[1], "unbatched")
    view = mg.from_numpy(np.asfortranarray(x))
    assert not view.is_contiguous()
    _close(P.max_pool2d(view, 3, 2, 1).numpy(), want, "non-contiguous")
    _close(P.avg_pool2d(view, 2).numpy(), ref_avg_pool2d(x, None, (2, 2), (2, 2), (0, 0), False, True)[0], "avg")


def test_integer_max_pool():
    x = mg.tensor(np.arange(16).reshape(1, 1, 4, 4))
    np.testing.assert_array_equal(P.max_pool2d(x, 2, padding=1).numpy()[0, 0], [[0, 2, 3], [8, 10, 11], [12, 14, 15]])


# ---- the layers ------------------------------------------------------------------------------------
@pytest.mark.torch
def test_layers_repr_and_outputs_match_torch(torch):
    x = no_ties(np.random.default_rng(0), (2, 3, 8, 9))
    x1 = x[:, :, 0]
    cases = [("MaxPool2d", (2,), {}, x), ("MaxPool2d", (3, 2, 1), dict(ceil_mode=True), x),
             ("AvgPool2d", (3, 2, 1), dict(count_include_pad=False), x), ("AdaptiveAvgPool2d", ((2, 3),), {}, x),
             ("MaxPool1d", (3, 2, 1), {}, x1), ("AvgPool1d", (2,), {}, x1), ("AdaptiveAvgPool1d", (4,), {}, x1)]
    for cls, args, kw, inp in cases:
        ours, theirs = getattr(NP, cls)(*args, **kw), getattr(torch.nn, cls)(*args, **kw)
        assert repr(ours) == repr(theirs)
        assert list(ours.parameters()) == [] and ours.state_dict() == {}
        _close(ours(mg.tensor(inp)).numpy(), theirs(torch.tensor(inp)).numpy(), cls)
    y, idx = NP.MaxPool2d(2, return_indices=True)(mg.tensor(x))
    assert idx.shape == y.shape


def test_layers_in_a_model():
    model = nn.Sequential(NP.MaxPool2d(2), NP.AvgPool2d(2), NP.AdaptiveAvgPool2d(1))
    assert model(mg.randn(2, 3, 8, 8)).shape == (2, 3, 1, 1)


# ---- bad input ---------------------------------------------------------------------------------------
def test_bad_input():
    x = mg.randn(1, 1, 4, 4)
    with pytest.raises(ShapeError, match=r"smaller than the kernel \(5, 5\)"):
        P.max_pool2d(x, 5)
    with pytest.raises(ShapeError, match="smaller than the kernel"):
        P.avg_pool2d(x, (2, 5))
    with pytest.raises(ValueError, match="stride must be positive"):
        P.max_pool2d(x, 2, stride=0)
    with pytest.raises(ValueError, match="stride must be positive"):
        P.avg_pool2d(x, 2, stride=-1)
    with pytest.raises(ValueError, match="kernel_size must be positive"):
        P.max_pool2d(x, 0)
    with pytest.raises(ValueError, match="at most half"):
        P.max_pool2d(x, 2, padding=2)
    with pytest.raises(ValueError, match="only padding"):  # window (-1, 1) of a width-1 input
        P.max_pool2d(mg.randn(1, 1, 1, 1), (1, 2), stride=1, padding=(0, 1), dilation=(1, 2))
    with pytest.raises(ShapeError, match=r"3-D \(unbatched\) or 4-D \(batched\) input, got shape \(4, 4\)"):
        P.max_pool2d(mg.randn(4, 4), 2)
    with pytest.raises(ShapeError, match="2-D .* or 3-D"):
        P.max_pool1d(mg.randn(1, 1, 4, 4), 2)
    with pytest.raises(DTypeError, match="floating point"):
        P.avg_pool2d(mg.tensor(np.ones((1, 1, 4, 4), dtype=np.int64)), 2)
    with pytest.raises(ValueError, match="output_size must be positive"):
        A.adaptive_avg_pool2d(x, 0)
    with pytest.raises(ValueError, match="divisor_override"):
        P.avg_pool2d(x, 2, divisor_override=0)


@pytest.mark.torch
def test_indices_of_large_dilated_kernels_match_torch(torch):
    """Window offsets are stored in int8 for small kernels; positions must not overflow."""
    x = no_ties(np.random.default_rng(0), (1, 2, 40, 41))
    kw = dict(kernel_size=(10, 11), stride=3, padding=5, dilation=(3, 2))
    y, idx = P.max_pool2d(mg.tensor(x), **kw, return_indices=True)
    ty, tidx = torch.nn.functional.max_pool2d(torch.tensor(x), **kw, return_indices=True)
    np.testing.assert_array_equal(idx.numpy(), tidx.numpy())
    np.testing.assert_array_equal(y.numpy(), ty.numpy())


# ---- 3-D, adaptive max and power-average pooling ---------------------------------------------------
from minigrad.nn import functional as F  # noqa: E402


@pytest.mark.parametrize("shape,args,kw", [((2, 3, 5, 6, 7), (3,), dict(stride=2, padding=1)),
                                           ((3, 5, 6, 7), ((2, 3, 2),), dict(stride=(1, 2, 2), ceil_mode=True)),
                                           ((2, 2, 4, 4, 4), (2,), {}),
                                           ((1, 2, 5, 5, 6), (2,), dict(dilation=(2, 1, 2), padding=1))])
def test_3d_pooling_matches_torch(torch, shape, args, kw):
    rng = np.random.default_rng(0)
    x = no_ties(rng, shape)
    xm, xt = mg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    (y, i), (yt, it) = F.max_pool3d(xm, *args, return_indices=True, **kw), \
        torch.nn.functional.max_pool3d(xt, *args, return_indices=True, **kw)
    np.testing.assert_array_equal(y.numpy(), yt.detach().numpy())
    np.testing.assert_array_equal(i.numpy(), it.numpy())
    g = rng.normal(size=y.shape)
    y.backward(mg.tensor(g))
    yt.backward(torch.tensor(g))
    np.testing.assert_allclose(xm.grad.numpy(), xt.grad.numpy(), atol=TOL)
    kw.pop("dilation", None)
    for extra in (dict(), dict(count_include_pad=False), dict(divisor_override=5)):
        a = F.avg_pool3d(mg.tensor(x), *args, **kw, **extra)
        np.testing.assert_allclose(a.numpy(), torch.nn.functional.avg_pool3d(torch.tensor(x), *args, **kw, **extra),
                                   atol=TOL)


ADAPTIVE = [(1, (2, 3, 7), 3), (1, (3, 8), 5), (2, (2, 3, 7, 5), (3, 4)), (2, (3, 7, 5), (None, 2)),
            (2, (2, 2, 5, 6), 7), (3, (2, 2, 5, 6, 7), (2, 3, 4)), (3, (2, 5, 6, 7), (4, None, 3))]


@pytest.mark.parametrize("spatial,shape,size", ADAPTIVE)
def test_adaptive_pooling_matches_torch(torch, spatial, shape, size):
    rng = np.random.default_rng(1)
    x = no_ties(rng, shape)
    xm, xt = mg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    y, i = getattr(F, f"adaptive_max_pool{spatial}d")(xm, size, return_indices=True)
    yt, it = getattr(torch.nn.functional, f"adaptive_max_pool{spatial}d")(xt, size, return_indices=True)
    np.testing.assert_array_equal(y.numpy(), yt.detach().numpy())
    np.testing.assert_array_equal(i.numpy(), it.numpy())
    assert i.dtype == np.int64
    g = rng.normal(size=y.shape)
    y.backward(mg.tensor(g))
    yt.backward(torch.tensor(g))
    np.testing.assert_array_equal(xm.grad.numpy(), xt.grad.numpy())
    a = getattr(F, f"adaptive_avg_pool{spatial}d")(mg.tensor(x), size)
    np.testing.assert_allclose(a.numpy(), getattr(torch.nn.functional, f"adaptive_avg_pool{spatial}d")(xt, size)
                               .detach().numpy(), atol=TOL)


def test_adaptive_max_ties_and_nan_follow_torch(torch):
    x = np.array([[[1.0, 3.0, 3.0, 2.0, np.nan, 0.0]]])
    y, i = F.adaptive_max_pool1d(mg.tensor(x), 3, return_indices=True)
    yt, it = torch.nn.functional.adaptive_max_pool1d(torch.tensor(x), 3, return_indices=True)
    np.testing.assert_array_equal(y.numpy(), yt.numpy())  # NaN wins its window
    np.testing.assert_array_equal(i.numpy(), it.numpy())  # the first of two equal maxima wins
    assert F.adaptive_max_pool2d(mg.tensor(np.arange(12).reshape(1, 3, 4)), 2).dtype == np.int64  # integers work


@pytest.mark.parametrize("spatial,shape,p,k,kw", [(1, (2, 3, 9), 2, 3, dict(stride=2)),
                                                  (2, (2, 3, 6, 7), 3, (2, 3), dict(ceil_mode=True)),
                                                  (2, (3, 6, 6), 1.5, 2, {}), (3, (1, 2, 4, 5, 6), 2, 2, {})])
def test_lp_pool_matches_torch(torch, spatial, shape, p, k, kw):
    rng = np.random.default_rng(2)
    x = rng.uniform(0.5, 2, size=shape)
    xm, xt = mg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    y, yt = getattr(F, f"lp_pool{spatial}d")(xm, p, k, **kw), getattr(torch.nn.functional, f"lp_pool{spatial}d")(
        xt, p, k, **kw)
    np.testing.assert_allclose(y.numpy(), yt.detach().numpy(), atol=TOL)
    g = rng.normal(size=y.shape)
    y.backward(mg.tensor(g))
    yt.backward(torch.tensor(g))
    np.testing.assert_allclose(xm.grad.numpy(), xt.grad.numpy(), atol=TOL)


LAYERS_3D = [("MaxPool3d", (2,), (2, 2, 4, 4, 4)), ("MaxPool3d", (3, 2, 1, 1, True, True), (2, 2, 5, 5, 5)),
             ("AvgPool3d", ((2, 3, 3), 1, 1), (2, 2, 4, 5, 6)), ("AdaptiveAvgPool3d", (2,), (2, 2, 4, 5, 6)),
             ("AdaptiveMaxPool1d", (3,), (2, 3, 7)), ("AdaptiveMaxPool2d", ((2, None), True), (2, 3, 5, 6)),
             ("AdaptiveMaxPool3d", (2,), (2, 2, 4, 5, 6)), ("LPPool1d", (2, 3), (2, 3, 7)),
             ("LPPool2d", (2, 3, 2), (2, 3, 7, 8)), ("LPPool3d", (1.5, 2, 1), (2, 2, 4, 5, 6))]


@pytest.mark.parametrize("name,args,shape", LAYERS_3D)
def test_new_layers_match_torch(torch, name, args, shape):
    m, t = getattr(nn, name)(*args), getattr(torch.nn, name)(*args)
    assert repr(m) == repr(t)
    x = np.random.default_rng(3).uniform(0.5, 2, size=shape)
    y, yt = m(mg.tensor(x)), t(torch.tensor(x))
    if isinstance(yt, tuple):
        np.testing.assert_array_equal(y[1].numpy(), yt[1].numpy())
        y, yt = y[0], yt[0]
    np.testing.assert_allclose(y.numpy(), yt.numpy(), atol=TOL)


def test_adaptive_and_3d_bad_input():
    with pytest.raises(ShapeError):
        F.max_pool3d(mg.randn(2, 4, 4), 2)
    with pytest.raises(ShapeError):
        F.adaptive_max_pool2d(mg.randn(4), 2)
    with pytest.raises(ValueError):
        F.adaptive_max_pool3d(mg.randn(1, 1, 4, 4, 4), (2, 2))
    with pytest.raises(ValueError):
        F.adaptive_max_pool1d(mg.randn(1, 1, 4), 0)
    with pytest.raises(DTypeError):
        F.adaptive_avg_pool3d(mg.tensor(np.zeros((1, 1, 2, 2, 2), dtype=np.int64)), 1)


@pytest.mark.parametrize("spatial", [1, 2, 3])
def test_adaptive_max_pool_of_an_empty_batch(spatial):
    x = mg.tensor(np.zeros((0, 2) + (5,) * spatial, dtype=np.float32))
    fn = getattr(mg.nn.functional, f"adaptive_max_pool{spatial}d")
    y, i = fn(x, 3, return_indices=True)
    assert y.shape == i.shape == (0, 2) + (3,) * spatial and y.dtype == np.float32


def test_lp_pool_refuses_norm_type_0():
    with pytest.raises(ArgumentError, match="norm_type"):
        mg.nn.functional.lp_pool2d(mg.tensor(np.ones((1, 1, 4, 4))), 0, 2)
