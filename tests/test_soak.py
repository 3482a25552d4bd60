"""Soak tests: thousands of training steps of a small CNN and of a small LSTM.

Each step is a real training step (zero_grad, forward, loss, backward, clip or not, optimizer
step) on tiny shapes, so a step takes about a millisecond. After a warm-up (optimizer state,
allocator pools), the soak runs with the garbage collector off, so only reference counting
frees anything, and checks that

- resident memory (RSS, from /proc/self/statm) grows by less than ``MAX_GROWTH`` of itself;
- the number of live minigrad objects (tensors, graph nodes, ...) is exactly what it was;
- every few hundred steps, the graph is freed: the tensors a backward saved are gone right
  after ``backward()`` (while the loss is still alive), and every node and output tensor is
  gone once the loss is dropped, without the garbage collector (weak references);
- a final ``gc.collect()`` finds no minigrad object in a reference cycle.

The figures (steps, seconds, memory before and after) go to
$MINIGRAD_RELIABILITY_DIR/soak_<model>.json when that variable is set.
"""

import gc
import os
import time
import weakref
from collections import Counter

import numpy as np
import pytest

import minigrad
from minigrad import nn, optim
from minigrad.autograd.function import Function
from minigrad.nn import functional as F

from reliability_figures import record

STEPS = int(os.environ.get("MINIGRAD_SOAK_STEPS", "4000"))
WARMUP = 300
PROBE_EVERY = 250
MAX_GROWTH = 0.03  # of the resident memory after warm-up

pytestmark = pytest.mark.slow


def _rss():
    """Resident memory of this process in bytes, or None where /proc is missing."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def _is_minigrad(obj):
    module = getattr(type(obj), "__module__", None)
    return isinstance(module, str) and module.startswith("minigrad")


def _minigrad_objects():
    """How many live objects of each minigrad type the garbage collector tracks."""
    return Counter(type(o).__qualname__ for o in gc.get_objects() if _is_minigrad(o))


def _graph(loss):
    """Weak references to every node of the graph that made ``loss``."""
    seen, stack = {}, [loss.grad_fn]
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen[id(node)] = node
        stack.extend(e[0] for e in node.edges if e is not None and isinstance(e[0], Function))
    return [weakref.ref(n) for n in seen.values()]


def _alive(refs):
    return sum(r() is not None for r in refs)


# ---- the two models ----------------------------------------------------------------------------
class CNN:
    """conv -> relu -> max-pool -> dropout -> flatten -> linear on 8x8 images, Adam."""

    def __init__(self):
        self.model = nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Dropout(0.1),
                                   nn.Flatten(), nn.Linear(4 * 3 * 3, 3))
        self.opt = optim.Adam(self.model.parameters(), lr=1e-2)
        self.x = minigrad.randn(8, 1, 8, 8)
        self.y = minigrad.tensor(np.arange(8) % 3)

    def step(self, probe=False):
        """One training step; returns (loss value, the check's failure message or None)."""
        self.opt.zero_grad()
        h, activations = self.x, []
        for layer in self.model:
            h = layer(h)
            activations.append(weakref.ref(h))
        loss = F.cross_entropy(h, self.y)
        nodes = _graph(loss) if probe else []
        del h
        loss.backward()
        self.opt.step()
        # the activations before the logits are held by nothing but the graph's saved tensors
        problem = _saved_freed(activations[:-1]) if probe else None
        value, refs = loss.item(), nodes + [weakref.ref(loss)] + activations
        del loss
        return value, problem or (_graph_freed(refs) if probe else None)


class LSTM:
    """A one-layer LSTM over 6 steps and a linear head on its last output, SGD with momentum
    and gradient clipping."""

    def __init__(self):
        self.lstm, self.head = nn.LSTM(4, 8, batch_first=True), nn.Linear(8, 2)
        self.params = list(self.lstm.parameters()) + list(self.head.parameters())
        self.opt = optim.SGD(self.params, lr=0.05, momentum=0.9)
        self.x, self.y = minigrad.randn(4, 6, 4), minigrad.randn(4, 2)

    def step(self, probe=False):
        self.opt.zero_grad()
        out, (h_n, c_n) = self.lstm(self.x)
        last = out[:, -1]
        pred = self.head(last)
        loss = F.mse_loss(pred, self.y)
        nodes = _graph(loss) if probe else []
        outputs = [weakref.ref(t) for t in (out, h_n, c_n, last, pred)]
        del out, h_n, c_n, last, pred
        loss.backward()
        nn.utils.clip_grad_norm_(self.params, 1.0)
        self.opt.step()
        problem = _saved_freed(outputs) if probe else None
        value, refs = loss.item(), nodes + [weakref.ref(loss)] + outputs
        del loss
        return value, problem or (_graph_freed(refs) if probe else None)


def _saved_freed(refs):
    """None when the tensors in ``refs`` (held by nothing but the graph) are gone after backward."""
    if _alive(refs):
        return f"{_alive(refs)} intermediate tensors outlived backward() (saved tensors not freed)"
    return None


def _graph_freed(refs):
    """None when the nodes and tensors in ``refs`` are gone once the loss is dropped."""
    if _alive(refs):
        return f"{_alive(refs)} graph nodes or tensors outlived the loss (a reference cycle?)"
    return None


# ---- the soak ------------------------------------------------------------------------------------
@pytest.mark.parametrize("make", [CNN, LSTM], ids=["cnn", "lstm"])
def test_soak(make):
    minigrad.manual_seed(0)
    trainer = make()
    first = trainer.step()[0]
    for _ in range(WARMUP - 1):
        trainer.step()
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        objects_before, rss_before = _minigrad_objects(), _rss()
        start = time.perf_counter()
        problems, probes = [], 0
        for i in range(STEPS):
            probe = i % PROBE_EVERY == 0
            last, problem = trainer.step(probe)
            probes += probe
            if problem:
                problems.append(f"step {i}: {problem}")
        seconds = time.perf_counter() - start
        rss_after, objects_after = _rss(), _minigrad_objects()
        gc.set_debug(gc.DEBUG_SAVEALL)  # what the collector finds stays in gc.garbage, to be named
        gc.collect()
        cyclic = Counter(type(o).__qualname__ for o in gc.garbage if _is_minigrad(o))
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if enabled:
            gc.enable()

    growth = None if rss_before is None else (rss_after - rss_before) / rss_before
    record(f"soak_{make.__name__.lower()}", {
        "steps": STEPS, "warmup": WARMUP, "seconds": round(seconds, 2), "probes": probes,
        "rss_before_mb": None if rss_before is None else round(rss_before / 2**20, 2),
        "rss_after_mb": None if rss_after is None else round(rss_after / 2**20, 2),
        "growth_percent": None if growth is None else round(100 * growth, 3),
        "loss_first": first, "loss_last": last,
    })
    assert not problems, "\n".join(problems[:5])
    assert not cyclic, f"reference cycles of minigrad objects left for the garbage collector: {dict(cyclic)}"
    assert objects_after == objects_before, \
        f"live minigrad objects changed over {STEPS} steps: {dict(objects_before)} -> {dict(objects_after)}"
    if growth is not None:
        assert growth < MAX_GROWTH, (f"resident memory grew by {100 * growth:.2f}% over {STEPS} steps "
                                     f"({rss_before / 2**20:.1f} MiB -> {rss_after / 2**20:.1f} MiB)")
    assert last < first, f"the loss did not go down ({first} -> {last}): the steps are not training"


def test_a_leak_is_caught():
    """The checks can fail: a graph kept alive on purpose (a list of losses) is reported."""
    minigrad.manual_seed(0)
    trainer, kept = CNN(), []
    objects_before = _minigrad_objects()
    for _ in range(5):
        trainer.opt.zero_grad()
        loss = F.cross_entropy(trainer.model(trainer.x), trainer.y)
        loss.backward()
        kept.append(loss)  # holds each loss, and with it its graph's nodes
    assert _minigrad_objects() != objects_before

    loss = F.cross_entropy(trainer.model(trainer.x), trainer.y)
    refs = _graph(loss)
    loss.grad_fn.loop = loss  # node -> loss -> node: a reference cycle
    enabled = gc.isenabled()
    gc.disable()
    try:
        del loss
        assert _alive(refs) > 0  # reference counting alone cannot free a cycle
    finally:
        if enabled:
            gc.enable()
    gc.collect()
    assert _alive(refs) == 0
