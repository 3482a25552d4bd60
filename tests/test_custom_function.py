"""PyTorch-style custom autograd Functions: forward and backward on Tensors, as PyTorch programs write them."""

import numpy as np
import pytest

import minigrad as mg
from minigrad.autograd import Function, once_differentiable
from minigrad.errors import GraphError
from minigrad.testing import gradcheck, gradgradcheck


class MyReLU(Function):
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return input.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        grad_input = grad_output.clone()
        grad_input[input < 0] = 0
        return grad_input


class LegendrePolynomial3(Function):
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return 0.5 * (5 * input ** 3 - 3 * input)

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        return grad_output * 1.5 * (5 * input ** 2 - 1)


class GradReverse(Function):
    """The gradient reversal layer of domain-adversarial training: a non-tensor argument."""

    @staticmethod
    def forward(ctx, x, alpha):
        ctx.alpha = alpha
        return x.view_as(x)

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output.neg() * ctx.alpha, None


class SplitSort(Function):
    """Two outputs, one of them non-differentiable; saves an output."""

    @staticmethod
    def forward(ctx, x):
        values, indices = x.sort()
        ctx.mark_non_differentiable(indices)
        ctx.save_for_backward(indices)
        return values, indices

    @staticmethod
    def backward(ctx, grad_values, grad_indices):
        indices, = ctx.saved_tensors
        return mg.zeros_like(grad_values).scatter(-1, indices, grad_values)


class Scale(Function):
    """PyTorch 2 style: forward without ctx, then setup_context."""

    @staticmethod
    def forward(x, factor):
        return x * factor

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.factor = inputs[1]

    @staticmethod
    def backward(ctx, g):
        return g * ctx.factor, None


class OnceOnly(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    @once_differentiable
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return mg.tensor(2 * x.numpy() * g.numpy())


def test_pytorch_tutorial_functions_train_and_pass_gradcheck():
    x = mg.tensor([-1.0, 0.5, 2.0], requires_grad=True)
    MyReLU.apply(x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0, 1, 1])
    a = mg.randn(4, dtype=mg.float64, requires_grad=True)
    assert gradcheck(LegendrePolynomial3.apply, (a,))
    assert gradgradcheck(LegendrePolynomial3.apply, (a,))


def test_non_tensor_arguments_and_setup_context():
    x = mg.randn(3, requires_grad=True)
    GradReverse.apply(x, 0.5).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), -0.5)
    x.grad = None
    Scale.apply(x, 3.0).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 3.0)


def test_non_differentiable_outputs_and_saved_outputs():
    x = mg.tensor([3.0, 1.0, 2.0], requires_grad=True)
    values, indices = SplitSort.apply(x)
    assert values.requires_grad and not indices.requires_grad
    (values * mg.tensor([1.0, 10.0, 100.0])).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [100.0, 1.0, 10.0])


def test_no_graph_without_grad_and_inplace_change_of_a_saved_input_is_caught():
    with mg.no_grad():
        assert not MyReLU.apply(mg.randn(3, requires_grad=True)).requires_grad
    x = mg.randn(3, requires_grad=True)
    h = x * 1
    y = MyReLU.apply(h)
    h.mul_(2)
    with pytest.raises(GraphError, match="modified in place"):
        y.sum().backward()


def test_once_differentiable_refuses_a_second_derivative():
    x = mg.randn(3, dtype=mg.float64, requires_grad=True)
    (g,) = mg.grad(OnceOnly.apply(x).sum(), x, create_graph=True)
    np.testing.assert_allclose(g.numpy(), 2 * x.numpy())
    with pytest.raises(GraphError, match="double backward"):
        g.sum().backward()


def test_wrong_number_of_gradients_is_an_error():
    class Bad(Function):
        @staticmethod
        def forward(ctx, x, y):
            return x * y

        @staticmethod
        def backward(ctx, g):
            return g

    x, y = mg.randn(2, requires_grad=True), mg.randn(2, requires_grad=True)
    with pytest.raises(GraphError, match="returned 1 gradients"):
        Bad.apply(x, y).sum().backward()


def test_variable_and_autograd_backward():
    v = mg.autograd.Variable(mg.ones(2), requires_grad=True)
    assert v.requires_grad
    a, b = (v * 2).sum(), (v * 3).sum()
    mg.autograd.backward([a, b])
    np.testing.assert_array_equal(v.grad.numpy(), [5.0, 5.0])


def test_graph_of_a_custom_function_is_freed_without_the_garbage_collector():
    import gc
    import weakref

    gc.disable()
    try:
        x = mg.randn(3, requires_grad=True)
        y = MyReLU.apply(x * 1)
        node = weakref.ref(y.grad_fn)
        y.sum().backward()
        del y
        assert node() is None  # freed by reference counting: the node holds no cycle through itself
    finally:
        gc.enable()


class TwoOutputs(Function):
    """(2x, 3x); records what backward received for the output that was not used."""

    received = []

    @staticmethod
    def forward(ctx, x, materialize):
        ctx.set_materialize_grads(materialize)
        return x * 2, x * 3

    @staticmethod
    def backward(ctx, g2, g3):
        TwoOutputs.received.append(g3)
        return g2 * 2 + (0 if g3 is None else g3 * 3), None


@pytest.mark.parametrize("materialize", [True, False])
def test_set_materialize_grads_false_passes_none_for_an_unused_output(materialize):
    """PyTorch's rule: with set_materialize_grads(False) an output no gradient reached arrives as
    None; by default as zeros of its shape."""
    TwoOutputs.received.clear()
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    doubled, _ = TwoOutputs.apply(x, materialize)
    doubled.sum().backward()
    (g3,) = TwoOutputs.received
    if materialize:
        np.testing.assert_array_equal(g3.numpy(), [0.0, 0.0])
    else:
        assert g3 is None
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0])


def test_a_saved_output_that_nothing_else_holds_still_reaches_backward():
    """PyTorch's own example: Exp saves its output, and .sum() does not keep that output alive."""

    class Exp(mg.autograd.Function):
        @staticmethod
        def forward(ctx, i):
            result = i.exp()
            ctx.save_for_backward(result)
            return result

        @staticmethod
        def backward(ctx, grad_output):
            (result,) = ctx.saved_tensors
            return grad_output * result

    x = mg.tensor([0.5, -1.0, 2.0], dtype=mg.float64, requires_grad=True)
    Exp.apply(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.exp(x.detach().numpy()))
    # and twice, through the rebuilt output (its node is Exp's, so the graph goes on)
    x.grad = None
    (g,) = mg.autograd.grad(Exp.apply(x).sum(), x, create_graph=True)
    g.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.exp(x.detach().numpy()))
