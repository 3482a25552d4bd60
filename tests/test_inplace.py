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
