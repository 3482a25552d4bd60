"""Anomaly detection: PyTorch's semantics (a backward that returns NaN raises, naming that
backward and the forward call that made its node), plus an opt-in forward NaN check."""

import threading

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F
from minigrad.autograd import (detect_anomaly, is_anomaly_check_nan_enabled, is_anomaly_enabled,
                               set_detect_anomaly)
from minigrad.errors import GraphError

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the NaN and inf are made on purpose


def test_backward_nan_names_the_backward_and_the_forward_line():
    x = mg.tensor([-1.0, 4.0], requires_grad=True)
    with detect_anomaly():
        y = x.sqrt()  # NaN in the forward is not an error by itself
        with pytest.raises(GraphError, match=r"(?s)backward of Sqrt.*NaN.*test_anomaly.py.*x.sqrt\(\)"):
            y.sum().backward()


def test_forward_nan_raises_only_with_check_forward():
    x = mg.tensor([-1.0, 4.0], requires_grad=True)
    with detect_anomaly():
        assert np.isnan(x.sqrt().numpy()[0])
    with detect_anomaly(check_forward=True):
        with pytest.raises(GraphError, match=r"(?s)forward of Sqrt.*test_anomaly.py"):
            x.sqrt()
        with mg.no_grad(), pytest.raises(GraphError, match="forward of Sqrt"):
            x.sqrt()  # the stricter check holds under no_grad too


def test_infinite_gradient_is_not_an_anomaly():
    x = mg.tensor([0.0, 4.0], requires_grad=True)
    with detect_anomaly():
        x.sqrt().sum().backward()  # PyTorch returns inf here and carries on
    assert np.isinf(x.grad.numpy()[0]) and x.grad.numpy()[1] == pytest.approx(0.25)


def test_inf_in_forward_is_not_an_anomaly():
    x = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    mask = mg.tensor([False, False, True])
    with detect_anomaly():
        y = x - float("inf")
        assert np.isinf(y.numpy()).all()
        p = F.softmax(x.masked_fill(mask, float("-inf")), dim=0)
        p[0].backward()
    assert np.isfinite(x.grad.numpy()).all() and x.grad.numpy()[2] == 0


def test_check_nan_false_lets_nan_through():
    x = mg.tensor([-1.0], requires_grad=True)
    with detect_anomaly(check_nan=False):
        assert is_anomaly_enabled() and not is_anomaly_check_nan_enabled()
        x.sqrt().sum().backward()
    assert np.isnan(x.grad.item())
    assert not is_anomaly_enabled()


def test_nan_inside_a_backward_that_is_masked_later_does_not_raise():
    # the gradient of where(x > 0, log(x), 0) at x < 0 is 0, though log'(x) there is NaN-free
    # only after masking: PyTorch checks each node's returned gradients, not intermediates
    x = mg.tensor([-1.0, 2.0], requires_grad=True)
    with detect_anomaly():
        y = mg.where(x > 0, x, mg.tensor([1.0, 1.0])).log()
        y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [0.0, 0.5])


def test_transformer_with_padding_mask_runs_under_anomaly_mode():
    mg.manual_seed(0)
    layer = mg.nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0, batch_first=True)
    src = mg.randn(2, 4, 8)
    pad = mg.tensor([[False, False, True, True], [False, False, False, False]])
    with detect_anomaly():
        out = layer(src, src_key_padding_mask=pad)
        out.sum().backward()
    assert np.isfinite(out.numpy()).all()


def test_as_a_decorator_each_call_runs_in_anomaly_mode():
    @detect_anomaly(check_forward=True)
    def root(x):
        return x.sqrt()

    with pytest.raises(GraphError, match=r"Sqrt"):
        root(mg.tensor([-1.0]))
    assert np.isnan(mg.tensor([-1.0]).sqrt().item())  # and outside the decorated call it is off again


def test_off_by_default_and_restored_after_the_block():
    x = mg.tensor([-1.0], requires_grad=True)
    assert np.isnan(x.sqrt().item())
    set_detect_anomaly(True)
    assert is_anomaly_enabled()
    set_detect_anomaly(False)
    x.sqrt().sum().backward()  # off: NaN gradients are not checked
    with detect_anomaly():
        with detect_anomaly(check_nan=False):
            pass
        assert is_anomaly_check_nan_enabled()  # the outer block's setting is back


def test_grad_mode_is_thread_local():
    seen = {}

    def worker():
        seen["worker"] = mg.is_grad_enabled()

    with mg.no_grad():
        t = threading.Thread(target=worker)
        t.start()
        t.join()
        assert not mg.is_grad_enabled()
    assert seen["worker"] is True
