"""sort, argsort, topk, kthvalue, median, nanmedian, mode, unique, unique_consecutive, searchsorted,
bucketize, isin, unravel_index, nonzero, argwhere, multinomial: integer results against PyTorch, tie and NaN
conventions, and bad input. (Values and gradients of the differentiable ones are checked by
the registry: tests/test_registry.py.)"""

import numpy as np
import pytest

import minigrad as mg
from minigrad.errors import ArgumentRuntimeError, IndexOutOfRange, ShapeError

torch = pytest.importorskip("torch")
RNG = np.random.default_rng(5)


def same(got, want):
    got = got if isinstance(got, (tuple, list)) else [got]
    want = want if isinstance(want, (tuple, list)) else [want]
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert tuple(g.shape) == tuple(w.shape)
        np.testing.assert_array_equal(g.numpy(), w.numpy())
        if w.dtype in (torch.int64, torch.int32):
            assert str(g.dtype) == str(w.dtype).replace("torch.", "")


def both(a):
    return mg.tensor(a), torch.tensor(a)


def test_sort_indices_with_ties_stable_and_nan():
    a = np.array([[3.0, 1.0, np.nan, 1.0, 3.0, 2.0], [0.0, 0.0, -1.0, 5.0, np.nan, 0.0]])
    x, t = both(a)
    for desc in (False, True):
        got, want = mg.sort(x, -1, descending=desc, stable=True), torch.sort(t, dim=-1, descending=desc, stable=True)
        np.testing.assert_array_equal(got.values.numpy(), want.values.numpy())
        same(got.indices, want.indices)
        same(mg.argsort(x, 1, descending=desc, stable=True), torch.argsort(t, dim=1, descending=desc, stable=True))
    assert mg.sort(mg.tensor(a, dtype=mg.float32)).values.dtype == np.float32


def test_sort_gradient_goes_to_the_moved_element():
    x = mg.tensor([3.0, 1.0, 2.0], requires_grad=True)
    v, i = mg.sort(x)
    (v * mg.tensor([1.0, 10.0, 100.0])).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [100.0, 1.0, 10.0])


def test_topk_kthvalue_median_indices_without_ties():
    a = RNG.permutation(24).reshape(4, 6).astype(np.float64)
    x, t = both(a)
    same(x.topk(3, 1), t.topk(3, 1))
    same(x.topk(2, 0, largest=False), t.topk(2, 0, largest=False))
    same(x.kthvalue(2, 0, keepdim=True), t.kthvalue(2, 0, keepdim=True))
    same(x.median(1), t.median(1))
    same(x.median(0, keepdim=True), t.median(0, keepdim=True))
    same(x.median(), t.median())
    same(mg.tensor(5.0).sort(), torch.tensor(5.0).sort())


def test_median_is_the_lower_one_and_nan_conventions():
    assert mg.median(mg.tensor([4.0, 1.0, 3.0, 2.0])).item() == 2.0
    a = np.array([[1.0, np.nan, 3.0, 2.0], [np.nan] * 4, [5.0, 1.0, 3.0, 2.0]])
    x, t = both(a)
    same(x.median(1), t.median(1))
    keep = [0, 2]  # an all-NaN row's index is unspecified (PyTorch's is not the first)
    same(mg.nanmedian(x[keep], 1), torch.nanmedian(t[keep], 1))
    assert np.isnan(mg.nanmedian(x, 1).values.numpy()[1])
    assert np.isnan(mg.median(x).item()) and mg.nanmedian(x).item() == torch.nanmedian(t).item()


def test_mode_with_repeats_matches_torch():
    a = RNG.integers(0, 4, size=(5, 9)).astype(np.float64)
    x, t = both(a)
    same(mg.mode(x), torch.mode(t))
    same(mg.mode(x, 0, keepdim=True), torch.mode(t, 0, keepdim=True))


def test_unique_and_unique_consecutive():
    a = RNG.integers(0, 3, size=(6, 2))
    x, t = both(a)
    same(mg.unique(x, return_inverse=True, return_counts=True),
         torch.unique(t, return_inverse=True, return_counts=True))
    same(mg.unique(x, dim=0, return_inverse=True, return_counts=True),
         torch.unique(t, dim=0, return_inverse=True, return_counts=True))
    same(mg.unique(x, dim=1), torch.unique(t, dim=1))
    same(mg.unique_consecutive(x, return_inverse=True, return_counts=True),
         torch.unique_consecutive(t, return_inverse=True, return_counts=True))
    same(mg.unique_consecutive(x, dim=0, return_inverse=True, return_counts=True),
         torch.unique_consecutive(t, dim=0, return_inverse=True, return_counts=True))


def test_searchsorted_and_bucketize():
    seq = np.sort(RNG.integers(0, 6, size=(3, 5)), axis=1).astype(np.float64)
    vals = RNG.integers(-1, 7, size=(3, 4)).astype(np.float64)
    (s, ts), (v, tv) = both(seq), both(vals)
    for right in (False, True):
        same(mg.searchsorted(s, v, right=right), torch.searchsorted(ts, tv, right=right))
        same(mg.searchsorted(s[0], v, right=right), torch.searchsorted(ts[0], tv, right=right))
        same(mg.bucketize(v, s[1], right=right), torch.bucketize(tv, ts[1], right=right))
    same(mg.searchsorted(s, v, side="right", out_int32=True), torch.searchsorted(ts, tv, side="right", out_int32=True))
    order = np.argsort(vals[0])
    same(mg.searchsorted(v[0], s[0], sorter=mg.tensor(order)),
         torch.searchsorted(tv[0], ts[0], sorter=torch.tensor(order)))
    with pytest.raises(ShapeError):
        mg.searchsorted(s, mg.tensor(vals[:2]))
    with pytest.raises(RuntimeError):
        mg.searchsorted(s, v, right=True, side="left")


def test_nonzero_and_argwhere():
    a = RNG.random((3, 4)) > 0.5
    x, t = both(a)
    same(mg.nonzero(x), torch.nonzero(t))
    same(mg.nonzero(x, as_tuple=True), torch.nonzero(t, as_tuple=True))
    same(mg.argwhere(x), torch.argwhere(t))
    assert x.nonzero().dtype == np.int64


def test_multinomial_is_vectorised_and_follows_the_weights():
    mg.manual_seed(0)
    w = mg.tensor([[0.0, 1.0, 3.0], [2.0, 0.0, 2.0]])
    s = mg.multinomial(w, 20000, replacement=True)
    assert s.shape == (2, 20000) and s.dtype == np.int64
    freq0 = np.bincount(s.numpy()[0], minlength=3) / 20000
    np.testing.assert_allclose(freq0, [0, 0.25, 0.75], atol=0.02)
    assert not (s.numpy()[1] == 1).any()
    draws = mg.multinomial(mg.tensor([[1.0, 1.0, 1.0, 0.0]] * 500), 3)
    rows = np.sort(draws.numpy(), axis=1)
    assert (rows == [0, 1, 2]).all()  # no repeats, never the zero-weight category
    first = mg.multinomial(mg.tensor([[1.0, 0.0, 0.0, 1.0, 2.0]] * 4000), 1).numpy()[:, 0]
    np.testing.assert_allclose(np.bincount(first, minlength=5) / 4000, [0.25, 0, 0, 0.25, 0.5], atol=0.03)
    g = mg.Generator().manual_seed(3) if hasattr(mg, "Generator") else None
    if g is not None:
        a = mg.multinomial(w, 5, True, generator=g)
        b = mg.multinomial(w, 5, True, generator=mg.Generator().manual_seed(3))
        np.testing.assert_array_equal(a.numpy(), b.numpy())


@pytest.mark.parametrize("call, error", [
    (lambda: mg.zeros(3, 4).sort(dim=2), IndexOutOfRange),
    (lambda: mg.zeros(3, 4).topk(5), ShapeError),
    (lambda: mg.zeros(3, 4).kthvalue(0), ShapeError),
    (lambda: mg.zeros(3, 4).median(dim=-3), IndexOutOfRange),
    (lambda: mg.multinomial(mg.tensor([-1.0, 1.0]), 1), ArgumentRuntimeError),
    (lambda: mg.multinomial(mg.tensor([0.0, 1.0]), 3), ShapeError),
    (lambda: mg.multinomial(mg.tensor([0.0, 1.0, 1.0]), 3), ArgumentRuntimeError),
    (lambda: mg.multinomial(mg.zeros(2, 2, 2), 1), ShapeError),
])
def test_bad_input(call, error):
    with pytest.raises(error):
        call()


def test_errors_are_the_builtin_types_torch_raises():
    with pytest.raises(IndexError):
        mg.zeros(3).sort(dim=1)
    with pytest.raises(RuntimeError):
        mg.zeros(3).topk(4)
    with pytest.raises(RuntimeError):
        mg.multinomial(mg.tensor([-1.0, 1.0]), 1)


# ---- isin, unravel_index --------------------------------------------------------------------------
@pytest.mark.parametrize("invert", [False, True])
def test_isin_matches_torch(invert):
    a, b = RNG.integers(0, 6, (3, 4)), RNG.integers(0, 6, 5)
    same(mg.isin(mg.tensor(a), mg.tensor(b), invert=invert), torch.isin(torch.tensor(a), torch.tensor(b), invert=invert))
    same(mg.isin(mg.tensor(a), 3, invert=invert), torch.isin(torch.tensor(a), 3, invert=invert))
    same(mg.isin(2, mg.tensor(b)), torch.isin(2, torch.tensor(b)))
    same(mg.isin(mg.tensor([0.5, 1.0]), mg.tensor([1.0])), torch.isin(torch.tensor([0.5, 1.0]), torch.tensor([1.0])))


def test_unravel_index_matches_torch():
    idx = np.array([[0, 5, 23], [-1, -24, 7]])
    for shape in [(2, 3, 4), (24,), (4, 6)]:
        same(mg.unravel_index(mg.tensor(idx), shape), torch.unravel_index(torch.tensor(idx), shape))
    same(mg.unravel_index(mg.tensor(7), 24), torch.unravel_index(torch.tensor(7), 24))


def test_isin_and_unravel_index_bad_input():
    from minigrad.errors import DTypeError, IndexRuntimeError

    with pytest.raises(DTypeError, match="isin: at least one"):
        mg.isin(1, 2)
    with pytest.raises(DTypeError, match="unravel_index: expected integer indices, got dtype float"):
        mg.unravel_index(mg.tensor([1.0]), (2, 3))
    with pytest.raises(IndexRuntimeError, match=r"unravel_index: an index is out of bounds for shape \(2, 3\)"):
        mg.unravel_index(mg.tensor([6]), (2, 3))  # (torch wraps it around: 6 -> (0, 0))
    with pytest.raises(IndexRuntimeError, match="out of bounds"):
        mg.unravel_index(mg.tensor([-7]), (2, 3))
