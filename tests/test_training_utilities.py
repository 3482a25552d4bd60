"""Training utilities PyTorch programs use: inference_mode, GradScaler, dropout variants,
parameters as a vector, checkpoint, pdist, logspace, histogram, Size, empty_strided."""

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.errors import ArgumentError, ShapeError


def test_inference_mode_as_context_and_decorator():
    x = mg.ones(2, requires_grad=True)
    with mg.inference_mode():
        assert not (x * 2).requires_grad and mg.is_inference_mode_enabled()
    assert not mg.is_inference_mode_enabled() and mg.is_grad_enabled()
    with mg.inference_mode(False):
        assert (x * 2).requires_grad

    @mg.inference_mode
    def f():
        return (x * 2).requires_grad

    @mg.inference_mode()
    def g():
        return (x * 2).requires_grad

    assert f() is False and g() is False and mg.is_grad_enabled()


def test_grad_scaler_scales_unscales_and_skips_overflowing_steps():
    model = nn.Linear(3, 1)
    opt = mg.optim.SGD(model.parameters(), lr=0.1)
    scaler = mg.amp.GradScaler(init_scale=1024.0, growth_interval=2)
    before = model.weight.numpy().copy()
    x = mg.ones(2, 3)
    scaler.scale(model(x).sum()).backward()
    scaler.unscale_(opt)
    np.testing.assert_allclose(model.weight.grad.numpy(), 2.0)  # back to the true gradient
    scaler.step(opt)
    scaler.update()
    np.testing.assert_allclose(model.weight.numpy(), before - 0.2, rtol=1e-6)
    model.weight.grad = mg.full((1, 3), float("inf"))
    after_first = model.weight.numpy().copy()
    scaler.step(opt)  # an overflow: skipped, and the scale backs off
    scaler.update()
    np.testing.assert_array_equal(model.weight.numpy(), after_first)
    assert scaler.get_scale() == 512.0
    state = scaler.state_dict()
    other = mg.cuda.amp.GradScaler()
    other.load_state_dict(state)
    assert other.get_scale() == 512.0
    off = mg.amp.GradScaler(enabled=False)
    loss = model(x).sum()
    assert off.scale(loss) is loss and off.get_scale() == 1.0


@pytest.mark.torch
def test_grad_scaler_scale_schedule_matches_torch(torch):
    def run(lib):
        p = (lib.zeros(2, requires_grad=True) if lib is torch else nn.Parameter(np.zeros(2, dtype=np.float32)))
        opt = lib.optim.SGD([p], lr=0.1)
        scaler = (lib.amp.GradScaler("cpu", init_scale=8.0, growth_interval=3) if lib is torch
                  else mg.amp.GradScaler(init_scale=8.0, growth_interval=3))
        scales = []
        for step in range(10):
            opt.zero_grad()
            scaler.scale((p * (float("inf") if step in (4, 7) else 1.0)).sum()).backward()
            scaler.step(opt)
            scaler.update()
            scales.append(scaler.get_scale())
        return scales

    assert run(mg) == run(torch)


def test_dropout_variants():
    mg.manual_seed(0)
    x = mg.ones(4, 6, 5)
    y = nn.Dropout1d(0.5)(x).numpy()
    assert set(np.unique(y)) <= {0.0, 2.0} and (y == y[:, :, :1]).all()  # whole channels
    z = nn.Dropout3d(0.5)(mg.ones(2, 3, 2, 2, 2)).numpy()
    assert (z == z[:, :, :1, :1, :1]).all()
    a = mg.nn.functional.alpha_dropout(mg.randn(50000, dtype=mg.float64), 0.3, training=True).numpy()
    assert abs(a.mean()) < 0.02 and abs(a.std() - 1) < 0.02  # self-normalising
    assert nn.AlphaDropout(0.3).eval()(x) is x
    with pytest.raises(ShapeError, match="dropout1d"):
        nn.Dropout1d()(mg.ones(2, 3, 4, 5))
    with pytest.raises(ArgumentError):
        mg.nn.functional.dropout3d(mg.ones(1, 1, 1, 1), p=1.5)


def test_parameters_to_vector_and_back():
    from minigrad.nn.utils import parameters_to_vector, vector_to_parameters

    model = nn.Sequential(nn.Linear(3, 2), nn.Linear(2, 1))
    v = parameters_to_vector(model.parameters())
    assert v.shape == (11,)
    vector_to_parameters(mg.arange(11.0), model.parameters())
    np.testing.assert_array_equal(model[0].weight.numpy().ravel(), np.arange(6.0))
    np.testing.assert_array_equal(model[1].bias.numpy(), [10.0])
    with pytest.raises(ShapeError):
        vector_to_parameters(mg.arange(5.0), model.parameters())


def test_checkpoint_gives_the_same_gradients():
    from minigrad.utils.checkpoint import checkpoint

    w = mg.randn(3, 3, requires_grad=True)
    x = mg.randn(2, 3)
    checkpoint(lambda a: (a @ w).tanh(), x, use_reentrant=False).sum().backward()
    g1 = w.grad.numpy().copy()
    w.grad = None
    (x @ w).tanh().sum().backward()
    np.testing.assert_array_equal(g1, w.grad.numpy())


@pytest.mark.torch
def test_pdist_logspace_histogram_empty_strided_match_torch(torch):
    x = np.random.default_rng(0).standard_normal((5, 3))
    for p in (1.0, 2.0, 3.0):
        a = mg.tensor(x, requires_grad=True)
        b = torch.tensor(x, requires_grad=True)
        mg.pdist(a, p).sum().backward()
        torch.pdist(b, p).sum().backward()
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(mg.logspace(-1, 2, 7, base=2.0).numpy(), torch.logspace(-1, 2, 7, base=2.0).numpy())
    v = np.array([0.5, 1.5, 1.7, 3.0, 9.0], dtype=np.float32)
    ours, theirs = mg.histogram(mg.tensor(v), bins=4, range=(0.0, 4.0)), torch.histogram(torch.tensor(v), bins=4,
                                                                                         range=(0.0, 4.0))
    np.testing.assert_array_equal(ours.hist.numpy(), theirs.hist.numpy())
    np.testing.assert_array_equal(ours.bin_edges.numpy(), theirs.bin_edges.numpy())
    assert mg.empty_strided((2, 3), (1, 2)).stride() == torch.empty_strided((2, 3), (1, 2)).stride()
    assert mg.Size([2, 3]) == torch.Size([2, 3]) and mg.Size([2, 3]).numel() == 6
    with pytest.raises(ShapeError, match="pdist"):
        mg.pdist(mg.ones(3))
