"""The gradient checker, checked: it passes right gradients and fails wrong ones.

A checker that cannot fail is worthless, so most tests here feed it deliberately wrong
backward functions (a flipped sign, a factor off, a gradient of the wrong dtype, a missing
term, a second derivative that is lost) and expect ``GradcheckError``. The strategies that
keep sample inputs away from kinks are tested at the end.
"""

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings

import minigrad
from minigrad.autograd.function import Function
from minigrad.errors import DTypeError, MinigradError
from minigrad.ops.elementwise import constant
from minigrad.testing import GradcheckError, gradcheck, gradgradcheck
from minigrad.testing import strategies as S


def leaf(array, requires_grad=True):
    return minigrad.tensor(np.asarray(array, dtype=np.float64), requires_grad=requires_grad)


@pytest.fixture
def xy():
    rng = np.random.default_rng(0)
    return leaf(rng.standard_normal((2, 3))), leaf(rng.standard_normal((2, 3)))


# ---- deliberately wrong (and right) backward functions ---------------------------------------


class RightMul(Function):
    """z = x * y, dL/dx = g * y, dL/dy = g * x."""

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return x * y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        return g * y, g * x


class WrongSignMul(RightMul):
    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        return g * y, -(g * x)


class OffByFactorMul(RightMul):
    """The gradient for x is 1% too large: more than rtol=1e-3, so it must be caught."""

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        return g * y * 1.01, g * x


class SlightlyOffMul(RightMul):
    """1e-6 relative error: within rtol=1e-3, so it must pass (the tolerance means what it says)."""

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        return g * y * (1 + 1e-6), g * x


class Float32GradMul(RightMul):
    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        return (g * y).to(minigrad.float32), g * x


class WrongShapeGradSum(Function):
    """y = sum(x) along axis 0; its backward forgets to broadcast and transposes."""

    @staticmethod
    def forward(ctx, x):
        ctx.shape = x.shape
        return x.sum(axis=0)

    @staticmethod
    def backward(ctx, g):
        return g.reshape(-1, 1)  # shape (3, 1) for an input of shape (2, 3)


class MissingGradMul(RightMul):
    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        return g * y, None  # y is used, so its gradient is not zero


class OneEntryWrongMul(RightMul):
    """Only the gradient entry at [1, 2] is wrong: fast mode must still see it."""

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        bump = np.zeros(x.shape)
        bump[1, 2] = 0.5
        return g * y + constant(bump), g * x


class SplitWrongSecond(Function):
    """Two outputs (x * y, x + y); the gradient through the second forgets y's share."""

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return x * y, x + y

    @staticmethod
    def backward(ctx, g0, g1):
        x, y = ctx.saved_tensors
        return g0 * y + g1, g0 * x


class SquareConstBackward(Function):
    """y = x**2 with dL/dx = g * 2x right, but 2x taken as a constant: the second derivative is lost."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * constant(2.0 * x.array)


class SquareConstIncoming(SquareConstBackward):
    """y = x**2 with the incoming gradient g taken as a constant: d(dL/dx)/dg is lost."""

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return constant(g.array) * 2.0 * x


class SquareRight(SquareConstBackward):
    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * 2.0 * x


class WrongDoubleSquare(Function):
    """The gradient of the gradient of x**2 is 2, but this one's own backward says -2."""

    @staticmethod
    def forward(ctx, x, g):
        ctx.save_for_backward(x, g)
        return 2.0 * x * g

    @staticmethod
    def backward(ctx, gg):
        x, g = ctx.saved_tensors
        return -2.0 * g * gg, 2.0 * x * gg


class SquareWrongSecond(SquareConstBackward):
    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return WrongDoubleSquare.apply(x, g)


class SquareNoDouble(SquareConstBackward):
    supports_double_backward = False


def mul(a, b):
    return RightMul.apply(a, b)


# ---- right gradients pass ---------------------------------------------------------------------


def test_right_gradients_pass(xy):
    x, y = xy
    assert gradcheck(mul, (x, y)) is True
    assert gradcheck(mul, (x, y), fast_mode=True) is True
    assert gradcheck(SlightlyOffMul.apply, (x, y)) is True
    assert gradcheck(lambda a, b: minigrad.matmul(a, b.T).exp(), (x, y)) is True


def test_single_tensor_and_passthrough_args(xy):
    x, _ = xy
    assert gradcheck(lambda t: (t * t).sum(), x)
    # non-Tensor arguments and keyword-like extras pass through unchanged
    assert gradcheck(lambda t, power, dim: (t ** power).sum(dim=dim), (x, 3, 1))


def test_tuple_and_nested_outputs(xy):
    x, y = xy
    assert gradcheck(lambda a, b: (a * b, (a + b, a.exp())), (x, y))
    assert gradcheck(lambda a, b: (a * b, "label", None), (x, y))  # non-tensor outputs are skipped


def test_unused_input_and_constant_output(xy):
    x, y = xy
    assert gradcheck(lambda a, b: a * 2.0, (x, y))  # d/db = 0 both ways
    assert gradcheck(lambda a, b: (a * b, leaf(np.ones(3), False)), (x, y))


def test_only_inputs_requiring_grad_are_checked(xy):
    x, y = xy
    y_const = leaf(y.array, requires_grad=False)
    assert gradcheck(WrongSignMul.apply, (x, y_const))  # the wrong gradient is y's, not checked


def test_broadcast_input_gradient_is_summed(xy):
    x, _ = xy
    b = leaf(np.array([0.5, -1.0, 2.0]))
    assert gradcheck(mul, (x, b))
    assert gradcheck(mul, (x, b), fast_mode=True)


def test_non_leaf_input(xy):
    x, y = xy
    z = x * 3.0  # an intermediate: the check differentiates with respect to it
    assert gradcheck(mul, (z, y))


# ---- wrong gradients fail ---------------------------------------------------------------------


@pytest.mark.parametrize("fast_mode", [False, True])
@pytest.mark.parametrize("wrong", [WrongSignMul, OffByFactorMul, MissingGradMul, OneEntryWrongMul])
def test_wrong_gradients_fail(xy, wrong, fast_mode):
    with pytest.raises(GradcheckError):
        gradcheck(wrong.apply, xy, fast_mode=fast_mode)


@pytest.mark.parametrize("seed", range(5))
def test_fast_mode_catches_a_single_wrong_entry_for_any_seed(xy, seed):
    assert gradcheck(OneEntryWrongMul.apply, xy, fast_mode=True, seed=seed, raise_exception=False) is False


def test_wrong_output_of_several_is_named(xy):
    with pytest.raises(GradcheckError, match=r"SplitWrongSecond: d\(output 1\)/d\(input 1\)"):
        gradcheck(SplitWrongSecond.apply, xy)


def test_failure_message_names_op_index_shapes_and_worst_entries(xy):
    x, y = xy

    def my_mul(a, b):
        return WrongSignMul.apply(a, b)

    with pytest.raises(GradcheckError) as info:
        gradcheck(my_mul, (x, y))
    msg = str(info.value)
    assert "my_mul" in msg
    assert "input 1" in msg and "input 0" not in msg  # x's gradient is right
    assert "shape (2, 3)" in msg
    for column in ("analytical", "numerical", "abs err", "rel err"):
        assert column in msg
    # the worst entry: analytical is minus the numerical x[i, j], so their difference is 2|x|
    worst = np.unravel_index(np.argmax(np.abs(x.array)), x.shape)
    assert str(tuple(int(i) for i in worst)) in msg
    assert f"{-x.array[worst]:.6e}" in msg and f"{x.array[worst]:.6e}" in msg


def test_fast_mode_message_shows_projection_and_entries(xy):
    with pytest.raises(GradcheckError) as info:
        gradcheck(OneEntryWrongMul.apply, xy, fast_mode=True)
    msg = str(info.value)
    assert "fast mode" in msg and "u^T J v" in msg and "input 0" in msg
    assert "(1, 2)" in msg  # the full Jacobian pinpoints the wrong entry


def test_wrong_dtype_gradient_fails(xy):
    with pytest.raises(GradcheckError, match="dtype float32 but the input has dtype float64"):
        gradcheck(Float32GradMul.apply, xy)


def test_wrong_shape_gradient_fails(xy):
    x, _ = xy
    with pytest.raises(GradcheckError, match=r"shape") as info:
        gradcheck(WrongShapeGradSum.apply, (x,))
    assert "WrongShapeGradSum" in str(info.value)


def test_raise_exception_false_returns_false(xy):
    assert gradcheck(WrongSignMul.apply, xy, raise_exception=False) is False
    assert gradcheck(mul, xy, raise_exception=False) is True
    assert gradgradcheck(SquareConstBackward.apply, xy[:1], raise_exception=False) is False


def test_gradcheck_error_is_an_assertion_and_a_minigrad_error():
    assert issubclass(GradcheckError, AssertionError)
    assert issubclass(GradcheckError, MinigradError)


# ---- misuse is refused clearly -----------------------------------------------------------------


def test_float32_inputs_are_refused():
    x = minigrad.randn(2, 3, requires_grad=True)  # float32
    with pytest.raises(DTypeError, match="float64"):
        gradcheck(lambda t: t * 2.0, (x,))


def test_nothing_requiring_grad_is_refused():
    with pytest.raises(ValueError, match="no input requires grad"):
        gradcheck(lambda t: t * 2.0, (leaf(np.ones(3), False),))


# ---- inputs are left alone ----------------------------------------------------------------------


@pytest.mark.parametrize("fast_mode", [False, True])
def test_inputs_are_not_modified(fast_mode):
    rng = np.random.default_rng(1)
    base = S.noncontiguous(rng.standard_normal((3, 4)))  # a strided view, checked as is
    x = minigrad.tensor(base, dtype=minigrad.float64, requires_grad=True)
    y = leaf(rng.standard_normal((3, 4)))
    before = (x.array.copy(), y.array.copy())
    strides = x.array.strides
    gradcheck(mul, (x, y), fast_mode=fast_mode)
    assert gradcheck(WrongSignMul.apply, (x, y), fast_mode=fast_mode, raise_exception=False) is False
    gradgradcheck(mul, (x, y), fast_mode=fast_mode)
    np.testing.assert_array_equal(x.array, before[0])
    np.testing.assert_array_equal(y.array, before[1])
    assert x.array.strides == strides
    assert x.grad is None and y.grad is None  # the check accumulates nothing into .grad


# ---- second derivatives -------------------------------------------------------------------------


def test_gradgradcheck_passes_right_second_derivatives(xy):
    x, y = xy
    assert gradgradcheck(SquareRight.apply, (x,))
    assert gradgradcheck(mul, (x, y))
    assert gradgradcheck(lambda a: (a * a * a).sum(), (x,))
    assert gradgradcheck(lambda a, b: (a * b).exp(), (x, y), fast_mode=True)


@pytest.mark.parametrize("fast_mode", [False, True])
@pytest.mark.parametrize("square", [SquareConstBackward, SquareWrongSecond])
def test_gradgradcheck_fails_wrong_second_derivatives(xy, square, fast_mode):
    x, _ = xy
    assert gradcheck(square.apply, (x,))  # the first derivative is right
    with pytest.raises(GradcheckError, match=r"double backward"):
        gradgradcheck(square.apply, (x,), fast_mode=fast_mode)


def test_gradgradcheck_reports_ops_without_double_backward(xy):
    x, _ = xy
    assert gradcheck(SquareNoDouble.apply, (x,))
    with pytest.raises(GradcheckError, match="does not support double backward"):
        gradgradcheck(SquareNoDouble.apply, (x,))


def test_gradgradcheck_with_given_grad_outputs(xy):
    x, y = xy
    u = leaf(np.full((2, 3), 0.5))
    assert gradgradcheck(mul, (x, y), grad_outputs=(u,))
    assert gradgradcheck(mul, (x, y), grad_outputs=(leaf(u.array, requires_grad=False),))
    with pytest.raises(GradcheckError, match=r"d\(output 0\)/d\(input 0\)"):
        gradgradcheck(SquareConstBackward.apply, (x,), grad_outputs=(u,))
    with pytest.raises(GradcheckError, match=r"d\(output 0\)/d\(grad_output 0\)") as info:
        gradgradcheck(SquareConstIncoming.apply, (x,), grad_outputs=(u,))
    assert "d(output 0)/d(input 0)" not in str(info.value)  # the x part is right
    with pytest.raises(ValueError, match="grad_outputs"):
        gradgradcheck(mul, (x, y), grad_outputs=(u, u))


# ---- property: the checker agrees with hand-written gradients on random shapes -------------------


@settings(max_examples=15)
@given(shapes=S.broadcastable_pair(max_dims=3, max_side=3), seed=S.seeds())
def test_mul_passes_on_broadcast_shapes(shapes, seed):
    rng = np.random.default_rng(seed)
    x, y = (leaf(S.smooth_normal(rng, s)) for s in shapes)
    assert gradcheck(mul, (x, y))
    # y's gradient is -g*x there: every Jacobian entry of y is -x_j instead of x_j
    assert gradcheck(WrongSignMul.apply, (x, y), raise_exception=False) is False


@settings(max_examples=15)
@given(x=S.tensors(shape=S.shapes(min_dims=1, max_dims=3, max_side=3), low=-2, high=2))
def test_wrong_sign_fails_on_random_tensors(x):
    y = leaf(np.full(x.shape, 1.5))
    assert gradcheck(mul, (x, y))
    # the wrong gradient is -g*x: off by 2|x|, which fails where 2|x| > atol + rtol |x| (defaults 1e-5, 1e-3)
    failed = not gradcheck(WrongSignMul.apply, (x, y), raise_exception=False)
    a = np.abs(x.array)
    assert failed == bool(np.any(2 * a > 1e-5 + 1e-3 * a))


# ---- GPU ----------------------------------------------------------------------------------------


@pytest.mark.gpu
@pytest.mark.parametrize("fast_mode", [False, True])
def test_gradcheck_on_cuda(fast_mode):
    rng = np.random.default_rng(2)
    x = minigrad.tensor(rng.standard_normal((2, 3)), dtype=minigrad.float64, device="cuda", requires_grad=True)
    y = minigrad.tensor(rng.standard_normal((2, 3)), dtype=minigrad.float64, device="cuda", requires_grad=True)
    before = x.array.copy()
    assert gradcheck(mul, (x, y), fast_mode=fast_mode)
    assert gradgradcheck(mul, (x, y), fast_mode=fast_mode)
    with pytest.raises(GradcheckError, match="cuda"):
        gradcheck(WrongSignMul.apply, (x, y), fast_mode=fast_mode)
    assert bool((x.array == before).all())


# ---- strategies: kinks kept away by construction -------------------------------------------------


def test_away_from_keeps_margin_and_sign():
    values = np.array([-0.05, 0.0, 0.04, 0.5, 0.97, 1.02, -2.0])
    out = S.away_from(values, (0.0, 1.0), margin=0.1)
    assert np.all(np.abs(out) >= 0.1 - 1e-15) and np.all(np.abs(out - 1.0) >= 0.1 - 1e-15)
    np.testing.assert_array_equal(out, [-0.1, 0.1, 0.1, 0.5, 0.9, 1.1, -2.0])
    assert values[0] == -0.05  # a new array; the input is untouched


@settings(max_examples=30)
@given(seed=S.seeds(), shape=S.shapes(min_dims=1, max_dims=3))
def test_numpy_helpers(seed, shape):
    rng = np.random.default_rng(seed)
    p = S.positive(rng, shape, low=0.5, high=2.0)
    assert p.shape == shape and p.dtype == np.float64 and np.all((p >= 0.5) & (p < 2.0))
    t = S.no_ties(rng, shape, gap=0.1)
    assert t.shape == shape and np.all(np.diff(np.sort(t, axis=None)) > 0.05)
    d = S.distinct(np.round(S.smooth_normal(rng, shape), 1), margin=0.01)
    assert np.all(np.diff(np.sort(d, axis=None)) >= 0.01 - 1e-12)
    u = S.unit_interval(rng, shape)
    assert np.all((u >= 0.1) & (u <= 0.9))
    n = S.noncontiguous(S.smooth_normal(rng, shape))
    assert n.shape == shape and (n.size <= 1 or not n.flags.c_contiguous)


def test_distinct_keeps_order_and_moves_little():
    values = np.array([[1.0, 1.0, 1.0], [0.5, 1.001, 2.0]])
    out = S.distinct(values, margin=0.01)
    np.testing.assert_allclose(out, [[1.0, 1.01, 1.02], [0.5, 1.03, 2.0]])


def test_positive_refuses_non_positive_low():
    with pytest.raises(ValueError):
        S.positive(np.random.default_rng(0), (2,), low=0.0)


@settings(max_examples=20)
@given(x=S.tensors(kinks=(0.0,), margin=0.2), pair=S.broadcastable_pair(),
       a=S.arrays((4,), distinct_margin=0.1), p=S.positive_arrays((3,)))
def test_hypothesis_strategies(x, pair, a, p):
    assert x.dtype == np.float64 and x.requires_grad
    assert np.all(np.abs(x.array) >= 0.2)
    np.broadcast_shapes(*pair)
    assert np.all(np.diff(np.sort(a)) >= 0.1 - 1e-12)
    assert np.all(p >= 0.5)


def test_import_and_numpy_helpers_work_without_hypothesis():
    code = ("import sys; sys.modules['hypothesis'] = None\n"
            "import numpy as np, minigrad\n"
            "from minigrad.testing import gradcheck, strategies as S\n"
            "x = minigrad.tensor(S.positive(np.random.default_rng(0), (3,)), dtype=minigrad.float64, "
            "requires_grad=True)\n"
            "assert gradcheck(lambda t: t.log(), (x,))\n"
            "assert 'torch' not in sys.modules\n"
            "try:\n    S.shapes()\nexcept ImportError as e:\n    print('needs hypothesis:', e)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "pip install 'minigrad[test]'" in proc.stdout


@pytest.mark.parametrize("fast_mode", [False, True])
def test_nan_on_both_sides_is_a_failure_not_a_pass(fast_mode):
    """sqrt at -1: the analytical and the numerical gradient are both NaN; a NaN never matches."""
    x = minigrad.tensor([-1.0, 4.0], dtype=minigrad.float64, requires_grad=True)
    with np.errstate(invalid="ignore"), pytest.raises(GradcheckError):
        gradcheck(lambda t: t ** 0.5, (x,), fast_mode=fast_mode)
