"""Anomaly detection names the op that made NaN or inf and where it was called."""

import threading

import numpy as np
import pytest

import minigrad as mg
from minigrad.autograd import detect_anomaly, set_detect_anomaly
from minigrad.errors import GraphError


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the NaN is made on purpose
def test_forward_nan_names_the_op_and_the_calling_line():
    x = mg.tensor([-1.0, 4.0], requires_grad=True)
    with detect_anomaly():
        with pytest.raises(GraphError, match=r"(?s)Sqrt.*test_anomaly.py"):
            x.sqrt()


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the NaN is made on purpose
def test_backward_nan_names_the_op():
    x = mg.tensor([0.0, 4.0], requires_grad=True)
    with detect_anomaly():
        y = x.sqrt()  # finite forward, infinite gradient at 0
        with pytest.raises(GraphError, match=r"(?s)backward of Sqrt.*test_anomaly.py"):
            y.sum().backward()


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the NaN is made on purpose
def test_as_a_decorator_each_call_runs_in_anomaly_mode():
    @detect_anomaly()
    def root(x):
        return x.sqrt()

    with pytest.raises(GraphError, match=r"Sqrt"):
        root(mg.tensor([-1.0]))
    with np.errstate(invalid="ignore"):  # and outside the decorated call it is off again
        assert np.isnan(mg.tensor([-1.0]).sqrt().item())


def test_off_by_default_and_restored_after_the_block():
    x = mg.tensor([-1.0])
    with np.errstate(invalid="ignore"):
        assert np.isnan(x.sqrt().item())
    set_detect_anomaly(True)
    set_detect_anomaly(False)
    with np.errstate(invalid="ignore"):
        x.log()


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
