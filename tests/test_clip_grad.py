"""Gradient clipping: clip_grad_norm_ and clip_grad_value_ against torch.nn.utils, and by hand."""

import math

import numpy as np
import pytest

import minigrad
from minigrad.nn import Parameter
from minigrad.nn.utils import clip_grad_norm_, clip_grad_value_

SHAPES = [(3, 4), (5,), (2, 2, 2)]


def with_grads(scale, dtype=np.float64, seed=0):
    rng = np.random.default_rng(seed)
    params = []
    for s in SHAPES:
        p = Parameter(np.zeros(s, dtype=dtype))
        p.grad = minigrad.tensor((scale * rng.standard_normal(s)).astype(dtype))
        params.append(p)
    return params


def torch_twins(torch, params):
    out = []
    for p in params:
        t = torch.zeros(p.shape, dtype=torch.float64 if p.dtype == np.float64 else torch.float32, requires_grad=True)
        t.grad = torch.tensor(p.grad.numpy().copy())
        out.append(t)
    return out


@pytest.mark.torch
@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.5, math.inf, "inf"])
@pytest.mark.parametrize("scale", [0.01, 10.0])  # below and above max_norm
def test_clip_grad_norm_matches_torch(torch, norm_type, scale):
    params = with_grads(scale)
    twins = torch_twins(torch, params)
    total = clip_grad_norm_(params, max_norm=1.5, norm_type=norm_type)
    expected = torch.nn.utils.clip_grad_norm_(twins, max_norm=1.5, norm_type=float(norm_type))
    assert isinstance(total, minigrad.Tensor) and total.shape == ()
    np.testing.assert_allclose(total.item(), expected.item(), rtol=1e-12)
    for p, t in zip(params, twins):
        np.testing.assert_allclose(p.grad.numpy(), t.grad.numpy(), rtol=1e-12, atol=1e-15)


def test_clip_grad_norm_by_hand():
    params = with_grads(10.0)
    flat = np.concatenate([p.grad.numpy().ravel() for p in params])
    arrays = [p.grad.array for p in params]
    total = clip_grad_norm_(params, max_norm=2.0)
    assert total.item() == pytest.approx(np.linalg.norm(flat), rel=1e-12)
    clipped = np.concatenate([p.grad.numpy().ravel() for p in params])
    # scaled together: same direction, length max_norm (up to the 1e-6 guard)
    np.testing.assert_allclose(clipped, flat * 2.0 / (np.linalg.norm(flat) + 1e-6), rtol=1e-12)
    assert np.linalg.norm(clipped) == pytest.approx(2.0, rel=1e-6)
    assert all(p.grad.array is a for p, a in zip(params, arrays)), "clipping must be in place"


def test_small_gradients_are_left_alone():
    params = with_grads(1e-3)
    before = [p.grad.numpy().copy() for p in params]
    clip_grad_norm_(params, max_norm=1.0)
    for p, b in zip(params, before):
        np.testing.assert_array_equal(p.grad.numpy(), b)


def test_float32_stays_float32():
    params = with_grads(10.0, dtype=np.float32)
    total = clip_grad_norm_(params, max_norm=1.0)
    assert total.dtype == np.float32
    assert all(p.grad.dtype == np.float32 for p in params)
    norm = np.sqrt(sum(float((p.grad.numpy().astype(np.float64) ** 2).sum()) for p in params))
    assert norm == pytest.approx(1.0, rel=1e-5)


def test_parameters_without_gradient_single_tensor_and_generators():
    a, b = Parameter(np.zeros(2)), Parameter(np.zeros(3))
    a.grad = minigrad.tensor(np.array([3.0, 4.0]))
    assert clip_grad_norm_((p for p in [a, b]), max_norm=10.0).item() == pytest.approx(5.0)
    assert clip_grad_norm_(a, max_norm=1.0).item() == pytest.approx(5.0)
    np.testing.assert_allclose(a.grad.numpy(), [0.6, 0.8], rtol=1e-6)
    assert b.grad is None
    assert clip_grad_norm_([b], max_norm=1.0).item() == 0.0


def test_nonfinite_total_norm():
    params = with_grads(1.0)
    params[1].grad.array[2] = np.nan
    with pytest.raises(RuntimeError, match="non|nan"):
        clip_grad_norm_(params, max_norm=1.0, error_if_nonfinite=True)
    total = clip_grad_norm_(params, max_norm=1.0)  # without the flag: scaled by it anyway, like PyTorch
    assert np.isnan(total.item())


def test_bad_norm_type():
    with pytest.raises(ValueError, match="norm_type"):
        clip_grad_norm_(with_grads(1.0), max_norm=1.0, norm_type=0)
    with pytest.raises(ValueError, match="norm_type"):
        clip_grad_norm_(with_grads(1.0), max_norm=1.0, norm_type=-2.0)


@pytest.mark.torch
def test_clip_grad_value_matches_torch(torch):
    params = with_grads(3.0)
    twins = torch_twins(torch, params)
    arrays = [p.grad.array for p in params]
    assert clip_grad_value_(params, 1.25) is None
    torch.nn.utils.clip_grad_value_(twins, 1.25)
    for p, t, a in zip(params, twins, arrays):
        np.testing.assert_array_equal(p.grad.numpy(), t.grad.numpy())
        assert p.grad.array is a
    assert max(np.abs(p.grad.numpy()).max() for p in params) == 1.25


def test_clip_grad_value_refuses_a_negative_bound():
    with pytest.raises(ValueError, match="clip_value"):
        clip_grad_value_(with_grads(1.0), -1.0)


@pytest.mark.gpu
def test_cuda_matches_cpu():
    cpu = with_grads(10.0)
    gpu = []
    for p in cpu:
        q = Parameter(minigrad.tensor(p.numpy(), device="cuda"))
        q.grad = minigrad.tensor(p.grad.numpy(), device="cuda")
        gpu.append(q)
    total_cpu = clip_grad_norm_(cpu, max_norm=1.0)
    total_gpu = clip_grad_norm_(gpu, max_norm=1.0)
    assert total_gpu.is_cuda
    np.testing.assert_allclose(total_gpu.item(), total_cpu.item(), rtol=1e-12)
    for p, q in zip(cpu, gpu):
        assert q.grad.is_cuda
        np.testing.assert_allclose(q.grad.cpu().numpy(), p.grad.numpy(), rtol=1e-12)
    clip_grad_value_(gpu, 0.01)
    assert max(float(np.abs(q.grad.cpu().numpy()).max()) for q in gpu) == pytest.approx(0.01)
