"""Tensor hooks, retained gradients and the ``.grad`` setter, as in PyTorch."""

import numpy as np
import pytest

import minigrad as mg
from minigrad.errors import MinigradError


def test_a_hook_that_changes_the_size_is_refused():
    x = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x.register_hook(lambda g: g[:2])
    with pytest.raises(RuntimeError, match="hook .* has changed the size of value"):
        (x * 2).sum().backward()
    assert x.grad is None
    y = mg.tensor([1.0, 2.0], requires_grad=True)
    h = y * 3
    h.register_hook(lambda g: g.sum())  # on a non-leaf too
    with pytest.raises(RuntimeError, match="changed the size"):
        h.sum().backward()


def test_a_hook_may_return_an_array():
    x = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x.register_hook(lambda g: g.numpy() * 10)
    (x * 2).sum().backward()
    assert x.grad.tolist() == [20.0, 20.0, 20.0] and isinstance(x.grad, mg.Tensor)
    y = mg.tensor([1.0, 2.0], requires_grad=True)
    h = y * 1
    h.register_hook(lambda g: np.array([1.0, -1.0]))
    (h * 5).sum().backward()
    assert y.grad.tolist() == [1.0, -1.0]


def test_hooks_replace_in_order_and_can_be_removed():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    seen = []
    x.register_hook(lambda g: g + 1)
    handle = x.register_hook(lambda g: seen.append(g.tolist()))
    x.register_hook(lambda g: g * 2)
    (x * 1).sum().backward()
    assert seen == [[2.0, 2.0]] and x.grad.tolist() == [4.0, 4.0]
    handle.remove()
    x.grad = None
    (x * 1).sum().backward()
    assert seen == [[2.0, 2.0]]


def test_retained_grad_is_writable_and_its_own():
    x = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    y.retain_grad()
    z = y.sum()  # its gradient reaches y as a broadcast, read-only view
    z.backward()
    assert y.grad.tolist() == [1.0, 1.0, 1.0]
    y.grad.mul_(2)
    assert y.grad.tolist() == [2.0, 2.0, 2.0]
    assert x.grad.tolist() == [2.0, 2.0, 2.0]  # x's gradient did not change with it
    x.grad.add_(1)
    assert x.grad.tolist() == [3.0, 3.0, 3.0]


def test_gradients_users_receive_are_writable():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    (x.sum() * 3).backward()
    x.grad.zero_()
    (g,) = mg.grad((x * 1).sum(), [x])
    g.add_(1)  # may be a broadcast of the output's gradient: still writable
    assert g.tolist() == [2.0, 2.0]


def test_grad_setter_checks_like_torch():
    x = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x.grad = mg.tensor([1.0, 1.0, 1.0])
    assert x.grad.tolist() == [1.0, 1.0, 1.0]
    x.grad = None
    assert x.grad is None
    with pytest.raises(RuntimeError, match="different size"):
        x.grad = mg.zeros(2)
    with pytest.raises(RuntimeError, match="different type"):
        x.grad = mg.zeros(3, dtype=mg.float64)
    with pytest.raises(TypeError):
        x.grad = np.zeros(3)
    for err in (ValueError, TypeError):
        assert issubclass(err, Exception)
    try:
        x.grad = mg.zeros(2)
    except MinigradError:
        pass
    assert x.grad is None


def test_grad_setter_matches_torch_error_types():
    torch = pytest.importorskip("torch")
    t = torch.zeros(3, requires_grad=True)
    m = mg.zeros(3, requires_grad=True)
    for bad_t, bad_m in [(torch.zeros(2), mg.zeros(2)), (torch.zeros(3, dtype=torch.float64),
                                                        mg.zeros(3, dtype=mg.float64))]:
        with pytest.raises(RuntimeError):
            t.grad = bad_t
        with pytest.raises(RuntimeError):
            m.grad = bad_m


@pytest.mark.torch
def test_grad_fn_names_next_functions_and_node_hooks_as_in_torch(torch):
    """y.grad_fn as programs inspect it: name(), next_functions (AccumulateGrad at the leaves),
    metadata, register_prehook (may replace the incoming gradients) and register_hook."""
    def run(fw):
        x = fw.tensor([1.0, 2.0], requires_grad=True)
        w = fw.tensor([3.0, 4.0])
        y = (x * w).sum()
        mul = y.grad_fn.next_functions[0][0]
        names = (y.grad_fn.name(), mul.name(), [None if n is None else n.name() for n, _ in mul.next_functions])
        leaf = mul.next_functions[0][0]
        assert leaf.variable is x
        seen = []
        pre = mul.register_prehook(lambda go: (go[0] * 10,))
        post = mul.register_hook(lambda gi, go: seen.append((len(gi), len(go), go[0].tolist())))
        y.backward(retain_graph=True)
        first = x.grad.tolist()
        pre.remove()
        post.remove()
        x.grad = None
        y.backward()
        mul.metadata["note"] = 1
        return names, first, x.grad.tolist(), seen, mul.metadata

    ours, theirs = run(mg), run(torch)
    assert ours[0][:2] == theirs[0][:2] == ("SumBackward0", "MulBackward0")
    assert ours[0][2] == ["torch::autograd::AccumulateGrad", None] == theirs[0][2]
    assert ours[1:] == theirs[1:]
