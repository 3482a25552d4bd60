"""Module hooks beyond the basic forward hooks: with_kwargs, prepend, full backward hooks, lookups."""

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn


class Two(nn.Module):
    """A module with two tensor inputs and two outputs."""

    def forward(self, a, b, scale=1.0):
        return a * b * scale, a + b


@pytest.mark.torch
def test_full_backward_hook_sees_what_torch_sees(torch):
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((2, 3)), rng.standard_normal((2, 3))

    def run(lib, module):
        seen = []
        module.register_full_backward_hook(lambda m, gi, go: seen.append(
            ([g.detach().numpy().copy() for g in gi], [g.detach().numpy().copy() for g in go])))
        x = lib.tensor(a, requires_grad=True)
        y = lib.tensor(b, requires_grad=True)
        p, s = module(x, y, scale=2.0)
        (p * 3 + s * s).sum().backward()
        return seen, x.grad.numpy(), y.grad.numpy()

    class TorchTwo(torch.nn.Module):
        def forward(self, a, b, scale=1.0):
            return a * b * scale, a + b

    ours, theirs = run(mg, Two()), run(torch, TorchTwo())
    assert len(ours[0]) == len(theirs[0]) == 1
    for mine, ref in zip(ours[0][0][0] + ours[0][0][1], theirs[0][0][0] + theirs[0][0][1]):
        np.testing.assert_allclose(mine, ref, rtol=1e-12)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-12)


def test_backward_hook_can_replace_grad_input_and_pre_hook_grad_output():
    lin = nn.Linear(3, 2)
    lin.register_full_backward_hook(lambda m, gi, go: tuple(g * 0 for g in gi))
    x = mg.randn(4, 3, requires_grad=True)
    lin(x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), 0.0)
    assert lin.weight.grad is not None and np.abs(lin.weight.grad.numpy()).sum() > 0

    lin2 = nn.Linear(3, 2, bias=False)
    lin2.register_full_backward_pre_hook(lambda m, go: (go[0] * 2,))
    x2 = mg.randn(4, 3, requires_grad=True)
    lin2(x2).sum().backward()
    np.testing.assert_allclose(x2.grad.numpy(), 2 * np.ones((4, 2)) @ lin2.weight.numpy(), rtol=1e-6)


def test_forward_hooks_with_kwargs_and_prepend():
    m = Two()
    order = []
    m.register_forward_pre_hook(lambda mod, args, kwargs: (args, {"scale": 10.0}), with_kwargs=True)
    m.register_forward_hook(lambda mod, args, out: order.append("second"))
    m.register_forward_hook(lambda mod, args, out: order.append("first"), prepend=True)
    m.register_forward_hook(lambda mod, args, kwargs, out: order.append(kwargs["scale"]), with_kwargs=True)
    p, _ = m(mg.ones(2), mg.ones(2))
    np.testing.assert_array_equal(p.numpy(), 10.0)
    assert order == ["first", "second", 10.0]


def test_get_parameter_and_buffer():
    net = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))
    assert net.get_parameter("0.weight") is net[0].weight
    assert net.get_buffer("1.running_mean") is net[1].running_mean
    with pytest.raises(AttributeError, match="bias2"):
        net.get_parameter("0.bias2")
    assert net.share_memory() is net
