"""PyTorch's legacy tensor types (minigrad/legacy_tensors.py): construction from sizes and
data, isinstance, Tensor.type with a type or its name, set_default_tensor_type, bad input."""

import numpy as np
import pytest

import minigrad as mg
from minigrad.errors import ArgumentError, ArgumentRuntimeError, ArgumentTypeError, DTypeError, NotSupported, ShapeError

CASES = [("FloatTensor", "float32"), ("DoubleTensor", "float64"), ("HalfTensor", "float16"),
         ("ByteTensor", "uint8"), ("CharTensor", "int8"), ("ShortTensor", "int16"), ("IntTensor", "int32"),
         ("LongTensor", "int64"), ("BoolTensor", "bool")]


@pytest.mark.parametrize("name, dtype", CASES)
def test_sizes_data_and_isinstance(name, dtype):
    cls = getattr(mg, name)
    assert cls.dtype == np.dtype(dtype)
    t = cls(2, 3)
    assert t.dtype == np.dtype(dtype) and tuple(t.shape) == (2, 3) and isinstance(t, cls)
    assert tuple(cls(mg.Size([4, 1])).shape) == (4, 1) and tuple(cls().shape) == (0,)
    d = cls([1, 0, 1])
    np.testing.assert_array_equal(d.numpy(), np.array([1, 0, 1], dtype=dtype))
    others = [getattr(mg, n) for n, _ in CASES if n != name]
    assert not any(isinstance(d, o) for o in others)
    assert not isinstance(d, getattr(mg.cuda, name)) and not isinstance(np.zeros(3, dtype), cls)
    assert d.type() == f"torch.{name}"


def test_type_casts_with_a_type_or_its_name():
    x = mg.LongTensor([1, 2])
    for target in (mg.DoubleTensor, "torch.DoubleTensor"):
        y = x.type(target)
        assert y.dtype == np.float64 and isinstance(y, mg.DoubleTensor)
    assert x.type(mg.float32).dtype == np.float32
    f = mg.FloatTensor([1.5])
    assert mg.FloatTensor(f) is f  # a tensor of the same dtype is taken as it is


def test_set_default_tensor_type():
    try:
        mg.set_default_tensor_type(mg.DoubleTensor)
        assert mg.tensor([1.0]).dtype == np.float64
        mg.set_default_tensor_type("torch.FloatTensor")
        assert mg.tensor([1.0]).dtype == np.float32
    finally:
        mg.set_default_dtype(mg.float32)


def test_bad_input():
    with pytest.raises(DTypeError, match="FloatTensor: expected a float32 tensor, got int64"):
        mg.FloatTensor(mg.tensor([1, 2]))
    with pytest.raises(ArgumentTypeError, match="FloatTensor: expected sizes"):
        mg.FloatTensor(2.5)
    with pytest.raises(ArgumentRuntimeError, match="LongTensor: sizes must be non-negative"):
        mg.LongTensor(2, -1)
    with pytest.raises(ArgumentTypeError, match="expected sizes"):
        mg.FloatTensor([1.0], [2.0])
    with pytest.raises(NotSupported, match="no default device"):
        mg.set_default_tensor_type(mg.cuda.FloatTensor)
    with pytest.raises(DTypeError, match="only floating point"):
        mg.set_default_tensor_type(mg.LongTensor)
    with pytest.raises(ArgumentError, match="expected a tensor type"):
        mg.set_default_tensor_type("torch.NoSuchTensor")
    assert mg.get_default_dtype() == np.float32


@pytest.mark.gpu
def test_cuda_types_on_the_gpu():
    x = mg.cuda.FloatTensor([1.0, 2.0])
    assert x.device.type == "cuda" and isinstance(x, mg.cuda.FloatTensor) and not isinstance(x, mg.FloatTensor)
    assert x.type() == "torch.cuda.FloatTensor"
    y = mg.LongTensor([1, 2]).type(mg.cuda.DoubleTensor)
    assert y.device.type == "cuda" and y.dtype == np.float64
    assert x.type(mg.FloatTensor).device.type == "cpu"


def test_matches_torch():
    torch = pytest.importorskip("torch")
    for name, _ in CASES:
        a, b = getattr(torch, name)([1, 0, 2]), getattr(mg, name)([1, 0, 2])
        assert str(a.dtype).replace("torch.", "") == str(b.dtype).replace("bool_", "bool")
        np.testing.assert_array_equal(a.numpy(), b.numpy())
        assert a.type() == b.type()
        assert tuple(getattr(torch, name)(3, 2).shape) == tuple(getattr(mg, name)(3, 2).shape)
    with pytest.raises(TypeError):
        torch.FloatTensor(2.5)
    with pytest.raises(TypeError):
        mg.FloatTensor(2.5)


@pytest.mark.torch
def test_the_tensor_class_takes_sizes_as_torch_tensor_does(torch):
    """torch.Tensor(in, out) (older programs build parameters this way): a float tensor of those sizes."""
    for sizes in [(3, 4), (2, 3, 4), (1, 2, 3, 4, 5)]:
        ours, theirs = mg.Tensor(*sizes), torch.Tensor(*sizes)
        assert ours.shape == tuple(theirs.shape) and str(ours.dtype) == "float32"
    assert mg.nn.Parameter(mg.Tensor(3, 4)).shape == (3, 4)
    for n in (5, 0):  # one size alone is a size too: nn.Parameter(torch.Tensor(out_features)) is a bias
        assert mg.Tensor(n).shape == tuple(torch.Tensor(n).shape) and mg.Tensor(n).dtype == mg.float32
    bias = mg.nn.Parameter(mg.Tensor(7))
    mg.nn.init.uniform_(bias, -0.1, 0.1)
    assert bias.shape == (7,) and abs(bias.detach().numpy()).max() <= 0.1
    assert mg.Tensor(5, dtype=mg.int64).shape == ()  # with a dtype the number is data (minigrad's form)
    with pytest.raises(ShapeError, match="non-negative"):
        mg.Tensor(2, -1)


def test_the_legacy_constructor_of_python_data_is_float32_as_in_pytorch():
    for data in ([1, 2], [[1, 2]], (1,), [True, False]):
        assert mg.Tensor(data).dtype == mg.float32
    assert mg.Tensor([1, 2], dtype=mg.int64).dtype == mg.int64
    x = mg.Tensor([-4.0]).double()
    x.requires_grad = True  # as micrograd's tests write it against torch
    ((x * 2) ** 2).sum().backward()
    assert x.grad.tolist() == [-32.0]
    assert mg.tensor([1, 2]).dtype == mg.int64 and mg.as_tensor([1, 2]).dtype == mg.int64  # factories infer


@pytest.mark.torch
def test_the_legacy_constructor_of_an_array_is_float32_as_in_pytorch(torch):
    """torch.Tensor(obs) on NumPy observations (float64, int64, bool) gives float32, as RL programs expect."""
    for array in (np.linspace(0, 1, 6).reshape(2, 3), np.arange(4), np.array([True, False]), np.array(2.5)):
        ours, theirs = mg.Tensor(array), torch.Tensor(array)
        assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "") == "float32"
        assert ours.shape == tuple(theirs.shape)
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    assert mg.Tensor(np.arange(3), dtype=mg.int64).dtype == mg.int64  # an explicit dtype wins
    for dtype, shared in (("float32", True), ("float64", False)):  # as torch: a float32 array is shared
        a, b = np.zeros(3, dtype=dtype), np.zeros(3, dtype=dtype)
        mg.Tensor(a).add_(1)
        torch.Tensor(b).add_(1)
        assert a.tolist() == b.tolist() == ([1.0] * 3 if shared else [0.0] * 3)
    # the factories keep the array's dtype, as in PyTorch
    for make in (mg.tensor, mg.as_tensor, mg.from_numpy, mg.autograd.Variable):
        assert make(np.arange(3)).dtype == mg.int64
    assert mg.nn.Parameter(mg.from_numpy(np.zeros(2))).dtype == mg.float64
    x = mg.Tensor(np.array([[1.0, 2.0]]))  # float64 observations meet float32 weights
    assert mg.nn.Linear(2, 3)(x).dtype == mg.float32
