"""Generic tests over the op registry: every entry, every check.

Each test is parametrized over ``all_entries()``; hypothesis draws the seed of the numpy
Generator handed to ``sample_inputs`` (derandomized under the ``ci`` profile, and seed 0,
the one ``python -m minigrad.testing`` uses, always included). The checks themselves live
in ``minigrad.testing.checks``; a failure message names the op, the sample and what differs.

A final test walks ``minigrad.ops`` and fails for any Function no entry lists.
"""

import importlib
import inspect
import io
import pkgutil
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import example, given, settings

import minigrad.ops
from minigrad.autograd.function import Function
from minigrad.testing import OpInfo, Sample, all_entries, checks, report
from minigrad.testing import strategies as S
from minigrad.testing.registry import functions_covered

ENTRIES = all_entries()
IDS = [e.name for e in ENTRIES]
by_entry = pytest.mark.parametrize("entry", ENTRIES, ids=IDS)


def samples(entry, seed):
    return entry.samples(np.random.default_rng(seed))


def run_check(check, entry, seed, **kwargs):
    """Run ``check`` on every sample of ``entry``; fail with every failing sample's message."""
    failures = []
    for i, sample in enumerate(samples(entry, seed)):
        result = check(entry, sample, **kwargs)
        if result is not None and not result.ok:
            failures.append(f"sample {i} (seed {seed}, kwargs {sample.kwargs}):\n{result.message}")
    assert not failures, "\n\n".join(failures)


# ---- the registry is well formed ------------------------------------------------------------------


def test_entry_names_are_unique():
    seen = {}
    for e in ENTRIES:
        assert e.name not in seen, f"two entries are named {e.name!r}"
        seen[e.name] = e


@by_entry
def test_entry_is_well_formed(entry):
    for f in entry.functions:
        assert inspect.isclass(f) and issubclass(f, Function), f"{entry.name}: {f!r} is not a Function class"
    first, again = samples(entry, 7), samples(entry, 7)
    assert first, f"{entry.name}: sample_inputs returned no samples"
    for i, (s, t) in enumerate(zip(first, again)):
        assert isinstance(s, Sample), f"{entry.name}: sample {i} is {type(s).__name__}, not Sample"
        floats = s.float_positions()
        for p in floats:
            assert s.args[p].dtype == np.float64, f"{entry.name}: sample {i} arg {p} is {s.args[p].dtype}"
        assert set(s.grad_positions()) <= set(floats), \
            f"{entry.name}: sample {i} asks grad for args {s.grad_positions()}, float arrays are at {floats}"
        for p in floats:  # the same seed gives the same samples
            np.testing.assert_array_equal(s.args[p], t.args[p], err_msg=f"{entry.name}: sample {i} arg {p}")


def _function_classes():
    """Every Function subclass defined in a module of minigrad.ops (abstract bases excluded)."""
    found = {}
    for info in pkgutil.walk_packages(minigrad.ops.__path__, minigrad.ops.__name__ + "."):
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if (issubclass(cls, Function) and cls.__module__.startswith("minigrad.ops")
                    and cls.forward is not Function.forward):
                found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return found


def test_every_function_in_ops_has_an_entry():
    covered = functions_covered()
    missing = sorted(name for name, cls in _function_classes().items() if cls not in covered)
    assert not missing, ("Function classes in minigrad.ops that no registry entry lists in functions= "
                         "(add an OpInfo in minigrad/testing/entries/):\n  " + "\n  ".join(missing))


# ---- gradients ----------------------------------------------------------------------------------


@by_entry
@settings(max_examples=2)
@given(seed=S.seeds())
@example(seed=0)
def test_gradcheck(entry, seed):
    run_check(checks.gradcheck, entry, seed)


@by_entry
@settings(max_examples=1)
@given(seed=S.seeds())
@example(seed=0)
def test_gradgradcheck(entry, seed):
    if not entry.double_backward:
        pytest.skip(f"{entry.name} does not support double backward")
    run_check(checks.gradgradcheck, entry, seed)


# ---- dtypes, broadcasting, memory layout ------------------------------------------------------------


@by_entry
@settings(max_examples=2)
@given(seed=S.seeds())
@example(seed=0)
def test_float32_in_float32_out(entry, seed):
    if not entry.float32:
        pytest.skip(f"{entry.name} opts out of the float32 check")
    run_check(checks.float32, entry, seed)


@pytest.mark.parametrize("entry", [e for e in ENTRIES if e.broadcasts], ids=[e.name for e in ENTRIES if e.broadcasts])
@settings(max_examples=2)
@given(seed=S.seeds())
@example(seed=0)
def test_broadcasting(entry, seed):
    variants = [v for s in samples(entry, seed) for v in checks.broadcast_variants(s)]
    assert variants, f"{entry.name}: broadcasts=True but no sample has two float inputs to broadcast"
    run_check(checks.broadcast, entry, seed)


@by_entry
@settings(max_examples=2)
@given(seed=S.seeds())
@example(seed=0)
def test_noncontiguous_inputs(entry, seed):
    for sample in samples(entry, seed):  # the variant really is non-contiguous
        for a in checks.noncontiguous_sample(sample).args:
            if isinstance(a, np.ndarray) and a.dtype.kind == "f" and a.size > 1:
                assert not a.flags.c_contiguous
    run_check(checks.noncontig, entry, seed)


# ---- references: PyTorch, the GPU ---------------------------------------------------------------------


TORCH_ENTRIES = [e for e in ENTRIES if e.torch_fn is not None]


@pytest.mark.torch
@pytest.mark.parametrize("entry", TORCH_ENTRIES, ids=[e.name for e in TORCH_ENTRIES])
@settings(max_examples=1)
@given(seed=S.seeds())
@example(seed=0)
def test_torch_parity(entry, seed, torch):
    run_check(checks.torch_parity, entry, seed, torch=torch)


@pytest.mark.gpu
@by_entry
def test_gpu_matches_cpu(entry):
    run_check(checks.device, entry, 0, device="cuda")
    run_check(checks.gradcheck, entry, 0, device="cuda")


# ---- the checks and the report fail when they should ---------------------------------------------------


class _RightScale(Function):
    @staticmethod
    def forward(ctx, x):
        return 3.0 * x

    @staticmethod
    def backward(ctx, g):
        return 3.0 * g


class _WrongScale(_RightScale):
    @staticmethod
    def backward(ctx, g):
        return 2.0 * g


def _scale_samples(rng):
    return [Sample((S.smooth_normal(rng, (2, 3)),))]


GOOD = OpInfo("scale3", _RightScale.apply, _scale_samples, functions=(_RightScale,),
              torch_fn=lambda torch, x: 3.0 * x)
BAD = OpInfo("scale3_wrong", _WrongScale.apply, _scale_samples, functions=(_WrongScale,),
             torch_fn=lambda torch, x: 3.0 * x)


def test_checks_fail_on_a_wrong_backward(torch):
    sample = _scale_samples(np.random.default_rng(0))[0]
    assert checks.gradcheck(GOOD, sample).ok
    assert not checks.gradcheck(BAD, sample).ok
    assert checks.torch_parity(GOOD, sample, torch).ok
    wrong = checks.torch_parity(BAD, sample, torch)
    assert not wrong.ok and "gradient 0" in wrong.message


def test_report_prints_a_table_and_fails_on_a_wrong_op(monkeypatch, capsys):
    out = io.StringIO()
    rows = report.run([GOOD, BAD], out=out)
    text = out.getvalue()
    assert "max abs err" in text and "scale3_wrong" in text
    verdicts = {(r.op, r.check): r.ok for r in rows}
    assert verdicts[("scale3", "gradcheck")] and verdicts[("scale3", "float32")]
    assert not verdicts[("scale3_wrong", "gradcheck")]
    monkeypatch.setattr(report, "all_entries", lambda: [GOOD, BAD])
    assert report.main(["--op", "scale3"]) == 1
    shown = capsys.readouterr().out
    assert "FAIL" in shown and "scale3_wrong: gradcheck failed" in shown
    assert report.main(["--op", "scale3", "--check", "float32"]) == 0
    assert report.main(["--op", "no_such_op"]) == 2


def test_python_dash_m_minigrad_testing():
    name = next((e.name for e in ENTRIES if e.name == "exp"), ENTRIES[0].name if ENTRIES else "none")
    proc = subprocess.run([sys.executable, "-m", "minigrad.testing", "--op", name], capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "gradcheck" in proc.stdout and "0 failed" in proc.stdout
