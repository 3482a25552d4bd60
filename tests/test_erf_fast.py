"""erf, erfc and gelu on raw arrays: the fast forms (each branch only on its own elements) give
exactly the bits of the plain every-branch formulas, and those are as accurate as stated here
against math.erf / math.erfc (float64) and torch.erf / torch.erfc, on dense grids that cover
every range an ulp depends on: subnormals, +-0, the branch joins at 1 and 8, the point where
erf becomes +-1, huge values, +-inf and nan.
"""

import math
import os
import warnings

import numpy as np
import pytest

import minigrad as mg
from minigrad import backend
from minigrad.ops import activation as A
from minigrad.ops import erf_rational as E

F32, F64 = np.float32, np.float64


def bits(a):
    return np.ascontiguousarray(a).view(np.uint32 if a.dtype == F32 else np.uint64)


def assert_same_bits(fast, reference):
    """Equal to the last bit: signed zeros told apart, nan equal to nan."""
    assert fast.dtype == reference.dtype and fast.shape == reference.shape
    nan = np.isnan(reference)
    np.testing.assert_array_equal(np.isnan(fast), nan)
    np.testing.assert_array_equal(bits(fast)[~nan], bits(reference)[~nan])


def window(centre, dtype, n):
    """The n floats of ``dtype`` on each side of ``centre`` (every one of them)."""
    udt = np.uint32 if dtype == F32 else np.uint64
    c = int(np.array(centre, dtype).view(udt))
    return np.arange(c - n, c + n + 1, dtype=udt).view(dtype)


def reference(fn, x):
    with warnings.catch_warnings():  # the every-branch form overflows in the branches it drops
        warnings.simplefilter("ignore", RuntimeWarning)
        return fn(x)


def grid(dtype):
    """Dense, both signs: a stride through every bit pattern of the dtype's finite positives
    (subnormals included), every float around 1, 8 and the point erf turns into 1, +-0, inf, nan."""
    if dtype == F32:
        spread = np.arange(0, 0x7F800000, 1009, dtype=np.uint32).view(F32)
    else:  # a random spread of float64 bit patterns, reproducible
        spread = np.random.default_rng(1).integers(0, 0x7FF0000000000000, 1_000_000, dtype=np.uint64).view(F64)
    near = [window(c, dtype, 20_000) for c in (1.0, 8.0, E._ERF_IS_ONE_FROM[dtype.__name__])]
    tiny = np.arange(0, 5000, dtype=np.uint32 if dtype == F32 else np.uint64).view(dtype)  # 0 and subnormals
    special = np.array([0.0, np.inf, np.nan, np.finfo(dtype).max, np.finfo(dtype).tiny, 1e5, 2e5, 26.0, 27.0], dtype)
    positive = np.concatenate([spread, *near, tiny, special])
    return np.concatenate([positive, -positive])


# ---- the fast forms give the reference's bits ---------------------------------------------------
@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("fast, plain", [(E.erf_array, E._erf_reference), (E.erfc_array, E._erfc_reference)],
                         ids=["erf", "erfc"])
def test_fast_equals_every_branch_formula(fast, plain, dtype):
    x = grid(dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # and the fast forms raise no floating-point warning
        y = fast(x)
    assert_same_bits(y, reference(plain, x))


@pytest.mark.parametrize("fast, plain", [(E.erf_array, E._erf_reference), (E.erfc_array, E._erfc_reference)],
                         ids=["erf", "erfc"])
def test_fast_on_layouts_and_dtypes(fast, plain):
    rng = np.random.default_rng(2)
    x = (rng.standard_normal((6, 7, 5)) * 4).astype(F32)
    for view in (x, x.T, x[:, ::2], x[::-1, 1:, ::3], x[0, 0, 0], x[:0]):
        assert_same_bits(fast(view), reference(plain, view))
        assert fast(view).shape == view.shape
    for branch_free in (x * 0.1, x * 0 + 5, x * 0 + 30):  # a single branch, or none, needed
        assert_same_bits(fast(branch_free), reference(plain, branch_free))
    half = x.astype(np.float16)
    assert fast(half).dtype == np.float16
    assert_same_bits(fast(half).astype(F32), reference(plain, half).astype(F32))


# ---- where erf becomes +-1 --------------------------------------------------------------------------
def test_erf_is_one_from_exact_threshold_float32():
    """Every float32 in [3.5, 8): the formula gives 1 exactly from the threshold on, not before,
    and erf rounded to float32 (math.erf) turns into 1 at the same float."""
    lo, hi = (int(np.array(v, F32).view(np.uint32)) for v in (3.5, 8.0))
    x = np.arange(lo, hi, dtype=np.uint32).view(F32)
    one = reference(E._erf_reference, x) == 1
    t = F32(E._ERF_IS_ONE_FROM["float32"])
    first = int(np.argmax(one))
    assert x[first] == t and one[first:].all() and not one[:first].any()
    before = np.nextafter(t, F32(0))
    assert F32(math.erf(float(t))) == 1 and F32(math.erf(float(before))) < 1
    assert E.erf_array(np.array([before, -before]))[0] < 1


def test_erf_is_one_from_exact_threshold_float64():
    t = F64(E._ERF_IS_ONE_FROM["float64"])
    before = np.nextafter(t, 0.0)
    x = np.concatenate([window(t, F64, 200_000), np.geomspace(t, 1e300, 10_000)])
    y = reference(E._erf_reference, x)
    np.testing.assert_array_equal(y >= 1, x >= t)
    assert (y[x >= t] == 1).all()
    # libm's erf turns into 1 one float earlier: there the formula is 1 ulp below (1 - 2^-53)
    assert math.erf(float(t)) == 1 and math.erf(float(before)) == 1
    assert reference(E._erf_reference, np.array([before]))[0] == 1 - 2.0**-53
    # the dropped |x| >= 8 branch gives +-1 too, in both dtypes
    for dtype in (F32, F64):
        big = np.concatenate([np.geomspace(8, float(np.finfo(dtype).max) / 2, 2000), [np.inf]]).astype(dtype)
        assert (reference(E._erf_reference, big) == 1).all() and (reference(E._erf_reference, -big) == -1).all()


# ---- accuracy --------------------------------------------------------------------------------------
def ulps(y, truth, dtype):
    """|y - truth| in units of the spacing of dtype at truth (truth is rounded to dtype first)."""
    truth = truth.astype(dtype)
    return np.abs(y.astype(F64) - truth.astype(F64)) / np.spacing(np.abs(truth)).astype(F64)


def math_grid():
    x = np.concatenate([np.linspace(-7, 7, 40_001), np.geomspace(1e-310, 30, 20_001)])
    x = np.concatenate([x, -x[40_001:], window(1.0, F64, 2000), window(-1.0, F64, 2000)])
    return x


@pytest.mark.parametrize("dtype", [F32, F64])
def test_erf_against_math_erf(dtype):
    x = math_grid().astype(dtype)
    truth = np.array([math.erf(float(v)) for v in x])
    # measured: 2 ulp in float32 (rounded float32 arithmetic), 3 ulp in float64, at most
    assert ulps(E.erf_array(x), truth, dtype).max() <= (2 if dtype == F32 else 3)
    specials = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e300 if dtype == F64 else 1e38], dtype)
    y = E.erf_array(specials)
    assert_same_bits(y, np.array([0.0, -0.0, 1, -1, np.nan, 1], dtype))


def erfc_ulp_bound(x):
    """erfc's measured accuracy in ulp: for |x| <= 1 it is 1 - erf(x), and erfc(1) is a fifth of
    erf(1), so erf's 3 ulp become 12; beyond, exp(-x*x) carries the rounding of x*x, about
    x^2 ulp (measured at most 4 + 1.1 x^2; Cephes' split of x into high and low halves would
    remove it)."""
    x = np.abs(x.astype(F64))
    return np.where(x <= 1, 12, 4 + 1.5 * x * x)


@pytest.mark.parametrize("dtype", [F32, F64])
def test_erfc_against_math_erfc(dtype):
    x = math_grid().astype(dtype)
    truth = np.array([math.erfc(float(v)) for v in x])
    y = E.erfc_array(x)
    normal = np.abs(truth) >= np.finfo(dtype).tiny
    err = ulps(y[normal], truth[normal], dtype)
    assert (err <= erfc_ulp_bound(x[normal])).all()
    assert_same_bits(E.erfc_array(np.array([0.0, np.inf, -np.inf, np.nan, 1e5, -1e5], dtype)),
                     np.array([1, 0, 2, np.nan, 0, 2], dtype))


@pytest.mark.parametrize("dtype", [F32, F64])
def test_against_torch(dtype):
    torch = pytest.importorskip("torch")
    x = np.concatenate([np.linspace(-10, 10, 400_001), np.geomspace(1e-30, 1e30, 10_001)]).astype(dtype)
    x = np.concatenate([x, -x, window(1.0, dtype, 5000), window(8.0, dtype, 5000)])
    t = torch.from_numpy(x)
    assert ulps(E.erf_array(x), torch.erf(t).numpy(), dtype).max() <= (2 if dtype == F32 else 3)
    truth = torch.erfc(t).numpy()
    normal = np.abs(truth) >= np.finfo(dtype).tiny
    err = ulps(E.erfc_array(x)[normal], truth[normal], dtype)
    assert (err <= erfc_ulp_bound(x[normal]) + 4).all()  # torch's erfc is off by a few ulp itself


# ---- gelu ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("approximate", ["none", "tanh"])
def test_gelu_forward_same_bits_as_plain_formula(dtype, approximate):
    x = grid(dtype)
    x = x[np.abs(x) < np.finfo(dtype).max / 2]  # x^3 in the tanh form overflows beyond, in both
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if approximate == "tanh":
            t = np.tanh(A._SQRT_2_OVER_PI * (x + A._GELU_A * x * x * x))
        else:
            t = E._erf_reference(x * (1 / math.sqrt(2)))
        plain = 0.5 * x * (1 + t)
        y = A.GELU.forward(type("Ctx", (), {"save_for_backward": lambda *a: None})(), x, approximate)
    assert_same_bits(y, plain)


def test_gelu_forward_0d_and_float16():
    for approximate in ("none", "tanh"):
        y = mg.nn.functional.gelu(mg.tensor(np.array(1.5, F32)), approximate=approximate)
        assert y.shape == () and y.dtype == mg.float32
        h = mg.nn.functional.gelu(mg.tensor(np.array([-2.0, 0.5, 3.0], np.float16)), approximate=approximate)
        assert h.dtype == mg.float16


def test_gelu_against_torch_float32():
    torch = pytest.importorskip("torch")
    x = np.linspace(-12, 12, 200_001).astype(F32)
    for approximate in ("none", "tanh"):
        t = torch.from_numpy(x).requires_grad_()
        expected = torch.nn.functional.gelu(t, approximate=approximate)
        expected.sum().backward()
        m = mg.tensor(x, requires_grad=True)
        y = mg.nn.functional.gelu(m, approximate=approximate)
        y.sum().backward()
        # a few float32 roundings of numbers as large as x (1 + erf cancels where x < -4)
        scale = 4 * np.finfo(F32).eps * np.maximum(np.abs(x), 1)
        assert (np.abs(y.numpy() - expected.detach().numpy()) <= scale).all()
        assert (np.abs(m.grad.numpy() - t.grad.numpy()) <= scale).all()


# ---- the device path ------------------------------------------------------------------------------------
@pytest.mark.gpu
@pytest.mark.parametrize("compacted, plain", [(E._erf_compacted, E._erf_reference),
                                              (E._erfc_compacted, E._erfc_reference)], ids=["erf", "erfc"])
def test_compacted_forms_run_on_the_device(compacted, plain):
    """erf_array uses the every-branch form on a GPU (no host sync); the compacted one uses only
    names CuPy has and gives the same bits there too."""
    x = (np.random.default_rng(3).standard_normal(5000) * 5).astype(F32)
    x[:4] = [0.0, np.inf, -np.inf, np.nan]
    d = backend.to_device(x, "cuda")
    host = backend.to_device(compacted(d), "cpu")
    assert_same_bits(host, reference(plain, x))
    assert_same_bits(backend.to_device(E.erf_array(d), "cpu"), reference(E._erf_reference, x))
    if os.environ.get("MINIGRAD_STANDIN_CUDA") == "1":
        from standin_cupy import _trace

        with _trace.no_sync():
            E.erf_array(d)
            E.erfc_array(d)


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("approximate", ["none", "tanh"])
def test_gelu_backward_on_arrays_same_bits_as_recorded_ops(dtype, approximate):
    """Plain backward runs GELU's gradient on arrays; with create_graph it runs on Tensors:
    the same formula, the same bits (away from subnormals, where halvings round)."""
    x = grid(dtype)
    x = x[(np.abs(x) < 1e4) & ~(np.abs(x) < 1e-30)]
    g = np.random.default_rng(4).standard_normal(x.shape).astype(dtype)
    t = mg.tensor(x, requires_grad=True)
    mg.nn.functional.gelu(t, approximate=approximate).backward(mg.tensor(g))
    t2 = mg.tensor(x, requires_grad=True)
    (recorded,) = mg.autograd.grad(mg.nn.functional.gelu(t2, approximate=approximate), t2, mg.tensor(g),
                                   create_graph=True)
    assert t.grad.dtype == recorded.dtype == (mg.float32 if dtype == F32 else mg.float64)
    assert_same_bits(t.grad.numpy(), recorded.detach().numpy())
