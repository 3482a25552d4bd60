"""PyTorch's optimizer and clipping switches that programs pass: ``foreach``, ``fused``,
``capturable`` (accepted, the same numbers), ``differentiable`` (refused when True),
Adam(decoupled_weight_decay=True), nn.utils.get_total_norm / clip_grads_with_norm_, and the
top-level constants and ``GradScaler``."""

import math

import numpy as np
import pytest

import minigrad as mg
from minigrad.errors import NotSupported

OPTIMIZERS = ["SGD", "Adam", "AdamW", "Adagrad", "RMSprop", "Adamax", "NAdam", "RAdam", "ASGD", "Rprop", "Adadelta"]


def _steps(make, steps=3):
    """The weights of a Linear(3, 2) after ``steps`` steps of ``make(params)`` on a fixed loss."""
    mg.manual_seed(0)
    layer = mg.nn.Linear(3, 2)
    opt = make(layer.parameters())
    x = mg.tensor(np.linspace(-1, 1, 12).reshape(4, 3).astype(np.float32))
    for _ in range(steps):
        opt.zero_grad()
        (layer(x) ** 2).sum().backward()
        opt.step()
    return layer.weight.detach().numpy().copy()


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_implementation_switches_change_nothing(name, torch):
    cls = getattr(mg.optim, name)
    lr = {"SGD": 0.1, "Adadelta": 1.0}.get(name, 0.01)
    theirs = getattr(torch.optim, name)
    import inspect

    switches = {k: v for k, v in (("foreach", False), ("fused", False), ("capturable", False))
                if k in inspect.signature(theirs.__init__).parameters}
    assert switches, name  # every optimizer here takes at least foreach in PyTorch
    plain = _steps(lambda p: cls(p, lr=lr))
    switched = _steps(lambda p: cls(p, lr=lr, differentiable=False, **switches))
    np.testing.assert_array_equal(plain, switched)
    with pytest.raises(NotSupported, match=f"{name}: differentiable=True"):
        cls(mg.nn.Linear(2, 2).parameters(), lr=lr, differentiable=True)


@pytest.mark.torch
def test_adam_with_decoupled_weight_decay_is_adamw(torch):
    adam = _steps(lambda p: mg.optim.Adam(p, lr=0.05, weight_decay=0.1, decoupled_weight_decay=True))
    adamw = _steps(lambda p: mg.optim.AdamW(p, lr=0.05, weight_decay=0.1))
    l2 = _steps(lambda p: mg.optim.Adam(p, lr=0.05, weight_decay=0.1))
    np.testing.assert_array_equal(adam, adamw)
    assert not np.allclose(adam, l2)
    # and against torch, the same weights and steps
    torch.manual_seed(0)
    mg.manual_seed(0)
    layer = mg.nn.Linear(3, 2)
    ref = torch.nn.Linear(3, 2)
    with torch.no_grad():
        ref.weight.copy_(torch.tensor(layer.weight.detach().numpy()))
        ref.bias.copy_(torch.tensor(layer.bias.detach().numpy()))
    opt = mg.optim.Adam(layer.parameters(), lr=0.05, weight_decay=0.1, decoupled_weight_decay=True)
    opt_ref = torch.optim.Adam(ref.parameters(), lr=0.05, weight_decay=0.1, decoupled_weight_decay=True)
    x = np.linspace(-1, 1, 12).reshape(4, 3).astype(np.float32)
    for _ in range(3):
        opt.zero_grad()
        opt_ref.zero_grad()
        (layer(mg.tensor(x)) ** 2).sum().backward()
        (ref(torch.tensor(x)) ** 2).sum().backward()
        opt.step()
        opt_ref.step()
    np.testing.assert_allclose(layer.weight.detach().numpy(), ref.weight.detach().numpy(), rtol=1e-5, atol=1e-6)


def test_adamw_stays_decoupled_after_loading_an_older_param_group():
    layer = mg.nn.Linear(3, 2)
    opt = mg.optim.AdamW(layer.parameters(), lr=0.05, weight_decay=0.5)
    state = opt.state_dict()
    for group in state["param_groups"]:
        group.pop("decoupled_weight_decay", None)  # as saved before the option existed
    opt.load_state_dict(state)
    w = layer.weight.detach().numpy().copy()
    for p in layer.parameters():
        p.grad = mg.zeros_like(p)  # a zero gradient: only the decay moves θ
    opt.step()
    np.testing.assert_allclose(layer.weight.detach().numpy(), w * (1 - 0.05 * 0.5), rtol=1e-6)


@pytest.mark.torch
def test_total_norm_and_clipping_with_it_match_torch(torch):
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s) for s in ((3, 4), (5,), (2, 2))]
    for norm_type in (2.0, 1.0, math.inf, 3.0):
        ours = [mg.nn.Parameter(mg.tensor(a)) for a in arrays]
        theirs = [torch.nn.Parameter(torch.tensor(a)) for a in arrays]
        for p, q, a in zip(ours, theirs, arrays):
            p.grad, q.grad = mg.tensor(3 * a), torch.tensor(3 * a)
        total = mg.nn.utils.get_total_norm([p.grad for p in ours], norm_type, foreach=None)
        want = torch.nn.utils.get_total_norm([q.grad for q in theirs], norm_type)
        np.testing.assert_allclose(total.item(), want.item(), rtol=1e-12)
        mg.nn.utils.clip_grads_with_norm_(ours, 1.0, total)
        torch.nn.utils.clip_grads_with_norm_(theirs, 1.0, want)
        for p, q in zip(ours, theirs):
            np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-12)
    # clip_grad_norm_ on a generator, with foreach, as programs call it
    layer = mg.nn.Linear(2, 2)
    (layer(mg.ones(1, 2)) * 100).sum().backward()
    norm = mg.nn.utils.clip_grad_norm_((p for p in layer.parameters()), 1.0, foreach=True)
    assert norm.item() > 1.0
    assert mg.nn.utils.get_total_norm([p.grad for p in layer.parameters()]).item() == pytest.approx(1.0, rel=1e-5)
    mg.nn.utils.clip_grad_value_(layer.parameters(), 0.1, foreach=None)
    assert max(abs(p.grad.numpy()).max() for p in layer.parameters()) <= 0.1
    with pytest.raises(ValueError, match="get_total_norm: norm_type"):
        mg.nn.utils.get_total_norm([mg.ones(2)], -1)


def test_constants_and_the_top_level_grad_scaler(torch):
    for name in ("inf", "nan", "pi", "e"):
        ours, theirs = getattr(mg, name), getattr(torch, name)
        assert type(ours) is type(theirs) is float
        assert ours == theirs or (math.isnan(ours) and math.isnan(theirs))
    assert mg.newaxis is torch.newaxis is None
    assert mg.ones(3)[:, mg.newaxis].shape == (3, 1)
    assert mg.GradScaler is mg.amp.GradScaler
    scaler = mg.GradScaler("cpu", enabled=False)
    assert scaler.scale(mg.ones(1)).item() == 1.0
