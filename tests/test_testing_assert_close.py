"""minigrad.testing.assert_close and make_tensor (PyTorch's torch.testing helpers), and
Tensor.bernoulli: the same passes and failures as torch, with a report of the worst element."""

import numpy as np
import pytest

import minigrad as mg
from minigrad.errors import ArgumentError, ArgumentTypeError
from minigrad.testing import assert_close, make_tensor


def _cases(T):
    """(actual, expected, kwargs, passes?) for a tensor constructor T (minigrad's or torch's)."""
    nan, inf = float("nan"), float("inf")
    return [
        (T([1.0, 2.0]), T([1.0, 2.0 + 1e-6]), {}, True),
        (T([1.0, 2.0]), T([1.0, 2.1]), {}, False),
        (T([1.0, 2.0]), T([1.0, 2.1]), {"rtol": 0.1, "atol": 0.0}, True),
        (T([1.0, 2.0]), T([1.0, 2.0, 3.0]), {}, False),
        (T([1.0, 2.0]), T(np.array([1.0, 2.0])), {}, False),  # float32 against float64
        (T([1.0, 2.0]), T(np.array([1.0, 2.0])), {"check_dtype": False}, True),
        (T([nan]), T([nan]), {}, False),
        (T([nan]), T([nan]), {"equal_nan": True}, True),
        (T([inf, -inf]), T([inf, -inf]), {}, True),
        (T([inf]), T([-inf]), {}, False),
        (T([1, 2]), T([1, 3]), {}, False),
        (T([1, 2]), T([1, 2]), {}, True),
        (T(1.0), T([1.0]), {}, False),
        (T(np.float16([1.0])), T(np.float16([1.0005])), {}, True),
        (1.0, 1.0 + 1e-9, {}, True),
        (1, 1.0, {}, False),
        ([1.0, 2.0], (1.0, 2.0), {}, True),
        ({"a": T([1.0])}, {"a": T([1.0])}, {}, True),
        ({"a": T([1.0])}, {"b": T([1.0])}, {}, False),
        ([T([1.0]), T([2.0])], [T([1.0]), T([2.5])], {}, False),
        (T([1.0, 2.0]), T([1.0, 2.0]), {"rtol": 0.0, "atol": 0.0}, True),
    ]


def _passes(fn, actual, expected, kwargs):
    try:
        fn(actual, expected, **kwargs)
    except AssertionError:
        return False
    return True


def test_passes_and_failures():
    for actual, expected, kwargs, passes in _cases(mg.tensor):
        assert _passes(assert_close, actual, expected, kwargs) == passes, (actual, expected, kwargs)


def test_a_parameter_compares_as_a_tensor():
    """allow_subclasses: a Parameter (a Tensor subclass) against a tensor, as in torch."""
    assert_close(mg.nn.Parameter(mg.ones(2)), mg.ones(2))
    with pytest.raises(AssertionError, match="not close"):
        assert_close(mg.nn.Parameter(mg.ones(2)), mg.zeros(2))


def test_the_same_cases_pass_and_fail_in_torch():
    torch = pytest.importorskip("torch")

    def T(data):
        return torch.tensor(data) if not isinstance(data, np.ndarray) else torch.from_numpy(data)

    for actual, expected, kwargs, passes in _cases(T):
        assert _passes(torch.testing.assert_close, actual, expected, kwargs) == passes, (actual, expected, kwargs)


def test_the_report_names_the_worst_element():
    with pytest.raises(AssertionError) as e:
        assert_close(mg.tensor([[1.0, 2.0], [3.0, 4.0]]), mg.tensor([[1.0, 2.0], [3.0, 4.5]]))
    text = str(e.value)
    assert text.startswith("Tensor-likes are not close!")
    assert "Mismatched elements: 1 / 4 (25.0%)" in text
    assert "Greatest absolute difference: 0.5 at index (1, 1) (up to 1e-05 allowed)" in text
    with pytest.raises(AssertionError, match="Tensor-likes are not equal!"):
        assert_close(mg.tensor([1, 2]), mg.tensor([1, 3]))
    with pytest.raises(AssertionError, match=r"'shape' do not match: minigrad.Size\(\[2\]\) != minigrad.Size\(\[3\]\)"):
        assert_close(mg.zeros(2), mg.zeros(3))
    with pytest.raises(AssertionError, match="^custom$"):
        assert_close(mg.zeros(2), mg.ones(2), msg="custom")


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(ArgumentError, match="'rtol' and 'atol'"):
        assert_close(mg.zeros(2), mg.zeros(2), rtol=1e-3)
    with pytest.raises(ArgumentTypeError, match="Tensor with ndarray"):
        assert_close(mg.zeros(2), np.zeros(2, dtype=np.float32))
    with pytest.raises(ArgumentTypeError, match="cannot compare"):
        assert_close(object(), object())


def test_make_tensor_draws_in_its_range_and_layout():
    mg.manual_seed(0)
    x = make_tensor(3, 4, dtype=mg.float32)
    assert x.shape == (3, 4) and x.dtype == mg.float32 and -9 <= float(x.min()) and float(x.max()) < 9
    i = make_tensor((50,), dtype=mg.int64, low=0, high=3, exclude_zero=True)
    assert set(i.tolist()) <= {1, 2}
    f = make_tensor(2, 5, dtype=mg.float64, low=-1, high=1, requires_grad=True, noncontiguous=True)
    assert f.requires_grad and not f.is_contiguous() and f.shape == (2, 5) and float(abs(f).max()) < 1
    assert make_tensor(4, dtype=mg.bool).dtype == mg.bool
    with pytest.raises(ArgumentError):
        make_tensor(2, dtype=mg.int64, low=5, high=1)
    assert mg.testing.assert_close is assert_close  # reachable as torch.testing is, without an import


def test_tensor_bernoulli_draws_from_its_probabilities():
    mg.manual_seed(0)
    p = mg.tensor([0.0, 1.0, 0.0, 1.0])
    assert p.bernoulli().tolist() == [0.0, 1.0, 0.0, 1.0]
    draws = mg.full((20000,), 0.3).bernoulli()
    assert draws.dtype == mg.float32 and abs(float(draws.mean()) - 0.3) < 0.02
    assert set(mg.zeros(100).bernoulli(1.0).tolist()) == {1.0}
