"""Plot the benchmark's sweep: minigrad / NumPy floor (and torch / floor) against the size.

    python -m benchmarks --sweep --json sweep.json
    python scripts/plot_sweep.py sweep.json                # writes docs/sweep.svg
    python scripts/plot_sweep.py sweep.json -o other.svg

Needs matplotlib (optional: ``pip install matplotlib``); says so and exits 2 without it.
One panel per workload, one line per case and framework; a ratio of 1 is the floor itself.
"""

import argparse
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(ROOT, "docs", "sweep.svg")


def series(results):
    """{workload title: {(case, framework): [(size, framework / floor), ...]}} from the sweep's rows."""
    panels = {}
    for row in results["rows"]:
        if not row.get("swept"):
            continue
        floor = (row.get("floor") or {}).get("median")
        title = f"{row['id']} {row['workload']} (by {row['swept']})"
        for name in ("minigrad", "torch"):
            fig = row.get(name) or {}
            if floor and "median" in fig:
                points = panels.setdefault(title, {}).setdefault((row["case"], name), [])
                points.append((row["sizes"][row["swept"]], fig["median"] / floor))
    return panels


def plot(results, out):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = series(results)
    if not panels:
        raise SystemExit("no sweep rows in this file: make it with python -m benchmarks --sweep --json FILE")
    fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 3.6), squeeze=False)
    for ax, (title, lines) in zip(axes[0], sorted(panels.items())):
        cases = sorted({case for case, _ in lines})
        for (case, name), points in sorted(lines.items()):
            points.sort()  # one colour per case; minigrad solid, torch dashed
            ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", color=f"C{cases.index(case)}",
                    linestyle="-" if name == "minigrad" else "--", label=f"{name} {case}")
        ax.axhline(1.0, color="grey", linewidth=0.8)
        ax.set_xscale("log", base=2)
        ax.set_title(title, fontsize=10)
        ax.set_xlabel(title.rsplit("by ", 1)[1].rstrip(")"))
        ax.set_ylabel("time / NumPy floor")
        ax.set_ylim(bottom=0)
        ax.legend(fontsize=7)
    meta = results.get("meta", {})
    fig.suptitle(f"cost over the matrix-product floor ({meta.get('date', '')}, {meta.get('cpu_count', '?')} CPUs)",
                 fontsize=10)
    fig.tight_layout()
    fig.savefig(out)  # the format follows the file's extension (.svg by default)
    plt.close(fig)
    return out


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("json_file", help="the figures of python -m benchmarks --sweep --json FILE")
    p.add_argument("-o", "--out", default=DEFAULT_OUT, help="the SVG to write (default docs/sweep.svg)")
    args = p.parse_args(argv)
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        print("plot_sweep.py needs matplotlib: pip install matplotlib", file=sys.stderr)
        return 2
    with open(args.json_file) as f:
        results = json.load(f)
    print(f"wrote {plot(results, args.out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
