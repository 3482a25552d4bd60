"""interpolate / upsample and the Upsample layers against torch.

Every mode, 1-D to 3-D, sizes and scale factors (up, down, non-integer, recompute_scale_factor),
align_corners both ways: values and input gradients in float64 within 1e-10, float32 stays
float32; the layers' reprs; bad arguments raise PyTorch's error types.
"""

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.nn import functional as F

MODES = [("nearest", 1), ("nearest", 2), ("nearest", 3), ("nearest-exact", 1), ("nearest-exact", 2),
         ("linear", 1), ("bilinear", 2), ("bicubic", 2), ("trilinear", 3), ("area", 1), ("area", 2), ("area", 3)]
SHAPES = {1: (2, 3, 7), 2: (2, 2, 5, 6), 3: (1, 2, 3, 4, 5)}
RESIZES = [dict(size=11), dict(scale_factor=2), dict(scale_factor=1.7), dict(scale_factor=0.6),
           dict(scale_factor=0.6, recompute_scale_factor=True), dict(size=2), dict(scale_factor=3.3)]


def _case(kw, spatial):
    if "size" in kw and spatial > 1:  # a different size per axis
        return dict(kw, size=tuple(kw["size"] + d for d in range(spatial)))
    return kw


@pytest.mark.parametrize("mode,spatial", MODES, ids=[f"{m}-{s}d" for m, s in MODES])
@pytest.mark.parametrize("resize", RESIZES, ids=lambda kw: "-".join(f"{k}={v}" for k, v in kw.items()))
def test_matches_torch(torch, mode, spatial, resize):
    rng = np.random.default_rng(0)
    kw = _case(resize, spatial)
    for align_corners in ([None] if mode in ("nearest", "nearest-exact", "area") else [False, True]):
        x = rng.normal(size=SHAPES[spatial])
        xm, xt = mg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        y = F.interpolate(xm, mode=mode, align_corners=align_corners, **kw)
        yt = torch.nn.functional.interpolate(xt, mode=mode, align_corners=align_corners, **kw)
        assert y.shape == tuple(yt.shape)
        np.testing.assert_allclose(y.numpy(), yt.detach().numpy(), rtol=0, atol=1e-10)
        g = rng.normal(size=y.shape)
        y.backward(mg.tensor(g))
        yt.backward(torch.tensor(g))
        np.testing.assert_allclose(xm.grad.numpy(), xt.grad.numpy(), rtol=0, atol=1e-10)
        y32 = F.interpolate(mg.tensor(x.astype(np.float32)), mode=mode, align_corners=align_corners, **kw)
        assert y32.dtype == np.float32
        np.testing.assert_allclose(y32.numpy(), yt.detach().numpy(), rtol=1e-5, atol=1e-5)


def test_bicubic_overshoots_and_reads_clamped_edges(torch):
    # a step: cubic convolution (A = -0.75) rings past both levels, unlike linear interpolation
    x = np.zeros((1, 1, 1, 6))
    x[..., 3:] = 1.0
    y = F.interpolate(mg.tensor(x), size=(1, 17), mode="bicubic").numpy()
    assert y.min() < 0 and y.max() > 1
    np.testing.assert_allclose(y, torch.nn.functional.interpolate(torch.tensor(x), size=(1, 17), mode="bicubic"),
                               atol=1e-12)


def test_nearest_integer_input_and_identity():
    x = mg.tensor(np.arange(6).reshape(1, 1, 6))
    assert F.interpolate(x, scale_factor=2).numpy().tolist() == [[[0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]]]
    assert F.interpolate(x, size=6).numpy().tolist() == x.numpy().tolist()


def test_upsample_is_interpolate():
    x = mg.tensor(np.random.default_rng(1).normal(size=(1, 2, 3, 4)))
    np.testing.assert_array_equal(F.upsample(x, scale_factor=2, mode="bilinear").numpy(),
                                  F.interpolate(x, scale_factor=2, mode="bilinear").numpy())


@pytest.mark.parametrize("name, kw", [("upsample_nearest", dict(scale_factor=2)), ("upsample_nearest", dict(size=(5, 7))),
                                      ("upsample_bilinear", dict(scale_factor=2)), ("upsample_bilinear", dict(size=(4, 9)))])
@pytest.mark.filterwarnings("ignore:.*deprecated")  # torch warns that these names are old
def test_old_upsample_functions_match_torch(torch, name, kw):
    x = np.random.default_rng(2).normal(size=(2, 3, 3, 4))
    want = getattr(torch.nn.functional, name)(torch.tensor(x), **kw).numpy()
    np.testing.assert_allclose(getattr(F, name)(mg.tensor(x), **kw).numpy(), want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name,kw", [("Upsample", dict(scale_factor=2)), ("Upsample", dict(size=(3, 7), mode="bilinear")),
                                     ("Upsample", dict(scale_factor=(1.5, 2), mode="bicubic", align_corners=True)),
                                     ("UpsamplingNearest2d", dict(size=5)),
                                     ("UpsamplingBilinear2d", dict(scale_factor=2))])
def test_layers_match_torch(torch, name, kw):
    m, t = getattr(nn, name)(**kw), getattr(torch.nn, name)(**kw)
    assert repr(m) == repr(t)
    x = np.random.default_rng(2).normal(size=(2, 3, 4, 5))
    np.testing.assert_allclose(m(mg.tensor(x)).numpy(), t(torch.tensor(x)).numpy(), atol=1e-10)


@pytest.mark.parametrize("shape,kw,error", [
    ((1, 1, 4), dict(size=3, scale_factor=2), ValueError),
    ((1, 1, 4), dict(), ValueError),
    ((1, 1, 4), dict(size=3, align_corners=True), ValueError),  # nearest has no corners to align
    ((1, 1, 4, 4), dict(size=3, mode="area", align_corners=False), ValueError),
    ((1, 1, 4), dict(size=3, mode="bilinear"), NotImplementedError),
    ((1, 1, 4, 4), dict(size=3, mode="trilinear"), NotImplementedError),
    ((1, 1, 4, 4), dict(size=3, mode="cubic"), NotImplementedError),
    ((4, 4), dict(size=3), NotImplementedError),
    ((1, 1, 4, 4), dict(size=(3, 3, 3)), ValueError),
    ((1, 1, 4, 4), dict(scale_factor=(2, 2, 2)), ValueError),
    ((1, 1, 4), dict(scale_factor=0.1), ValueError),  # an empty output
    ((1, 1, 4), dict(size=3, recompute_scale_factor=True), ValueError),
])
def test_bad_arguments(torch, shape, kw, error):
    x = np.zeros(shape)
    with pytest.raises(error):
        F.interpolate(mg.tensor(x), **kw)
    if not (kw.get("mode") == "cubic" or "scale_factor" in kw and kw["scale_factor"] == 0.1):
        with pytest.raises(error):
            torch.nn.functional.interpolate(torch.tensor(x), **kw)
