"""``python -m minigrad.testing``: run the registry's checks and print them as a table.

For every registered op and each of its samples: gradcheck, gradgradcheck (where the entry
supports double backward), float32 preservation, and with ``--device cuda`` the same checks
on the GPU plus CPU/GPU agreement. One row per op and check, with the largest absolute and
relative error over the op's samples; the details of every failure follow the table. The
exit status is 1 when anything failed, so scripts and CI can rely on it.

    python -m minigrad.testing                  # every op, on the CPU
    python -m minigrad.testing --op matmul      # ops whose name contains "matmul"
    python -m minigrad.testing --device cuda    # on the GPU (needs CuPy)
    python -m minigrad.testing --index          # the op index instead (see op_index.py)
"""

import argparse
import sys
import time
from dataclasses import dataclass, field

import numpy as np

from . import checks
from .registry import all_entries

CHECKS = {
    "gradcheck": checks.gradcheck,
    "gradgradcheck": checks.gradgradcheck,
    "float32": checks.float32,
}


@dataclass
class Row:
    """One line of the table: an op, a check, its worst errors over the samples, and the verdict."""

    op: str
    check: str
    samples: int = 0
    max_abs_err: float = 0.0
    max_rel_err: float = 0.0
    ok: bool = True
    seconds: float = 0.0
    messages: list = field(default_factory=list)


def run_entry_check(entry, samples, name, check, device):
    """Run one check over an entry's samples; None when it applies to none of them."""
    row = Row(entry.name, name)
    start = time.perf_counter()
    for s, sample in enumerate(samples):
        try:
            result = check(entry, sample, device=device)
        except Exception as e:  # an op that crashes fails its check; the report carries on
            row.ok = False
            row.samples += 1
            row.messages.append(f"sample {s}: raised {type(e).__name__}: {e}")
            continue
        if result is None:
            continue
        row.samples += 1
        row.max_abs_err = max(row.max_abs_err, result.max_abs_err)
        row.max_rel_err = max(row.max_rel_err, result.max_rel_err)
        if not result.ok:
            row.ok = False
            row.messages.append(f"sample {s}:\n{result.message}")
    row.seconds = time.perf_counter() - start
    return row if row.samples else None


def select(entries, names):
    """Entries whose name equals or contains one of ``names`` (all when names is empty)."""
    if not names:
        return list(entries)
    return [e for e in entries if any(n == e.name or n in e.name for n in names)]


LEGEND = """\
Each op's backward is compared with central finite differences in float64 (minigrad.testing.gradcheck):
  gradcheck      first derivatives: analytical vector-Jacobian products vs (f(x+eps) - f(x-eps)) / 2eps
  gradgradcheck  second derivatives: the same check run on the gradient itself
  float32        float32 inputs give float32 outputs and gradients, close to the float64 ones
Errors are the largest over the op's samples; rel err = abs err / max(|reference|, atol).
"""

HEADER = f"{'op':<24} {'check':<14} {'samples':>7} {'max abs err':>12} {'max rel err':>12} {'time':>7}  result"


def format_row(row):
    verdict = "pass" if row.ok else "FAIL"
    return (f"{row.op:<24} {row.check:<14} {row.samples:>7} {row.max_abs_err:>12.2e} "
            f"{row.max_rel_err:>12.2e} {row.seconds:>6.2f}s  {verdict}")


def run(entries, device="cpu", seed=0, checks_to_run=None, out=None):
    """Run and print the table (to ``out``, default stdout); return the rows."""
    out = sys.stdout if out is None else out
    names = list(CHECKS) if checks_to_run is None else checks_to_run
    table = dict(CHECKS)
    if str(device) != "cpu":
        table["cpu agreement"] = checks.device
        names = names + ["cpu agreement"]
    print(HEADER, file=out)
    print("-" * len(HEADER), file=out)
    rows = []
    for entry in entries:
        samples = entry.samples(np.random.default_rng(seed))
        for name in names:
            row = run_entry_check(entry, samples, name, table[name], device)
            if row is not None:
                rows.append(row)
                print(format_row(row), file=out, flush=True)
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m minigrad.testing",
        description="Check every registered op's gradients against finite differences and print a table.")
    parser.add_argument("--op", action="append", default=[], metavar="NAME",
                        help="only ops whose name contains NAME (repeatable)")
    parser.add_argument("--device", default="cpu", help="cpu (default) or cuda / cuda:N")
    parser.add_argument("--check", action="append", choices=list(CHECKS), default=None,
                        help="only this check (repeatable); default: all")
    parser.add_argument("--seed", type=int, default=0, help="seed of the sample inputs (default 0)")
    parser.add_argument("--list", action="store_true", help="list the registered ops and exit")
    parser.add_argument("--index", nargs="?", const="-", default=None, metavar="FILE",
                        help="print the op index (public name -> Function -> file:line of its "
                             "derivation) instead, or write it to FILE, e.g. docs/op-index.md")
    args = parser.parse_args(argv)

    if args.index is not None:
        from .op_index import main as index_main

        return index_main(None if args.index == "-" else args.index)

    entries = all_entries()
    if args.list:
        for e in entries:
            print(f"{e.name:<24} {', '.join(f.__name__ for f in e.functions)}")
        return 0
    if not entries:
        print("no ops are registered yet (minigrad/testing/entries/*.py hold the registry)")
        return 0
    chosen = select(entries, args.op)
    if not chosen:
        print(f"no registered op matches {args.op} ({len(entries)} registered; see --list)")
        return 2
    from .. import backend
    from ..errors import DeviceError

    try:
        device = str(backend.Device(args.device))
    except DeviceError as e:
        print(e)
        return 2
    if device != "cpu" and not backend.is_cuda_available():
        print(f"--device {args.device}: no GPU is available here. CUDA needs CuPy and an NVIDIA GPU: "
              "pip install 'minigrad[gpu]'")
        return 2

    print(LEGEND)
    start = time.perf_counter()
    rows = run(chosen, device=device, seed=args.seed, checks_to_run=args.check)
    failed = [r for r in rows if not r.ok]
    print()
    print(f"{len(chosen)} ops, {len(rows)} checks, {len(failed)} failed, "
          f"{time.perf_counter() - start:.1f}s on {device}")
    for r in failed:
        print()
        print(f"== {r.op}: {r.check} failed ==")
        for m in r.messages:
            print(m)
    return 1 if failed else 0
