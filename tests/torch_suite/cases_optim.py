"""Optimizers and lr schedulers: a few steps on a small layer, weights compared with torch.optim's
(tinygrad's optimizer tests). ``make(T, params)`` gives (optimizer, scheduler or None)."""

import numpy as np
import torch

import minigrad as mg

from .harness import TOLERANCES, copy_module


class OptimCase:
    def __init__(self, name, make, steps=4, marks=()):
        self.name, self.make, self.steps, self.marks = name, make, steps, marks


def check_optim_case(case, dtype):
    rng = np.random.default_rng(len(case.name))
    x = rng.standard_normal((5, 3)).astype(dtype)
    torch.manual_seed(0)
    tmod, mmod = torch.nn.Linear(3, 2), mg.nn.Linear(3, 2)
    if dtype == "float64":
        tmod, mmod = tmod.double(), mmod.double()
    copy_module(tmod, mmod)
    results = []
    for T, mod in ((torch, tmod), (mg, mmod)):
        opt, sched = case.make(T, list(mod.parameters()))
        xs = T.tensor(x)
        for _ in range(case.steps):
            opt.zero_grad()
            loss = (mod(xs).tanh() ** 2).sum()
            loss.backward()
            opt.step()
            if sched is not None:
                sched.step()
        results.append([np.asarray(p.detach().numpy()) for p in mod.parameters()]
                       + ([np.float64(opt.param_groups[0]["lr"])]))
    atol, rtol = TOLERANCES[dtype]
    for k, (t, m) in enumerate(zip(*results)):
        np.testing.assert_allclose(m, t, atol=atol * 10, rtol=rtol * 10, err_msg=f"parameter/lr {k}")


def _sched(opt_fn, sched_fn):
    def make(T, params):
        opt = opt_fn(T, params)
        return opt, sched_fn(T, opt)
    return make


def _opt(fn):
    return lambda T, params: (fn(T, params), None)


O = lambda T: T.optim  # noqa: E731
CASES = [
    OptimCase("SGD", _opt(lambda T, p: O(T).SGD(p, lr=0.1))),
    OptimCase("SGD momentum nesterov wd", _opt(lambda T, p: O(T).SGD(p, lr=0.1, momentum=0.9, nesterov=True,
                                                                     weight_decay=0.01))),
    OptimCase("SGD dampening maximize", _opt(lambda T, p: O(T).SGD(p, lr=0.1, momentum=0.5, dampening=0.3,
                                                                   maximize=True))),
    OptimCase("Adam", _opt(lambda T, p: O(T).Adam(p, lr=0.01))),
    OptimCase("Adam amsgrad wd", _opt(lambda T, p: O(T).Adam(p, lr=0.01, amsgrad=True, weight_decay=0.1))),
    OptimCase("AdamW", _opt(lambda T, p: O(T).AdamW(p, lr=0.01, weight_decay=0.1))),
    OptimCase("Adamax", _opt(lambda T, p: O(T).Adamax(p, lr=0.01))),
    OptimCase("NAdam", _opt(lambda T, p: O(T).NAdam(p, lr=0.01))),
    OptimCase("RAdam", _opt(lambda T, p: O(T).RAdam(p, lr=0.01)), steps=8),
    OptimCase("RMSprop centered momentum", _opt(lambda T, p: O(T).RMSprop(p, lr=0.01, centered=True, momentum=0.5))),
    OptimCase("Adagrad", _opt(lambda T, p: O(T).Adagrad(p, lr=0.1, lr_decay=0.01))),
    OptimCase("Adadelta", _opt(lambda T, p: O(T).Adadelta(p, lr=1.0))),
    OptimCase("Rprop", _opt(lambda T, p: O(T).Rprop(p, lr=0.01))),
    OptimCase("ASGD", _opt(lambda T, p: O(T).ASGD(p, lr=0.01, t0=2))),
    OptimCase("StepLR", _sched(lambda T, p: O(T).SGD(p, lr=0.1), lambda T, o: O(T).lr_scheduler.StepLR(o, 2, 0.5))),
    OptimCase("CosineAnnealingLR", _sched(lambda T, p: O(T).Adam(p, lr=0.01),
                                          lambda T, o: O(T).lr_scheduler.CosineAnnealingLR(o, T_max=3))),
    OptimCase("OneCycleLR", _sched(lambda T, p: O(T).SGD(p, lr=0.1, momentum=0.9),
                                   lambda T, o: O(T).lr_scheduler.OneCycleLR(o, max_lr=0.2, total_steps=6))),
    OptimCase("LinearLR", _sched(lambda T, p: O(T).SGD(p, lr=0.1),
                                 lambda T, o: O(T).lr_scheduler.LinearLR(o, start_factor=0.2, total_iters=3))),
    OptimCase("ExponentialLR", _sched(lambda T, p: O(T).SGD(p, lr=0.1),
                                      lambda T, o: O(T).lr_scheduler.ExponentialLR(o, gamma=0.7))),
    OptimCase("CyclicLR", _sched(lambda T, p: O(T).SGD(p, lr=0.1, momentum=0.9),
                                 lambda T, o: O(T).lr_scheduler.CyclicLR(o, 0.01, 0.1, step_size_up=2))),
]
