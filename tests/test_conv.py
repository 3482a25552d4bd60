"""Convolution: conv1d/conv2d/conv_transpose1d/2d and the Conv layers.

- a hypothesis-drawn grid of stride, padding, dilation, groups, kernel and input sizes against
  a plain NumPy reference (a sum over kernel offsets, no torch needed) and against torch,
  float64 within 1e-10, outputs and gradients;
- gradcheck and gradgradcheck, second derivatives against torch;
- float32 stays float32; non-contiguous and unbatched inputs; the scratch buffer never leaks;
- the layers: PyTorch's parameter names, shapes, initialisation, repr and padding modes;
- bad input gives clear errors.
"""

import contextlib
import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import minigrad as mg
from minigrad import nn
from minigrad.errors import DTypeError, ShapeError
from minigrad.nn import conv as NC
from minigrad.ops import conv as C
from minigrad.testing import gradcheck, gradgradcheck
from minigrad.testing.strategies import noncontiguous

TOL = 1e-10
# torch warns that it pads a copy for padding='same' with even kernels; that is torch's business
pytestmark = pytest.mark.filterwarnings("ignore:Using padding='same':UserWarning")


# ---- a NumPy reference: the defining sums, one kernel offset at a time ---------------------------
def ref_conv2d(x, w, b, stride, padding, dilation, groups):
    """y[n, o, p, q] = b[o] + sum_{c, i, j} w[o, c, i, j] xp[n, g(o)*Cg + c, p*sh + i*dh, q*sw + j*dw]."""
    (sh, sw), (ph, pw), (dh, dw) = stride, padding, dilation
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    n, c, hp, wp = xp.shape
    oc, cg, kh, kw = w.shape
    oh, ow = (hp - dh * (kh - 1) - 1) // sh + 1, (wp - dw * (kw - 1) - 1) // sw + 1
    y = np.zeros((n, oc, oh, ow))
    ocg = oc // groups
    for g in range(groups):
        for i in range(kh):
            for j in range(kw):
                patch = xp[:, g * cg:(g + 1) * cg, i * dh:i * dh + sh * (oh - 1) + 1:sh,
                           j * dw:j * dw + sw * (ow - 1) + 1:sw]
                y[:, g * ocg:(g + 1) * ocg] += np.einsum("ncpq,oc->nopq", patch, w[g * ocg:(g + 1) * ocg, :, i, j])
    return y if b is None else y + b.reshape(1, -1, 1, 1)


def ref_conv2d_grads(x, w, gy, stride, padding, dilation, groups):
    """dL/dx and dL/dw of sum(gy * conv2d(x, w)), from the same sum read backwards."""
    (sh, sw), (ph, pw), (dh, dw) = stride, padding, dilation
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    gxp, gw = np.zeros_like(xp), np.zeros_like(w)
    oc, cg, kh, kw = w.shape
    oh, ow = gy.shape[2:]
    ocg = oc // groups
    for g in range(groups):
        cs, os_ = slice(g * cg, (g + 1) * cg), slice(g * ocg, (g + 1) * ocg)
        for i in range(kh):
            for j in range(kw):
                rows = slice(i * dh, i * dh + sh * (oh - 1) + 1, sh)
                cols = slice(j * dw, j * dw + sw * (ow - 1) + 1, sw)
                gxp[:, cs, rows, cols] += np.einsum("nopq,oc->ncpq", gy[:, os_], w[os_, :, i, j])
                gw[os_, :, i, j] = np.einsum("nopq,ncpq->oc", gy[:, os_], xp[:, cs, rows, cols])
    return gxp[:, :, ph:ph + x.shape[2], pw:pw + x.shape[3]], gw


def ref_conv_transpose2d(x, w, b, stride, padding, output_padding, dilation, groups):
    """The adjoint of conv2d: each input pixel adds w times itself into its output window."""
    (sh, sw), (ph, pw), (oph, opw), (dh, dw) = stride, padding, output_padding, dilation
    n, cin, h, wd = x.shape
    _, coutg, kh, kw = w.shape
    oh = (h - 1) * sh - 2 * ph + dh * (kh - 1) + 1 + oph
    ow = (wd - 1) * sw - 2 * pw + dw * (kw - 1) + 1 + opw
    yp = np.zeros((n, coutg * groups, oh + 2 * ph, ow + 2 * pw))
    cing = cin // groups
    for g in range(groups):
        for i in range(kh):
            for j in range(kw):
                contrib = np.einsum("ncpq,co->nopq", x[:, g * cing:(g + 1) * cing], w[g * cing:(g + 1) * cing, :, i, j])
                yp[:, g * coutg:(g + 1) * coutg, i * dh:i * dh + sh * (h - 1) + 1:sh,
                   j * dw:j * dw + sw * (wd - 1) + 1:sw] += contrib
    y = yp[:, :, ph:ph + oh, pw:pw + ow]
    return y if b is None else y + b.reshape(1, -1, 1, 1)


def _t(a, grad=True):
    return mg.tensor(a, requires_grad=grad)


def _close(got, want, what, tol=TOL):
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol, err_msg=what)


@st.composite
def conv_settings(draw, transposed=False):
    groups = draw(st.integers(1, 3))
    cg, ocg = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    sh, sw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    dh, dw = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    ph, pw = draw(st.integers(0, 2)), draw(st.integers(0, 2))
    # sizes from just big enough for the dilated kernel to a few pixels more (odd and even)
    h = draw(st.integers(max(1, dh * (kh - 1) + 1 - 2 * ph), 7))
    w = draw(st.integers(max(1, dw * (kw - 1) + 1 - 2 * pw), 7))
    n = draw(st.integers(1, 2))
    s = dict(groups=groups, cg=cg, ocg=ocg, kernel=(kh, kw), stride=(sh, sw), dilation=(dh, dw),
             padding=(ph, pw), hw=(h, w), n=n, bias=draw(st.booleans()), seed=draw(st.integers(0, 2**16)))
    if transposed:
        s["output_padding"] = (draw(st.integers(0, max(sh, dh) - 1)), draw(st.integers(0, max(sw, dw) - 1)))
    return s


def _conv_arrays(s):
    rng = np.random.default_rng(s["seed"])
    g = s["groups"]
    x = rng.standard_normal((s["n"], g * s["cg"]) + s["hw"])
    w = rng.standard_normal((g * s["ocg"], s["cg"]) + s["kernel"])
    b = rng.standard_normal(g * s["ocg"]) if s["bias"] else None
    return rng, x, w, b


# ---- conv2d over a grid of settings -----------------------------------------------------------------
@settings(max_examples=40)
@given(s=conv_settings())
def test_conv2d_grid_matches_numpy_reference(s):
    rng, x, w, b = _conv_arrays(s)
    args = (s["stride"], s["padding"], s["dilation"], s["groups"])
    want = ref_conv2d(x, w, b, *args)
    xt, wt = _t(x), _t(w)
    bt = None if b is None else _t(b)
    y = C.conv2d(xt, wt, bt, *args)
    _close(y.numpy(), want, "output")
    gy = rng.standard_normal(want.shape)
    y.backward(mg.tensor(gy))
    gx, gw = ref_conv2d_grads(x, w, gy, *args)
    _close(xt.grad.numpy(), gx, "grad input")
    _close(wt.grad.numpy(), gw, "grad weight")
    if b is not None:
        _close(bt.grad.numpy(), gy.sum(axis=(0, 2, 3)), "grad bias")


@contextlib.contextmanager
def _shifted_products(always):
    """Make stride-1 convolutions take the shifted products always, or never."""
    saved = C.MAX_SHIFTED_WASTE, C.MIN_SHIFTED_DEPTH
    C.MAX_SHIFTED_WASTE, C.MIN_SHIFTED_DEPTH = (math.inf, 0) if always else (0.0, math.inf)
    try:
        yield
    finally:
        C.MAX_SHIFTED_WASTE, C.MIN_SHIFTED_DEPTH = saved


@settings(max_examples=40)
@given(s=conv_settings(), always=st.booleans())
def test_shifted_and_im2col_convolutions_match_the_reference(s, always):
    """Stride-1, one-group convolutions (and the input gradients of every stride-1 convolution)
    may run as shifted products or through im2col; both must give the definition, whichever
    the size rule picks. Here each is forced over the whole grid."""
    s = dict(s, stride=(1, 1))
    rng, x, w, b = _conv_arrays(s)
    args = (s["stride"], s["padding"], s["dilation"], s["groups"])
    xt, wt = _t(x), _t(w)
    with _shifted_products(always):
        y = C.conv2d(xt, wt, None if b is None else _t(b), *args)
        gy = rng.standard_normal(y.shape)
        y.backward(mg.tensor(gy))
    _close(y.numpy(), ref_conv2d(x, w, b, *args), "output")
    gx, gw = ref_conv2d_grads(x, w, gy, *args)
    _close(xt.grad.numpy(), gx, "grad input")
    _close(wt.grad.numpy(), gw, "grad weight")


@pytest.mark.torch
@settings(max_examples=40)
@given(s=conv_settings())
def test_conv2d_grid_matches_torch(s, torch):
    rng, x, w, b = _conv_arrays(s)
    args = (s["stride"], s["padding"], s["dilation"], s["groups"])
    ours = [_t(x), _t(w)] + ([] if b is None else [_t(b)])
    theirs = [torch.tensor(a, requires_grad=True) for a in [x, w] + ([] if b is None else [b])]
    y = C.conv2d(ours[0], ours[1], ours[2] if b is not None else None, *args)
    ty = torch.nn.functional.conv2d(theirs[0], theirs[1], theirs[2] if b is not None else None, *args)
    _close(y.numpy(), ty.detach().numpy(), "output")
    gy = rng.standard_normal(tuple(ty.shape))
    y.backward(mg.tensor(gy))
    ty.backward(torch.from_numpy(gy))
    for name, m, t in zip(("input", "weight", "bias"), ours, theirs):
        _close(m.grad.numpy(), t.grad.numpy(), f"grad {name}")


@settings(max_examples=40)
@given(s=conv_settings(transposed=True))
def test_conv_transpose2d_grid_matches_numpy_reference(s):
    rng = np.random.default_rng(s["seed"])
    g = s["groups"]
    x = rng.standard_normal((s["n"], g * s["cg"]) + s["hw"])
    w = rng.standard_normal((g * s["cg"], s["ocg"]) + s["kernel"])
    b = rng.standard_normal(g * s["ocg"]) if s["bias"] else None
    (sh, sw), (ph, pw), (dh, dw), (kh, kw) = s["stride"], s["padding"], s["dilation"], s["kernel"]
    oh = (s["hw"][0] - 1) * sh - 2 * ph + dh * (kh - 1) + 1 + s["output_padding"][0]
    ow = (s["hw"][1] - 1) * sw - 2 * pw + dw * (kw - 1) + 1 + s["output_padding"][1]
    assume(oh > 0 and ow > 0)
    want = ref_conv_transpose2d(x, w, b, s["stride"], s["padding"], s["output_padding"], s["dilation"], g)
    xt, wt = _t(x), _t(w)
    y = C.conv_transpose2d(xt, wt, None if b is None else _t(b), s["stride"], s["padding"], s["output_padding"],
                           g, s["dilation"])
    _close(y.numpy(), want, "output")
    # the gradients of a transposed conv are conv2d (input) and the conv's weight gradient
    gy = rng.standard_normal(want.shape)
    y.backward(mg.tensor(gy))
    gx_ref = ref_conv2d(gy, w, None, s["stride"], s["padding"], s["dilation"], g)
    _close(xt.grad.numpy(), gx_ref[:, :, :x.shape[2], :x.shape[3]], "grad input")
    _, gw_ref = ref_conv2d_grads(gy, w, x, s["stride"], s["padding"], s["dilation"], g)
    _close(wt.grad.numpy(), gw_ref, "grad weight")


@pytest.mark.torch
@settings(max_examples=40)
@given(s=conv_settings(transposed=True))
def test_conv_transpose2d_grid_matches_torch(s, torch):
    rng = np.random.default_rng(s["seed"])
    g = s["groups"]
    x = rng.standard_normal((s["n"], g * s["cg"]) + s["hw"])
    w = rng.standard_normal((g * s["cg"], s["ocg"]) + s["kernel"])
    b = rng.standard_normal(g * s["ocg"])
    args = (s["stride"], s["padding"], s["output_padding"], g, s["dilation"])
    theirs = [torch.tensor(a, requires_grad=True) for a in (x, w, b)]
    try:
        ty = torch.nn.functional.conv_transpose2d(*theirs, *args)
    except RuntimeError:  # a non-positive output size: ours must refuse too
        with pytest.raises(ShapeError):
            C.conv_transpose2d(_t(x), _t(w), _t(b), *args)
        return
    ours = [_t(a) for a in (x, w, b)]
    y = C.conv_transpose2d(*ours, *args)
    _close(y.numpy(), ty.detach().numpy(), "output")
    gy = rng.standard_normal(tuple(ty.shape))
    y.backward(mg.tensor(gy))
    ty.backward(torch.from_numpy(gy))
    for name, m, t in zip(("input", "weight", "bias"), ours, theirs):
        _close(m.grad.numpy(), t.grad.numpy(), f"grad {name}")


def test_both_input_gradient_paths_agree():
    """Stride 1 takes the full-convolution shortcut, unless its padding would be negative
    (here: a 1x1 kernel with padding 1); both must give conv_transpose's definition."""
    rng = np.random.default_rng(3)
    for kernel, padding in (((3, 3), (1, 1)), ((1, 1), (1, 1)), ((2, 3), (0, 2))):
        x = rng.standard_normal((2, 4, 5, 6))
        w = rng.standard_normal((4, 3) + kernel)
        want = ref_conv_transpose2d(x, w, None, (1, 1), padding, (0, 0), (1, 1), 1)
        _close(C.conv_transpose2d(_t(x), _t(w), padding=padding).numpy(), want, f"kernel {kernel}")


@pytest.mark.torch
@pytest.mark.parametrize("name,wshape,kw", [
    ("conv1d", (6, 4, 3), dict(stride=1, padding=1)),
    ("conv1d", (6, 2, 3), dict(stride=2, padding=1, dilation=2, groups=2)),
    ("conv1d", (6, 4, 4), dict(padding="same")),
    ("conv_transpose1d", (4, 3, 3), dict(stride=2, padding=1, output_padding=1)),
    ("conv_transpose1d", (4, 1, 4), dict(stride=3, padding=2, dilation=2, groups=2)),
])
def test_1d_convolutions_match_torch(name, wshape, kw, torch):
    rng = np.random.default_rng(0)
    cout = wshape[0] if name == "conv1d" else wshape[1] * kw.get("groups", 1)
    x, w, b = rng.standard_normal((2, 4, 11)), rng.standard_normal(wshape), rng.standard_normal(cout)
    ours = [_t(a) for a in (x, w, b)]
    theirs = [torch.tensor(a, requires_grad=True) for a in (x, w, b)]
    y, ty = getattr(C, name)(*ours, **kw), getattr(torch.nn.functional, name)(*theirs, **kw)
    _close(y.numpy(), ty.detach().numpy(), "output")
    gy = rng.standard_normal(tuple(ty.shape))
    y.backward(mg.tensor(gy))
    ty.backward(torch.from_numpy(gy))
    for what, m, t in zip(("input", "weight", "bias"), ours, theirs):
        _close(m.grad.numpy(), t.grad.numpy(), f"grad {what}")


@pytest.mark.torch
@pytest.mark.parametrize("padding", ["same", "valid"])
@pytest.mark.parametrize("kernel,dilation", [((3, 3), 1), ((2, 4), 1), ((3, 2), 2)])
def test_same_and_valid_padding_match_torch(padding, kernel, dilation, torch):
    rng = np.random.default_rng(1)
    x, w = rng.standard_normal((2, 3, 6, 7)), rng.standard_normal((4, 3) + kernel)
    y = C.conv2d(_t(x), _t(w), padding=padding, dilation=dilation)
    ty = torch.nn.functional.conv2d(torch.tensor(x), torch.tensor(w), padding=padding, dilation=dilation)
    _close(y.numpy(), ty.numpy(), "output")
    if padding == "same":
        assert y.shape[2:] == x.shape[2:]


# ---- gradients of gradients -------------------------------------------------------------------------
@pytest.mark.parametrize("kw", [dict(stride=2, padding=1), dict(padding=(1, 0), dilation=(1, 2), groups=2),
                                dict(stride=(1, 2), padding="valid", groups=2)])
def test_conv2d_gradcheck_and_gradgradcheck(kw):
    rng = np.random.default_rng(0)
    x, w, b = _t(rng.standard_normal((2, 4, 5, 6))), _t(rng.standard_normal((4, 2, 3, 2))), \
        _t(rng.standard_normal(4))
    if kw.get("groups", 1) == 1:
        w = _t(rng.standard_normal((4, 4, 3, 2)))

    def f(x, w, b):
        return C.conv2d(x, w, b, **kw)

    assert gradcheck(f, (x, w, b))
    assert gradgradcheck(f, (x, w, b))


@pytest.mark.parametrize("stride", [1, 2])
def test_conv_transpose2d_gradcheck_and_gradgradcheck(stride):
    rng = np.random.default_rng(1)
    x, w, b = _t(rng.standard_normal((2, 4, 4, 3))), _t(rng.standard_normal((4, 3, 3, 2))), \
        _t(rng.standard_normal(6))

    def f(x, w, b):
        return C.conv_transpose2d(x, w, b, stride=stride, padding=1, output_padding=stride - 1, groups=2)

    assert gradcheck(f, (x, w, b))
    assert gradgradcheck(f, (x, w, b))


@pytest.mark.torch
def test_second_derivatives_match_torch(torch):
    """d/dx and d/dw of |dL/dw|^2 + |dL/dx|^2 for L = sum(u * conv2d(x, w)): every Function twice."""
    rng = np.random.default_rng(2)
    x, w, u = rng.standard_normal((2, 4, 6, 5)), rng.standard_normal((6, 2, 3, 3)), None
    kw = dict(stride=2, padding=1, dilation=1, groups=2)
    xt, wt = _t(x), _t(w)
    y = C.conv2d(xt, wt, **kw)
    u = rng.standard_normal(y.shape)
    gx, gw = mg.grad((y * mg.tensor(u)).sum(), [xt, wt], create_graph=True)
    h = (gx * gx).sum() + (gw * gw).sum()
    hx, hw = mg.grad(h, [xt, wt])
    tx, tw = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    ty = torch.nn.functional.conv2d(tx, tw, **kw)
    tgx, tgw = torch.autograd.grad((ty * torch.from_numpy(u)).sum(), [tx, tw], create_graph=True)
    thx, thw = torch.autograd.grad((tgx * tgx).sum() + (tgw * tgw).sum(), [tx, tw])
    _close(hx.numpy(), thx.numpy(), "d/dx")
    _close(hw.numpy(), thw.numpy(), "d/dw")


# ---- dtypes, layouts, memory -------------------------------------------------------------------------
@pytest.mark.parametrize("fn,wshape", [(C.conv2d, (4, 3, 3, 3)), (C.conv_transpose2d, (3, 4, 3, 3))])
def test_float32_stays_float32(fn, wshape):
    rng = np.random.default_rng(0)
    x = _t(rng.standard_normal((2, 3, 6, 6)).astype(np.float32))
    w = _t(rng.standard_normal(wshape).astype(np.float32))
    b = _t(rng.standard_normal(4).astype(np.float32))
    y = fn(x, w, b, stride=2, padding=1)
    assert y.dtype == np.float32
    y.sum().backward()
    assert x.grad.dtype == w.grad.dtype == b.grad.dtype == np.float32
    y64 = fn(mg.tensor(x.numpy().astype(np.float64)), mg.tensor(w.numpy().astype(np.float64)),
             mg.tensor(b.numpy().astype(np.float64)), stride=2, padding=1)
    np.testing.assert_allclose(y.numpy(), y64.numpy(), rtol=1e-5, atol=1e-5)


def test_noncontiguous_and_unbatched_inputs():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 7, 6))
    w = rng.standard_normal((4, 3, 3, 2))
    want = ref_conv2d(x, w, None, (2, 1), (1, 1), (1, 2), 1)
    for view in (np.asfortranarray(x), noncontiguous(x), np.swapaxes(np.swapaxes(x, 2, 3).copy(), 2, 3)):
        xt = mg.from_numpy(view)
        assert not xt.is_contiguous()
        _close(C.conv2d(xt, mg.tensor(w), stride=(2, 1), padding=1, dilation=(1, 2)).numpy(), want, "strided")
    one = C.conv2d(mg.tensor(x[1]), mg.tensor(w), stride=(2, 1), padding=1, dilation=(1, 2))
    assert one.shape == want.shape[1:]
    _close(one.numpy(), want[1], "unbatched")


def test_results_do_not_share_the_scratch_buffer():
    """The column matrix lives in a reused buffer; no result may alias it."""
    rng = np.random.default_rng(0)
    x1, w1 = rng.standard_normal((1, 2, 5, 5)), rng.standard_normal((3, 2, 3, 3))
    xt, wt = _t(x1), _t(w1)
    y1 = C.conv2d(xt, wt, padding=1)
    y1.sum().backward()
    keep = [y1.numpy().copy(), xt.grad.numpy().copy(), wt.grad.numpy().copy()]
    for s in (1, 2):  # larger convolutions overwrite (and grow) the buffer
        y2 = C.conv2d(_t(rng.standard_normal((3, 4, 9, 9))), _t(rng.standard_normal((5, 4, 3, 3))), stride=s)
        y2.sum().backward()
    for got, want in zip((y1.numpy(), xt.grad.numpy(), wt.grad.numpy()), keep):
        np.testing.assert_array_equal(got, want)


# ---- the layers -------------------------------------------------------------------------------------
def test_conv2d_layer_parameters_and_init():
    mg.manual_seed(0)
    m = nn.Conv2d(16, 32, 3, groups=2)
    assert [n for n, _ in m.named_parameters()] == ["weight", "bias"]
    assert m.weight.shape == (32, 8, 3, 3) and m.bias.shape == (32,)
    assert list(m.state_dict()) == ["weight", "bias"]
    bound = 1 / math.sqrt(8 * 9)  # kaiming_uniform_(a=sqrt(5)): U(-1/sqrt(fan_in), 1/sqrt(fan_in))
    wv = m.weight.numpy()
    assert np.abs(wv).max() <= bound and np.abs(wv).max() > 0.9 * bound
    assert abs(wv.std() - bound / math.sqrt(3)) < 0.1 * bound
    assert np.abs(m.bias.numpy()).max() <= bound
    t = nn.ConvTranspose2d(16, 32, 3, groups=4)
    assert t.weight.shape == (16, 8, 3, 3) and t.bias.shape == (32,)
    assert np.abs(t.weight.numpy()).max() <= 1 / math.sqrt(8 * 9)
    assert nn.Conv2d(3, 4, 3, bias=False).bias is None
    assert NC.Conv1d(3, 4, 5).weight.shape == (4, 3, 5)


@pytest.mark.torch
def test_layer_repr_matches_torch(torch):
    cases = [((3, 8, 3), {}), ((4, 8, (2, 3)), dict(stride=2, padding=1, dilation=2, groups=2, bias=False)),
             ((4, 8, 3), dict(padding="same", padding_mode="reflect"))]
    for args, kw in cases:
        assert repr(nn.Conv2d(*args, **kw)) == repr(torch.nn.Conv2d(*args, **kw))
    assert repr(NC.ConvTranspose2d(4, 8, 3, stride=2, output_padding=1)) == \
        repr(torch.nn.ConvTranspose2d(4, 8, 3, stride=2, output_padding=1))
    assert repr(NC.Conv1d(4, 8, 3, padding=1)) == repr(torch.nn.Conv1d(4, 8, 3, padding=1))


@pytest.mark.torch
@pytest.mark.parametrize("cls,args,kw,shape", [
    ("Conv2d", (4, 6, 3), dict(padding=1, groups=2), (2, 4, 7, 6)),
    ("Conv2d", (4, 6, 3), dict(padding="same", padding_mode="reflect"), (2, 4, 7, 6)),
    ("Conv2d", (4, 6, (2, 3)), dict(padding="same", padding_mode="circular", dilation=2), (2, 4, 7, 8)),
    ("Conv2d", (4, 6, 3), dict(stride=2, padding=2, padding_mode="replicate", bias=False), (4, 7, 8)),
    ("Conv1d", (4, 6, 4), dict(padding="same", padding_mode="reflect"), (2, 4, 9)),
    ("ConvTranspose2d", (4, 6, 3), dict(stride=2, padding=1, output_padding=1, groups=2), (2, 4, 5, 6)),
    ("ConvTranspose1d", (4, 6, 3), dict(stride=3, padding=1, output_padding=2), (2, 4, 5)),
])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_layers_match_torch(cls, args, kw, shape, dtype, torch):
    tol = 1e-10 if dtype == np.float64 else 1e-5
    ours, theirs = getattr(NC, cls)(*args, **kw), getattr(torch.nn, cls)(*args, **kw)
    theirs.to(torch.float64 if dtype == np.float64 else torch.float32)
    ours.to(dtype)
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape).astype(dtype)
    xt, tx = _t(x), torch.tensor(x, requires_grad=True)
    y, ty = ours(xt), theirs(tx)
    assert y.dtype == dtype
    _close(y.numpy(), ty.detach().numpy(), "output", tol)
    g = rng.standard_normal(tuple(ty.shape)).astype(dtype)
    y.backward(mg.tensor(g))
    ty.backward(torch.from_numpy(g))
    _close(xt.grad.numpy(), tx.grad.numpy(), "grad input", tol)
    for (name, p), (_, tp) in zip(ours.named_parameters(), theirs.named_parameters()):
        _close(p.grad.numpy(), tp.grad.numpy(), f"grad {name}", tol)


def test_conv_transpose_output_size():
    m = NC.ConvTranspose2d(2, 3, 3, stride=2, padding=1)
    x = mg.randn(1, 2, 4, 4)
    assert m(x).shape == (1, 3, 7, 7)
    assert m(x, output_size=(8, 8)).shape == (1, 3, 8, 8)
    assert m(x, output_size=(1, 3, 8, 7)).shape == (1, 3, 8, 7)
    with pytest.raises(ValueError, match="output_size"):
        m(x, output_size=(9, 9))


# ---- bad input ---------------------------------------------------------------------------------------
def test_wrong_number_of_input_channels_names_both():
    m = nn.Conv2d(3, 8, 3)
    with pytest.raises(ShapeError, match=r"expected input with 3 channels.*got input of shape \(2, 4, 8, 8\) with 4"):
        m(mg.randn(2, 4, 8, 8))
    with pytest.raises(ShapeError, match="expected input with 4 channels"):
        C.conv2d(mg.randn(1, 6, 5, 5), mg.randn(8, 2, 3, 3), groups=2)
    with pytest.raises(ShapeError, match="expected input with 3 channels"):
        C.conv_transpose2d(mg.randn(1, 4, 5, 5), mg.randn(3, 2, 3, 3))


def test_input_smaller_than_kernel():
    with pytest.raises(ShapeError, match=r"smaller than the kernel \(5, 5\)"):
        C.conv2d(mg.randn(1, 1, 4, 8), mg.randn(1, 1, 5, 5))
    with pytest.raises(ShapeError, match="with dilation"):
        C.conv2d(mg.randn(1, 1, 4, 4), mg.randn(1, 1, 3, 3), dilation=2)
    assert C.conv2d(mg.randn(1, 1, 4, 4), mg.randn(1, 1, 5, 5), padding=1).shape == (1, 1, 2, 2)


@pytest.mark.parametrize("stride", [0, -1, (1, 0)])
def test_zero_or_negative_stride(stride):
    with pytest.raises(ValueError, match="stride must be positive"):
        C.conv2d(mg.randn(1, 1, 5, 5), mg.randn(1, 1, 3, 3), stride=stride)
    with pytest.raises(ValueError, match="stride must be positive"):
        nn.Conv2d(1, 1, 3, stride=stride)
    with pytest.raises(ValueError, match="stride must be positive"):
        C.conv_transpose2d(mg.randn(1, 1, 5, 5), mg.randn(1, 1, 3, 3), stride=stride)


def test_groups_that_do_not_divide_the_channels():
    with pytest.raises(ValueError, match=r"in_channels \(3\) must be divisible by groups \(2\)"):
        nn.Conv2d(3, 4, 3, groups=2)
    with pytest.raises(ValueError, match=r"out_channels \(5\) must be divisible by groups \(2\)"):
        nn.Conv2d(4, 5, 3, groups=2)
    with pytest.raises(ValueError, match="must be divisible by groups"):
        C.conv2d(mg.randn(1, 4, 5, 5), mg.randn(5, 2, 3, 3), groups=2)
    with pytest.raises(ValueError, match="groups must be a positive integer"):
        nn.Conv2d(4, 4, 3, groups=0)


def test_wrong_input_rank_and_other_bad_arguments():
    with pytest.raises(ShapeError, match=r"3-D \(unbatched\) or 4-D \(batched\) input, got shape \(5, 5\)"):
        nn.Conv2d(1, 1, 3)(mg.randn(5, 5))
    with pytest.raises(ShapeError, match="2-D .* or 3-D"):
        nn.Conv1d(1, 1, 3)(mg.randn(1, 1, 5, 5))
    with pytest.raises(ShapeError, match="weight must be 4-D"):
        C.conv2d(mg.randn(1, 1, 5, 5), mg.randn(1, 3, 3))
    with pytest.raises(ValueError, match="padding must be non-negative"):
        C.conv2d(mg.randn(1, 1, 5, 5), mg.randn(1, 1, 3, 3), padding=-1)
    with pytest.raises(ValueError, match="'same' is not supported for strided"):
        C.conv2d(mg.randn(1, 1, 5, 5), mg.randn(1, 1, 3, 3), padding="same", stride=2)
    with pytest.raises(ValueError, match="'same' is not supported for strided"):
        nn.Conv2d(1, 1, 3, padding="same", stride=2)
    with pytest.raises(ValueError, match="padding_mode"):
        nn.Conv2d(1, 1, 3, padding_mode="mirror")
    with pytest.raises(DTypeError, match="same dtype"):
        C.conv2d(mg.randn(1, 1, 5, 5, dtype=mg.float64), mg.randn(1, 1, 3, 3))
    with pytest.raises(ShapeError, match="bias must have shape"):
        C.conv2d(mg.randn(1, 1, 5, 5), mg.randn(2, 1, 3, 3), mg.randn(3))
    with pytest.raises(ValueError, match="output_padding"):
        C.conv_transpose2d(mg.randn(1, 1, 5, 5), mg.randn(1, 1, 3, 3), stride=2, output_padding=2)


# ---- 3-D convolution: the same Functions with one more spatial axis --------------------------------
CONV3D = [((2, 4, 5, 6, 7), (6, 2, 3, 2, 3), dict(stride=(2, 1, 1), padding=(1, 0, 1), dilation=(1, 2, 1), groups=2)),
          ((1, 3, 4, 4, 4), (2, 3, 2, 2, 2), dict(padding="same", dilation=2)),
          ((3, 4, 5, 3), (2, 3, 1, 2, 3), dict(stride=2, padding="valid"))]  # unbatched


@pytest.mark.parametrize("x_shape,w_shape,kw", CONV3D)
def test_conv3d_matches_torch(torch, x_shape, w_shape, kw):
    rng = np.random.default_rng(0)
    arrays = rng.normal(size=x_shape), rng.normal(size=w_shape), rng.normal(size=w_shape[0])
    _same_as_torch(torch, rng, arrays, lambda *a: mg.nn.functional.conv3d(*a, **kw),
                   lambda *a: torch.nn.functional.conv3d(*a, **kw))


def _same_as_torch(torch, rng, arrays, fn, torch_fn):
    """fn and torch_fn agree on the arrays (float64): values and every input's gradient."""
    ms = [mg.tensor(a, requires_grad=True) for a in arrays]
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    y, yt = fn(*ms), torch_fn(*ts)
    np.testing.assert_allclose(y.numpy(), yt.detach().numpy(), atol=1e-10)
    g = rng.normal(size=y.shape)
    y.backward(mg.tensor(g))
    yt.backward(torch.tensor(g))
    for m, t in zip(ms, ts):
        np.testing.assert_allclose(m.grad.numpy(), t.grad.numpy(), atol=1e-10)


@pytest.mark.parametrize("kw", [dict(), dict(stride=2, padding=1, output_padding=1, groups=2),
                                dict(stride=(1, 2, 3), dilation=(2, 1, 1), output_size=(6, 7, 10))])
def test_conv_transpose3d_matches_torch(torch, kw):
    rng = np.random.default_rng(1)
    arrays = rng.normal(size=(2, 4, 3, 3, 3)), rng.normal(size=(4, 3, 2, 3, 2)), rng.normal(size=3 * kw.get("groups", 1))
    torch_kw = dict(kw)
    if "output_size" in kw:  # torch's function takes the equivalent output_padding
        torch_kw.pop("output_size")
        torch_kw["output_padding"] = (1, 0, 2)
    _same_as_torch(torch, rng, arrays, lambda *a: mg.nn.functional.conv_transpose3d(*a, **kw),
                   lambda *a: torch.nn.functional.conv_transpose3d(*a, **torch_kw))


def test_conv3d_second_derivatives():
    rng = np.random.default_rng(2)
    x, w = mg.tensor(rng.normal(size=(1, 2, 3, 3, 4)), requires_grad=True), \
        mg.tensor(rng.normal(size=(2, 2, 2, 2, 2)), requires_grad=True)
    assert gradgradcheck(lambda a, b: mg.nn.functional.conv3d(a, b, padding=1, stride=(1, 2, 1)), [x, w])


@pytest.mark.parametrize("cls,args,kw", [("Conv3d", (4, 6, 3), dict(stride=2, padding=1, groups=2)),
                                         ("Conv3d", (2, 3, (1, 2, 3)), dict(padding="same", padding_mode="reflect",
                                                                            bias=False)),
                                         ("Conv3d", (2, 2, 3), dict(padding=1, padding_mode="circular")),
                                         ("ConvTranspose3d", (4, 6, 3), dict(stride=2, padding=1, output_padding=1,
                                                                             groups=2))])
def test_conv3d_layers_match_torch(torch, cls, args, kw):
    m, t = getattr(nn, cls)(*args, **kw), getattr(torch.nn, cls)(*args, **kw)
    assert repr(m) == repr(t)
    assert [(k, tuple(v.shape)) for k, v in m.state_dict().items()] == \
        [(k, tuple(v.shape)) for k, v in t.state_dict().items()]
    fan_in = m.weight.shape[1] * int(np.prod(m.weight.shape[2:]))
    assert np.abs(m.weight.numpy()).max() <= 1 / math.sqrt(fan_in)  # kaiming_uniform(a=sqrt(5)), as torch
    m.load_state_dict({k: mg.tensor(v.detach().numpy()) for k, v in t.state_dict().items()})
    x = np.random.default_rng(3).normal(size=(2, args[0], 4, 5, 6)).astype(np.float32)
    y = m(mg.tensor(x))
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.numpy(), t(torch.tensor(x)).detach().numpy(), atol=1e-5)


def test_conv3d_bad_input():
    with pytest.raises(ShapeError, match=r"4-D \(unbatched\) or 5-D \(batched\) input"):
        nn.Conv3d(1, 1, 3)(mg.randn(1, 5, 5))
    with pytest.raises(ShapeError, match="weight must be 5-D"):
        mg.nn.functional.conv3d(mg.randn(1, 1, 5, 5, 5), mg.randn(1, 1, 3, 3))
    with pytest.raises(ShapeError, match="smaller than the kernel"):
        mg.nn.functional.conv3d(mg.randn(1, 1, 2, 5, 5), mg.randn(1, 1, 3, 3, 3))
