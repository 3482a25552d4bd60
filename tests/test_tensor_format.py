"""Tensors print as PyTorch prints them (minigrad/tensor_format.py): the number format chosen
for the whole tensor, the alignment, the line wrapping and the summary of large tensors.

The expected strings below are what torch 2.13 prints for the same tensors; with torch
installed a sweep over shapes, dtypes, values and print options compares the two directly.
"""

import re

import numpy as np
import pytest

import minigrad as mg

PRINTED_BY_TORCH = [
    ([0.5, 1.25], "tensor([0.5000, 1.2500])"),
    ([3.26598632], "tensor([3.2660])"),
    ([1e-5, 1.0], "tensor([1.0000e-05, 1.0000e+00])"),
    ([1e6, 2.0], "tensor([1.0000e+06, 2.0000e+00])"),
    ([123456.789], "tensor([123456.7891])"),
    ([float("nan"), 1.5, float("inf")], "tensor([   nan, 1.5000,    inf])"),
    ([-1.5, 2.0], "tensor([-1.5000,  2.0000])"),
    ([2.0, 5.0, 10.0], "tensor([ 2.,  5., 10.])"),
    ([-0.0, 1.0], "tensor([-0., 1.])"),
    ([1e20], "tensor([1.0000e+20])"),
    ([[1.5, 2.25]], "tensor([[1.5000, 2.2500]])"),
    ([True, False], "tensor([ True, False])"),
    ([1, 22, 333], "tensor([  1,  22, 333])"),
]


@pytest.fixture(autouse=True)
def default_print_options():
    mg.set_printoptions(profile="default")
    yield
    mg.set_printoptions(profile="default")


@pytest.mark.parametrize("values, printed", PRINTED_BY_TORCH)
def test_values_print_as_in_pytorch(values, printed):
    assert repr(mg.tensor(values)) == printed


def test_scalars_empties_and_flags():
    assert repr(mg.tensor(3.14159)) == "tensor(3.1416)"
    assert repr(mg.tensor(2.0)) == "tensor(2.)"
    assert repr(mg.tensor(float("nan"))) == "tensor(nan)"
    assert repr(mg.zeros(0)) == "tensor([])"
    assert repr(mg.zeros(2, 0)) == "tensor([], size=(2, 0))"
    assert repr(mg.tensor([[1.5, 2.25]], requires_grad=True)) == "tensor([[1.5000, 2.2500]], requires_grad=True)"
    assert repr(mg.tensor([1.0], dtype="float64")) == "tensor([1.], dtype=float64)"


def test_rows_wrap_at_the_line_width_and_large_tensors_are_summarized():
    x = mg.tensor(np.linspace(-1, 1, 9, dtype=np.float32).reshape(1, 9))
    assert repr(x) == ("tensor([[-1.0000, -0.7500, -0.5000, -0.2500,  0.0000,  0.2500,  0.5000,  0.7500,\n"
                       "          1.0000]])")
    assert repr(mg.arange(2000)) == "tensor([   0,    1,    2,  ..., 1997, 1998, 1999])"
    mg.set_printoptions(threshold=5, edgeitems=2)
    assert repr(mg.arange(20.0).reshape(4, 5)) == ("tensor([[ 0.,  1.,  ...,  3.,  4.],\n"
                                                   "        [ 5.,  6.,  ...,  8.,  9.],\n"
                                                   "        [10., 11.,  ..., 13., 14.],\n"
                                                   "        [15., 16.,  ..., 18., 19.]])")


def test_print_options_change_precision_and_notation():
    mg.set_printoptions(precision=2)
    assert repr(mg.tensor([1.23456, 2.5])) == "tensor([1.23, 2.50])"
    mg.set_printoptions(profile="default", sci_mode=True)
    assert repr(mg.tensor([0.5, 2.0])) == "tensor([5.0000e-01, 2.0000e+00])"
    assert repr(mg.zeros(2)) == "tensor([0., 0.])"  # no finite nonzero value: sci_mode has nothing to act on
    mg.set_printoptions(profile="default", sci_mode=False)
    assert repr(mg.tensor([1e-6, 1.0])) == "tensor([0.0000, 1.0000])"


def _cases():
    rng = np.random.default_rng(0)
    shapes = [(), (5,), (3, 4), (2, 3, 4), (0,), (2, 0), (7, 9), (40,), (2000,), (30, 40), (4, 5, 60), (3, 1, 2, 2)]
    for shape in shapes:
        for kind in ("normal", "whole", "large", "small", "spread", "special"):
            a = rng.standard_normal(shape)
            a = {"whole": np.round(a * 10), "large": a * 1e9, "small": a * 1e-6,
                 "spread": a * np.exp(rng.uniform(-8, 8, shape))}.get(kind, a)
            if kind == "special" and a.size > 3:
                a.reshape(-1)[:3] = [np.nan, np.inf, -np.inf]
            yield a


def _without_dtype(text):
    return re.sub(r",\s*dtype=[\w.]+\)$", ")", text)


@pytest.mark.parametrize("options", [{}, {"precision": 2}, {"sci_mode": True}, {"sci_mode": False}, {"linewidth": 120}])
def test_sweep_prints_what_torch_prints(options):
    torch = pytest.importorskip("torch")
    try:
        torch.set_printoptions(**options)
        mg.set_printoptions(**options)
        for a in _cases():
            a = np.asarray(a)  # (a 0-d case comes as a NumPy scalar)
            for dtype in (np.float16, np.float32, np.float64, np.int64, np.bool_):
                if dtype is np.bool_:
                    b = a > 0
                elif dtype is np.int64:
                    b = np.nan_to_num(a, posinf=7, neginf=-7).clip(-1e9, 1e9).astype(dtype)
                else:
                    with np.errstate(over="ignore"):
                        b = a.astype(dtype)
                b = np.asarray(b)
                want = _without_dtype(repr(torch.from_numpy(b.copy())))
                assert _without_dtype(repr(mg.tensor(b.copy()))) == want, (b.dtype, b.shape, options)
    finally:
        torch.set_printoptions(profile="default")


def test_suffixes_go_on_a_new_line_when_the_last_one_is_full_as_in_torch():
    torch = pytest.importorskip("torch")
    for a in _cases():
        b = np.asarray(a, dtype=np.float32)
        want = repr(torch.from_numpy(b.copy()).requires_grad_())
        assert repr(mg.tensor(b.copy(), requires_grad=True)) == want, b.shape


def test_format_spec_formats_a_0d_tensor_as_its_number():
    """'{:+.2f}'.format(t) on a 0-d tensor is the number's format (public programs print
    weights that way); other tensors take no spec, as in PyTorch, and '{}' is str(t)."""
    assert "{:+.2f}".format(mg.tensor(1.5)) == "+1.50"
    assert f"{mg.tensor(3):04d}" == "0003"
    assert f"{mg.tensor([1.0, 2.0])}" == str(mg.tensor([1.0, 2.0]))
    with pytest.raises(TypeError):
        f"{mg.tensor([1.5]):.2f}"
    weights = mg.tensor([[0.25], [-1.0]]).view(-1)
    assert " ".join(f"{w:+.2f}" for w in weights) == "+0.25 -1.00"
