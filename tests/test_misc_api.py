"""Tensor.apply_ and Tensor.map_ (Python callables on every element, in place) and
torch.autograd.graph.register_multi_grad_hook (one hook on the gradients of several tensors):
their results, the Python types the callables see, torch parity, and the bad inputs."""

import math

import numpy as np
import pytest

import minigrad as mg
from minigrad.autograd.graph import register_multi_grad_hook
from minigrad.errors import (ArgumentError, ArgumentRuntimeError, ArgumentTypeError, DeviceTypeError, DTypeError,
                             GraphError, MinigradError, ShapeError)


# ---- apply_ ---------------------------------------------------------------------------------------------
def test_apply_replaces_every_element_in_place():
    x = mg.tensor([1.5, -2.0, 3.0])
    version = x._version
    assert x.apply_(lambda v: v * 2) is x
    assert x.tolist() == [3.0, -4.0, 6.0] and x.dtype == mg.float32
    assert x._version == version + 1  # an in-place change like any other (PyTorch's leaves it)
    assert mg.tensor([1, 2, 3, -3]).apply_(lambda v: v / 2).tolist() == [0, 1, 1, -1]  # toward zero, as int()
    assert mg.tensor([True, False]).apply_(lambda v: not v).tolist() == [False, True]
    assert mg.tensor(2.0).apply_(lambda v: v + 1).item() == 3.0
    assert mg.ones(0).apply_(lambda v: v + 1).shape == (0,)
    z = mg.tensor([1 + 1j, 2j]).apply_(lambda v: v * 1j)
    np.testing.assert_allclose(z.numpy(), [-1 + 1j, -2])
    assert mg.ones(2).apply_(lambda v: mg.tensor(3.0)).tolist() == [3.0, 3.0]  # a one-element tensor is a number
    assert mg.ones(2).apply_(lambda v: np.float32(2.5)).tolist() == [2.5, 2.5]
    assert mg.ones(2).apply_(lambda v: 1e300).tolist() == [math.inf, math.inf]  # too large for float32


def test_apply_writes_through_views():
    base = mg.ones(4)
    base[1:3].apply_(lambda v: 7)
    assert base.tolist() == [1, 7, 7, 1]
    m = mg.arange(6.0).reshape(2, 3).t()  # not contiguous
    m.apply_(lambda v: v * 10)
    np.testing.assert_array_equal(m.numpy(), np.arange(6.0).reshape(2, 3).T * 10)


def test_the_callable_sees_python_numbers():
    for dtype, kind in [(mg.float32, float), (mg.float64, float), (mg.int64, int), (mg.uint8, int),
                        (mg.bool_, bool), (mg.complex64, complex)]:
        seen = []
        mg.ones(2, dtype=dtype).apply_(lambda v: seen.append(type(v)) or v)
        assert seen == [kind, kind], dtype
    pairs = []
    mg.ones(2).map_(mg.zeros(2), lambda a, b: pairs.append((type(a), type(b))) or a)
    assert pairs == [(float, float)] * 2


def test_apply_refuses_what_torch_refuses():
    leaf = mg.ones(2, requires_grad=True)
    with pytest.raises(GraphError,
                       match=r"apply_: cannot call apply_\(\) on a tensor that requires grad \(shape \(2,\)\)"):
        leaf.apply_(lambda v: v)
    with pytest.raises(GraphError, match="requires grad"):
        (leaf * 2).apply_(lambda v: v)
    with mg.no_grad(), pytest.raises(GraphError, match="requires grad"):  # even without grad mode
        leaf.apply_(lambda v: v)
    with pytest.raises(ArgumentTypeError, match="apply_: expected a callable, got int"):
        mg.ones(2).apply_(3)
    with pytest.raises(ArgumentTypeError, match="apply_: the callable must return a real number for a tensor of dtype "
                                                "float32, got str"):
        mg.ones(2).apply_(lambda v: "a")
    with pytest.raises(ArgumentTypeError, match="got NoneType"):
        mg.ones(2).apply_(lambda v: None)
    with pytest.raises(ArgumentTypeError, match="got complex"):
        mg.ones(2).apply_(lambda v: 1j)
    with pytest.raises(ShapeError, match=r"apply_: the callable returned a tensor of shape \(2,\)"):
        mg.ones(2).apply_(lambda v: mg.ones(2))
    with pytest.raises(ArgumentRuntimeError,
                       match="apply_: the value 300 cannot be converted to int8 without overflow"):
        mg.ones(2, dtype=mg.int8).apply_(lambda v: 300)
    with pytest.raises(ArgumentRuntimeError, match="apply_: the value nan cannot be converted to int64"):
        mg.ones(2, dtype=mg.int64).apply_(lambda v: math.nan)
    with pytest.raises(ZeroDivisionError):  # the callable's own error comes through
        mg.ones(2).apply_(lambda v: 1 / 0)


def test_a_saved_tensor_changed_by_apply_is_noticed():
    w, x = mg.ones(3, requires_grad=True), mg.ones(3)
    y = (w * x).sum()  # Mul saved x for w's gradient
    x.apply_(lambda v: 5.0)
    with pytest.raises(GraphError):
        y.backward()


# ---- map_ -----------------------------------------------------------------------------------------------
def test_map_combines_two_tensors_elementwise():
    x = mg.ones(2, 3)
    assert x.map_(mg.tensor([[1.0], [2.0]]), lambda a, b: a + b) is x  # other broadcast to x's shape
    assert x.tolist() == [[2, 2, 2], [3, 3, 3]]
    y = mg.tensor([5, 7])
    y.map_(mg.tensor([2, 3]), lambda a, b: a % b)
    assert y.tolist() == [1, 1]


def test_map_refuses_what_torch_refuses():
    with pytest.raises(ArgumentTypeError, match="map_: the other argument must be a tensor, got float"):
        mg.ones(2).map_(3.0, lambda a, b: a + b)
    with pytest.raises(DTypeError,
                       match="map_: expected the other tensor of dtype float32, the tensor's own, got int64"):
        mg.ones(2).map_(mg.tensor([1, 2]), lambda a, b: a + b)
    with pytest.raises(ShapeError, match=r"map_: the other tensor of shape \(2, 3\) cannot be broadcast to the "
                                         r"tensor's shape \(3,\)"):
        mg.ones(3).map_(mg.ones(2, 3), lambda a, b: a + b)
    with pytest.raises(GraphError, match=r"map_: cannot call map_\(\) on a tensor that requires grad"):
        mg.ones(2).map_(mg.ones(2, requires_grad=True), lambda a, b: a + b)
    with pytest.raises(GraphError, match="requires grad"):
        mg.ones(2, requires_grad=True).map_(mg.ones(2), lambda a, b: a + b)
    with pytest.raises(TypeError):  # a callable of one argument: Python's own error
        mg.ones(2).map_(mg.ones(2), lambda a: a)


@pytest.mark.torch
def test_apply_and_map_match_torch(torch):
    cases = [
        (lambda L: L.tensor([1.5, -2.25, 3.0]).apply_(lambda v: v * v - 1), "float32"),
        (lambda L: L.tensor([1, 2, 3, -3]).apply_(lambda v: v / 2), "int64"),
        (lambda L: L.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=L.float64).t().apply_(math.sqrt), "float64"),
        (lambda L: L.tensor([True, False]).apply_(lambda v: 2 if v else 0), "bool"),
        (lambda L: L.ones(2, dtype=L.complex64).apply_(lambda v: v * 1j), "complex64"),
        (lambda L: L.ones(2).apply_(lambda v: True), "float32"),
        (lambda L: L.ones(2, 3).map_(L.tensor([[1.0], [2.0]]), lambda a, b: a * 10 + b), "float32"),
        (lambda L: L.tensor([7, 9]).map_(L.tensor([2, 4]), lambda a, b: a // b), "int64"),
    ]
    for make, dtype in cases:
        want, got = make(torch), make(mg)
        assert str(got.dtype) == dtype and str(want.dtype).split(".")[-1] == str(got.dtype).replace("bool_", "bool")
        np.testing.assert_array_equal(got.numpy(), want.numpy())
    for call in (lambda L: L.ones(2, requires_grad=True).apply_(lambda v: v),
                 lambda L: L.ones(2).apply_(3),
                 lambda L: L.ones(2).apply_(lambda v: "a"),
                 lambda L: L.ones(2, dtype=L.int8).apply_(lambda v: 300),
                 lambda L: L.ones(2).apply_(lambda v: L.ones(2)),
                 lambda L: L.ones(2).map_(L.tensor([1, 2]), lambda a, b: a),
                 lambda L: L.ones(3).map_(L.ones(2, 3), lambda a, b: a),
                 lambda L: L.ones(2).map_(3.0, lambda a, b: a)):
        with pytest.raises(Exception) as want:
            call(torch)
        with pytest.raises(type(want.value)) as got:  # of torch's built-in type, so ``except`` clauses agree
            call(mg)
        assert isinstance(got.value, MinigradError) or isinstance(got.value, TypeError)


@pytest.mark.gpu
def test_apply_and_map_are_for_host_memory():
    x = mg.ones(2, device="cuda")
    with pytest.raises(DeviceTypeError, match="apply_: only tensors in host memory"):
        x.apply_(lambda v: v)
    with pytest.raises(DeviceTypeError, match="map_: only tensors in host memory"):
        x.map_(mg.ones(2, device="cuda"), lambda a, b: a)
    assert x.cpu().apply_(lambda v: v + 1).tolist() == [2.0, 2.0]


# ---- register_multi_grad_hook -----------------------------------------------------------------------------
def _which(calls):
    return lambda grads: calls.append([g is not None for g in grads])


def test_all_mode_as_torch_documents_it():
    a, b = mg.rand(2, 3, requires_grad=True), mg.rand(2, 3, requires_grad=True)
    c, d = a * b, a * b
    calls = []
    register_multi_grad_hook((a, b, c, d), _which(calls))
    c.sum().backward(retain_graph=True)
    c.sum().backward(inputs=(a,), retain_graph=True)  # b is not needed for a's gradient
    (c.sum() + d.sum()).backward()
    assert calls == [[True, True, True, False], [True, False, True, False], [True, True, True, True]]


def test_all_mode_passes_the_gradients():
    x, w = mg.tensor([1.0, 2.0], requires_grad=True), mg.tensor([3.0, -1.0], requires_grad=True)
    h = x * w
    got = []
    register_multi_grad_hook([w, h, x], lambda grads: got.append([g.tolist() for g in grads]))
    (h * h).sum().backward()
    assert got == [[[6.0, -8.0], [6.0, -4.0], [18.0, 4.0]]]  # w: 2h x, h: 2h, x: 2h w; in the order given
    assert x.grad.tolist() == [18.0, 4.0]


def test_all_mode_with_grad_and_tensors_off_the_graph():
    x, y, z = (mg.rand(3, requires_grad=True) for _ in range(3))
    calls = []
    register_multi_grad_hook((x, y, z), _which(calls))
    mg.autograd.grad((x * y).sum(), (x,))  # y is not needed for x's gradient, z is off the graph
    assert calls == [[True, False, False]]
    (z * 2).sum().backward()
    assert calls[-1] == [False, False, True]
    (mg.rand(3, requires_grad=True) * 2).sum().backward()  # none of them in this backward: no call
    assert len(calls) == 2


def test_any_mode_calls_once_with_the_first_gradient():
    a = mg.rand(3, requires_grad=True)
    c = a * 2
    got = []
    register_multi_grad_hook((a, c), lambda g: got.append(g.tolist()), mode="any")
    (c * 3).sum().backward(retain_graph=True)
    assert got == [[3.0, 3.0, 3.0]]  # c's gradient comes first, a's does not call again
    (c * 3).sum().backward()
    assert len(got) == 2  # once per backward
    frozen = mg.rand(3)
    register_multi_grad_hook((frozen, a), lambda g: got.append("any"), mode="any")  # frozen: skipped
    (a * a).sum().backward()
    assert got[-1] == "any"


def test_remove_and_with():
    a = mg.rand(3, requires_grad=True)
    calls = []
    handle = register_multi_grad_hook((a,), _which(calls))
    handle.remove()
    with register_multi_grad_hook((a,), _which(calls)):
        (a * 2).sum().backward()
    (a * 2).sum().backward()  # the with block removed it
    assert calls == [[True]]


def test_bad_arguments():
    a = mg.rand(3, requires_grad=True)
    with pytest.raises(ArgumentError, match=r"register_multi_grad_hook: expects mode to be one of \('all', 'any'\) "
                                            "but got 'some'") as info:
        register_multi_grad_hook((a,), print, mode="some")
    assert isinstance(info.value, ValueError)
    with pytest.raises(GraphError, match="cannot register a hook on a tensor that does not require grad"):
        register_multi_grad_hook((a, mg.rand(3)), print)


@pytest.mark.torch
def test_multi_grad_hooks_match_torch(torch):
    rng = np.random.default_rng(0)
    xa, wa = rng.standard_normal((2, 3)), rng.standard_normal((3, 4))
    results = []
    for lib in (torch, mg):
        x, w = lib.tensor(xa, requires_grad=True), lib.tensor(wa, requires_grad=True)
        h = lib.tanh(x @ w)
        out = (h * h).sum()
        record = []
        lib.autograd.graph.register_multi_grad_hook(
            (w, h, x), lambda grads: record.append([None if g is None else g.detach().numpy().copy() for g in grads]))
        lib.autograd.graph.register_multi_grad_hook(
            (x, h), lambda g: record.append(g.detach().numpy().copy()), mode="any")
        out.backward(retain_graph=True)
        out.backward(inputs=(x,), retain_graph=True)
        out.backward(inputs=(h,))  # (torch's mode "all" cannot follow autograd.grad to a leaf; minigrad's can)
        results.append(record)
    assert len(results[0]) == len(results[1]) == 6
    for got, want in zip(results[1], results[0]):
        if isinstance(want, list):
            assert [g is None for g in got] == [g is None for g in want]
            for g, v in zip(got, want):
                if v is not None:
                    np.testing.assert_allclose(g, v, rtol=1e-12)
        else:
            np.testing.assert_allclose(got, want, rtol=1e-12)
