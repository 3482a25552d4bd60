"""Arithmetic against PyTorch: pow at a zero base, clamp/clip with tensor bounds and crossed
bounds, where's number and one-argument forms, div's rounding modes and the % and //
operators, square/reciprocal/float_power/lerp/positive, aliases, dtypes and bad input."""

import numpy as np
import pytest

import minigrad as mg
from minigrad.errors import ArgumentError, DTypeError, IntegerDivisionByZero, ShapeError
from minigrad.testing import gradcheck, gradgradcheck

torch = pytest.importorskip("torch")


def both(values, dtype=np.float64, requires_grad=False):
    """The same values as a minigrad tensor and a torch tensor."""
    a = np.asarray(values, dtype=dtype)
    return mg.tensor(a, requires_grad=requires_grad), torch.tensor(a, requires_grad=requires_grad)


def same(ours, theirs):
    """Equal values (NaN == NaN) and the same dtype."""
    theirs = theirs.detach()
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", ""), (ours.dtype, theirs.dtype)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12, atol=0, equal_nan=True)


def grads_match(ours, theirs):
    assert ours is not None and theirs is not None
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12, atol=0, equal_nan=True)


# ---- pow at a zero base (was NaN or -inf) -------------------------------------------------------------
def test_pow_zero_exponent_has_zero_gradient_at_zero():
    (x, tx) = both([0.0, 1.0, 2.0], requires_grad=True)
    (x ** 0.0).sum().backward()
    (tx ** 0.0).sum().backward()
    grads_match(x.grad, tx.grad)
    assert np.all(x.grad.numpy() == 0)


@pytest.mark.parametrize("base, exponent", [
    ([0.0, 0.0, 0.0, 2.0, 0.0], [0.0, 2.0, 0.5, 0.0, -1.0]),
    ([0.0, 1.0, 3.0], [0.0, 0.0, 1.5]),
])
def test_pow_tensor_tensor_at_zero_base_matches_torch(base, exponent):
    x, tx = both(base, requires_grad=True)
    y, ty = both(exponent, requires_grad=True)
    same(x ** y, tx ** ty)
    (x ** y).sum().backward()
    (tx ** ty).sum().backward()
    grads_match(x.grad, tx.grad)
    grads_match(y.grad, ty.grad)


def test_scalar_zero_base_to_a_tensor_power_matches_torch():
    y, ty = both([0.0, 2.0, 0.5, 3.0], requires_grad=True)
    (0.0 ** y).sum().backward()
    (0.0 ** ty).sum().backward()
    grads_match(y.grad, ty.grad)
    assert not np.isnan(y.grad.numpy()).any()


def test_pow_double_backward_at_zero_base_is_finite():
    """d2/dx2 of x**0 is 0 and of x**2 is 2: exact, also at x = 0 (PyTorch gives NaN there)."""
    x = mg.tensor([0.0, 1.5, 0.0], dtype=mg.float64, requires_grad=True)
    y = mg.tensor([0.0, 2.0, 2.0], dtype=mg.float64, requires_grad=True)
    (gx,) = mg.grad((x ** y).sum(), [x], create_graph=True)
    (ggx,) = mg.grad(gx.sum(), [x])
    np.testing.assert_array_equal(ggx.numpy(), [0.0, 2.0, 2.0])


def test_pow_integer_tensors_follow_torch():
    b, tb = both([-3, -1, 0, 1, 2, 5], dtype=np.int64)
    e, te = both([-1, -1, -1, -2, 3, 2], dtype=np.int64)
    same(b ** e, tb ** te)
    same(mg.tensor([True, False]) ** 2, torch.tensor([True, False]) ** 2)
    with pytest.raises(RuntimeError, match="negative integer powers"):
        mg.tensor([2, 3]) ** -1
    with pytest.raises(RuntimeError):
        mg.tensor([True]) ** mg.tensor([True])


# ---- clamp and clip ------------------------------------------------------------------------------
def test_clamp_with_tensor_bounds_backward_matches_torch():
    x, tx = both([-2.0, -0.5, 0.3, 0.9, 2.0], requires_grad=True)
    lo, tlo = both([-1.0, -1.0, 0.5, -1.0, -1.0], requires_grad=True)
    hi, thi = both(1.0, requires_grad=True)
    same(mg.clamp(x, lo, hi), torch.clamp(tx, tlo, thi))
    mg.clamp(x, lo, hi).sum().backward()
    torch.clamp(tx, tlo, thi).sum().backward()
    grads_match(x.grad, tx.grad)
    grads_match(lo.grad, tlo.grad)
    grads_match(hi.grad, thi.grad)


def test_clamp_tensor_bounds_broadcast_and_promote():
    x, tx = both([[1, 5], [-3, 2]], dtype=np.int64)
    hi, thi = both([0.5, 4.0], dtype=np.float32)
    same(mg.clamp(x, max=hi), torch.clamp(tx, max=thi))
    same(x.clamp_max(hi), tx.clamp_max(thi))
    same(x.clamp_min(1), tx.clamp_min(1))
    with pytest.raises(ShapeError, match="clamp"):
        mg.clamp(mg.ones(3), mg.zeros(2))


@pytest.mark.parametrize("fn", ["clamp", "clip"])
def test_min_above_max_gives_max_everywhere(fn):
    x, tx = both([-2.0, 0.5, 1.5, 3.0], requires_grad=True)
    same(getattr(mg, fn)(x, 2.0, 1.0), getattr(torch, fn)(tx, 2.0, 1.0))
    getattr(mg, fn)(x, 2.0, 1.0).sum().backward()
    getattr(torch, fn)(tx, 2.0, 1.0).sum().backward()
    grads_match(x.grad, tx.grad)  # all zero: the result does not depend on x


def test_crossed_tensor_bounds_give_the_true_derivative():
    """lo > hi: z = hi, so only hi gets a gradient (PyTorch gives lo one where x < lo; see Clamp)."""
    x = mg.tensor([-2.0, 0.0, 3.0], dtype=mg.float64, requires_grad=True)
    lo = mg.tensor([1.0, 1.0, 1.0], dtype=mg.float64, requires_grad=True)
    hi = mg.tensor([-1.0, -1.0, -1.0], dtype=mg.float64, requires_grad=True)
    np.testing.assert_array_equal(mg.clamp(x, lo, hi).numpy(), [-1.0, -1.0, -1.0])
    assert gradcheck(lambda a, b, c: mg.clamp(a, b, c), (x, lo, hi))
    mg.clamp(x, lo, hi).sum().backward()
    np.testing.assert_array_equal(hi.grad.numpy(), [1.0, 1.0, 1.0])
    np.testing.assert_array_equal(lo.grad.numpy(), [0.0, 0.0, 0.0])


def test_clamp_needs_a_bound():
    with pytest.raises(ArgumentError, match="clamp"):
        mg.clamp(mg.ones(2))


def test_inplace_clamp_forms():
    x, tx = both([-2.0, 0.5, 3.0])
    x.clamp_min_(0.0).clamp_max_(1.0)
    tx.clamp_min_(0.0).clamp_max_(1.0)
    same(x, tx)


# ---- linspace's dtype ------------------------------------------------------------------------------
def test_linspace_refuses_bool_like_torch():
    with pytest.raises(RuntimeError, match="linspace"):
        torch.linspace(0, 1, 3, dtype=torch.bool)
    with pytest.raises(RuntimeError, match="linspace"):
        mg.linspace(0, 1, 3, dtype=mg.bool)
    np.testing.assert_array_equal(mg.linspace(0, 5, 4, dtype=mg.int64).numpy(),
                                  torch.linspace(0, 5, 4, dtype=torch.int64).numpy())


# ---- where -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("a, b", [(1, 0), (1.0, 0.0), (1, 0.5), (True, False)])
def test_where_with_two_numbers(a, b):
    c, tc = both([True, False, True], dtype=bool)
    same(mg.where(c, a, b), torch.where(tc, a, b))


def test_where_with_condition_only_is_nonzero_as_tuple():
    c, tc = both([[0, 3, 0], [1, 0, 2]], dtype=np.int64)
    ours, theirs = mg.where(c), torch.where(tc)
    assert len(ours) == len(theirs) == 2
    for o, t in zip(ours, theirs):
        same(o, t)
    (z,) = mg.where(mg.tensor(5))
    assert z.shape == torch.where(torch.tensor(5))[0].shape


def test_where_method_and_bad_calls():
    x, tx = both([1.0, -2.0, 3.0])
    same(x.where(x > 0, 0.0), tx.where(tx > 0, 0.0))
    with pytest.raises(ArgumentError, match="where"):
        mg.where(x > 0, x)


# ---- division ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("mode", [None, "trunc", "floor"])
@pytest.mark.parametrize("dtypes", [(np.int64, np.int64), (np.float32, np.float32), (np.int64, np.float64),
                                    (np.int32, np.int64)])
def test_div_rounding_modes_match_torch(mode, dtypes):
    a, ta = both([-7, 7, -6, 5, 0, 9], dtype=dtypes[0])
    b, tb = both([2, -2, 3, 3, 4, -4], dtype=dtypes[1])
    same(mg.div(a, b, rounding_mode=mode), torch.div(ta, tb, rounding_mode=mode))
    same(a.div(b, rounding_mode=mode), ta.div(tb, rounding_mode=mode))
    same(mg.divide(a, 3, rounding_mode=mode), torch.divide(ta, 3, rounding_mode=mode))


def test_true_divide_and_rounded_division_gradients():
    a, ta = both([-7.5, 7.2, 1.1], requires_grad=True)
    b, tb = both([2.0, -2.0, 0.5], requires_grad=True)
    for mode in ("trunc", "floor"):
        a.grad = b.grad = ta.grad = tb.grad = None
        mg.div(a, b, rounding_mode=mode).sum().backward()
        torch.div(ta, tb, rounding_mode=mode).sum().backward()
        grads_match(a.grad, ta.grad)
        grads_match(b.grad, tb.grad)
    same(mg.true_divide(a, b), torch.true_divide(ta, tb))


def test_div_bad_mode_and_integer_division_by_zero():
    with pytest.raises(ArgumentError, match="rounding_mode"):
        mg.div(mg.ones(2), 2, rounding_mode="round")
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        torch.tensor([1]) // torch.tensor([0])
    for op in (lambda a, b: a // b, lambda a, b: a % b, lambda a, b: mg.div(a, b, rounding_mode="trunc"),
               mg.fmod):
        with pytest.raises(IntegerDivisionByZero, match="division by zero"):
            op(mg.tensor([1, 2]), mg.tensor([1, 0]))
        with pytest.raises(RuntimeError):
            op(mg.tensor([1, 2]), mg.tensor([1, 0]))
    same(mg.tensor([1.0, -1.0]) // 0.0, torch.tensor([1.0, -1.0]) // 0.0)  # floats: inf, as torch


@pytest.mark.parametrize("left, right", [(7, [3, -3, 2]), ([7, -7, 5], 3), ([7.5, -7.5, 5.0], [2.0, 2.0, -3.0]),
                                         (7.5, [2.0, -2.0, 3.0])])
def test_mod_and_floordiv_operators_and_reflections(left, right):
    def make(v, lib):
        if isinstance(v, list):
            return (mg.tensor if lib == "mg" else torch.tensor)(v)
        return v

    ours_l, ours_r = make(left, "mg"), make(right, "mg")
    th_l, th_r = make(left, "torch"), make(right, "torch")
    same(ours_l % ours_r, th_l % th_r)
    same(ours_l // ours_r, th_l // th_r)


def test_augmented_mod_and_floordiv():
    x, tx = both([7, -7, 5], dtype=np.int64)
    x %= 3
    tx %= 3
    same(x, tx)
    x //= 2
    tx //= 2
    same(x, tx)


# ---- square, reciprocal, float_power, lerp, positive, aliases ------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float32, np.int64, np.int32, bool])
def test_square_and_reciprocal_dtypes(dtype):
    x, tx = both([1, 0, 2, 3], dtype=dtype)
    same(mg.square(x), torch.square(tx))
    same(mg.reciprocal(x), torch.reciprocal(tx))


def test_float_power_is_float64():
    x, tx = both([1.5, 2.0], dtype=np.float32, requires_grad=True)
    same(mg.float_power(x, 2), torch.float_power(tx, 2))
    same(mg.float_power(mg.tensor([2, 3]), mg.tensor([0.5, 2.0], dtype=mg.float32)),
         torch.float_power(torch.tensor([2, 3]), torch.tensor([0.5, 2.0])))
    mg.float_power(x, 3).sum().backward()
    torch.float_power(tx, 3).sum().backward()
    assert x.grad.dtype == mg.float32
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-6)


def test_lerp_with_number_and_tensor_weights():
    a, ta = both([1.0, 2.0, -1.0], requires_grad=True)
    b, tb = both([3.0, 0.0, 1.0], requires_grad=True)
    w, tw = both([0.2, 0.7, 1.0], requires_grad=True)
    same(mg.lerp(a, b, 0.3), torch.lerp(ta, tb, 0.3))
    mg.lerp(a, b, w).sum().backward()
    torch.lerp(ta, tb, tw).sum().backward()
    for o, t in ((a, ta), (b, tb), (w, tw)):
        np.testing.assert_allclose(o.grad.numpy(), t.grad.numpy(), rtol=1e-12)
    with pytest.raises(RuntimeError, match="lerp"):
        mg.lerp(mg.tensor([1, 2]), mg.tensor([3, 4]), 0.5)
    assert gradgradcheck(lambda p, q, r: mg.lerp(p, q, r), (a, b, w))


def test_lerp_weight_dtype_takes_part_in_the_promotion():
    start = mg.tensor([0.0, 1.0], dtype=mg.float16)
    end = mg.tensor([2.0, 3.0], dtype=mg.float16)
    y = mg.lerp(start, end, mg.tensor([0.25, 0.5]))  # a float32 weight: a float32 result, not float16
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.numpy(), [0.5, 2.0])
    assert mg.lerp(mg.tensor([0.0]), mg.tensor([2.0]), mg.tensor([0.5], dtype=mg.float16)).dtype == np.float32
    assert mg.lerp(start, end, mg.tensor(0.25)).dtype == np.float16  # a 0-d weight does not widen (result_type)


def test_positive_and_aliases():
    x, tx = both([1.5, -2.0])
    same(+x, +tx)
    same(mg.positive(x), torch.positive(tx))
    with pytest.raises(RuntimeError):
        mg.positive(mg.tensor([True]))
    same(mg.multiply(x, 2), torch.multiply(tx, 2))
    same(mg.subtract(x, 1), torch.subtract(tx, 1))
    same(mg.negative(x), torch.negative(tx))
    same(mg.absolute(x), torch.absolute(tx))
    same(x.multiply(3), tx.multiply(3))


def test_pow_errors_are_dtype_errors_too():
    with pytest.raises(DTypeError):
        mg.tensor([2]) ** -2


def test_add_and_sub_scale_by_alpha_in_the_result_dtype_as_torch():
    h, b, i = np.ones(3, dtype=np.float16), np.array([True, False, True]), np.array([1, 2, 3])
    for op, x, y, alpha in [("add", h, b, -2.0), ("add", b, b, 2), ("add", i, b, 2), ("add", i, 2.5, 2), ("sub", h, i, 0.5)]:
        wrap = lambda v, lib: v if isinstance(v, float) else (mg.tensor(v) if lib is mg else torch.from_numpy(v))
        mine = getattr(mg, op)(wrap(x, mg), wrap(y, mg), alpha=alpha)
        theirs = getattr(torch, op)(wrap(x, torch), wrap(y, torch), alpha=alpha)
        assert str(mine.dtype) == str(theirs.dtype).replace("torch.", ""), (op, x.dtype, alpha)
        np.testing.assert_allclose(mine.numpy().astype(float), theirs.numpy().astype(float))
    for op, x, y, alpha in [("add", i, i, 2.5), ("add", i, b, True), ("sub", h, b, 1)]:
        with pytest.raises(RuntimeError):
            getattr(torch, op)(torch.from_numpy(x), torch.from_numpy(y), alpha=alpha)
        with pytest.raises(DTypeError, match=op) as info:
            getattr(mg, op)(mg.tensor(x), mg.tensor(y), alpha=alpha)
        assert isinstance(info.value, RuntimeError)
