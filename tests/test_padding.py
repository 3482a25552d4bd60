"""F.pad in every mode with positive and negative widths, and the padding layers, against torch."""

import itertools

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.nn import functional as F

PADS = {1: [(1, 2), (-1, 2), (2, -1), (3, -2), (-2, -1), (0, -4), (2, -2), (3, -1), (-1, 3)],
        2: [(1, 0, 2, 1), (-1, 2, 1, -1), (2, -1, -2, 0)],
        3: [(1, 1, 1, 1, 1, 1), (-1, 1, 0, 2, 1, -1)]}
CASES = [(n, p) for n, pads in PADS.items() for p in pads]


def _wraps_past_what_is_left(shape, padding):
    for i in range(len(padding) // 2):
        before, after = padding[2 * i], padding[2 * i + 1]
        left = shape[-1 - i] + min(before, 0) + min(after, 0)
        if max(before, after) > left:
            return True
    return False


@pytest.mark.parametrize("mode", ["constant", "reflect", "replicate", "circular"])
@pytest.mark.parametrize("spatial,padding", CASES)
def test_pad_matches_torch(torch, mode, spatial, padding):
    shape = (2, 3, 4, 5, 6)[:spatial + 2]
    x = np.random.default_rng(0).normal(size=shape)
    xm, xt = mg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    if mode == "circular" and _wraps_past_what_is_left(shape, padding):
        # PyTorch returns uninitialised memory here (or refuses, depending on the input); minigrad refuses
        with pytest.raises(RuntimeError):
            F.pad(xm, padding, mode=mode)
        return
    try:
        yt = torch.nn.functional.pad(xt, padding, mode=mode)
    except RuntimeError:  # e.g. wrapping around more than is left after cropping
        with pytest.raises(RuntimeError):
            F.pad(xm, padding, mode=mode)
        return
    y = F.pad(xm, padding, mode=mode)
    np.testing.assert_array_equal(y.numpy(), yt.detach().numpy())
    g = np.random.default_rng(1).normal(size=y.shape)
    y.backward(mg.tensor(g))
    yt.backward(torch.tensor(g))
    np.testing.assert_allclose(xm.grad.numpy(), xt.grad.numpy(), atol=1e-12)


def test_unknown_mode_is_not_implemented():
    with pytest.raises(NotImplementedError):
        F.pad(mg.tensor(np.zeros((1, 1, 3))), (1, 1), mode="wrap")


def test_cropping_too_much_is_an_error():
    for mode in ("constant", "reflect", "replicate", "circular"):
        with pytest.raises(RuntimeError):
            F.pad(mg.tensor(np.zeros((1, 1, 3))), (-2, -2), mode=mode)


LAYERS = [(f"{kind}Pad{n}d", n) for kind, n in itertools.product(
    ["Zero", "Constant", "Reflection", "Replication", "Circular"], (1, 2, 3))]


@pytest.mark.parametrize("name,spatial", LAYERS)
def test_layers_match_torch(torch, name, spatial):
    extra = (2.5,) if name.startswith("Constant") else ()
    shape = (2, 3, 4, 5, 6)[:spatial + 2]
    x = np.random.default_rng(2).normal(size=shape)
    for padding in (1, tuple([2, -1, 1, 0, 0, 1][:2 * spatial])):
        m, t = getattr(nn, name)(padding, *extra), getattr(torch.nn, name)(padding, *extra)
        assert repr(m) == repr(t)
        np.testing.assert_array_equal(m(mg.tensor(x)).numpy(), t(torch.tensor(x)).numpy())
        np.testing.assert_array_equal(m(mg.tensor(x[0])).numpy(), t(torch.tensor(x[0])).numpy())  # unbatched
    with pytest.raises(ValueError):
        getattr(nn, name)((1,) * (2 * spatial + 1), *extra)
