"""How a tensor prints: PyTorch's layout and number format, so printed results read the same.

The number format is chosen once for the whole tensor, from the values that will be shown
(the edge items when it is summarized). For floats, from their finite nonzero magnitudes, m
the smallest and M the largest, with p = the precision (4 by default, ``set_printoptions``):

- all of them whole numbers: "{:.0f}." ("3.", "-12."), unless M / m > 1000 or M > 1e8;
- otherwise "{:.pf}" ("0.5000"), unless M / m > 1000, M > 1e8 or m < 1e-4;
- in the "unless" cases scientific notation, "{:.pe}" ("1.0000e-05");
- ``set_printoptions(sci_mode=True / False)`` forces scientific notation on or off (when some
  finite nonzero value is shown: zeros alone print as "0.").
Integers and bools print as Python prints them. Every element is right-aligned to the widest
(of the finite nonzero ones, for floats), so columns line up ("   nan, 1.5000,    inf").

Layout. A tensor of more than ``threshold`` elements is summarized: along every axis longer
than 2 · edgeitems only the first and last ``edgeitems`` are shown, with "..." between them. A
row (the last axis) holds as many elements as fit in ``linewidth`` after its indent (each
takes its width plus ", "), and wraps under its first element; higher axes stack their rows,
with one blank line more between blocks for each axis above the rows.
"""

import numpy as np


def _shown(a, edgeitems, summarize):
    """The values that will be printed: all of them, or the first and last ``edgeitems`` along
    every axis longer than twice that when the tensor is summarized."""
    if summarize:
        for axis in range(a.ndim):
            n = a.shape[axis]
            if n > 2 * edgeitems:
                a = np.take(a, np.r_[0:edgeitems, n - edgeitems:n], axis=axis)
    return a


def number_format(a, precision, sci_mode):
    """(format one value as a string, the width to align to) for the shown values ``a``."""
    if a.dtype.kind != "f":
        values = a.ravel().tolist()
        return str, max([len(str(v)) for v in values], default=1)
    values = a.astype(np.float64).ravel()
    values = values[np.isfinite(values) & (values != 0)]
    whole = bool(np.all(values == np.ceil(values)))
    sci = False
    if values.size:
        big, small = float(np.abs(values).max()), float(np.abs(values).min())
        sci = big / small > 1000.0 or big > 1.0e8 or (not whole and small < 1.0e-4)
        if sci_mode is not None:
            sci = bool(sci_mode)

    def fmt(v):
        if sci:
            return f"{v:.{precision}e}"
        if whole:  # the trailing "." says the tensor is floating point
            return f"{v:.0f}" + ("." if np.isfinite(v) else "")
        return f"{v:.{precision}f}"

    return fmt, max([len(fmt(v)) for v in values.tolist()], default=1)


def _block(a, indent, fmt, width, opts, summarize):
    """The text of the array ``a`` (at least 1-D) whose first "[" sits in column ``indent``."""
    edge = opts["edgeitems"]
    cut = summarize and a.shape[0] > 2 * edge  # summarized along this axis
    index = list(range(edge)) + [None] + list(range(a.shape[0] - edge, a.shape[0])) if cut else range(a.shape[0])
    if a.ndim == 1:
        cells = [" ..." if i is None else fmt(a[i].item()).rjust(width) for i in index]
        per_line = max(1, (opts["linewidth"] - indent) // (width + 2))
        lines = [", ".join(cells[k:k + per_line]) for k in range(0, len(cells), per_line)]
        return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
    parts = ["..." if i is None else _block(a[i], indent + 1, fmt, width, opts, summarize) for i in index]
    return "[" + ("," + "\n" * (a.ndim - 1) + " " * (indent + 1)).join(parts) + "]"


def tensor_body(a, opts, indent=len("tensor(")):
    """What ``repr`` prints between "tensor(" and the dtype: a NumPy array on the host."""
    if a.dtype.kind == "c":  # complex numbers: NumPy's own format
        threshold = opts["threshold"] if opts["threshold"] != float("inf") else np.iinfo(np.int64).max
        return np.array2string(a, separator=", ", prefix="tensor(", precision=opts["precision"],
                               threshold=threshold, edgeitems=opts["edgeitems"], max_line_width=opts["linewidth"])
    if a.size == 0:
        return "[]"
    summarize = a.size > opts["threshold"]
    fmt, width = number_format(_shown(a, opts["edgeitems"], summarize), opts["precision"], opts["sci_mode"])
    if a.ndim == 0:
        return fmt(a.item())
    return _block(a, indent, fmt, width, opts, summarize)


def with_suffixes(text, suffixes, linewidth, indent=len("tensor(")):
    """``text`` ("tensor([...]") closed with ", dtype=..." and the other suffixes: each on the
    current line while that stays within ``linewidth``, else on a new line under the "["."""
    line = len(text) - text.rfind("\n") + 1  # the last line's length, plus the ", " to come
    for suffix in suffixes:
        if line + len(suffix) + 2 > linewidth:
            text += ",\n" + " " * indent + suffix
            line = indent + len(suffix)
        else:
            text += ", " + suffix
            line += len(suffix) + 2
    return text + ")"
