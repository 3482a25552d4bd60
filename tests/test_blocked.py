"""ops/blocked.py: elementwise formulas run block by block give the whole-array bits."""

import math

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


@pytest.mark.parametrize("amsgrad", [False, True])
def test_adam_in_blocks_equals_the_whole_array_formula(amsgrad):
    """Adam updates a large parameter block by block; the same arithmetic on whole arrays
    (_adam_arithmetic, as on a GPU) gives the same bits, over a few steps."""
    import minigrad as mg
    from minigrad.optim.adam import _adam_arithmetic

    rng = np.random.default_rng(5)
    w = mg.nn.Parameter(mg.tensor(rng.standard_normal(SIZE).astype(np.float32)))
    opt = mg.optim.Adam([w], lr=0.01, amsgrad=amsgrad)
    p = w.numpy().copy()
    m, v, v_max, tmp = (np.zeros_like(p) for _ in range(4))
    for t in range(1, 4):
        g = rng.standard_normal(SIZE).astype(np.float32)
        w.grad = mg.tensor(g)
        opt.step()
        constants = (0.9, 0.999, 1e-8, 0.01 / (1 - 0.9 ** t), math.sqrt(1 - 0.999 ** t))  # python floats
        _adam_arithmetic(np, p, g, m, v, tmp, v_max if amsgrad else None, constants)
        np.testing.assert_array_equal(w.numpy(), p)
