"""Type promotion follows PyTorch: categories bool < integer < floating, and dimensioned
tensors > 0-d tensors > Python numbers, a lower group counting only when its category is higher."""

import itertools

import numpy as np
import pytest

import minigrad as mg

torch = pytest.importorskip("torch")

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]
SHAPES = [(2,), ()]
SCALARS = [True, 3, -2, 2.5]


def _pair(a, b, sa, sb):
    ma = mg.Tensor._make(np.ones(sa, dtype=a))
    mb = mg.Tensor._make(np.ones(sb, dtype=b))
    ta = torch.ones(sa, dtype=getattr(torch, a))
    tb = torch.ones(sb, dtype=getattr(torch, b))
    return ma, mb, ta, tb


def _name(torch_dtype):
    return str(torch_dtype).replace("torch.", "")


@pytest.mark.parametrize("a,b", list(itertools.product(DTYPES, DTYPES)))
def test_result_type_of_two_tensors_matches_torch(a, b):
    for sa, sb in itertools.product(SHAPES, SHAPES):
        ma, mb, ta, tb = _pair(a, b, sa, sb)
        assert str(mg.result_type(ma, mb)) == _name(torch.result_type(ta, tb)), (a, b, sa, sb)


@pytest.mark.parametrize("a", DTYPES)
def test_result_type_with_python_numbers_matches_torch(a):
    for shape, s in itertools.product(SHAPES, SCALARS):
        m, t = mg.Tensor._make(np.ones(shape, dtype=a)), torch.ones(shape, dtype=getattr(torch, a))
        assert str(mg.result_type(m, s)) == _name(torch.result_type(t, s)), (a, shape, s)
    assert str(mg.result_type(2, 2.5)) == "float32" and str(mg.result_type(True, 2)) == "int64"


@pytest.mark.parametrize("a,b", list(itertools.product(DTYPES, DTYPES)))
def test_promote_types_and_can_cast_match_torch(a, b):
    ta, tb = getattr(torch, a), getattr(torch, b)
    assert str(mg.promote_types(a, b)) == _name(torch.promote_types(ta, tb))
    assert mg.can_cast(a, b) == torch.can_cast(ta, tb), (a, b)


@pytest.mark.parametrize("op", ["add", "mul", "sub", "maximum", "minimum"])
def test_binary_ops_give_torch_result_dtypes(op):
    for a, b in itertools.product(DTYPES, DTYPES):
        if op == "sub" and "bool" in (a, b):
            continue
        for sa, sb in itertools.product(SHAPES, SHAPES):
            ma, mb, ta, tb = _pair(a, b, sa, sb)
            got = getattr(mg, op)(ma, mb)
            want = getattr(torch, op)(ta, tb)
            assert str(got.dtype) == _name(want.dtype), (op, a, b, sa, sb)
            assert got.shape == tuple(want.shape)


def test_the_issue_example_and_scalars_keep_float32():
    x = mg.ones(3)
    assert (x + mg.tensor(2.0, dtype=mg.float64)).dtype == mg.float32
    assert (x * mg.tensor(2, dtype=mg.int64)).dtype == mg.float32
    assert (x + 2.5).dtype == mg.float32 and (2.5 * x).dtype == mg.float32
    assert (mg.tensor([1, 2]) + mg.tensor(0.5, dtype=mg.float64)).dtype == mg.float64  # higher kind counts
    assert (mg.tensor([1, 2]) * 0.5).dtype == mg.float32
    assert (mg.tensor([1, 2], dtype=mg.int8) + 100).dtype == mg.int8
    assert (mg.tensor([True]) + True).dtype == mg.bool_
    assert (mg.tensor([True]) + 1).dtype == mg.int64


def test_gradients_keep_the_input_dtype_under_promotion():
    x = mg.ones(3, requires_grad=True)
    s = mg.tensor(2.0, dtype=mg.float64, requires_grad=True)
    (x * s).sum().backward()
    assert x.grad.dtype == mg.float32 and s.grad.dtype == mg.float64
    assert x.grad.tolist() == [2.0, 2.0, 2.0] and s.grad.item() == 3.0


def test_default_dtype_can_be_read_and_set():
    assert mg.get_default_dtype() == mg.float32
    mg.set_default_dtype(mg.float64)
    try:
        assert mg.get_default_dtype() == mg.float64
        assert str(mg.result_type(mg.tensor([1, 2]), 2.5)) == "float64"
    finally:
        mg.set_default_dtype(mg.float32)
    assert mg.get_default_dtype() == mg.float32
    with pytest.raises(TypeError):
        mg.set_default_dtype(mg.int64)
