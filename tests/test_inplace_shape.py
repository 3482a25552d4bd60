"""In-place shape changes (t_, transpose_, swapaxes_, swapdims_, squeeze_, unsqueeze_, as_strided_,
resize_, resize_as_): shapes, shared memory, version counters, history and refusals, against PyTorch."""

import numpy as np
import pytest

import minigrad as mg
from minigrad.errors import GraphError

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(7)

# (method, args, input shape): each changes the shape of a fresh tensor.
CASES = [
    ("t_", (), (2, 3)),
    ("t_", (), (4,)),
    ("transpose_", (0, 2), (2, 3, 4)),
    ("swapaxes_", (1, -1), (2, 3, 4)),
    ("swapdims_", (0, 1), (2, 3)),
    ("squeeze_", (), (1, 3, 1, 2)),
    ("squeeze_", (2,), (1, 3, 1, 2)),
    ("squeeze_", ((0, 2),), (1, 3, 1, 2)),
    ("squeeze_", (1,), (1, 3, 1, 2)),  # not size 1: nothing to drop
    ("unsqueeze_", (0,), (2, 3)),
    ("unsqueeze_", (-1,), (2, 3)),
    ("as_strided_", ((2, 2), (1, 2), 1), (6,)),
]


def pair(shape, requires_grad=False):
    a = RNG.standard_normal(shape)
    return (mg.tensor(a, requires_grad=requires_grad), torch.tensor(a, requires_grad=requires_grad))


@pytest.mark.parametrize("name, args, shape", CASES)
def test_shape_values_memory_and_version_match_torch(name, args, shape):
    m, t = pair(shape)
    before = m.array
    assert getattr(m, name)(*args) is m
    getattr(t, name)(*args)
    assert m.shape == tuple(t.shape)
    np.testing.assert_array_equal(m.numpy(), t.numpy())
    assert np.shares_memory(m.array, before)  # a new reading of the same memory, no copy
    assert m._version == t._version == 1


@pytest.mark.parametrize("name, args, shape", CASES)
def test_history_continues_through_the_view_op(name, args, shape):
    (mx, tx), results = pair(shape, requires_grad=True), []
    for x, lib in ((mx, mg), (tx, torch)):
        y = x * 2
        getattr(y, name)(*args)
        w = lib.tensor(np.arange(y.numel(), dtype=np.float64).reshape(tuple(y.shape)))
        (y * w).sum().backward()
        results.append((x.grad.numpy(), y.grad_fn is not None))
    np.testing.assert_array_equal(results[0][0], results[1][0])
    assert results[0][1] and results[1][1]


@pytest.mark.parametrize("name, args, shape", CASES)
def test_a_leaf_that_requires_grad_is_refused_in_grad_mode_only(name, args, shape):
    m, t = pair(shape, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable"):
        getattr(t, name)(*args)
    with pytest.raises(GraphError, match=f"{name}: a leaf tensor that requires grad"):
        getattr(m, name)(*args)
    assert m.shape == shape and m._version == 0  # refused before anything changed
    with mg.no_grad():
        getattr(m, name)(*args)
    assert m.is_leaf and m.requires_grad


def test_view_of_a_leaf_is_refused_as_in_torch():
    m, t = pair((2, 3), requires_grad=True)
    with pytest.raises(RuntimeError, match="view of a leaf Variable"):
        t[0:1].squeeze_()
    with pytest.raises(GraphError, match="view of a leaf"):
        m[0:1].squeeze_()


@pytest.mark.parametrize("name, args", [("t_", ()), ("transpose_", (0, 1)), ("squeeze_", ()),
                                        ("unsqueeze_", (1,))])
def test_view_changed_in_shape_then_in_value_reaches_its_base(name, args):
    """v = y.view(...); v.<shape change>_(); v.mul_(w): the write lands in y, gradients as torch's."""
    (mx, tx), grads = pair((2, 3), requires_grad=True), []
    for x, lib in ((mx, mg), (tx, torch)):
        y = x * 1
        v = y.view(3, 2) if name != "squeeze_" else y.view(1, 6)
        getattr(v, name)(*args)
        w = lib.tensor(np.arange(1.0, v.numel() + 1).reshape(tuple(v.shape)))
        v.mul_(w)
        assert v._base is y if lib is torch else v._view.base is y
        (y * lib.tensor(np.arange(6.0).reshape(2, 3) + 1)).sum().backward()
        grads.append((y.detach().numpy().copy(), x.grad.numpy(), v._version))
    np.testing.assert_allclose(grads[0][0], grads[1][0])
    np.testing.assert_allclose(grads[0][1], grads[1][1])
    assert grads[0][2] == grads[1][2] == 2


def test_other_views_of_the_base_stay_right():
    """A sibling view of the base keeps its history after one view's in-place shape change."""
    (mx, tx), grads = pair((2, 3), requires_grad=True), []
    for x in (mx, tx):
        y = x * 3
        a, b = y.view(3, 2), y[1]
        a.t_()
        a.mul_(2)
        (b * 1).sum().backward()
        grads.append(x.grad.numpy())
    np.testing.assert_allclose(grads[0], grads[1])


def test_saved_tensor_changed_by_a_shape_change_is_caught():
    x = mg.tensor(RNG.standard_normal((2, 3)), requires_grad=True)
    y = x * 2
    z = (y * y).sum()
    y.t_()
    with pytest.raises(GraphError, match="modified in place"):
        z.backward()


def test_older_view_of_a_base_changed_in_shape_keeps_its_gradient():
    a, grads = RNG.standard_normal((2, 3)), []
    for lib in (mg, torch):
        x = lib.tensor(a, requires_grad=True)
        y = x * 1
        v = y[0]
        y.t_()
        (v * lib.tensor([1.0, 2.0, 3.0])).sum().backward(retain_graph=True)
        (y * lib.tensor(np.arange(6.0).reshape(3, 2))).sum().backward()
        grads.append(x.grad.numpy())
    np.testing.assert_array_equal(grads[0], grads[1])


def test_base_changed_in_shape_is_refused_where_older_views_must_be_replayed():
    """PyTorch replays such a view through its storage; minigrad says it cannot (documented)."""
    x = mg.tensor(RNG.standard_normal((2, 3)), requires_grad=True)
    y = x * 1
    u = y[1]
    y.t_()
    y.mul_(2)  # values changed after the shape: u's history must be rebuilt from y's
    with pytest.raises(GraphError, match="changed its shape in place"):
        u * 1
    y = x * 1
    v = y[0]
    y.t_()
    with pytest.raises(GraphError, match="changed its shape in place"):
        v.mul_(2)
    np.testing.assert_array_equal(y.numpy(), (x.detach() * 1).numpy().T)  # nothing was written
    w = y[0]  # a view taken after the change is fine
    w.mul_(2)
    y.sum().backward()
    expected = np.ones((3, 2))
    expected[0] = 2
    np.testing.assert_array_equal(x.grad.numpy(), expected.T)


def test_bad_arguments_raise_like_torch():
    for bad in (lambda lib: lib.zeros(1, 2, 1).t_(), lambda lib: lib.zeros(2, 3).transpose_(0, 3),
                lambda lib: lib.zeros(2, 3).unsqueeze_(4), lambda lib: lib.zeros(2, 3).as_strided_((3, 3), (3, 1))):
        with pytest.raises((RuntimeError, IndexError)) as expected:
            bad(torch)
        with pytest.raises(type(expected.value)):
            bad(mg)


# ---- resize_ and resize_as_ ------------------------------------------------------------------------
@pytest.mark.parametrize("sizes", [(6,), (2, 3), (2, 2), (1,), (0,), ((3, 1),)])
def test_resize_shrinking_keeps_the_first_elements_in_the_same_memory(sizes):
    m, t = mg.arange(6.0), torch.arange(6.0)
    before = m.array
    m.resize_(*sizes)
    t.resize_(*sizes)
    assert m.shape == tuple(t.shape)
    np.testing.assert_array_equal(m.numpy(), t.numpy())
    assert np.shares_memory(m.array, before) or m.numel() == 0
    assert m._version == t._version == (0 if sizes == (6,) else 1)  # the same shape changes nothing


def test_resize_of_a_view_writes_through_to_the_base():
    m, t = mg.arange(6.0), torch.arange(6.0)
    for base in (m, t):
        v = base.view(2, 3)
        v.resize_(2, 2)
        v[0, 0] = 100.0
    np.testing.assert_array_equal(m.numpy(), t.numpy())


def test_resize_growing_keeps_the_old_elements_and_fills_zeros():
    m = mg.arange(6.0).reshape(2, 3)
    m.resize_(3, 3)
    np.testing.assert_array_equal(m.numpy(), [[0, 1, 2], [3, 4, 5], [0, 0, 0]])
    t = torch.arange(6.0).reshape(2, 3)
    t.resize_(3, 3)
    np.testing.assert_array_equal(m.numpy()[:2], t.numpy()[:2])  # torch's new elements are garbage
    assert m.dtype == np.float32 and m._version == 1


def test_resize_as_takes_the_templates_shape():
    m, t = mg.arange(6.0), torch.arange(6.0)
    m.resize_as_(mg.zeros(3, 2))
    t.resize_as_(torch.zeros(3, 2))
    assert m.shape == tuple(t.shape) == (3, 2)
    np.testing.assert_array_equal(m.numpy(), t.numpy())


def test_resize_is_refused_on_tensors_that_require_grad_in_every_mode():
    for lib, err in ((torch, RuntimeError), (mg, GraphError)):
        x = lib.ones(2, 3, requires_grad=True)
        with pytest.raises(err, match="resize"):
            x.resize_(6)
        with pytest.raises(err, match="resize"):
            (x * 2).resize_(2, 3)
        with pytest.raises(err, match="resize"):
            x.resize_as_(lib.zeros(6))
        with lib.no_grad():
            with pytest.raises(err, match="resize"):
                x.resize_(6)
            y = x * 2
            assert y.resize_(6).shape == (6,)  # made under no_grad: it does not require grad


def test_resize_bad_sizes():
    with pytest.raises(RuntimeError):
        torch.zeros(2).resize_(-1)
    with pytest.raises(RuntimeError, match="non-negative"):
        mg.zeros(2).resize_(-1)
    with pytest.raises(TypeError):
        mg.zeros(2).resize_(2.5)


def test_outputs_of_split_and_iteration_are_refused_as_in_torch():
    for lib, err in ((torch, RuntimeError), (mg, GraphError)):
        y = lib.ones(4, 3, requires_grad=True) * 1
        for piece in (y.split(2)[0], list(y)[0]):
            with pytest.raises(err, match="several outputs|multiple views"):
                piece.unsqueeze_(0)
            assert piece.shape[0] != 1
    with mg.no_grad():  # without gradients the change is allowed
        piece = list(mg.ones(4, 3) * 1)[0]
        assert piece.unsqueeze_(0).shape == (1, 3)


def test_view_changed_in_shape_under_no_grad_gets_its_history_when_next_used():
    (mx, tx), grads = pair((2, 3), requires_grad=True), []
    for x, lib in ((mx, mg), (tx, torch)):
        y = x * 1
        v = y.view(3, 2)
        y.mul_(lib.tensor(np.arange(6.0).reshape(2, 3)))  # v's history is now stale
        with lib.no_grad():
            v.t_()
        (v * lib.tensor(np.arange(1.0, 7.0).reshape(2, 3))).sum().backward()
        grads.append(x.grad.numpy())
    np.testing.assert_array_equal(grads[0], grads[1])


def test_as_strided_view_written_in_place_reaches_its_base():
    a, grads = RNG.standard_normal(6).astype(np.float32), []
    for lib in (mg, torch):
        x = lib.tensor(a, requires_grad=True)
        y = x * 1
        v = y[1:5]
        v.as_strided_((2, 2), (1, 2))
        v.mul_(lib.tensor([[2.0, 3.0], [4.0, 5.0]]))
        (y * lib.tensor(np.arange(1.0, 7.0, dtype=np.float32))).sum().backward()
        grads.append((y.detach().numpy().copy(), x.grad.numpy()))
    np.testing.assert_allclose(grads[0][0], grads[1][0], rtol=1e-6)
    np.testing.assert_allclose(grads[0][1], grads[1][1], rtol=1e-6)
