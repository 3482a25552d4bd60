"""How much of PyTorch's commonly used API minigrad has: a figure per family.

    python scripts/api_coverage.py             # the table
    python scripts/api_coverage.py --missing   # and, per family, the names minigrad lacks
    python scripts/api_coverage.py --markdown  # the table as Markdown (README's "Coverage" section)

The names are the hand-curated list in scripts/pytorch_api.txt: ``[torch]`` names are looked
up on the ``minigrad`` module, ``[Tensor]`` names on ``minigrad.Tensor``, ``[nn.functional]``
names on ``minigrad.nn.functional``, and so on. A name counts when the attribute exists
(``hasattr``); whether it behaves as PyTorch's is what the tests check.
"""

import argparse
import importlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
API_LIST = ROOT / "scripts" / "pytorch_api.txt"


def read_api(path=API_LIST):
    """{family: [names]} in file order."""
    families, family = {}, None
    for raw in path.read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            family = line[1:-1].strip()
            families.setdefault(family, [])
        elif family is None:
            raise SystemExit(f"{path}: names before the first [family] line: {line!r}")
        else:
            families[family].extend(line.split())
    return families


def minigrad_object(family):
    """What a family's names are looked up on (None when minigrad has no such module)."""
    import minigrad

    if family == "torch":
        return minigrad
    if family == "Tensor":
        return minigrad.Tensor
    try:
        return importlib.import_module(f"minigrad.{family}")
    except ImportError:
        return None


def _placeholder(obj, name):
    """Whether the name is only a placeholder (the bfloat16 dtype: a name, no tensor takes it)."""
    from minigrad.dtypes import UnsupportedDTypeName

    value = getattr(obj, name, None)
    if isinstance(value, UnsupportedDTypeName):
        return True
    return name == "bfloat16" and callable(value) and getattr(value, "__qualname__", "") == "Tensor.bfloat16"


def coverage(families=None):
    """[(family, present names, missing names)] for every family."""
    families = read_api() if families is None else families
    rows = []
    for family, names in families.items():
        obj = minigrad_object(family)
        present = [n for n in names if obj is not None and hasattr(obj, n) and not _placeholder(obj, n)]
        missing = [n for n in names if n not in present]
        rows.append((family, present, missing))
    return rows


def table(rows, markdown=False):
    lines = []
    total_have = sum(len(p) for _, p, _ in rows)
    total = sum(len(p) + len(m) for _, p, m in rows)
    if markdown:
        lines += ["| family | minigrad has | of | coverage |", "|---|---:|---:|---:|"]
        for family, present, missing in rows:
            n = len(present) + len(missing)
            lines.append(f"| `{family}` | {len(present)} | {n} | {100 * len(present) / n:.0f}% |")
        lines.append(f"| **all** | **{total_have}** | **{total}** | **{100 * total_have / total:.0f}%** |")
    else:
        lines.append(f"{'family':22s} {'has':>5s} {'of':>5s} {'coverage':>9s}")
        for family, present, missing in rows:
            n = len(present) + len(missing)
            lines.append(f"{family:22s} {len(present):5d} {n:5d} {100 * len(present) / n:8.0f}%")
        lines.append(f"{'all':22s} {total_have:5d} {total:5d} {100 * total_have / total:8.0f}%")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--missing", action="store_true", help="list the names minigrad lacks, per family")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    rows = coverage()
    print(table(rows, markdown=args.markdown))
    if args.missing:
        for family, _, missing in rows:
            if missing:
                print(f"\nmissing from {family} ({len(missing)}): " + " ".join(missing))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
