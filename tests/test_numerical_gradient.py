"""torch.gradient (minigrad/ops/numerical_gradient.py) against torch and numpy.gradient: every
form of spacing, dims, both edge orders, gradients of the samples and of the coordinates,
dtypes, and bad inputs. The registry entries (minigrad/testing/entries/numerical_gradient.py)
run the generic checks."""

import numpy as np
import pytest

import minigrad as mg
from minigrad.errors import ArgumentError, IndexOutOfRange, MinigradError, ShapeError
from minigrad.ops.numerical_gradient import gradient
from minigrad.testing import gradcheck, gradgradcheck


def T(a, grad=False, dtype=np.float64):
    return mg.tensor(np.asarray(a, dtype=dtype), requires_grad=grad)


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def _coordinates(rng, n):
    return np.cumsum(rng.uniform(0.5, 1.5, n))


def _cases(rng, shape):
    xs = [_coordinates(rng, n) for n in shape]
    return [({}, {}), ({"spacing": 2.5}, {"spacing": 2.5}),
            ({"spacing": [1.0, 2.0, 0.5]}, {"spacing": [1.0, 2.0, 0.5]}),
            ({"dim": 1}, {"dim": 1}), ({"dim": [-1, 0]}, {"dim": [-1, 0]}),
            ({"spacing": [0.5], "dim": [2]}, {"spacing": [0.5], "dim": [2]}),
            ("coordinates", xs), ("coordinates dim 1", xs[1])]


@pytest.mark.torch
@pytest.mark.parametrize("edge_order", [1, 2])
def test_matches_torch_values_and_gradients(torch, rng, edge_order):
    a = rng.standard_normal((4, 5, 3))
    for kw, t_kw in _cases(rng, a.shape):
        A, tA = T(a, True), torch.tensor(a, requires_grad=True)
        coords = t_coords = []
        if kw == "coordinates":
            coords = [T(x, True) for x in t_kw]
            t_coords = [torch.tensor(x, requires_grad=True) for x in t_kw]
            kw, t_kw = {"spacing": coords}, {"spacing": t_coords}
        elif kw == "coordinates dim 1":
            coords, t_coords = [T(t_kw, True)], [torch.tensor(t_kw, requires_grad=True)]
            kw, t_kw = {"spacing": coords, "dim": 1}, {"spacing": t_coords, "dim": 1}
        out, t_out = gradient(A, edge_order=edge_order, **kw), torch.gradient(tA, edge_order=edge_order, **t_kw)
        assert isinstance(out, tuple) and len(out) == len(t_out)
        for o, t in zip(out, t_out):
            np.testing.assert_allclose(o.numpy(), t.detach().numpy(), rtol=1e-12, atol=1e-12)
        ws = [rng.standard_normal(tuple(o.shape)) for o in out]
        mg.autograd.backward(sum((o * T(w)).sum() for o, w in zip(out, ws)))
        sum((t * torch.tensor(w)).sum() for t, w in zip(t_out, ws)).backward()
        for x, t in [(A, tA)] + list(zip(coords, t_coords)):
            np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("edge_order", [1, 2])
def test_matches_numpy_and_is_exact_on_quadratics(rng, edge_order):
    f = rng.standard_normal((6, 7))
    x = _coordinates(rng, 7)
    for ours, theirs in zip(gradient(T(f), spacing=[0.3, T(x)], edge_order=edge_order),
                            np.gradient(f, 0.3, x, edge_order=edge_order)):
        np.testing.assert_allclose(ours.numpy(), theirs, rtol=1e-12, atol=1e-12)
    # second-order central differences (and edge_order=2 ends) are exact for a parabola
    (d,) = gradient(T(3 * x ** 2 - x + 1), spacing=[T(x)], edge_order=2)
    np.testing.assert_allclose(d.numpy(), 6 * x - 1, rtol=1e-10)


@pytest.mark.torch
def test_dtypes_and_small_inputs(torch):
    ints = [[1, 2, 4, 8], [10, 20, 40, 80]]
    for o, t in zip(gradient(mg.tensor(ints)), torch.gradient(torch.tensor(ints))):
        assert o.dtype == np.float32
        np.testing.assert_allclose(o.numpy(), t.numpy())
    (d,) = gradient(T([1.0, 3.0], dtype=np.float32))
    assert d.dtype == np.float32 and d.numpy().tolist() == [2.0, 2.0]
    assert gradient(T(2.0)) == ()
    (d,) = gradient(T(np.ones((0, 4))), dim=1)
    assert tuple(d.shape) == (0, 4)
    (d,) = gradient(mg.tensor([0.0, 1.0, 4.0]), spacing=[mg.tensor([0, 1, 2])])  # integer coordinates
    np.testing.assert_allclose(d.numpy(), [1.0, 2.0, 3.0])
    (d,) = gradient(T([0.0, 1.0, 4.0]), spacing=mg.tensor(2.0))  # a 0-d tensor is a scalar step
    np.testing.assert_allclose(d.numpy(), [0.5, 1.0, 1.5])


def test_gradcheck_and_double_backward(rng):
    f, x = rng.standard_normal((4, 5)), _coordinates(rng, 5)
    for edge_order in (1, 2):
        assert gradcheck(lambda a, c: gradient(a, spacing=[1.5, c], edge_order=edge_order), [T(f, True), T(x, True)])
        assert gradgradcheck(lambda a, c: gradient(a, spacing=[c], dim=1, edge_order=edge_order)[0],
                             [T(f, True), T(x, True)])


def test_bad_inputs():
    a = T(np.ones((2, 4)))
    with pytest.raises(ArgumentError, match="only supports edge_order=1 and edge_order=2, got 3"):
        gradient(a, edge_order=3)
    with pytest.raises(ShapeError, match=r"at least edge_order\+1 = 3.*dimension 0.*\(2, 4\)"):
        gradient(a, edge_order=2)
    gradient(a, edge_order=2, dim=1)  # only the dimensions differentiated need the samples
    with pytest.raises(ShapeError, match="at least edge_order"):
        gradient(T([1.0]))
    with pytest.raises(ArgumentError, match="list of length 2.*got a list of length 3"):
        gradient(a, spacing=[1.0, 2.0, 3.0])
    with pytest.raises(ArgumentError, match="list of length 1.*dim argument.*length 2"):
        gradient(a, spacing=[1.0, 2.0], dim=0)
    with pytest.raises(ShapeError, match=r"one dimension.*\(2, 2\)"):
        gradient(a, spacing=[T(np.ones((2, 2)))], dim=1)
    with pytest.raises(ShapeError, match="3 entries.*4 samples"):
        gradient(a, spacing=[T([0.0, 1.0, 2.0])], dim=1)
    with pytest.raises(ArgumentError, match="more than once"):
        gradient(a, dim=(0, 0))
    with pytest.raises(IndexOutOfRange):
        gradient(a, dim=5)
    with pytest.raises(ArgumentError, match="spacing must be"):
        gradient(a, spacing="2")
    with pytest.raises(TypeError, match="input must be a tensor, got list"):
        gradient([1.0, 2.0])
    for error in (ArgumentError, ShapeError):
        assert issubclass(error, MinigradError) and issubclass(error, (ValueError, RuntimeError))
