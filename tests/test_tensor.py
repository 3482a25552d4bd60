"""Tensor basics: factories, properties, conversions, devices."""

import numpy as np
import pytest

import minigrad as mg
from minigrad.errors import DeviceError


def test_tensor_from_python_data_uses_torch_default_dtypes():
    assert mg.tensor([1.0, 2.0]).dtype == np.float32
    assert mg.tensor([1, 2]).dtype == np.int64
    assert mg.tensor([True]).dtype == np.bool_
    assert mg.tensor(np.zeros(2)).dtype == np.float64  # arrays keep their dtype
    assert mg.tensor([1, 2], dtype=mg.float64).dtype == np.float64


def test_tensor_copies_its_data_and_from_numpy_shares():
    a = np.zeros(3)
    t = mg.tensor(a)
    a[0] = 5
    assert t.numpy()[0] == 0
    s = mg.from_numpy(a)
    a[1] = 7
    assert s.numpy()[1] == 7


@pytest.mark.parametrize("factory", [mg.zeros, mg.ones, mg.empty, mg.rand, mg.randn])
def test_factories_take_size_dtype_and_requires_grad(factory):
    t = factory(2, 3, dtype=mg.float64, requires_grad=True)
    assert t.shape == (2, 3) and t.dtype == np.float64 and t.requires_grad and t.is_leaf
    assert factory((4,)).shape == (4,)
    assert factory(2).dtype == np.float32


def test_other_factories():
    assert mg.full((2, 2), 3.5).tolist() == [[3.5, 3.5], [3.5, 3.5]]
    assert mg.full((1,), 3).dtype == np.int64
    assert mg.arange(4).tolist() == [0, 1, 2, 3] and mg.arange(4).dtype == np.int64
    assert mg.arange(0, 1, 0.5).dtype == np.float32
    np.testing.assert_allclose(mg.linspace(0, 1, 5).numpy(), [0, 0.25, 0.5, 0.75, 1])
    np.testing.assert_array_equal(mg.eye(3).numpy(), np.eye(3))
    x = mg.randn(3, dtype=mg.float64)
    assert mg.zeros_like(x).dtype == np.float64 and mg.ones_like(x).shape == (3,)
    r = mg.randint(0, 10, (100,))
    assert r.dtype == np.int64 and 0 <= r.numpy().min() and r.numpy().max() < 10


def test_manual_seed_makes_random_numbers_repeat():
    mg.manual_seed(123)
    a = mg.randn(5).numpy()
    b = mg.rand(3).numpy()
    mg.manual_seed(123)
    np.testing.assert_array_equal(a, mg.randn(5).numpy())
    np.testing.assert_array_equal(b, mg.rand(3).numpy())


def test_properties():
    t = mg.zeros(2, 3, 4)
    assert t.shape == (2, 3, 4) and t.ndim == 3 and t.dim() == 3
    assert t.size() == (2, 3, 4) and t.size(1) == 3 and t.numel() == 24
    assert t.device == "cpu" and str(t.device) == "cpu"
    assert t.T.shape == (4, 3, 2)
    assert len(t) == 2
    assert t.grad is None and t.grad_fn is None and t.is_leaf


def test_conversions():
    t = mg.tensor([[1.5, 2.5]])
    assert t.tolist() == [[1.5, 2.5]]
    assert isinstance(t.numpy(), np.ndarray)
    assert np.asarray(t).shape == (1, 2)
    assert mg.tensor(3.0).item() == 3.0 and float(mg.tensor([2.0])) == 2.0
    assert t.double().dtype == np.float64 and t.long().dtype == np.int64
    assert t.to(mg.float64).dtype == np.float64 and t.to("cpu") is t
    assert t.float() is t


def test_cast_is_differentiable():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    y = x.double() * 3
    y.sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 3.0])


def test_detach_and_clone():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    d = x.detach()
    assert not d.requires_grad and np.shares_memory(d.array, x.array)
    c = x.clone()
    assert c.requires_grad and not np.shares_memory(c.array, x.array)
    c.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [1.0, 1.0])


def test_repr_shows_values_dtype_and_grad_state():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    assert "requires_grad=True" in repr(x)
    assert "grad_fn=<MulBackward0>" in repr(x * 2)
    assert "float64" in repr(mg.tensor([1.0], dtype="float64"))


def test_unknown_device_string_is_refused():
    for bad in ["gpu", "cuda:x", "tpu:0", "cpu:1"]:
        with pytest.raises(DeviceError, match="unknown device"):
            mg.zeros(1, device=bad)


def test_cuda_without_cupy_or_gpu_says_how_to_install(monkeypatch):
    if mg.is_cuda_available():
        pytest.skip("a GPU is present")
    with pytest.raises(DeviceError, match=r"minigrad\[gpu\]"):
        mg.tensor([1.0], device="cuda")
    with pytest.raises(DeviceError, match=r"minigrad\[gpu\]"):
        mg.tensor([1.0]).cuda()


@pytest.mark.gpu
def test_mixing_devices_in_one_op_is_refused():
    a = mg.tensor([1.0])
    b = mg.tensor([1.0], device="cuda")
    with pytest.raises(DeviceError, match="cuda:0"):
        a + b


@pytest.mark.gpu
def test_to_cuda_and_back_keeps_values_and_gradients():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    y = (x.cuda() * 3).sum()
    y.backward()
    assert x.grad.device == "cpu"
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 3.0])


def test_data_is_a_detached_tensor_sharing_memory():
    p = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    d = p.data
    assert isinstance(d, mg.Tensor) and not d.requires_grad and d.grad_fn is None
    assert np.shares_memory(d.array, p.array)
    p.grad = mg.tensor([1.0, 1.0, 1.0])
    p.data.add_(p.grad, alpha=-0.5)  # the old-style SGD step: no error, no graph
    np.testing.assert_array_equal(p.numpy(), [0.5, 1.5, 2.5])
    assert p.is_leaf and p.requires_grad
    p.data.copy_(mg.tensor([0.0, 0.0, 0.0]))
    np.testing.assert_array_equal(p.numpy(), [0.0, 0.0, 0.0])


def test_assigning_data_swaps_the_memory():
    p = mg.tensor([1.0, 2.0], requires_grad=True)
    other = mg.tensor([5.0, 6.0, 7.0])
    p.data = other
    assert p.shape == (3,) and np.shares_memory(p.array, other.array) and p.requires_grad
    with pytest.raises(TypeError, match="data"):
        p.data = np.zeros(3)
    with pytest.raises(TypeError, match="requires grad"):
        p.data = mg.tensor([1, 2])


def test_shape_errors_are_runtime_errors_as_in_pytorch():
    with pytest.raises(RuntimeError):
        mg.ones(2, 3) @ mg.ones(2, 3)
    with pytest.raises(RuntimeError):
        mg.ones(6).reshape(4, 2)


# ---- iteration, reversed, `in` ------------------------------------------------------------------
def test_iteration_gives_differentiable_views_of_the_first_dimension():
    torch = pytest.importorskip("torch")
    a = np.arange(6.0).reshape(3, 2)
    x, tx = mg.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    y, ty = x * 1, tx * 1
    items, titems = list(y), list(ty)
    assert len(items) == len(titems) == 3
    for i, (m, t) in enumerate(zip(items, titems)):
        assert m.shape == tuple(t.shape) == (2,)
        np.testing.assert_array_equal(m.numpy(), t.detach().numpy())
        assert m._view is not None and m._view.base is y  # a view, as unbind's outputs are
        assert np.shares_memory(m.array, y.array)
    sum(m.sum() * (i + 1) for i, m in enumerate(items)).backward()
    sum(t.sum() * (i + 1) for i, t in enumerate(titems)).backward()
    np.testing.assert_array_equal(x.grad.numpy(), tx.grad.numpy())
    assert [int(v) for v in mg.arange(3)] == [0, 1, 2]
    a, b = mg.tensor([[1, 2], [3, 4]])  # unpacking, as in PyTorch programs
    assert a.tolist() == [1, 2] and b.tolist() == [3, 4]


def test_iterating_a_0d_tensor_is_a_type_error_as_in_torch():
    torch = pytest.importorskip("torch")
    with pytest.raises(TypeError, match="iteration over a 0-d tensor"):
        iter(torch.tensor(1.0))
    with pytest.raises(TypeError, match="iteration over a 0-d tensor"):
        iter(mg.tensor(1.0))


def test_reversed_flips_the_first_dimension():
    torch = pytest.importorskip("torch")
    a = np.arange(6).reshape(2, 3)
    for data in (a, a[0], np.int64(5)):
        got, want = reversed(mg.tensor(data)), reversed(torch.tensor(data))
        np.testing.assert_array_equal(got.numpy(), want.numpy())
    x = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (reversed(x) * mg.tensor([1.0, 2.0, 3.0])).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 2.0, 1.0])


def test_contains_matches_torch():
    torch = pytest.importorskip("torch")
    for lib in (mg, torch):
        t = lib.arange(3)
        assert 2 in t and 3 not in t and 2.0 in t and 2.5 not in lib.arange(3.0)
        assert lib.tensor(1) in t and np.int64(1) in t
        assert lib.tensor([5, 1, 7]) in t and lib.tensor([2, 0, 1]) not in t  # elementwise ==, then any
        with pytest.raises(RuntimeError):
            lib.tensor([1, 2]) in t
        with pytest.raises(RuntimeError, match="Tensor or .*scalar|Tensor or a number"):
            "a" in t


def test_shape_and_size_are_minigrad_size():
    """x.shape and x.size() are minigrad.Size (PyTorch's torch.Size): a tuple with numel()."""
    import pickle

    x = mg.zeros(2, 3, 4)
    for shape in (x.shape, x.size()):
        assert isinstance(shape, mg.Size) and isinstance(shape, tuple)
        assert shape == (2, 3, 4) and shape.numel() == 24 and len(shape) == 3
    assert repr(x.shape) == "minigrad.Size([2, 3, 4])"
    assert mg.zeros(()).shape.numel() == 1 and mg.zeros(0, 5).shape.numel() == 0
    assert isinstance(x.shape + (5,), mg.Size) and x.shape + (5,) == (2, 3, 4, 5)
    assert x.shape[1:] == (3, 4) and x.size(1) == 3 and x.shape[-1] == 4
    assert isinstance(x.shape[1:], mg.Size) and x.shape[1:].numel() == 12 and type(x.shape[0]) is int
    assert pickle.loads(pickle.dumps(x.shape)) == x.shape
    assert mg.zeros(x.shape).shape == x.shape and np.zeros(x.shape).shape == (2, 3, 4)
    with pytest.raises(IndexError):
        x.shape[3]
