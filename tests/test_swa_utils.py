"""optim.swa_utils: AveragedModel (SWA and EMA), SWALR and update_bn give the formulas'
numbers, and, with torch installed, the same numbers as torch."""

import math

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.errors import ArgumentError
from minigrad.optim import swa_utils


def _snapshots(model, steps, seed=0):
    """Train ``model`` a few SGD steps; yield after each (the caller averages)."""
    rng = np.random.default_rng(seed)
    opt = mg.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(steps):
        opt.zero_grad()
        model(mg.tensor(rng.standard_normal((4, 3)).astype(np.float32))).pow(2).sum().backward()
        opt.step()
        yield


def test_swa_is_the_mean_of_the_snapshots_and_ema_the_recurrence():
    mg.manual_seed(0)
    model = nn.Linear(3, 2)
    swa = swa_utils.AveragedModel(model)
    ema = swa_utils.AveragedModel(model, multi_avg_fn=swa_utils.get_ema_multi_avg_fn(0.8))
    one = swa_utils.AveragedModel(model, avg_fn=swa_utils.get_ema_avg_fn(0.8))
    seen, want_ema = [], None
    for _ in _snapshots(model, 5):
        w = model.weight.numpy().copy()
        seen.append(w)
        want_ema = w if want_ema is None else 0.8 * want_ema + 0.2 * w
        for averaged in (swa, ema, one):
            averaged.update_parameters(model)
    np.testing.assert_allclose(swa.module.weight.numpy(), np.mean(seen, axis=0), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ema.module.weight.numpy(), want_ema, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(one.module.weight.numpy(), want_ema, rtol=1e-5, atol=1e-6)
    assert int(swa.n_averaged) == 5 and list(swa.state_dict())[:2] == ["n_averaged", "module.weight"]
    assert swa.module is not model and swa(mg.ones(1, 3)).shape == (1, 2)
    with pytest.raises(ArgumentError, match="not both"):
        swa_utils.AveragedModel(model, avg_fn=swa_utils.get_swa_avg_fn(), multi_avg_fn=swa_utils.get_swa_multi_avg_fn())


def test_buffers_are_copied_or_averaged():
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
    plain = swa_utils.AveragedModel(model)
    with_buffers = swa_utils.AveragedModel(model, use_buffers=True)
    means = []
    for _ in _snapshots(model, 3):
        means.append(model[1].running_mean.numpy().copy())
        plain.update_parameters(model)
        with_buffers.update_parameters(model)
    np.testing.assert_array_equal(plain.module[1].running_mean.numpy(), means[-1])
    np.testing.assert_allclose(with_buffers.module[1].running_mean.numpy(), np.mean(means, axis=0), rtol=1e-5)
    assert with_buffers.module[1].num_batches_tracked.dtype == mg.int64


@pytest.mark.parametrize("strategy", ["cos", "linear"])
def test_swalr_anneals_to_the_swa_rate(strategy):
    opt = mg.optim.SGD([nn.Parameter(mg.zeros(1))], lr=1.0)
    sched = swa_utils.SWALR(opt, swa_lr=0.1, anneal_epochs=4, anneal_strategy=strategy)
    curve = (lambda t: (1 - math.cos(math.pi * t)) / 2) if strategy == "cos" else (lambda t: t)
    for step in range(1, 7):
        sched.step()
        alpha = curve(min(1.0, step / 4))
        assert sched.get_last_lr()[0] == pytest.approx(0.1 * alpha + 1.0 * (1 - alpha))
    with pytest.raises(ArgumentError, match="anneal_strategy"):
        swa_utils.SWALR(opt, swa_lr=0.1, anneal_strategy="step")
    with pytest.raises(ArgumentError, match="anneal_epochs"):
        swa_utils.SWALR(opt, swa_lr=0.1, anneal_epochs=-1)
    with pytest.raises(ArgumentError, match="2 values for 1"):
        swa_utils.SWALR(opt, swa_lr=[0.1, 0.2])


def test_update_bn_recomputes_the_statistics_over_the_data():
    rng = np.random.default_rng(1)
    data = [mg.tensor(rng.standard_normal((8, 3)).astype(np.float32) + 2) for _ in range(4)]
    model = nn.Sequential(nn.BatchNorm1d(3))
    model.eval()
    swa_utils.update_bn(data, model)
    batches = np.stack([d.numpy() for d in data])
    np.testing.assert_allclose(model[0].running_mean.numpy(), batches.mean(axis=1).mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(model[0].running_var.numpy(), batches.var(axis=1, ddof=1).mean(axis=0), rtol=1e-5)
    assert not model.training and model[0].momentum == 0.1


def test_the_same_as_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)

    def build(nn_):
        return nn_.Sequential(nn_.Linear(4, 8), nn_.BatchNorm1d(8), nn_.ReLU(), nn_.Linear(8, 2))

    x = rng.standard_normal((30, 4)).astype(np.float32)
    for kind in ("swa", "ema", "ema with buffers"):
        tm, mm = build(torch.nn), build(nn)
        mm.load_state_dict({k: mg.tensor(v.detach().numpy().copy()) for k, v in tm.state_dict().items()})
        kw_t = {} if kind == "swa" else {"multi_avg_fn": torch.optim.swa_utils.get_ema_multi_avg_fn(0.9)}
        kw_m = {} if kind == "swa" else {"multi_avg_fn": swa_utils.get_ema_multi_avg_fn(0.9)}
        if kind == "ema with buffers":
            kw_t["use_buffers"] = kw_m["use_buffers"] = True
        ta, ma = torch.optim.swa_utils.AveragedModel(tm, **kw_t), swa_utils.AveragedModel(mm, **kw_m)
        to = torch.optim.SGD(tm.parameters(), lr=0.1, momentum=0.9)
        mo = mg.optim.SGD(mm.parameters(), lr=0.1, momentum=0.9)
        ts = torch.optim.swa_utils.SWALR(to, swa_lr=0.05, anneal_epochs=3)
        ms = swa_utils.SWALR(mo, swa_lr=0.05, anneal_epochs=3)
        for step in range(6):
            xb = x[step * 5:(step + 1) * 5]
            for model, opt, make in ((tm, to, torch.from_numpy), (mm, mo, mg.tensor)):
                opt.zero_grad()
                model(make(xb)).pow(2).sum().backward()
                opt.step()
            ta.update_parameters(tm)
            ma.update_parameters(mm)
            ts.step()
            ms.step()
            np.testing.assert_allclose(ms.get_last_lr(), ts.get_last_lr(), rtol=1e-12)
        assert list(ma.state_dict()) == list(ta.state_dict())
        for (key, a), b in zip(ta.state_dict().items(), ma.state_dict().values()):
            np.testing.assert_allclose(b.numpy(), a.detach().numpy(), rtol=1e-4, atol=1e-5, err_msg=f"{kind} {key}")
        torch.optim.swa_utils.update_bn([torch.from_numpy(x[i:i + 10]) for i in range(0, 30, 10)], ta)
        swa_utils.update_bn([mg.tensor(x[i:i + 10]) for i in range(0, 30, 10)], ma)
        ta.eval()
        ma.eval()
        np.testing.assert_allclose(ma(mg.tensor(x)).numpy(), ta(torch.from_numpy(x)).detach().numpy(),
                                   rtol=1e-4, atol=1e-5)
