"""The figures as a table, and the numbers derived from them.

For each row: ``vs_floor`` = minigrad median / NumPy floor, ``vs_torch`` = minigrad median /
torch median, both from the same run. A row meets its target when the ratio its target names
(``target_of``: "floor" or "torch") is at most the target. W0 gives each side's GEMM rate,
GFLOP/s = 2*1024**3 / t; a row with ``ops`` (W7) also gets its time per op in µs.
"""


def _median(fig):
    return fig["median"] if fig and "median" in fig else None


def _ratio(a, b):
    return a / b if a is not None and b else None


def add_derived(results):
    """Fill in each row's ratios, whether it met its target, per-op times and the GEMM rates."""
    for row in results["rows"]:
        mg = _median(row.get("minigrad"))
        row["vs_floor"] = _ratio(mg, _median(row.get("floor")))
        row["vs_torch"] = _ratio(mg, _median(row.get("torch")))
        judged = {"floor": row["vs_floor"], "torch": row["vs_torch"]}.get(row.get("target_of"))
        row["met"] = None if judged is None or row.get("target") is None else judged <= row["target"]
        if row.get("ops"):
            row["us_per_op"] = {name: _median(row.get(name)) * 1e3 / row["ops"]
                                for name in ("minigrad", "torch") if _median(row.get(name))}
    gemm = next((r for r in results["rows"] if r["id"] == "W0"), None)
    rates = {}
    if gemm is not None:
        for name in ("minigrad", "torch"):
            m = _median(gemm.get(name))
            rates[name] = gemm["gflop"] / (m / 1e3) if m else None
    results["gemm_gflops"] = rates or None
    return results


def _cell(fig, unit):
    """'median / min' in the row's unit, or why there is no figure."""
    if fig is None:
        return "-"
    if "error" in fig:
        return "error"
    if unit == "MiB":
        return f"{fig['median']:.0f}"
    return f"{fig['median']:.2f} / {fig['min']:.2f}"


def _num(x):
    return "-" if x is None else f"{x:.2f}"


def _yes_no(met):
    return "-" if met is None else ("yes" if met else "NO")


def _load(meta):
    start, end = meta.get("load_average") or (None, None)
    return " / ".join("?" if v is None else f"{v:.2f}" for v in (start, end))


def row_name(row):
    size = ""
    if row.get("swept"):
        size = f", {row['swept']} {row['sizes'][row['swept']]}"
    return f"{row['id']} {row['workload']}: {row['case']}{size} ({row['unit']})"


def _protocol(meta):
    if meta.get("protocol") == "interleaved":
        return f"interleaved protocol, {meta['warmup']} warm-ups + {meta['iters']} calls"
    return (f"{meta.get('rounds')} rounds of blocks of {meta['warmup']} warm-ups + {meta['iters']} timed calls, "
            f"{meta.get('pause')} s pause")


def format_table(results):
    """The table a person reads: one row per case, then the GEMM rates, per-op times, notes and errors."""
    head = ("workload", "minigrad med / min", "torch med / min", "floor med", "mg/floor", "mg/torch",
            "target", "met?")
    lines = []
    for row in results["rows"]:
        unit = row["unit"]
        floor = row.get("floor")
        target = "-" if row.get("target") is None else f"<= {row['target']:g} x {row['target_of']}"
        lines.append((row_name(row), _cell(row.get("minigrad"), unit), _cell(row.get("torch"), unit),
                      "error" if floor and "error" in floor else _num(_median(floor)),
                      _num(row.get("vs_floor")), _num(row.get("vs_torch")), target, _yes_no(row.get("met"))))
    widths = [max(len(str(r[i])) for r in [head] + lines) for i in range(len(head))]
    fmt = lambda r: "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(r, widths)))
    meta = results["meta"]
    out = [f"minigrad {meta.get('minigrad', '?')} vs torch {meta.get('torch') or '(not installed)'}, "
           f"numpy {meta['numpy']}, python {meta['python']}, device {meta['device']}, "
           f"{meta['cpu_count']} CPUs, {_protocol(meta)}, {meta['date']}",
           f"1-minute load average at start / end: {_load(meta)} (the machine is shared: compare ratios only)",
           "floor: the workload's matrix products, each timed alone with the array module's matmul "
           "on contiguous float32 (row- or column-major, the faster), in the same run",
           "", fmt(head), "  ".join("-" * w for w in widths)]
    out += [fmt(r) for r in lines]
    rates = results.get("gemm_gflops")
    if rates:
        parts = [f"{n} {r:.1f}" for n, r in rates.items() if r]
        out.append("")
        out.append("W0 GEMM rate (GFLOP/s, from the median): " + ", ".join(parts) +
                   "  (minigrad's side is the array module's own matmul)")
    per_op = [r for r in results["rows"] if r.get("us_per_op") and r["case"] != "train step"]
    if per_op:
        out.append(f"{per_op[0]['id']} time per op ({per_op[0]['ops']} ops in its forward), µs: " +
                   "; ".join(f"{r['case']} " + ", ".join(f"{n} {us:.1f}" for n, us in r["us_per_op"].items())
                             for r in per_op))
    if results.get("elementwise_ns"):
        from .elementwise import format_rates

        out.append(format_rates(results["elementwise_ns"]))
    for note in results.get("notes", []):
        out.append("note: " + note)
    for row in results["rows"]:
        for name in ("minigrad", "torch", "floor"):
            fig = row.get(name)
            if fig and "error" in fig:
                out.append(f"error: {row['id']} {row['case']} in {name}: {fig['error']}")
    return "\n".join(out)


def format_floors(results):
    """Each row's floor, product by product (what the floor column adds up)."""
    out = []
    for row in results["rows"]:
        floor = row.get("floor")
        if not floor or "products" not in floor:
            continue
        out.append(f"{row_name(row)}: floor {floor['median']:.2f} ms =")
        out += [f"    {p['product']:>36}  {p['count'] * p['median']:8.3f} ms" for p in floor["products"]]
    return "\n".join(out)
