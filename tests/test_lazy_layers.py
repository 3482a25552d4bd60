"""Lazy conv and batch-norm layers (minigrad/nn/lazy.py): the first input gives the shapes,
the Parameter objects stay the same, the module becomes the plain layer, and with the same
weights it computes what torch's lazy layers compute."""

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.errors import ArgumentError, ShapeError

CONVS = [("LazyConv1d", (2, 3, 9), {}), ("LazyConv2d", (2, 3, 7, 6), {"padding": 1}),
         ("LazyConv3d", (1, 2, 5, 4, 4), {}), ("LazyConv2d", (4, 8, 8), {"groups": 2}),  # unbatched
         ("LazyConvTranspose1d", (2, 3, 5), {"stride": 2}), ("LazyConvTranspose2d", (2, 4, 4, 5), {"output_padding": 1, "stride": 2}),
         ("LazyConvTranspose3d", (1, 2, 3, 3, 3), {})]


@pytest.mark.parametrize("name, shape, kw", CONVS)
def test_lazy_conv_takes_its_shape_from_the_first_input(name, shape, kw):
    layer = getattr(nn, name)(6, 3, **kw)
    weight, bias = layer.weight, layer.bias
    opt = mg.optim.SGD(layer.parameters(), lr=0.1)  # built before the shapes are known
    x = mg.randn(*shape)
    y = layer(x)
    plain = getattr(nn, name[4:])
    assert type(layer) is plain and layer.weight is weight and layer.bias is bias
    c = shape[1] if len(shape) == len(layer.kernel_size) + 2 else shape[0]
    assert layer.in_channels == c
    expect = (c, 6 // layer.groups) if layer.transposed else (6, c // layer.groups)
    assert tuple(layer.weight.shape) == expect + layer.kernel_size
    fan_in = layer.weight.shape[1] * int(np.prod(layer.kernel_size))
    assert np.abs(layer.weight.detach().numpy()).max() <= 1 / np.sqrt(fan_in)  # PyTorch's default init bound
    assert np.abs(layer.weight.detach().numpy()).max() > 0
    y.sum().backward()
    before = weight.detach().numpy().copy()
    opt.step()
    assert not np.allclose(weight.detach().numpy(), before)
    np.testing.assert_array_equal(layer(x).numpy(), plain.forward(layer, x).numpy())


@pytest.mark.parametrize("name, shape", [("LazyBatchNorm1d", (4, 5)), ("LazyBatchNorm1d", (4, 5, 3)),
                                         ("LazyBatchNorm2d", (2, 3, 4, 4)), ("LazyBatchNorm3d", (2, 3, 2, 2, 2))])
def test_lazy_batch_norm(name, shape):
    layer = getattr(nn, name)(momentum=0.5)
    x = mg.randn(*shape)
    y = layer(x)
    assert type(layer) is getattr(nn, name[4:]) and layer.num_features == shape[1]
    for t in (layer.weight, layer.bias, layer.running_mean, layer.running_var):
        assert tuple(t.shape) == (shape[1],)
    axes = (0,) + tuple(range(2, len(shape)))
    np.testing.assert_allclose(layer.running_mean.numpy(), 0.5 * x.numpy().mean(axis=axes), rtol=1e-5, atol=1e-6)
    assert list(layer.state_dict()) == ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]
    np.testing.assert_allclose(y.numpy().mean(axis=axes), 0, atol=1e-5)


def test_bad_inputs_leave_the_layer_lazy():
    conv = nn.LazyConv2d(4, 3, groups=2)
    with pytest.raises(ArgumentError, match="LazyConv2d: the input's 3 channels must be divisible by groups"):
        conv(mg.randn(1, 3, 5, 5))
    with pytest.raises(ShapeError, match="LazyConv2d: expected a 3 or 4-D input"):
        conv(mg.randn(5, 5))
    with pytest.raises(ShapeError, match="LazyBatchNorm2d: expected a 4-D input"):
        nn.LazyBatchNorm2d()(mg.randn(3, 4))
    assert type(conv) is nn.LazyConv2d and tuple(conv.weight.shape) == (4, 0, 3, 3)
    assert tuple(conv(mg.randn(1, 4, 5, 5)).shape) == (1, 4, 3, 3)


def test_matches_torch_lazy_layers():
    torch = pytest.importorskip("torch")
    for name, shape, kw in CONVS + [("LazyBatchNorm2d", (2, 3, 4, 4), None)]:
        x = np.random.default_rng(0).normal(size=shape).astype(np.float32)
        ours, theirs = (getattr(nn, name)(6, 3, **kw) if kw is not None else nn.LazyBatchNorm2d(),
                        getattr(torch.nn, name)(6, 3, **kw) if kw is not None else torch.nn.LazyBatchNorm2d())
        ours(mg.tensor(x)), theirs(torch.tensor(x))
        assert type(ours).__name__ == type(theirs).__name__
        state = theirs.state_dict()
        assert list(ours.state_dict()) == list(state)
        assert all(tuple(ours.state_dict()[k].shape) == tuple(v.shape) for k, v in state.items())
        ours.load_state_dict({k: mg.tensor(v.numpy()) for k, v in state.items()})
        np.testing.assert_allclose(ours(mg.tensor(x)).detach().numpy(), theirs(torch.tensor(x)).detach().numpy(),
                                   rtol=1e-4, atol=1e-5)
