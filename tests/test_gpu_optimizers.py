"""Every optimizer on the device: the same steps as on the CPU, its state on the GPU, and (on
the CuPy stand-in) not one wait for the GPU inside ``step``. ``gpu``-marked, like
tests/test_gpu_device.py, whose helpers it uses."""

import numpy as np
import pytest

import minigrad as mg
from test_gpu_device import STANDIN, host, no_sync

pytestmark = pytest.mark.gpu


# ---- every optimizer on the device ---------------------------------------------------------------
OPTIMIZERS = [
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01)), ("Adam", dict(lr=0.05, amsgrad=True)),
    ("AdamW", dict(lr=0.05)), ("Adamax", dict(lr=0.05)), ("NAdam", dict(lr=0.05)), ("RAdam", dict(lr=0.05)),
    ("RMSprop", dict(lr=0.01, centered=True, momentum=0.5)), ("Adagrad", dict(lr=0.1)), ("Adadelta", dict(lr=1.0)),
    ("ASGD", dict(lr=0.05)), ("Rprop", dict(lr=0.05)),
]


def _quadratic_steps(cls, kwargs, device, steps=4):
    rng = np.random.default_rng(3)
    w = mg.nn.Parameter(mg.tensor(rng.standard_normal((3, 2)), dtype=mg.float64, device=device))
    target = mg.tensor(rng.standard_normal((3, 2)), dtype=mg.float64, device=device)
    opt = cls([w], **kwargs)
    for _ in range(steps):
        opt.zero_grad()
        ((w - target) ** 2).sum().backward()
        opt.step()
    return w, opt


@pytest.mark.parametrize("name,kwargs", OPTIMIZERS, ids=[n for n, _ in OPTIMIZERS])
def test_every_optimizer_on_cuda_matches_cpu_and_keeps_its_state_there(name, kwargs):
    cls = getattr(mg.optim, name)
    w_cpu, _ = _quadratic_steps(cls, kwargs, "cpu")
    if STANDIN:
        with no_sync():
            w_gpu, opt = _quadratic_steps(cls, kwargs, "cuda")
    else:
        w_gpu, opt = _quadratic_steps(cls, kwargs, "cuda")
    assert w_gpu.is_cuda
    np.testing.assert_allclose(host(w_gpu), w_cpu.numpy(), rtol=1e-10, atol=1e-12)
    assert all(v.is_cuda for s in opt.state.values() for v in s.values() if isinstance(v, mg.Tensor) and v.ndim)


def test_lbfgs_on_cuda_matches_cpu():
    results = []
    for device in ("cpu", "cuda"):
        rng = np.random.default_rng(4)
        w = mg.nn.Parameter(mg.tensor(rng.standard_normal(4), dtype=mg.float64, device=device))
        opt = mg.optim.LBFGS([w], lr=0.5, max_iter=5)

        def closure():
            opt.zero_grad()
            loss = ((w - 1.0) ** 2).sum() + (w ** 4).sum() * 0.1
            loss.backward()
            return loss

        for _ in range(2):
            opt.step(closure)
        assert w.device == device
        results.append(host(w))
    np.testing.assert_allclose(results[1], results[0], rtol=1e-10)
