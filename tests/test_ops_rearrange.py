"""flip, roll, rot90, movedim, narrow, tile, repeat_interleave, unbind, tensor_split, the stacks,
meshgrid, cartesian_prod, combinations, block_diag, broadcast_*, diagonal, as_strided, unfold,
tril/triu, diag*, unflatten, view(dtype), tril_indices/triu_indices, new_* and type_as:
values against PyTorch, which results are views (shared memory and version counter), and bad
input. (Gradients and second derivatives: the registry, tests/test_registry.py.)"""

import numpy as np
import pytest

import minigrad as mg
from minigrad.errors import ArgumentRuntimeError, IndexOutOfRange, ShapeError
from minigrad.ops import strided

torch = pytest.importorskip("torch")
RNG = np.random.default_rng(3)
A = RNG.standard_normal((3, 5))
B = RNG.standard_normal((2, 3, 4))


def same(got, want):
    got = got if isinstance(got, (tuple, list)) else [got]
    want = want if isinstance(want, (tuple, list)) else [want]
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert tuple(g.shape) == tuple(w.shape)
        np.testing.assert_array_equal(g.numpy(), w.numpy())


CASES = {
    "flip": lambda m, a, b: m.flip(b, (0, -1)),
    "fliplr": lambda m, a, b: m.fliplr(a),
    "flipud": lambda m, a, b: m.flipud(b),
    "roll": lambda m, a, b: m.roll(b, (1, -2), (0, 2)),
    "roll_flat": lambda m, a, b: m.roll(a, 7),
    "rot90": lambda m, a, b: [m.rot90(a, k) for k in range(-3, 6)] + [m.rot90(b, 1, (2, 0))],
    "movedim": lambda m, a, b: m.movedim(b, (0, 1), (2, 0)),
    "moveaxis": lambda m, a, b: m.moveaxis(b, -1, 0),
    "swapaxes": lambda m, a, b: m.swapaxes(b, 0, 2),
    "narrow": lambda m, a, b: m.narrow(b, -1, -3, 2),
    "tile": lambda m, a, b: [m.tile(a, (2,)), m.tile(a, (2, 1, 3))],
    "repeat_interleave": lambda m, a, b: [m.repeat_interleave(a, 2), m.repeat_interleave(a, m.tensor([2, 0, 1]), 0),
                                          m.repeat_interleave(m.tensor([3, 1]))],
    "unbind": lambda m, a, b: m.unbind(b, 1),
    "tensor_split": lambda m, a, b: list(m.tensor_split(b, 3, 2)) + list(m.tensor_split(b, [1, 3, 2, 9], 2)),
    "hsplit": lambda m, a, b: m.hsplit(b, [1]),
    "vsplit": lambda m, a, b: m.vsplit(a, 3),
    "dsplit": lambda m, a, b: m.dsplit(b, 2),
    "stacks": lambda m, a, b: [f([a, a]) for f in (m.hstack, m.vstack, m.dstack, m.column_stack, m.row_stack)],
    "stacks_1d": lambda m, a, b: [f([a[0], a[1]]) for f in (m.hstack, m.vstack, m.dstack, m.column_stack)],
    "atleast": lambda m, a, b: [m.atleast_1d(a[0, 0]), m.atleast_2d(a[0]), *m.atleast_3d(a[0], a)],
    "meshgrid": lambda m, a, b: list(m.meshgrid(a[0], a[1, :3], indexing="ij")) + list(
        m.meshgrid(a[0], a[1, :3], a[2, :2], indexing="xy")),
    "cartesian_prod": lambda m, a, b: m.cartesian_prod(a[0, :2], a[1, :3], a[2, :2]),
    "combinations": lambda m, a, b: [m.combinations(a[0], r, w) for r in (1, 2, 3) for w in (False, True)],
    "block_diag": lambda m, a, b: m.block_diag(a, a[0], a[0, 0]),
    "broadcast_tensors": lambda m, a, b: m.broadcast_tensors(a[:, :1], a[0]),
    "diagonal": lambda m, a, b: [m.diagonal(b, 1, 0, 2), m.diagonal(a, -1), b.diagonal(offset=-5)],
    "diag_embed": lambda m, a, b: [m.diag_embed(b, -1, 0, 2), m.diag_embed(a, 2)],
    "diag": lambda m, a, b: [m.diag(a, 1), m.diag(a[0], -2), m.diagflat(a[:2, :2], 1)],
    "tril": lambda m, a, b: [m.tril(a, 1), m.triu(b, -1), m.tril(b, -4)],
    "unfold": lambda m, a, b: [b.unfold(2, 2, 1), b.unfold(1, 2, 2), a.unfold(1, 5, 3)],
    "as_strided": lambda m, a, b: [m.as_strided(b, (3, 3), (2, 1), 1), m.as_strided(a, (4, 2), (3, 1))],
    "unflatten": lambda m, a, b: [b.unflatten(2, (2, -1)), a.unflatten(-1, (5, 1))],
    "tril_indices": lambda m, a, b: [m.tril_indices(3, 4, 1), m.triu_indices(4, 3, -1), m.tril_indices(0, 2)],
    "broadcast_shapes": lambda m, a, b: m.tensor(list(m.broadcast_shapes((3, 1), (4,), 1))),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_values_match_torch(name):
    got = CASES[name](mg, mg.tensor(A), mg.tensor(B))
    want = CASES[name](torch, torch.tensor(A), torch.tensor(B))
    same(got, want)


def _shares(view, base):
    return np.shares_memory(view.numpy(), base.numpy()) and view._vbox is base._vbox


@pytest.mark.parametrize("make", [
    lambda x: x.diagonal(1, 0, 2), lambda x: x.unfold(2, 2, 1), lambda x: x.as_strided((2, 2), (4, 1), 1),
    lambda x: x.movedim(0, -1), lambda x: x.swapaxes(0, 1), lambda x: x.narrow(1, 1, 2),
    lambda x: x.unbind(1)[1], lambda x: x.tensor_split(2, 2)[1], lambda x: mg.hsplit(x, 3)[2],
    lambda x: x.unflatten(2, (2, 2)), lambda x: x.view(mg.int32),
])
def test_views_share_memory_and_version(make):
    x = mg.tensor(B)
    v = make(x)
    assert _shares(v, x)
    before = v.numpy().copy()
    x.array[...] += 1  # the view sees a change of its base
    assert not np.array_equal(v.numpy(), before)


def test_view_functions_are_marked_and_writable():
    for cls in (strided.Diagonal, strided.AsStrided, strided.Unfold):
        assert cls.is_view
    x = mg.zeros(3, 3)
    d = x.diagonal()
    d.array[...] = 1  # a writable view (NumPy's own diagonal is read-only)
    np.testing.assert_array_equal(x.numpy(), np.eye(3))


def test_flip_and_rot90_copy_like_torch():
    x = mg.tensor(A)
    assert not np.shares_memory(x.flip(0).numpy(), x.numpy())
    assert not np.shares_memory(x.rot90(2).numpy(), x.numpy())


def test_unfold_gradient_adds_up_over_overlapping_windows():
    x = mg.tensor(np.arange(5.0), requires_grad=True)
    x.unfold(0, 3, 1).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 2.0, 3.0, 2.0, 1.0])


def test_view_dtype():
    x = mg.tensor(np.arange(4, dtype=np.float32), requires_grad=True)
    y = x.view(mg.int32)
    np.testing.assert_array_equal(y.numpy(), torch.arange(4, dtype=torch.float32).view(torch.int32).numpy())
    assert not y.requires_grad
    assert x.detach().view(mg.float16).shape == (8,)
    assert mg.zeros(2, 4).view(-1, 2).shape == (4, 2)
    with pytest.raises(ShapeError):
        mg.zeros(3).view(mg.float64)
    with pytest.raises(ShapeError):
        mg.zeros(2, 3).t().view(mg.float16)


def test_new_tensors_and_type_as():
    x = mg.zeros(2, dtype=mg.float64)
    for t in (x.new_zeros(3), x.new_ones((2, 2)), x.new_empty(1), x.new_full((2,), 3.0), x.new_tensor([1, 2])):
        assert t.dtype == np.float64 and not t.requires_grad
    assert x.new_full((2,), 3.0).numpy().tolist() == [3.0, 3.0]
    assert x.new_zeros(2, dtype=mg.int64).dtype == np.int64
    w = mg.tensor([1.0, 2.0], requires_grad=True)
    y = w.type_as(x)
    assert y.dtype == np.float64
    y.sum().backward()
    assert w.grad.dtype == np.float32


@pytest.mark.parametrize("call, error", [
    (lambda x: x.flip(3), IndexOutOfRange),
    (lambda x: x.flip((0, 0)), RuntimeError),
    (lambda x: x.roll(1, 3), IndexOutOfRange),
    (lambda x: x.roll((1, 2), 0), ArgumentRuntimeError),
    (lambda x: x.rot90(1, (0, 0)), RuntimeError),
    (lambda x: x.rot90(1, (0, 5)), IndexOutOfRange),
    (lambda x: x.movedim((0, 0), (1, 0)), RuntimeError),
    (lambda x: x.narrow(0, 2, 3), ShapeError),
    (lambda x: x.narrow(0, 5, 0), IndexOutOfRange),
    (lambda x: x.unfold(1, 6, 1), ShapeError),
    (lambda x: x.unfold(1, 2, 0), RuntimeError),
    (lambda x: x.unfold(3, 1, 1), IndexOutOfRange),
    (lambda x: x.diagonal(0, 0, 0), ShapeError),
    (lambda x: x.diagonal(0, 0, 2), IndexOutOfRange),
    (lambda x: mg.diag(x.unsqueeze(0)), ShapeError),
    (lambda x: mg.tril(x[0]), ShapeError),
    (lambda x: x.as_strided((5, 5), (3, 1)), ShapeError),
    (lambda x: x.t().as_strided((2,), (1,)), RuntimeError),
    (lambda x: x.tensor_split(0), RuntimeError),
    (lambda x: mg.hsplit(x, 2), ShapeError),
    (lambda x: mg.vsplit(x[0], 1), ShapeError),
    (lambda x: x.repeat_interleave(mg.tensor([1, 2]), 0), ShapeError),
    (lambda x: x.repeat_interleave(-1), RuntimeError),
    (lambda x: x.unflatten(1, (2, 2)), ShapeError),
    (lambda x: mg.meshgrid(x, x), ShapeError),
    (lambda x: mg.broadcast_shapes((2,), (3,)), RuntimeError),
    (lambda x: mg.combinations(x), ShapeError),
])
def test_bad_input(call, error):
    with pytest.raises(error):
        call(mg.zeros(3, 5))


@pytest.mark.parametrize("make, want", [
    (lambda y: y.diagonal(), [[2.0, 1.0, 1.0], [1.0, 2.0, 1.0], [1.0, 1.0, 2.0]]),
    (lambda y: y.unfold(1, 2, 2), [[2.0, 2.0, 1.0]] * 3),
    (lambda y: y.as_strided((2,), (4,), 1), [[1.0, 2.0, 1.0], [1.0, 1.0, 2.0], [1.0, 1.0, 1.0]]),
    (lambda y: y.movedim(0, 1).narrow(0, 1, 1), [[1.0, 2.0, 1.0]] * 3),
])
def test_in_place_change_through_a_view_reaches_the_base_gradient(make, want):
    x = mg.ones(3, 3, requires_grad=True)
    y = x * 1
    make(y).mul_(2)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), want)


def test_roll_and_unflatten_refuse_a_dim_of_a_0d_tensor_as_torch():
    x = mg.tensor(3.0)
    # torch: an IndexError from roll, a RuntimeError from unflatten
    for call, error in ((lambda t: t.roll(1, 0), IndexError), (lambda t: t.unflatten(0, (1,)), RuntimeError)):
        with pytest.raises(error):
            call(torch.tensor(3.0))
        with pytest.raises(error, match="0-d") as info:
            call(x)
        assert isinstance(info.value, IndexOutOfRange)
    assert x.roll(1).numpy() == 3.0  # without dims the flattened tensor rolls


def test_combinations_without_any_is_an_empty_r_column_tensor():
    for values, r, replace in [([1.0], 2, False), ([], 2, False), ([1.0, 2.0], 3, False)]:
        mine = mg.combinations(mg.tensor(values), r, with_replacement=replace)
        assert mine.shape == tuple(torch.combinations(torch.tensor(values), r, with_replacement=replace).shape)


def test_tensor_split_counts_negative_places_from_the_end_as_torch():
    x, t = mg.zeros(2, 6), torch.zeros(2, 6)
    for places in [(-1, 4), (-8, 3), (2, -3), (7, -1)]:
        assert [p.shape for p in mg.tensor_split(x, places, 1)] == \
            [tuple(p.shape) for p in torch.tensor_split(t, places, 1)]


def test_meshgrid_refuses_mixed_dtypes_as_torch():
    with pytest.raises(RuntimeError):
        torch.meshgrid(torch.ones(3, dtype=torch.float16), torch.tensor(1.0), indexing="ij")
    with pytest.raises(RuntimeError, match="same dtype"):
        mg.meshgrid(mg.ones(3, dtype="float16"), mg.tensor(1.0), indexing="ij")


def test_block_diag_promotes_as_torch():
    blocks = [np.ones((2, 2), dtype=bool), np.ones(3, dtype=np.float16), np.array(1.5, dtype=np.float32)]
    mine = mg.block_diag(*[mg.tensor(b) for b in blocks])
    theirs = torch.block_diag(*[torch.from_numpy(b) for b in blocks])
    assert str(mine.dtype) == "float16" == str(theirs.dtype).replace("torch.", "")
    np.testing.assert_array_equal(mine.numpy(), theirs.numpy())
