"""ParameterList and ParameterDict: registration, state_dict keys like torch's, list/dict behaviour."""

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn as nn
from minigrad.errors import DTypeError


def Holder(lib, tensor):
    """The same module built with minigrad.nn or torch.nn."""
    m = lib.Module()
    m.scales = lib.ParameterList([lib.Parameter(tensor(np.ones(2))), tensor(np.zeros(3))])
    m.table = lib.ParameterDict({"w": lib.Parameter(tensor(np.ones((2, 2)))), "b": tensor(np.zeros(2))})
    return m


def test_state_dict_keys_and_shapes_like_torch(torch):
    ours = Holder(nn, mg.tensor)
    theirs = Holder(torch.nn, torch.tensor)
    assert [(k, tuple(v.shape)) for k, v in ours.state_dict().items()] == \
           [(k, tuple(v.shape)) for k, v in theirs.state_dict().items()]
    assert len(list(ours.parameters())) == 4
    ours.load_state_dict({k: mg.tensor(v.numpy() + 1) for k, v in theirs.state_dict().items()})
    np.testing.assert_array_equal(ours.table["b"].numpy(), np.ones(2))


def test_parameter_list_behaves_like_a_list():
    t = mg.randn(3)
    ps = nn.ParameterList([t])
    assert isinstance(ps[0], nn.Parameter) and ps[0].requires_grad
    with mg.no_grad():
        ps[0].mul_(0.0)
    assert not t.numpy().any()  # the Parameter shares the tensor's memory
    ps.append(mg.ones(2))
    ps += [mg.zeros(1)]
    assert len(ps) == 3 and [p.shape for p in ps] == [(3,), (2,), (1,)]
    assert ps[-1].shape == (1,) and isinstance(ps[1:], nn.ParameterList) and len(ps[1:]) == 2
    ps[1] = mg.full((4,), 2.0)
    assert ps[1].shape == (4,)
    with pytest.raises(IndexError, match="out of range for 3 parameters"):
        ps[3]
    with pytest.raises(DTypeError, match="Parameters or Tensors"):
        ps.append("not a tensor")
    with pytest.raises(NotImplementedError):
        ps()
    assert "(1): Parameter containing: [float32 of size 4]" in repr(ps)


def test_parameter_dict_behaves_like_a_dict():
    pd = nn.ParameterDict({"a": mg.ones(2)})
    pd["b"] = nn.Parameter(mg.zeros(3))
    assert list(pd) == ["a", "b"] and "a" in pd and len(pd) == 2
    assert list(pd.keys()) == ["a", "b"] and [v.shape for v in pd.values()] == [(2,), (3,)]
    assert pd.get("c") is None
    c = pd.setdefault("c", mg.ones(1))
    assert pd["c"] is c and isinstance(c, nn.Parameter)
    copy = pd.copy()
    assert copy["a"] is pd["a"]
    assert pd.pop("a").shape == (2,) and "a" not in pd
    del pd["b"]
    assert list(pd) == ["c"]
    pd.update([("z", mg.ones(5)), ("y", mg.ones(1))])  # pairs keep their order
    assert list(pd) == ["c", "z", "y"]
    assert list(nn.ParameterDict({"b": mg.ones(1), "a": mg.ones(1)})) == ["a", "b"]  # a dict: sorted, as torch
    pd.clear()
    assert len(pd) == 0
    with pytest.raises(DTypeError):
        pd["x"] = 3.0


def test_parameters_train():
    """An optimizer sees and updates the parameters inside the containers."""
    from minigrad.optim import SGD

    m = Holder(nn, mg.tensor)
    opt = SGD(m.parameters(), lr=0.5)
    loss = sum((p * p).sum() for p in m.parameters()) + m.table["b"].sum()
    loss.backward()
    opt.step()
    np.testing.assert_allclose(m.scales[0].numpy(), np.zeros(2))  # 1 - 0.5 * 2
    np.testing.assert_allclose(m.table["b"].numpy(), -0.5 * np.ones(2))
