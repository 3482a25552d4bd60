"""scatter, scatter_add, scatter_reduce, index_add/copy/fill/select, take, take_along_dim,
masked_select, masked_scatter: values against PyTorch (integer tensors too), the in-place
forms, gradients where places repeat, and bad input. (The registry checks gradients, second
derivatives, float32 and non-contiguous inputs: tests/test_registry.py.)"""

import numpy as np
import pytest

import minigrad as mg
from minigrad.errors import ArgumentRuntimeError, GraphError, IndexOutOfRange, ShapeError

torch = pytest.importorskip("torch")
RNG = np.random.default_rng(11)


def close(got, want):
    assert tuple(got.shape) == tuple(want.shape)
    np.testing.assert_allclose(got.numpy(), want.detach().numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("reduce", ["sum", "prod", "mean", "amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
def test_scatter_reduce_on_integers_and_with_ties(reduce, include_self):
    x = RNG.integers(-3, 4, size=(3, 4))
    src = RNG.integers(-3, 4, size=(3, 5))
    index = RNG.integers(0, 4, size=(3, 5))
    got = mg.tensor(x).scatter_reduce(1, mg.tensor(index), mg.tensor(src), reduce, include_self=include_self)
    want = torch.tensor(x).scatter_reduce(1, torch.tensor(index), torch.tensor(src), reduce, include_self=include_self)
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got.numpy(), want.numpy())


def test_scatter_amax_ties_share_the_gradient_like_torch():
    a = np.array([[1.0, 2.0, 0.0]])
    s = np.array([[2.0, 2.0, 5.0]])
    index = np.array([[1, 1, 2]])
    xm, sm = mg.tensor(a, requires_grad=True), mg.tensor(s, requires_grad=True)
    xt, st = torch.tensor(a, requires_grad=True), torch.tensor(s, requires_grad=True)
    xm.scatter_reduce(1, mg.tensor(index), sm, "amax").sum().backward()
    xt.scatter_reduce(1, torch.tensor(index), st, "amax").sum().backward()
    close(xm.grad, xt.grad)
    close(sm.grad, st.grad)


def test_scatter_add_and_index_add_accumulate_repeats():
    x = mg.zeros(3)
    out = x.scatter_add(0, mg.tensor([0, 0, 2, 0]), mg.tensor([1.0, 2.0, 3.0, 4.0]))
    np.testing.assert_array_equal(out.numpy(), [7.0, 0.0, 3.0])
    src = mg.tensor([[1.0], [2.0]], requires_grad=True)
    out = mg.zeros(2, 1).index_add(0, mg.tensor([1, 1]), src, alpha=3)
    np.testing.assert_array_equal(out.numpy(), [[0.0], [9.0]])
    out.sum().backward()
    np.testing.assert_array_equal(src.grad.numpy(), [[3.0], [3.0]])


def test_scatter_reduce_form_and_value_form():
    x, t = mg.ones(2, 3), torch.ones(2, 3)
    i = np.array([[0, 2], [1, 1]])
    close(x.scatter(1, mg.tensor(i), 4.0, reduce="multiply"), t.scatter(1, torch.tensor(i), 4.0, reduce="multiply"))
    close(x.scatter(1, mg.tensor(i), mg.full((2, 2), 2.0), reduce="add"),
          t.scatter(1, torch.tensor(i), torch.full((2, 2), 2.0), reduce="add"))
    close(mg.scatter(x, 1, mg.tensor(i), value=-1.0), torch.scatter(t, 1, torch.tensor(i), value=-1.0))


def test_in_place_forms_write_into_the_tensor():
    i = mg.tensor([[0, 2], [1, 1]])
    for name, args, targs in [
        ("scatter_", (1, i, mg.full((2, 2), 5.0)), (1, torch.tensor(i.numpy()), torch.full((2, 2), 5.0))),
        ("scatter_add_", (1, i, mg.full((2, 2), 5.0)), (1, torch.tensor(i.numpy()), torch.full((2, 2), 5.0))),
        ("index_add_", (0, mg.tensor([1]), mg.ones(1, 3)), (0, torch.tensor([1]), torch.ones(1, 3))),
        ("index_copy_", (1, mg.tensor([2, 0]), mg.full((2, 2), 7.0)),
         (1, torch.tensor([2, 0]), torch.full((2, 2), 7.0))),
        ("index_fill_", (1, mg.tensor([1]), -2.0), (1, torch.tensor([1]), -2.0)),
        ("masked_scatter_", (mg.tensor([True, False, True]), mg.arange(6.0)),
         (torch.tensor([True, False, True]), torch.arange(6.0))),
    ]:
        x, t = mg.ones(2, 3), torch.ones(2, 3)
        same = getattr(x, name)(*args)
        getattr(t, name)(*targs)
        assert same is x and x._version == 1, name
        close(x, t)


def test_in_place_scatter_is_differentiable_and_refused_on_a_leaf():
    w = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = w * 2
    y.index_fill_(0, mg.tensor([1]), 0.0)
    y.sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), [2.0, 0.0, 2.0])
    with pytest.raises(GraphError):
        w.scatter_(0, mg.tensor([0]), mg.tensor([1.0]))


def test_selection_values():
    a = RNG.standard_normal((3, 4))
    x, t = mg.tensor(a), torch.tensor(a)
    close(x.index_select(1, mg.tensor([3, 0, 3])), t.index_select(1, torch.tensor([3, 0, 3])))
    close(x.index_select(0, mg.tensor(2)), t.index_select(0, torch.tensor(2)))
    close(x.take(mg.tensor([[0, -1], [5, 5]])), t.take(torch.tensor([[0, -1], [5, 5]])))
    close(mg.take_along_dim(x, mg.tensor([[1], [0], [3]]), 1),
          torch.take_along_dim(t, torch.tensor([[1], [0], [3]]), 1))
    close(mg.take_along_dim(x, mg.tensor([2, 11])), torch.take_along_dim(t, torch.tensor([2, 11])))
    m = RNG.random(4) > 0.5
    close(x.masked_select(mg.tensor(m)), t.masked_select(torch.tensor(m)))


@pytest.mark.parametrize("call, error", [
    (lambda x: x.scatter(0, mg.tensor([[3]]), 1.0), IndexOutOfRange),
    (lambda x: x.scatter(0, mg.tensor([[-1]]), 1.0), IndexOutOfRange),
    (lambda x: x.scatter(0, mg.tensor([[0] * 5]), 1.0), ShapeError),
    (lambda x: x.scatter(0, mg.tensor([0]), 1.0), ShapeError),
    (lambda x: x.scatter(0, mg.tensor([[0.5]]), 1.0), TypeError),
    (lambda x: x.scatter_add(2, mg.tensor([[0]]), mg.ones(1, 1)), IndexOutOfRange),
    (lambda x: x.scatter_add(0, mg.tensor([[0, 0]]), mg.ones(1, 1)), ShapeError),
    (lambda x: x.scatter_reduce(0, mg.tensor([[0]]), mg.ones(1, 1), "max"), ValueError),
    (lambda x: x.index_add(0, mg.tensor([3]), mg.ones(1, 4)), IndexOutOfRange),
    (lambda x: x.index_add(0, mg.tensor([0]), mg.ones(2, 4)), ShapeError),
    (lambda x: x.index_copy(0, mg.tensor([-1]), mg.ones(1, 4)), IndexOutOfRange),
    (lambda x: x.index_select(0, mg.tensor([3])), IndexOutOfRange),
    (lambda x: x.index_select(0, mg.tensor([[0]])), ShapeError),
    (lambda x: x.take(mg.tensor([12])), IndexOutOfRange),
    (lambda x: x.masked_scatter(mg.ones(3, 4).bool(), mg.ones(5)), ShapeError),
    (lambda x: x.masked_select(mg.ones(2, 4).bool()), ShapeError),
    (lambda x: x.masked_select(mg.ones(3, 4)), TypeError),
])
def test_bad_input(call, error):
    with pytest.raises(error):
        call(mg.zeros(3, 4))


def test_out_of_bounds_errors_are_the_builtin_types_torch_raises():
    x = mg.zeros(3, 4)
    with pytest.raises(RuntimeError):  # torch: RuntimeError for scatter and index_add
        x.scatter(0, mg.tensor([[5]]), 1.0)
    with pytest.raises(RuntimeError):
        x.index_add(0, mg.tensor([5]), mg.ones(1, 4))
    with pytest.raises(IndexError):  # torch: IndexError for index_select and take
        x.index_select(0, mg.tensor([5]))
    with pytest.raises(RuntimeError):
        x.masked_scatter(mg.ones(3, 4).bool(), mg.ones(2))


def test_index_reduce_checks_source_dims_and_takes_0d_tensors():
    x, index = mg.tensor(np.ones((3, 3))), mg.tensor([0, 2, 0, 1])
    with pytest.raises(ShapeError, match="index_reduce"):
        x.index_reduce(1, index, mg.tensor(2.0), "prod")
    with pytest.raises(RuntimeError):
        torch.ones(3, 3).index_reduce(1, torch.tensor([0, 2, 0, 1]), torch.tensor(2.0), "prod")
    out = mg.tensor(3.0).index_reduce(0, mg.tensor([0]), mg.tensor(2.0), "prod")
    assert out.shape == () and out.numpy() == 6.0


@pytest.mark.parametrize("dtype", ["bool", "int64"])
def test_index_add_casts_alpha_to_an_integer_input_dtype_as_torch(dtype):
    x, s = np.zeros((2, 5), dtype=dtype), np.ones((2, 2), dtype=dtype)
    mine = mg.tensor(x).index_add(1, mg.tensor([4, 1]), mg.tensor(s), alpha=-2.5)
    theirs = torch.from_numpy(x).index_add(1, torch.tensor([4, 1]), torch.from_numpy(s), alpha=-2.5)
    assert mine.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(mine.numpy(), theirs.numpy())


def test_scatter_checks_src_dims_and_integer_values():
    x, index = mg.tensor(np.zeros((4, 3), dtype=np.int32)), mg.tensor([[1, 3]])
    with pytest.raises(RuntimeError):
        torch.zeros(4, 3, dtype=torch.int32).scatter(0, torch.tensor([[1, 3]]), float("nan"))
    with pytest.raises(ArgumentRuntimeError, match="overflow"):
        x.scatter(0, index, float("nan"))
    with pytest.raises(ShapeError, match="as many dimensions as src"):
        x.scatter_add(0, index, mg.tensor(np.zeros((1, 2, 0), dtype=np.int32)))
