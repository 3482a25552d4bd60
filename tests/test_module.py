"""Module, containers, state dicts and initialisation (minigrad.nn.module, containers, init)."""

import math
from collections import OrderedDict

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.nn import init


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 4)
        self.register_buffer("count", mg.zeros(2))
        self.register_buffer("scratch", mg.zeros(1), persistent=False)
        self.scale = nn.Parameter(mg.ones(1))

    def forward(self, x):
        return self.fc(x) * self.scale


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.block = Block()
        self.head = nn.Sequential(nn.ReLU(), nn.Linear(4, 2))

    def forward(self, x):
        return self.head(self.block(x))


# ---- registration and traversal ---------------------------------------------------------------------
def test_registration_order_is_iteration_order():
    net = Net()
    assert [n for n, _ in net.named_parameters()] == ["block.scale", "block.fc.weight", "block.fc.bias",
                                                     "head.1.weight", "head.1.bias"]
    assert [n for n, _ in net.named_buffers()] == ["block.count", "block.scratch"]
    assert [n for n, _ in net.named_modules()] == ["", "block", "block.fc", "head", "head.0", "head.1"]
    assert [n for n, _ in net.named_children()] == ["block", "head"]
    assert len(list(net.parameters())) == 5
    assert [n for n, _ in net.block.named_parameters(recurse=False)] == ["scale"]
    assert [n for n, _ in net.named_parameters(prefix="model")][0] == "model.block.scale"


def test_state_dict_keys_and_persistence():
    net = Net()
    keys = list(net.state_dict())
    # parameters then buffers of each module, modules in registration order (PyTorch's order)
    assert keys == ["block.scale", "block.count", "block.fc.weight", "block.fc.bias", "head.1.weight", "head.1.bias"]
    assert "block.scratch" not in keys  # persistent=False
    sd = net.state_dict()
    assert sd["block.fc.weight"].array is net.block.fc.weight.array  # shares memory, like PyTorch
    assert not sd["block.fc.weight"].requires_grad
    assert net.state_dict(keep_vars=True)["block.fc.weight"] is net.block.fc.weight


def test_setattr_getattr_delattr():
    m = nn.Module()
    m.w = nn.Parameter(mg.ones(2))
    m.sub = nn.Linear(1, 1)
    m.plain = 3
    assert "w" in m._parameters and "sub" in m._modules and m.plain == 3
    with pytest.raises(TypeError):
        m.w = mg.ones(2)  # a plain tensor cannot replace a parameter
    m.w = None
    assert m.w is None and list(m.parameters()) == list(m.sub.parameters())
    m.sub = nn.Linear(2, 2)  # replacing a module keeps one entry
    assert list(m._modules) == ["sub"]
    del m.sub
    with pytest.raises(AttributeError):
        m.sub
    with pytest.raises(AttributeError, match="nope"):
        m.nope
    # a name moves from one registry to another instead of living in two
    m.x = nn.Linear(1, 1)
    m.x = nn.Parameter(mg.ones(1))
    assert "x" not in m._modules and "x" in m._parameters


def test_errors_on_bad_registration():
    class Forgot(nn.Module):
        def __init__(self):
            self.w = nn.Parameter(mg.ones(1))

    with pytest.raises(AttributeError, match="super"):
        Forgot()
    m = nn.Module()
    with pytest.raises(KeyError):
        m.register_buffer("a.b", mg.ones(1))
    with pytest.raises(TypeError):
        m.register_parameter("p", mg.ones(1))
    with pytest.raises(TypeError):
        m.add_module("m", 3)
    with pytest.raises(NotImplementedError):
        m(mg.ones(1))


def test_shared_parameters_are_counted_once():
    lin = nn.Linear(2, 2)
    seq = nn.Sequential(lin, nn.ReLU(), lin)
    assert len(list(seq.parameters())) == 2
    assert len(list(seq.modules())) == 3  # Sequential, the Linear once, the ReLU
    assert list(seq.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]


def test_train_eval_apply_requires_grad():
    net = Net()
    assert net.training and net.head[1].training
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())
    seen = []
    net.apply(lambda m: seen.append(type(m).__name__))
    assert seen == ["Linear", "Block", "ReLU", "Linear", "Sequential", "Net"]  # children first
    net.requires_grad_(False)
    assert not any(p.requires_grad for p in net.parameters())
    net.requires_grad_()
    assert all(p.requires_grad for p in net.parameters())


def test_zero_grad():
    net = Net()
    net(mg.randn(5, 3)).sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad(set_to_none=False)
    assert all(p.grad is not None and not p.grad.numpy().any() for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())


def test_to_dtype_in_place_keeps_parameter_objects():
    net = Net()
    net.block.register_buffer("steps", mg.zeros(1, dtype=mg.int64))
    params = list(net.parameters())
    assert net.double() is net
    assert all(a is b for a, b in zip(params, net.parameters()))  # an optimizer's references stay valid
    assert all(p.dtype == np.float64 for p in net.parameters())
    assert net.block.count.dtype == np.float64
    assert net.block.steps.dtype == np.int64  # integer buffers keep their dtype
    out = net(mg.randn(2, 3, dtype=mg.float64))
    assert out.dtype == np.float64
    net.to(mg.float32)
    assert all(p.dtype == np.float32 for p in net.parameters())
    assert net.to("cpu") is net and net.cpu() is net
    with pytest.raises(TypeError):
        net.to(mg.int64)


def test_forward_hooks():
    lin = nn.Linear(2, 2)
    seen = []
    handle = lin.register_forward_hook(lambda m, args, out: seen.append(out.shape))
    pre = lin.register_forward_pre_hook(lambda m, args: (args[0] * 0,))
    out = lin(mg.ones(3, 2))
    np.testing.assert_allclose(out.numpy(), np.broadcast_to(lin.bias.numpy(), (3, 2)))
    assert seen == [(3, 2)]
    handle.remove()
    pre.remove()
    lin(mg.ones(1, 2))
    assert seen == [(3, 2)]


def test_get_submodule():
    net = Net()
    assert net.get_submodule("head.1") is net.head[1]
    assert net.get_submodule("") is net
    with pytest.raises(AttributeError, match="nothere"):
        net.get_submodule("head.nothere")


# ---- repr ------------------------------------------------------------------------------------------
def test_repr_matches_pytorch(torch):
    ours = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Sequential(nn.Linear(4, 2, bias=False), nn.Tanh()),
                         nn.LayerNorm(2), nn.BatchNorm1d(2), nn.Dropout(0.25), nn.Embedding(10, 3, padding_idx=0),
                         nn.Flatten(), nn.LeakyReLU(0.2), nn.Softmax(dim=1), nn.Identity())
    tn = torch.nn
    theirs = tn.Sequential(tn.Linear(3, 4), tn.ReLU(), tn.Sequential(tn.Linear(4, 2, bias=False), tn.Tanh()),
                           tn.LayerNorm(2), tn.BatchNorm1d(2), tn.Dropout(0.25), tn.Embedding(10, 3, padding_idx=0),
                           tn.Flatten(), tn.LeakyReLU(0.2), tn.Softmax(dim=1), tn.Identity())
    assert repr(ours) == repr(theirs)
    assert repr(nn.ModuleDict({"a": nn.ReLU()})) == repr(tn.ModuleDict({"a": tn.ReLU()}))
    assert repr(nn.CrossEntropyLoss()) == repr(tn.CrossEntropyLoss())


# ---- containers ------------------------------------------------------------------------------------
def test_sequential():
    a, b, c = nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)
    seq = nn.Sequential(a, b, c)
    assert len(seq) == 3 and seq[0] is a and seq[-1] is c and list(seq) == [a, b, c]
    sub = seq[1:]
    assert isinstance(sub, nn.Sequential) and list(sub) == [b, c]
    x = mg.randn(4, 2)
    np.testing.assert_array_equal(seq(x).numpy(), c(b(a(x))).numpy())
    seq.append(nn.Sigmoid())
    assert len(seq) == 4 and list(seq._modules) == ["0", "1", "2", "3"]
    del seq[1]
    assert list(seq._modules) == ["0", "1", "2"] and seq[1] is c
    seq[0] = nn.Identity()
    assert isinstance(seq[0], nn.Identity)
    with pytest.raises(IndexError):
        seq[5]
    named = nn.Sequential(OrderedDict([("fc", a), ("act", b)]))
    assert named.fc is a and list(named.state_dict()) == ["fc.weight", "fc.bias"]


def test_module_list_and_dict():
    layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
    layers.append(nn.Linear(2, 1))
    assert len(layers) == 4 and isinstance(layers[-1], nn.Linear)
    assert [n for n, _ in layers.named_parameters()][:2] == ["0.weight", "0.bias"]
    assert len(layers[1:3]) == 2
    layers.insert(0, nn.ReLU())
    assert isinstance(layers[0], nn.ReLU) and list(layers._modules) == [str(i) for i in range(5)]
    del layers[0]
    assert len(layers) == 4 and isinstance(layers[0], nn.Linear)

    d = nn.ModuleDict({"enc": nn.Linear(2, 3), "dec": nn.Linear(3, 2)})
    d["act"] = nn.ReLU()
    assert list(d.keys()) == ["enc", "dec", "act"] and "enc" in d and len(d) == 3
    assert [k for k, _ in d.named_parameters()] == ["enc.weight", "enc.bias", "dec.weight", "dec.bias"]
    assert isinstance(d.pop("act"), nn.ReLU) and len(d) == 2

    class Holder(nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 2)])

    assert list(Holder().state_dict()) == ["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias"]


# ---- load_state_dict ---------------------------------------------------------------------------------
def _snapshot(module):
    return {k: v.numpy().copy() for k, v in module.state_dict().items()}


def test_state_dict_round_trip_gives_identical_outputs():
    mg.manual_seed(0)
    a, b = Net(), Net()
    x = mg.randn(4, 3)
    assert not np.array_equal(a(x).numpy(), b(x).numpy())
    result = b.load_state_dict(a.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == []
    np.testing.assert_array_equal(a(x).numpy(), b(x).numpy())
    # a copy, not shared memory
    a.block.fc.weight.array[...] = 0
    assert b.block.fc.weight.numpy().any()


def test_load_state_dict_reports_every_problem_and_changes_nothing():
    net = Net()
    before = _snapshot(net)
    sd = {k: v.numpy() + 1 for k, v in net.state_dict().items()}
    del sd["block.fc.bias"]
    sd["block.extra"] = np.zeros(2)
    sd["head.1.weight"] = np.zeros((3, 3))
    with pytest.raises(RuntimeError) as info:
        net.load_state_dict(sd)
    msg = str(info.value)
    assert "block.fc.bias" in msg and "Missing" in msg
    assert "block.extra" in msg and "Unexpected" in msg
    assert "head.1.weight" in msg and "(3, 3)" in msg and "(2, 4)" in msg
    after = _snapshot(net)
    assert all(np.array_equal(before[k], after[k]) for k in before)  # nothing was written


def test_load_state_dict_non_strict_and_shape_errors_always():
    net = Net()
    sd = {k: v.numpy() + 1 for k, v in net.state_dict().items()}
    del sd["block.fc.bias"]
    sd["block.extra"] = np.zeros(2)
    result = net.load_state_dict(sd, strict=False)
    assert result.missing_keys == ["block.fc.bias"] and result.unexpected_keys == ["block.extra"]
    np.testing.assert_array_equal(net.block.fc.weight.numpy(), sd["block.fc.weight"])
    sd["block.scale"] = np.zeros(5)
    before = _snapshot(net)
    with pytest.raises(RuntimeError, match="size mismatch for block.scale"):
        net.load_state_dict(sd, strict=False)
    assert all(np.array_equal(before[k], v) for k, v in _snapshot(net).items())


def test_load_state_dict_dtypes():
    bn = nn.BatchNorm1d(3)
    sd = {k: v.numpy() for k, v in bn.state_dict().items()}
    sd["weight"] = sd["weight"].astype(np.float64) * 2  # float64 into float32: cast, as in PyTorch
    bn.load_state_dict(sd)
    assert bn.weight.dtype == np.float32 and np.allclose(bn.weight.numpy(), 2)
    sd["num_batches_tracked"] = np.array(1.5)  # a float into an integer buffer would lose data
    with pytest.raises(RuntimeError, match="dtype mismatch for num_batches_tracked"):
        bn.load_state_dict(sd)
    sd["num_batches_tracked"] = np.array(["x"])
    with pytest.raises(RuntimeError, match="num_batches_tracked"):
        bn.load_state_dict(sd)


def test_load_state_dict_bumps_version_of_saved_tensors():
    lin = nn.Linear(2, 2)
    y = (lin(mg.ones(1, 2, requires_grad=True)) * lin.weight.sum()).sum()
    lin.load_state_dict({k: v.numpy() * 0 for k, v in lin.state_dict().items()})
    with pytest.raises(RuntimeError, match="modified in place"):
        y.backward()


def test_load_pytorch_state_dict(torch):
    torch.manual_seed(0)
    tn = torch.nn
    theirs = tn.Sequential(tn.Linear(3, 5), tn.BatchNorm1d(5), tn.Tanh(), tn.LayerNorm(5), tn.Linear(5, 2)).double()
    theirs.train()
    theirs(torch.randn(8, 3, dtype=torch.float64))  # move the running statistics
    theirs.eval()
    ours = nn.Sequential(nn.Linear(3, 5), nn.BatchNorm1d(5), nn.Tanh(), nn.LayerNorm(5), nn.Linear(5, 2)).double()
    assert list(ours.state_dict()) == list(theirs.state_dict())
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    ours.eval()
    x = np.random.default_rng(0).standard_normal((4, 3))
    want = theirs(torch.from_numpy(x)).detach().numpy()
    np.testing.assert_allclose(ours(mg.tensor(x)).numpy(), want, rtol=1e-12, atol=1e-12)
    assert int(ours[1].num_batches_tracked.item()) == 1


# ---- init --------------------------------------------------------------------------------------------
def test_calculate_gain_and_fans_match_pytorch(torch):
    for name, param in [("linear", None), ("conv2d", None), ("sigmoid", None), ("tanh", None), ("relu", None),
                        ("leaky_relu", None), ("leaky_relu", 0.2), ("selu", None)]:
        assert init.calculate_gain(name, param) == pytest.approx(torch.nn.init.calculate_gain(name, param))
    with pytest.raises(ValueError):
        init.calculate_gain("swish")
    for shape in [(4, 3), (8, 3, 5, 5), (2, 6, 7)]:
        assert init._calculate_fan_in_and_fan_out(mg.zeros(shape)) == \
            torch.nn.init._calculate_fan_in_and_fan_out(torch.zeros(shape))
    with pytest.raises(ValueError, match="fewer than 2"):
        init._calculate_fan_in_and_fan_out(mg.zeros(3))


def test_init_statistics():
    mg.manual_seed(0)
    w = mg.zeros(400, 300)
    fan_in, fan_out = 300, 400
    init.uniform_(w, -2.0, 3.0)
    assert w.numpy().min() >= -2.0 and w.numpy().max() < 3.0 and abs(w.numpy().mean() - 0.5) < 0.02
    init.normal_(w, 1.0, 2.0)
    assert abs(w.numpy().mean() - 1.0) < 0.02 and abs(w.numpy().std() - 2.0) < 0.02
    init.constant_(w, 0.3)
    assert np.all(w.numpy() == np.float32(0.3))
    init.zeros_(w)
    assert not w.numpy().any()
    init.ones_(w)
    assert np.all(w.numpy() == 1)
    b = math.sqrt(6 / (fan_in + fan_out))
    init.xavier_uniform_(w)
    assert np.abs(w.numpy()).max() <= b and np.abs(w.numpy()).max() > 0.99 * b
    init.xavier_normal_(w, gain=2.0)
    assert abs(w.numpy().std() - 2.0 * math.sqrt(2 / (fan_in + fan_out))) < 0.002
    init.kaiming_uniform_(w, nonlinearity="relu")
    b = math.sqrt(2) * math.sqrt(3 / fan_in)
    assert np.abs(w.numpy()).max() <= b and np.abs(w.numpy()).max() > 0.99 * b
    init.kaiming_normal_(w, mode="fan_out", nonlinearity="relu")
    assert abs(w.numpy().std() - math.sqrt(2 / fan_out)) < 0.002
    assert w.dtype == np.float32
    with pytest.raises(ValueError):
        init.kaiming_uniform_(w, mode="fan_middle")


def test_init_is_in_place_without_graph_and_seeded():
    p = nn.Parameter(mg.zeros(3, 4))
    out = init.normal_(p)
    assert out is p and p.requires_grad and p.grad_fn is None
    mg.manual_seed(5)
    a = nn.Linear(4, 3)
    mg.manual_seed(5)
    b = nn.Linear(4, 3)
    np.testing.assert_array_equal(a.weight.numpy(), b.weight.numpy())
    np.testing.assert_array_equal(a.bias.numpy(), b.bias.numpy())
    d = init.uniform_(mg.zeros(10, dtype=mg.float64))
    assert d.dtype == np.float64


def test_linear_default_init_like_pytorch():
    """weight and bias ~ U(-1/sqrt(in), 1/sqrt(in)) (kaiming_uniform_ with a = sqrt(5))."""
    mg.manual_seed(0)
    lin = nn.Linear(200, 300)
    bound = 1 / math.sqrt(200)
    for p, n in ((lin.weight, 200 * 300), (lin.bias, 300)):
        v = p.numpy()
        assert v.dtype == np.float32
        assert np.abs(v).max() <= bound and np.abs(v).max() > 0.95 * bound
        assert abs(v.mean()) < 4 * bound / math.sqrt(3 * n)  # mean of U(-b, b): 0 +- 4 standard errors
    assert abs(lin.weight.numpy().std() - bound / math.sqrt(3)) < 0.01 * bound
    assert lin.weight.shape == (300, 200) and lin.bias.shape == (300,)
