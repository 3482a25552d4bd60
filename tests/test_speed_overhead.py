"""The per-op fast paths of the training step equal the plain code they stand for.

Each fast path (the 2-D cross-entropy scatter, the optimizer's inlined gradient check, a
module called without hooks, the backward engine switching grad mode once per walk) is
checked against the general path or against PyTorch, and a bound on the Python calls of a
tiny MLP's training step keeps the overhead from creeping back.
"""

import sys

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.ops.loss import _add_at_targets


# ---- cross-entropy's scatter at the targets ------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_add_at_targets_2d_equals_the_flat_index_path(dtype):
    rng = np.random.default_rng(0)
    out = rng.standard_normal((7, 5)).astype(dtype)
    safe = rng.integers(0, 5, size=7)
    values = rng.standard_normal(7).astype(dtype)
    # the general path, reached through a trailing axis of size 1: the same sums, element for element
    general = _add_at_targets(out.copy()[:, :, None], safe[:, None], values[:, None])[:, :, 0]
    fast = _add_at_targets(out.copy(), safe, values)
    assert fast.dtype == dtype
    np.testing.assert_array_equal(fast, general)
    plain = out.copy()
    plain[np.arange(7), safe] += values
    np.testing.assert_array_equal(fast, plain)


def test_cross_entropy_2d_gradient_matches_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    x = rng.standard_normal((6, 4)).astype(np.float32)
    y = rng.integers(0, 4, size=6)
    y[2] = -100  # an ignored target
    g = rng.standard_normal(6).astype(np.float32)
    for reduction in ("mean", "sum", "none"):
        xm = mg.tensor(x, requires_grad=True)
        lm = mg.nn.functional.cross_entropy(xm, mg.tensor(y), reduction=reduction)
        lm.backward(None if reduction != "none" else mg.tensor(g))
        xt = torch.tensor(x, requires_grad=True)
        lt = torch.nn.functional.cross_entropy(xt, torch.tensor(y), reduction=reduction)
        lt.backward(None if reduction != "none" else torch.tensor(g))
        assert xm.grad.dtype == np.float32
        np.testing.assert_allclose(xm.grad.numpy(), xt.grad.numpy(), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("shape", [(5, 4), (3, 4, 2)])
def test_cross_entropy_first_derivative_equals_the_recorded_one(reduction, shape):
    """The array-only first derivative (no ops recorded) against the same gradient built
    with the graph on (softmax recomputed, so equal to float rounding, not bit for bit)."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal(shape)
    y = rng.integers(0, 4, size=(shape[0],) + shape[2:])
    g = rng.standard_normal(y.shape)
    grads = []
    for create_graph in (False, True):
        xm = mg.tensor(x, requires_grad=True)
        loss = mg.nn.functional.cross_entropy(xm, mg.tensor(y), reduction=reduction)
        (gx,) = mg.autograd.grad(loss, xm, None if reduction != "none" else mg.tensor(g),
                                 create_graph=create_graph)
        grads.append(gx.numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-12, atol=1e-14)


def test_cross_entropy_target_checks():
    x = mg.zeros(3, 4)
    with pytest.raises(IndexError, match="out of bounds"):
        mg.nn.functional.cross_entropy(x, mg.tensor([0, 4, 1]))
    with pytest.raises(IndexError, match="out of bounds"):
        mg.nn.functional.cross_entropy(x, mg.tensor([0, -1, 1]))
    # an ignored target outside [0, C) is fine, and so is an ignore_index inside it
    mg.nn.functional.cross_entropy(x, mg.tensor([0, -100, 1]))
    mg.nn.functional.cross_entropy(x, mg.tensor([0, 3, 1]), ignore_index=3)
    mg.nn.functional.cross_entropy(x, mg.tensor([0, 7, 1]), ignore_index=7)


# ---- the backward engine -------------------------------------------------------------------------
@pytest.mark.filterwarnings("ignore:Using backward\\(\\) with create_graph=True")  # torch's, about .grad cycles
@pytest.mark.parametrize("create_graph", [False, True])
def test_hooks_run_in_the_grad_mode_of_the_backward(create_graph):
    """One grad-mode switch for the whole walk: hooks see create_graph's mode, as in PyTorch."""
    torch = pytest.importorskip("torch")
    seen = {}
    for lib, name in ((mg, "mg"), (torch, "torch")):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x * x
        def hook(g, key, lib=lib):
            seen[key] = lib.is_grad_enabled()  # returns None: the gradient is kept

        y.register_hook(lambda g, key=name + " tensor": hook(g, key))
        x.register_hook(lambda g, key=name + " leaf": hook(g, key))
        y.sum().backward(create_graph=create_graph)
        assert lib.is_grad_enabled()  # switched back after the walk
    assert seen == {"mg tensor": create_graph, "mg leaf": create_graph,
                    "torch tensor": create_graph, "torch leaf": create_graph}


def test_grad_mode_restored_when_a_backward_raises():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()

    def bad(g):
        raise KeyError("stop")

    x.register_hook(bad)
    with pytest.raises(KeyError):
        y.backward()
    assert mg.is_grad_enabled()


def test_multi_output_node_with_one_unused_output():
    x = mg.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    a, b = x.split(1, dim=0)
    (a * 2).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[2.0, 2.0, 2.0], [0.0, 0.0, 0.0]])


# ---- the optimizer and zero_grad -----------------------------------------------------------------
@pytest.mark.parametrize("shape", [(3, 4), (130, 130)])  # below and above SGD's _SMALL: temporary or scratch
def test_sgd_momentum_steps_equal_the_formula(shape):
    from minigrad.optim.sgd import _SMALL

    assert (np.prod(shape) <= _SMALL) == (shape == (3, 4))
    rng = np.random.default_rng(2)
    p0 = rng.standard_normal(shape).astype(np.float32)
    grads = [rng.standard_normal(shape).astype(np.float32) for _ in range(3)]
    p = nn.Parameter(mg.tensor(p0.copy()))
    opt = mg.optim.SGD([p], lr=0.1, momentum=0.9)
    ref, buf = p0.copy(), None
    for g in grads:
        p.grad = mg.tensor(g)
        opt.step()
        buf = g.copy() if buf is None else buf * np.float32(0.9) + g
        ref = ref - np.float32(0.1) * buf
        assert p.dtype == np.float32
        np.testing.assert_array_equal(p.numpy(), ref)


def test_step_still_checks_a_gradient_that_does_not_fit():
    p = nn.Parameter(mg.zeros(3))
    opt = mg.optim.SGD([p], lr=0.1)
    p._grad = mg.zeros(4)  # past the .grad setter's own check
    with pytest.raises(mg.errors.ShapeError, match="SGD.step"):
        opt.step()
    p._grad = mg.zeros(3, dtype=mg.float64)
    with pytest.raises(mg.errors.DTypeError, match="SGD.step"):
        opt.step()


@pytest.mark.parametrize("set_to_none", [True, False])
def test_zero_grad(set_to_none):
    model = nn.Linear(3, 2)
    model(mg.ones(1, 3)).sum().backward()
    opt = mg.optim.SGD(model.parameters(), lr=0.1)
    opt.zero_grad(set_to_none=set_to_none)
    for p in model.parameters():
        if set_to_none:
            assert p.grad is None
        else:
            np.testing.assert_array_equal(p.grad.numpy(), np.zeros(p.shape))


# ---- a module called without hooks ---------------------------------------------------------------
def test_module_call_without_and_with_hooks():
    model = nn.Linear(3, 2)
    x = mg.ones(2, 3)
    np.testing.assert_array_equal(model(x).numpy(), model.forward(x).numpy())
    handle = model.register_forward_hook(lambda m, args, out: out * 0)
    np.testing.assert_array_equal(model(x).numpy(), np.zeros((2, 2)))
    handle.remove()
    np.testing.assert_array_equal(model(x).numpy(), model.forward(x).numpy())


# ---- how many Python calls one training step makes -----------------------------------------------
def _tiny_step():
    mg.manual_seed(0)
    model = nn.Sequential(nn.Linear(32, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 10))
    opt = mg.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    rng = np.random.default_rng(0)
    x = mg.tensor(rng.standard_normal((1, 32)).astype(np.float32))
    y = mg.tensor(rng.integers(0, 10, size=1))

    def step():
        opt.zero_grad()
        mg.nn.functional.cross_entropy(model(x), y).backward()
        opt.step()

    return step


def test_python_calls_per_training_step_stay_few():
    step = _tiny_step()
    for _ in range(3):
        step()
    calls = [0]

    def count(frame, event, arg):
        if event in ("call", "c_call"):
            calls[0] += 1

    sys.setprofile(count)
    try:
        step()
    finally:
        sys.setprofile(None)
    # about 510 now; 780 before saved_arrays, the leaner Function.apply, F.linear's checks on
    # arrays and Linear reading its registry; 1116 before the fast paths of the engine,
    # Function.apply, the optimizer, the 2-D cross-entropy and modules without hooks
    assert calls[0] < 560, calls[0]


@pytest.mark.parametrize("smoothing", [0.0, 0.2])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_with_every_target_counted_equals_the_masked_path(smoothing, reduction):
    """Targets all in [0, C) with ignore_index outside it skip the mask (``all_counted``); with
    ignore_index = 0 and no target 0 the mask path runs on the same numbers: bit for bit."""
    rng = np.random.default_rng(3)
    logits = rng.standard_normal((6, 5)).astype(np.float32)
    target = mg.tensor(rng.integers(1, 5, 6))
    results = []
    for ignore in (-100, 0):
        x = mg.tensor(logits, requires_grad=True)
        loss = mg.nn.functional.cross_entropy(x, target, ignore_index=ignore, reduction=reduction,
                                              label_smoothing=smoothing)
        loss.sum().backward()
        results.append((loss.numpy(), x.grad.numpy()))
    (fast, fast_grad), (masked, masked_grad) = results
    np.testing.assert_array_equal(fast, masked)
    np.testing.assert_array_equal(fast_grad, masked_grad)


# ---- saved_arrays: saved_tensors's arrays, with its checks ---------------------------------------
def _node_saving_input_output_and_const():
    """A Function that saves an input, its output and an intermediate, for the saved_* tests."""
    from minigrad.autograd.function import Function

    class Saver(Function):
        @staticmethod
        def forward(ctx, x):
            y = x * 2
            ctx.save_for_backward(x, None, y, x + 1)
            return y

        @staticmethod
        def backward(ctx, g):
            return g * 2

    x = mg.tensor(np.arange(3.0), requires_grad=True)
    return x, Saver.apply(x)


def test_saved_arrays_are_the_saved_tensors_arrays():
    x, y = _node_saving_input_output_and_const()
    node = y.grad_fn
    tensors, arrays = node.saved_tensors, node.saved_arrays
    assert tensors[1] is None and arrays[1] is None
    assert tensors[0] is x and arrays[0] is x.array
    for t, a in zip(tensors[2:], arrays[2:]):
        assert t.array is a
    np.testing.assert_array_equal(arrays[3], np.arange(3.0) + 1)


@pytest.mark.parametrize("changed", ["input", "output"])
def test_saved_arrays_check_what_saved_tensors_checks(changed):
    x, y = _node_saving_input_output_and_const()
    with mg.no_grad():
        (x if changed == "input" else y).add_(1)
    messages = []
    for attr in ("saved_tensors", "saved_arrays"):
        with pytest.raises(mg.errors.GraphError, match="modified in place") as info:
            getattr(y.grad_fn, attr)
        messages.append(str(info.value))
    assert messages[0] == messages[1]


def test_saved_arrays_after_free_raise_like_saved_tensors():
    x, y = _node_saving_input_output_and_const()
    y.sum().backward()
    for attr in ("saved_tensors", "saved_arrays"):
        with pytest.raises(mg.errors.GraphError, match="second time"):
            getattr(y.grad_fn, attr)


def test_node_defaults_before_recording():
    """A node takes its defaults from the class (Function has no __init__ to run per op)."""
    from minigrad.autograd.function import Function

    node = Function()
    assert node.edges == () and node._saved is None and node._freed is False
    assert node._output_hooks is None and node.trace is None
    node.edges = ((None, 0),)
    assert Function().edges == ()  # set on the node, not on the class


# ---- backward on arrays (grad mode off) equals the recorded backward ------------------------------
def test_linear_relu_first_derivative_equals_the_recorded_one():
    """Linear's and ReLU's backward work on saved_arrays without a graph; with create_graph they
    record LinearBackward and a product instead: the same arithmetic, bit for bit."""
    mg.manual_seed(0)
    model = nn.Sequential(nn.Linear(5, 4), nn.ReLU(), nn.Linear(4, 3))
    x = mg.randn(6, 5, requires_grad=True)
    grads = []
    for create_graph in (False, True):
        out = model(x).sum()
        grads.append([g.numpy() for g in mg.autograd.grad(out, [x] + list(model.parameters()),
                                                           create_graph=create_graph)])
    for plain, recorded in zip(*grads):
        np.testing.assert_array_equal(plain, recorded)


# ---- cross-entropy's target check: a short list read in Python, else two NumPy reductions ----------
@pytest.mark.parametrize("n", [1, 32, 33, 200])
def test_cross_entropy_target_check_small_and_large(n):
    from minigrad.ops.loss import _check_class_targets

    x = mg.zeros(n, 4)
    rng = np.random.default_rng(n)
    good = rng.integers(0, 4, n)
    assert _check_class_targets(x, mg.tensor(good), None, -100, "t") is True
    assert _check_class_targets(x, mg.tensor(good), None, 2, "t") is False  # ignore_index is a class
    for bad in (-1, 4):
        t = good.copy()
        t[n // 2] = bad
        with pytest.raises(IndexError, match=f"target {bad} is out of bounds"):
            _check_class_targets(x, mg.tensor(t), None, -100, "t")
        assert _check_class_targets(x, mg.tensor(t), None, bad, "t") is False  # ignored: fine


def test_linear_reads_its_parameters_from_the_registry_or_else_the_attributes():
    """Linear.forward reads weight and bias from ``_parameters``; a weight moved out of it (deleted,
    then set as a plain tensor, as weight-reparametrising code does) is still the one used."""
    lin = nn.Linear(3, 2)
    x = mg.ones(1, 3)
    np.testing.assert_array_equal(lin(x).numpy(), (x.numpy() @ lin.weight.numpy().T) + lin.bias.numpy())
    del lin.weight
    lin.weight = mg.full((2, 3), 2.0)
    np.testing.assert_array_equal(lin(x).numpy(), 6.0 + lin.bias.numpy()[None])


@pytest.mark.parametrize("options", [
    dict(momentum=0.9), dict(momentum=0.9, dampening=0.3, weight_decay=0.01),
    dict(momentum=0.9, nesterov=True, maximize=True), dict(weight_decay=0.1)])
def test_sgd_on_a_large_parameter_block_by_block_equals_the_whole_array_formula(options):
    """A parameter of over 2 BLOCK elements is updated block by block (ops/blocked.py's size): the
    same operations on each element as the rule on the whole array, so the same bits."""
    from minigrad.ops.blocked import BLOCK

    rng = np.random.default_rng(5)
    n = 2 * BLOCK + 123  # not a multiple of the block: the last block is short
    p0 = rng.standard_normal(n).astype(np.float32)
    grads = [rng.standard_normal(n).astype(np.float32) for _ in range(3)]
    lr, mu = 0.05, options.get("momentum", 0.0)
    tau, wd = options.get("dampening", 0.0), options.get("weight_decay", 0.0)
    p = nn.Parameter(mg.tensor(p0.copy()))
    opt = mg.optim.SGD([p], lr=lr, **options)
    ref, buf = p0.copy(), None
    for g in grads:
        p.grad = mg.tensor(g)
        opt.step()
        d = -g if options.get("maximize") else g
        if wd:
            d = d + wd * ref
        if mu:
            if buf is None:
                buf = d.copy()
            else:
                buf *= mu
                buf += d if tau == 0 else (1 - tau) * d
            d = d + mu * buf if options.get("nesterov") else buf
        ref -= np.multiply(d, lr)
        assert p.dtype == np.float32
        np.testing.assert_array_equal(p.numpy(), ref)
