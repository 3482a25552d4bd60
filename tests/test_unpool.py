"""max_unpool1d/2d/3d and the MaxUnpool layers against torch, overlapping windows included."""

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.nn import functional as F
from minigrad.testing.strategies import no_ties

CASES = [(1, (2, 3, 9), 3, dict(stride=2)), (1, (2, 8), 2, {}),
         (2, (2, 3, 6, 7), 3, dict(stride=2, padding=1)),  # overlapping windows
         (2, (2, 3, 5, 5), 2, dict(output_size=(5, 5))),
         (3, (1, 2, 4, 6, 6), 2, {}), (3, (2, 5, 6, 4), (3, 2, 2), dict(stride=(2, 2, 1)))]


@pytest.mark.parametrize("spatial,shape,kernel,kw", CASES)
def test_matches_torch(torch, spatial, shape, kernel, kw):
    rng = np.random.default_rng(0)
    x = no_ties(rng, shape)
    pool_kw = {k: v for k, v in kw.items() if k != "output_size"}
    y, idx = getattr(torch.nn.functional, f"max_pool{spatial}d")(torch.tensor(x), kernel, return_indices=True,
                                                                 **pool_kw)
    size = kw.get("output_size", shape[-spatial:])  # back to the pooled input's size
    unpool_kw = dict(pool_kw, output_size=size)
    ym, yt = mg.tensor(y.numpy(), requires_grad=True), y.clone().requires_grad_()
    out = getattr(F, f"max_unpool{spatial}d")(ym, mg.tensor(idx.numpy()), kernel, **unpool_kw)
    out_t = getattr(torch.nn.functional, f"max_unpool{spatial}d")(yt, idx, kernel, **unpool_kw)
    np.testing.assert_array_equal(out.numpy(), out_t.detach().numpy())
    g = rng.normal(size=out.shape)
    out.backward(mg.tensor(g))
    out_t.backward(torch.tensor(g))
    np.testing.assert_array_equal(ym.grad.numpy(), yt.grad.numpy())


def test_indices_from_minigrad_pooling_round_trip():
    x = mg.tensor(no_ties(np.random.default_rng(1), (2, 3, 4, 6)))
    y, idx = F.max_pool2d(x, 2, return_indices=True)
    z = F.max_unpool2d(y, idx, 2)
    kept = z.numpy() != 0
    assert kept.sum() == y.numel()
    np.testing.assert_array_equal(z.numpy()[kept], x.numpy()[kept])


def test_bad_input():
    y, idx = mg.tensor(np.ones((1, 1, 2, 2))), mg.tensor(np.array([[[[0, 1], [2, 99]]]]))
    with pytest.raises(RuntimeError):  # 99 is outside a 4x4 output
        F.max_unpool2d(y, idx, 2)
    with pytest.raises(ValueError):
        F.max_unpool2d(y, mg.tensor(np.zeros((1, 1, 2, 2), dtype=np.int64)), 2, output_size=(7, 7))
    with pytest.raises(RuntimeError):
        F.max_unpool2d(y, mg.tensor(np.zeros((1, 1, 2, 1), dtype=np.int64)), 2)
    with pytest.raises(TypeError):
        F.max_unpool2d(y, mg.tensor(np.zeros((1, 1, 2, 2))), 2)


@pytest.mark.parametrize("spatial", [1, 2, 3])
def test_layers_match_torch(torch, spatial):
    m, t = getattr(nn, f"MaxUnpool{spatial}d")(2), getattr(torch.nn, f"MaxUnpool{spatial}d")(2)
    assert repr(m) == repr(t)
    x = no_ties(np.random.default_rng(2), (2, 2) + (4,) * spatial)
    y, idx = getattr(torch.nn.functional, f"max_pool{spatial}d")(torch.tensor(x), 2, return_indices=True)
    np.testing.assert_array_equal(m(mg.tensor(y.numpy()), mg.tensor(idx.numpy())).numpy(), t(y, idx).numpy())


@pytest.mark.parametrize("spatial", [1, 2, 3])
def test_max_unpool_of_an_empty_batch(spatial):
    shape = (0, 2) + (3,) * spatial
    fn = getattr(F, f"max_unpool{spatial}d")
    y = fn(mg.zeros(*shape), mg.tensor(np.zeros(shape, dtype=np.int64)), 2)
    assert y.shape == (0, 2) + (6,) * spatial
