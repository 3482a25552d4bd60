"""Indexing: x[index] with every kind of index (values against NumPy), scatter-add gradients
where repeated indices accumulate, second derivatives, index_put / __setitem__, gather,
masked_fill, and out-of-range errors naming the dim, index and size."""

import numpy as np
import pytest

import minigrad as mg
from minigrad.errors import DTypeError, GraphError, IndexOutOfRange, ShapeError
from minigrad.testing import gradcheck, gradgradcheck

RNG = np.random.default_rng(3)
A = RNG.standard_normal((4, 5, 3))


def t64(a, requires_grad=True):
    return mg.tensor(np.asarray(a, dtype=np.float64), requires_grad=requires_grad)


INDICES = [
    2, -1, (1, 2), (1, 2, 0), (slice(1, 3),), (slice(None, None, -1),), (slice(3, 0, -2), Ellipsis, 1),
    (None, 0), (Ellipsis, None), (Ellipsis, 2), (0, Ellipsis, slice(None, None, -2)),
    np.array([0, 0, 3]), [3, 1, 3], (np.array([1, 2]), np.array([4, 0])), (slice(None), [[0, 1], [1, 0]]),
    (np.array([1, 1]), slice(None), np.array([2, 2])), A[..., 0] > 0,
    (slice(None), np.array([True, False, True, False, True])),
    A > 0.5, (Ellipsis, np.array([2, -3])),
]


@pytest.mark.parametrize("index", INDICES, ids=[str(i)[:30] for i in range(len(INDICES))])
def test_getitem_values_and_gradient_match_numpy(index):
    x = t64(A)
    y = x[index]
    want = A[index]
    np.testing.assert_array_equal(y.numpy(), want)
    w = RNG.standard_normal(np.shape(want))
    (y * mg.tensor(w)).sum().backward()
    expected = np.zeros_like(A)
    np.add.at(expected, index if not isinstance(index, list) else np.array(index), w)
    np.testing.assert_allclose(x.grad.numpy(), expected, rtol=1e-15)


def test_repeated_indices_accumulate():
    x = t64([10.0, 20.0, 30.0])
    x[[0, 0, 2, 0]].sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 0.0, 1.0])


def test_tensor_indices():
    x = t64(A, False)
    np.testing.assert_array_equal(x[mg.tensor([2, 0])].numpy(), A[[2, 0]])
    mask = mg.tensor(A[:, 0, 0] > 0)
    np.testing.assert_array_equal(x[mask].numpy(), A[A[:, 0, 0] > 0])
    assert x[mg.tensor(1)].shape == (5, 3)


def test_boolean_mask_gradient_lands_on_selected_entries():
    x = t64([[1.0, -2.0], [-3.0, 4.0]])
    y = x[x > 0]
    np.testing.assert_array_equal(y.numpy(), [1.0, 4.0])
    (y * mg.tensor([2.0, 3.0], dtype=mg.float64)).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[2.0, 0.0], [0.0, 3.0]])


def test_negative_step_gradient():
    x = t64(np.arange(5.0))
    y = x[::-2]
    np.testing.assert_array_equal(y.numpy(), [4.0, 2.0, 0.0])
    (y * mg.tensor([1.0, 10.0, 100.0], dtype=mg.float64)).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [100.0, 0.0, 10.0, 0.0, 1.0])


def test_empty_selection():
    x = t64(A)
    y = x[np.array([], dtype=np.int64)]
    assert y.shape == (0, 5, 3)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.zeros_like(A))


@pytest.mark.parametrize("index", [(slice(1, 3), 0), np.array([0, 2, 0]), (np.array([1, 1]), slice(None), 2),
                                   (Ellipsis, slice(None, None, -1))], ids=["basic", "repeats", "mixed", "negstep"])
def test_second_derivatives(index):
    fn = lambda x: (x[index] ** 2) * 3.0  # noqa: E731  non-linear, so the second derivative is not 0
    x = t64(RNG.standard_normal((4, 5, 3)))
    assert gradcheck(fn, (x,))
    assert gradgradcheck(fn, (x,))


def test_float32_gradients_stay_float32():
    x = mg.tensor(A.astype(np.float32), requires_grad=True)
    (x[[0, 0, 1]].sum() + x[1:, ::-1].sum() + x[x > 0].sum()).backward()
    assert x.grad.dtype == np.float32


# ---- index_put and __setitem__ ------------------------------------------------------------------------
def test_index_put_returns_a_new_tensor_and_is_differentiable():
    x = t64(np.zeros((3, 2)))
    v = t64([[1.0, 2.0], [3.0, 4.0]])
    y = mg.index_put(x, [0, 2], v)
    np.testing.assert_array_equal(y.numpy(), [[1, 2], [0, 0], [3, 4]])
    assert x.numpy().sum() == 0.0
    w = RNG.standard_normal((3, 2))
    (y * mg.tensor(w)).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), w * np.array([[0], [1], [0]]))
    np.testing.assert_array_equal(v.grad.numpy(), w[[0, 2]])


def test_index_put_broadcasts_the_value_and_sums_its_gradient():
    x = t64(np.zeros((3, 2)))
    v = t64(5.0)
    y = mg.index_put(x, (slice(None), 1), v)
    np.testing.assert_array_equal(y.numpy(), [[0, 5], [0, 5], [0, 5]])
    y.sum().backward()
    assert v.grad.item() == 3.0


def test_index_put_accumulate_adds_repeats():
    x = t64(np.ones(3))
    y = mg.index_put(x, [0, 0, 2], t64([1.0, 2.0, 3.0]), accumulate=True)
    np.testing.assert_array_equal(y.numpy(), [4.0, 1.0, 4.0])


def test_setitem_writes_in_place_and_keeps_gradient_flow():
    x = t64(A)
    v = t64(np.ones((5, 3)))
    y = x * 2.0
    y[1] = v * 3.0
    np.testing.assert_array_equal(y.numpy()[1], 3.0)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy()[1], 0.0)
    np.testing.assert_array_equal(x.grad.numpy()[0], 2.0)
    np.testing.assert_array_equal(v.grad.numpy(), 3.0)


def test_setitem_under_no_grad_and_with_a_mask():
    x = mg.tensor([1.0, -2.0, 3.0])
    x[x < 0] = 0.0
    assert x.tolist() == [1.0, 0.0, 3.0]
    w = mg.tensor([1.0, 2.0], requires_grad=True)
    with mg.no_grad():
        w[0] = 5.0
    assert w.tolist() == [5.0, 2.0]


def test_setitem_on_a_leaf_requiring_grad_is_refused():
    w = mg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(GraphError):
        w[0] = 5.0


def test_index_put_value_that_does_not_fit():
    with pytest.raises(ShapeError, match=r"index_put:.*\(3,\).*\(2, 2\)"):
        mg.index_put(mg.zeros(4, 2), [0, 1], mg.zeros(3))


# ---- gather, masked_fill -----------------------------------------------------------------------------
@pytest.mark.torch
def test_gather_matches_torch(torch):
    a = RNG.standard_normal((3, 4))
    idx = RNG.integers(0, 4, size=(3, 6))
    x, tx = t64(a), torch.tensor(a, requires_grad=True)
    y, ty = mg.gather(x, 1, mg.tensor(idx)), torch.gather(tx, 1, torch.tensor(idx))
    np.testing.assert_array_equal(y.numpy(), ty.detach().numpy())
    w = RNG.standard_normal((3, 6))
    (y * mg.tensor(w)).sum().backward()
    (ty * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-15)


def test_masked_fill():
    x = t64([[1.0, 2.0], [3.0, 4.0]])
    y = x.masked_fill(mg.tensor([True, False]), -9.0)
    np.testing.assert_array_equal(y.numpy(), [[-9.0, 2.0], [-9.0, 4.0]])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[0.0, 1.0], [0.0, 1.0]])
    with pytest.raises(DTypeError, match="masked_fill"):
        x.masked_fill(mg.tensor([1, 0]), 0.0)
    with pytest.raises(ShapeError, match="masked_fill"):
        x.masked_fill(mg.tensor([[[True]], [[False]]]), 0.0)


@pytest.mark.torch
@pytest.mark.parametrize("index", [np.array([0, 0, 3]), (np.array([1, 2]), slice(None), np.array([2, 2])),
                                   (slice(None), np.array([[0, 1], [1, 4]])), A[..., 0] > 0, (Ellipsis, 1)],
                         ids=["repeats", "mixed", "2d", "mask", "ellipsis"])
def test_getitem_matches_torch(torch, index):
    x, tx = t64(A), torch.tensor(A, requires_grad=True)
    t_index = tuple(torch.from_numpy(i) if isinstance(i, np.ndarray) else i for i in
                    (index if isinstance(index, tuple) else (index,)))
    y, ty = x[index], tx[t_index]
    np.testing.assert_array_equal(y.numpy(), ty.detach().numpy())
    w = RNG.standard_normal(y.shape)
    (y * mg.tensor(w)).sum().backward()
    (ty * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-14)


# ---- bad input -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("index, dim, value, size", [
    (4, 0, 4, 4), (-5, 0, -5, 4), ((0, 5), 1, 5, 5), ((Ellipsis, 3), 2, 3, 3), ((None, 1, -6), 1, -6, 5),
    ([0, 7], 0, 7, 4), ((slice(None), np.array([0, -6])), 1, -6, 5), ((0, mg.tensor([1, 9])), 1, 9, 5),
])
def test_out_of_range_names_dim_index_and_size(index, dim, value, size):
    x = t64(A, False)
    with pytest.raises(IndexOutOfRange, match=f"getitem: index {value} is out of range for dimension {dim} "
                                              f"with size {size}"):
        x[index]


def test_out_of_range_is_an_index_error():
    with pytest.raises(IndexError):
        t64([1.0, 2.0])[2]


def test_too_many_indices_and_bad_masks():
    x = t64(A, False)
    with pytest.raises(IndexOutOfRange, match="too many indices.*dimension 3"):
        x[0, 0, 0, 0]
    with pytest.raises(IndexOutOfRange, match=r"boolean mask of shape \(3,\)"):
        x[np.array([True, False, True])]
    with pytest.raises(IndexError, match="Ellipsis"):
        x[..., 0, ...]


def test_non_integer_indices_are_dtype_errors():
    x = t64(A, False)
    with pytest.raises(DTypeError, match="getitem"):
        x[1.5]
    with pytest.raises(DTypeError, match="getitem.*float"):
        x[mg.tensor([0.0, 1.0])]


def test_setitem_out_of_range():
    x = mg.zeros(3)
    with pytest.raises(IndexOutOfRange, match="index_put: index 3 is out of range for dimension 0 with size 3"):
        x[3] = 1.0


@pytest.mark.gpu
def test_scatter_add_gradient_on_the_gpu():
    x = mg.tensor(A, dtype=mg.float64, device="cuda", requires_grad=True)
    x[[0, 0, 2]].sum().backward()
    expected = np.zeros_like(A)
    np.add.at(expected, [0, 0, 2], 1.0)
    np.testing.assert_array_equal(x.grad.cpu().numpy(), expected)


def test_basic_index_is_a_view_that_shares_the_version_counter():
    x = t64([1.0, 2.0, 3.0])
    y = x.exp()  # Exp saves its output y for backward
    view = y[0:2]
    view.mul_(2.0)  # writes into y's memory
    assert y.numpy()[0] == pytest.approx(2 * np.e)
    with pytest.raises(GraphError, match="Exp.*modified in place"):
        y.sum().backward()


def test_advanced_index_is_a_copy():
    x = t64([1.0, 2.0, 3.0])
    y = x.exp()
    copy = y[[0, 1]]
    copy.mul_(2.0)
    assert y.numpy()[0] == pytest.approx(np.e)
    y.sum().backward()  # y is untouched: no error
    np.testing.assert_allclose(x.grad.numpy(), np.exp([1.0, 2.0, 3.0]))
