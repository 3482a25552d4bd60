"""Views and in-place ops: a write through any view rewrites the base's history (CopySlices),
so gradients through the base and through every other view of it are PyTorch's.

Each scenario is written once and run on minigrad and on torch; values and gradients must
agree. Then what PyTorch refuses (writes to a view of a leaf, to an expanded view, to one of
split's outputs, to a view taken under no_grad) minigrad refuses with a RuntimeError.
"""

import numpy as np
import pytest

import minigrad as mg
from minigrad.errors import GraphError, ShapeError
from minigrad.testing import gradcheck, gradgradcheck

torch = pytest.importorskip("torch")

X = np.arange(1.0, 13.0).reshape(3, 4) / 4.0
W = np.linspace(-1.0, 2.0, 12).reshape(3, 4)


def _slice_mul(lib, x):
    y = x * 1
    y[0:2].mul_(2)
    return y


def _transpose_mul(lib, x):
    y = x * 1
    y.t().mul_(3)
    return y


def _view_of_view(lib, x):
    y = x * 1
    y[1:][:, 1:3].mul_(x[0:2, 0:2] + 1)
    return y


def _reshape_view(lib, x):
    y = x * 1
    y.reshape(12)[::2].zero_()
    return y


def _permute_and_unsqueeze(lib, x):
    y = x * 1
    y.permute(1, 0).unsqueeze(0)[0, 1:3].exp_()
    return y


def _squeeze_view(lib, x):
    y = (x * 1).reshape(3, 1, 4)
    y.squeeze(1)[2].sigmoid_()
    return y


def _other_view_sees_the_write(lib, x):
    y = x * 1
    a, b = y[0:2], y[1:3]  # overlapping row 1
    a.mul_(2)
    return b * b  # b's history is rebuilt from y's new one


def _base_write_then_old_view(lib, x):
    y = x * 1
    v = y[:, 1]
    y.mul_(x)  # the base changes in place; v must see the new history
    return v.exp()


def _setitem_on_a_view(lib, x):
    y = x * 1
    v = y[1:]
    v[0, 1:3] = x[0, 0:2] * 5
    return y


def _copy_into_a_view(lib, x):
    y = x * 1
    y[2].copy_(x[0] ** 2)
    return y


def _fill_a_view(lib, x):
    y = x * 1
    y[:, 0].fill_(0.5)
    return y * y


def _two_writes(lib, x):
    y = x * 1
    y[0].add_(x[1])
    y[:, 2].mul_(y[:, 3].clone())  # y[:, 3] itself would be saved, then changed: an error (below)
    return y.sum(0)


def _view_of_a_zero_base(lib, x):
    base = lib.zeros(3, 4, dtype=x.dtype)  # does not require grad until a value that does lands
    base[1].copy_(x[1])
    base.t()[0].add_(x[:, 0])
    return base


SCENARIOS = [_slice_mul, _transpose_mul, _view_of_view, _reshape_view, _permute_and_unsqueeze,
             _squeeze_view, _other_view_sees_the_write, _base_write_then_old_view, _setitem_on_a_view,
             _copy_into_a_view, _fill_a_view, _two_writes, _view_of_a_zero_base]


def _run(lib, scenario):
    x = lib.tensor(X, requires_grad=True)
    out = scenario(lib, x)
    w = lib.tensor(np.linspace(0.5, 1.5, out.numel()).reshape(tuple(out.shape)))
    (out * w).sum().backward()
    return out.detach().numpy(), x.grad.numpy()


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.__name__.strip("_") for s in SCENARIOS])
def test_gradients_through_views_match_torch(scenario):
    got, got_grad = _run(mg, scenario)
    want, want_grad = _run(torch, scenario)
    np.testing.assert_allclose(got, want, rtol=1e-12)
    np.testing.assert_allclose(got_grad, want_grad, rtol=1e-12)


@pytest.mark.parametrize("scenario", [_slice_mul, _view_of_view, _setitem_on_a_view, _two_writes],
                         ids=lambda s: s.__name__.strip("_"))
def test_writes_through_views_pass_gradcheck_and_gradgradcheck(scenario):
    x = mg.tensor(X, requires_grad=True)
    gradcheck(lambda t: scenario(mg, t), [x])
    gradgradcheck(lambda t: scenario(mg, t) ** 2, [x])


def test_the_issue_examples():
    x = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 1
    y[0:2].mul_(2)
    y.sum().backward()
    assert x.grad.tolist() == [2.0, 2.0, 1.0]
    x.grad = None
    y = (x * 1).reshape(3, 1)
    y.t().mul_(2)
    y.sum().backward()
    assert x.grad.tolist() == [2.0, 2.0, 2.0]


def test_a_saved_view_changed_through_its_base_is_caught_as_in_torch():
    for lib in (mg, torch):
        x = lib.tensor(X, requires_grad=True)
        y = x * 1
        y[:, 2].mul_(y[:, 3])  # Mul saved the view y[:, 3]; the write moves y's version
        with pytest.raises(RuntimeError, match="modified"):
            y.sum().backward()


def test_version_counter_is_shared_by_base_and_views():
    y = mg.zeros(3, 4)
    a, b, c = y[1:], y.t(), y.reshape(12)
    v = y._version
    a.add_(1)
    assert y._version == a._version == b._version == c._version == v + 1
    assert y.numpy()[1:].tolist() == [[1.0] * 4] * 2 and c.numpy()[4] == 1.0
    b[0].fill_(7.0)
    assert (y.numpy()[:, 0] == 7.0).all() and y._version == v + 2


def test_a_view_keeps_its_base():
    y = mg.zeros(3, 4)
    v = y[1:].t()[0]
    assert v._view.base is y and len(v._view.steps) == 3
    assert y._view is None
    assert mg.zeros(2, 3).t().contiguous()._view is None  # a copy is not a view
    assert mg.zeros(2, 3).t().reshape(6)._view is None  # a reshape that had to copy neither
    assert y[[0, 2]]._view is None  # advanced indexing copies


def test_view_of_a_leaf_that_requires_grad_is_refused():
    x = mg.tensor(X, requires_grad=True)
    for write in (lambda: x[0:2].mul_(2), lambda: x.t().zero_(), lambda: x.reshape(12).add_(1)):
        with pytest.raises(RuntimeError, match="view of a leaf"):
            write()
    np.testing.assert_array_equal(x.detach().numpy(), X)
    with mg.no_grad():
        x[0:2].mul_(2)  # allowed outside grad mode, as in PyTorch
    np.testing.assert_array_equal(x.detach().numpy()[0], X[0] * 2)


def test_view_taken_under_no_grad_cannot_be_written_with_grad_on():
    x = mg.tensor(X, requires_grad=True)
    y = x * 1
    with mg.no_grad():
        v = y[0]
    with pytest.raises(GraphError, match="no_grad"):
        v.mul_(2)
    with mg.no_grad():
        v.mul_(2)  # both inside: fine


def test_expanded_view_cannot_be_written():
    y = mg.zeros(1, 4)
    e = y.expand(3, 4)
    with pytest.raises(RuntimeError, match="more than one element of the written-to tensor"):
        e.add_(1)
    assert isinstance(pytest.raises(ShapeError, e.zero_).value, ShapeError)
    y.expand(1, 4).add_(1)  # nothing repeated: fine
    assert y.tolist() == [[1.0] * 4]


def test_outputs_of_split_cannot_be_written_when_grads_are_involved():
    x = mg.tensor(X, requires_grad=True)
    a, b = (x * 1).split(2)
    with pytest.raises(RuntimeError, match="several outputs"):
        a.mul_(2)
    p, q = mg.zeros(4).chunk(2)  # no grad anywhere: a plain write into the base
    q.fill_(1.0)
    assert p._version == q._version == 1


def test_views_in_no_grad_only_change_values():
    x = mg.tensor(X, requires_grad=True)
    y = x * 1
    with mg.no_grad():
        y[0].mul_(0)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.ones((3, 4)))  # the write was not recorded


def test_copy_slices_is_not_run_without_grad():
    y = mg.zeros(3, 4)
    y[0].add_(1)
    assert y.grad_fn is None and not y.requires_grad


def test_a_view_taken_before_its_base_required_grad_follows_it():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    base = mg.zeros(4)
    v = base[0:2]  # nothing requires grad yet
    base[1:3].copy_(x)  # now base does, and v's element 1 is x[0]
    (v * mg.tensor([5.0, 7.0])).sum().backward()
    assert x.grad.tolist() == [7.0, 0.0]
    tb = torch.zeros(4)
    tx = torch.tensor([1.0, 2.0], requires_grad=True)
    tv = tb[0:2]
    tb[1:3].copy_(tx)
    (tv * torch.tensor([5.0, 7.0])).sum().backward()
    assert tx.grad.tolist() == [7.0, 0.0]


@pytest.mark.torch
def test_view_refuses_strides_that_need_a_copy_as_torch_does(torch):
    """x.t().view(-1) cannot share x's memory: PyTorch raises (RuntimeError), so does minigrad,
    and every view that can share memory does share it."""
    base = np.arange(24.0).reshape(4, 6)
    cases = [(lambda t: t.t(), (24,)), (lambda t: t.t(), (6, 4)), (lambda t: t[:, :4], (16,)),
             (lambda t: t[:, :4], (4, 2, 2)), (lambda t: t[::2], (12,)), (lambda t: t[::2], (2, 3, 2)),
             (lambda t: t.t()[:, None], (6, 4)), (lambda t: t.reshape(2, 2, 6).transpose(0, 1), (2, 12))]
    for take, shape in cases:
        ours, theirs = take(mg.tensor(base)), take(torch.tensor(base))
        try:
            want = theirs.view(shape)
        except RuntimeError:
            with pytest.raises(RuntimeError, match="view: the shape"):
                ours.view(shape)
            continue
        got = ours.view(shape)
        np.testing.assert_array_equal(got.numpy(), want.numpy())
        assert np.shares_memory(got.numpy(), ours.numpy())
