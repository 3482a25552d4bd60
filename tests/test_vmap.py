"""vmap (one call per example, stacked) and the small top-level functions beside it."""

import numpy as np
import pytest

import minigrad as mg
from minigrad.errors import ArgumentError, ShapeError
from minigrad.func import grad


def test_vmap_equals_the_loop_it_stands_for():
    rng = np.random.default_rng(0)
    a, b = mg.tensor(rng.standard_normal((5, 2, 3))), mg.tensor(rng.standard_normal((5, 3)))
    out = mg.vmap(lambda m, v: m @ v)(a, b)
    np.testing.assert_allclose(out.numpy(), np.einsum("nij,nj->ni", a.numpy(), b.numpy()))
    moved = mg.vmap(lambda m: m.sum(0), in_dims=1, out_dims=1)(mg.tensor(rng.standard_normal((2, 5, 3))))
    assert moved.shape == (3, 5)
    pair = mg.vmap(lambda m: (m.sum(), {"max": m.max()}))(a)
    assert pair[0].shape == (5,) and pair[1]["max"].shape == (5,)
    assert mg.func.vmap is mg.vmap


@pytest.mark.torch
def test_per_example_gradients_match_torch(torch):
    rng = np.random.default_rng(1)
    w, x, y = rng.standard_normal(3), rng.standard_normal((6, 3)), rng.standard_normal(6)

    def loss(lib):
        return lambda w, x, y: ((x * w).sum() - y) ** 2 + lib.sin(w).sum()

    ours = mg.vmap(grad(loss(mg)), in_dims=(None, 0, 0))(mg.tensor(w), mg.tensor(x), mg.tensor(y))
    theirs = torch.func.vmap(torch.func.grad(loss(torch)), in_dims=(None, 0, 0))(
        torch.tensor(w), torch.tensor(x), torch.tensor(y))
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12, atol=1e-12)


def test_vmap_gradients_flow_to_the_batched_argument():
    x = mg.tensor(np.arange(6.0).reshape(3, 2), requires_grad=True)
    mg.vmap(lambda r: (r ** 2).sum())(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.arange(6.0).reshape(3, 2))


def test_vmap_bad_inputs():
    with pytest.raises(ShapeError, match="different sizes"):
        mg.vmap(lambda a, b: a + b)(mg.zeros(2, 3), mg.zeros(3, 3))
    with pytest.raises(ShapeError, match="out of range"):
        mg.vmap(lambda a: a, in_dims=2)(mg.zeros(2, 3))
    with pytest.raises(ArgumentError, match="at least one argument"):
        mg.vmap(lambda a: a, in_dims=None)(mg.zeros(2))
    with pytest.raises(ArgumentError, match="in_dims has 1 entries for 2"):
        mg.vmap(lambda a, b: a, in_dims=(0,))(mg.zeros(2), mg.zeros(2))
    with pytest.raises(ArgumentError, match="randomness"):
        mg.vmap(lambda a: a, randomness="sometimes")


@pytest.mark.torch
def test_small_top_level_functions_match_torch(torch):
    with pytest.warns(UserWarning, match="deprecated"):
        ours = mg.range(0, 1, 0.25)
    with pytest.warns(UserWarning):
        theirs = torch.range(0, 1, 0.25)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy())
    assert str(ours.dtype) == "float32"
    data = bytearray(np.arange(4, dtype=np.int32).tobytes())
    np.testing.assert_array_equal(mg.frombuffer(data, dtype=mg.int32, count=2, offset=4).numpy(),
                                  torch.frombuffer(data, dtype=torch.int32, count=2, offset=4).numpy())
    a = np.arange(3.0)
    shared = mg.asarray(a)
    a[0] = 7
    assert shared[0].item() == 7 and str(mg.asarray([1, 2]).dtype) == "int64"
    assert mg.asarray(a, copy=True) is not None and mg.asarray(a, copy=True).numpy()[0] == 7
    with pytest.raises(ArgumentError, match="copy=False"):
        mg.asarray([1.0, 2.0], copy=False)
    x = mg.tensor([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(mg.adjoint(x).numpy(), x.numpy().T)
    c = mg.narrow_copy(x, 1, 0, 1)
    c[0, 0] = 9.0
    assert x[0, 0].item() == 1.0
    assert mg.version.cuda is None and mg.__version__ == mg.version.__version__
    assert mg.is_storage(x) is False
