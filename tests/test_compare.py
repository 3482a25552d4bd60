"""Comparisons and logic ops: bool results matching NumPy, scalars on either side,
broadcasting, no gradient, Tensor still hashable, and bad input."""

import operator

import numpy as np
import pytest

import minigrad as mg
from minigrad.errors import ShapeError

RNG = np.random.default_rng(4)
A = RNG.integers(-2, 3, size=(3, 4)).astype(np.float64)
B = RNG.integers(-2, 3, size=(3, 4)).astype(np.float64)

OPS = [
    ("eq", operator.eq, np.equal), ("ne", operator.ne, np.not_equal), ("lt", operator.lt, np.less),
    ("le", operator.le, np.less_equal), ("gt", operator.gt, np.greater), ("ge", operator.ge, np.greater_equal),
]


@pytest.mark.parametrize("name, py_op, np_op", OPS, ids=[o[0] for o in OPS])
def test_operators_functions_and_methods_agree_with_numpy(name, py_op, np_op):
    a, b = mg.tensor(A), mg.tensor(B)
    want = np_op(A, B)
    for got in (py_op(a, b), getattr(mg, name)(a, b), getattr(a, name)(b)):
        assert got.dtype == np.bool_
        np.testing.assert_array_equal(got.numpy(), want)


@pytest.mark.parametrize("name, py_op, np_op", OPS, ids=[o[0] for o in OPS])
def test_scalars_on_either_side_and_broadcasting(name, py_op, np_op):
    a = mg.tensor(A)
    np.testing.assert_array_equal(py_op(a, 1.0).numpy(), np_op(A, 1.0))
    np.testing.assert_array_equal(py_op(1, a).numpy(), np_op(1, A))  # reflected: 1 < a is a > 1
    np.testing.assert_array_equal(py_op(a, mg.tensor(B[0])).numpy(), np_op(A, B[0]))
    np.testing.assert_array_equal(py_op(a, mg.tensor(B[:, :1])).numpy(), np_op(A, B[:, :1]))


def test_float32_compared_with_a_python_float_in_its_own_precision():
    x = mg.tensor([0.1, 0.2])  # float32
    assert (x == 0.1).tolist() == [True, False]


def test_results_are_not_part_of_the_graph():
    x = mg.tensor(A, requires_grad=True)
    y = x > 0
    assert not y.requires_grad and y.grad_fn is None


def test_tensors_stay_hashable_and_none_compares_false():
    x, y = mg.tensor([1.0]), mg.tensor([1.0])
    assert len({x, y}) == 2 and {x: 1}[x] == 1
    assert (x == None) is False  # noqa: E711
    assert (x != None) is True  # noqa: E711
    assert x in [x]


def test_logical_ops():
    p, q = mg.tensor([True, True, False, False]), mg.tensor([True, False, True, False])
    assert mg.logical_and(p, q).tolist() == [True, False, False, False]
    assert mg.logical_or(p, q).tolist() == [True, True, True, False]
    assert mg.logical_xor(p, q).tolist() == [False, True, True, False]
    assert mg.logical_not(p).tolist() == [False, False, True, True]
    assert (p & q).tolist() == [True, False, False, False]
    assert (p | q).tolist() == [True, True, True, False]
    assert (p ^ q).tolist() == [False, True, True, False]
    assert (~p).tolist() == [False, False, True, True]
    assert (mg.tensor(A) > 0).logical_and(mg.tensor(B) > 0).tolist() == ((A > 0) & (B > 0)).tolist()


def test_nan_inf_checks_and_closeness():
    x = mg.tensor([1.0, np.nan, np.inf, -np.inf])
    assert mg.isnan(x).tolist() == [False, True, False, False]
    assert mg.isinf(x).tolist() == [False, False, True, True]
    assert x.isfinite().tolist() == [True, False, False, False]
    a, b = mg.tensor([1.0, 2.0], dtype=mg.float64), mg.tensor([1.0 + 1e-9, 2.1], dtype=mg.float64)
    assert mg.isclose(a, b).tolist() == [True, False]
    assert not mg.allclose(a, b) and mg.allclose(a, b, atol=0.2)
    assert mg.equal(a, a) and not mg.equal(a, b) and not mg.equal(a, mg.tensor([1.0]))


def test_shapes_that_do_not_broadcast_name_the_op():
    a, b = mg.zeros(3, 4), mg.zeros(2, 4)
    for name, py_op, _ in OPS:
        with pytest.raises(ShapeError, match=fr"{name}: shapes \(3, 4\) and \(2, 4\)"):
            py_op(a, b)
    with pytest.raises(ShapeError, match="logical_and"):
        mg.logical_and(a > 0, b > 0)


def test_bitwise_not_of_a_float_is_refused():
    with pytest.raises(TypeError, match="bitwise_not"):
        ~mg.tensor([1.0])
