"""Regenerate docs/reliability.md: run the reliability tests and tabulate what they tried.

    python scripts/reliability_report.py                 # about two minutes; writes docs/reliability.md
    python scripts/reliability_report.py --output FILE   # somewhere else

The tests write their figures (calls fuzzed, soak steps and memory, cut points, ...) as JSON
files into the folder named by $MINIGRAD_RELIABILITY_DIR, which this script sets to a fresh
temporary folder; pytest's own JUnit XML report gives each test's outcome. No pytest plugin is
needed. Hypothesis runs derandomized (CI=true), so the fuzzed calls are the ones CI makes.
The script exits with status 1 when a test failed (the table then says which).
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TESTS = ["test_fuzz", "test_soak", "test_determinism", "test_extremes", "test_checkpoints",
         "test_inplace", "test_anomaly", "test_serialization", "test_crash_resume", "test_training_state"]


# ---- running the tests ---------------------------------------------------------------------------
def run_tests(folder):
    """Run the reliability test files; return {(file, test name): outcome} and pytest's exit code."""
    junit = os.path.join(folder, "junit.xml")
    env = dict(os.environ, CI="true", MINIGRAD_RELIABILITY_DIR=folder)
    env["PYTHONPATH"] = os.pathsep.join([ROOT] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    files = [os.path.join("tests", f"{t}.py") for t in TESTS]
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={junit}", *files]
    print("running:", " ".join(cmd[1:]), flush=True)
    code = subprocess.call(cmd, cwd=ROOT, env=env)
    return read_junit(junit), code


def read_junit(path):
    outcomes = {}
    if not os.path.exists(path):
        return outcomes
    for case in ET.parse(path).getroot().iter("testcase"):
        module = case.get("classname", "").split(".")
        test_file = next((m for m in module if m.startswith("test_")), "?")
        if case.find("failure") is not None or case.find("error") is not None:
            outcome = "failed"
        elif case.find("skipped") is not None:
            outcome = "skipped"
        else:
            outcome = "passed"
        outcomes[(test_file, case.get("name"))] = outcome
    return outcomes


def figures(folder):
    """The JSON files the tests wrote, by name (without .json)."""
    out = {}
    for name in sorted(os.listdir(folder)):
        if name.endswith(".json"):
            with open(os.path.join(folder, name)) as f:
                out[name[:-5]] = json.load(f)
    return out


# ---- the table -------------------------------------------------------------------------------------
def result(outcomes, test_file, prefixes=("",), what_passed="pass"):
    """'pass' (or ``what_passed``) when every selected test passed; otherwise what went wrong."""
    picked = [o for (f, name), o in outcomes.items()
              if f == test_file and any(name.startswith(p) for p in prefixes)]
    if not picked:
        return "not run"
    counts = Counter(picked)
    if counts["failed"]:
        return f"**FAIL**: {counts['failed']} of {len(picked)} tests failed"
    if counts["skipped"] == len(picked):
        return "skipped"
    skipped = f" ({counts['skipped']} skipped)" if counts["skipped"] else ""
    return what_passed + skipped


def tests_in(outcomes, test_file, prefixes=("",)):
    return sum(1 for (f, name) in outcomes if f == test_file and any(name.startswith(p) for p in prefixes))


def fuzz_rows(figs):
    """Per family of ops: entries, calls, agreed, refused (by error class)."""
    from minigrad.testing.registry import entry_modules

    family = {e.name: m.__name__.rsplit(".", 1)[-1] for m in entry_modules() for e in m.ENTRIES}
    by_family = defaultdict(Counter)
    entries = defaultdict(int)
    for key, stats in figs.items():
        if key.startswith("fuzz_"):
            name = key[len("fuzz_"):]
            fam = family.get(name, "?")
            entries[fam] += 1
            by_family[fam].update(stats)
    return entries, by_family


def refused(stats):
    """(number refused, 'ShapeError 12, DTypeError 3', number of those NumPy would have run)."""
    by_error, numpy_ok = Counter(), 0
    for outcome, n in stats.items():
        if outcome.startswith("rejected: "):
            error = outcome[len("rejected: "):].split(" ")[0]
            by_error[error] += n
            numpy_ok += n if "numpy accepts" in outcome else 0
    text = ", ".join(f"{e} {n}" for e, n in by_error.most_common())
    return sum(by_error.values()), text, numpy_ok


def table(outcomes, figs):
    entries, by_family = fuzz_rows(figs)
    total = Counter()
    for stats in by_family.values():
        total.update(stats)
    calls = sum(total.values())
    n_refused, refused_text, numpy_ok = refused(total)
    rows = [(
        f"Fuzzing every op of the registry ({sum(entries.values())} entries): each sample as is in "
        "float16/32/64, then mutated dtypes (bool, int32, int64, float16/32/64), shapes (0-d, zero-size "
        "and size-1 dims, random), argument values and values (0, ±1e4, ±inf, nan)",
        f"{calls} calls: {total['agreed']} agreed with the reference (NumPy, or float64 and PyTorch), "
        f"{n_refused} refused with a MinigradError ({refused_text}; NotCalled: the registry entry's "
        "own wrapper could not build the call, so the op was not run)",
        result(outcomes, "test_fuzz", what_passed="pass: no bare NumPy/Python error, wrong shape, "
                                                   "wrong dtype or wrong value"),
    )]
    for model, what in (("cnn", "conv, relu, max-pool, dropout, linear; Adam"),
                        ("lstm", "one-layer LSTM and a linear head; SGD with momentum, gradient clipping")):
        s = figs.get(f"soak_{model}")
        if s is None:
            rows.append((f"Soak: small {model.upper()}", "not run",
                         result(outcomes, "test_soak", (f"test_soak[{model}]",))))
            continue
        memory = ("RSS not measured (no /proc)" if s["growth_percent"] is None else
                  f"RSS {s['rss_before_mb']} → {s['rss_after_mb']} MiB ({s['growth_percent']:+.2f}%)")
        rows.append((
            f"Soak: small {model.upper()} ({what}), garbage collector off",
            f"{s['steps']} training steps after {s['warmup']} of warm-up ({s['seconds']} s); "
            f"{s['probes']} graph-freeing probes",
            result(outcomes, "test_soak", (f"test_soak[{model}]",),
                   f"pass: {memory}; live minigrad objects unchanged; graphs freed by reference counting; "
                   f"no reference cycles; loss {s['loss_first']:.3g} → {s['loss_last']:.3g}"),
        ))
    det = [figs.get(f"determinism_{m}") for m in ("mlp", "cnn", "lstm")]
    steps = next((d["steps"] for d in det if d), "?")
    rows.append((
        "Determinism: manual_seed then the same training run twice (MLP with dropout, CNN with "
        "dropout and dropout2d, 2-layer LSTM with dropout; Adam)",
        f"3 models × 3 runs of {steps} steps (the third with another seed)",
        result(outcomes, "test_determinism", ("test_same_seed", "test_dropout"),
               "pass: losses and parameters bit-identical; another seed differs"),
    ))
    threads = figs.get("determinism_threads", {})
    rows.append((
        "Threads: two models trained at once (each evaluating under no_grad between steps) vs one "
        "after the other",
        f"2 × {threads.get('steps', '?')} SGD steps, thread switches every 10 µs",
        result(outcomes, "test_determinism", ("test_two_threads", "test_grad_mode"),
               "pass: bit-identical; grad mode is thread-local"),
    ))
    rows.append((
        "Numerical extremes: cross-entropy and BCE-with-logits at ±1e4, sigmoid/tanh/softplus at ±1e4, "
        "log_softmax of equal inputs, -inf entries, fully masked attention rows, variance of a constant "
        "(floating point warnings as errors)",
        f"{tests_in(outcomes, 'test_extremes')} tests",
        result(outcomes, "test_extremes", what_passed="pass: finite, or the documented rule"),
    ))
    cut = figs.get("checkpoints_interrupted", {})
    rows.append((
        "Checkpoints: a save cut off by a full disk after n bytes, and by Ctrl-C",
        f"{cut.get('cuts', '?')} cut points over a {cut.get('size', '?')}-byte checkpoint, and 1 interrupt",
        result(outcomes, "test_checkpoints", ("test_a_save_cut", "test_an_interrupted"),
               "pass: previous checkpoint byte-identical, no temporary file left, model restored exactly"),
    ))
    trunc = figs.get("checkpoints_truncated", {})
    rows.append((
        "Checkpoints: truncated files (every length)",
        f"{trunc.get('cases', '?')} truncations",
        result(outcomes, "test_checkpoints", ("test_every_truncation",), "pass: every one refused (CheckpointError)"),
    ))
    bad = figs.get("checkpoints_corrupted", {})
    rows.append((
        "Checkpoints: random overwrites (1 to 64 random bytes at a random place)",
        f"{bad.get('cases', '?')} damaged files",
        result(outcomes, "test_checkpoints", ("test_random_overwrites",),
               f"pass: {bad.get('detected', '?')} refused, {bad.get('harmless', '?')} loaded unchanged "
               "(unread header bytes), none loaded other values"),
    ))
    rows.append((
        "Checkpoints: pickled content (a pickle, object arrays; pickle switched off while loading)",
        f"{tests_in(outcomes, 'test_checkpoints', ('test_loading_never',))} test, 3 files",
        result(outcomes, "test_checkpoints", ("test_loading_never",), "pass: refused, no code ran"),
    ))
    rows.append((
        "load_state_dict with wrong shapes, dtypes, values, missing and unexpected keys",
        f"{tests_in(outcomes, 'test_checkpoints', ('test_a_bad_state_dict', 'test_a_checkpoint_of'))} cases",
        result(outcomes, "test_checkpoints", ("test_a_bad_state_dict", "test_a_checkpoint_of"),
               "pass: every bad key named; the model unchanged, bit for bit"),
    ))
    rows += crash_rows(outcomes, figs)
    for test_file, what in (
            ("test_serialization", "Checkpoint format: round trips, damaged files, SIGKILL at random moments "
                                   "during saves (tests/test_serialization.py)"),
            ("test_inplace", "In-place ops with version counters, compared with PyTorch (tests/test_inplace.py)"),
            ("test_anomaly", "Anomaly detection: NaN/inf traced to the op and the user's line "
                             "(tests/test_anomaly.py)")):
        rows.append((what, f"{tests_in(outcomes, test_file)} tests", result(outcomes, test_file)))
    return rows, by_family, entries, numpy_ok


def crash_rows(outcomes, figs):
    """Training killed for real (tests/test_crash_resume.py) and the state it resumes from
    (tests/test_training_state.py)."""
    c = figs.get("crash_resume")
    if c is None:
        cases = "not run"
        passed = "pass"
    else:
        cases = (f"{c['kills']} SIGKILLs ({c['in_save']} inside a save, {c['in_training']} in training, "
                 f"{c['in_startup']} while starting up or loading), {c['restarts']} starts, {c['seconds']} s; "
                 f"kill moments from seed {c['seed']}")
        passed = (f"pass: every kill left a checkpoint that loads (a kill inside a save kept the old one "
                  f"{_times(c['save_kept_old'])}, found the new one {_times(c['save_got_new'])}), "
                  f"{c['torn_checkpoints']} torn, never an earlier epoch; final weights bit-identical to an "
                  "uninterrupted run "
                  f"({c['temporary_files_left']} temporary files of killed saves were left beside the checkpoint, "
                  "never read)")
    rows = [(
        "Crash and resume: a training process (dropout, a DataLoader shuffling with its own Generator, Adam, "
        "StepLR, a checkpoint after each epoch, saves slowed down to be hit) SIGKILLed at random moments and "
        "started again until it finishes",
        cases,
        result(outcomes, "test_crash_resume", ("test_killed_at_random",), passed),
    )]
    first = figs.get("crash_first_save", {})
    rows.append((
        "Crash and resume: SIGKILL while the very first checkpoint is half written",
        "1 kill, 1 restart",
        result(outcomes, "test_crash_resume", ("test_killed_in_the_very_first",),
               "pass: no checkpoint left, the torn temporary file refused by load"
               + ("" if first.get("torn_file_refused", True) else " (**not refused**)")
               + "; the restart began from scratch and ended bit-identical"),
    ))
    rows.append((
        "Training state: every lr scheduler, the CPU and CUDA generators, every random sampler and "
        "DataLoader (with workers too), GradScaler, a nested checkpoint dict; the order of fsyncs and the rename "
        "(tests/test_training_state.py)",
        f"{tests_in(outcomes, 'test_training_state')} tests",
        result(outcomes, "test_training_state", what_passed="pass: state_dicts equal after a file round trip, "
                                                            "what follows bit-identical"),
    ))
    return rows


def _times(n):
    return f"{n} time" if n == 1 else f"{n} times"


ERRORS = '''\
## Errors users can act on

Every error minigrad raises on purpose is a `minigrad.errors.MinigradError`, and also the
built-in exception that fits, so existing `except ValueError:` clauses keep working:

| Error | Also a | For |
|---|---|---|
| `ShapeError` | `ValueError` | shapes that do not fit (broadcasting, matmul, reshape, channels) |
| `DTypeError` | `TypeError` | a dtype an op cannot take (a bool subtraction, an integer softmax) |
| `IndexOutOfRange` | `IndexError` | an index or a dim outside its range |
| `ArgumentError` | `ValueError` | an argument value an op does not take (stride 0, p outside [0, 1]) |
| `DeviceError` | `RuntimeError` | tensors on different devices, CUDA missing |
| `GraphError` | `RuntimeError` | a freed graph walked twice, a tensor modified in place after being saved |
| `CheckpointError` | `ValueError` | a truncated, corrupted or pickled checkpoint |

Messages name the op and what was given:

```python
>>> import minigrad as mg
>>> from minigrad.errors import MinigradError, ShapeError
>>> try:
...     mg.ones(2, 3) @ mg.ones(4, 2)
... except ShapeError as e:
...     print(e)
matmul: shapes (2, 3) and (4, 2) cannot be multiplied (3 != 4)
>>> try:
...     mg.ones(2, 3).sum(dim=2)
... except IndexError as e:  # an IndexOutOfRange
...     print(type(e).__name__, "-", e)
IndexOutOfRange - sum: dimension 2 is out of range for a tensor with 2 dimensions
>>> try:
...     mg.tensor([True, False]) - mg.tensor([True, True])
... except MinigradError as e:
...     print(type(e).__name__, "-", e)
DTypeRuntimeError - sub: subtracting bool tensors is not supported (use logical_xor, or ~ to invert a mask)

```
'''


def render(rows, by_family, entries, numpy_ok, failed):
    lines = [
        "# Reliability",
        "",
        "What minigrad was put through: bad and odd input, long runs, threads, numerical extremes",
        "and faults while saving. This file is generated by `python scripts/reliability_report.py`,",
        "which runs the tests named below (with CI's derandomized hypothesis profile) and reads the",
        "figures they record; run it again after changing minigrad.",
        "",
        f"Last run: Python {platform.python_version()}, NumPy {_version('numpy')}, "
        f"PyTorch {_version('torch') or 'not installed'} (references where available), {platform.system()}.",
        "",
    ]
    if failed:
        lines += ["**Some tests failed in the last run: see the Result column.**", ""]
    lines += ["| What | Cases | Result |", "|---|---|---|"]
    lines += [f"| {w} | {c} | {r} |" for w, c, r in rows]
    lines += [
        "",
        "## The fuzzed calls, by family of ops",
        "",
        "A call *agreed* when it returned a result of the right shape and dtype, equal to the",
        "reference, with gradients of the inputs' shapes and dtypes. It was *refused* when it raised a",
        f"MinigradError naming the op; {numpy_ok} of the refused calls are ones the NumPy reference",
        "would have run (integer or bool inputs to ops that need floats, for instance).",
        "",
        "| Family | Entries | Calls | Agreed | Refused |",
        "|---|---|---|---|---|",
    ]
    for fam in sorted(by_family):
        stats = by_family[fam]
        n, text, _ = refused(stats)
        lines.append(f"| {fam} | {entries[fam]} | {sum(stats.values())} | {stats['agreed']} | {n} ({text}) |"
                     if n else f"| {fam} | {entries[fam]} | {sum(stats.values())} | {stats['agreed']} | 0 |")
    lines += ["", ERRORS]
    return "\n".join(lines)


def _version(module):
    try:
        return __import__(module).__version__
    except ImportError:
        return None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default=os.path.join(ROOT, "docs", "reliability.md"))
    args = parser.parse_args(argv)
    sys.path.insert(0, ROOT)
    with tempfile.TemporaryDirectory(prefix="minigrad-reliability-") as folder:
        outcomes, code = run_tests(folder)
        figs = figures(folder)
    rows, by_family, entries, numpy_ok = table(outcomes, figs)
    failed = code != 0 or any(o == "failed" for o in outcomes.values())
    text = render(rows, by_family, entries, numpy_ok, failed)
    with open(args.output, "w") as f:
        f.write(text)
    print(f"wrote {args.output}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
