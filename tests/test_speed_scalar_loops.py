"""ops/scalar_loops.py: max/min against a scalar and g * mask, laid out for NumPy's vector
loops, give the plain expressions' numbers bit for bit, and ReLU and clamp use them."""

import numpy as np
import pytest

import minigrad as mg
from minigrad.ops import scalar_loops as S

def _special(dtype):
    """NaN of both signs, signed zeros and infinities, the smallest and largest numbers."""
    info = np.finfo(dtype)
    return np.array([np.nan, -np.nan, 0.0, -0.0, np.inf, -np.inf, 1.0, -1.0, info.smallest_subnormal,
                     -info.smallest_subnormal, info.max, -info.max], dtype=dtype)


def _cases(dtype):
    rng = np.random.default_rng(0)
    special = _special(dtype)
    # sizes below a row, a whole number of rows, and rows plus a tail; a shape with short axes
    for shape in ((7,), (S.ROW,), (3 * S.ROW + 5,), (2, 3, 28, 28)):
        flat = rng.standard_normal(shape).astype(dtype).reshape(-1)
        k = min(len(special), flat.size)
        flat[:k] = special[:k]  # in the first row
        flat[-k:] = special[-k:]  # and in the tail
        yield flat.reshape(shape)


def _bits(a):
    return a.view(np.uint8)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("fn, value", [(np.maximum, 0), (np.maximum, -0.5), (np.minimum, 6.0), (np.minimum, 0)])
def test_bound_equals_the_scalar_ufunc_bit_for_bit(dtype, fn, value):
    for x in _cases(dtype):
        with np.errstate(invalid="ignore"):
            want = fn(x, value)
            got = S.bound(fn, x, value)
        assert got.dtype == want.dtype == x.dtype and got.shape == x.shape
        np.testing.assert_array_equal(_bits(got), _bits(want))


def test_bound_on_strided_and_integer_arrays_takes_the_plain_path():
    x = np.arange(-20, 20, dtype=np.float32).reshape(4, 10)[:, ::2]
    np.testing.assert_array_equal(S.bound(np.maximum, x, 0), np.maximum(x, 0))
    i = np.arange(-3000, 3000, dtype=np.int64)
    got = S.bound(np.maximum, i, 0)
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, np.maximum(i, 0))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_masked_equals_g_times_mask_bit_for_bit(dtype):
    for g in _cases(dtype):
        mask = np.random.default_rng(1).random(g.shape) > 0.5
        with np.errstate(invalid="ignore"):
            want = g * mask
            got = S.masked(g, mask)
        assert got.dtype == g.dtype
        np.testing.assert_array_equal(_bits(got), _bits(want))


def test_relu_and_clamp_give_the_plain_numbers_and_gradients():
    rng = np.random.default_rng(2)
    a = rng.standard_normal((4, 8, 16, 16)).astype(np.float32)
    a.reshape(-1)[:4] = [0.0, -0.0, np.inf, -np.inf]
    x = mg.tensor(a, requires_grad=True)
    y = mg.nn.functional.relu(x)
    g = rng.standard_normal(a.shape).astype(np.float32)
    y.backward(mg.tensor(g))
    np.testing.assert_array_equal(_bits(y.numpy()), _bits(np.maximum(a, 0)))
    np.testing.assert_array_equal(_bits(x.grad.numpy()), _bits(g * (np.maximum(a, 0) > 0)))
    z = mg.clamp(mg.tensor(a), -0.25, 0.5).numpy()
    np.testing.assert_array_equal(_bits(z), _bits(np.minimum(np.maximum(a, -0.25), 0.5)))
    assert mg.clamp(mg.tensor(np.arange(-3, 4)), 0, 2).tolist() == [0, 0, 0, 0, 1, 2, 2]


def test_bound_against_an_array_is_the_plain_ufunc():
    x = np.linspace(-1, 1, 3 * S.ROW, dtype=np.float32)
    lo = np.full_like(x, 0.25)
    np.testing.assert_array_equal(S.bound(np.maximum, x, lo), np.maximum(x, lo))
