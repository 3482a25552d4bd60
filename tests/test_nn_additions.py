"""torch.nn names added together: RNNBase / RNNCellBase, Buffer, UninitializedParameter /
UninitializedBuffer and the lazy instance norms, AdaptiveLogSoftmaxWithLoss, NLLLoss2d,
Container, CrossMapLRN2d and F.*_with_indices. Each checked against torch itself: the same
weights in both, then outputs, gradients (float64), state_dict keys and shapes, reprs,
isinstance relations and error types."""

import copy
import inspect
import pickle
import warnings

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F
from minigrad import nn
from minigrad.errors import (ArgumentError, DTypeRuntimeError, IndexRuntimeError, MinigradError, ShapeError)
from minigrad.testing import gradcheck


def _load_from_torch(ours, theirs):
    """Copy torch's parameters and buffers into ours (the keys must agree)."""
    state = theirs.state_dict()
    assert list(ours.state_dict()) == list(state)
    ours.load_state_dict({k: mg.tensor(v.detach().numpy()) for k, v in state.items()})


def _same_state_shapes(ours, theirs):
    state = theirs.state_dict()
    assert list(ours.state_dict()) == list(state)
    assert [tuple(v.shape) for v in ours.state_dict().values()] == [tuple(v.shape) for v in state.values()]


# ---- RNNBase, RNNCellBase ---------------------------------------------------------------------------
@pytest.mark.torch
def test_recurrent_layers_and_cells_derive_from_the_bases_as_in_torch(torch):
    for name in ("RNN", "LSTM", "GRU"):
        assert issubclass(getattr(nn, name), nn.RNNBase) and issubclass(getattr(torch.nn, name), torch.nn.RNNBase)
        assert not issubclass(getattr(nn, name), nn.RNNCellBase)
    for name in ("RNNCell", "LSTMCell", "GRUCell"):
        assert issubclass(getattr(nn, name), nn.RNNCellBase)
        assert issubclass(getattr(torch.nn, name), torch.nn.RNNCellBase)
    assert nn.rnn.RNNBase is nn.RNNBase and nn.modules.rnn.RNNCellBase is nn.RNNCellBase
    ours, theirs = inspect.signature(nn.RNNBase), inspect.signature(torch.nn.RNNBase)
    assert [(p.name, p.default) for p in ours.parameters.values()] == \
        [(p.name, p.default) for p in theirs.parameters.values()]
    cell_args = [list(inspect.signature(c).parameters) for c in (nn.RNNCellBase, torch.nn.RNNCellBase)]
    assert cell_args[0] == cell_args[1]


def test_an_init_loop_finds_every_recurrent_layer():
    model = nn.Sequential(nn.LSTM(3, 4), nn.Linear(4, 4), nn.GRU(4, 2, num_layers=2))
    for m in model.modules():
        if isinstance(m, nn.RNNBase):
            for name, p in m.named_parameters():
                nn.init.zeros_(p) if name.startswith("bias") else nn.init.ones_(p)
    assert all(float(p.sum()) == 0 for n, p in model.named_parameters() if "bias" in n and n[0] != "1")
    assert float(model[1].bias.abs().sum()) > 0  # the Linear was left alone


MODES = [("RNN_TANH", {}), ("RNN_RELU", {"bias": False}), ("GRU", {"num_layers": 2, "bidirectional": True}),
         ("LSTM", {"num_layers": 2}), ("LSTM", {"proj_size": 2, "bidirectional": True, "batch_first": True})]


@pytest.mark.torch
@pytest.mark.parametrize("mode, kw", MODES)
def test_rnnbase_of_a_mode_has_torchs_parameters_names_and_repr(torch, mode, kw):
    ours, theirs = nn.RNNBase(mode, 3, 5, **kw), torch.nn.RNNBase(mode, 3, 5, **kw)
    _same_state_shapes(ours, theirs)
    assert ours._flat_weights_names == theirs._flat_weights_names
    assert ours._all_weights == theirs._all_weights
    assert [[tuple(p.shape) for p in ps] for ps in ours.all_weights] == \
        [[tuple(p.shape) for p in ps] for ps in theirs.all_weights]
    assert all(isinstance(p, nn.Parameter) for ps in ours.all_weights for p in ps)
    assert ours.all_weights[0][0] is ours.weight_ih_l0 and ours._flat_weights[1] is ours.weight_hh_l0
    assert repr(ours) == repr(theirs) and ours.mode == theirs.mode
    assert ours.flatten_parameters() is None


@pytest.mark.torch
def test_rnnbase_lstm_computes_what_torchs_lstm_computes(torch):
    """torch's RNNBase has no forward of its own; minigrad's runs its mode, as nn.LSTM would."""
    theirs = torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True).double()
    ours = nn.RNNBase("LSTM", 3, 4, num_layers=2, bidirectional=True, dtype=mg.float64)
    _load_from_torch(ours, theirs)
    x = np.random.default_rng(0).normal(size=(5, 2, 3))
    xm, xt = mg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    (ym, (hm, cm)), (yt, (ht, ct)) = ours(xm), theirs(xt)
    for a, b in ((ym, yt), (hm, ht), (cm, ct)):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-10, atol=1e-12)
    (ym.sum() + cm.sum()).backward()
    (yt.sum() + ct.sum()).backward()
    np.testing.assert_allclose(xm.grad.numpy(), xt.grad.numpy(), rtol=1e-10, atol=1e-12)
    for (name, p), q in zip(ours.named_parameters(), theirs.parameters()):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-9, atol=1e-12, err_msg=name)


@pytest.mark.torch
def test_rnncellbase_and_reprs_match_torch(torch):
    ours, theirs = nn.RNNCellBase(3, 4, True, 2), torch.nn.RNNCellBase(3, 4, True, 2)
    _same_state_shapes(ours, theirs)
    assert repr(ours) == repr(theirs)
    for kw in ({"nonlinearity": "relu"}, {"nonlinearity": "relu", "bias": False}, {"num_layers": 2, "dropout": 0.5}):
        assert repr(nn.RNN(3, 4, **kw)) == repr(torch.nn.RNN(3, 4, **kw))
    assert repr(nn.RNNCell(3, 4, bias=False, nonlinearity="relu")) == \
        repr(torch.nn.RNNCell(3, 4, bias=False, nonlinearity="relu"))


@pytest.mark.torch
def test_rnnbase_bad_arguments_raise_torchs_types(torch):
    for make in (lambda T: T.nn.RNNBase("LSTMX", 3, 4), lambda T: T.nn.RNNBase("GRU", 3, 0),
                 lambda T: T.nn.RNNBase("LSTM", 3, 4, proj_size=4)):
        with pytest.raises(ValueError):
            make(torch)
        with pytest.raises(ArgumentError):
            make(mg)
    with pytest.raises(ArgumentError, match="only supported for LSTM"):  # torch builds weights no forward uses
        nn.RNNBase("GRU", 3, 4, proj_size=2)
    with pytest.raises(ArgumentError, match="RNNBase: unrecognized RNN mode 'LSTMX'"):
        nn.RNNBase("LSTMX", 3, 4)
    for make in (lambda T: T.nn.LSTM(2.5, 4), lambda T: T.nn.RNNBase("GRU", 3, 4.0)):
        with pytest.raises(TypeError):
            make(torch)
        with pytest.raises(TypeError, match="must be a positive integer"):
            make(mg)


# ---- Buffer -----------------------------------------------------------------------------------------
def _with_buffers(T):
    class Stats(T.nn.Module):
        def __init__(self):
            super().__init__()
            self.running = T.nn.Buffer(T.zeros(3))
            self.scratch = T.nn.Buffer(T.ones(2), persistent=False)
            self.lin = T.nn.Linear(2, 2)

    return Stats()


@pytest.mark.torch
def test_buffer_assignment_registers_a_buffer_as_torch_does(torch):
    ours, theirs = _with_buffers(mg), _with_buffers(torch)
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["running", "lin.weight", "lin.bias"]
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()] == ["running", "scratch"]
    for m, T in ((ours, mg), (theirs, torch)):
        assert isinstance(m.running, T.nn.Buffer) and isinstance(m.running, T.Tensor)
        assert not isinstance(m.running, T.nn.Parameter) and m.running is m._buffers["running"]
        m.running = T.ones(3)  # a plain tensor into a buffer's name: its value, same persistence
        assert "running" in m.state_dict() and not isinstance(m.running, T.nn.Buffer)
        m.scratch = T.zeros(2)
        assert "scratch" not in m.state_dict()
        m.scratch = T.nn.Buffer(T.zeros(2))  # a Buffer brings its own persistence
        assert "scratch" in m.state_dict()
        m.tag = 3
        with pytest.raises(KeyError, match="already exists"):
            m.tag = T.nn.Buffer(T.zeros(1))
        with pytest.raises(TypeError, match="parameter 'weight'"):
            m.lin.weight = T.nn.Buffer(T.zeros(2, 2))
        assert tuple(T.nn.Buffer().shape) == (0,)


def test_buffer_is_a_detached_alias_that_moves_and_copies():
    t = mg.zeros(3, requires_grad=True)
    b = nn.Buffer(t, persistent=False)
    assert b.requires_grad and b.grad_fn is None and b.persistent is False
    with mg.no_grad():
        t.add_(1)
    assert b.numpy().tolist() == [1, 1, 1]  # the same memory
    for c in (copy.deepcopy(b), pickle.loads(pickle.dumps(b))):
        assert isinstance(c, nn.Buffer) and c.persistent is False and c.numpy().tolist() == [1, 1, 1]
    m = _with_buffers(mg).double()
    assert m.running.dtype == mg.float64 and isinstance(m.running, nn.Buffer)
    m.load_state_dict({"running": mg.ones(3), "lin.weight": mg.zeros(2, 2), "lin.bias": mg.zeros(2)})
    assert m.running.numpy().tolist() == [1, 1, 1]
    with pytest.raises(TypeError, match="Buffer: data must be a Tensor"):
        nn.Buffer([1.0, 2.0])


# ---- UninitializedParameter, UninitializedBuffer, lazy instance norms -------------------------------
LAZY = [("LazyLinear", (4,), (2, 3)), ("LazyConv2d", (4, 3), (1, 2, 5, 5)), ("LazyBatchNorm2d", (), (2, 3, 4, 4)),
        ("LazyInstanceNorm1d", (), (2, 3, 5)), ("LazyInstanceNorm2d", (), (2, 3, 4, 4)),
        ("LazyInstanceNorm3d", (), (2, 3, 2, 3, 3))]


@pytest.mark.torch
@pytest.mark.parametrize("name, args, shape", LAZY)
def test_lazy_layers_hold_uninitialized_placeholders_as_torchs(torch, name, args, shape):
    ours, theirs = getattr(nn, name)(*args), getattr(torch.nn, name)(*args)
    kinds = lambda m: {k: type(v).__name__ for k, v in m.state_dict(keep_vars=True).items()}  # noqa: E731
    assert kinds(ours) == kinds(theirs)
    held = dict(ours.state_dict(keep_vars=True))
    for k, v in held.items():
        assert nn.parameter.is_lazy(v) == torch.nn.parameter.is_lazy(theirs.state_dict(keep_vars=True)[k])
    assert isinstance(ours.weight, nn.UninitializedParameter) and isinstance(ours.weight, nn.Parameter)
    x = np.random.default_rng(0).normal(size=shape).astype(np.float32)
    ours(mg.tensor(x)), theirs(torch.tensor(x))
    assert type(ours).__name__ == type(theirs).__name__ == name[4:]
    assert kinds(ours).keys() == kinds(theirs).keys()
    for k, v in ours.state_dict(keep_vars=True).items():
        assert v is held[k] and not nn.parameter.is_lazy(v)  # the same objects, materialized
    assert type(ours.weight) is nn.Parameter
    _same_state_shapes(ours, theirs)


def test_uninitialized_tensors_materialize_in_place():
    u = nn.UninitializedParameter(dtype=mg.float64)
    assert repr(u) == "<UninitializedParameter>" and u.requires_grad and nn.parameter.is_lazy(u)
    same = u
    u.materialize((2, 3))
    assert u is same and type(u) is nn.Parameter and tuple(u.shape) == (2, 3) and u.dtype == mg.float64
    assert not nn.parameter.is_lazy(u) and not nn.parameter.is_lazy(mg.zeros(1))
    b = nn.UninitializedBuffer(persistent=False)
    assert repr(b) == "<UninitializedBuffer>" and not b.requires_grad and isinstance(b, nn.Buffer)
    m = nn.Module()
    m.stats = b  # an UninitializedBuffer is a Buffer: registered, with its persistence
    assert [n for n, _ in m.named_buffers()] == ["stats"] and list(m.state_dict()) == []
    b.materialize((4,), dtype=mg.float64)
    assert type(b) is nn.Buffer and b.dtype == mg.float64 and m.stats is b


def test_lazy_models_copy_pickle_and_load_safely(tmp_path):
    lazy = nn.LazyBatchNorm2d(dtype=mg.float64)
    for twin in (copy.deepcopy(lazy), pickle.loads(pickle.dumps(lazy))):
        assert isinstance(twin.weight, nn.UninitializedParameter) and isinstance(twin.running_var, nn.UninitializedBuffer)
        assert twin.weight.dtype == mg.float64
        twin(mg.randn(2, 3, 2, 2, dtype=mg.float64))
        assert type(twin) is nn.BatchNorm2d and tuple(twin.running_var.shape) == (3,)
    lazy(mg.randn(2, 3, 2, 2, dtype=mg.float64))
    mg.save(lazy, tmp_path / "bn.pt")  # its running statistics are Buffers now: plain data to the safe loader
    with mg.serialization.safe_globals([nn.BatchNorm2d]):
        back = mg.load(tmp_path / "bn.pt")
    np.testing.assert_array_equal(back.running_mean.numpy(), lazy.running_mean.numpy())
    assert list(back.state_dict()) == list(lazy.state_dict())


@pytest.mark.torch
@pytest.mark.parametrize("name, shape", [("LazyInstanceNorm1d", (2, 3, 6)), ("LazyInstanceNorm2d", (2, 3, 4, 5)),
                                         ("LazyInstanceNorm3d", (2, 3, 2, 3, 4))])
@pytest.mark.parametrize("kw", [{}, {"affine": False}, {"track_running_stats": False, "bias": False},
                                {"momentum": 0.3, "eps": 1e-3}])
def test_lazy_instance_norm_matches_torch(torch, name, shape, kw):
    ours, theirs = getattr(nn, name)(**kw), getattr(torch.nn, name)(**kw)
    assert repr(ours) == repr(theirs)  # before: num_features 0
    x = np.random.default_rng(1).normal(size=shape)
    ym, yt = ours(mg.tensor(x, dtype=mg.float32)), theirs(torch.tensor(x, dtype=torch.float32))
    np.testing.assert_allclose(ym.detach().numpy(), yt.detach().numpy(), rtol=1e-4, atol=1e-5)
    assert repr(ours) == repr(theirs) and type(ours) is getattr(nn, name[4:])
    _same_state_shapes(ours, theirs)
    for k, v in theirs.state_dict().items():  # the running statistics after one step
        np.testing.assert_allclose(ours.state_dict()[k].numpy(), v.numpy(), rtol=1e-4, atol=1e-5)
    ours.eval(), theirs.eval()
    with torch.no_grad():
        np.testing.assert_allclose(ours(mg.tensor(x, dtype=mg.float32)).numpy(),
                                   theirs(torch.tensor(x, dtype=torch.float32)).numpy(), rtol=1e-4, atol=1e-5)


def test_lazy_instance_norm_unbatched_input_and_bad_input():
    m = nn.LazyInstanceNorm2d()
    y = m(mg.randn(3, 4, 5))  # (C, H, W): the channels are dimension 0
    assert m.num_features == 3 and tuple(m.weight.shape) == (3,) and tuple(y.shape) == (3, 4, 5)
    lazy = nn.LazyInstanceNorm2d()
    with pytest.raises(ShapeError, match=r"LazyInstanceNorm2d: expected a 3 or 4-D input, got shape \(5,\)"):
        lazy(mg.randn(5))
    assert type(lazy) is nn.LazyInstanceNorm2d and isinstance(lazy.weight, nn.UninitializedParameter)


# ---- AdaptiveLogSoftmaxWithLoss ----------------------------------------------------------------------
def _asm_pair(torch, head_bias=False):
    torch.manual_seed(0)
    theirs = torch.nn.AdaptiveLogSoftmaxWithLoss(16, 20, [4, 10, 15], div_value=2.0, head_bias=head_bias).double()
    ours = nn.AdaptiveLogSoftmaxWithLoss(16, 20, [4, 10, 15], div_value=2.0, head_bias=head_bias, dtype=mg.float64)
    _load_from_torch(ours, theirs)
    return ours, theirs


@pytest.mark.torch
@pytest.mark.parametrize("head_bias", [False, True])
def test_adaptive_softmax_has_torchs_modules_parameters_and_repr(torch, head_bias):
    ours = nn.AdaptiveLogSoftmaxWithLoss(16, 20, [4, 10, 15], div_value=2.0, head_bias=head_bias)
    theirs = torch.nn.AdaptiveLogSoftmaxWithLoss(16, 20, [4, 10, 15], div_value=2.0, head_bias=head_bias)
    _same_state_shapes(ours, theirs)
    assert repr(ours) == repr(theirs)
    assert isinstance(ours.head, nn.Linear) and isinstance(ours.tail, nn.ModuleList)
    assert all(isinstance(t, nn.Sequential) and len(t) == 2 for t in ours.tail)
    for attr in ("cutoffs", "shortlist_size", "n_clusters", "head_size", "in_features", "n_classes"):
        assert getattr(ours, attr) == getattr(theirs, attr), attr
    assert [(p.name, p.default) for p in inspect.signature(type(ours)).parameters.values()] == \
        [(p.name, p.default) for p in inspect.signature(type(theirs)).parameters.values()]


@pytest.mark.torch
@pytest.mark.parametrize("targets", [[0, 3, 4, 9, 10, 14, 15, 19, 2, 12], [1, 2, 3, 0, 16, 18],
                                     [5], [0, 0, 1]], ids=["all clusters", "one cluster missing", "one row",
                                                           "shortlist only"])
@pytest.mark.parametrize("head_bias", [False, True])
def test_adaptive_softmax_forward_and_gradients_match_torch(torch, targets, head_bias):
    ours, theirs = _asm_pair(torch, head_bias)
    x = np.random.default_rng(2).normal(size=(len(targets), 16))
    xm, xt = mg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    om, ot = ours(xm, mg.tensor(targets)), theirs(xt, torch.tensor(targets))
    assert type(om).__name__ == type(ot).__name__ and om._fields == ot._fields == ("output", "loss")
    np.testing.assert_allclose(om.output.detach().numpy(), ot.output.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(float(om.loss), float(ot.loss.detach()), rtol=1e-10)
    (om.loss + om.output[0]).backward()
    (ot.loss + ot.output[0]).backward()
    np.testing.assert_allclose(xm.grad.numpy(), xt.grad.numpy(), rtol=1e-9, atol=1e-12)
    for (name, p), q in zip(ours.named_parameters(), theirs.parameters()):
        got = np.zeros(tuple(p.shape)) if p.grad is None else p.grad.numpy()  # an unused tail has no grad
        want = np.zeros(tuple(q.shape)) if q.grad is None else q.grad.numpy()
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12, err_msg=name)


@pytest.mark.torch
def test_adaptive_softmax_unbatched_log_prob_and_predict_match_torch(torch):
    ours, theirs = _asm_pair(torch, head_bias=True)
    x = np.random.default_rng(3).normal(size=(64, 16))
    om, ot = ours(mg.tensor(x[0]), mg.tensor(17)), theirs(torch.tensor(x[0]), torch.tensor(17))
    assert om.output.shape == () and om.output.shape == tuple(ot.output.shape)
    np.testing.assert_allclose(float(om.output), float(ot.output.detach()), rtol=1e-10)
    lm, lt = ours.log_prob(mg.tensor(x)), theirs.log_prob(torch.tensor(x))
    np.testing.assert_allclose(lm.detach().numpy(), lt.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(np.exp(lm.detach().numpy()).sum(1), 1.0, rtol=1e-10)
    pm, pt = ours.predict(mg.tensor(x)), theirs.predict(torch.tensor(x))
    np.testing.assert_array_equal(pm.numpy(), pt.numpy())
    assert pm.dtype == mg.int64
    head_best = theirs.head(torch.tensor(x)).argmax(1)  # rows of every kind: the head's best in the shortlist or not
    assert (head_best < 4).any() and (pt[head_best >= 4] >= 4).any() and (pt[head_best >= 4] < 4).any()


def test_adaptive_softmax_gradcheck():
    mg.manual_seed(0)
    m = nn.AdaptiveLogSoftmaxWithLoss(6, 9, [3, 6], div_value=2.0, head_bias=True, dtype=mg.float64)
    x = mg.randn(5, 6, dtype=mg.float64, requires_grad=True)
    t = mg.tensor([0, 4, 8, 2, 5])
    gradcheck(lambda x: m(x, t).loss, (x,))
    gradcheck(lambda x: m(x, t).output, (x,))
    gradcheck(lambda x: m.log_prob(x), (x,))


@pytest.mark.torch
def test_adaptive_softmax_errors_have_torchs_types(torch):
    for cutoffs in ([], [5, 3], [0, 3], [3, 20], [3, 3], [3.5]):
        with pytest.raises(ValueError):
            torch.nn.AdaptiveLogSoftmaxWithLoss(8, 20, cutoffs)
        with pytest.raises(ArgumentError, match="AdaptiveLogSoftmaxWithLoss: cutoffs should be"):
            nn.AdaptiveLogSoftmaxWithLoss(8, 20, cutoffs)
    ours, theirs = _asm_pair(torch)
    x = np.random.default_rng(4).normal(size=(4, 16))
    cases = [("target values should be in \\[0, 19\\], but values in range \\[0, 20\\]", IndexRuntimeError,
              x, [0, 1, 2, 20]),
             ("target values should be in \\[0, 19\\], but values in range \\[-1, 2\\]", IndexRuntimeError,
              x, [0, 1, 2, -1]),
             ("expected input .* got input \\(4, 16\\) and target \\(3,\\)", ShapeError, x, [0, 1, 2]),
             ("expected input .* got input \\(16,\\) and target \\(4,\\)", ShapeError, x[0], [0, 1, 2, 3]),
             ("expected input .* got input \\(4, 16\\) and target \\(\\)", ShapeError, x, 3),
             ("multi-target not supported", ShapeError, x, [[0], [1], [2], [3]]),
             ("input has 7 features, expected in_features=16", ShapeError, x[:, :7], [0, 1, 2, 3])]
    for message, error, xi, target in cases:
        with pytest.raises(RuntimeError):
            theirs(torch.tensor(xi), torch.tensor(target))
        with pytest.raises(error, match=message) as info:
            ours(mg.tensor(xi), mg.tensor(target))
        assert str(info.value).startswith("AdaptiveLogSoftmaxWithLoss: ")
    with pytest.raises(RuntimeError):
        theirs(torch.tensor(x), torch.tensor([0.0, 1, 2, 3]))
    with pytest.raises(DTypeRuntimeError, match=r"an integer tensor\), got dtype float32"):
        ours(mg.tensor(x), mg.tensor([0.0, 1, 2, 3]))
    with pytest.raises(IndexError):
        theirs.log_prob(torch.tensor(x[0]))
    with pytest.raises(IndexError, match=r"AdaptiveLogSoftmaxWithLoss.log_prob: expected input of shape \(N, 16\)"):
        ours.log_prob(mg.tensor(x[0]))
    with pytest.raises(ShapeError, match=r"predict: expected input of shape \(N, 16\), got \(4, 3\)"):
        ours.predict(mg.tensor(x[:, :3]))


# ---- NLLLoss2d, Container, CrossMapLRN2d -------------------------------------------------------------
@pytest.mark.torch
def test_nllloss2d_is_a_deprecated_nllloss(torch):
    with pytest.warns(FutureWarning, match="NLLLoss2d"):
        ours = nn.NLLLoss2d(ignore_index=1, reduction="sum")
    with pytest.warns(FutureWarning):
        theirs = torch.nn.NLLLoss2d(ignore_index=1, reduction="sum")
    assert isinstance(ours, nn.NLLLoss) and repr(ours) == repr(theirs) == "NLLLoss2d()"
    rng = np.random.default_rng(5)
    x, t = rng.normal(size=(2, 3, 4, 4)), rng.integers(0, 3, (2, 4, 4))
    xm, xt = mg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    lm, lt = ours(F.log_softmax(xm, 1), mg.tensor(t)), theirs(torch.log_softmax(xt, 1), torch.tensor(t))
    np.testing.assert_allclose(float(lm), float(lt.detach()), rtol=1e-10)
    lm.backward(), lt.backward()
    np.testing.assert_allclose(xm.grad.numpy(), xt.grad.numpy(), rtol=1e-9, atol=1e-12)


@pytest.mark.torch
def test_container_is_deprecated_and_registers_its_keywords(torch):
    with pytest.warns(FutureWarning, match="nn.Container` is deprecated"):
        ours = nn.Container(enc=nn.Linear(2, 3), act=nn.ReLU())
    with pytest.warns(FutureWarning):
        theirs = torch.nn.Container(enc=torch.nn.Linear(2, 3), act=torch.nn.ReLU())
    assert repr(ours) == repr(theirs) and list(ours.state_dict()) == list(theirs.state_dict())
    assert isinstance(ours, nn.Module) and ours.enc is ours._modules["enc"]
    with pytest.warns(FutureWarning, match="Subclass that instead"):
        class Old(nn.Container):
            pass
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Old()  # (the warning came when the subclass was defined, as in PyTorch)


@pytest.mark.torch
@pytest.mark.parametrize("size", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("channels", [1, 3, 6, 9])
def test_cross_map_lrn2d_forward_matches_torch(torch, size, channels):
    x = np.random.default_rng(size * channels).normal(size=(2, channels, 3, 3))
    ours, theirs = nn.CrossMapLRN2d(size, alpha=0.5, beta=0.75, k=2), torch.nn.CrossMapLRN2d(size, 0.5, 0.75, 2)
    np.testing.assert_allclose(ours(mg.tensor(x)).numpy(), theirs(torch.tensor(x)).numpy(), rtol=1e-12, atol=1e-14)
    y = nn.CrossMapLRN2d(size)(mg.tensor(x, dtype=mg.float32))
    np.testing.assert_allclose(y.numpy(), torch.nn.CrossMapLRN2d(size)(torch.tensor(x, dtype=torch.float32)).numpy(),
                               rtol=1e-5, atol=1e-6)
    assert y.dtype == mg.float32


@pytest.mark.torch
def test_cross_map_lrn2d_gradient_repr_and_errors(torch):
    x = mg.randn(2, 5, 2, 3, dtype=mg.float64, requires_grad=True)
    for size in (1, 2, 3, 4):
        gradcheck(nn.CrossMapLRN2d(size, alpha=0.5, beta=0.75, k=2), (x,))
    assert repr(nn.CrossMapLRN2d(3)) == repr(torch.nn.CrossMapLRN2d(3)) == \
        "CrossMapLRN2d(3, alpha=0.0001, beta=0.75, k=1)"
    with pytest.raises(ValueError):
        torch.nn.CrossMapLRN2d(3)(torch.randn(2, 3, 4))
    with pytest.raises(ShapeError, match=r"CrossMapLRN2d: Expected input to be 4D, got 3D instead \(shape \(2, 3, 4\)"):
        nn.CrossMapLRN2d(3)(mg.randn(2, 3, 4))
    with pytest.raises(ArgumentError, match="CrossMapLRN2d: size must be a positive integer"):
        nn.CrossMapLRN2d(0)(mg.randn(1, 2, 2, 2))


# ---- F.*_with_indices ---------------------------------------------------------------------------------
WITH_INDICES = [
    ("max_pool1d_with_indices", (2, 3, 9), (3,), {"stride": 2, "padding": 1}),
    ("max_pool2d_with_indices", (2, 3, 7, 6), (3,), {"stride": 2, "dilation": 2, "ceil_mode": True}),
    ("max_pool3d_with_indices", (1, 2, 5, 4, 6), (2,), {}),
    ("adaptive_max_pool1d_with_indices", (2, 3, 10), (4,), {}),
    ("adaptive_max_pool2d_with_indices", (2, 3, 7, 5), ((3, 2),), {}),
    ("adaptive_max_pool3d_with_indices", (1, 2, 5, 4, 6), (2,), {}),
    ("fractional_max_pool2d_with_indices", (2, 3, 9, 8), (2,), {"output_size": (4, 3)}),
    ("fractional_max_pool3d_with_indices", (1, 2, 7, 6, 8), (2,), {"output_size": (3, 3, 4)}),
]


@pytest.mark.torch
@pytest.mark.parametrize("name, shape, args, kw", WITH_INDICES, ids=[c[0] for c in WITH_INDICES])
def test_with_indices_functions_match_torch(torch, name, shape, args, kw):
    ours, theirs = getattr(F, name), getattr(torch.nn.functional, name)
    assert [(p.name, p.default) for p in inspect.signature(ours).parameters.values()] == \
        [(p.name, p.default) for p in inspect.signature(theirs).parameters.values()]
    rng = np.random.default_rng(6)
    x = rng.permutation(np.prod(shape)).reshape(shape) / 7.0  # no ties
    if name.startswith("fractional"):
        samples = rng.random(shape[:2] + (len(shape) - 2,))
        kw = dict(kw, _random_samples=samples)
    to = lambda T, v: T.tensor(v) if isinstance(v, np.ndarray) else v  # noqa: E731
    xm, xt = mg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    (ym, im) = ours(xm, *args, **{k: to(mg, v) for k, v in kw.items()})
    (yt, it) = theirs(xt, *args, **{k: to(torch, v) for k, v in kw.items()})
    np.testing.assert_array_equal(ym.detach().numpy(), yt.detach().numpy())
    np.testing.assert_array_equal(im.numpy(), it.numpy())
    assert im.dtype == mg.int64
    ym.sum().backward(), yt.sum().backward()
    np.testing.assert_array_equal(xm.grad.numpy(), xt.grad.numpy())
    again = ours(xm, *args, return_indices=False, **{k: to(mg, v) for k, v in kw.items()})
    assert isinstance(again, tuple) and len(again) == 2  # return_indices changes nothing, as in torch


def test_errors_are_minigrad_errors():
    with pytest.raises(MinigradError):
        F.max_pool2d_with_indices(mg.randn(5), 2)
    with pytest.raises(MinigradError):
        nn.AdaptiveLogSoftmaxWithLoss(8, 4, [4])
