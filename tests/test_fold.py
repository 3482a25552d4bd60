"""unfold / fold and pixel_shuffle / pixel_unshuffle, their layers, against torch.

unfold is conv2d's column matrix (conv2d(x, w) == w.view(OC, -1) @ unfold(x)); fold is its
adjoint (<fold(c), x> == <c, unfold(x)>); pixel_unshuffle undoes pixel_shuffle. Values and
gradients in float64 against torch; bad input.
"""

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.nn import functional as F

GEOMETRY = [dict(kernel_size=2), dict(kernel_size=(2, 3), dilation=(1, 2), padding=1, stride=(2, 1)),
            dict(kernel_size=3, padding=(0, 2), stride=3)]


@pytest.mark.parametrize("kw", GEOMETRY)
def test_unfold_and_fold_match_torch(torch, kw):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 3, 7, 6))
    xm, xt = mg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    u, ut = F.unfold(xm, **kw), torch.nn.functional.unfold(xt, **kw)
    np.testing.assert_allclose(u.numpy(), ut.detach().numpy(), atol=1e-12)
    c = rng.normal(size=u.shape)
    cm, ct = mg.tensor(c, requires_grad=True), torch.tensor(c, requires_grad=True)
    f, ft = F.fold(cm, (7, 6), **kw), torch.nn.functional.fold(ct, (7, 6), **kw)
    np.testing.assert_allclose(f.numpy(), ft.detach().numpy(), atol=1e-12)
    # adjoint: <fold(c), x> = <c, unfold(x)>
    np.testing.assert_allclose((f.numpy() * x).sum(), (c * u.numpy()).sum(), rtol=1e-12)
    g = rng.normal(size=f.shape)
    (f * mg.tensor(g)).sum().backward()
    (ft * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(cm.grad.numpy(), ct.grad.numpy(), atol=1e-12)


def test_unfold_is_the_column_matrix_of_conv2d():
    rng = np.random.default_rng(1)
    x, w = mg.tensor(rng.normal(size=(2, 3, 6, 5))), mg.tensor(rng.normal(size=(4, 3, 3, 2)))
    y = F.conv2d(x, w, padding=1, stride=2)
    cols = F.unfold(x, (3, 2), padding=1, stride=2)
    np.testing.assert_allclose((w.reshape(4, -1) @ cols).numpy(), y.numpy().reshape(2, 4, -1), atol=1e-12)


def test_unbatched_and_float32():
    x = mg.tensor(np.random.default_rng(2).normal(size=(3, 4, 4)).astype(np.float32))
    u = F.unfold(x, 2)
    assert u.shape == (12, 9) and u.dtype == np.float32
    assert F.fold(u, (4, 4), 2).shape == (3, 4, 4)


def test_fold_bad_input():
    with pytest.raises(RuntimeError):  # 12 columns are not the 9 blocks of a 4x4 image
        F.fold(mg.tensor(np.zeros((1, 8, 12))), (4, 4), 2)
    with pytest.raises(RuntimeError):  # 7 is not a multiple of 2*2
        F.fold(mg.tensor(np.zeros((1, 7, 9))), (4, 4), 2)
    with pytest.raises(RuntimeError):
        F.unfold(mg.tensor(np.zeros((1, 2, 3, 4, 5))), 2)
    with pytest.raises(ValueError):
        F.unfold(mg.tensor(np.zeros((1, 2, 3, 4))), 0)
    with pytest.raises(RuntimeError):  # no 5x5 block fits
        F.unfold(mg.tensor(np.zeros((1, 2, 3, 4))), 5)


@pytest.mark.parametrize("shape,r", [((2, 8, 3, 4), 2), ((9, 2, 2), 3), ((2, 3, 4, 1, 2), 2)])
def test_pixel_shuffle_matches_torch(torch, shape, r):
    x = np.random.default_rng(3).normal(size=shape)
    y = F.pixel_shuffle(mg.tensor(x), r)
    np.testing.assert_array_equal(y.numpy(), torch.nn.functional.pixel_shuffle(torch.tensor(x), r).numpy())
    back = F.pixel_unshuffle(y, r)
    np.testing.assert_array_equal(back.numpy(), x)
    np.testing.assert_array_equal(back.numpy(), torch.nn.functional.pixel_unshuffle(torch.tensor(y.numpy()), r))


def test_pixel_shuffle_bad_input():
    with pytest.raises(RuntimeError):
        F.pixel_shuffle(mg.tensor(np.zeros((1, 6, 2, 2))), 2)
    with pytest.raises(RuntimeError):
        F.pixel_unshuffle(mg.tensor(np.zeros((1, 1, 3, 4))), 2)
    with pytest.raises(RuntimeError):
        F.pixel_shuffle(mg.tensor(np.zeros((4, 2))), 2)
    with pytest.raises(ValueError):
        F.pixel_shuffle(mg.tensor(np.zeros((1, 4, 2, 2))), 0)


@pytest.mark.parametrize("name,args,shape", [("Unfold", ((2, 3),), (2, 3, 5, 6)),
                                             ("Unfold", (2, 1, 1, 2), (2, 3, 5, 6)),
                                             ("Fold", ((4, 5), 2), (2, 12, 12)),
                                             ("PixelShuffle", (2,), (2, 8, 3, 4)),
                                             ("PixelUnshuffle", (2,), (2, 2, 4, 6))])
def test_layers_match_torch(torch, name, args, shape):
    m, t = getattr(nn, name)(*args), getattr(torch.nn, name)(*args)
    assert repr(m) == repr(t)
    x = np.random.default_rng(4).normal(size=shape)
    np.testing.assert_allclose(m(mg.tensor(x)).numpy(), t(torch.tensor(x)).numpy(), atol=1e-12)


def test_channel_shuffle_matches_torch(torch):
    x = np.random.default_rng(5).normal(size=(2, 6, 3, 2))
    for groups in (1, 2, 3, 6):
        np.testing.assert_array_equal(F.channel_shuffle(mg.tensor(x), groups).numpy(),
                                      torch.nn.functional.channel_shuffle(torch.tensor(x), groups).numpy())
    m, t = nn.ChannelShuffle(3), torch.nn.ChannelShuffle(3)
    assert repr(m) == repr(t)
    np.testing.assert_array_equal(m(mg.tensor(x)).numpy(), t(torch.tensor(x)).numpy())
    for bad in ((x, 4), (x, 0), (x[0, :, 0, 0], 2)):
        with pytest.raises(RuntimeError):
            F.channel_shuffle(mg.tensor(bad[0]), bad[1])
