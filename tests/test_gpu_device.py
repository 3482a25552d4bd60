"""The device path end to end: layers, training steps, save/load, two GPUs, packed sequences,
random numbers, the DataLoader, and the findings CuPy's rules turned up (no hidden host copies,
no hidden waits for the GPU).

Every test here is ``gpu``-marked: it runs on a real GPU, and without one on the strict CuPy
stand-in (``MINIGRAD_STANDIN_CUDA=1 python -m pytest -m gpu``). The stand-in also counts the
device-to-host synchronisations (``standin_cupy._trace``), so the tests marked ``needs_standin``
can assert that a hot path makes none; a real GPU cannot count them that way, so there they skip.
"""

import contextlib
import importlib
import os
import sys

import numpy as np
import pytest

import minigrad as mg
from minigrad import backend, nn
from minigrad.nn import functional as F

pytestmark = pytest.mark.gpu

EXAMPLES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "examples")
STANDIN = os.environ.get("MINIGRAD_STANDIN_CUDA") == "1"
needs_standin = pytest.mark.skipif(not STANDIN, reason="counting host synchronisations needs the CuPy stand-in")


@contextlib.contextmanager
def no_sync():
    """Inside: any copy from the device to the host (``.get()``, ``item``, ``int()``...) fails."""
    from standin_cupy import _trace

    with _trace.no_sync():
        yield


def host(t):
    return backend.to_device(t.array, "cpu")


def same_weights(cpu_model, device="cuda"):
    """A copy of ``cpu_model`` on ``device`` with the same weights."""
    import copy

    return copy.deepcopy(cpu_model).to(device)


def assert_same_run(cpu_model, gpu_model, *inputs, rtol=1e-5, atol=1e-6, loss=lambda y: (y * y).sum()):
    """Forward and backward on both models agree (outputs, input gradients, weight gradients)."""
    xs = [mg.tensor(a, requires_grad=a.dtype.kind == "f") for a in inputs]
    gs = [mg.tensor(a, device="cuda", requires_grad=a.dtype.kind == "f") for a in inputs]
    y_cpu, y_gpu = cpu_model(*xs), gpu_model(*gs)
    y_cpu, y_gpu = (y_cpu[0], y_gpu[0]) if isinstance(y_cpu, tuple) else (y_cpu, y_gpu)
    assert y_gpu.is_cuda
    np.testing.assert_allclose(host(y_gpu), host(y_cpu), rtol=rtol, atol=atol)
    loss(y_cpu).backward()
    loss(y_gpu).backward()
    for x, g in zip(xs, gs):
        if x.requires_grad:
            np.testing.assert_allclose(host(g.grad), host(x.grad), rtol=rtol, atol=atol)
    for (name, p), q in zip(cpu_model.named_parameters(), gpu_model.parameters()):
        assert q.is_cuda and q.grad.is_cuda, name
        np.testing.assert_allclose(host(q.grad), host(p.grad), rtol=rtol, atol=atol, err_msg=name)


# ---- layers ------------------------------------------------------------------------------------
RNG = np.random.default_rng(0)


def _x(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


LAYERS = [
    ("Linear", lambda: nn.Linear(5, 3), lambda: (_x(4, 5),)),
    ("Conv2d", lambda: nn.Conv2d(2, 3, 3, padding=1, stride=2), lambda: (_x(2, 2, 7, 7),)),
    ("Conv2d groups dilation", lambda: nn.Conv2d(4, 4, 3, dilation=2, groups=2), lambda: (_x(1, 4, 9, 9),)),
    ("ConvTranspose2d", lambda: nn.ConvTranspose2d(2, 3, 3, stride=2), lambda: (_x(1, 2, 4, 4),)),
    ("MaxPool2d", lambda: nn.MaxPool2d(2), lambda: (_x(2, 3, 6, 6),)),
    ("BatchNorm2d", lambda: nn.BatchNorm2d(3), lambda: (_x(4, 3, 5, 5),)),
    ("BatchNorm1d momentum=None", lambda: nn.BatchNorm1d(3, momentum=None), lambda: (_x(6, 3),)),
    ("LayerNorm", lambda: nn.LayerNorm(5), lambda: (_x(3, 5),)),
    ("Embedding", lambda: nn.Embedding(10, 4), lambda: (RNG.integers(0, 10, (3, 5)),)),
    ("LSTM", lambda: nn.LSTM(4, 5, num_layers=2, bidirectional=True), lambda: (_x(6, 3, 4),)),
    ("GRU", lambda: nn.GRU(4, 5, batch_first=True), lambda: (_x(3, 6, 4),)),
    ("RNN", lambda: nn.RNN(4, 5), lambda: (_x(6, 3, 4),)),
    ("MultiheadAttention", lambda: nn.MultiheadAttention(8, 2, batch_first=True),
     lambda: (_x(2, 5, 8), _x(2, 5, 8), _x(2, 5, 8))),
    ("TransformerEncoderLayer", lambda: nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0),
     lambda: (_x(5, 2, 8),)),
]


def _weighted_sum(y):
    """sum(y ⊙ c) for fixed random c: unlike sum(y²), whose gradient through a LayerNorm is
    nearly 0 (Σy² is about constant per row) and so pure float rounding, comparable between
    devices only if both compute bit for bit alike."""
    c = np.random.default_rng(1).standard_normal(y.shape).astype(np.float32)
    return (y * mg.tensor(c, device=y.device)).sum()


@pytest.mark.parametrize("name,make,inputs", LAYERS, ids=[n for n, _, _ in LAYERS])
def test_layer_on_cuda_matches_cpu(name, make, inputs):
    mg.manual_seed(0)
    cpu = make()
    # Transformer layers end in a LayerNorm: see _weighted_sum
    loss = _weighted_sum if name.startswith("Transformer") else (lambda y: (y * y).sum())
    assert_same_run(cpu, same_weights(cpu), *inputs(), loss=loss)
    for (key, a), b in zip(cpu.state_dict().items(), cpu.to("cpu").state_dict().values()):
        np.testing.assert_allclose(host(b), host(a), rtol=1e-5, atol=1e-6, err_msg=key)


def test_batchnorm_running_stats_on_cuda_match_cpu_without_a_sync():
    """momentum=None (a cumulative average) used to read the batch count back to the host."""
    mg.manual_seed(0)
    cpu = nn.BatchNorm1d(3, momentum=None)
    gpu = same_weights(cpu)
    for step in range(3):
        x = _x(5, 3)
        cpu(mg.tensor(x))
        if STANDIN:
            with no_sync():
                gpu(mg.tensor(x, device="cuda"))
        else:
            gpu(mg.tensor(x, device="cuda"))
    np.testing.assert_allclose(host(gpu.running_mean), host(cpu.running_mean), rtol=1e-6)
    np.testing.assert_allclose(host(gpu.running_var), host(cpu.running_var), rtol=1e-6)
    assert int(host(gpu.num_batches_tracked)) == 3


# ---- a training step of each example model -------------------------------------------------------
def _examples():
    if EXAMPLES not in sys.path:
        sys.path.insert(0, EXAMPLES)


def _train_step_matches(cpu_model, batch, labels, loss_fn=F.cross_entropy, steps=2):
    gpu_model = same_weights(cpu_model)
    cpu_opt = mg.optim.Adam(cpu_model.parameters(), lr=1e-2)
    gpu_opt = mg.optim.Adam(gpu_model.parameters(), lr=1e-2)
    for _ in range(steps):
        for model, opt, dev in ((cpu_model, cpu_opt, "cpu"), (gpu_model, gpu_opt, "cuda")):
            opt.zero_grad()
            loss = loss_fn(model(mg.tensor(batch, device=dev)), mg.tensor(labels, device=dev))
            loss.backward()
            opt.step()
    for (name, p), q in zip(cpu_model.named_parameters(), gpu_model.parameters()):
        assert q.is_cuda
        np.testing.assert_allclose(host(q), host(p), rtol=1e-4, atol=1e-5, err_msg=name)


def test_digits_cnn_model_trains_on_cuda():
    _examples()
    mg.manual_seed(0)
    model = importlib.import_module("digits_cnn").make_model(4, 8, 16).eval()  # eval: no dropout draws
    _train_step_matches(model, _x(6, 1, 8, 8), RNG.integers(0, 10, 6))


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_sequence_classifier_model_trains_on_cuda(cell):
    _examples()
    mg.manual_seed(0)
    model = importlib.import_module("sequence_classifier").RowReader(cell, 6)
    _train_step_matches(model, _x(4, 8, 8), RNG.integers(0, 10, 4))


def _example_models():
    _examples()
    cnn = importlib.import_module("digits_cnn").make_model(4, 8, 16)
    rows = importlib.import_module("sequence_classifier").RowReader
    lm_tf = importlib.import_module("char_transformer").CharTransformer(20, d_model=16, nhead=2, num_layers=1,
                                                                         dim_feedforward=16)
    lm_lstm = importlib.import_module("char_lstm").CharLSTM(20, embed_dim=8, hidden_size=16)
    images, labels = (lambda: mg.randn(6, 1, 8, 8, device="cuda")), (lambda: mg.randint(0, 10, (6,), device="cuda"))
    text = lambda: mg.randint(0, 20, (3, 9), device="cuda")  # noqa: E731
    return {"digits_cnn": (cnn, images, labels), "rows_lstm": (rows("lstm", 6), images, labels),
            "rows_gru": (rows("gru", 6), images, labels), "char_transformer": (lm_tf, text, None),
            "char_lstm": (lm_lstm, text, None)}


@needs_standin
@pytest.mark.parametrize("name", ["digits_cnn", "rows_lstm", "rows_gru", "char_transformer", "char_lstm"])
def test_a_training_step_of_each_example_model_waits_for_the_gpu_nowhere(name):
    """Forward, loss, backward and Adam's step on the device in training mode (dropout included):
    not one copy to the host."""
    mg.manual_seed(0)
    model, inputs, targets = _example_models()[name]
    model = model.to("cuda").train()
    opt = mg.optim.Adam(model.parameters(), lr=1e-3)
    x = inputs() if name.startswith(("digits", "rows")) else None
    x = x.reshape(6, 8, 8) if name.startswith("rows") else x
    ids = None if x is not None else inputs()
    y = targets() if targets else None
    with no_sync():
        if ids is None:
            loss = F.cross_entropy(model(x), y)
        else:
            logits = model(ids[:, :-1])
            logits = logits[0] if isinstance(logits, tuple) else logits
            loss = F.cross_entropy(logits.reshape(-1, 20), ids[:, 1:].reshape(-1))
        loss.backward()
        opt.step()
        opt.zero_grad()
    assert loss.is_cuda and np.isfinite(loss.item())


TINY_LM = ["--chars", "3000", "--seq-len", "16", "--batch-size", "16", "--sample-len", "5", "--quiet",
           "--epochs", "1", "--device", "cuda", "--save", ""]


@pytest.mark.parametrize("name,argv", [
    ("linear_regression", ["--epochs", "2", "--quiet", "--device", "cuda"]),
    ("char_lstm", ["--hidden-size", "16", "--embed-dim", "8"] + TINY_LM),
    ("char_transformer", ["--d-model", "16", "--nhead", "2", "--num-layers", "1", "--dim-feedforward", "16"]
     + TINY_LM),
])
def test_example_script_runs_on_cuda(name, argv):
    _examples()
    out = importlib.import_module(name).main(argv)
    losses = out["losses"]
    assert len(losses) > 0 and np.all(np.isfinite(losses))


# ---- save and load --------------------------------------------------------------------------------
def test_save_load_keeps_the_device_and_map_location_moves_it(tmp_path):
    mg.manual_seed(0)
    model = nn.Linear(3, 2).to("cuda")
    path = tmp_path / "m.pt"
    mg.save(model.state_dict(), path)
    back = mg.load(path)
    assert all(t.is_cuda for t in back.values())
    on_cpu = mg.load(path, map_location="cpu")
    assert all(t.device == "cpu" for t in on_cpu.values())
    cpu_path = tmp_path / "c.pt"
    mg.save(on_cpu, cpu_path)
    to_gpu = mg.load(cpu_path, map_location="cuda")
    assert all(t.is_cuda for t in to_gpu.values())
    for key, t in model.state_dict().items():
        np.testing.assert_array_equal(host(to_gpu[key]), host(t))
        np.testing.assert_array_equal(on_cpu[key].numpy(), host(t))
    fresh = nn.Linear(3, 2).to("cuda")
    fresh.load_state_dict(to_gpu)
    np.testing.assert_array_equal(host(fresh.weight), host(model.weight))


def test_load_state_dict_takes_cupy_arrays():
    """A dict of raw CuPy arrays used to die in numpy.asarray with a misleading error."""
    model = nn.Linear(3, 2).to("cuda")
    cp = backend.cupy_module()
    raw = {k: cp.asarray(np.full(tuple(v.shape), 0.5, dtype=np.float32)) for k, v in model.state_dict().items()}
    model.load_state_dict(raw)
    np.testing.assert_array_equal(host(model.weight), np.full((2, 3), 0.5, dtype=np.float32))
    cpu_model = nn.Linear(3, 2)
    cpu_model.load_state_dict(raw)  # to the CPU model: copied to the host
    assert cpu_model.weight.device == "cpu" and float(cpu_model.bias.sum().item()) == pytest.approx(1.0)


def test_optimizer_state_saves_and_resumes_on_cuda(tmp_path):
    mg.manual_seed(0)
    model = nn.Linear(3, 2).to("cuda")
    opt = mg.optim.Adam(model.parameters(), lr=0.1)
    model(mg.ones(4, 3, device="cuda")).sum().backward()
    opt.step()
    mg.save({"model": model.state_dict(), "opt": opt.state_dict()}, tmp_path / "s.pt")
    state = mg.load(tmp_path / "s.pt", map_location="cuda")
    again = nn.Linear(3, 2).to("cuda")
    again.load_state_dict(state["model"])
    opt2 = mg.optim.Adam(again.parameters(), lr=0.1)
    opt2.load_state_dict(state["opt"])
    for o, m in ((opt, model), (opt2, again)):
        o.zero_grad()
        m(mg.ones(4, 3, device="cuda")).sum().backward()
        o.step()
    np.testing.assert_allclose(host(again.weight), host(model.weight), rtol=1e-6)


# ---- two devices ------------------------------------------------------------------------------------
def _second_gpu():
    if mg.cuda.device_count() < 2:
        pytest.skip("needs two GPUs")
    return "cuda:1"


def test_work_on_the_second_gpu_stays_there():
    dev = _second_gpu()
    mg.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2)).to(dev)
    opt = mg.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    x = mg.randn(5, 4, device=dev)
    y = mg.randint(0, 2, (5,), device=dev)
    assert x.device == dev and y.device == dev
    loss = F.cross_entropy(model(x) * 2 + 1, y)
    assert loss.device == dev
    loss.backward()
    opt.step()
    assert all(p.device == dev and p.grad.device == dev for p in model.parameters())
    assert all(v.device == dev for s in opt.state.values() for v in s.values() if isinstance(v, mg.Tensor))
    z = x.to("cuda:0")
    assert z.device == "cuda:0"
    np.testing.assert_array_equal(host(z), host(x))
    with pytest.raises(mg.errors.DeviceError, match="cuda:1"):
        z + x


def test_each_gpu_has_its_own_seeded_stream():
    _second_gpu()
    mg.manual_seed(3)
    a0, a1 = host(mg.rand(5, device="cuda:0")), host(mg.rand(5, device="cuda:1"))
    mg.manual_seed(3)
    assert (host(mg.rand(5, device="cuda:0")) == a0).all() and (host(mg.rand(5, device="cuda:1")) == a1).all()


# ---- packed sequences ---------------------------------------------------------------------------------
def test_packed_lstm_on_cuda_matches_cpu():
    mg.manual_seed(0)
    cpu = nn.LSTM(3, 4, batch_first=True)
    gpu = same_weights(cpu)
    x = _x(3, 5, 3)
    lengths = [5, 2, 4]
    outs = []
    for model, dev in ((cpu, "cpu"), (gpu, "cuda")):
        xt = mg.tensor(x, device=dev, requires_grad=True)
        packed = nn.utils.rnn.pack_padded_sequence(xt, lengths, batch_first=True, enforce_sorted=False)
        assert packed.data.device == dev and packed.batch_sizes.device == "cpu"  # lengths are host data
        out, (h, c) = model(packed)
        padded, out_lengths = nn.utils.rnn.pad_packed_sequence(out, batch_first=True)
        assert padded.device == dev and out_lengths.device == "cpu"
        assert out_lengths.tolist() == lengths
        (padded.sum() + h.sum()).backward()
        outs.append((host(padded), host(h), host(xt.grad)))
    for a, b in zip(*outs):
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-6)


@needs_standin
def test_packing_moves_no_data_to_the_host():
    x = mg.randn(4, 3, 2, device="cuda")
    with no_sync():
        packed = nn.utils.rnn.pack_padded_sequence(x, [4, 3, 1])
        padded, lengths = nn.utils.rnn.pad_packed_sequence(packed)
        out, _ = nn.GRU(2, 3).to("cuda")(packed)
    assert padded.is_cuda and out.data.is_cuda


# ---- random numbers on the device ----------------------------------------------------------------------
def test_randperm_rand_randn_randint_on_cuda():
    mg.manual_seed(1)
    p = mg.randperm(50, device="cuda")
    assert p.is_cuda and p.dtype == mg.int64 and sorted(host(p).tolist()) == list(range(50))
    g = mg.Generator("cuda").manual_seed(2)
    q = mg.randperm(20, device="cuda", generator=g)
    assert sorted(host(q).tolist()) == list(range(20))
    u = mg.rand(1000, device="cuda")
    z = mg.randn(1000, device="cuda", dtype=mg.float64)
    i = mg.randint(3, 7, (1000,), device="cuda")
    assert u.dtype == mg.float32 and z.dtype == mg.float64 and i.dtype == mg.int64
    assert 0 <= float(host(u).min()) and float(host(u).max()) < 1 and abs(float(host(z).mean())) < 0.2
    assert set(host(i).tolist()) == {3, 4, 5, 6}
    rates = mg.full((500,), 3.0, device="cuda")
    draws = [mg.poisson(rates), mg.bernoulli(mg.full((500,), 0.3, device="cuda")), mg.normal(rates, 0.5),
             mg.multinomial(mg.tensor([0.2, 0.8], device="cuda"), 50, replacement=True),
             mg.empty(500, device="cuda").exponential_(), mg.empty(500, device="cuda").uniform_(-1, 1),
             mg.empty(500, device="cuda").normal_(), mg.empty(500, dtype=mg.int64, device="cuda").random_(0, 5)]
    for d in draws:
        assert d.is_cuda and np.all(np.isfinite(host(d).astype(np.float64)))
    assert abs(float(host(draws[0]).mean()) - 3.0) < 0.5 and abs(float(host(draws[1]).mean()) - 0.3) < 0.1


def test_manual_seed_repeats_cuda_draws_but_cpu_and_cuda_streams_differ():
    """What manual_seed promises (docs/differences-from-pytorch.md): the same seed gives the same
    numbers again on the same device; cpu and cuda streams are different generators."""
    mg.manual_seed(7)
    a = host(mg.rand(64, device="cuda"))
    c = mg.rand(64).numpy()
    mg.manual_seed(7)
    assert (host(mg.rand(64, device="cuda")) == a).all() and (mg.rand(64).numpy() == c).all()
    assert not np.array_equal(a, c)


def test_dropout_on_cuda():
    mg.manual_seed(0)
    x = mg.ones(2000, device="cuda", requires_grad=True)
    y = F.dropout(x, p=0.25, training=True)
    kept = host(y) != 0
    assert y.is_cuda and 0.7 < kept.mean() < 0.8
    np.testing.assert_allclose(host(y)[kept], 1 / 0.75, rtol=1e-6)
    y.sum().backward()
    np.testing.assert_allclose(host(x.grad), np.where(kept, 1 / 0.75, 0.0), rtol=1e-6)
    layer = nn.Dropout(0.5).to("cuda").eval()
    assert (host(layer(x)) == 1).all()


# ---- the DataLoader feeding a model on the device ---------------------------------------------------
def test_dataloader_feeds_a_model_on_cuda():
    from minigrad.data import DataLoader, TensorDataset

    mg.manual_seed(0)
    xs, ys = mg.randn(40, 4), mg.randint(0, 3, (40,))
    loader = DataLoader(TensorDataset(xs, ys), batch_size=8, shuffle=True)
    model = nn.Linear(4, 3).to("cuda")
    opt = mg.optim.SGD(model.parameters(), lr=0.5)
    losses = []
    for epoch in range(3):
        for x, y in loader:
            assert x.device == "cpu"
            x, y = x.to("cuda"), y.to("cuda")
            opt.zero_grad()
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
            losses.append(float(loss.item()))
    assert len(losses) == 15 and np.mean(losses[-5:]) < np.mean(losses[:5])


# ---- no hidden host copies -----------------------------------------------------------------------------
def test_numpy_and_array_of_a_cuda_tensor_refuse_like_pytorch():
    t = mg.ones(3, device="cuda")
    for convert in (lambda: t.numpy(), lambda: np.asarray(t), lambda: np.exp(t)):
        with pytest.raises(TypeError, match="can't convert cuda:0 device type tensor to numpy. Use Tensor.cpu()"):
            convert()
    np.testing.assert_array_equal(t.cpu().numpy(), [1.0, 1.0, 1.0])
    assert t.tolist() == [1.0, 1.0, 1.0] and "cuda:0" in repr(t)


@needs_standin
@pytest.mark.parametrize("name,run", [
    ("embedding", lambda: F.embedding(mg.tensor([[1, 2], [0, 3]], device="cuda"), mg.randn(4, 3, device="cuda"))),
    ("index with an int tensor", lambda: mg.randn(4, 3, device="cuda")[mg.tensor([0, 3, 1], device="cuda")]),
    ("gather", lambda: mg.randn(4, 3, device="cuda").gather(1, mg.tensor([[0], [2], [1], [0]], device="cuda"))),
    ("take", lambda: mg.randn(4, 3, device="cuda").take(mg.tensor([2, 11, -1], device="cuda"))),
    ("embedding max_norm", lambda: F.embedding(mg.tensor([1, 2], device="cuda"), mg.randn(4, 3, device="cuda"),
                                               max_norm=1.0)),
    ("index_select", lambda: mg.randn(4, 3, device="cuda").index_select(0, mg.tensor([2, 0], device="cuda"))),
    ("cross_entropy", lambda: F.cross_entropy(mg.randn(4, 3, device="cuda"), mg.tensor([0, 2, 1, 1], device="cuda"))),
    ("nll_loss", lambda: F.nll_loss(mg.randn(4, 3, device="cuda"), mg.tensor([0, 2, 1, 1], device="cuda"))),
    ("binary_cross_entropy", lambda: F.binary_cross_entropy(mg.rand(5, device="cuda"), mg.rand(5, device="cuda"))),
    ("multi_margin_loss", lambda: F.multi_margin_loss(mg.randn(4, 3, device="cuda"), mg.tensor([0, 2, 1, 1], device="cuda"))),
    ("scatter_add", lambda: mg.zeros(3, 2, device="cuda").scatter_add(0, mg.tensor([[0, 1], [2, 0]], device="cuda"),
                                                                     mg.ones(2, 2, device="cuda"))),
])
def test_hot_paths_do_not_wait_for_the_gpu(name, run):
    """Range checks read values (a wait for the GPU): they run on the CPU only."""
    with no_sync():
        out = run()
    assert out.is_cuda


def test_out_of_range_indices_are_still_caught_on_the_cpu():
    with pytest.raises(IndexError, match="out of range"):
        F.embedding(mg.tensor([4]), mg.randn(4, 3))
    with pytest.raises(RuntimeError, match="between 0 and 1"):
        F.binary_cross_entropy(mg.tensor([1.5]), mg.tensor([1.0]))


@needs_standin
def test_a_training_step_on_cuda_makes_no_host_copy_but_the_loss_item():
    mg.manual_seed(0)
    model = nn.Sequential(nn.Embedding(10, 6), nn.LSTM(6, 5, batch_first=True)).to("cuda")
    head = nn.Linear(5, 10).to("cuda")
    params = list(model.parameters()) + list(head.parameters())
    opt = mg.optim.AdamW(params, lr=1e-3)
    ids = mg.randint(0, 10, (3, 7), device="cuda")
    with no_sync():
        out, _ = model(ids)
        loss = F.cross_entropy(head(out).reshape(-1, 10), ids.reshape(-1))
        loss.backward()
        nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        opt.zero_grad()
    assert np.isfinite(loss.item())


# ---- conv scratch memory, errstate, the CUDA check ------------------------------------------------
def test_conv_on_cuda_gives_fresh_results_each_call():
    """No scratch buffer is kept on the GPU (it could be in use by a kernel on another stream)."""
    mg.manual_seed(0)
    w = mg.randn(3, 2, 3, 3, device="cuda")
    a, b = mg.randn(1, 2, 6, 6, device="cuda"), mg.randn(1, 2, 6, 6, device="cuda")
    ya = F.conv2d(a, w)
    ya_before = host(ya).copy()
    yb = F.conv2d(b, w)
    np.testing.assert_array_equal(host(ya), ya_before)
    np.testing.assert_allclose(host(ya), F.conv2d(a.cpu(), w.cpu()).numpy(), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(host(yb), F.conv2d(b.cpu(), w.cpu()).numpy(), rtol=1e-5, atol=1e-5)


def test_errstate_is_numpys_on_the_cpu_and_nothing_on_cuda():
    with backend.errstate(np.zeros(1), divide="raise"):
        with pytest.raises(FloatingPointError):
            np.float64(1.0) / np.zeros(1)
    cp = backend.cupy_module()
    with np.errstate(divide="ignore"), backend.errstate(cp.zeros(1), divide="raise"):
        np.float64(1.0) / np.zeros(1)  # the device context left NumPy's settings alone


def test_is_cuda_available_asks_cupy_once(monkeypatch):
    cp = backend.cupy_module()
    calls = []
    monkeypatch.setattr(cp.cuda.runtime, "getDeviceCount", lambda: calls.append(1) or 2)
    for _ in range(3):
        assert backend.is_cuda_available()
        mg.ones(2, device="cuda")
    assert calls == []  # answered from the first call, made before this test

