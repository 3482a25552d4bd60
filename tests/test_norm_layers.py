"""GroupNorm, InstanceNorm1d/2d/3d, RMSNorm, LocalResponseNorm and BatchNorm3d against torch:
outputs, gradients, state_dict keys, running statistics, unbatched inputs and bad input.
(The functional forms' gradients are checked by the registry: entries/norms.py.)
"""

import warnings

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad.errors import ArgumentError, DTypeError, ShapeError


def same_module(torch, t, m):
    """torch's state into m (same keys, in order), in float64."""
    t.double()
    m.to(dtype=np.float64)
    state = t.state_dict()
    assert list(state) == list(m.state_dict())
    m.load_state_dict({k: mg.tensor(v.numpy()) for k, v in state.items()})


def compare(torch, t, m, shape, seed=0, rtol=1e-10):
    """Output and input gradient (and parameter gradients) of one random input, as in torch."""
    x = np.random.default_rng(seed).standard_normal(shape) * 2 + 0.5
    tx, mx = torch.tensor(x, requires_grad=True), mg.tensor(x, requires_grad=True)
    t_out, m_out = t(tx), m(mx)
    np.testing.assert_allclose(m_out.numpy(), t_out.detach().numpy(), rtol=rtol, atol=rtol)
    g = np.random.default_rng(seed + 1).standard_normal(t_out.shape)
    (t_out * torch.from_numpy(g)).sum().backward()
    (m_out * mg.tensor(g)).sum().backward()
    np.testing.assert_allclose(mx.grad.numpy(), tx.grad.numpy(), rtol=rtol, atol=rtol)
    t_params = dict(t.named_parameters())
    for k, p in m.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), t_params[k].grad.numpy(), rtol=rtol, atol=rtol)


@pytest.mark.parametrize("groups, shape", [(1, (2, 6, 3)), (2, (2, 6, 3)), (3, (3, 6, 2, 2)), (6, (2, 6))])
@pytest.mark.parametrize("affine", [True, False])
def test_group_norm_matches_torch(torch, groups, shape, affine):
    t, m = torch.nn.GroupNorm(groups, 6, affine=affine), nn.GroupNorm(groups, 6, affine=affine)
    same_module(torch, t, m)
    if affine:
        with torch.no_grad():
            t.weight.normal_()
            t.bias.normal_()
        m.load_state_dict({k: mg.tensor(v.numpy()) for k, v in t.state_dict().items()})
    compare(torch, t, m, shape)
    assert repr(m) == repr(t)


@pytest.mark.parametrize("cls, shape", [("InstanceNorm1d", (2, 3, 5)), ("InstanceNorm2d", (2, 3, 4, 3)),
                                        ("InstanceNorm3d", (2, 3, 2, 3, 2)), ("InstanceNorm1d", (3, 5)),
                                        ("InstanceNorm2d", (3, 4, 2))])
@pytest.mark.parametrize("affine, track", [(False, False), (True, False), (True, True), (False, True)])
def test_instance_norm_matches_torch(torch, cls, shape, affine, track):
    t = getattr(torch.nn, cls)(3, affine=affine, track_running_stats=track, momentum=0.3)
    m = getattr(nn, cls)(3, affine=affine, track_running_stats=track, momentum=0.3)
    same_module(torch, t, m)
    for step in range(2):  # training: the running statistics move like torch's
        compare(torch, t, m, shape, seed=step)
    for k, v in t.state_dict().items():
        np.testing.assert_allclose(m.state_dict()[k].numpy(), v.numpy(), rtol=1e-12, atol=1e-12)
    t.eval()
    m.eval()
    compare(torch, t, m, shape, seed=5)  # eval: the running statistics, when tracked


def test_instance_norm_is_per_sample():
    m = nn.InstanceNorm2d(2)
    x = mg.randn(3, 2, 4, 4)
    alone = m(x[1:2]).numpy()
    np.testing.assert_allclose(m(x).numpy()[1:2], alone, rtol=1e-6, atol=1e-6)
    y = m(x).numpy()
    np.testing.assert_allclose(y.mean(axis=(2, 3)), 0, atol=1e-5)
    np.testing.assert_allclose(y.var(axis=(2, 3)), 1, rtol=1e-3)


@pytest.mark.parametrize("shape, normalized", [((3, 4), 4), ((2, 3, 4), (3, 4))])
@pytest.mark.parametrize("affine", [True, False])
@pytest.mark.parametrize("eps", [None, 1e-3])
def test_rms_norm_matches_torch(torch, shape, normalized, affine, eps):
    t = torch.nn.RMSNorm(normalized, eps=eps, elementwise_affine=affine)
    m = nn.RMSNorm(normalized, eps=eps, elementwise_affine=affine)
    same_module(torch, t, m)
    if affine:
        with torch.no_grad():
            t.weight.normal_()
        m.load_state_dict({k: mg.tensor(v.numpy()) for k, v in t.state_dict().items()})
    compare(torch, t, m, shape)


def test_rms_norm_float32_and_default_eps(torch):
    x = np.random.default_rng(0).standard_normal((2, 5)).astype(np.float32) * 1e-4  # eps matters here
    got = F.rms_norm(mg.tensor(x), (5,))
    assert got.dtype == mg.float32
    want = torch.nn.functional.rms_norm(torch.tensor(x), [5])
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-5)


@pytest.mark.parametrize("size", [1, 2, 3, 5])
@pytest.mark.parametrize("shape", [(2, 4, 3), (2, 5, 2, 2), (1, 3, 2, 2, 2)])
def test_local_response_norm_matches_torch(torch, size, shape):
    t, m = torch.nn.LocalResponseNorm(size, alpha=0.5, beta=0.7, k=1.5), nn.LocalResponseNorm(size, 0.5, 0.7, 1.5)
    compare(torch, t, m, shape)
    assert repr(m) == repr(t)


def test_batch_norm_3d_matches_torch(torch):
    t, m = torch.nn.BatchNorm3d(3), nn.BatchNorm3d(3)
    same_module(torch, t, m)
    compare(torch, t, m, (2, 3, 2, 3, 2))
    np.testing.assert_allclose(m.running_var.numpy(), t.running_var.numpy(), rtol=1e-12)
    t.eval()
    m.eval()
    compare(torch, t, m, (2, 3, 2, 2, 2), seed=3)


def test_bias_false_and_repr_like_torch(torch):
    for t, m in ((torch.nn.GroupNorm(2, 4, bias=False), nn.GroupNorm(2, 4, bias=False)),
                 (torch.nn.InstanceNorm2d(4, affine=True, bias=False), nn.InstanceNorm2d(4, affine=True, bias=False)),
                 (torch.nn.InstanceNorm1d(3), nn.InstanceNorm1d(3)), (torch.nn.RMSNorm(3), nn.RMSNorm(3))):
        assert list(m.state_dict()) == list(t.state_dict())
        assert repr(m) == repr(t)


def test_float32_stays_float32():
    x = mg.randn(2, 4, 3, 3)
    for layer in (nn.GroupNorm(2, 4), nn.InstanceNorm2d(4, affine=True), nn.RMSNorm(3), nn.LocalResponseNorm(2),
                  nn.BatchNorm3d(4)):
        inp = x.unsqueeze(2) if isinstance(layer, nn.BatchNorm3d) else x
        assert layer(inp).dtype == mg.float32


def test_bad_inputs(torch):
    with pytest.raises(ArgumentError, match=r"num_channels \(6\) must be divisible by num_groups \(4\)"):
        nn.GroupNorm(4, 6)
    with pytest.raises(ValueError):  # what torch raises
        torch.nn.GroupNorm(4, 6)
    with pytest.raises(RuntimeError, match="divisible by num_groups"):  # torch: RuntimeError
        F.group_norm(mg.randn(2, 6, 3), 4)
    with pytest.raises(ShapeError, match="weight has shape"):
        F.group_norm(mg.randn(2, 6, 3), 2, mg.ones(4))
    with pytest.raises(DTypeError):
        F.group_norm(mg.ones(2, 4, dtype=mg.int64), 2)
    with pytest.raises(ShapeError, match="expected 3D or 4D input"):
        nn.InstanceNorm2d(3)(mg.randn(5))
    with pytest.raises(ShapeError, match="to match num_features"):
        nn.InstanceNorm1d(3, affine=True)(mg.randn(2, 4, 5))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        nn.InstanceNorm1d(3)(mg.randn(2, 4, 5))
    assert any("does not match num_features" in str(w.message) for w in caught)
    with pytest.raises(ValueError, match="more than 1 spatial element"):
        F.instance_norm(mg.randn(2, 3, 1))
    with pytest.raises(ArgumentError, match="use_input_stats=False"):
        F.instance_norm(mg.randn(2, 3, 4), use_input_stats=False)
    with pytest.raises(RuntimeError, match=r"normalized_shape=\[4\]"):  # torch: RuntimeError
        F.rms_norm(mg.randn(2, 3), (4,))
    with pytest.raises(ValueError, match="3D or higher"):  # torch: ValueError
        F.local_response_norm(mg.randn(2, 3), 2)
    with pytest.raises(ArgumentError, match="size must be a positive integer"):
        F.local_response_norm(mg.randn(2, 3, 3), 0)
    with pytest.raises(ValueError, match="expected 5D input"):  # torch: ValueError
        nn.BatchNorm3d(3)(mg.randn(2, 3, 4))


def test_signatures_match_torch(torch):
    import inspect

    for name in ("group_norm", "instance_norm", "rms_norm", "local_response_norm"):
        assert list(inspect.signature(getattr(F, name)).parameters) == \
               list(inspect.signature(getattr(torch.nn.functional, name)).parameters), name
    for name in ("GroupNorm", "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d", "RMSNorm", "LocalResponseNorm",
                 "BatchNorm3d"):
        assert list(inspect.signature(getattr(nn, name)).parameters) == \
               list(inspect.signature(getattr(torch.nn, name)).parameters), name
