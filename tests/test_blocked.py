"""ops/blocked.py: elementwise formulas run block by block give the whole-array bits."""

import numpy as np
import pytest

from minigrad.ops import blocked
from minigrad.ops.activation import _gelu_array, _gelu_grad_array
from minigrad.ops.erf_rational import erf_array, erfc_array

SIZE = 5 * 30_000  # over two blocks of 65 536: three blocks, the last one short


def _data(dtype, seed=0):
    return (3 * np.random.default_rng(seed).standard_normal(SIZE)).astype(dtype).reshape(-1, 5)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("fn", [erf_array, erfc_array, lambda a: _gelu_array(a, "none"),
                                lambda a: _gelu_array(a, "tanh")], ids=["erf", "erfc", "gelu", "gelu_tanh"])
def test_blocks_give_the_whole_array_bits(fn, dtype):
    x = _data(dtype)
    out = blocked.in_blocks(fn, x)
    assert out.dtype == dtype and out.shape == x.shape
    np.testing.assert_array_equal(out, fn(x))


@pytest.mark.parametrize("approximate", ["none", "tanh"])
def test_two_input_formula_in_blocks(approximate):
    x, g = _data(np.float32, 1), _data(np.float32, 2)
    fn = lambda a, b: _gelu_grad_array(a, b, approximate)  # noqa: E731
    np.testing.assert_array_equal(blocked.in_blocks(fn, x, g), fn(x, g))


def test_strided_small_or_mismatched_inputs_run_whole():
    calls = []

    def fn(*arrays):
        calls.append([a.shape for a in arrays])
        return arrays[0] * 2

    x = _data(np.float32)
    blocked.in_blocks(fn, x[:, ::2])  # not contiguous
    blocked.in_blocks(fn, x[:10])  # small
    blocked.in_blocks(fn, x, x[:, :1])  # shapes differ
    assert calls == [[x[:, ::2].shape], [(10, 5)], [x.shape, (x.shape[0], 1)]]
    calls.clear()
    blocked.in_blocks(fn, x)
    assert len(calls) == 3 and sum(c[0][0] for c in calls) == x.size
