"""torch.autograd.graph: saved-tensor hooks (pack and unpack, save_on_cpu, disabling them),
Node and increment_version."""

import threading

import numpy as np
import pytest

import minigrad as mg
from minigrad.autograd import graph
from minigrad.errors import GraphError


def _model(x, w):
    return ((x @ w).tanh() * x.sum()).exp().mean()


def _grads(hooks=None, create_graph=False):
    rng = np.random.default_rng(0)
    x = mg.tensor(rng.standard_normal((3, 4)), requires_grad=True)
    w = mg.tensor(rng.standard_normal((4, 2)) * 0.3, requires_grad=True)
    if hooks is None:
        loss = _model(x, w)
    else:
        with hooks:
            loss = _model(x, w)
    grads = mg.autograd.grad(loss, [x, w], create_graph=create_graph)
    if not create_graph:
        return [g.numpy() for g in grads]
    return [g.numpy() for g in mg.autograd.grad(sum(g.sum() for g in grads), [x, w])]


def test_every_saved_tensor_goes_through_the_hooks_and_the_gradients_are_unchanged():
    packed, unpacked = [], []

    def pack(t):
        packed.append(t.shape)
        return t.numpy().copy()  # anything may be kept: here a NumPy copy

    def unpack(a):
        unpacked.append(a.shape)
        return mg.tensor(a)

    plain = _grads()
    hooked = _grads(graph.saved_tensors_hooks(pack, unpack))
    for a, b in zip(hooked, plain):
        np.testing.assert_array_equal(a, b)
    assert len(packed) >= 5 and len(unpacked) == len(packed)  # each saved tensor once in, once out


def test_second_derivatives_through_hooked_tensors_reach_the_inputs():
    plain = _grads(create_graph=True)
    hooked = _grads(graph.saved_tensors_hooks(lambda t: t.detach().clone(), lambda t: t), create_graph=True)
    for a, b in zip(hooked, plain):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_save_on_cpu_and_custom_functions():
    class Cube(mg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            y = x * x * x
            ctx.save_for_backward(x, y)
            return y

        @staticmethod
        def backward(ctx, g):
            x, y = ctx.saved_tensors
            return 3 * y / x * g

    x = mg.tensor([1.0, -2.0, 0.5], requires_grad=True)
    with graph.save_on_cpu():
        loss = Cube.apply(x).sum() + (x.sin() * x).sum()
    loss.backward()
    xs = x.detach().numpy()
    np.testing.assert_allclose(x.grad.numpy(), 3 * xs ** 2 + np.sin(xs) + xs * np.cos(xs), rtol=1e-6)


def test_hooks_are_per_thread_and_nest():
    seen = []
    outer = graph.saved_tensors_hooks(lambda t: (seen.append("outer"), t)[1], lambda t: t)
    inner = graph.saved_tensors_hooks(lambda t: (seen.append("inner"), t)[1], lambda t: t)
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    with outer:
        with inner:
            x.exp()
        other = threading.Thread(target=lambda: x.exp())  # no hooks in another thread
        other.start()
        other.join()
        x.exp()
    assert seen == ["inner", "outer"]


def test_disabled_hooks_and_bad_unpack_raise():
    with graph.disable_saved_tensors_hooks("saved tensor hooks are off in this block"):
        with pytest.raises(GraphError, match="saved tensor hooks are off in this block"):
            with graph.saved_tensors_hooks(lambda t: t, lambda t: t):
                pass
    with graph.saved_tensors_hooks(lambda t: 0, lambda p: p):  # unpack does not give a Tensor back
        y = mg.tensor([1.0], requires_grad=True).exp().sum()
    with pytest.raises(GraphError, match="unpack hook: must return a Tensor, got int"):
        y.backward()


def test_node_and_increment_version():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    assert isinstance(y.grad_fn, graph.Node)
    z = y.exp()  # saves its output
    graph.increment_version(y)
    z.sum().backward()  # exp saved its output, not y: unaffected
    w = y * y  # saves y
    graph.increment_version(y)
    with pytest.raises(GraphError, match="modified in place"):
        w.sum().backward()


@pytest.mark.gpu
def test_save_on_cpu_moves_cuda_tensors_to_the_host_and_back():
    devices = []

    class Spy(graph.save_on_cpu):
        def __init__(self):
            super().__init__()
            pack, unpack = self.pack_hook, self.unpack_hook
            self.pack_hook = lambda t: (devices.append(pack(t)[1].device.type), pack(t))[1]
            self.unpack_hook = unpack

    x = mg.tensor([0.5, -1.0, 2.0], requires_grad=True, device="cuda")
    with Spy():
        loss = (x.exp() * x).sum()
    loss.backward()
    assert devices and set(devices) == {"cpu"}
    assert x.grad.device.type == "cuda"
    xs = x.detach().cpu().numpy()
    np.testing.assert_allclose(x.grad.cpu().numpy(), np.exp(xs) * (1 + xs), rtol=1e-6)
