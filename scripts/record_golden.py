"""Record PyTorch's outputs and gradients for the op registry into tests/golden/ (needs torch).

    python scripts/record_golden.py            # every entry with a torch_fn
    python scripts/record_golden.py relu gelu  # only these entries (the others are kept)

For each registry entry with a ``torch_fn``: its samples at seed 0, and for each sample
torch's float outputs and the gradients of sum(w * outputs) for the fixed weights w the
registry's checks use (``checks.WEIGHT_SEED``). They go into one compressed ``.npz`` per
entries module (``tests/golden/<module>.npz``), and ``tests/golden/index.json`` lists every
entry: its file, the number of samples, a fingerprint of each sample's inputs (so a changed
sample generator is noticed), or why it was not recorded (random outputs, or torch failing).

``tests/test_golden.py`` then checks minigrad against these files on any machine, torch or
not. Re-run this script after adding or changing entries; it is deterministic, so an
unchanged entry gets the same numbers again.
"""

import hashlib
import json
import os
import re
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GOLDEN = ROOT / "tests" / "golden"
SEED = 0  # the seed of the numpy Generator handed to sample_inputs


def _stable_repr(value):
    """repr without memory addresses (``<function f at 0x7f...>``), the same in every process."""
    return re.sub(r" at 0x[0-9a-fA-F]+", "", repr(value))


def _stable_bytes(a):
    """An array's bytes, floats cut to float32 with 15 mantissa bits: samples built with BLAS or
    LAPACK (an orthogonal Q, A Aᵀ) differ in their last bits from one CPU to another, and that
    is not a changed sample."""
    a = np.ascontiguousarray(a)
    if a.dtype.kind == "c":
        a = np.stack([a.real, a.imag], axis=-1)
    if a.dtype.kind == "f":
        return (a.astype(np.float32).view(np.uint32) & np.uint32(0xFFFFFF00)).tobytes()
    return a.tobytes()


def fingerprint(sample):
    """A short hash of a sample's arguments (arrays by dtype, shape and rounded bytes; the rest
    by repr)."""
    h = hashlib.sha256()
    for a in sample.args:
        if isinstance(a, np.ndarray):
            h.update(f"{a.dtype}{a.shape}".encode())
            h.update(_stable_bytes(a))
        else:
            h.update(_stable_repr(a).encode())
    h.update(_stable_repr(sorted(sample.kwargs.items(), key=lambda kv: kv[0])).encode())
    return h.hexdigest()[:16]


def key(entry_name, sample_index, what):
    return f"{entry_name}|{sample_index}|{what}"


def torch_results(torch, entry, sample):
    """torch's float outputs and the gradients of sum(w * outputs) w.r.t. the inputs requiring
    grad (None where an input gets none), as float64 arrays."""
    from minigrad.testing import checks
    from minigrad.testing.gradcheck import _flatten

    t_args = checks._torch_args(torch, sample)
    t_wrt = [a for a in t_args if isinstance(a, torch.Tensor) and a.requires_grad]
    t_outs = [o for o in _flatten(entry.torch_fn(torch, *t_args, **sample.kwargs))
              if isinstance(o, torch.Tensor) and o.is_floating_point()]
    outs = [o.detach().numpy().astype(np.float64) for o in t_outs]
    weights = checks._weights(outs)
    live = [(t, w) for t, w in zip(t_outs, weights) if t.requires_grad]
    grads = [None] * len(t_wrt)
    if live and t_wrt:
        found = torch.autograd.grad([t for t, _ in live], t_wrt, [torch.from_numpy(w) for _, w in live],
                                    allow_unused=True)
        grads = [None if g is None else g.numpy().astype(np.float64) for g in found]
    return outs, grads


def is_random(torch, entry, samples):
    """True when torch gives different outputs for two seeds (dropout and the like)."""
    for sample in samples:
        torch.manual_seed(0)
        a, _ = torch_results(torch, entry, sample)
        torch.manual_seed(1)
        b, _ = torch_results(torch, entry, sample)
        if any(x.shape != y.shape or not np.array_equal(x, y, equal_nan=True) for x, y in zip(a, b)):
            return True
    return False


def record(torch, entry, arrays):
    """Add one entry's records to ``arrays``; return its index record."""
    samples = entry.samples(np.random.default_rng(SEED))
    info = {"samples": len(samples), "fingerprints": [fingerprint(s) for s in samples]}
    try:
        if is_random(torch, entry, samples):
            return {**info, "skipped": "its outputs are random"}
        for i, sample in enumerate(samples):
            torch.manual_seed(0)
            outs, grads = torch_results(torch, entry, sample)
            arrays[key(entry.name, i, "n_out")] = np.array(len(outs))
            for k, o in enumerate(outs):
                arrays[key(entry.name, i, f"out{k}")] = o
            arrays[key(entry.name, i, "n_grad")] = np.array(len(grads))
            for k, g in enumerate(grads):
                if g is not None:
                    arrays[key(entry.name, i, f"grad{k}")] = g
    except Exception as e:  # torch refuses the sample: say so instead of recording nothing silently
        return {**info, "skipped": f"torch failed: {type(e).__name__}: {str(e).splitlines()[0][:200]}"}
    return info


def main(names):
    import torch

    from minigrad.testing.registry import entry_modules

    GOLDEN.mkdir(parents=True, exist_ok=True)
    index_path = GOLDEN / "index.json"
    index = json.loads(index_path.read_text()) if index_path.exists() else {}
    wanted = set(names)
    seen = set()
    for module in entry_modules():
        family = module.__name__.rsplit(".", 1)[-1]
        entries = [e for e in module.ENTRIES if e.torch_fn is not None]
        if not entries:
            continue
        path = GOLDEN / f"{family}.npz"
        arrays = {}
        if wanted and path.exists():  # keep the other entries' records of this file
            with np.load(path) as old:
                arrays = {k: old[k] for k in old.files if k.split("|", 1)[0] not in wanted}
        for entry in entries:
            seen.add(entry.name)
            if wanted and entry.name not in wanted:
                continue
            index[entry.name] = {"file": path.name, **record(torch, entry, arrays)}
            status = index[entry.name].get("skipped", "recorded")
            print(f"{entry.name:32s} {status}")
        if arrays or not wanted:
            np.savez_compressed(path, **dict(sorted(arrays.items())))
    for name in list(index):  # entries that no longer exist
        if name not in seen:
            del index[name]
    index_path.write_text(json.dumps(dict(sorted(index.items())), indent=1) + "\n")
    total = sum(os.path.getsize(p) for p in GOLDEN.iterdir())
    print(f"{len(index)} entries in {index_path.relative_to(ROOT)}; tests/golden/ holds {total / 1e6:.2f} MB")


if __name__ == "__main__":
    main(sys.argv[1:])
