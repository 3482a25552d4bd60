"""The workloads W0-W7 of BENCHMARKS.md, written once for any PyTorch-shaped framework.

A workload never names minigrad or torch: it asks a ``Framework`` adapter (frameworks.py)
for ``nn``, ``optim``, ``F``, tensors and ``no_grad``, so both frameworks run exactly the
same model code.

Every workload builds its model, optimizer and one fixed input batch *before* timing and
returns zero-argument callables, one per case ("fwd", "fwd+bwd", "train step"); the
runner times those. The inputs are drawn once with NumPy (standard normal float32,
labels ``randint(0, 10)`` int64) and handed to both frameworks, so both see the same batch.
Parameters use each framework's default initialisers.

Each workload also lists the matrix products it needs (``floor``): timed alone with the array
module's own matmul, they give its NumPy floor. Another module adds a workload with
``register(Workload(...))``; the runner imports the modules named in ``EXTRA_MODULES`` that exist.
"""

from dataclasses import dataclass, field

import numpy as np

from .frameworks import FRAMEWORKS, Framework, FrameworkMissing, load_framework  # noqa: F401 (also importable from here)


# ---- a model container that needs nothing but layers ----------------------------------------------
class Stack:
    """Layers applied in order (like ``nn.Sequential``); plain callables (flatten) are allowed."""

    def __init__(self, fw, *layers):
        self.layers = [fw.to_device(l) if hasattr(l, "parameters") else l for l in layers]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self):
        return [p for l in self.layers if hasattr(l, "parameters") for p in l.parameters()]


def _flatten(x):
    return x.flatten(1)


# ---- the workloads ----------------------------------------------------------------------------------
@dataclass
class Case:
    """One timed thing: its label, its target and its forward GFLOP (W0 only).

    ``target`` is a ratio and ``target_of`` what it divides by: "floor" (minigrad / NumPy floor,
    the CPU targets of W1-W5), "torch" (minigrad / torch: W6, W7) or None (no target).
    """

    label: str
    target: float = None
    target_of: str = "floor"
    gflop: float = None


@dataclass
class Workload:
    """A workload: its cases, its sizes, how to build it and the products of its floor.

    ``sizes`` are the keyword arguments of ``make_data`` and ``floor`` (``batch`` is scaled by
    ``batch_scale``, x8 on a GPU). ``floor(**sizes)`` gives {case label: [Product, ...]}.
    ``measure``, when set, replaces the block timing: ``measure(args, frameworks, sizes)``
    returns the workload's rows itself (a workload that runs in other processes, say).
    ``in_default_run`` False leaves the workload out unless ``--only`` names it.
    """

    id: str
    title: str
    cases: tuple
    sizes: dict = field(default_factory=lambda: {"batch": 1})
    build: object = None  # build(fw, data) -> {case label: callable}
    make_data: object = None  # make_data(rng, **sizes) -> {name: numpy array}
    floor: object = None  # floor(**sizes) -> {case label: [Product, ...]}
    gpu_target: float = None  # minigrad / torch on a GPU, when there is a target
    ops: int = None  # ops in one forward pass (W7 prints the time per op)
    measure: object = None
    in_default_run: bool = True


@dataclass(frozen=True)
class Product:
    """``count`` calls of one matrix product (m, k) @ (k, n), batched over ``stack`` when given."""

    m: int
    k: int
    n: int
    count: int = 1
    stack: int = None

    @property
    def shapes(self):
        lead = () if self.stack is None else (self.stack,)
        return lead + (self.m, self.k), lead + (self.k, self.n)

    @property
    def key(self):
        """The product without its count: what is timed once."""
        return Product(self.m, self.k, self.n, 1, self.stack)

    def __str__(self):
        a, b = self.shapes
        text = f"{a}@{b}".replace(" ", "")
        return f"{self.count} x {text}" if self.count > 1 else text


def linear_products(n, i, o, input_grad=True):
    """y = x Wᵀ, x (n, i): forward (n,i)@(i,o); backward dW (o,n)@(n,i) and dx (n,o)@(o,i)."""
    fwd = [Product(n, i, o)]
    bwd = [Product(o, n, i)] + ([Product(n, o, i)] if input_grad else [])
    return fwd, bwd


def conv_products(positions, c, o, input_grad=True):
    """3x3 conv, stride 1, same padding, P positions: forward (P,C·9)@(C·9,O); backward
    dW (O,P)@(P,C·9) and dcols (P,O)@(O,C·9)."""
    fwd = [Product(positions, 9 * c, o)]
    bwd = [Product(o, positions, 9 * c)] + ([Product(positions, o, 9 * c)] if input_grad else [])
    return fwd, bwd


def _cases(fwd, bwd, train_label=None):
    """The floor of "fwd" and "fwd+bwd" (or of a train step alone) from the two product lists."""
    if train_label:
        return {train_label: fwd + bwd}
    return {"fwd": fwd, "fwd+bwd": fwd + bwd}


def _normal(rng, shape):
    return rng.standard_normal(shape, dtype=np.float32)


def _labels(rng, n):
    return rng.integers(0, 10, size=n, dtype=np.int64)


GEMM_N = 1024


def gemm_data(rng, batch):
    return {"a": _normal(rng, (GEMM_N, GEMM_N)), "b": _normal(rng, (GEMM_N, GEMM_N))}


def build_gemm(fw, data):
    """W0: A @ B, float32 1024x1024, on raw arrays (the machine's practical ceiling)."""
    a, b = fw.gemm_operand(data["a"]), fw.gemm_operand(data["b"])
    return {"GEMM": lambda: fw.matmul(a, b)}


def mlp_data(rng, batch):
    return {"x": _normal(rng, (batch, 784)), "y": _labels(rng, batch)}


def _train_step(fw, model, opt, x, y):
    def train_step():
        opt.zero_grad()
        loss = fw.F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()

    return train_step


def build_mlp(fw, data):
    """W1: 784-512-256-10 MLP with ReLU, mean cross-entropy, SGD(lr 0.01, momentum 0.9)."""
    nn = fw.nn
    model = Stack(fw, nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, 10))
    opt = fw.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x, y = fw.tensor(data["x"]), fw.tensor(data["y"])
    return {"train step": _train_step(fw, model, opt, x, y)}


def mlp_floor(batch):
    fwd, bwd = [], []
    for i, o, input_grad in ((784, 512, False), (512, 256, True), (256, 10, True)):
        f, b = linear_products(batch, i, o, input_grad)
        fwd, bwd = fwd + f, bwd + b
    return _cases(fwd, bwd, "train step")


def cnn_data(rng, batch):
    return {"x": _normal(rng, (batch, 1, 28, 28)), "y": _labels(rng, batch)}


def build_cnn(fw, data):
    """W2: two conv-ReLU-maxpool blocks, then 3136-128-10, mean cross-entropy, Adam(lr 1e-3)."""
    nn = fw.nn
    model = Stack(fw,
                  nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                  nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                  _flatten, nn.Linear(3136, 128), nn.ReLU(), nn.Linear(128, 10))
    opt = fw.optim.Adam(model.parameters(), lr=1e-3)
    x, y = fw.tensor(data["x"]), fw.tensor(data["y"])
    return {"train step": _train_step(fw, model, opt, x, y)}


def cnn_floor(batch):
    parts = [conv_products(batch * 28 * 28, 1, 32, input_grad=False), conv_products(batch * 14 * 14, 32, 64),
             linear_products(batch, 3136, 128), linear_products(batch, 128, 10)]
    return _cases([p for f, _ in parts for p in f], [p for _, b in parts for p in b], "train step")


def conv_data(rng, batch):
    return {"x": _normal(rng, (batch, 64, 32, 32))}


def build_conv(fw, data):
    """W3: Conv2d(64, 64, 3, stride 1, padding 1, bias); loss = sum(y), grads for x, weight, bias."""
    conv = fw.to_device(fw.nn.Conv2d(64, 64, 3, stride=1, padding=1, bias=True))
    x = fw.tensor(data["x"])
    xg = fw.tensor(data["x"], requires_grad=True)

    def fwd():
        with fw.no_grad():
            conv(x)

    def fwd_bwd():
        conv.zero_grad()
        xg.grad = None
        conv(xg).sum().backward()

    return {"fwd": fwd, "fwd+bwd": fwd_bwd}


def conv_floor(batch):
    return _cases(*conv_products(batch * 32 * 32, 64, 64))


def lstm_data(rng, batch, seq=64):
    return {"x": _normal(rng, (batch, seq, 64))}


def build_lstm(fw, data):
    """W4: LSTM(64, 256), 1 layer, batch-first, zero initial state; loss = sum of all outputs."""
    lstm = fw.to_device(fw.nn.LSTM(64, 256, num_layers=1, batch_first=True))
    x = fw.tensor(data["x"])

    def fwd():
        with fw.no_grad():
            lstm(x)

    def fwd_bwd():
        lstm.zero_grad()
        out, _ = lstm(x)
        out.sum().backward()

    return {"fwd": fwd, "fwd+bwd": fwd_bwd}


def lstm_floor(batch, seq=64, inputs=64, hidden=256):
    """The input projection of all steps at once, then one (B,H)@(H,4H) per step; backward:
    dW_ih and dW_hh over all steps at once, and the per-step dh (B,4H)@(4H,H)."""
    rows, gates = batch * seq, 4 * hidden
    fwd = [Product(rows, inputs, gates), Product(batch, hidden, gates, count=seq)]
    bwd = [Product(gates, rows, inputs), Product(gates, rows, hidden), Product(batch, gates, hidden, count=seq)]
    return _cases(fwd, bwd)


def mha_data(rng, batch, seq=128):
    return {"x": _normal(rng, (batch, seq, 256))}


def build_mha(fw, data):
    """W5: MultiheadAttention(256, 8 heads, batch_first, dropout 0, bias), self-attention, no mask,
    need_weights=False, train mode; loss = sum(out), parameter grads only."""
    mha = fw.to_device(fw.nn.MultiheadAttention(256, 8, dropout=0.0, bias=True, batch_first=True))
    mha.train()
    x = fw.tensor(data["x"])

    def fwd():
        with fw.no_grad():
            mha(x, x, x, need_weights=False)

    def fwd_bwd():
        mha.zero_grad()
        out, _ = mha(x, x, x, need_weights=False)
        out.sum().backward()

    return {"fwd": fwd, "fwd+bwd": fwd_bwd}


def mha_floor(batch, seq=128, embed=256, heads=8):
    """In-projection, the per-head products Q Kᵀ and P V, the out-projection; backward: the
    out-projection's dW and dx, dV = Pᵀ dO, dP = dO Vᵀ, dQ = dS K, dK = dSᵀ Q, the in-projection's dW."""
    tokens, hd, stack = batch * seq, embed // heads, batch * heads
    fwd = [Product(tokens, embed, 3 * embed), Product(seq, hd, seq, stack=stack),
           Product(seq, seq, hd, stack=stack), Product(tokens, embed, embed)]
    bwd = [Product(embed, tokens, embed), Product(tokens, embed, embed),
           Product(seq, seq, hd, stack=stack), Product(seq, hd, seq, stack=stack),
           Product(seq, seq, hd, stack=stack), Product(seq, seq, hd, stack=stack),
           Product(3 * embed, tokens, embed)]
    return _cases(fwd, bwd)


def tiny_data(rng, batch):
    return {"x": _normal(rng, (batch, 32)), "y": _labels(rng, batch)}


def build_tiny(fw, data):
    """W7: 32-16-16-10 MLP with ReLU at batch 1, cross-entropy, SGD(lr 0.01, momentum 0.9): all overhead."""
    nn = fw.nn
    model = Stack(fw, nn.Linear(32, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 10))
    opt = fw.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x, y = fw.tensor(data["x"]), fw.tensor(data["y"])

    def fwd():
        with fw.no_grad():
            fw.F.cross_entropy(model(x), y)

    def fwd_bwd():
        opt.zero_grad()
        fw.F.cross_entropy(model(x), y).backward()

    return {"fwd": fwd, "fwd+bwd": fwd_bwd, "train step": _train_step(fw, model, opt, x, y)}


WORKLOADS = {
    "W0": Workload("W0", "GEMM 1024x1024 f32", (Case("GEMM", None, None, 2 * GEMM_N ** 3 / 1e9),),
                   build=build_gemm, make_data=gemm_data),
    "W1": Workload("W1", "MLP", (Case("train step", 1.5),), {"batch": 256},
                   build=build_mlp, make_data=mlp_data, floor=mlp_floor),
    "W2": Workload("W2", "CNN", (Case("train step", 2.0),), {"batch": 64},
                   build=build_cnn, make_data=cnn_data, floor=cnn_floor, gpu_target=1.5),
    "W3": Workload("W3", "Conv2d", (Case("fwd", 1.2), Case("fwd+bwd", 1.3)), {"batch": 32},
                   build=build_conv, make_data=conv_data, floor=conv_floor, gpu_target=1.5),
    "W4": Workload("W4", "LSTM", (Case("fwd", 1.5), Case("fwd+bwd", 1.6)), {"batch": 32, "seq": 64},
                   build=build_lstm, make_data=lstm_data, floor=lstm_floor, gpu_target=1.5),
    "W5": Workload("W5", "MHA", (Case("fwd", 1.4), Case("fwd+bwd", 1.5)), {"batch": 16, "seq": 128},
                   build=build_mha, make_data=mha_data, floor=mha_floor, gpu_target=1.5),
    # W6 is measured by runner.measure_memory: W2 in a fresh process per framework.
    "W6": Workload("W6", "peak RSS, 20 W2 train steps", (Case("peak RSS", 0.6, "torch"),), {"batch": 64},
                   build=build_cnn, make_data=cnn_data),
    "W7": Workload("W7", "tiny MLP, batch 1",
                   (Case("fwd", None, None), Case("fwd+bwd", None, None), Case("train step", 1.0, "torch")),
                   {"batch": 1}, build=build_tiny, make_data=tiny_data, ops=6),
}

W6_STEPS = 20

# Modules that add workloads with ``register`` when they exist (imported by the runner).
EXTRA_MODULES = ["benchmarks.bert", "benchmarks.distributed"]


def register(workload):
    """Add ``workload`` to WORKLOADS (a module named in EXTRA_MODULES calls this when imported)."""
    if workload.id in WORKLOADS and WORKLOADS[workload.id] is not workload:
        raise ValueError(f"benchmark workload {workload.id} is already registered")
    WORKLOADS[workload.id] = workload
    return workload


def load_extra_workloads():
    """Import the EXTRA_MODULES that exist; {module: error} for any that failed to import."""
    import importlib
    import importlib.util

    errors = {}
    for name in EXTRA_MODULES:
        try:
            if importlib.util.find_spec(name) is None:
                continue
            importlib.import_module(name)
        except Exception as e:  # a broken extra module must not stop the other workloads
            errors[name] = f"{type(e).__name__}: {e}"
    return errors


def sizes_for(workload, batch_scale=1, **overrides):
    """The workload's sizes with ``overrides`` applied and the batch scaled."""
    sizes = dict(workload.sizes, **overrides)
    if "batch" in sizes:
        sizes["batch"] = sizes["batch"] * batch_scale
    return sizes


def build(workload, fw, batch_scale=1, seed=0, **overrides):
    """Build ``workload`` for ``fw``: {case label: callable}. Same seed -> same input batch."""
    fw.manual_seed(seed)
    rng = np.random.default_rng(seed)
    data = workload.make_data(rng, **sizes_for(workload, batch_scale, **overrides))
    return workload.build(fw, data)


def floor_products(workload, batch_scale=1, **overrides):
    """{case label: [Product, ...]} for ``workload`` at its sizes (empty when it has no floor)."""
    if workload.floor is None:
        return {}
    return workload.floor(**sizes_for(workload, batch_scale, **overrides))
