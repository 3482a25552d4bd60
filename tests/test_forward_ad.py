"""torch.autograd.forward_ad on minigrad: dual tensors give J t (by the double-backward trick),
as PyTorch's forward mode does."""

import numpy as np
import pytest

import minigrad as mg
from minigrad.autograd import forward_ad as fwAD
from minigrad.errors import GraphError, ShapeError

torch = None
try:
    import torch
except ImportError:
    pass


def _f(x, w):
    return ((x.sin() * x.exp()) @ w).tanh().sum(0)


def test_the_tangent_is_the_jacobian_vector_product():
    rng = np.random.default_rng(0)
    x, t, w = (mg.tensor(rng.standard_normal(s)) for s in ((3, 4), (3, 4), (4, 2)))
    with fwAD.dual_level():
        primal, tangent = fwAD.unpack_dual(_f(fwAD.make_dual(x, t), w))
    _, want = mg.autograd.functional.jvp(lambda a: _f(a, w), x, t)
    np.testing.assert_allclose(tangent.numpy(), want.numpy(), rtol=1e-12)
    np.testing.assert_allclose(primal.numpy(), _f(x, w).numpy(), rtol=1e-12)
    eps = 1e-6  # and the directional derivative by central differences
    fd = (_f(x + eps * t, w) - _f(x - eps * t, w)).numpy() / (2 * eps)
    np.testing.assert_allclose(tangent.numpy(), fd, rtol=1e-6)


def test_tangents_of_several_duals_add_and_others_have_none():
    rng = np.random.default_rng(1)
    a, b, ta, tb = (mg.tensor(rng.standard_normal(3)) for _ in range(4))
    with fwAD.dual_level():
        da, db = fwAD.make_dual(a, ta), fwAD.make_dual(b, tb)
        tangent = fwAD.unpack_dual(da * db).tangent
        assert fwAD.unpack_dual(mg.ones(3)).tangent is None
        assert fwAD.unpack_dual(da).tangent is not None
    np.testing.assert_allclose(tangent.numpy(), (ta * b + a * tb).numpy(), rtol=1e-12)
    assert fwAD.unpack_dual(da).tangent is None  # the level is closed: no tangents


@pytest.mark.skipif(torch is None, reason="needs torch for the parity check")
def test_the_forward_ad_tutorial_gives_torchs_tangents():
    """Parameters of a module swapped for dual tensors, as PyTorch's tutorial does."""
    rng = np.random.default_rng(2)
    w, b, x, tw, tb = (rng.standard_normal(s) for s in ((5, 5), (5,), (16, 5), (5, 5), (5,)))
    results = []
    for lib in (torch, mg):
        model = lib.nn.Linear(5, 5).double()
        with lib.no_grad():
            model.weight.copy_(lib.tensor(w))
            model.bias.copy_(lib.tensor(b))
        params = dict(model.named_parameters())
        tangents = {"weight": lib.tensor(tw), "bias": lib.tensor(tb)}
        with lib.autograd.forward_ad.dual_level():
            for name, p in params.items():
                delattr(model, name)
                setattr(model, name, lib.autograd.forward_ad.make_dual(p, tangents[name]))
            out = model(lib.tensor(x).sin())
            results.append(lib.autograd.forward_ad.unpack_dual(out).tangent.detach().numpy())
    np.testing.assert_allclose(results[1], results[0], rtol=1e-12)


def test_bad_uses_raise():
    with pytest.raises(GraphError, match="make_dual: call it inside"):
        fwAD.make_dual(mg.ones(2), mg.ones(2))
    with fwAD.dual_level():
        with pytest.raises(ShapeError, match=r"make_dual: the tangent \(\(3,\), float32\) must match the primal \(\(2,\), float32\)"):
            fwAD.make_dual(mg.ones(2), mg.ones(3))
    with pytest.raises(GraphError, match="exit_dual_level: no such dual level is open"):
        fwAD.exit_dual_level()
    level = fwAD.enter_dual_level()
    fwAD.exit_dual_level(level=level)
