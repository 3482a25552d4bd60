"""Determinism: the same seed gives the same training run, bit for bit, and threads do not
disturb each other.

- ``manual_seed(s)`` then a training run (initialisation, data, dropout masks, Adam) gives
  bit-identical losses and parameters when repeated; another seed gives another run (so the
  comparison can fail).
- Grad mode is thread-local: two threads training two models at once, each switching
  recording off for an evaluation now and then, get bit-identical results to training them
  one after the other. (The random generator is shared by all threads, as PyTorch's default
  generator is, so models that draw random numbers while training, dropout for one, would
  interleave their draws; the threaded models have no dropout.)
"""

import sys
import threading

import numpy as np
import pytest

import minigrad
from minigrad import nn, optim
from minigrad.nn import functional as F

from reliability_figures import record

STEPS = 25


# ---- same seed, same run ---------------------------------------------------------------------------
def _mlp():
    model = nn.Sequential(nn.Linear(6, 16), nn.ReLU(), nn.Dropout(0.3), nn.Linear(16, 3))
    x, y = minigrad.randn(10, 6), minigrad.randint(0, 3, size=(10,))
    return model, lambda: F.cross_entropy(model(x), y)


def _cnn():
    model = nn.Sequential(nn.Conv2d(2, 4, 3, padding=1), nn.ReLU(), nn.Dropout2d(0.25), nn.MaxPool2d(2),
                          nn.Flatten(), nn.Dropout(0.2), nn.Linear(4 * 3 * 3, 3))
    x, y = minigrad.randn(6, 2, 6, 6), minigrad.randint(0, 3, size=(6,))
    return model, lambda: F.cross_entropy(model(x), y)


def _lstm():
    model = nn.LSTM(4, 8, num_layers=2, dropout=0.3, batch_first=True)
    x, y = minigrad.randn(3, 5, 4), minigrad.randn(3, 5, 8)
    return model, lambda: F.mse_loss(model(x)[0], y)


def _run(make, seed):
    """Train from ``manual_seed(seed)``: (the losses, the final parameters) as NumPy arrays."""
    minigrad.manual_seed(seed)
    model, loss_fn = make()
    model.train()
    opt = optim.Adam(model.parameters(), lr=1e-2)
    losses = []
    for _ in range(STEPS):
        opt.zero_grad()
        loss = loss_fn()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return np.array(losses), [p.detach().numpy().copy() for p in model.parameters()]


def _same_bits(a, b):
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


@pytest.mark.parametrize("make", [_mlp, _cnn, _lstm], ids=["mlp", "cnn", "lstm"])
def test_same_seed_same_run(make):
    losses, params = _run(make, 7)
    again_losses, again_params = _run(make, 7)
    assert _same_bits(losses, again_losses), f"losses differ:\n{losses}\n{again_losses}"
    for i, (p, q) in enumerate(zip(params, again_params)):
        assert _same_bits(p, q), f"parameter {i} differs after {STEPS} steps"
    other_losses, other_params = _run(make, 8)
    assert not _same_bits(losses, other_losses), "seeds 7 and 8 gave the same run: the seed is not used"
    record(f"determinism_{make.__name__.strip('_')}", {"steps": STEPS, "parameters": len(params), "runs": 3})


def test_dropout_draws_from_the_seed():
    """Dropout masks alone (same weights, same data) repeat after manual_seed, and differ without it."""
    x = minigrad.ones(1000)
    minigrad.manual_seed(3)
    a = F.dropout(x, 0.5, training=True).numpy()
    b = F.dropout(x, 0.5, training=True).numpy()
    minigrad.manual_seed(3)
    c = F.dropout(x, 0.5, training=True).numpy()
    assert _same_bits(a, c)
    assert not _same_bits(a, b)


# ---- threads ---------------------------------------------------------------------------------------
def _model(seed):
    minigrad.manual_seed(seed)
    return nn.Sequential(nn.Linear(5, 12), nn.Tanh(), nn.Linear(12, 2)), minigrad.randn(16, 5), minigrad.randn(16, 2)


def _train_alone(model, x, y, log, start=None):
    """SGD steps, each preceded by an evaluation under no_grad (which must not leak into the
    other thread's training, nor theirs into ours)."""
    opt = optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    if start is not None:
        start.wait()
    for _ in range(4 * STEPS):
        with minigrad.no_grad():
            seen = model(x).sum().item()
        assert minigrad.is_grad_enabled(), "recording is off after leaving no_grad: another thread's mode leaked"
        opt.zero_grad()
        loss = F.mse_loss(model(x), y)
        assert loss.requires_grad, "recording was off while training: grad mode leaked from another thread"
        loss.backward()
        opt.step()
        log.append((seen, loss.item()))


def test_two_threads_match_one_after_the_other():
    first, second = _model(1), _model(2)
    states = [m.state_dict() for m, _, _ in (first, second)]
    states = [{k: v.clone() for k, v in s.items()} for s in states]

    alone = [[], []]
    for (model, x, y), log in zip((first, second), alone):
        _train_alone(model, x, y, log)
    alone_params = [[p.numpy().copy() for p in m.parameters()] for m, _, _ in (first, second)]

    for (model, _, _), state in zip((first, second), states):  # back to the starting weights
        model.load_state_dict(state)
    together, errors, start = [[], []], [], threading.Barrier(2)

    def work(model, x, y, log):
        try:
            _train_alone(model, x, y, log, start)
        except BaseException as e:  # noqa: BLE001 - reported by the main thread
            errors.append(e)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # switch threads as often as possible: the steps interleave
    try:
        threads = [threading.Thread(target=work, args=(m, x, y, log))
                   for (m, x, y), log in zip((first, second), together)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(interval)
    assert not errors, errors[0]
    for k in range(2):
        assert together[k] == alone[k], f"model {k}: the threaded run differs from the one run alone"
        for i, (p, q) in enumerate(zip(alone_params[k], (p.numpy() for p in (first, second)[k][0].parameters()))):
            assert _same_bits(p, q), f"model {k}, parameter {i}: threaded and alone runs differ"
    record("determinism_threads", {"steps": 4 * STEPS, "threads": 2})


def test_grad_mode_does_not_cross_threads():
    """no_grad in the main thread leaves a new thread recording, and the other way round."""
    seen = []
    with minigrad.no_grad():
        t = threading.Thread(target=lambda: seen.append(minigrad.is_grad_enabled()))
        t.start()
        t.join()
        assert not minigrad.is_grad_enabled()
    assert seen == [True]

    inside = threading.Event()
    leave = threading.Event()

    def hold_no_grad():
        with minigrad.no_grad():
            inside.set()
            leave.wait(5)

    t = threading.Thread(target=hold_no_grad)
    t.start()
    inside.wait(5)
    try:
        assert minigrad.is_grad_enabled()
        w = minigrad.ones(3, requires_grad=True)
        assert (w * 2).requires_grad
    finally:
        leave.set()
        t.join()
