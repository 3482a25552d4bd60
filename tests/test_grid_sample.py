"""grid_sample and affine_grid against torch.

Every mode (bicubic on 4-D only), padding mode and align_corners setting on 4-D and 5-D inputs, with grid points
inside and outside the image: values, and gradients for the input and for the grid, float64
within 1e-10; affine_grid's grid and its gradient for theta; bad input.
"""

import itertools

import numpy as np
import pytest

import minigrad as mg
from minigrad.nn import functional as F

SHAPES = {"2d": ((2, 3, 5, 6), (2, 4, 7, 2)), "3d": ((1, 2, 3, 4, 5), (1, 2, 3, 4, 3))}
SETTINGS = [(dims, mode, padding_mode, align_corners) for dims, mode, padding_mode, align_corners in itertools.product(
    SHAPES, ["bilinear", "nearest", "bicubic"], ["zeros", "border", "reflection"], [False, True])
    if not (mode == "bicubic" and dims == "3d")]  # bicubic takes 4-D inputs only, as in PyTorch


@pytest.mark.parametrize("dims,mode,padding_mode,align_corners", SETTINGS)
def test_matches_torch(torch, dims, mode, padding_mode, align_corners):
    shape, grid_shape = SHAPES[dims]
    rng = np.random.default_rng(0)
    x, grid = rng.normal(size=shape), rng.uniform(-1.8, 1.8, size=grid_shape)  # a third of the points outside
    xm, gm = mg.tensor(x, requires_grad=True), mg.tensor(grid, requires_grad=True)
    xt, gt = torch.tensor(x, requires_grad=True), torch.tensor(grid, requires_grad=True)
    y = F.grid_sample(xm, gm, mode, padding_mode, align_corners)
    yt = torch.nn.functional.grid_sample(xt, gt, mode, padding_mode, align_corners)
    np.testing.assert_allclose(y.numpy(), yt.detach().numpy(), atol=1e-10)
    h = rng.normal(size=y.shape)
    y.backward(mg.tensor(h))
    yt.backward(torch.tensor(h))
    np.testing.assert_allclose(xm.grad.numpy(), xt.grad.numpy(), atol=1e-10)
    grid_grad = np.zeros(grid_shape) if gm.grad is None else gm.grad.numpy()
    np.testing.assert_allclose(grid_grad, gt.grad.numpy(), atol=1e-10)


def test_identity_grid_reproduces_the_input():
    x = mg.tensor(np.random.default_rng(1).normal(size=(2, 3, 4, 5)))
    theta = mg.tensor(np.tile(np.eye(2, 3), (2, 1, 1)))
    for align_corners in (False, True):
        grid = F.affine_grid(theta, (2, 3, 4, 5), align_corners=align_corners)
        np.testing.assert_allclose(F.grid_sample(x, grid, align_corners=align_corners).numpy(), x.numpy(),
                                   atol=1e-12)


def test_float32_stays_float32():
    x = mg.tensor(np.ones((1, 1, 3, 3), dtype=np.float32))
    grid = mg.tensor(np.zeros((1, 2, 2, 2), dtype=np.float32))
    assert F.grid_sample(x, grid).dtype == np.float32
    assert F.affine_grid(mg.tensor(np.eye(2, 3, dtype=np.float32)[None]), (1, 1, 2, 2)).dtype == np.float32


@pytest.mark.parametrize("size", [(2, 3, 4, 5), (2, 1, 1, 3), (2, 1, 2, 3, 4)])
@pytest.mark.parametrize("align_corners", [False, True])
def test_affine_grid_matches_torch(torch, size, align_corners):
    spatial = len(size) - 2
    theta = np.random.default_rng(2).normal(size=(2, spatial, spatial + 1))
    tm, tt = mg.tensor(theta, requires_grad=True), torch.tensor(theta, requires_grad=True)
    g, gt = F.affine_grid(tm, size, align_corners), torch.nn.functional.affine_grid(tt, size, align_corners)
    np.testing.assert_allclose(g.numpy(), gt.detach().numpy(), atol=1e-12)
    h = np.random.default_rng(3).normal(size=g.shape)
    g.backward(mg.tensor(h))
    gt.backward(torch.tensor(h))
    np.testing.assert_allclose(tm.grad.numpy(), tt.grad.numpy(), atol=1e-10)


def test_bad_input():
    x, grid = mg.tensor(np.zeros((2, 1, 3, 3))), mg.tensor(np.zeros((2, 2, 2, 2)))
    with pytest.raises(ValueError):
        F.grid_sample(x, grid, mode="bicubicle")
    with pytest.raises(ValueError):
        F.grid_sample(x, grid, padding_mode="wrap")
    with pytest.raises(ValueError):
        F.grid_sample(mg.tensor(np.zeros((1, 1, 2, 2, 2))), mg.tensor(np.zeros((1, 1, 1, 1, 3))), mode="bicubic")
    with pytest.raises(RuntimeError):  # batch sizes differ
        F.grid_sample(x, mg.tensor(np.zeros((1, 2, 2, 2))))
    with pytest.raises(RuntimeError):  # a 3-D point for a 2-D image
        F.grid_sample(x, mg.tensor(np.zeros((2, 2, 2, 3))))
    with pytest.raises(TypeError):
        F.grid_sample(x, mg.tensor(np.zeros((2, 2, 2, 2), dtype=np.float32)))
    with pytest.raises(RuntimeError):
        F.affine_grid(mg.tensor(np.zeros((2, 2, 3))), (3, 1, 4, 4))
    with pytest.raises(ValueError):
        F.affine_grid(mg.tensor(np.zeros((2, 2, 3))), (2, 4, 4))
