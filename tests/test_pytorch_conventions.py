"""Small PyTorch conventions a ported program meets: a Module without forward, dtype names
given as strings, and the result dtype of clamp with tensor or number bounds."""

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.errors import MinigradError, MissingForward

torch = pytest.importorskip("torch")


def test_module_without_forward_raises_torchs_not_implemented_error():
    class Net(nn.Module):
        pass

    class TorchNet(torch.nn.Module):
        pass

    with pytest.raises(NotImplementedError) as expected:
        TorchNet()(torch.zeros(1))
    with pytest.raises(MissingForward) as got:
        Net()(mg.zeros(1))
    assert str(got.value) == str(expected.value).replace("TorchNet", "Net")
    assert str(got.value) == 'Module [Net] is missing the required "forward" function'
    assert isinstance(got.value, NotImplementedError) and isinstance(got.value, MinigradError)


def test_dtype_strings_are_a_documented_convenience():
    """torch refuses dtype="float32" (TypeError); minigrad accepts it (see docs/differences-from-pytorch.md)."""
    with pytest.raises(TypeError):
        torch.zeros(2, dtype="float32")
    assert mg.zeros(2, dtype="float32").dtype == mg.float32
    assert mg.zeros(2, dtype="int64").dtype == mg.int64
    with pytest.raises(TypeError, match="unknown dtype"):
        mg.zeros(2, dtype="no-such-type")


def _mg(v):
    return mg.tensor(v.numpy()) if isinstance(v, torch.Tensor) else v


CLAMP_CASES = [  # (x, min, max)
    (torch.zeros(3), torch.tensor(0.5, dtype=torch.float64), None),  # 0-d float64 bound: stays float32
    (torch.zeros(3), None, torch.tensor(-0.5, dtype=torch.float64)),
    (torch.zeros(3), torch.ones(3, dtype=torch.float64), None),  # a bound with dims promotes
    (torch.tensor(1.0), torch.ones(3, dtype=torch.float64), None),
    (torch.arange(3), 0.5, None),  # int x, float number: the default float
    (torch.arange(3), 1, 2.5),
    (torch.arange(3), torch.tensor(0.5, dtype=torch.float64), None),
    (torch.arange(3, dtype=torch.int32), torch.tensor(2), None),
    (torch.arange(3, dtype=torch.int32), 1, None),
    (torch.arange(3, dtype=torch.int8), torch.tensor(1.5, dtype=torch.float64), torch.tensor(2.0)),
    (torch.zeros(3, dtype=torch.float16), None, torch.tensor(0.5)),
]


@pytest.mark.parametrize("x, lo, hi", CLAMP_CASES)
def test_clamp_result_dtype_and_values_match_torch(x, lo, hi):
    want = torch.clamp(x, lo, hi)
    got = mg.clamp(_mg(x), _mg(lo), _mg(hi))
    assert str(got.dtype) == str(want.dtype).replace("torch.", "")
    np.testing.assert_array_equal(got.numpy(), want.numpy())
    if lo is not None and hi is None:
        assert mg.clamp_min(_mg(x), _mg(lo)).dtype == got.dtype == _mg(x).clamp(min=_mg(lo)).dtype
    if hi is not None and lo is None:
        assert mg.clamp_max(_mg(x), _mg(hi)).dtype == got.dtype


def test_clamp_with_a_0d_float64_bound_keeps_float32_and_its_gradients():
    x = mg.tensor([-1.0, 0.2, 3.0], requires_grad=True)
    lo = mg.tensor(0.0, dtype=mg.float64, requires_grad=True)
    hi = mg.tensor(1.0, dtype=mg.float64, requires_grad=True)
    y = x.clamp(lo, hi)
    assert y.dtype == mg.float32
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 1.0, 0.0])
    assert x.grad.dtype == mg.float32 and lo.grad.dtype == hi.grad.dtype == mg.float64
    assert lo.grad.item() == 1.0 and hi.grad.item() == 1.0


def test_clamp_in_place_with_a_0d_float64_bound():
    x, tx = mg.tensor([-1.0, 0.5, 2.0]), torch.tensor([-1.0, 0.5, 2.0])
    x.clamp_(min=mg.tensor(0.0, dtype=mg.float64))
    tx.clamp_(min=torch.tensor(0.0, dtype=torch.float64))
    assert x.dtype == mg.float32
    np.testing.assert_array_equal(x.numpy(), tx.numpy())
