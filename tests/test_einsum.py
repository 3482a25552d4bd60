"""einsum against torch.einsum: random equations (hypothesis), the notation's corners, errors."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minigrad as mg
from minigrad.errors import ArgumentError, ShapeError
from minigrad.ops.einsum import einsum
from minigrad.testing import gradcheck, gradgradcheck

torch = pytest.importorskip("torch")


def _compare(eq, arrays, seed=0):
    """Forward and gradients of einsum(eq, *arrays) equal torch's (float64)."""
    ts = [mg.tensor(a, requires_grad=True) for a in arrays]
    tt = [torch.tensor(a, requires_grad=True) for a in arrays]
    out, ref = einsum(eq, *ts), torch.einsum(eq, *tt)
    assert out.shape == tuple(ref.shape), eq
    np.testing.assert_allclose(out.numpy(), ref.detach().numpy(), rtol=1e-10, atol=1e-10, err_msg=eq)
    w = np.random.default_rng(seed).standard_normal(tuple(ref.shape))
    (out * mg.tensor(w)).sum().backward()
    (ref * torch.tensor(w)).sum().backward()
    for a, b in zip(ts, tt):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-10, atol=1e-10, err_msg=eq)


@st.composite
def equations(draw):
    """A random equation over letters a-e (sizes 1-3), 1-3 operands, with repeats, an optional
    explicit output and an optional '...' on every operand."""
    letters = "abcde"
    sizes = {c: draw(st.integers(1, 3)) for c in letters}
    n_ops = draw(st.integers(1, 3))
    ellipsis = draw(st.booleans())
    batch = tuple(draw(st.lists(st.integers(1, 2), max_size=2))) if ellipsis else ()
    terms, shapes = [], []
    for _ in range(n_ops):
        term = draw(st.lists(st.sampled_from(letters), min_size=0, max_size=3))
        b = batch[draw(st.integers(0, len(batch))):] if ellipsis else ()
        terms.append(("..." if ellipsis else "") + "".join(term))
        shapes.append(b + tuple(sizes[c] for c in term))
    used = sorted(set("".join(t.replace("...", "") for t in terms)))
    if draw(st.booleans()):
        out = draw(st.permutations(used))[:draw(st.integers(0, len(used)))]
        eq = ",".join(terms) + "->" + ("..." if ellipsis else "") + "".join(out)
    else:
        eq = ",".join(terms)
    return eq, shapes


@settings(max_examples=150, deadline=None)
@given(case=equations(), seed=st.integers(0, 2 ** 16))
def test_random_equations_match_torch(case, seed):
    eq, shapes = case
    rng = np.random.default_rng(seed)
    _compare(eq, [rng.standard_normal(s) for s in shapes], seed)


@pytest.mark.parametrize("eq, shapes", [
    ("ii", [(3, 3)]),  # implicit trace
    ("ij,jk", [(2, 3), (3, 4)]),
    ("ba", [(2, 3)]),  # implicit output sorts: a transpose
    ("...", [(2, 3)]),
    ("i,i->", [(4,), (4,)]),
    ("bhqd,bhkd->bhqk", [(2, 3, 4, 5), (2, 3, 6, 5)]),  # attention scores
    ("ij, jk -> ik", [(2, 3), (3, 2)]),  # spaces
    ("...ij->...ji", [(2, 1, 3, 4)]),
    ("a...b,b...->...a", [(2, 3, 4), (4, 3)]),
    ("ij,ij->", [(0, 3), (0, 3)]),  # empty
])
def test_notation_corners(eq, shapes):
    rng = np.random.default_rng(1)
    _compare(eq, [rng.standard_normal(s) for s in shapes])


def test_double_backward():
    rng = np.random.default_rng(2)
    for eq, shapes in [("ij,jk->ik", [(2, 3), (3, 4)]), ("iij,j->i", [(3, 3, 2), (2,)]), ("ij->j", [(2, 3)])]:
        args = [mg.tensor(rng.standard_normal(s), requires_grad=True) for s in shapes]
        assert gradcheck(lambda *x: einsum(eq, *x), args)
        assert gradgradcheck(lambda *x: einsum(eq, *x), args)


def test_operands_as_a_list_and_top_level_name():
    a, b = mg.randn(2, 3), mg.randn(3, 4)
    np.testing.assert_allclose(mg.einsum("ij,jk", [a, b]).numpy(), (a @ b).numpy(), rtol=1e-6)


def test_result_owns_its_memory():
    a = mg.tensor(np.arange(6.0).reshape(2, 3))
    out = einsum("ij->ji", a)
    out.add_(1.0)
    np.testing.assert_array_equal(a.numpy(), np.arange(6.0).reshape(2, 3))


def test_dtypes():
    a32 = mg.randn(2, 3)
    assert einsum("ij,jk", a32, mg.randn(3, 2)).dtype == np.float32
    assert einsum("ij,jk", a32, mg.randn(3, 2, dtype=mg.float64)).dtype == np.float64
    ints = mg.tensor(np.arange(6).reshape(2, 3))
    out = einsum("ij->j", ints)
    assert out.dtype == np.int64
    np.testing.assert_array_equal(out.numpy(), torch.einsum("ij->j", torch.arange(6).reshape(2, 3)).numpy())


@pytest.mark.parametrize("eq, shapes, error, match", [
    ("ij,jk->ik", [(2, 3), (4, 2)], ShapeError, "subscript j"),
    ("ii->i", [(2, 3)], ShapeError, "repeated"),
    ("ij->i", [(2, 3, 4)], ShapeError, "names 2 dimensions"),
    ("ij,jk", [(2, 3)], ArgumentError, "operands"),
    ("ij->ii", [(2, 2)], ArgumentError, "more than once"),
    ("ij->k", [(2, 2)], ArgumentError, "does not appear"),
    ("i1->i", [(2, 2)], ArgumentError, "not a letter"),
    ("ij->i->j", [(2, 2)], ArgumentError, "->"),
])
def test_errors(eq, shapes, error, match):
    with pytest.raises(error, match=match):
        einsum(eq, *[mg.randn(*s) for s in shapes])
    with pytest.raises(RuntimeError):  # PyTorch refuses the same equations
        torch.einsum(eq, *[torch.randn(*s) for s in shapes])
