"""cat, stack, split, chunk, pad, repeat: values against NumPy and PyTorch, gradients (each
piece's gradient lands back in its place), second derivatives, dtypes, and bad input."""

import numpy as np
import pytest

import minigrad as mg
from minigrad.errors import ShapeError
from minigrad.testing import gradcheck, gradgradcheck

RNG = np.random.default_rng(2)


def t64(a, requires_grad=True):
    return mg.tensor(np.asarray(a, dtype=np.float64), requires_grad=requires_grad)


# ---- cat and stack ----------------------------------------------------------------------------------
def test_cat_values_and_gradient():
    a, b = RNG.standard_normal((2, 3)), RNG.standard_normal((2, 1))
    ta, tb = t64(a), t64(b)
    y = mg.cat([ta, tb], dim=1)
    np.testing.assert_array_equal(y.numpy(), np.concatenate([a, b], 1))
    w = RNG.standard_normal(y.shape)
    (y * mg.tensor(w)).sum().backward()
    np.testing.assert_array_equal(ta.grad.numpy(), w[:, :3])
    np.testing.assert_array_equal(tb.grad.numpy(), w[:, 3:])


def test_cat_negative_dim_tuple_and_single_tensor():
    a = t64(RNG.standard_normal((2, 3)), False)
    np.testing.assert_array_equal(mg.cat((a, a, a), -2).numpy(), np.concatenate([a.numpy()] * 3, 0))
    assert mg.cat([a]) is a


def test_cat_promotes_dtypes_like_torch():
    a = mg.tensor([1.0, 2.0])  # float32
    b = mg.tensor([3.0], dtype=mg.float64)
    assert mg.cat([a, b]).dtype == np.float64
    assert mg.cat([mg.tensor([1, 2]), a]).dtype == np.float32


def test_stack_values_and_gradient():
    xs = [t64(RNG.standard_normal((2, 3))) for _ in range(3)]
    for dim in (0, 1, 2, -1):
        y = mg.stack(xs, dim)
        np.testing.assert_array_equal(y.numpy(), np.stack([x.numpy() for x in xs], dim))
    y = mg.stack(xs, 1)
    w = RNG.standard_normal(y.shape)
    (y * mg.tensor(w)).sum().backward()
    for i, x in enumerate(xs):
        np.testing.assert_array_equal(x.grad.numpy(), w[:, i])


# ---- split and chunk ----------------------------------------------------------------------------------
def test_split_by_size_and_by_sections():
    a = RNG.standard_normal((7, 2))
    x = t64(a, False)
    pieces = mg.split(x, 3)
    assert [p.shape for p in pieces] == [(3, 2), (3, 2), (1, 2)]
    np.testing.assert_array_equal(mg.cat(list(pieces)).numpy(), a)
    pieces = x.split([1, 4, 2])
    assert isinstance(pieces, tuple) and [p.shape[0] for p in pieces] == [1, 4, 2]
    np.testing.assert_array_equal(pieces[1].numpy(), a[1:5])
    assert [p.shape for p in mg.split(x, 1, dim=1)] == [(7, 1), (7, 1)]


def test_split_gradient_with_unused_pieces_is_zero_there():
    x = t64(RNG.standard_normal((5, 2)))
    first, _, last = mg.split(x, [2, 2, 1])
    (first.sum() + 3 * last.sum()).backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[1, 1], [1, 1], [0, 0], [0, 0], [3, 3]])


def test_chunk_like_torch():
    x = t64(np.arange(10.0).reshape(2, 5), False)
    assert [c.shape for c in mg.chunk(x, 2, dim=1)] == [(2, 3), (2, 2)]
    assert [c.shape for c in x.chunk(4, 1)] == [(2, 2), (2, 2), (2, 1)]  # fewer pieces than asked for
    assert [c.shape for c in mg.chunk(x, 5, 0)] == [(1, 5), (1, 5)]


@pytest.mark.torch
def test_split_and_chunk_match_torch(torch):
    a = RNG.standard_normal((6, 7))
    for args in [(2,), (3, 1), ([2, 5], 1), ([0, 6],)]:
        ours = mg.split(t64(a, False), *args)
        theirs = torch.split(torch.tensor(a), *args)
        assert len(ours) == len(theirs)
        for o, t in zip(ours, theirs):
            np.testing.assert_array_equal(o.numpy(), t.numpy())
    for chunks, dim in [(3, 0), (4, 0), (4, 1), (7, 1), (10, 1)]:
        ours = mg.chunk(t64(a, False), chunks, dim)
        theirs = torch.chunk(torch.tensor(a), chunks, dim)
        assert [o.shape for o in ours] == [tuple(t.shape) for t in theirs]


# ---- pad ---------------------------------------------------------------------------------------------
def test_pad_constant_order_starts_from_the_last_dim():
    a = np.arange(6.0).reshape(2, 3)
    y = mg.pad(t64(a, False), (1, 2, 0, 1), value=-1.0)
    np.testing.assert_array_equal(y.numpy(), np.pad(a, ((0, 1), (1, 2)), constant_values=-1.0))


def test_pad_gradient_is_the_middle_block():
    x = t64(RNG.standard_normal((2, 3)))
    y = mg.pad(x, (1, 1, 2, 0))
    w = RNG.standard_normal(y.shape)
    (y * mg.tensor(w)).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), w[2:, 1:4])


def test_negative_padding_crops():
    a = np.arange(12.0).reshape(3, 4)
    np.testing.assert_array_equal(mg.pad(t64(a, False), (-1, 1)).numpy(), np.pad(a[:, 1:], ((0, 0), (0, 1))))


def test_pad_keeps_integer_dtype():
    y = mg.pad(mg.tensor([[1, 2]]), (1, 0), value=7)
    assert y.dtype == np.int64 and y.tolist() == [[7, 1, 2]]


@pytest.mark.torch
@pytest.mark.parametrize("mode, shape, pad", [
    ("constant", (2, 3, 4), (1, 2, 0, 3)), ("constant", (3, 4), (-1, 2, 1, -2)),
    ("reflect", (2, 3, 5), (2, 3)), ("reflect", (1, 2, 4, 5), (1, 3, 2, 1)),
    ("replicate", (2, 3, 5), (3, 1)), ("replicate", (1, 2, 4, 5), (1, 3, 2, 4)),
    ("circular", (2, 3, 5), (2, 4)), ("circular", (1, 2, 4, 5), (1, 3, 2, 1)),
])
def test_pad_matches_torch_values_and_gradients(torch, mode, shape, pad):
    a = RNG.standard_normal(shape)
    x, tx = t64(a), torch.tensor(a, requires_grad=True)
    kwargs = {"value": 0.5} if mode == "constant" else {}
    y = mg.pad(x, pad, mode=mode, **kwargs)
    ty = torch.nn.functional.pad(tx, pad, mode=mode, **kwargs)
    np.testing.assert_array_equal(y.numpy(), ty.detach().numpy())
    w = RNG.standard_normal(y.shape)
    (y * mg.tensor(w)).sum().backward()
    (ty * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-14, atol=1e-15)


# ---- repeat ------------------------------------------------------------------------------------------
def test_repeat_matches_numpy_tile_and_sums_gradients():
    a = RNG.standard_normal((2, 3))
    x = t64(a)
    y = x.repeat(2, 1, 3)
    np.testing.assert_array_equal(y.numpy(), np.tile(a, (2, 1, 3)))
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.full((2, 3), 6.0))


# ---- second derivatives and dtypes ----------------------------------------------------------------------
CASES = [
    ("cat", lambda a, b: mg.cat([a * a, b], 1)),
    ("stack", lambda a, b: mg.stack([a * b, b], 0)),
    ("split", lambda a, b: tuple(p * p for p in mg.split(a * b, [1, 2], dim=1))),
    ("chunk", lambda a, b: mg.chunk(a * b, 2, 0)[1] ** 2),
    ("pad", lambda a, b: mg.pad(a * b, (1, 2, 1, 0), value=2.0) ** 2),
    ("pad_reflect", lambda a, b: mg.pad(a * b, (2, 1), mode="reflect") ** 2),
    ("repeat", lambda a, b: (a * b).repeat(2, 2) ** 2),
]


@pytest.mark.parametrize("name, fn", CASES, ids=[c[0] for c in CASES])
def test_gradients_and_second_derivatives(name, fn):
    a, b = t64(RNG.standard_normal((2, 3))), t64(RNG.standard_normal((2, 3)))
    assert gradcheck(fn, (a, b))
    assert gradgradcheck(fn, (a, b))


def test_float32_stays_float32():
    x = mg.tensor(RNG.standard_normal((4, 3)).astype(np.float32), requires_grad=True)
    parts = mg.split(x, 2) + mg.chunk(x, 3, 1)
    y = mg.cat([mg.pad(p, (1, 1)).flatten() for p in parts] + [mg.stack([x, x]).flatten()])
    y.sum().backward()
    assert y.dtype == np.float32 and x.grad.dtype == np.float32


# ---- bad input -----------------------------------------------------------------------------------------
def test_cat_shapes_that_disagree_off_the_cat_dim():
    with pytest.raises(ShapeError, match=r"cat:.*dimension 0.*\(2, 3\), \(2, 4\)"):
        mg.cat([mg.zeros(2, 3), mg.zeros(2, 4)], 0)
    with pytest.raises(ShapeError, match="cat"):
        mg.cat([mg.zeros(2, 3), mg.zeros(3)])
    with pytest.raises(ShapeError, match="cat.*zero-dimensional"):
        mg.cat([mg.tensor(1.0), mg.tensor(2.0)])


def test_cat_and_stack_argument_errors():
    with pytest.raises(ValueError, match="cat.*non-empty"):
        mg.cat([])
    with pytest.raises(TypeError, match="cat"):
        mg.cat(mg.zeros(2, 3))
    with pytest.raises(IndexError, match="cat.*dimension 2"):
        mg.cat([mg.zeros(2, 3)] * 2, 2)
    with pytest.raises(ShapeError, match=r"stack:.*\(2, 3\), \(3, 2\)"):
        mg.stack([mg.zeros(2, 3), mg.zeros(3, 2)])
    with pytest.raises(IndexError, match="stack"):
        mg.stack([mg.zeros(2, 3)] * 2, 3)


def test_split_errors():
    with pytest.raises(ShapeError, match=r"split:.*\[2, 2\].*add up to 5"):
        mg.split(mg.zeros(5, 2), [2, 2])
    with pytest.raises(ValueError, match="split.*positive"):
        mg.split(mg.zeros(5), 0)
    with pytest.raises(ValueError, match="chunk.*positive"):
        mg.chunk(mg.zeros(5), 0)
    with pytest.raises(ShapeError, match="split"):
        mg.split(mg.tensor(1.0), 1)


def test_pad_errors():
    with pytest.raises(ShapeError, match="pad.*even length"):
        mg.pad(mg.zeros(2, 3), (1, 2, 3))
    with pytest.raises(ShapeError, match="pad"):
        mg.pad(mg.zeros(3), (1, 1, 1, 1))
    with pytest.raises(ShapeError, match="pad.*'reflect'.*smaller than.*size 3"):
        mg.pad(mg.zeros(2, 3), (3, 0), mode="reflect")
    with pytest.raises(ValueError, match="pad: mode"):
        mg.pad(mg.zeros(2, 3), (1, 1), mode="mirror")
    with pytest.raises(ShapeError, match="pad.*crops more"):
        mg.pad(mg.zeros(2, 3), (-2, -2))


def test_repeat_needs_enough_counts():
    with pytest.raises(ShapeError, match="repeat"):
        mg.zeros(2, 3).repeat(2)


def test_split_pieces_are_views_sharing_the_version_counter():
    """In grad mode an output of split cannot be changed in place (PyTorch: "several outputs");
    under no_grad it can, the change reaches the base, and the shared version counter moves, so
    a backward that saved the base refuses to run."""
    from minigrad.errors import GraphError

    x = t64([1.0, 2.0, 3.0])
    y = x.exp()
    _, last = mg.split(y, 2)
    with pytest.raises(GraphError, match="several outputs"):
        last.mul_(2.0)
    assert y.numpy()[2] == pytest.approx(np.exp(3.0))  # refused before anything was written
    assert last._version == y._version == 0
    with mg.no_grad():
        last.mul_(2.0)
    assert y.numpy()[2] == pytest.approx(2 * np.exp(3.0))
    assert last._version == y._version == 1
    with pytest.raises(GraphError, match="modified in place"):
        y.sum().backward()  # exp saved its output y, changed since
