"""The autograd engine: ordering, accumulation, graph freeing, hooks, grad(), higher derivatives."""

import gc
import weakref

import numpy as np
import pytest

import minigrad as mg
from minigrad.errors import DTypeError, GraphError, ShapeError


def leaf(values, dtype="float64"):
    return mg.tensor(values, dtype=dtype, requires_grad=True)


def test_chain_rule_through_several_ops():
    x = leaf([0.5, -1.5, 2.0])
    y = ((x * x + 3 * x) / 2).exp().sum()
    y.backward()
    xn = np.array([0.5, -1.5, 2.0])
    expected = np.exp((xn * xn + 3 * xn) / 2) * (2 * xn + 3) / 2
    np.testing.assert_allclose(x.grad.numpy(), expected, rtol=1e-12)


def test_tensor_used_twice_accumulates_both_paths():
    x = leaf([2.0])
    y = x * x + x  # x reaches y by three edges
    y.backward()
    assert x.grad.item() == pytest.approx(2 * 2.0 + 1)


def test_diamond_graph_runs_each_node_once_with_complete_gradient():
    x = leaf([1.5])
    a = x.exp()
    b = a * 2
    c = a * 3
    (b + c).backward()
    assert x.grad.item() == pytest.approx(5 * np.exp(1.5))


def test_backward_accumulates_across_calls_until_zeroed():
    x = leaf([1.0, 2.0])
    (x * 3).sum().backward()
    (x * 3).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [6.0, 6.0])
    x.grad = None
    (x * 3).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 3.0])


def test_long_chain_of_100000_ops_needs_no_recursion():
    x = leaf(1.0)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.backward()
    assert x.grad.item() == 1.0


def test_broadcast_gradient_is_summed_back_to_input_shape():
    x = leaf(np.ones((2, 3)))
    b = leaf([1.0, 2.0, 3.0])
    c = leaf(np.ones((2, 1)))
    ((x + b) * c).sum().backward()
    assert b.grad.shape == (3,)
    np.testing.assert_allclose(b.grad.numpy(), [2.0, 2.0, 2.0])
    assert c.grad.shape == (2, 1)
    np.testing.assert_allclose(c.grad.numpy(), [[9.0], [9.0]])


def test_backward_twice_through_freed_graph_raises():
    x = leaf([1.0])
    y = (x * x).sum()
    y.backward()
    with pytest.raises(GraphError, match="second time"):
        y.backward()


def test_retain_graph_allows_a_second_backward():
    x = leaf([3.0])
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad.item() == pytest.approx(12.0)


def test_backward_on_non_scalar_needs_gradient():
    x = leaf([1.0, 2.0])
    y = x * 2
    with pytest.raises(GraphError, match="scalar"):
        y.backward()
    y.backward(mg.tensor([1.0, 10.0], dtype="float64"))
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 20.0])


def test_gradient_of_wrong_shape_is_refused():
    x = leaf([1.0, 2.0])
    with pytest.raises(ShapeError, match=r"\(3,\)"):
        (x * 2).backward(mg.ones(3, dtype="float64"))


def test_requires_grad_on_integer_tensor_is_refused():
    with pytest.raises(DTypeError, match="int64"):
        mg.tensor([1, 2, 3], requires_grad=True)
    t = mg.tensor([1, 2])
    with pytest.raises(DTypeError):
        t.requires_grad_()


def test_backward_without_requires_grad_is_refused():
    with pytest.raises(GraphError, match="does not require grad"):
        mg.tensor([1.0]).sum().backward()


def test_grad_returns_gradients_and_leaves_dot_grad_alone():
    x = leaf([1.0, 2.0])
    w = leaf([3.0, 4.0])
    y = (x * w).sum()
    gx, gw = mg.grad(y, [x, w])
    np.testing.assert_allclose(gx.numpy(), [3.0, 4.0])
    np.testing.assert_allclose(gw.numpy(), [1.0, 2.0])
    assert x.grad is None and w.grad is None


def test_grad_of_an_intermediate_tensor():
    x = leaf([1.0, 2.0])
    h = x * 2
    y = (h * h).sum()
    (gh,) = mg.grad(y, h)
    np.testing.assert_allclose(gh.numpy(), 2 * h.numpy())


def test_grad_with_unused_input_raises_unless_allowed():
    x = leaf([1.0])
    z = leaf([2.0])
    y = (x * 2).sum()
    with pytest.raises(GraphError, match="not used"):
        mg.grad(y, [x, z], retain_graph=True)
    gx, gz = mg.grad(y, [x, z], allow_unused=True)
    assert gz is None and gx.item() == 2.0


def test_second_derivative_of_exp_times_x():
    x = leaf([0.5, -0.3])
    y = (x.exp() * x).sum()
    (g,) = mg.grad(y, x, create_graph=True)
    (g2,) = mg.grad(g.sum(), x)
    xn = np.array([0.5, -0.3])
    np.testing.assert_allclose(g.numpy(), np.exp(xn) * (1 + xn), rtol=1e-12)
    np.testing.assert_allclose(g2.numpy(), np.exp(xn) * (2 + xn), rtol=1e-12)


def test_third_derivative_of_sin():
    x = leaf([0.7])
    g = x.sin()
    for _ in range(3):
        (g,) = mg.grad(g.sum(), x, create_graph=True)
    assert g.item() == pytest.approx(-np.cos(0.7), rel=1e-12)


def test_hessian_vector_product_of_a_quadratic_form():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((4, 4))
    a = a + a.T
    A = mg.tensor(a)
    x = leaf(rng.standard_normal(4))
    v = mg.tensor(rng.standard_normal(4))
    f = 0.5 * (x @ (A @ x))
    (g,) = mg.grad(f, x, create_graph=True)
    (hv,) = mg.grad((g * v).sum(), x)
    np.testing.assert_allclose(hv.numpy(), a @ v.numpy(), rtol=1e-12)


def test_backward_create_graph_makes_differentiable_grad():
    x = leaf([2.0])
    (x ** 3).sum().backward(create_graph=True)
    assert x.grad.requires_grad
    (g2,) = mg.grad(x.grad.sum(), x)
    assert g2.item() == pytest.approx(12.0)


def test_no_grad_and_enable_grad_as_context_and_decorator():
    x = leaf([1.0])
    with mg.no_grad():
        assert not mg.is_grad_enabled()
        y = x * 2
        with mg.enable_grad():
            z = x * 2
    assert mg.is_grad_enabled()
    assert not y.requires_grad and y.grad_fn is None
    assert z.requires_grad

    @mg.no_grad()
    def f(t):
        return t * 2

    assert not f(x).requires_grad
    with mg.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert mg.is_grad_enabled()


def test_hooks_see_and_can_replace_gradients():
    x = leaf([1.0, 2.0])
    seen = []
    handle = x.register_hook(lambda g: seen.append(g.numpy().copy()))
    h = x * 3
    h.register_hook(lambda g: g * 10)
    h.sum().backward()
    np.testing.assert_allclose(seen[0], [30.0, 30.0])
    np.testing.assert_allclose(x.grad.numpy(), [30.0, 30.0])
    handle.remove()
    x.grad = None
    (x * 1).sum().backward()
    assert len(seen) == 1


def test_retain_grad_keeps_intermediate_gradient():
    x = leaf([1.0, 2.0])
    h = x * 3
    h.retain_grad()
    (h * h).sum().backward()
    np.testing.assert_allclose(h.grad.numpy(), 2 * h.numpy())
    assert x.grad is not None


def test_saved_tensors_are_freed_after_backward():
    x = leaf(np.ones(5))
    y = x.exp()
    node = y.grad_fn
    y.sum().backward()
    assert node._saved is None


def test_no_reference_cycles_between_tensors_and_nodes():
    gc.collect()
    gc.disable()
    try:
        x = leaf(np.ones(3))
        y = (x.exp() * x).sin().sum()
        node_ref = weakref.ref(y.grad_fn)
        out_ref = weakref.ref(y)
        del y
        assert out_ref() is None, "the output must be freed by reference counting alone"
        assert node_ref() is None, "its node must be freed with it"
    finally:
        gc.enable()


def test_10000_training_steps_do_not_grow_memory():
    import tracemalloc

    w = leaf(np.ones(32))
    x = mg.tensor(np.linspace(-1, 1, 32))

    def step():
        loss = ((w * x).sin() * w).sum()
        loss.backward()
        with mg.no_grad():
            w.data -= 0.001 * w.grad.data
        w.grad = None

    for _ in range(200):
        step()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    for _ in range(10_000):
        step()
    grown = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    assert grown < 100_000, f"memory grew by {grown} bytes over 10000 steps"


def test_inplace_change_of_a_saved_tensor_is_detected():
    x = leaf([1.0, 2.0])
    h = x * 1
    y = h * h  # saves h
    h.mul_(2)
    with pytest.raises(GraphError, match="modified in place"):
        y.sum().backward()


def test_inplace_on_leaf_requiring_grad_is_refused_outside_no_grad():
    x = leaf([1.0])
    with pytest.raises(GraphError, match="leaf"):
        x.add_(1)
    with mg.no_grad():
        x.add_(1)
    assert x.item() == 2.0


def test_inplace_on_non_leaf_is_part_of_the_graph():
    x = leaf([1.0, 2.0])
    h = x * 2
    h.add_(x)  # h = 3x
    h.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 3.0])


def test_operator_on_int_and_float_scalar_promotes_like_torch():
    t = mg.tensor([1, 2])
    assert (t * 1.5).dtype == np.float32
    assert (t + 1).dtype == np.int64
    f = mg.tensor([1.0], dtype="float32")
    assert (f * 2.5).dtype == np.float32
    assert (f + np.float64(2)).dtype == np.float32
    assert (f + mg.tensor([1.0], dtype="float64")).dtype == np.float64
