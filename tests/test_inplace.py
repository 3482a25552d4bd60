"""In-place ops: version counters catch changed saved tensors, as PyTorch does."""

import numpy as np
import pytest

import minigrad as mg
from minigrad.errors import GraphError


def both(fn):
    """Run a scenario in minigrad and (when installed) in torch; return whether each raised."""
    results = {}
    try:
        fn(mg)
        results["minigrad"] = False
    except GraphError:
        results["minigrad"] = True
    torch = pytest.importorskip("torch") if False else None
    try:
        import torch
    except ImportError:
        return results
    try:
        fn(torch)
        results["torch"] = False
    except RuntimeError:
        results["torch"] = True
    return results


def modify_saved_input(lib):
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    h = x * 1
    y = h.sin()
    h.mul_(2)
    y.sum().backward()


def modify_saved_output(lib):
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()
    y.add_(1)
    y.sum().backward()


def modify_unsaved_operand(lib):
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    h = x * 1
    y = h * 2  # the constant is saved, h is not needed
    h.add_(1)
    y.sum().backward()


def modify_through_a_view(lib):
    x = lib.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    h = x * 1
    y = h.sin()
    v = h.reshape(4)
    v.mul_(3)
    y.sum().backward()


def modify_leaf(lib):
    x = lib.tensor([1.0], requires_grad=True)
    x.add_(1)


@pytest.mark.parametrize("scenario,raises", [
    (modify_saved_input, True),
    (modify_saved_output, True),
    (modify_unsaved_operand, False),
    (modify_through_a_view, True),
    (modify_leaf, True),
])
def test_inplace_rules_match_torch(scenario, raises):
    results = both(scenario)
    assert results["minigrad"] is raises
    if "torch" in results:
        assert results["torch"] is raises


def test_inplace_methods_change_values_and_bump_the_version():
    t = mg.tensor([1.0, 2.0, 3.0])
    v0 = t._version
    t.add_(1).mul_(2).sub_(1).div_(2)
    np.testing.assert_allclose(t.numpy(), [1.5, 2.5, 3.5])
    t.clamp_(min=2.0)
    np.testing.assert_allclose(t.numpy(), [2.0, 2.5, 3.5])
    t += 1
    t -= 1
    t *= 2
    t /= 2
    np.testing.assert_allclose(t.numpy(), [2.0, 2.5, 3.5])
    t.copy_(mg.tensor([7.0, 8.0, 9.0]))
    np.testing.assert_allclose(t.numpy(), [7.0, 8.0, 9.0])
    t.fill_(4.0)
    assert t.tolist() == [4.0, 4.0, 4.0]
    t.zero_()
    assert t.tolist() == [0.0, 0.0, 0.0]
    assert t._version == v0 + 12


def test_setitem_writes_in_place_and_is_differentiable():
    x = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    v = mg.tensor([10.0], requires_grad=True)
    h = x * 1
    h[1:2] = v * 2
    h.sum().backward()
    np.testing.assert_allclose(h.detach().numpy(), [1.0, 20.0, 3.0])
    np.testing.assert_allclose(x.grad.numpy(), [1.0, 0.0, 1.0])
    np.testing.assert_allclose(v.grad.numpy(), [2.0])


def test_inplace_result_of_other_shape_is_refused():
    t = mg.zeros(3)
    with pytest.raises(ValueError, match="shape"):
        t.add_(mg.ones(2, 3))
    assert t.tolist() == [0.0, 0.0, 0.0]


# ---- the cases that used to give silently wrong gradients ----------------------------------------
def _grad_of(build):
    x = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    build(x).sum().backward()
    return x.grad.numpy()


@pytest.mark.parametrize("write", [
    lambda y: y.fill_(0.0), lambda y: y.zero_(), lambda y: y.copy_(mg.tensor([5.0, 6.0, 7.0])),
    lambda y: y.copy_([5.0, 6.0, 7.0]),
])
def test_overwriting_a_non_leaf_with_a_constant_cuts_its_history(write):
    def build(x):
        y = x * 2
        write(y)
        assert y.requires_grad and y.grad_fn is not None  # still part of the graph, as in PyTorch
        return y

    np.testing.assert_array_equal(_grad_of(build), [0.0, 0.0, 0.0])


def test_fill_with_a_tensor_value_sends_it_the_gradient():
    x = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    v = mg.tensor(2.0, requires_grad=True)
    y = x * 1
    y.fill_(v)
    (y * mg.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert v.grad.item() == 6.0 and x.grad.tolist() == [0.0, 0.0, 0.0]


def test_an_integer_tensor_refuses_a_float_result():
    t = mg.tensor([1, 2, 3])
    with pytest.raises(RuntimeError, match="can't be cast"):
        t.add_(0.5)
    with pytest.raises(TypeError):  # a DTypeError too
        t.mul_(1.5)
    with pytest.raises(RuntimeError):
        t.div_(2)  # true division gives floats
    assert t.tolist() == [1, 2, 3]
    t.add_(2)  # an int result is fine, and copy_/fill_ do cast, as in PyTorch
    t.copy_(mg.tensor([1.7, 2.2, 3.9]))
    assert t.tolist() == [1, 2, 3]
    t.fill_(2.5)
    assert t.tolist() == [2, 2, 2]
    b = mg.tensor([True, False])
    with pytest.raises(RuntimeError):
        b.add_(1)
    f32 = mg.zeros(2)
    f32.add_(mg.tensor([1.0, 2.0], dtype=mg.float64))  # float64 into float32 is allowed
    assert f32.dtype == mg.float32 and f32.tolist() == [1.0, 2.0]


def test_inplace_forms_of_saved_inputs_match_out_of_place():
    x = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    w = mg.tensor([4.0, 5.0, 6.0], requires_grad=True)
    y = x * 1
    y.pow_(2)  # pow saved the old y: it gets a copy of it
    y.mul_(w)  # mul saved the old y for w's gradient
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.array([1.0, 2, 3]) * [4.0, 5, 6])
    np.testing.assert_allclose(w.grad.numpy(), [1.0, 4, 9])


def test_general_inplace_forms_exist_and_follow_torch():
    torch = pytest.importorskip("torch")
    a = np.array([[0.3, -0.7, 1.2], [2.0, -1.5, 0.4]])
    pos = np.abs(a) + 0.5
    cases = [
        ("relu_", a, ()), ("sigmoid_", a, ()), ("tanh_", a, ()), ("exp_", a, ()), ("log_", pos, ()),
        ("sqrt_", pos, ()), ("abs_", a, ()), ("neg_", a, ()), ("pow_", pos, (1.5,)), ("sin_", a, ()),
        ("cos_", a, ()), ("floor_", a, ()), ("ceil_", a, ()), ("round_", a, ()), ("trunc_", a, ()),
        ("sign_", a, ()), ("clamp_min_", a, (0.1,)), ("clamp_max_", a, (0.1,)),
    ]
    for name, data, args in cases:
        m, t = mg.tensor(data), torch.tensor(data)
        getattr(m, name)(*args)
        getattr(t, name)(*args)
        np.testing.assert_allclose(m.numpy(), t.numpy(), rtol=1e-6, err_msg=name)
    m, t = mg.tensor(a), torch.tensor(a)
    m.clamp_(-0.5, 0.5), t.clamp_(-0.5, 0.5)
    m.add_(mg.tensor(pos), alpha=2), t.add_(torch.tensor(pos), alpha=2)
    m.sub_(mg.tensor(pos), alpha=0.5), t.sub_(torch.tensor(pos), alpha=0.5)
    m.div_(mg.tensor(pos), rounding_mode="floor"), t.div_(torch.tensor(pos), rounding_mode="floor")
    np.testing.assert_allclose(m.numpy(), t.numpy())
    m, t = mg.tensor(a), torch.tensor(a)
    m.addcmul_(mg.tensor(pos), mg.tensor(a), value=0.5), t.addcmul_(torch.tensor(pos), torch.tensor(a), value=0.5)
    m.addcdiv_(mg.tensor(a), mg.tensor(pos), value=-2), t.addcdiv_(torch.tensor(a), torch.tensor(pos), value=-2)
    m.lerp_(mg.tensor(pos), 0.3), t.lerp_(torch.tensor(pos), 0.3)
    np.testing.assert_allclose(m.numpy(), t.numpy())
    mask = a > 0
    m.masked_fill_(mg.tensor(mask), 9.0), t.masked_fill_(torch.tensor(mask), 9.0)
    np.testing.assert_allclose(m.numpy(), t.numpy())
    np.testing.assert_allclose(mg.tensor(a).addcmul(mg.tensor(pos), mg.tensor(a), value=3).numpy(),
                               torch.tensor(a).addcmul(torch.tensor(pos), torch.tensor(a), value=3).numpy())
    for shape, wrap in [((3, 3), False), ((5, 2), False), ((5, 2), True), ((2, 4), False), ((2, 2, 2), False)]:
        m, t = mg.zeros(*shape), torch.zeros(*shape)
        m.fill_diagonal_(7.0, wrap=wrap), t.fill_diagonal_(7.0, wrap=wrap)
        np.testing.assert_array_equal(m.numpy(), t.numpy(), err_msg=f"fill_diagonal_ {shape} {wrap}")
    with pytest.raises(ValueError):
        mg.zeros(2, 3, 4).fill_diagonal_(1.0)


def test_fill_diagonal_is_differentiable():
    x = mg.tensor(np.arange(9.0).reshape(3, 3), requires_grad=True)
    y = x * 1
    y.fill_diagonal_(0.0)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), 1 - np.eye(3))


# ---- registry-driven: every op with an in-place form -----------------------------------------------
from minigrad.testing import all_entries  # noqa: E402
from minigrad.testing.inplace_checks import KINDS, check_inplace, inplace_names  # noqa: E402

INPLACE_ENTRIES = inplace_names(all_entries())


def test_many_ops_have_inplace_forms_checked():
    names = {e.name for e in INPLACE_ENTRIES}
    assert {"add", "mul", "div", "exp", "sigmoid", "relu", "pow", "clamp", "masked_fill", "lerp"} <= names
    assert len(names) >= 40


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("entry", INPLACE_ENTRIES, ids=[e.name for e in INPLACE_ENTRIES])
def test_inplace_form_matches_out_of_place(entry, kind):
    failures = [m for s in entry.samples(np.random.default_rng(0)) if (m := check_inplace(entry, s, kind))]
    assert not failures, "\n\n".join(failures)
