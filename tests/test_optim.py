"""Optimizers: trajectory parity with torch.optim, convergence, state dicts, bad input.

Parity: the same initial parameters and the same 50 gradients go into minigrad's and
torch's optimizer (float64, torch's single-tensor code path); every parameter at every step
must agree within 1e-12 relative (elementwise, relative to torch's value). One parameter
gets a gradient only on even steps, so skipping (no update, no step count) is checked too.
"""

import itertools

import numpy as np
import pytest

import minigrad
from minigrad.errors import DTypeError, GraphError, ShapeError
from minigrad.nn import Parameter
from minigrad.optim import SGD, Adagrad, Adam, AdamW, Optimizer, RMSprop

SHAPES = [(3, 4), (5,), (2, 3)]
STEPS = 50
RTOL = 1e-12


def initial_params(seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s).astype(dtype) for s in SHAPES]


def gradient_sequence(seed=1, steps=STEPS, dtype=np.float64):
    """grads[t][i] for step t and parameter i; parameter 2 has no gradient on odd steps."""
    rng = np.random.default_rng(seed)
    grads = []
    for t in range(steps):
        scale = 10.0 ** rng.uniform(-2, 1)  # gradients of very different sizes from step to step
        grads.append([(scale * rng.standard_normal(s)).astype(dtype) if (i != 2 or t % 2 == 0) else None
                      for i, s in enumerate(SHAPES)])
    return grads


def run_minigrad(cls, kwargs, init, grads, start=0, stop=None, opt=None, params=None):
    """Run steps start..stop; return the parameter values after each step (and the optimizer)."""
    params = params or [Parameter(a.copy()) for a in init]
    opt = opt or cls(params, **kwargs)
    out = []
    for step_grads in grads[start:stop]:
        for p, g in zip(params, step_grads):
            p.grad = None if g is None else minigrad.tensor(g)
        opt.step()
        out.append([p.numpy().copy() for p in params])
    return out, opt, params


def run_torch(torch, name, kwargs, init, grads):
    params = [torch.tensor(a.copy(), requires_grad=True) for a in init]
    opt = getattr(torch.optim, name)(params, foreach=False, **kwargs)
    out = []
    for step_grads in grads:
        for p, g in zip(params, step_grads):
            p.grad = None if g is None else torch.tensor(g)
        opt.step()
        out.append([p.detach().numpy().copy() for p in params])
    return out


def assert_same_trajectory(ours, theirs, rtol=RTOL):
    """|ours - theirs| <= rtol · max|theirs| for every parameter at every step.

    Relative to the parameter's scale, not to each entry: an entry that passes near zero has
    lost its leading digits to cancellation in both libraries alike (torch's kernels fuse
    multiply-adds, NumPy's do not, so the last bit can differ).
    """
    assert len(ours) == len(theirs)
    for t, (a_step, b_step) in enumerate(zip(ours, theirs)):
        for i, (a, b) in enumerate(zip(a_step, b_step)):
            scale = float(np.abs(b).max())
            np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol * scale, err_msg=f"step {t + 1}, parameter {i}")


# ---- every option combination ------------------------------------------------------------------
def sgd_configs():
    for momentum, dampening, nesterov, wd, maximize in itertools.product(
            [0.0, 0.9], [0.0, 0.3], [False, True], [0.0, 0.05], [False, True]):
        if momentum == 0 and (dampening != 0 or nesterov):
            continue
        if nesterov and dampening != 0:
            continue
        yield dict(lr=0.05, momentum=momentum, dampening=dampening, nesterov=nesterov, weight_decay=wd,
                   maximize=maximize)


def adam_configs(default_wd):
    for wd, amsgrad, maximize in itertools.product([0.0, default_wd], [False, True], [False, True]):
        yield dict(lr=0.01, weight_decay=wd, amsgrad=amsgrad, maximize=maximize)
    yield dict(lr=0.03, betas=(0.8, 0.95), eps=1e-3, weight_decay=default_wd, amsgrad=True)
    yield dict(lr=0.03, betas=(0.0, 0.5), eps=1e-6)


def rmsprop_configs():
    for momentum, centered, wd, maximize in itertools.product([0.0, 0.5], [False, True], [0.0, 0.1], [False, True]):
        yield dict(lr=0.01, alpha=0.9, momentum=momentum, centered=centered, weight_decay=wd, maximize=maximize)
    yield dict(lr=0.001, eps=1e-3, momentum=0.9, centered=True)


def adagrad_configs():
    for lr_decay, wd, init_acc, maximize in itertools.product([0.0, 0.05], [0.0, 0.1], [0.0, 0.5], [False, True]):
        yield dict(lr=0.1, lr_decay=lr_decay, weight_decay=wd, initial_accumulator_value=init_acc, maximize=maximize)
    yield dict(lr=0.5, eps=1e-3)


CASES = ([(SGD, c) for c in sgd_configs()] + [(Adam, c) for c in adam_configs(0.1)]
         + [(AdamW, c) for c in adam_configs(0.01)] + [(RMSprop, c) for c in rmsprop_configs()]
         + [(Adagrad, c) for c in adagrad_configs()])


def case_id(case):
    cls, kw = case
    return cls.__name__ + "-" + ",".join(f"{k}={v}" for k, v in kw.items() if k != "lr")


@pytest.mark.torch
@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_trajectory_matches_torch(torch, case):
    cls, kwargs = case
    init, grads = initial_params(), gradient_sequence()
    ours, _, _ = run_minigrad(cls, kwargs, init, grads)
    theirs = run_torch(torch, cls.__name__, kwargs, init, grads)
    assert_same_trajectory(ours, theirs)


def test_parity_grid_switches_every_option():
    """The grid above gives every option at least two values for each optimizer."""
    for cls, options in [(SGD, ["momentum", "dampening", "nesterov", "weight_decay", "maximize"]),
                         (Adam, ["weight_decay", "amsgrad", "maximize", "betas", "eps"]),
                         (AdamW, ["weight_decay", "amsgrad", "maximize", "betas", "eps"]),
                         (RMSprop, ["momentum", "centered", "weight_decay", "maximize", "alpha", "eps"]),
                         (Adagrad, ["lr_decay", "weight_decay", "initial_accumulator_value", "maximize", "eps"])]:
        configs = [kw for c, kw in CASES if c is cls]
        for option in options:
            values = {repr(kw.get(option, "default")) for kw in configs}
            assert len(values) >= 2, f"{cls.__name__}: option {option} only takes {values}"


@pytest.mark.torch
def test_parameter_groups_and_added_group_match_torch(torch):
    """Two groups with their own options, and a third group added after 10 steps."""
    init, grads = initial_params(), gradient_sequence()

    def drive(make_param, make_opt, to_array, set_grad):
        params = [make_param(a.copy()) for a in init]
        opt = make_opt([{"params": [params[0]], "lr": 0.1, "momentum": 0.5},
                        {"params": [params[1]], "nesterov": True, "weight_decay": 0.1}])
        out = []
        for t, step_grads in enumerate(grads):
            if t == 10:
                opt.add_param_group({"params": [params[2]], "lr": 0.2, "momentum": 0.0})
            for p, g in zip(params, step_grads):
                set_grad(p, g)
            opt.step()
            out.append([to_array(p) for p in params])
        return out

    ours = drive(Parameter, lambda g: SGD(g, lr=0.05, momentum=0.9), lambda p: p.numpy().copy(),
                 lambda p, g: setattr(p, "grad", None if g is None else minigrad.tensor(g)))
    theirs = drive(lambda a: torch.tensor(a, requires_grad=True),
                   lambda g: torch.optim.SGD(g, lr=0.05, momentum=0.9, foreach=False),
                   lambda p: p.detach().numpy().copy(),
                   lambda p, g: setattr(p, "grad", None if g is None else torch.tensor(g)))
    assert_same_trajectory(ours, theirs)


@pytest.mark.torch
@pytest.mark.parametrize("cls,kwargs", [
    (SGD, dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01)),
    (Adam, dict(lr=0.01, amsgrad=True, weight_decay=0.1)),
    (AdamW, dict(lr=0.01)),
    (RMSprop, dict(lr=0.01, momentum=0.5, centered=True)),
    (Adagrad, dict(lr=0.1, lr_decay=0.01, initial_accumulator_value=0.1)),
])
def test_float32_stays_float32_and_matches_torch(torch, cls, kwargs):
    init = initial_params(dtype=np.float32)
    grads = gradient_sequence(dtype=np.float32)
    ours, opt, params = run_minigrad(cls, kwargs, init, grads)
    assert all(p.dtype == np.float32 for p in params)
    for state in opt.state.values():
        for key, value in state.items():
            if isinstance(value, minigrad.Tensor):
                assert value.dtype == np.float32, key
    theirs = run_torch(torch, cls.__name__, kwargs, init, grads)
    # float32's last bits differ (fused multiply-adds in torch): a few ulps (~2e-7 seen) after 50 steps
    assert_same_trajectory(ours, theirs, rtol=1e-6)


# ---- the step itself -----------------------------------------------------------------------------
@pytest.mark.parametrize("cls,kwargs", [(SGD, dict(lr=0.1, momentum=0.9, weight_decay=0.1, maximize=True)),
                                        (Adam, dict(weight_decay=0.1, maximize=True)),
                                        (AdamW, dict(maximize=True)),
                                        (RMSprop, dict(weight_decay=0.1, momentum=0.5, centered=True, maximize=True)),
                                        (Adagrad, dict(weight_decay=0.1, maximize=True))])
def test_step_changes_parameters_in_place_and_leaves_grads_alone(cls, kwargs):
    init, grads = initial_params(), gradient_sequence(steps=3)
    params = [Parameter(a.copy()) for a in init]
    arrays = [p.array for p in params]
    versions = [p._version for p in params]
    opt = cls(params, **kwargs)
    for p, g in zip(params, grads[0]):
        p.grad = None if g is None else minigrad.tensor(g)
    opt.step()
    assert all(p.array is a for p, a in zip(params, arrays)), "the update must write into the parameter's array"
    for p, g, a0, v0 in zip(params, grads[0], init, versions):
        np.testing.assert_array_equal(p.grad.numpy(), g)  # maximize and weight decay do not touch .grad
        assert not np.array_equal(p.numpy(), a0)
        assert p._version > v0


def test_parameter_without_gradient_is_skipped():
    a, b = Parameter(np.ones(3)), Parameter(np.ones(2))
    opt = Adam([a, b], lr=0.1)
    a.grad = minigrad.tensor(np.ones(3))
    opt.step()
    np.testing.assert_array_equal(b.numpy(), np.ones(2))
    assert b not in opt.state or not opt.state[b]
    assert opt.state[a]["step"] == 1


def test_state_is_keyed_by_the_parameter_object():
    a, b = Parameter(np.zeros(2)), Parameter(np.zeros(2))  # equal values, different parameters
    opt = SGD([a, b], lr=0.1, momentum=0.9)
    a.grad, b.grad = minigrad.tensor(np.ones(2)), minigrad.tensor(2 * np.ones(2))
    opt.step()
    np.testing.assert_array_equal(opt.state[a]["momentum_buffer"].numpy(), np.ones(2))
    np.testing.assert_array_equal(opt.state[b]["momentum_buffer"].numpy(), 2 * np.ones(2))


def test_update_invalidates_a_graph_that_saved_the_old_value():
    p = Parameter(np.array([1.0, 2.0]))
    y = (p * p).sum()
    p.grad = minigrad.tensor(np.ones(2))
    SGD([p], lr=0.1).step()
    with pytest.raises(GraphError):
        y.backward()


def test_zero_grad():
    p = Parameter(np.ones(3))
    opt = SGD([p], lr=0.1)
    p.grad = minigrad.tensor(np.ones(3))
    grad = p.grad
    opt.zero_grad(set_to_none=False)
    assert p.grad is grad
    np.testing.assert_array_equal(p.grad.numpy(), np.zeros(3))
    opt.zero_grad()
    assert p.grad is None
    opt.zero_grad()  # no gradient: nothing to do


def test_step_with_closure_returns_the_loss_and_computes_gradients():
    p = Parameter(np.array([3.0, -4.0]))
    opt = SGD([p], lr=0.25)

    def closure():
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss

    with minigrad.no_grad():  # step switches grad mode back on for the closure
        loss = opt.step(closure)
    assert float(loss.item()) == 25.0
    np.testing.assert_allclose(p.numpy(), [1.5, -2.0])  # p - 0.25 * 2p


def test_gradient_of_the_wrong_shape_or_dtype_is_refused():
    p = Parameter(np.ones(3))
    with pytest.raises(ShapeError):  # refused when assigned, as in PyTorch
        p.grad = minigrad.tensor(np.ones(4))
    p.grad = minigrad.tensor(np.ones(3))
    p.grad.data = minigrad.tensor(np.ones(4))  # changed behind the setter's back: step still refuses it
    with pytest.raises(ShapeError, match=r"\(3,\).*\(4,\)"):
        SGD([p], lr=0.1).step()
    p.grad.data = minigrad.tensor(np.ones(3, dtype=np.float32))
    with pytest.raises(DTypeError, match="float64.*float32"):
        Adam([p]).step()


def test_options_per_group_come_from_defaults_when_missing():
    a, b = Parameter(np.ones(1)), Parameter(np.ones(1))
    opt = Adam([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1, betas=(0.8, 0.9))
    assert opt.param_groups[0]["lr"] == 0.1 and opt.param_groups[1]["lr"] == 0.5
    assert opt.param_groups[1]["betas"] == (0.8, 0.9)
    assert isinstance(opt, Optimizer)
    assert "Parameter Group 1" in repr(opt)


def test_adagrad_state_exists_from_the_start():
    p = Parameter(np.ones(3))
    opt = Adagrad([p], initial_accumulator_value=0.25)
    assert opt.state[p]["step"] == 0
    np.testing.assert_array_equal(opt.state[p]["sum"].numpy(), np.full(3, 0.25))
    q = Parameter(np.ones(2))
    opt.add_param_group({"params": [q]})
    np.testing.assert_array_equal(opt.state[q]["sum"].numpy(), np.full(2, 0.25))


# ---- convergence ---------------------------------------------------------------------------------
def quadratic_problem():
    """f(x) = ½ xᵀAx - bᵀx in 10-d, A symmetric with eigenvalues 1..10; minimum at x* = A⁻¹b."""
    rng = np.random.default_rng(0)
    q, _ = np.linalg.qr(rng.standard_normal((10, 10)))
    a = q @ np.diag(np.linspace(1, 10, 10)) @ q.T
    b = rng.standard_normal(10)
    return a, b, np.linalg.solve(a, b)


# (optimizer, steps, tolerance on max |x - x*|); the tolerances leave room above the errors reached
# (noted on the right). RMSprop with a fixed rate ends in a small oscillation of the size of its lr.
QUADRATIC = [
    (lambda p: SGD(p, lr=0.1), 300, 1e-10),                               # ~1e-14
    (lambda p: SGD(p, lr=0.05, momentum=0.9), 300, 1e-6),                  # ~7e-8
    (lambda p: SGD(p, lr=0.05, momentum=0.9, nesterov=True), 300, 1e-9),   # ~3e-11
    (lambda p: Adam(p, lr=0.1), 300, 1e-6),                                # ~7e-8
    (lambda p: Adam(p, lr=0.1, amsgrad=True), 300, 1e-6),                  # ~7e-8
    (lambda p: AdamW(p, lr=0.1, weight_decay=0.0), 300, 1e-6),             # ~7e-8
    (lambda p: RMSprop(p, lr=0.01), 300, 1e-2),                            # ~3e-3
    (lambda p: RMSprop(p, lr=1e-3, momentum=0.9, centered=True), 300, 1e-3),  # ~6e-8
    (lambda p: Adagrad(p, lr=0.5), 100, 1e-9),                             # ~1e-11
]


@pytest.mark.parametrize("make,steps,tol", QUADRATIC)
def test_minimises_a_convex_quadratic(make, steps, tol):
    a, b, x_star = quadratic_problem()
    x = Parameter(np.zeros(10))
    opt = make([x])
    a_t, b_t = minigrad.tensor(a), minigrad.tensor(b)

    def closure():
        opt.zero_grad()
        loss = 0.5 * (x * (a_t @ x)).sum() - (b_t * x).sum()
        loss.backward()
        return loss

    for _ in range(steps):
        opt.step(closure)
    assert np.abs(x.numpy() - x_star).max() < tol


# Rosenbrock f(x, y) = (1 - x)² + 100 (y - x²)² from (-1.5, 2): a curved, badly scaled valley with
# its minimum at (1, 1). Tolerance on max |θ - (1, 1)| after the stated steps (errors reached on the right).
ROSENBROCK = [
    (lambda p: SGD(p, lr=1e-3), 10000, 5e-2),                                # ~2e-2: plain SGD crawls
    (lambda p: SGD(p, lr=1e-3, momentum=0.9), 4000, 1e-6),                   # ~6e-8
    (lambda p: SGD(p, lr=1e-3, momentum=0.9, nesterov=True), 4000, 1e-6),    # ~4e-8
    (lambda p: Adam(p, lr=0.02), 4000, 1e-6),                                # ~7e-11
    (lambda p: Adam(p, lr=0.05, amsgrad=True), 4000, 1e-6),                  # ~7e-8
    (lambda p: AdamW(p, lr=0.02, weight_decay=1e-4), 4000, 1e-3),            # ~2e-4: decay pulls toward 0
    (lambda p: RMSprop(p, lr=3e-4, momentum=0.9), 4000, 1e-3),               # ~1e-4
    (lambda p: RMSprop(p, lr=3e-4, momentum=0.9, centered=True), 4000, 1e-3),  # ~1e-4
    (lambda p: Adagrad(p, lr=1.0), 10000, 1e-2),                             # ~5e-3: steps shrink like 1/√t
]


@pytest.mark.parametrize("make,steps,tol", ROSENBROCK)
def test_minimises_rosenbrock(make, steps, tol):
    theta = Parameter(np.array([-1.5, 2.0]))
    opt = make([theta])
    for _ in range(steps):
        x, y = theta.data
        # the exact gradient, written out so that thousands of steps stay fast
        theta.grad = minigrad.tensor(np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)]))
        opt.step()
    assert np.abs(theta.numpy() - 1.0).max() < tol


# ---- state dicts ---------------------------------------------------------------------------------
ROUND_TRIP = [
    (SGD, dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01)),
    (SGD, dict(lr=0.05, momentum=0.9, dampening=0.3)),
    (Adam, dict(lr=0.01, amsgrad=True, weight_decay=0.1)),
    (AdamW, dict(lr=0.01, betas=(0.8, 0.9))),
    (RMSprop, dict(lr=0.01, momentum=0.5, centered=True)),
    (Adagrad, dict(lr=0.1, lr_decay=0.01, initial_accumulator_value=0.1)),
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("cls,kwargs", ROUND_TRIP, ids=[c.__name__ for c, _ in ROUND_TRIP])
def test_state_dict_round_trip_through_a_file_continues_bit_for_bit(tmp_path, cls, kwargs, dtype):
    init, grads = initial_params(dtype=dtype), gradient_sequence(dtype=dtype)
    straight, _, _ = run_minigrad(cls, kwargs, init, grads)

    first, opt, params = run_minigrad(cls, kwargs, init, grads, stop=20)
    path = tmp_path / "checkpoint.npz"
    minigrad.save({"optimizer": opt.state_dict(), "params": [p.detach() for p in params]}, path)
    del opt, params
    checkpoint = minigrad.load(path)

    fresh = [Parameter(t.numpy().copy()) for t in checkpoint["params"]]
    opt = cls(fresh, **{k: v * 3 if k == "lr" else v for k, v in kwargs.items()})  # lr comes from the file
    opt.load_state_dict(checkpoint["optimizer"])
    rest, _, _ = run_minigrad(cls, kwargs, init, grads, start=20, opt=opt, params=fresh)
    for t, (a_step, b_step) in enumerate(zip(first + rest, straight)):
        for a, b in zip(a_step, b_step):
            assert a.dtype == dtype
            np.testing.assert_array_equal(a, b, err_msg=f"step {t + 1}")


def test_state_dict_layout_is_pytorchs():
    a, b, c = Parameter(np.ones(2)), Parameter(np.ones(3)), Parameter(np.ones(1))
    opt = Adam([{"params": [a, b]}, {"params": [c], "lr": 0.5}], lr=0.1)
    a.grad, c.grad = minigrad.tensor(np.ones(2)), minigrad.tensor(np.ones(1))
    opt.step()
    sd = opt.state_dict()
    assert [g["params"] for g in sd["param_groups"]] == [[0, 1], [2]]
    assert sd["param_groups"][1]["lr"] == 0.5 and sd["param_groups"][0]["betas"] == (0.9, 0.999)
    assert sorted(sd["state"]) == [0, 2]  # b had no gradient: no state
    assert set(sd["state"][0]) == {"step", "exp_avg", "exp_avg_sq"} and sd["state"][0]["step"] == 1
    assert isinstance(sd["state"][0]["exp_avg"], minigrad.Tensor)
    # a snapshot: stepping again does not change the saved dict
    saved = sd["state"][0]["exp_avg"].numpy().copy()
    opt.step()
    np.testing.assert_array_equal(sd["state"][0]["exp_avg"].numpy(), saved)


@pytest.mark.torch
def test_state_dict_matches_torchs_keys_and_values(torch):
    init, grads = initial_params(), gradient_sequence(steps=5)
    for cls, kwargs in ROUND_TRIP:
        _, opt, _ = run_minigrad(cls, kwargs, init, grads)
        params = [torch.tensor(a.copy(), requires_grad=True) for a in init]
        topt = getattr(torch.optim, cls.__name__)(params, foreach=False, **kwargs)
        for step_grads in grads:
            for p, g in zip(params, step_grads):
                p.grad = None if g is None else torch.tensor(g)
            topt.step()
        ours, theirs = opt.state_dict(), topt.state_dict()
        assert sorted(ours["state"]) == sorted(theirs["state"]), cls.__name__
        for i, state in theirs["state"].items():
            assert set(ours["state"][i]) == set(state), cls.__name__
            for key, value in state.items():
                np.testing.assert_allclose(np.asarray(ours["state"][i][key]), value.numpy(), rtol=1e-12)
        for g_ours, g_theirs in zip(ours["param_groups"], theirs["param_groups"]):
            for key, value in g_ours.items():
                assert g_theirs[key] == (list(value) if isinstance(g_theirs[key], list) else value), key


def test_load_state_dict_refuses_mismatched_groups_and_shapes():
    def trained(shapes, groups=1):
        params = [Parameter(np.ones(s)) for s in shapes]
        split = [params] if groups == 1 else [params[:1], params[1:]]
        opt = SGD([{"params": g} for g in split], lr=0.1, momentum=0.9)
        for p in params:
            p.grad = minigrad.tensor(np.ones(p.shape))
        opt.step()
        return opt

    sd = trained([(2,), (3,)]).state_dict()
    with pytest.raises(ValueError, match="1 parameter groups but the optimizer has 2"):
        trained([(2,), (3,)], groups=2).load_state_dict(sd)
    with pytest.raises(ValueError, match="group 0 has 2 parameters in the state dict but 3"):
        trained([(2,), (3,), (1,)]).load_state_dict(sd)
    with pytest.raises(ShapeError, match=r"momentum_buffer.*parameter 1.*\(3,\).*\(4,\)"):
        trained([(2,), (4,)]).load_state_dict(sd)
    target = trained([(2,), (3,)])
    bad = {"state": {5: {"momentum_buffer": minigrad.tensor(np.ones(2))}}, "param_groups": sd["param_groups"]}
    with pytest.raises(ValueError, match="parameter 5"):
        target.load_state_dict(bad)


# ---- bad input -------------------------------------------------------------------------------------
def _p():
    return [Parameter(np.ones(2))]


@pytest.mark.parametrize("make,message", [
    (lambda: SGD(_p(), lr=-0.1), "SGD: invalid learning rate lr=-0.1"),
    (lambda: Adam(_p(), lr=-1e-3), "Adam: invalid learning rate"),
    (lambda: AdamW(_p(), lr=-1e-3), "AdamW: invalid learning rate"),
    (lambda: RMSprop(_p(), lr=-1.0), "RMSprop: invalid learning rate"),
    (lambda: Adagrad(_p(), lr=-1.0), "Adagrad: invalid learning rate"),
    (lambda: SGD(_p(), lr=0.1, momentum=-0.5), "SGD: invalid momentum=-0.5"),
    (lambda: RMSprop(_p(), momentum=-0.5), "RMSprop: invalid momentum"),
    (lambda: Adam(_p(), betas=(1.0, 0.999)), r"invalid betas\[0\]=1.0; it must be in \[0, 1\)"),
    (lambda: Adam(_p(), betas=(-0.1, 0.999)), r"invalid betas\[0\]=-0.1"),
    (lambda: Adam(_p(), betas=(0.9, 1.0)), r"invalid betas\[1\]=1.0"),
    (lambda: AdamW(_p(), betas=(0.9, 1.5)), r"AdamW: invalid betas\[1\]=1.5"),
    (lambda: Adam(_p(), eps=0.0), "Adam: invalid eps=0.0; it must be > 0"),
    (lambda: AdamW(_p(), eps=-1e-8), "AdamW: invalid eps"),
    (lambda: RMSprop(_p(), eps=0.0), "RMSprop: invalid eps"),
    (lambda: Adagrad(_p(), eps=0.0), "Adagrad: invalid eps"),
    (lambda: SGD(_p(), lr=0.1, nesterov=True), "nesterov=True needs momentum > 0 and dampening = 0"),
    (lambda: SGD(_p(), lr=0.1, momentum=0.9, dampening=0.1, nesterov=True), "nesterov=True needs"),
    (lambda: SGD(_p(), lr=0.1, weight_decay=-1.0), "invalid weight_decay"),
    (lambda: Adam(_p(), weight_decay=-1.0), "invalid weight_decay"),
    (lambda: RMSprop(_p(), alpha=1.5), "invalid alpha"),
    (lambda: Adagrad(_p(), lr_decay=-0.1), "invalid lr_decay"),
    (lambda: Adagrad(_p(), initial_accumulator_value=-1.0), "invalid initial_accumulator_value"),
    (lambda: SGD(_p(), lr=float("nan")), "invalid learning rate"),
    (lambda: SGD([], lr=0.1), "empty parameter list"),
    (lambda: Adam([{"params": []}]), "empty parameter list"),
])
def test_bad_options_are_refused(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_bad_options_in_a_group_are_refused():
    a, b = Parameter(np.ones(1)), Parameter(np.ones(1))
    with pytest.raises(ValueError, match="invalid learning rate lr=-1"):
        SGD([{"params": [a]}, {"params": [b], "lr": -1}], lr=0.1)
    opt = Adam([a])
    with pytest.raises(ValueError, match=r"betas\[1\]"):
        opt.add_param_group({"params": [b], "betas": (0.9, 1.0)})


def test_the_same_parameter_twice_is_refused():
    a, b = Parameter(np.ones(1)), Parameter(np.ones(1))
    with pytest.raises(ValueError, match="more than one parameter group"):
        SGD([{"params": [a, b]}, {"params": [a]}], lr=0.1)
    opt = SGD([a], lr=0.1)
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [a]})
    with pytest.raises(ValueError, match="the same parameter twice"):
        SGD([a, b, a], lr=0.1)


def test_parameters_that_cannot_be_optimized_are_refused():
    with pytest.raises(DTypeError, match="int64"):
        SGD([minigrad.tensor(np.arange(3))], lr=0.1)
    leaf = Parameter(np.ones(2))
    with pytest.raises(ValueError, match="non-leaf"):
        SGD([leaf * 2], lr=0.1)
    with pytest.raises(TypeError, match="Tensors"):
        SGD([np.ones(2)], lr=0.1)
    with pytest.raises(TypeError, match="single Tensor"):
        SGD(leaf, lr=0.1)
    with pytest.raises(TypeError, match="not a set"):
        SGD([{"params": {leaf}}], lr=0.1)


def test_a_generator_of_parameters_is_accepted():
    params = [Parameter(np.ones(2)), Parameter(np.ones(3))]
    opt = SGD((p for p in params), lr=0.1)
    group = opt.param_groups[0]["params"]
    assert len(group) == 2 and all(a is b for a, b in zip(group, params))


# ---- GPU -------------------------------------------------------------------------------------------
@pytest.mark.gpu
@pytest.mark.parametrize("cls,kwargs", ROUND_TRIP, ids=[c.__name__ for c, _ in ROUND_TRIP])
def test_cuda_matches_cpu(cls, kwargs):
    init, grads = initial_params(), gradient_sequence()
    cpu, _, _ = run_minigrad(cls, kwargs, init, grads)
    params = [Parameter(minigrad.tensor(a, device="cuda")) for a in init]
    opt = cls(params, **kwargs)
    for t, step_grads in enumerate(grads):
        for p, g in zip(params, step_grads):
            p.grad = None if g is None else minigrad.tensor(g, device="cuda")
        opt.step()
        for p, expected in zip(params, cpu[t]):
            assert p.is_cuda
            np.testing.assert_allclose(p.cpu().numpy(), expected, rtol=1e-10, atol=1e-12)
    for state in opt.state.values():
        assert all(v.is_cuda for v in state.values() if isinstance(v, minigrad.Tensor))
