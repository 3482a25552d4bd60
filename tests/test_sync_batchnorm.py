"""nn.SyncBatchNorm in one process: BatchNorm of any (N, C, *) input, PyTorch's checks and
convert_sync_batchnorm. Its synchronized path (statistics over every rank's batch) is checked
under mpiexec in tests/distributed/ranks_main.py (sync_batch_norm_equals_one_process_...)."""

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.errors import ShapeError


@pytest.mark.parametrize("shape", [(6, 3), (4, 3, 5), (2, 3, 4, 5), (2, 3, 2, 3, 4)])
@pytest.mark.parametrize("momentum", [0.1, None])
def test_without_a_process_group_it_is_batch_norm(shape, momentum):
    rng = np.random.default_rng(0)
    sync, plain = nn.SyncBatchNorm(3, momentum=momentum), nn.BatchNorm1d(3, momentum=momentum)
    plain._check_input_dim = lambda x: None  # BatchNorm's arithmetic on any shape, to compare with
    for layer in (sync, plain):
        layer.to(dtype=np.float64)
    for step in range(2):
        x = rng.normal(1.0, 2.0, size=shape)
        g = mg.tensor(rng.normal(size=shape))
        xs, xp_ = mg.tensor(x, requires_grad=True), mg.tensor(x, requires_grad=True)
        ys, yp = sync(xs), plain(xp_)
        (ys * g).sum().backward()
        (yp * g).sum().backward()
        np.testing.assert_array_equal(ys.array, yp.array)
        np.testing.assert_array_equal(xs.grad.array, xp_.grad.array)
        np.testing.assert_array_equal(sync.weight.grad.array, plain.weight.grad.array)
        np.testing.assert_array_equal(sync.running_var.array, plain.running_var.array)
    sync.eval()
    plain.eval()
    x = mg.tensor(rng.normal(size=shape))
    np.testing.assert_array_equal(sync(x).array, plain(x).array)
    assert int(sync.num_batches_tracked.item()) == 2


def test_matches_torch_sync_batch_norm_on_the_cpu():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    x = rng.normal(size=(4, 3, 5, 2)).astype(np.float32)
    g = rng.normal(size=x.shape).astype(np.float32)
    mine, theirs = nn.SyncBatchNorm(3, momentum=0.3), torch.nn.SyncBatchNorm(3, momentum=0.3)
    with torch.no_grad():
        theirs.weight.copy_(torch.tensor(rng.normal(size=3).astype(np.float32)))
    mine.load_state_dict({k: mg.tensor(v.numpy()) for k, v in theirs.state_dict().items()})
    xm, xt = mg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ym, yt = mine(xm), theirs(xt)
    (ym * mg.tensor(g)).sum().backward()
    (yt * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(ym.numpy(), yt.detach().numpy(), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(xm.grad.numpy(), xt.grad.numpy(), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(mine.weight.grad.numpy(), theirs.weight.grad.numpy(), rtol=1e-4, atol=1e-4)
    for name in ("running_mean", "running_var"):
        np.testing.assert_allclose(getattr(mine, name).numpy(), getattr(theirs, name).numpy(), rtol=1e-5)
    assert list(mine.state_dict()) == list(theirs.state_dict())
    assert repr(mine) == repr(theirs)


@pytest.mark.parametrize("shape, words", [((3,), "at least 2D input (got 1D"), ((2, 0, 4), "non-zero"),
                                          ((2, 4, 4), "expected 3 channels")])
def test_bad_inputs_name_the_layer_and_the_shape(shape, words):
    layer = nn.SyncBatchNorm(3)
    before = {k: v.array.copy() for k, v in layer.state_dict().items()}
    with pytest.raises(ShapeError) as info:
        layer(mg.zeros(*shape))
    assert "SyncBatchNorm" in str(info.value) and words in str(info.value)
    assert str(tuple(shape)) in str(info.value)
    for k, v in layer.state_dict().items():  # nothing counted or updated
        np.testing.assert_array_equal(v.array, before[k])


def test_bad_input_is_a_value_error_as_in_pytorch():
    with pytest.raises(ValueError):
        nn.SyncBatchNorm(3)(mg.zeros(3))


def test_convert_sync_batchnorm_swaps_every_batch_norm_and_keeps_its_tensors():
    inner = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4, affine=False))
    model = nn.Sequential(nn.Linear(5, 6), nn.BatchNorm1d(6, momentum=None, eps=1e-3), nn.ReLU(), inner,
                          nn.BatchNorm3d(2, bias=False))
    model[1].eval()
    keys = list(model.state_dict())
    old = [model[1], model[3][1], model[4]]
    linear, conv = model[0], model[3][0]
    converted = nn.SyncBatchNorm.convert_sync_batchnorm(model, process_group="the group")
    assert converted is model and converted[0] is linear and converted[3][0] is conv
    new = [converted[1], converted[3][1], converted[4]]
    for before, after in zip(old, new):
        assert type(after) is nn.SyncBatchNorm and after.process_group == "the group"
        for name in ("num_features", "eps", "momentum", "affine", "track_running_stats", "training"):
            assert getattr(after, name) == getattr(before, name), name
        for name in ("weight", "bias", "running_mean", "running_var", "num_batches_tracked"):
            assert getattr(after, name) is getattr(before, name), name  # the very tensors
    assert new[0].training is False and new[1].training is True
    assert new[1].weight is None and new[2].bias is None and new[2].weight is not None
    assert list(converted.state_dict()) == keys
    single = nn.BatchNorm2d(4)
    swapped = nn.SyncBatchNorm.convert_sync_batchnorm(single)
    assert type(swapped) is nn.SyncBatchNorm and swapped.weight is single.weight


def test_convert_sync_batchnorm_keys_match_torch():
    torch = pytest.importorskip("torch")
    ours = nn.SyncBatchNorm.convert_sync_batchnorm(nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3)))
    theirs = torch.nn.SyncBatchNorm.convert_sync_batchnorm(
        torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.BatchNorm1d(3)))
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert repr(ours) == repr(theirs)


@pytest.mark.parametrize("sizes", [(3, 5), (0, 4, 1), (2,)])
def test_joined_statistics_are_the_whole_batch_mean_and_variance(sizes):
    """global_stats with the all-gather played in this process: each part's (n, sum, spread)
    combined give the mean and biased variance of the joined batch, a part without rows included."""
    from minigrad.ops import sync_batch_norm as S

    rng = np.random.default_rng(2)
    whole = rng.normal(5.0, 3.0, size=(sum(sizes), 4, 3))
    starts = np.cumsum((0,) + sizes)
    parts = [S._local_parts(whole[a:b], (0, 2)) for a, b in zip(starts[:-1], starts[1:])]

    class Played(S.OneRank):  # this process plays rank 0 of len(sizes)
        def gather(self, local):
            assert np.array_equal(local, parts[0])
            return np.concatenate(parts)

    mu, var, n = S.global_stats(whole[:sizes[0]], (0, 2), Played())
    assert n == whole.size // 4
    np.testing.assert_allclose(mu, whole.mean(axis=(0, 2)), rtol=1e-13)
    np.testing.assert_allclose(var, whole.var(axis=(0, 2)), rtol=1e-12)


@pytest.mark.gpu
def test_cuda_matches_cpu():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(4, 3, 5)).astype(np.float32)
    layers = [nn.SyncBatchNorm(3), nn.SyncBatchNorm(3).to("cuda")]
    outs = []
    for layer, device in zip(layers, ("cpu", "cuda")):
        xt = mg.tensor(x, device=device, requires_grad=True)
        y = layer(xt)
        (y * y).sum().backward()
        outs.append((y.cpu().numpy(), xt.grad.cpu().numpy(), layer.running_var.cpu().numpy()))
    from minigrad.ops.sync_batch_norm import _local_parts

    parts = _local_parts(mg.tensor(x, device="cuda").array, (0, 2))
    np.testing.assert_allclose(mg.tensor(parts).cpu().numpy(), _local_parts(x, (0, 2)), rtol=1e-6)
    for cpu, gpu in zip(*outs):
        np.testing.assert_allclose(gpu, cpu, rtol=1e-5, atol=1e-5)
