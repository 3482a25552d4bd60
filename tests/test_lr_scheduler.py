"""Learning-rate schedulers: the same rate sequences as torch.optim.lr_scheduler, exactly.

Each schedule runs on minigrad's and torch's optimizer with two parameter groups (two base
rates); after every step the rates (and, for OneCycleLR, the momenta / betas) must be equal
as floats, not merely close: the formulas do the same operations in the same order.
"""

import warnings

import numpy as np
import pytest

import minigrad
import minigrad.optim as optim
from minigrad.nn import Parameter
from minigrad.optim import lr_scheduler

STEPS = 45


class Warmup:
    """A callable object with state, as LambdaLR's state_dict saves (a lambda's is not saved)."""

    def __init__(self, epochs):
        self.epochs = epochs

    def __call__(self, epoch):
        return min(1.0, (epoch + 1) / self.epochs)


CONFIGS = [
    ("SGD", {}, "StepLR", dict(step_size=7, gamma=0.5)),
    ("SGD", {}, "StepLR", dict(step_size=3)),
    ("SGD", {}, "MultiStepLR", dict(milestones=[5, 12, 12, 30], gamma=0.3)),
    ("SGD", {}, "ExponentialLR", dict(gamma=0.9)),
    ("SGD", {}, "CosineAnnealingLR", dict(T_max=10, eta_min=0.001)),  # 45 steps: past T_max, a wave
    ("SGD", {}, "CosineAnnealingLR", dict(T_max=25)),
    ("SGD", {}, "LinearLR", dict(start_factor=0.25, total_iters=8)),
    ("SGD", {}, "LinearLR", {}),
    ("SGD", {}, "LinearLR", dict(start_factor=1.0, end_factor=0.1, total_iters=20)),
    ("SGD", {}, "LambdaLR", dict(lr_lambda=lambda epoch: 0.95 ** epoch)),
    ("SGD", {}, "LambdaLR", dict(lr_lambda=[lambda epoch: 1 / (1 + epoch), Warmup(10)])),
    ("SGD", dict(momentum=0.9), "OneCycleLR", dict(max_lr=[0.5, 0.1], total_steps=STEPS)),
    ("SGD", dict(momentum=0.9), "OneCycleLR", dict(max_lr=0.3, epochs=5, steps_per_epoch=9,
                                                   anneal_strategy="linear", pct_start=0.4)),
    ("SGD", dict(momentum=0.9), "OneCycleLR", dict(max_lr=0.3, total_steps=STEPS, three_phase=True,
                                                   base_momentum=0.8, max_momentum=[0.9, 0.99])),
    ("Adam", {}, "OneCycleLR", dict(max_lr=0.01, total_steps=STEPS)),
    ("SGD", {}, "OneCycleLR", dict(max_lr=0.3, total_steps=STEPS + 10, cycle_momentum=False, div_factor=10.0,
                                   final_div_factor=100.0)),
    ("SGD", {}, "MultiplicativeLR", dict(lr_lambda=lambda epoch: 0.95)),
    ("SGD", {}, "MultiplicativeLR", dict(lr_lambda=[lambda epoch: 0.9, lambda epoch: 1.0 + 0.01 * epoch])),
    ("SGD", {}, "ConstantLR", dict(factor=0.5, total_iters=4)),
    ("SGD", {}, "PolynomialLR", dict(total_iters=30, power=2.0)),
    ("SGD", {}, "PolynomialLR", {}),
    ("SGD", {}, "CosineAnnealingWarmRestarts", dict(T_0=7, eta_min=0.001)),
    ("SGD", {}, "CosineAnnealingWarmRestarts", dict(T_0=3, T_mult=2)),
    ("SGD", dict(momentum=0.9), "CyclicLR", dict(base_lr=0.01, max_lr=0.1, step_size_up=5)),
    ("SGD", dict(momentum=0.9), "CyclicLR", dict(base_lr=[0.01, 0.001], max_lr=0.1, step_size_up=4,
                                                 step_size_down=6, mode="triangular2")),
    ("Adam", {}, "CyclicLR", dict(base_lr=0.001, max_lr=0.01, step_size_up=3, mode="exp_range", gamma=0.97)),
    ("SGD", {}, "CyclicLR", dict(base_lr=0.01, max_lr=0.1, step_size_up=5, cycle_momentum=False,
                                 scale_fn=lambda x: 0.5 ** x, scale_mode="iterations")),
]


def make_optimizer(lib, name, kwargs):
    """Two groups: lr 0.1 (the default) and lr 0.01."""
    if lib is minigrad:
        a, b = Parameter(np.zeros(3)), Parameter(np.zeros(2))
        return getattr(optim, name)([{"params": [a]}, {"params": [b], "lr": 0.01}], lr=0.1, **kwargs)
    a, b = lib.zeros(3, requires_grad=True), lib.zeros(2, requires_grad=True)
    return getattr(lib.optim, name)([{"params": [a]}, {"params": [b], "lr": 0.01}], lr=0.1, **kwargs)


def schedulers_of(lib):
    return lr_scheduler if lib is minigrad else lib.optim.lr_scheduler


def record(opt, sched):
    """The rates the scheduler reports and what the groups hold (rates and momenta)."""
    groups = [(g["lr"], g.get("momentum"), g.get("betas")) for g in opt.param_groups]
    return sched.get_last_lr(), groups


def run(lib, config, steps=STEPS, epochs=None, metrics=None):
    opt_name, opt_kwargs, sched_name, sched_kwargs = config
    opt = make_optimizer(lib, opt_name, opt_kwargs)
    sched = getattr(schedulers_of(lib), sched_name)(opt, **sched_kwargs)
    out = [record(opt, sched)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's deprecation warning for step(epoch)
        for i in range(steps):
            opt.step()  # no gradients: nothing moves, but torch wants step() before scheduler.step()
            if metrics is not None:
                sched.step(metrics[i])
            elif epochs is not None:
                sched.step(epochs[i])
            else:
                sched.step()
            out.append(record(opt, sched))
    return out


def config_id(config):
    return config[2] + "-" + ",".join(f"{k}={v}" for k, v in config[3].items() if k != "lr_lambda")


@pytest.mark.torch
@pytest.mark.parametrize("config", CONFIGS, ids=[config_id(c) for c in CONFIGS])
def test_lr_sequence_equals_torch(torch, config):
    ours, theirs = run(minigrad, config), run(torch, config)
    assert ours == theirs
    assert len({tuple(lrs) for lrs, _ in ours}) > (1 if config[2] == "ConstantLR" else 2)  # it really moves


CLOSED_FORM = [c for c in CONFIGS if c[2] in ("StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR",
                                              "LinearLR", "ConstantLR", "PolynomialLR")]


@pytest.mark.torch
@pytest.mark.parametrize("config", CLOSED_FORM, ids=[config_id(c) for c in CLOSED_FORM])
def test_step_with_an_epoch_uses_the_closed_form_like_torch(torch, config):
    epochs = [3, 4, 9, 2, 20, 21, 7, 0, 30, 11, 10, 12, 40]
    ours = run(minigrad, config, steps=len(epochs), epochs=epochs)
    theirs = run(torch, config, steps=len(epochs), epochs=epochs)
    assert ours == theirs
    # and the closed form agrees with the recursive form to rounding
    recursive = run(minigrad, config, steps=max(epochs))
    for (lrs, _), epoch in zip(ours[1:], epochs):
        np.testing.assert_allclose(lrs, recursive[epoch][0], rtol=1e-12)


PLATEAU = [
    dict(),
    dict(mode="max", factor=0.5, patience=2, threshold=0.01, threshold_mode="abs"),
    dict(patience=1, cooldown=3, min_lr=[0.02, 0.0001]),
    dict(factor=0.5, patience=0, min_lr=0.03, eps=1e-3),
]


@pytest.mark.torch
@pytest.mark.parametrize("kwargs", PLATEAU)
def test_reduce_on_plateau_equals_torch(torch, kwargs):
    rng = np.random.default_rng(0)
    # improves, stalls, improves a little, then noise
    metrics = np.concatenate([np.linspace(1.0, 0.5, 10), np.full(14, 0.5), np.linspace(0.5, 0.49, 5),
                              0.49 + 0.01 * rng.standard_normal(22)]).tolist()
    config = ("SGD", {}, "ReduceLROnPlateau", kwargs)
    ours = run(minigrad, config, steps=len(metrics), metrics=metrics)
    theirs = run(torch, config, steps=len(metrics), metrics=metrics)
    assert ours == theirs
    assert ours[-1][0] != ours[0][0]  # the rate was reduced at least once


@pytest.mark.torch
def test_two_schedulers_chained_on_one_optimizer_equal_torch(torch):
    """The recursive form composes: a warm-up and a decay both scaling the current rate."""
    def sequence(lib):
        opt = make_optimizer(lib, "SGD", {})
        schedulers = schedulers_of(lib)
        warm = schedulers.LinearLR(opt, start_factor=0.1, total_iters=5)
        decay = schedulers.ExponentialLR(opt, gamma=0.9)
        out = []
        for _ in range(20):
            opt.step()
            warm.step()
            decay.step()
            out.append([g["lr"] for g in opt.param_groups])
        return out

    assert sequence(minigrad) == sequence(torch)


@pytest.mark.torch
def test_sgd_momentum_under_a_schedule_follows_torch(torch):
    """PyTorch's momentum convention (lr outside the buffer) shows when lr changes mid-run."""
    rng = np.random.default_rng(3)
    init, grads = rng.standard_normal(4), rng.standard_normal((30, 4))

    def trajectory(lib):
        if lib is minigrad:
            p = Parameter(init.copy())
            opt = optim.SGD([p], lr=0.1, momentum=0.9)
        else:
            p = lib.tensor(init.copy(), requires_grad=True)
            opt = lib.optim.SGD([p], lr=0.1, momentum=0.9, foreach=False)
        sched = schedulers_of(lib).StepLR(opt, step_size=5, gamma=0.3)
        out = []
        for g in grads:
            p.grad = lib.tensor(g.copy())
            opt.step()
            sched.step()
            out.append(np.array(p.detach().numpy()))
        return np.array(out)

    np.testing.assert_allclose(trajectory(minigrad), trajectory(torch), rtol=1e-12, atol=1e-14)


# ---- saving and resuming ---------------------------------------------------------------------------
RESUME = [CONFIGS[2], CONFIGS[4], CONFIGS[10], CONFIGS[11], CONFIGS[14], ("SGD", {}, "ReduceLROnPlateau",
                                                                           dict(patience=1, cooldown=2))]


@pytest.mark.parametrize("config", RESUME, ids=[config_id(c) for c in RESUME])
def test_state_dict_round_trip_through_a_file(tmp_path, config):
    metrics = [1.0 / (1 + i) if i < 8 else 0.2 + 0.01 * (i % 3) for i in range(STEPS)]
    plateau = config[2] == "ReduceLROnPlateau"
    straight = run(minigrad, config, metrics=metrics if plateau else None)

    opt_name, opt_kwargs, sched_name, sched_kwargs = config
    opt = make_optimizer(minigrad, opt_name, opt_kwargs)
    sched = getattr(lr_scheduler, sched_name)(opt, **sched_kwargs)
    for i in range(15):
        opt.step()
        sched.step(metrics[i]) if plateau else sched.step()
    path = tmp_path / "checkpoint.npz"
    minigrad.save({"optimizer": opt.state_dict(), "scheduler": sched.state_dict()}, path)
    checkpoint = minigrad.load(path)

    opt = make_optimizer(minigrad, opt_name, opt_kwargs)
    sched = getattr(lr_scheduler, sched_name)(opt, **sched_kwargs)  # first the scheduler, then the states
    opt.load_state_dict(checkpoint["optimizer"])
    sched.load_state_dict(checkpoint["scheduler"])
    resumed = [record(opt, sched)]
    for i in range(15, STEPS):
        opt.step()
        sched.step(metrics[i]) if plateau else sched.step()
        resumed.append(record(opt, sched))
    assert resumed == straight[15:]


def test_state_dict_is_plain_data():
    opt = make_optimizer(minigrad, "SGD", {})
    sched = lr_scheduler.LambdaLR(opt, [lambda e: 1.0, Warmup(7)])
    state = sched.state_dict()
    assert "optimizer" not in state
    assert state["lr_lambdas"] == [None, {"epochs": 7}]  # the lambda's code is never saved
    sched2 = lr_scheduler.MultiStepLR(opt, milestones=[3, 3, 8])
    assert sched2.state_dict()["milestones"] == [3, 3, 8]


@pytest.mark.torch
def test_resuming_with_last_epoch_equals_torch(torch):
    def sequence(lib):
        opt = make_optimizer(lib, "SGD", {})
        for group in opt.param_groups:
            group["initial_lr"] = group["lr"]
        schedulers = schedulers_of(lib)
        out = []
        for sched in (schedulers.StepLR(opt, step_size=3, last_epoch=5),
                      schedulers.ExponentialLR(opt, gamma=0.5, last_epoch=2),
                      schedulers.CosineAnnealingLR(opt, T_max=6, last_epoch=4)):
            for _ in range(6):
                opt.step()
                sched.step()
                out.append(sched.get_last_lr())
        return out

    assert sequence(minigrad) == sequence(torch)


# ---- bad input -------------------------------------------------------------------------------------
def test_bad_scheduler_arguments():
    opt = make_optimizer(minigrad, "SGD", {})
    with pytest.raises(TypeError, match="expected an Optimizer"):
        lr_scheduler.StepLR(object(), step_size=2)
    with pytest.raises(KeyError, match="initial_lr"):
        lr_scheduler.StepLR(make_optimizer(minigrad, "SGD", {}), step_size=2, last_epoch=3)
    with pytest.raises(ValueError, match="start_factor"):
        lr_scheduler.LinearLR(opt, start_factor=0.0)
    with pytest.raises(ValueError, match="end_factor"):
        lr_scheduler.LinearLR(opt, end_factor=1.5)
    with pytest.raises(ValueError, match="expected 2 lr_lambdas, got 3"):
        lr_scheduler.LambdaLR(opt, [lambda e: 1.0] * 3)
    with pytest.raises(ValueError, match="total_steps"):
        lr_scheduler.OneCycleLR(opt, max_lr=0.1)
    with pytest.raises(ValueError, match="pct_start"):
        lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=10, pct_start=1.5)
    with pytest.raises(ValueError, match="anneal_strategy"):
        lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=10, anneal_strategy="step")
    with pytest.raises(ValueError, match="max_lr has 3 values"):
        lr_scheduler.OneCycleLR(opt, max_lr=[0.1, 0.2, 0.3], total_steps=10)
    with pytest.raises(ValueError, match="momentum or betas"):
        lr_scheduler.OneCycleLR(make_optimizer(minigrad, "Adagrad", {}), max_lr=0.1, total_steps=10)
    with pytest.raises(ValueError, match="factor"):
        lr_scheduler.ReduceLROnPlateau(opt, factor=1.0)
    with pytest.raises(ValueError, match="mode"):
        lr_scheduler.ReduceLROnPlateau(opt, mode="avg")
    with pytest.raises(ValueError, match="threshold_mode"):
        lr_scheduler.ReduceLROnPlateau(opt, threshold_mode="pct")


def test_one_cycle_refuses_to_step_past_its_end():
    opt = make_optimizer(minigrad, "SGD", dict(momentum=0.9))
    sched = lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=5)
    for _ in range(5):
        sched.step()
    with pytest.raises(ValueError, match="tried to step 6 times, but total_steps is 5"):
        sched.step()


def composite_run(lib, kind, steps=STEPS):
    L = schedulers_of(lib)
    opt = make_optimizer(lib, "SGD", dict(momentum=0.9))
    if kind == "sequential":
        sched = L.SequentialLR(opt, [L.LinearLR(opt, start_factor=0.1, total_iters=5),
                                     L.CosineAnnealingLR(opt, T_max=20), L.ExponentialLR(opt, gamma=0.9)],
                               milestones=[5, 25])
    else:
        sched = L.ChainedScheduler([L.ConstantLR(opt, factor=0.2, total_iters=6), L.ExponentialLR(opt, gamma=0.95)])
    out = [record(opt, sched)]
    for _ in range(steps):
        opt.step()
        sched.step()
        out.append(record(opt, sched))
    return out, sched


@pytest.mark.torch
@pytest.mark.parametrize("kind", ["sequential", "chained"])
def test_composite_schedulers_equal_torch(torch, kind):
    ours, _ = composite_run(minigrad, kind)
    theirs, _ = composite_run(torch, kind)
    np.testing.assert_allclose([lrs for lrs, _ in ours], [lrs for lrs, _ in theirs], rtol=1e-13)
    assert len({tuple(lrs) for lrs, _ in ours}) > 10


@pytest.mark.parametrize("kind", ["sequential", "chained"])
def test_composite_state_dict_resumes(tmp_path, kind):
    straight, _ = composite_run(minigrad, kind, steps=30)
    half, sched = composite_run(minigrad, kind, steps=12)
    minigrad.save({"sched": sched.state_dict(), "opt": sched.optimizer.state_dict()}, tmp_path / "s.npz")
    saved = minigrad.load(tmp_path / "s.npz")
    _, sched2 = composite_run(minigrad, kind, steps=0)
    sched2.optimizer.load_state_dict(saved["opt"])
    sched2.load_state_dict(saved["sched"])
    for i in range(12, 30):
        sched2.optimizer.step()
        sched2.step()
        np.testing.assert_allclose(sched2.get_last_lr(), straight[i + 1][0], rtol=1e-15)


def test_composites_refuse_plateau_and_mismatched_milestones():
    opt = make_optimizer(minigrad, "SGD", {})
    with pytest.raises(ValueError, match="ReduceLROnPlateau"):
        lr_scheduler.ChainedScheduler([lr_scheduler.ReduceLROnPlateau(opt)])
    with pytest.raises(ValueError, match="milestone"):
        lr_scheduler.SequentialLR(opt, [lr_scheduler.StepLR(opt, 2), lr_scheduler.StepLR(opt, 3)], milestones=[])
    with pytest.raises(ValueError, match="T_0"):
        lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=0)
    with pytest.raises(ValueError, match="mode"):
        lr_scheduler.CyclicLR(opt, 0.01, 0.1, mode="zigzag", cycle_momentum=False)
