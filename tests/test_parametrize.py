"""nn.utils.parametrize, nn.utils.parametrizations (weight norm, spectral norm) and the older
nn.utils.weight_norm / spectral_norm: the formulas, the module plumbing (state_dict keys,
optimizers, removal), bad input, and, with torch installed, the same numbers as torch."""

import warnings

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.errors import ArgumentError, ArgumentTypeError, ShapeError
from minigrad.nn.utils import parametrizations, parametrize
from minigrad.testing import gradcheck


class Symmetric(nn.Module):
    def forward(self, x):
        return x.triu() + x.triu(1).transpose(0, 1)


class Scale(nn.Module):
    def forward(self, x):
        return 2 * x

    def right_inverse(self, w):
        return w / 2


def test_a_parametrization_computes_the_tensor_and_trains_the_original():
    mg.manual_seed(0)
    layer = nn.Linear(3, 3)
    original = layer.weight
    parametrize.register_parametrization(layer, "weight", Symmetric())
    w = layer.weight.numpy()
    np.testing.assert_array_equal(w, w.T)
    assert type(layer).__name__ == "ParametrizedLinear" and isinstance(layer, nn.Linear)
    assert parametrize.type_before_parametrizations(layer) is nn.Linear
    assert parametrize.is_parametrized(layer) and parametrize.is_parametrized(layer, "weight")
    assert not parametrize.is_parametrized(layer, "bias")
    assert layer.parametrizations.weight.original is original  # the same Parameter: optimizers keep it
    assert [n for n, _ in layer.named_parameters()] == ["bias", "parametrizations.weight.original"]
    opt = mg.optim.SGD(layer.parameters(), lr=0.1)
    before = original.numpy().copy()
    layer(mg.ones(2, 3)).sum().backward()
    opt.step()
    assert not np.array_equal(original.numpy(), before)
    np.testing.assert_array_equal(layer.weight.numpy(), layer.weight.numpy().T)


def test_right_inverse_keeps_the_value_chains_and_assignment():
    layer = nn.Linear(2, 2)
    w0 = layer.weight.numpy().copy()
    parametrize.register_parametrization(layer, "weight", Scale())
    np.testing.assert_allclose(layer.weight.numpy(), w0, rtol=1e-6)  # original = w / 2, weight = 2 original
    np.testing.assert_allclose(layer.parametrizations.weight.original.numpy(), w0 / 2, rtol=1e-6)
    parametrize.register_parametrization(layer, "weight", Scale())  # chained: 2 (2 original)
    np.testing.assert_allclose(layer.weight.numpy(), 2 * w0, rtol=1e-6)
    layer.weight = mg.ones(2, 2)  # through both right inverses
    np.testing.assert_allclose(layer.parametrizations.weight.original.numpy(), np.full((2, 2), 0.25))
    np.testing.assert_allclose(layer.weight.numpy(), np.ones((2, 2)))


def test_cached_computes_once_and_removal_restores_the_module():
    layer = parametrize.register_parametrization(nn.Linear(2, 2), "weight", Symmetric())
    with parametrize.cached():
        assert layer.weight is layer.weight
    assert layer.weight is not layer.weight
    value = layer.weight.numpy().copy()
    original = layer.parametrizations.weight.original
    parametrize.remove_parametrizations(layer, "weight")
    assert type(layer) is nn.Linear and not parametrize.is_parametrized(layer)
    assert layer.weight is original and "parametrizations" not in dict(layer.named_children())
    np.testing.assert_array_equal(layer.weight.numpy(), value)
    assert list(layer.state_dict()) == ["bias", "weight"]  # re-registered last, as in torch
    layer = parametrize.register_parametrization(nn.Linear(2, 2), "weight", Scale())
    kept = layer.parametrizations.weight.original.numpy().copy()
    parametrize.remove_parametrizations(layer, "weight", leave_parametrized=False)
    np.testing.assert_array_equal(layer.weight.numpy(), kept)


def test_bad_parametrizations_raise_clear_errors():
    class Shrink(nn.Module):
        def forward(self, x):
            return x[:1]

    with pytest.raises(ShapeError, match="changed its shape"):
        parametrize.register_parametrization(nn.Linear(2, 2), "weight", Shrink())
    layer = parametrize.register_parametrization(nn.Linear(2, 2), "weight", Shrink(), unsafe=True)
    assert layer.weight.shape == (1, 2)
    with pytest.raises(ArgumentTypeError, match="must be a Module"):
        parametrize.register_parametrization(nn.Linear(2, 2), "weight", lambda x: x)
    with pytest.raises(ArgumentError, match="no parameter or buffer 'kernel'"):
        parametrize.register_parametrization(nn.Linear(2, 2), "kernel", Symmetric())
    with pytest.raises(ArgumentError, match="no parametrization on 'weight'"):
        parametrize.remove_parametrizations(nn.Linear(2, 2), "weight")
    wn = parametrizations.weight_norm(nn.Linear(2, 2))
    with pytest.raises(ArgumentError, match="2 originals"):
        parametrize.remove_parametrizations(wn, "weight", leave_parametrized=False)
    old = nn.utils.weight_norm(nn.Linear(2, 2))
    with pytest.raises(ArgumentError, match="already has a weight norm"):
        nn.utils.weight_norm(old)
    with pytest.raises(ArgumentError, match="not found"):
        nn.utils.remove_weight_norm(nn.Linear(2, 2))
    with pytest.raises(ArgumentError, match="n_power_iterations"):
        parametrizations.spectral_norm(nn.Linear(2, 2), n_power_iterations=0)


@pytest.mark.parametrize("dim, g_shape", [(0, (3, 1)), (1, (1, 4)), (None, ())])
def test_weight_norm_is_g_times_the_direction(dim, g_shape):
    layer = nn.Linear(4, 3)
    w0 = layer.weight.numpy().copy()
    parametrizations.weight_norm(layer, dim=dim)
    g, v = layer.parametrizations.weight.original0, layer.parametrizations.weight.original1
    assert tuple(g.shape) == g_shape and tuple(v.shape) == (3, 4)
    np.testing.assert_allclose(layer.weight.numpy(), w0, rtol=1e-5, atol=1e-7)  # unchanged at registration
    axes = None if dim is None else tuple(a for a in range(2) if a != dim)
    norm = np.sqrt((v.numpy() ** 2).sum(axis=axes, keepdims=dim is not None))
    np.testing.assert_allclose(layer.weight.numpy(), g.numpy() * v.numpy() / norm, rtol=1e-6)


def test_weight_norm_gradients_pass_gradcheck():
    g = mg.tensor(np.random.default_rng(0).uniform(0.5, 2, (3, 1)), requires_grad=True)
    v = mg.tensor(np.random.default_rng(1).standard_normal((3, 4)), requires_grad=True)
    assert gradcheck(lambda g, v: parametrizations._WeightNorm(0)(g, v), (g, v))


def test_spectral_norm_gives_unit_largest_singular_value():
    mg.manual_seed(0)
    for layer, rows in ((nn.Linear(6, 5), 0), (nn.Conv2d(3, 4, 3), 0), (nn.ConvTranspose2d(3, 4, 3), 1)):
        parametrizations.spectral_norm(layer)
        for _ in range(20):  # a few more power iterations, each training forward
            layer.weight
        layer.eval()
        w = np.moveaxis(layer.weight.numpy(), rows, 0).reshape(layer.weight.shape[rows], -1)
        assert abs(np.linalg.svd(w, compute_uv=False)[0] - 1) < 1e-4
        assert [k for k in layer.state_dict() if "parametrizations" in k] == [
            "parametrizations.weight.original", "parametrizations.weight.0._u", "parametrizations.weight.0._v"]


def test_old_weight_norm_and_spectral_norm_keep_their_keys_and_undo():
    layer = nn.utils.weight_norm(nn.Conv1d(3, 4, 3))
    assert list(layer.state_dict()) == ["bias", "weight_g", "weight_v"]
    w0 = layer.weight.numpy().copy()
    layer.weight_g.data.mul_(2.0)
    layer(mg.ones(1, 3, 5))  # the pre-hook recomputes the weight
    np.testing.assert_allclose(layer.weight.numpy(), 2 * w0, rtol=1e-5)
    nn.utils.remove_weight_norm(layer)
    assert list(layer.state_dict()) == ["bias", "weight"]
    sn = nn.utils.spectral_norm(nn.Linear(6, 5))
    assert list(sn.state_dict()) == ["bias", "weight_orig", "weight_u", "weight_v"]
    for _ in range(30):
        sn(mg.ones(1, 6))
    assert abs(np.linalg.svd(sn.weight.numpy(), compute_uv=False)[0] - 1) < 1e-3
    nn.utils.remove_spectral_norm(sn)
    assert "weight" in dict(sn.named_parameters())


def _copy(t_module, m_module):
    m_module.load_state_dict({k: mg.tensor(v.detach().numpy().copy()) for k, v in t_module.state_dict().items()})


def _same_forward_and_grads(t_module, m_module, x):
    torch = pytest.importorskip("torch")
    yt, ym = t_module(torch.from_numpy(x)), m_module(mg.tensor(x))
    np.testing.assert_allclose(ym.numpy(), yt.detach().numpy(), rtol=1e-5, atol=1e-6)
    yt.pow(2).sum().backward()
    ym.pow(2).sum().backward()
    for (name, pt), (_, pm) in zip(t_module.named_parameters(), m_module.named_parameters()):
        np.testing.assert_allclose(pm.grad.numpy(), pt.grad.numpy(), rtol=1e-4, atol=1e-5, err_msg=name)


def test_the_same_as_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    x2, x4 = (rng.standard_normal(s).astype(np.float32) for s in ((2, 6), (2, 3, 7, 7)))
    cases = [(lambda nn_: parametrizations_of(nn_).weight_norm(nn_.Linear(6, 5), dim=1), x2),
             (lambda nn_: parametrizations_of(nn_).weight_norm(nn_.Conv2d(3, 4, 3)), x4),
             (lambda nn_: parametrizations_of(nn_).spectral_norm(nn_.Linear(6, 5)), x2),
             (lambda nn_: parametrizations_of(nn_).spectral_norm(nn_.ConvTranspose2d(3, 4, 3)), x4),
             (lambda nn_: nn_.utils.weight_norm(nn_.Conv2d(3, 4, 3)), x4),
             (lambda nn_: nn_.utils.spectral_norm(nn_.Linear(6, 5)), x2)]
    for make, x in cases:
        with warnings.catch_warnings():  # torch's old weight_norm says it is deprecated
            warnings.simplefilter("ignore", FutureWarning)
            t_module = make(torch.nn)
        m_module = make(nn)
        assert list(m_module.state_dict()) == list(t_module.state_dict())
        _copy(t_module, m_module)
        for mode in ("train", "train", "eval"):  # power iterations move u and v in training mode
            getattr(t_module, mode)()
            getattr(m_module, mode)()
            t_module.zero_grad()
            m_module.zero_grad()
            _same_forward_and_grads(t_module, m_module, x)


def parametrizations_of(nn_):
    return nn_.utils.parametrizations

