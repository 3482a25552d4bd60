"""Tensor facts (strides, offsets, devices, dtype questions) and the write-into ops, against torch."""

import numpy as np
import pytest

import minigrad as mg
from minigrad.errors import DTypeError, IndexOutOfRange, ShapeError


@pytest.mark.torch
def test_layout_facts_match_torch(torch):
    a = np.arange(60.0).reshape(3, 4, 5)
    ours, theirs = mg.tensor(a), torch.tensor(a)
    for f in (lambda t: t, lambda t: t.transpose(0, 2), lambda t: t[1:, ::2], lambda t: t[:, 1]):
        o, t = f(ours), f(theirs)
        assert o.stride() == t.stride() and o.storage_offset() == t.storage_offset()
        assert o.stride(-1) == t.stride(-1)
        assert o.nelement() == t.nelement() and o.ndimension() == t.ndimension()
    assert ours.nbytes == theirs.nbytes and ours.itemsize == theirs.itemsize
    assert ours.get_device() == theirs.get_device() == -1
    assert ours.is_cpu and not ours.is_sparse and ours.layout is mg.strided and str(ours.layout) == str(theirs.layout).replace("torch.", "minigrad.")
    with pytest.raises(IndexOutOfRange):
        ours.stride(3)


@pytest.mark.torch
def test_dtype_questions_and_conversions_match_torch(torch):
    for values in ([1.5, -2.0], [1, -2], [True, False]):
        o, t = mg.tensor(values), torch.tensor(values)
        assert (o.is_floating_point(), o.is_complex(), o.is_signed()) == \
            (t.is_floating_point(), t.is_complex(), t.is_signed())
    assert mg.tensor([1.7, 300.0]).byte().dtype == mg.uint8
    assert mg.tensor([1.7]).short().dtype == mg.int16 and mg.tensor([1.7]).char().dtype == mg.int8
    x = mg.randn(2, 3)
    assert x.conj() is x and x.real is x and x.pin_memory() is x and not x.is_pinned()
    with pytest.raises(DTypeError, match="imag"):
        x.imag
    assert x.new(4, 2).shape == (4, 2) and x.new([1, 2]).dtype == x.dtype
    assert mg.tensor([3.0]).is_nonzero() and not mg.tensor([0]).is_nonzero()
    with pytest.raises(DTypeError):
        mg.tensor([1.0, 2.0]).is_nonzero()


def test_write_into_ops_send_gradients_to_both_sides():
    x = mg.randn(3, 4, requires_grad=True)
    src = mg.randn(4, requires_grad=True)
    y = mg.select_scatter(x, src, 0, 1) if hasattr(mg, "select_scatter") else x.select_scatter(src, 0, 1)
    (y * mg.arange(12.0).reshape(3, 4)).sum().backward()
    w = np.arange(12.0).reshape(3, 4)
    np.testing.assert_array_equal(src.grad.numpy(), w[1])
    expected = w.copy()
    expected[1] = 0
    np.testing.assert_array_equal(x.grad.numpy(), expected)


def test_write_into_ops_refuse_bad_shapes():
    x = mg.randn(3, 4)
    with pytest.raises(ShapeError, match="diagonal_scatter"):
        x.diagonal_scatter(mg.ones(4))
    with pytest.raises(ShapeError, match="index_reduce"):
        x.index_reduce(1, mg.tensor([0, 1]), mg.ones(3, 3), "prod")
    with pytest.raises(ShapeError):
        x.slice_scatter(mg.ones(3, 3), dim=1, start=0, end=2)
