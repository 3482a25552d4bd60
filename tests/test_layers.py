"""Layers against torch.nn (same weights): outputs and gradients of inputs and parameters,
float64 within 1e-10 and float32 within 1e-5; Dropout and BatchNorm in train and eval mode;
default initialisation; bad input."""

import math

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.errors import DTypeError, IndexOutOfRange, ShapeError

TOL = {np.float64: 1e-10, np.float32: 1e-5}


def _close(got, want, tol, what):
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol, err_msg=what)


def check_parity(torch, ours, theirs, inputs, dtype=np.float64, steps=1, seed=0):
    """Copy theirs' weights into ours, run both on ``inputs`` (NumPy arrays; float ones require
    grad) and compare outputs, input gradients, parameter gradients and buffers."""
    tdtype = torch.float64 if dtype == np.float64 else torch.float32
    theirs.to(tdtype)
    ours.to(dtype)
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    tol = TOL[dtype]
    rng = np.random.default_rng(seed)
    for _ in range(steps):
        arrays = [a.astype(dtype) if a.dtype.kind == "f" else a for a in inputs]
        t_in = [torch.tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays]
        m_in = [mg.tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays]
        t_out, m_out = theirs(*t_in), ours(*m_in)
        assert m_out.dtype == dtype
        _close(m_out.numpy(), t_out.detach().numpy(), tol, "output")
        g = rng.standard_normal(t_out.shape).astype(dtype)
        t_out.backward(torch.from_numpy(g))
        m_out.backward(mg.tensor(g))
        for i, (m, t) in enumerate(zip(m_in, t_in)):
            if t.requires_grad:
                assert m.grad.dtype == dtype
                _close(m.grad.numpy(), t.grad.numpy(), tol, f"gradient of input {i}")
        t_params = dict(theirs.named_parameters())
        for name, p in ours.named_parameters():
            if t_params[name].grad is None:
                assert p.grad is None or not p.grad.numpy().any(), name
                continue
            assert p.grad.dtype == dtype
            _close(p.grad.numpy(), t_params[name].grad.numpy(), tol, f"gradient of {name}")
        t_bufs = dict(theirs.named_buffers())
        for name, b in ours.named_buffers():
            _close(b.numpy(), t_bufs[name].numpy(), tol, f"buffer {name}")
        ours.zero_grad()
        theirs.zero_grad()


DTYPES = [np.float64, np.float32]


# ---- linear and reshaping layers ------------------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("shape", [(5, 4), (2, 3, 4), (4,)])
def test_linear(torch, dtype, bias, shape):
    x = np.random.default_rng(1).standard_normal(shape)
    check_parity(torch, nn.Linear(4, 3, bias=bias), torch.nn.Linear(4, 3, bias=bias), [x], dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_bilinear(torch, dtype):
    rng = np.random.default_rng(2)
    check_parity(torch, nn.Bilinear(3, 2, 4), torch.nn.Bilinear(3, 2, 4),
                 [rng.standard_normal((5, 3)), rng.standard_normal((5, 2))], dtype)


def test_identity_flatten_unflatten(torch):
    x = np.random.default_rng(3).standard_normal((2, 3, 4, 5))
    check_parity(torch, nn.Identity(7, any=1), torch.nn.Identity(7, any=1), [x])
    check_parity(torch, nn.Flatten(), torch.nn.Flatten(), [x])
    check_parity(torch, nn.Flatten(0, 2), torch.nn.Flatten(0, 2), [x])
    check_parity(torch, nn.Unflatten(2, (2, 2)), torch.nn.Unflatten(2, (2, 2)), [x])
    check_parity(torch, nn.Unflatten(-1, (5, 1)), torch.nn.Unflatten(-1, (5, 1)), [x])


# ---- embedding -------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("padding_idx", [None, 1, -1])
def test_embedding(torch, dtype, padding_idx):
    ids = np.array([[0, 1, 1, 4], [4, 2, 1, 0]])  # repeated ids accumulate
    check_parity(torch, nn.Embedding(5, 3, padding_idx=padding_idx),
                 torch.nn.Embedding(5, 3, padding_idx=padding_idx), [ids], dtype)


def test_embedding_padding_row_stays_and_init():
    mg.manual_seed(0)
    emb = nn.Embedding(1000, 64, padding_idx=3)
    w = emb.weight.numpy()
    assert not w[3].any()
    rest = np.delete(w, 3, axis=0)
    assert abs(rest.mean()) < 0.01 and abs(rest.std() - 1) < 0.01  # N(0, 1), as in PyTorch
    out = emb(mg.tensor([[3, 5], [3, 3]]))
    out.sum().backward()
    assert not emb.weight.grad.numpy()[3].any()
    np.testing.assert_array_equal(emb.weight.grad.numpy()[5], np.ones(64))
    assert repr(emb) == "Embedding(1000, 64, padding_idx=3)"
    pre = nn.Embedding.from_pretrained(mg.tensor([[1.0, 2.0], [3.0, 4.0]]))
    assert not pre.weight.requires_grad
    np.testing.assert_array_equal(pre(mg.tensor([1])).numpy(), [[3.0, 4.0]])


def test_embedding_bad_input():
    emb = nn.Embedding(5, 2)
    with pytest.raises(IndexOutOfRange, match="index 5"):
        emb(mg.tensor([0, 5]))
    with pytest.raises(IndexOutOfRange, match="-1"):
        emb(mg.tensor([-1]))
    with pytest.raises(DTypeError, match="integer"):
        emb(mg.tensor([0.0, 1.0]))
    with pytest.raises(ValueError):
        nn.Embedding(5, 2, padding_idx=5)


# ---- normalization -----------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kw", [{}, {"elementwise_affine": False}, {"bias": False}, {"eps": 1e-3}])
def test_layer_norm(torch, dtype, kw):
    rng = np.random.default_rng(4)
    theirs = torch.nn.LayerNorm(4, **kw)
    if theirs.weight is not None:  # not the default 1 and 0, so the affine part is exercised
        theirs.weight.data.normal_()
    if theirs.bias is not None:
        theirs.bias.data.normal_()
    check_parity(torch, nn.LayerNorm(4, **kw), theirs, [rng.standard_normal((3, 5, 4)) * 3 + 1], dtype)


def test_layer_norm_two_axes(torch):
    x = np.random.default_rng(5).standard_normal((2, 3, 4))
    theirs = torch.nn.LayerNorm((3, 4))
    theirs.weight.data.normal_()
    check_parity(torch, nn.LayerNorm((3, 4)), theirs, [x])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("cls, shape", [("BatchNorm1d", (6, 3)), ("BatchNorm1d", (4, 3, 5)),
                                        ("BatchNorm2d", (4, 3, 2, 5))])
@pytest.mark.parametrize("kw", [{}, {"momentum": None}, {"momentum": 0.3, "affine": False},
                                {"track_running_stats": False}, {"bias": False}])
def test_batch_norm_train_then_eval(torch, dtype, cls, shape, kw):
    """Three training steps (running statistics and num_batches_tracked follow PyTorch's), then eval."""
    x = np.random.default_rng(6).standard_normal(shape) * 2 + 0.5
    ours, theirs = getattr(nn, cls)(3, **kw), getattr(torch.nn, cls)(3, **kw)
    if theirs.weight is not None:
        theirs.weight.data.normal_()
    if theirs.bias is not None:
        theirs.bias.data.normal_()
    check_parity(torch, ours, theirs, [x], dtype, steps=3)
    ours.eval()
    theirs.eval()
    check_parity(torch, ours, theirs, [x[:2] * 0.5], dtype)


def test_batch_norm_running_stats_by_hand():
    bn = nn.BatchNorm1d(2, momentum=0.5)
    x = np.array([[1.0, 2.0], [3.0, 6.0], [5.0, 10.0]], dtype=np.float32)
    bn(mg.tensor(x))
    np.testing.assert_allclose(bn.running_mean.numpy(), 0.5 * x.mean(0), rtol=1e-6)
    np.testing.assert_allclose(bn.running_var.numpy(), 0.5 + 0.5 * x.var(0, ddof=1), rtol=1e-6)
    assert bn.num_batches_tracked.item() == 1 and bn.num_batches_tracked.dtype == np.int64
    bn.eval()  # eval: running statistics, outputs independent of the batch
    one = bn(mg.tensor(x[:1])).numpy()
    both = bn(mg.tensor(x)).numpy()
    np.testing.assert_allclose(one[0], both[0], rtol=1e-6)
    assert bn.num_batches_tracked.item() == 1  # eval does not count batches
    want = (x - bn.running_mean.numpy()) / np.sqrt(bn.running_var.numpy() + 1e-5)
    np.testing.assert_allclose(both, want, rtol=1e-5, atol=1e-6)


def test_batch_norm_bad_input():
    with pytest.raises(ValueError, match="expected 2D or 3D input"):
        nn.BatchNorm1d(3)(mg.randn(2, 3, 4, 5))
    with pytest.raises(ValueError, match="expected 4D input"):
        nn.BatchNorm2d(3)(mg.randn(2, 3))
    with pytest.raises(ValueError, match="3 channels"):
        nn.BatchNorm2d(3)(mg.randn(2, 4, 2, 2))
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        nn.BatchNorm1d(3)(mg.randn(1, 3))
    with pytest.raises(ShapeError, match="normalized_shape"):
        nn.LayerNorm(4)(mg.randn(2, 5))


# ---- activations ----------------------------------------------------------------------------------
ACTIVATIONS = [("ReLU", (), {}), ("LeakyReLU", (0.2,), {}), ("Sigmoid", (), {}), ("Tanh", (), {}),
               ("GELU", (), {}), ("GELU", (), {"approximate": "tanh"}), ("Softplus", (), {"beta": 2.0}),
               ("Softmax", (), {"dim": 1}), ("LogSoftmax", (), {"dim": -1})]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name, args, kw", ACTIVATIONS)
def test_activation_modules(torch, dtype, name, args, kw):
    x = np.random.default_rng(7).standard_normal((3, 4)) * 2
    x[np.abs(x) < 0.05] = 0.5  # keep away from relu's kink
    ours, theirs = getattr(nn, name)(*args, **kw), getattr(torch.nn, name)(*args, **kw)
    check_parity(torch, ours, theirs, [x], dtype)
    assert repr(ours) == repr(theirs)


# ---- dropout ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES)
def test_dropout_train(dtype):
    mg.manual_seed(0)
    p = 0.3
    drop = nn.Dropout(p)
    x = mg.tensor(np.random.default_rng(8).uniform(1, 2, (200, 100)).astype(dtype), requires_grad=True)
    y = drop(x)
    assert y.dtype == dtype
    kept = y.numpy() != 0
    assert abs(1 - kept.mean() - p) < 0.01  # about p of the elements are zeroed
    np.testing.assert_allclose(y.numpy()[kept], x.numpy()[kept] / (1 - p), rtol=1e-6)
    y.backward(mg.ones_like(y))
    np.testing.assert_allclose(x.grad.numpy(), kept / (1 - p), rtol=1e-6)  # d/dx = mask / (1 - p)
    assert abs(y.numpy().mean() - x.numpy().mean()) < 0.02  # the expectation is kept


def test_dropout_eval_is_identity_and_seeded():
    x = mg.randn(4, 5)
    drop = nn.Dropout(0.5).eval()
    assert drop(x) is x
    drop.train()
    mg.manual_seed(3)
    a = drop(x).numpy()
    mg.manual_seed(3)
    b = drop(x).numpy()
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, drop(x).numpy())  # a fresh mask at every call
    assert nn.Dropout(0.0)(x) is x
    assert not nn.Dropout(1.0)(x).numpy().any()
    with pytest.raises(ValueError, match="between 0 and 1"):
        nn.Dropout(1.5)
    assert repr(nn.Dropout(0.5)) == "Dropout(p=0.5, inplace=False)"


def test_dropout2d_drops_whole_channels():
    mg.manual_seed(1)
    x = mg.ones(8, 16, 3, 3)
    y = nn.Dropout2d(0.5)(x).numpy()
    per_channel = y.reshape(8, 16, 9)
    assert np.all((per_channel == 0).all(-1) | (per_channel == 2.0).all(-1))  # all or nothing, scaled by 2
    assert 0.3 < (per_channel == 0).all(-1).mean() < 0.7
    y3 = nn.Dropout2d(0.5)(mg.ones(4, 6, 5)).numpy()  # (N, C, L): one draw per (n, c)
    assert np.all((y3 == 0).all(-1) | (y3 == 2.0).all(-1))
    assert nn.Dropout2d(0.5).eval()(x) is x
    with pytest.warns(UserWarning, match="deprecated"):  # PyTorch's rule: (N, C) drops elements, with a warning
        y2 = nn.Dropout2d(0.5)(mg.ones(64, 64)).numpy()
    assert set(np.unique(y2)) == {0.0, 2.0} and not (y2 == 0).all(-1).any()  # not whole rows
    with pytest.warns(UserWarning, match="deprecated"):  # unbatched (C, D, H) for dropout3d: per channel
        y4 = nn.Dropout3d(0.5)(mg.ones(32, 4, 5)).numpy()
    assert np.all((y4 == 0).all((1, 2)) | (y4 == 2.0).all((1, 2)))
    with pytest.warns(UserWarning), pytest.raises(ValueError, match="dropout2d: feature dropout needs at least 2"):
        nn.Dropout2d()(mg.ones(3))


# ---- default initialisation and bad input ------------------------------------------------------------------
def test_default_init_and_factory_kwargs():
    ln, bn = nn.LayerNorm(5), nn.BatchNorm2d(4)
    assert np.all(ln.weight.numpy() == 1) and not ln.bias.numpy().any()
    assert np.all(bn.weight.numpy() == 1) and not bn.bias.numpy().any()
    assert np.all(bn.running_var.numpy() == 1) and not bn.running_mean.numpy().any()
    lin = nn.Linear(3, 2, dtype=mg.float64)
    assert lin.weight.dtype == np.float64 and lin.bias.dtype == np.float64
    bil = nn.Bilinear(4, 2, 3)
    assert bil.weight.shape == (3, 4, 2) and np.abs(bil.weight.numpy()).max() <= 1 / math.sqrt(4)


def test_linear_bad_input():
    with pytest.raises(ShapeError, match=r"last dimension must be 4"):
        nn.Linear(4, 2)(mg.randn(3, 5))


def test_lazy_linear_takes_its_input_size_on_the_first_call():
    mg.manual_seed(0)
    layer = nn.LazyLinear(4)
    assert layer.weight.shape == (4, 0) and layer.in_features == 0
    weight, bias = layer.weight, layer.bias
    opt = mg.optim.SGD(layer.parameters(), lr=0.1)  # built before the shapes are known
    y = layer(mg.randn(3, 7))
    assert type(layer) is nn.Linear and y.shape == (3, 4)
    assert layer.weight is weight and layer.bias is bias and layer.weight.shape == (4, 7)
    bound = 1 / np.sqrt(7)  # Linear's initialisation, from the input size now known
    assert float(abs(layer.weight).max()) <= bound and float(abs(layer.bias).max()) <= bound
    before = weight.numpy().copy()
    y.sum().backward()
    opt.step()
    assert not np.array_equal(weight.numpy(), before)
    assert repr(layer) == "Linear(in_features=7, out_features=4, bias=True)"
