"""The in-place comparisons (x.gt_(y), ...), gcd_/lcm_/ldexp_/mvlgamma_/nextafter_, nextafter,
cfloat/cdouble (minigrad/ops/tensor_forms.py), PyTorch's top-level in-place functions
(minigrad/inplace_functions.py), the view copies (minigrad/view_copies.py) and the unsafe
splits, each against torch: values, dtypes, in-place identity, gradients (float64), errors."""

import inspect

import numpy as np
import pytest

import minigrad as mg
from minigrad.errors import (ArgumentTypeError, DTypeError, DTypeRuntimeError, GraphError, MinigradError, ShapeError,
                             UnsupportedDType)
from minigrad.inplace_functions import METHOD_NAMES
from minigrad.view_copies import VIEWS

RNG = np.random.default_rng(0)


def convert(lib, value):
    """A test argument for minigrad or torch: arrays become tensors (copies), dtype names dtypes."""
    if isinstance(value, np.ndarray):
        return lib.tensor(value.copy())
    if isinstance(value, (tuple, list)) and any(isinstance(v, np.ndarray) for v in value):
        return type(value)(convert(lib, v) for v in value)
    if isinstance(value, str):
        return getattr(lib, value)
    return value


def as_tuple(out):
    return tuple(out) if isinstance(out, (tuple, list)) else (out,)


def assert_same(m, t, exact=True):
    """A minigrad tensor and a torch tensor hold the same values, shape and dtype."""
    assert str(m.dtype) == str(t.dtype).replace("torch.", ""), (m.dtype, t.dtype)
    assert tuple(m.shape) == tuple(t.shape)
    want = t.detach().resolve_conj().numpy()
    if exact:
        np.testing.assert_array_equal(m.numpy(), want)
    else:
        rtol = 1e-10 if m.dtype == mg.float64 else 1e-5
        np.testing.assert_allclose(m.numpy(), want, rtol=rtol, atol=1e-12)


# ---- in-place comparisons ----------------------------------------------------------------------------------
COMPARISONS = ["eq", "ne", "lt", "le", "gt", "ge", "not_equal", "less", "less_equal", "greater", "greater_equal"]
X = np.array([[0, 1, 2], [2, 1, 0]])
OTHERS = {"same shape": np.array([[1, 1, 1], [0, 2, 0]]), "row": np.array([1, 1, 0]), "column": np.array([[1], [0]]),
          "number": 1, "float other": np.array([0.5, 1.0, 1.5])}


@pytest.mark.parametrize("name", COMPARISONS)
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int64", "int32", "bool"])
@pytest.mark.parametrize("other", list(OTHERS))
def test_inplace_comparison_matches_torch(torch, name, dtype, other):
    m, t = mg.tensor(X.astype(dtype)), torch.tensor(X.astype(dtype))
    value = OTHERS[other]
    if isinstance(value, np.ndarray) and other != "float other":
        value = value.astype(dtype)
    version = m._version
    got, want = getattr(m, name + "_")(convert(mg, value)), getattr(t, name + "_")(convert(torch, value))
    assert got is m and want is t
    assert_same(m, t)
    assert m._version == version + 1
    assert not m.requires_grad


def test_inplace_comparison_on_a_leaf_that_requires_grad_is_refused(torch):
    with pytest.raises(RuntimeError):
        torch.tensor([1.0, 2.0], requires_grad=True).gt_(1)
    with pytest.raises(GraphError, match="gt_") as info:
        mg.tensor([1.0, 2.0], requires_grad=True).gt_(1)
    assert isinstance(info.value, RuntimeError)
    leaf = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    with pytest.raises(GraphError, match="view of a leaf"):
        leaf[1:].lt_(2)
    with mg.no_grad():
        leaf[1:].lt_(2.5)  # allowed outside grad mode, as in PyTorch
    np.testing.assert_array_equal(leaf.detach().numpy(), [1.0, 1.0, 0.0])


def _comparison_graphs(lib):
    """The three ways an in-place comparison meets the graph; the grads PyTorch gives."""
    a = lib.tensor([1.0, 2.0, 3.0], dtype=lib.float64, requires_grad=True)
    y = lib.tensor([1.5, 1.5, 4.0], dtype=lib.float64, requires_grad=True)
    w = lib.tensor([1.0, 2.0, 3.0], dtype=lib.float64)
    b = a * 2  # 1. a non-leaf that requires grad: it stays in the graph, with a zero gradient
    r = b.gt_(y)
    first = (r.requires_grad,)
    (r * w).sum().backward()
    grads = [a.grad.clone(), y.grad.clone()]
    a.grad, y.grad = None, None
    c = a * 2  # 2. a view of one: only the overwritten elements lose their gradient
    c[1:].lt_(5)
    (c * w).sum().backward()
    grads.append(a.grad.clone())
    x = lib.zeros(3, dtype=lib.float64)  # 3. only the other operand requires grad
    y.grad = None
    r = x.ge_(y)
    second = (r.requires_grad,)
    (r * w).sum().backward()
    grads.append(y.grad.clone())
    return first + second, [g.detach().numpy() for g in grads], r


def test_inplace_comparison_in_the_graph_matches_torch(torch):
    flags, grads, result = _comparison_graphs(mg)
    want_flags, want_grads, want_result = _comparison_graphs(torch)
    assert flags == want_flags == (True, True)
    for g, w in zip(grads, want_grads):
        np.testing.assert_array_equal(g, w)
    assert_same(result, want_result)


def test_inplace_comparison_bad_shapes(torch):
    with pytest.raises(RuntimeError):
        torch.zeros(3).gt_(torch.zeros(2, 3))
    with pytest.raises(ShapeError, match=r"gt_: other of shape \(2, 3\).*shape \(3,\)"):
        mg.zeros(3).gt_(mg.zeros(2, 3))
    with pytest.raises(ShapeError, match=r"less_equal_: shapes \(3,\) and \(2,\)"):
        mg.zeros(3).less_equal_(mg.zeros(2))
    x = mg.zeros(3)
    with pytest.raises(MinigradError):
        x.eq_(mg.zeros(4))
    assert x._version == 0  # nothing was written


# ---- gcd_, lcm_, ldexp_, mvlgamma_, nextafter_ -------------------------------------------------------------
BINARY_INPLACE = [
    ("gcd_", np.array([12, 18, -7, 0]), (np.array([8, 27, 21, 5]),)),
    ("gcd_", np.array([12, 18, -7, 0], dtype=np.int32), (np.array([8, 27, 21, 5]),)),  # int64 into int32
    ("lcm_", np.array([4, 6, -3, 0]), (np.array([6, 4, 5, 2], dtype=np.int8),)),
    ("ldexp_", np.array([1.5, -2.0, 0.25], dtype=np.float32), (np.array([1, 3, -2]),)),
    ("ldexp_", np.array([1.5, -2.0, 0.25]), (np.array([2]),)),
    ("mvlgamma_", np.array([2.5, 3.0, 7.25]), (2,)),
    ("mvlgamma_", np.array([2.5, 3.0, 7.25], dtype=np.float32), (3,)),
    ("nextafter_", np.array([1.0, 2.0, 0.0, -1.0], dtype=np.float32), (np.array([2.0, 0.0, -1.0, -1.0], dtype=np.float32),)),
    ("nextafter_", np.array([1.0, 2.0, 0.0, -1.0]), (np.array(5.0),)),
]


@pytest.mark.parametrize("name, x, args", BINARY_INPLACE, ids=[f"{c[0]}-{c[1].dtype}" for c in BINARY_INPLACE])
def test_more_inplace_methods_match_torch(torch, name, x, args):
    m, t = mg.tensor(x.copy()), torch.tensor(x.copy())
    got = getattr(m, name)(*convert(mg, args))
    want = getattr(t, name)(*convert(torch, args))
    assert got is m and want is t and m._version == 1
    assert_same(m, t, exact=name != "mvlgamma_")


@pytest.mark.parametrize("name, args", [("ldexp_", (np.array([1, 2, 0]),)), ("mvlgamma_", (2,)),
                                        ("nextafter_", (np.array([0.0, 5.0, 5.0]),))])
def test_more_inplace_methods_gradients_match_torch(torch, name, args):
    def grad(lib):
        a = lib.tensor([2.5, 3.0, 1.25], dtype=lib.float64, requires_grad=True)
        b = a * 1
        getattr(b, name)(*convert(lib, args))
        (b * lib.tensor([1.0, -2.0, 3.0], dtype=lib.float64)).sum().backward()
        return a.grad.numpy()

    np.testing.assert_allclose(grad(mg), grad(torch), rtol=1e-10)


def test_more_inplace_methods_bad_input(torch):
    with pytest.raises(DTypeError, match="gcd: expects integer tensors, got dtype float32"):
        mg.tensor([1.0, 2.0]).gcd_(mg.tensor([1, 2]))
    with pytest.raises(RuntimeError):  # torch: "ldexp can't be cast to the desired output type Long"
        torch.tensor([1, 2]).ldexp_(torch.tensor([1, 2]))
    with pytest.raises(DTypeRuntimeError, match="ldexp_: result type float32 .*int64") as info:
        mg.tensor([1, 2]).ldexp_(mg.tensor([1, 2]))
    assert isinstance(info.value, RuntimeError)
    with pytest.raises(DTypeRuntimeError, match="mvlgamma_: .*int64"):
        mg.tensor([2, 3]).mvlgamma_(2)
    with pytest.raises(ShapeError, match="nextafter_"):
        mg.zeros(3).nextafter_(mg.zeros(2, 3))
    with pytest.raises(DTypeRuntimeError, match="nextafter_: result type float32 can't be cast .*int64"):
        mg.zeros(3, dtype=mg.int64).nextafter_(mg.zeros(3))
    with pytest.raises(GraphError, match="ldexp_: a leaf tensor"):
        mg.tensor([1.0, 2.0], requires_grad=True).ldexp_(mg.tensor([1, 1]))


# ---- nextafter ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtypes", [("float32", "float32"), ("float64", "float64"), ("float32", "float64"),
                                    ("float16", "float16")])
def test_nextafter_matches_torch_bit_for_bit(torch, dtypes):
    x = np.array([[1.0, 0.0, -0.0, np.inf, -np.inf, np.nan, 3.0, 1e-30]]).astype(dtypes[0])
    y = np.array([[2.0, -1.0, 1.0, 0.0, 0.0, 1.0, 3.0, 0.0], [0.0, 1.0, -1.0, np.inf, -5.0, 0.0, np.nan, 1.0]])
    y = y.astype(dtypes[1])
    got = mg.nextafter(mg.tensor(x), mg.tensor(y))
    want = torch.nextafter(torch.tensor(x), torch.tensor(y))
    assert str(got.dtype) == str(want.dtype).replace("torch.", "")
    assert got.numpy().tobytes() == want.numpy().tobytes()
    assert mg.tensor(x).nextafter(mg.tensor(y)).numpy().tobytes() == want.numpy().tobytes()


def test_nextafter_gradient_matches_torch(torch):
    """PyTorch passes the gradient straight through to input and gives other zero."""
    def grads(lib):
        x = lib.tensor([[1.0, -2.0, 0.5], [0.0, 3.0, -1.0]], dtype=lib.float64, requires_grad=True)
        y = lib.tensor([5.0, -5.0, 0.5], dtype=lib.float64, requires_grad=True)
        (lib.nextafter(x, y) * lib.tensor([1.0, 2.0, 3.0], dtype=lib.float64)).sum().backward()
        return x.grad.numpy(), y.grad.numpy()

    for g, w in zip(grads(mg), grads(torch)):
        np.testing.assert_array_equal(g, w)
    from minigrad.ops.tensor_forms import nextafter
    from minigrad.testing import gradcheck, gradgradcheck

    x = mg.tensor([0.3, -1.2, 2.0], dtype=mg.float64, requires_grad=True)
    y = mg.tensor([9.0, 9.0, -9.0], dtype=mg.float64, requires_grad=True)
    assert gradcheck(nextafter, (x, y)) and gradgradcheck(nextafter, (x, y))


def test_nextafter_bad_input_and_out():
    with pytest.raises(UnsupportedDType, match="nextafter: expects floating point tensors, got dtypes int64") as info:
        mg.nextafter(mg.tensor([1, 2]), mg.tensor([2, 3]))
    assert isinstance(info.value, NotImplementedError)  # torch: NotImplementedError for Long
    with pytest.raises(ShapeError, match=r"nextafter: shapes \(3,\) and \(2,\)"):
        mg.nextafter(mg.zeros(3), mg.zeros(2))
    out = mg.zeros(2, dtype=mg.float64)
    assert mg.nextafter(mg.tensor([1.0, 1.0], dtype=mg.float64), mg.tensor([2.0, 0.0], dtype=mg.float64), out=out) is out
    np.testing.assert_array_equal(out.numpy(), np.nextafter([1.0, 1.0], [2.0, 0.0]))


# ---- cfloat, cdouble ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("cast", ["cfloat", "cdouble"])
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "bool"])
def test_complex_casts_match_torch(torch, cast, dtype):
    x = np.array([[1.5, -2.0, 0.0]]).astype(dtype)
    assert_same(getattr(mg.tensor(x), cast)(), getattr(torch.tensor(x), cast)())


@pytest.mark.parametrize("cast", ["cfloat", "cdouble"])
def test_complex_casts_gradient_is_the_real_part(torch, cast):
    def grad(lib):
        a = lib.tensor([1.5, -2.0], dtype=lib.float64, requires_grad=True)
        parts = lib.view_as_real(getattr(a, cast)())
        (parts * lib.tensor([[2.0, 5.0], [3.0, 7.0]], dtype=parts.dtype)).sum().backward()
        return a.grad

    got, want = grad(mg), grad(torch)
    assert_same(got, want)


# ---- top-level in-place functions --------------------------------------------------------------------------
UNIT = RNG.uniform(0.2, 0.8, size=(2, 3))  # inside every domain below
FUNCTION_CASES = {name: (UNIT, (), {}) for name in METHOD_NAMES}
FUNCTION_CASES.update({
    "abs_": (UNIT - 0.5, (), {}), "neg_": (UNIT - 0.5, (), {}), "negative_": (UNIT - 0.5, (), {}),
    "acosh_": (UNIT + 1, (), {}), "arccosh_": (UNIT + 1, (), {}),
    "ceil_": (UNIT * 4 - 2, (), {}), "floor_": (UNIT * 4 - 2, (), {}), "trunc_": (UNIT * 4 - 2, (), {}),
    "fix_": (UNIT * 4 - 2, (), {}), "frac_": (UNIT * 4 - 2, (), {}), "round_": (UNIT * 4 - 2, (), {"decimals": 1}),
    "clamp_": (UNIT, (), {"min": 0.3, "max": 0.6}), "clip_": (UNIT, (), {"min": 0.4}),
    "clamp_max_": (UNIT, (0.5,), {}), "clamp_min_": (UNIT, (0.5,), {}),
    "gcd_": (np.array([[12, 18, -7], [0, 5, 9]]), (np.array([[8, 27, 21], [3, 0, 6]]),), {}),
    "lcm_": (np.array([[4, 6, -3], [0, 5, 9]]), (np.array([[6, 4, 5], [3, 2, 6]]),), {}),
    "ldexp_": (UNIT, (np.array([1, 0, 3]),), {}),
    "logit_": (UNIT, (), {"eps": 0.3}),
    "nan_to_num_": (np.array([[np.nan, np.inf, -np.inf], [0.5, -1.0, 2.0]]), (), {"nan": 1.0, "posinf": 2.0, "neginf": -3.0}),
    "xlogy_": (UNIT, (np.array([0.5, 2.0, 3.0]),), {}),
    "fill_": (UNIT, (2.5,), {}),
    "index_put_": (UNIT, ((np.array([0, 1, 1]), np.array([2, 0, 0])), np.array(5.0)), {"accumulate": True}),
})
NOT_DIFFERENTIATED = {"gcd_", "lcm_", "detach_"}
TORCH_HAS_NO_INPLACE_GRAD = {"acosh_", "arccosh_", "asinh_", "arcsinh_", "atanh_", "arctanh_"}  # torch 2.13


def test_the_function_table_is_torchs(torch):
    assert len(METHOD_NAMES) == len(set(METHOD_NAMES))
    for name in METHOD_NAMES + ("fill", "dropout_"):
        assert hasattr(torch, name), name
        assert callable(getattr(mg, name)), name
    assert set(FUNCTION_CASES) == set(METHOD_NAMES)  # every function is tested below


@pytest.mark.parametrize("name", sorted(FUNCTION_CASES))
def test_inplace_function_matches_torch(torch, name):
    x, args, kwargs = FUNCTION_CASES[name]
    m, t = mg.tensor(x.copy()), torch.tensor(x.copy())
    if name == "detach_":
        m.requires_grad_(), t.requires_grad_()
    got = getattr(mg, name)(m, *convert(mg, args), **kwargs)
    want = getattr(torch, name)(t, *convert(torch, args), **kwargs)
    assert got is m and want is t
    assert_same(m, t, exact=False)
    assert m._version == t._version and m.requires_grad == t.requires_grad


@pytest.mark.parametrize("name", sorted(set(FUNCTION_CASES) - NOT_DIFFERENTIATED))
def test_inplace_function_gradients_match_torch(torch, name):
    x, args, kwargs = FUNCTION_CASES[name]
    if x.dtype.kind != "f":
        return

    def grad(lib):
        a = lib.tensor(np.nan_to_num(x), requires_grad=True)
        b = a * 1
        if name == "nan_to_num_":
            b = b + lib.tensor(x - np.nan_to_num(x))  # the nan and infs again (their gradient is 0)
        if lib is torch and name in TORCH_HAS_NO_INPLACE_GRAD:  # its out-of-place form, the same gradient
            b = getattr(torch, name[:-1])(b)
        else:
            assert getattr(lib, name)(b, *convert(lib, args), **kwargs) is b
        (b * lib.tensor(np.arange(1.0, 7.0).reshape(2, 3))).sum().backward()
        return a.grad.numpy()

    np.testing.assert_allclose(grad(mg), grad(torch), rtol=1e-7, atol=1e-12)


def test_ldexp_gradient_with_negative_exponents(torch):
    """d(x * 2**e)/dx = 2**e; torch 2.13's ldexp gives 0 for a negative integer e (2**e in
    integers), so the reference is the product written out."""
    def grad(lib, fn):
        a = lib.tensor([0.5, 0.5, 0.5], dtype=lib.float64, requires_grad=True)
        b = a * 1
        fn(b, lib.tensor([1, -2, 3]))
        b.sum().backward()
        return a.grad.numpy()

    want = grad(torch, lambda b, e: b.mul_(2.0 ** e.double()))
    np.testing.assert_array_equal(grad(mg, mg.ldexp_), want)
    np.testing.assert_array_equal(want, [2.0, 0.25, 8.0])


def test_inplace_functions_bad_input(torch):
    with pytest.raises(ArgumentTypeError, match=r"exp_\(\): argument 'input' must be a Tensor, not list"):
        mg.exp_([1.0, 2.0])
    with pytest.raises(GraphError, match="sqrt_: a leaf tensor that requires grad"):
        mg.sqrt_(mg.tensor([1.0, 4.0], requires_grad=True))
    with pytest.raises(RuntimeError):
        torch.sqrt_(torch.tensor([1, 4]))
    with pytest.raises(DTypeRuntimeError, match="sqrt_: result type float32 can't be cast .*int64"):
        mg.sqrt_(mg.tensor([1, 4]))
    with pytest.raises(DTypeError, match="gcd"):
        mg.gcd_(mg.tensor([1.0]), mg.tensor([2]))


def test_dropout_():
    x = mg.ones(2000)
    assert mg.dropout_(x, 0.5, True) is x and x._version == 1
    values = x.numpy()
    assert set(np.unique(values)) <= {0.0, 2.0} and 0.4 < (values == 0).mean() < 0.6
    y = mg.ones(5)
    assert mg.dropout_(y, 0.5, False) is y
    np.testing.assert_array_equal(y.numpy(), np.ones(5))
    with pytest.raises(MinigradError, match="dropout probability has to be between 0 and 1, but got 1.5"):
        mg.dropout_(y, 1.5, True)


@pytest.mark.parametrize("x, value", [(np.array([[1.5, 2.0], [3.0, 4.0]]), 2.5), (np.array([1, 2, 3]), 2.7),
                                      (np.array([1, 2, 3]), True), (np.array([0.5, 1.0], dtype=np.float32), np.array(3.0))])
def test_fill_is_out_of_place(torch, x, value):
    m, t = mg.tensor(x.copy()), torch.tensor(x.copy())
    got, want = mg.fill(m, convert(mg, value)), torch.fill(t, convert(torch, value))
    assert got is not m
    assert_same(got, want)
    np.testing.assert_array_equal(m.numpy(), x)  # the input is untouched


def test_fill_gradients_match_torch(torch):
    def grads(lib):
        x = lib.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=lib.float64, requires_grad=True)
        v = lib.tensor(3.0, dtype=lib.float64, requires_grad=True)
        out = lib.fill(x, v)
        (out * lib.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=lib.float64)).sum().backward()
        return out.requires_grad, x.grad.numpy(), v.grad.numpy()

    got, want = grads(mg), grads(torch)
    assert got[0] and want[0]
    for g, w in zip(got[1:], want[1:]):
        np.testing.assert_array_equal(g, w)
    with pytest.raises(RuntimeError):
        torch.fill(torch.zeros(3), torch.zeros(3))
    with pytest.raises(ShapeError, match="fill_: only a 0-d tensor can be the value, got shape"):
        mg.fill(mg.zeros(3), mg.zeros(3))


# ---- view copies -------------------------------------------------------------------------------------------
VIEW_CASES = [
    ("alias_copy", (2, 3), (), {}),
    ("as_strided_copy", (2, 3), ((2, 2), (1, 2)), {}),
    ("as_strided_copy", (2, 3), ((2,), (2,), 1), {}),
    ("detach_copy", (2, 3), (), {}),
    ("diagonal_copy", (3, 4), (), {}),
    ("diagonal_copy", (2, 3, 4), (1,), {"dim1": 2, "dim2": 0}),
    ("expand_copy", (1, 3), ((4, 3),), {}),
    ("expand_copy", (2, 3), ([2, -1, 3],), {}),
    ("permute_copy", (2, 3, 4), ((2, 0, 1),), {}),
    ("select_copy", (2, 3), (1, -1), {}),
    ("slice_copy", (4, 5), (), {}),
    ("slice_copy", (4, 5), (1, 1, 4, 2), {}),
    ("slice_copy", (4, 5), (), {"dim": -1, "start": -3}),
    ("split_copy", (5, 3), (2,), {}),
    ("split_copy", (5, 3), (2, 1), {}),
    ("split_with_sizes_copy", (5, 3), ([2, 3],), {}),
    ("squeeze_copy", (1, 3, 1), (), {}),
    ("squeeze_copy", (1, 3, 1), (0,), {}),
    ("squeeze_copy", (1, 3, 1), ((0, 2),), {}),
    ("t_copy", (2, 3), (), {}),
    ("transpose_copy", (2, 3, 4), (0, 2), {}),
    ("unbind_copy", (2, 3), (1,), {}),
    ("unfold_copy", (5, 4), (0, 2, 1), {}),
    ("unsqueeze_copy", (2, 3), (-1,), {}),
    ("view_copy", (2, 3), ((3, 2),), {}),
    ("view_copy", (2, 3), ([-1],), {}),
    ("view_as_complex_copy", (3, 2), (), {}),
]


def test_the_view_copy_table_is_torchs(torch):
    for name, view in VIEWS.items():
        assert hasattr(torch, name) and callable(getattr(mg, name)), name
    assert {case[0] for case in VIEW_CASES} | {"view_as_real_copy"} == set(VIEWS)
    assert list(inspect.signature(mg.slice_copy).parameters) == ["input", "dim", "start", "end", "step"]


@pytest.mark.parametrize("name, shape, args, kwargs", VIEW_CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(VIEW_CASES)])
def test_view_copy_matches_torch(torch, name, shape, args, kwargs):
    x = RNG.standard_normal(shape)
    m = mg.tensor(x.copy(), requires_grad=True)
    t = torch.tensor(x.copy(), requires_grad=name != "view_as_complex_copy")  # torch: no complex autograd there
    got, want = as_tuple(getattr(mg, name)(m, *args, **kwargs)), as_tuple(getattr(torch, name)(t, *args, **kwargs))
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert_same(g, w)
        assert g.is_contiguous() and g._view is None and not np.shares_memory(g.array, m.array)
        # torch 2.13 marks detach_copy's result as requiring grad (with a backward that raises)
        assert g.requires_grad == (name != "detach_copy")
    if name in ("detach_copy", "view_as_complex_copy"):
        return
    weights = [RNG.standard_normal(tuple(w.shape) + ((2,) if w.is_complex() else ())) for w in want]

    def loss(lib, outs):  # sum of weights * outputs (a complex output as its real and imaginary parts)
        parts = [lib.view_as_real(o) if o.dtype in (lib.complex64, lib.complex128) else o for o in outs]
        return sum((o * lib.tensor(v)).sum() for o, v in zip(parts, weights))

    loss(mg, got).backward()
    loss(torch, want).backward()
    np.testing.assert_allclose(m.grad.numpy(), t.grad.numpy(), rtol=1e-12)


def test_view_copies_own_their_memory(torch):
    a = mg.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    copy = mg.t_copy(a)
    copy.mul_(2)  # allowed: a copy of a leaf is no view of it
    np.testing.assert_array_equal(a.detach().numpy(), [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    copy.sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), np.full((2, 3), 2.0))
    x = np.arange(6.0).reshape(2, 3)
    assert_same(mg.view_copy(mg.tensor(x).t(), (6,)), torch.view_copy(torch.tensor(x).t(), (6,)))  # as reshape
    assert_same(mg.view_copy(mg.tensor(x, dtype=mg.float32), mg.int32),
                torch.view_copy(torch.tensor(x, dtype=torch.float32), torch.int32))
    z = np.array([1 + 2j, -3.5j])
    assert_same(mg.view_as_real_copy(mg.tensor(z)), torch.view_as_real_copy(torch.tensor(z)))


def test_view_copies_bad_input():
    with pytest.raises(MinigradError, match="slice_copy: dimension 3 is out of range for a tensor with 2 dimensions"):
        mg.slice_copy(mg.zeros(2, 3), 3)
    with pytest.raises(ShapeError, match=r"\(2, 3\) to \(4, 3\)"):
        mg.expand_copy(mg.zeros(2, 3), (4, 3))
    with pytest.raises(MinigradError, match="index 5 is out of range"):
        mg.select_copy(mg.zeros(2, 3), 1, 5)


# ---- unsafe splits -----------------------------------------------------------------------------------------
SPLITS = [("unsafe_split", (2,), {}), ("unsafe_split", (1,), {"dim": 1}), ("unsafe_chunk", (3,), {}),
          ("unsafe_chunk", (2,), {"dim": -1}), ("unsafe_split_with_sizes", ([1, 3],), {})]


@pytest.mark.parametrize("name, args, kwargs", SPLITS)
def test_unsafe_splits_match_torch(torch, name, args, kwargs):
    x = RNG.standard_normal((4, 2))
    for got, want in ((getattr(mg, name)(mg.tensor(x), *args, **kwargs), getattr(torch, name)(torch.tensor(x), *args, **kwargs)),
                      (getattr(mg.tensor(x), name)(*args, **kwargs), getattr(torch.tensor(x), name)(*args, **kwargs))):
        assert type(got) is tuple and len(got) == len(want)
        for g, w in zip(got, want):
            assert_same(g, w)


@pytest.mark.parametrize("leaf", [True, False])
def test_unsafe_split_pieces_can_change_in_place(torch, leaf):
    """What split refuses (in-place on one of several views), unsafe_split allows, as in PyTorch."""
    def run(lib):
        a = lib.tensor([1.0, 2.0, 3.0, 4.0], dtype=lib.float64, requires_grad=True)
        b = a if leaf else a * 1
        p, q = lib.unsafe_split(b, 2)
        p.mul_(2)
        (p.sum() + 3 * q.sum()).backward()
        return a.grad.numpy(), b._version, p._version

    got, want = run(mg), run(torch)
    np.testing.assert_array_equal(got[0], want[0])
    assert got[1:] == want[1:]
    b = mg.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True) * 1
    with pytest.raises(GraphError, match="several outputs"):
        mg.split(b, 2)[0].mul_(2)
    p, _ = mg.unsafe_split(b.detach(), 2)
    p.add_(1)  # the pieces still share the input's memory, as in PyTorch
    np.testing.assert_array_equal(b.detach().numpy(), [2.0, 3.0, 3.0, 4.0])
