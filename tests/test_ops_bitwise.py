"""Bitwise ops against PyTorch: and/or/xor/not/shifts on bool and integer tensors, the
operators & | ^ ~ << >> and their reflected and augmented forms, dtypes, broadcasting, and
floats (and bool shifts) refused with PyTorch's error type; logical ops and the is* tests."""

import numpy as np
import pytest

import minigrad as mg
from minigrad.errors import ShapeError, UnsupportedDType

torch = pytest.importorskip("torch")


def same(ours, theirs):
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", ""), (ours.dtype, theirs.dtype)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


A = np.array([[5, -3, 0, 12]])
B = np.array([[3], [6]])


@pytest.mark.parametrize("name", ["bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_left_shift",
                                  "bitwise_right_shift"])
@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8, np.int8])
def test_binary_ops_match_torch(name, dtype):
    a, b = A.astype(dtype) if dtype != np.uint8 else np.abs(A).astype(dtype), B.astype(dtype)
    same(getattr(mg, name)(mg.tensor(a), mg.tensor(b)), getattr(torch, name)(torch.tensor(a), torch.tensor(b)))
    same(getattr(mg, name)(mg.tensor(a), 1), getattr(torch, name)(torch.tensor(a), 1))
    same(getattr(mg.tensor(a), name)(mg.tensor(b)), getattr(torch.tensor(a), name)(torch.tensor(b)))


def test_bool_logic_and_not():
    a, b = np.array([True, True, False, False]), np.array([True, False, True, False])
    for name in ("bitwise_and", "bitwise_or", "bitwise_xor"):
        same(getattr(mg, name)(mg.tensor(a), mg.tensor(b)), getattr(torch, name)(torch.tensor(a), torch.tensor(b)))
    same(mg.bitwise_not(mg.tensor(a)), torch.bitwise_not(torch.tensor(a)))
    same(mg.bitwise_not(mg.tensor([0, 5, -1])), torch.bitwise_not(torch.tensor([0, 5, -1])))
    same(mg.tensor(a) & 1, torch.tensor(a) & 1)


def test_operators_reflected_and_augmented():
    x, tx = mg.tensor([5, 6, 7]), torch.tensor([5, 6, 7])
    for op in (lambda p, q: p & q, lambda p, q: p | q, lambda p, q: p ^ q, lambda p, q: p << q,
               lambda p, q: p >> q):
        same(op(x, 2), op(tx, 2))
        same(op(3, x), op(3, tx))
        same(op(x, x), op(tx, tx))
    same(~x, ~tx)
    y, ty = mg.tensor([5, 6, 7]), torch.tensor([5, 6, 7])
    y &= 6
    ty &= 6
    y <<= 1
    ty <<= 1
    y ^= 3
    ty ^= 3
    same(y, ty)
    y.bitwise_or_(8)
    ty.bitwise_or_(8)
    same(y, ty)


def test_right_shift_keeps_the_sign():
    same(mg.tensor([-8, -1, 7]) >> 1, torch.tensor([-8, -1, 7]) >> 1)


def test_floats_and_bool_shifts_are_refused_like_torch():
    f = mg.tensor([1.5])
    for fn in (mg.bitwise_and, mg.bitwise_or, mg.bitwise_xor, mg.bitwise_left_shift):
        with pytest.raises(NotImplementedError):
            getattr(torch, fn.__name__)(torch.tensor([1.5]), torch.tensor([1.5]))
        with pytest.raises(UnsupportedDType, match=fn.__name__):
            fn(f, f)
    with pytest.raises(RuntimeError, match="bitwise_not"):
        ~f
    with pytest.raises(TypeError, match="bitwise_not"):  # a DTypeError, so TypeError still catches it
        mg.bitwise_not(f)
    with pytest.raises(RuntimeError, match="bitwise_left_shift"):
        mg.tensor([True]) << mg.tensor([True])
    with pytest.raises(ShapeError, match="bitwise_and"):
        mg.tensor([1, 2]) & mg.tensor([1, 2, 3])


def test_logical_ops_and_is_tests_match_torch():
    x = np.array([1.5, 0.0, np.nan, np.inf, -np.inf, -0.0])
    i = np.array([1, 0, 2, 0, 3, 0])
    for name in ("logical_and", "logical_or", "logical_xor"):
        same(getattr(mg, name)(mg.tensor(x), mg.tensor(i)), getattr(torch, name)(torch.tensor(x), torch.tensor(i)))
    same(mg.logical_not(mg.tensor(x)), torch.logical_not(torch.tensor(x)))
    for name in ("isnan", "isinf", "isfinite", "isposinf", "isneginf", "isreal"):
        same(getattr(mg, name)(mg.tensor(x)), getattr(torch, name)(torch.tensor(x)))
        same(getattr(mg, name)(mg.tensor(i)), getattr(torch, name)(torch.tensor(i)))
        same(getattr(mg.tensor(x), name)(), getattr(torch.tensor(x), name)())
