"""Parity with PyTorch on every machine: minigrad against PyTorch's recorded outputs and gradients.

``scripts/record_golden.py`` (run where torch is installed) stores, for each registry entry
with a ``torch_fn``, torch's float64 outputs and gradients on the entry's samples at seed 0
into ``tests/golden/``. This test recomputes them with minigrad and compares with the same
tight tolerances as the live parity test (``torch_rtol``/``torch_atol``, default 1e-7/1e-9).
It fails for an entry with a ``torch_fn`` but no record, and for a record made from other
samples than the entry now gives: both mean "re-run python scripts/record_golden.py".
"""

import json
from pathlib import Path

import numpy as np
import pytest

from minigrad.testing import all_entries, checks
from minigrad.testing.gradcheck import CheckResult

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
RERUN = "run `python scripts/record_golden.py {}` (needs torch) and commit tests/golden/"

import importlib.util as _util  # noqa: E402

_spec = _util.spec_from_file_location("record_golden", ROOT / "scripts" / "record_golden.py")
record_golden = _util.module_from_spec(_spec)
_spec.loader.exec_module(record_golden)

INDEX = json.loads((GOLDEN / "index.json").read_text()) if (GOLDEN / "index.json").exists() else {}
TORCH_ENTRIES = [e for e in all_entries() if e.torch_fn is not None]
_files = {}


def _arrays(name):
    if name not in _files:
        with np.load(GOLDEN / name) as f:
            _files[name] = {k: f[k] for k in f.files}
    return _files[name]


def test_golden_files_are_small():
    total = sum(p.stat().st_size for p in GOLDEN.iterdir())
    assert total < 5e6, f"tests/golden/ holds {total / 1e6:.1f} MB; keep the samples small"


@pytest.mark.parametrize("entry", TORCH_ENTRIES, ids=[e.name for e in TORCH_ENTRIES])
def test_matches_recorded_pytorch(entry):
    record = INDEX.get(entry.name)
    assert record is not None, f"{entry.name} has a torch_fn but no golden record: " + RERUN.format(entry.name)
    samples = entry.samples(np.random.default_rng(record_golden.SEED))
    prints = [record_golden.fingerprint(s) for s in samples]
    assert prints == record["fingerprints"], (
        f"{entry.name}: its samples changed since the golden record was made: " + RERUN.format(entry.name))
    if "skipped" in record:
        pytest.skip(f"{entry.name}: not recorded ({record['skipped']})")
    failures = compare_to_record(entry, samples, _arrays(record["file"]))
    assert not failures, "\n\n".join(failures)


def compare_to_record(entry, samples, arrays):
    """The failure messages of minigrad's outputs and gradients against the recorded ones."""
    rtol, atol = entry.extra.get("torch_rtol", 1e-7), entry.extra.get("torch_atol", 1e-9)
    failures = []
    for i, sample in enumerate(samples):
        outs, wrt, grads = checks._run(entry, sample)
        result, label = CheckResult(), f"{entry.name} vs recorded torch"
        n_out = int(arrays[record_golden.key(entry.name, i, "n_out")])
        if len(outs) != n_out:
            result.fail(f"{label}: {len(outs)} float outputs, torch gave {n_out}")
        else:
            for k, o in enumerate(outs):
                checks._compare(result, f"{label}: output {k}", o.array,
                                arrays[record_golden.key(entry.name, i, f"out{k}")], rtol, atol)
            n_grad = int(arrays[record_golden.key(entry.name, i, "n_grad")])
            if n_grad and len(wrt) != n_grad:
                result.fail(f"{label}: {len(wrt)} inputs require grad, torch had {n_grad}")
            elif n_grad:
                for k, (g, x) in enumerate(zip(grads, wrt)):
                    want = arrays.get(record_golden.key(entry.name, i, f"grad{k}"))
                    if g is None and want is None:
                        continue
                    checks._compare(result, f"{label}: gradient {k} (input shape {tuple(x.shape)})",
                                    np.zeros(x.shape) if g is None else g.array,
                                    np.zeros(x.shape) if want is None else want, rtol, atol)
        if not result.ok:
            failures.append(f"sample {i} (kwargs {sample.kwargs}):\n{result.message}")
    return failures


def test_a_wrong_record_is_caught():
    entry = next(e for e in TORCH_ENTRIES if "skipped" not in INDEX.get(e.name, {"skipped": 1}))
    samples = entry.samples(np.random.default_rng(record_golden.SEED))
    arrays = dict(_arrays(INDEX[entry.name]["file"]))
    assert not compare_to_record(entry, samples, arrays)
    k = record_golden.key(entry.name, 0, "out0")
    arrays[k] = arrays[k] * (1 + 1e-5)
    assert compare_to_record(entry, samples, arrays)
    g = record_golden.key(entry.name, 0, "grad0")
    if g in arrays:
        arrays = dict(_arrays(INDEX[entry.name]["file"]))
        arrays[g] = arrays[g] + 1e-4
        assert compare_to_record(entry, samples, arrays)


def test_every_record_belongs_to_an_entry():
    names = {e.name for e in TORCH_ENTRIES}
    stale = sorted(set(INDEX) - names)
    assert not stale, f"golden records without an entry: {stale}: " + RERUN.format("")


def test_the_run_ends_saying_how_many_live_parity_tests_skipped(tmp_path):
    import subprocess
    import sys

    (tmp_path / "torch.py").write_text("raise ModuleNotFoundError(\"No module named 'torch' (hidden for this test)\", name='torch')\n")
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          "-W", "ignore::DeprecationWarning", "tests/test_facades.py::test_matmul_precision_matches_torch",
                          "tests/test_facades.py::test_utils_data_names_exist_in_torch"],
                         cwd=ROOT, env={**__import__("os").environ, "PYTHONPATH": str(tmp_path)},
                         capture_output=True, text=True, timeout=120)
    last = out.stdout.strip().splitlines()[-1]
    assert "2 skipped" in out.stdout and last.startswith("live PyTorch parity: 2 test(s) skipped"), out.stdout
    assert "torch" in last and "tests/test_golden.py" in last
