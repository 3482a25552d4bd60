"""The figures as a table (and the derived numbers: ratios, targets met, GFLOP/s).

ratio = minigrad median / torch median, from the same interleaved run; a row meets its
target when ratio <= target. W0 gives each side's GEMM rate, GFLOP/s = 2*1024**3 / t,
and W3's conv forward is also judged as a share of minigrad's GEMM rate (target >= 70 %).
"""

GEMM_PCT_TARGET = 70.0


def _median(fig):
    return fig["median"] if fig and "median" in fig else None


def add_derived(results):
    """Fill in each row's ratio and met, the GEMM rates and W3's share of the GEMM rate."""
    for row in results["rows"]:
        mg, th = _median(row.get("minigrad")), _median(row.get("torch"))
        row["ratio"] = mg / th if mg is not None and th else None
        row["met"] = None if row["ratio"] is None or row["target"] is None else row["ratio"] <= row["target"]
    gemm = next((r for r in results["rows"] if r["id"] == "W0"), None)
    rates = {}
    if gemm is not None:
        for name in ("minigrad", "torch"):
            m = _median(gemm.get(name))
            rates[name] = gemm["gflop"] / (m / 1e3) if m else None
    results["gemm_gflops"] = rates or None
    conv = next((r for r in results["rows"] if r["id"] == "W3" and r["case"] == "fwd"), None)
    share = None
    if conv is not None:
        m = _median(conv.get("minigrad"))
        conv_rate = conv["gflop"] / (m / 1e3) if m else None
        gemm_rate = rates.get("minigrad")
        pct = 100 * conv_rate / gemm_rate if conv_rate and gemm_rate else None
        # the same share from the fastest runs: on a shared machine less sensitive to when W0 ran
        conv_min, gemm_min = conv.get("minigrad") or {}, (gemm or {}).get("minigrad") or {}
        pct_min = (100 * gemm_min["min"] / conv_min["min"] * conv["gflop"] / gemm["gflop"]
                   if "min" in conv_min and "min" in gemm_min else None)
        share = {"conv_fwd_gflops": conv_rate, "gemm_gflops": gemm_rate, "pct_of_gemm": pct,
                 "pct_of_gemm_from_min": pct_min,
                 "target_pct": GEMM_PCT_TARGET, "met": None if pct is None else pct >= GEMM_PCT_TARGET,
                 "note": None if gemm_rate else "needs W0 in the same run"}
    results["conv_fwd_share_of_gemm"] = share
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


def _yes_no(met):
    return "-" if met is None else ("yes" if met else "NO")


def _load(meta):
    start, end = meta.get("load_average") or (None, None)
    return " / ".join("?" if v is None else f"{v:.2f}" for v in (start, end))


def format_table(results):
    """The table a person reads: one row per case, then the GEMM rates, notes and errors."""
    head = ("workload", "minigrad med / min", "torch med / min", "ratio", "target", "met?")
    lines = []
    for row in results["rows"]:
        unit = row["unit"]
        name = f"{row['id']} {row['workload']}: {row['case']} ({unit})"
        ratio = "-" if row["ratio"] is None else f"{row['ratio']:.2f}"
        target = "-" if row["target"] is None else f"<= {row['target']:g}"
        lines.append((name, _cell(row.get("minigrad"), unit), _cell(row.get("torch"), unit), ratio, target,
                      _yes_no(row["met"])))
    share = results.get("conv_fwd_share_of_gemm")
    if share is not None:
        pct = "-" if share["pct_of_gemm"] is None else f"{share['pct_of_gemm']:.0f} %"
        lines.append(("W3 Conv2d: fwd as % of W0 GEMM rate", pct, "", "", f">= {share['target_pct']:g} %",
                      _yes_no(share["met"])))
    widths = [max(len(str(r[i])) for r in [head] + lines) for i in range(len(head))]
    fmt = lambda r: "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(r, widths)))
    meta = results["meta"]
    out = [f"minigrad {meta.get('minigrad', '?')} vs torch {meta.get('torch') or '(not installed)'}, "
           f"numpy {meta['numpy']}, python {meta['python']}, device {meta['device']}, "
           f"{meta['cpu_count']} CPUs, {meta['warmup']} warm-ups + {meta['iters']} timed iterations, {meta['date']}",
           f"1-minute load average at start / end: {_load(meta)} (the machine is shared: compare ratios only)",
           "", fmt(head), "  ".join("-" * w for w in widths)]
    out += [fmt(r) for r in lines]
    rates = results.get("gemm_gflops")
    if rates:
        parts = [f"{n} {r:.1f}" for n, r in rates.items() if r]
        out.append("")
        out.append("W0 GEMM rate (GFLOP/s, from the median): " + ", ".join(parts) +
                   "  (minigrad's side is the array module's own matmul)")
    if share is not None and share["conv_fwd_gflops"]:
        out.append(f"W3 conv fwd: {share['conv_fwd_gflops']:.1f} GFLOP/s" +
                   (f" = {share['pct_of_gemm']:.0f} % of the GEMM rate (from the min times: "
                    f"{share['pct_of_gemm_from_min']:.0f} %)" if share["pct_of_gemm"] else f" ({share['note']})"))
    for note in results.get("notes", []):
        out.append("note: " + note)
    for row in results["rows"]:
        for name in ("minigrad", "torch"):
            fig = row.get(name)
            if fig and "error" in fig:
                out.append(f"error: {row['id']} {row['case']} in {name}: {fig['error']}")
    return "\n".join(out)
