"""Write the SVG figures of docs/figures/: hand-written SVG text, no dependencies.

    python scripts/make_figures.py            # (re)writes docs/figures/*.svg
    python scripts/make_figures.py --check    # exit 1 if a figure on disk differs from this script's

- conv-im2col.svg    a 3x3 convolution two ways: im2col's columns, and the shifted products
- lstm-cell.svg      the LSTM cell's gates, forward (black) and backward (red)
- attention.svg      attention's score matrix, its causal mask, softmax rows, P V
- ring-allreduce.svg ring all-reduce: reduce-scatter then all-gather, N - 1 steps each

The output is deterministic (same bytes every run), so the files can be checked in and tested.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(os.path.dirname(HERE), "docs", "figures")

FONT = "font-family='DejaVu Sans, Arial, sans-serif'"
BLUE, ORANGE, GREY, RED, GREEN = "#4c78a8", "#f58518", "#bbbbbb", "#d62728", "#54a24b"


# ---- tiny SVG vocabulary ---------------------------------------------------------------------
def svg(width, height, body, title):
    return (f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
            f"viewBox='0 0 {width} {height}' {FONT} font-size='12'>\n<title>{title}</title>\n"
            f"<rect width='{width}' height='{height}' fill='white'/>\n" + "\n".join(body) + "\n</svg>\n")


def rect(x, y, w, h, fill="none", stroke="#333", width=1, dash=None, rx=0):
    d = f" stroke-dasharray='{dash}'" if dash else ""
    return (f"<rect x='{x}' y='{y}' width='{w}' height='{h}' rx='{rx}' fill='{fill}' stroke='{stroke}' "
            f"stroke-width='{width}'{d}/>")


def text(x, y, s, size=12, anchor="middle", color="#111", weight="normal"):
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return (f"<text x='{x}' y='{y}' font-size='{size}' text-anchor='{anchor}' fill='{color}' "
            f"font-weight='{weight}'>{s}</text>")


def line(x1, y1, x2, y2, color="#333333", width=1.2, dash=None, arrow=True):
    d = f" stroke-dasharray='{dash}'" if dash else ""
    head = f" marker-end='url(#arrow-{color[1:]})'" if arrow else ""
    return f"<line x1='{x1}' y1='{y1}' x2='{x2}' y2='{y2}' stroke='{color}' stroke-width='{width}'{d}{head}/>"


def markers(*colors):
    parts = ["<defs>"]
    for c in colors:
        parts.append(f"<marker id='arrow-{c[1:]}' viewBox='0 0 10 10' refX='9' refY='5' markerWidth='7' "
                     f"markerHeight='7' orient='auto-start-reverse'><path d='M0,0 L10,5 L0,10 z' fill='{c}'/></marker>")
    parts.append("</defs>")
    return "\n".join(parts)


def grid(x0, y0, rows, cols, cell, fill=lambda r, c: "white", label=lambda r, c: None, size=10):
    out = []
    for r in range(rows):
        for c in range(cols):
            out.append(rect(x0 + c * cell, y0 + r * cell, cell, cell, fill=fill(r, c), stroke="#666", width=0.8))
            s = label(r, c)
            if s is not None:
                out.append(text(x0 + c * cell + cell / 2, y0 + r * cell + cell / 2 + 4, s, size=size))
    return out


# ---- figures ---------------------------------------------------------------------------------
def conv_im2col():
    """Top: im2col of a 4x4 image for a 3x3 kernel, padding 1 (xpad 6x6, 16 columns of 9).
    Bottom: the shifted products of ops/conv.py's ``_shifted_conv`` on the same image: the flat
    input, and the 9 slices of it that the kernel offsets read."""
    b = [markers("#333333", RED)]
    b.append(text(20, 24, "im2col (any stride, groups): each output's 3×3 patch of xpad becomes one column",
                  13, "start", weight="bold"))
    b.append(text(20, 42, "x: 4×4, one channel (C = 1), one image (N = 1); cells show the index of the x entry, "
                  "grey cells are the zeros of the padding", 11, "start"))
    cell = 22
    x0, y0 = 20, 70
    inside = lambda r, c: 1 <= r <= 4 and 1 <= c <= 4
    window = lambda r, c: r <= 2 and c <= 2  # the patch of output (0, 0)
    b += grid(x0, y0, 6, 6, cell,
              fill=lambda r, c: ("#f3d9c3" if window(r, c) else "white") if inside(r, c) else
              ("#e3c9b3" if window(r, c) else "#dddddd"),
              label=lambda r, c: str((r - 1) * 4 + (c - 1)) if inside(r, c) else None, size=9)
    b.append(rect(x0, y0, 3 * cell, 3 * cell, stroke=ORANGE, width=2.5))
    b.append(text(x0, y0 + 6 * cell + 18, "xpad (6×6): x with padding 1", 11, "start"))
    b.append(text(x0, y0 + 6 * cell + 34, "orange: the window of output (0, 0)", 11, "start"))
    cx, cy, cw = 230, 70, 18
    patch = [(i, j) for i in range(3) for j in range(3)]

    def source(r, c):  # the x index that column c (output (p, q)), row r (offset (i, j)) reads, or None
        (p, q), (i, j) = divmod(c, 4), patch[r]
        y, x = p + i - 1, q + j - 1
        return y * 4 + x if 0 <= y < 4 and 0 <= x < 4 else None

    b += grid(cx, cy, 9, 16, cw,
              fill=lambda r, c: ("#dddddd" if c else "#e3c9b3") if source(r, c) is None else
              ("#f3d9c3" if c == 0 else "white"),
              label=lambda r, c: None if source(r, c) is None else str(source(r, c)), size=8)
    b.append(rect(cx, cy, cw, 9 * cw, stroke=ORANGE, width=2.5))
    for r, (i, j) in enumerate(patch):
        b.append(text(cx + 16 * cw + 6, cy + r * cw + 13, f"(i, j) = ({i}, {j})", 9, "start"))
    # the patch goes to column 0: a path above both grids, clear of every cell
    b.append(f"<polyline points='{x0 + 1.5 * cell},{y0 - 3} {x0 + 1.5 * cell},{y0 - 14} "
             f"{cx + cw / 2},{y0 - 14} {cx + cw / 2},{cy - 3}' fill='none' stroke='#333' stroke-width='1.2' "
             f"marker-end='url(#arrow-333333)'/>")
    b.append(text(cx + 8 * cw, cy + 9 * cw + 18, "cols: 9 rows (c, i, j) × 16 columns (n, p, q); "
                  "column 0 is the orange window", 11))
    b.append(text(cx + 8 * cw, cy + 9 * cw + 38, "Y = W @ cols : one GEMM (OC, 9C) @ (9C, N·OH·OW)", 12,
                  weight="bold"))

    top = 330
    b.append(text(20, top, "shifted products (2-D, stride 1, one group): 3 shifted copies of x instead of 9",
                  13, "start", weight="bold"))
    notes = ("Lay x out flat, rows of r = 4 (x's own row length), the image followed by a zero row, zeros in",
             "front (lead = r + 1: the top padding row, and the left padding of output (0, 0)). Number the outputs",
             "P = p·r + q (20 of them). Output P under kernel offset (i, j) reads flat[P + i·r + j]: for every P alike,",
             "so each offset's row below is a plain slice of flat. A read left or right of x's row (column q + j - 1",
             "outside 0..3) lands in the row before or after instead: those entries (violet) are set to zero.")
    for k, s in enumerate(notes):
        b.append(text(20, top + 20 + 16 * k, s, 11, "start"))
    fc, fh, lx = 20, 16, 110  # cell width and height, left edge of flat
    fy = top + 110
    lead, r, n_out = 5, 4, 20

    def flat_index(k):  # the x index stored at flat[k], or None for a zero
        m = k - lead
        return m if 0 <= m < 16 else None

    def masked(c, j):  # whether output column c's read for kernel column j falls in the padding beside the row
        return not 0 <= c % r + j - 1 < 4

    n_flat = n_out + 2 * r + 2
    b.append(text(lx - 8, fy + 12, "flat", 11, "end", weight="bold"))
    b += grid(lx, fy, 1, n_flat, fc, fill=lambda _, k: "#dddddd" if flat_index(k) is None else "white",
              label=lambda _, k: None if flat_index(k) is None else str(flat_index(k)), size=8)
    hy = fy + 30
    b.append(text(lx - 8, hy + 12, "output (p, q)", 10, "end"))
    b += grid(lx, hy, 1, n_out, fc, fill=lambda _, c: "#f4cccc" if c // r == 4 else "#f7f7f7",
              label=lambda _, c: f"{c // r},{c % r}", size=7)
    for row, (i, j) in enumerate(patch):
        yy = hy + 24 + row * (fh + 4)
        shift = i * r + j
        src = lambda _, c, shift=shift, j=j: None if masked(c, j) else flat_index(c + shift)
        color = (BLUE, GREEN, ORANGE)[j]
        b.append(text(lx - 8, yy + 12, f"(i, j) = ({i}, {j})", 10, "end", color=color))
        b += grid(lx, yy, 1, n_out, fc,
                  fill=lambda _, c, s=src, j=j: "#d9d2e9" if masked(c, j) else
                  ("#dddddd" if s(_, c) is None else ("#f3d9c3" if c == 0 else "white")),
                  label=lambda _, c, s=src: None if s(_, c) is None else str(s(_, c)), size=8)
        b.append(rect(lx, yy, n_out * fc, fh, stroke=color, width=1.6))
        b.append(text(lx + n_out * fc + 8, yy + 12, f"flat[P + {shift}]", 10, "start", color=color))
    end = hy + 24 + 9 * (fh + 4)
    b.append(rect(lx, hy + 24, fc, end - hy - 28, stroke=ORANGE, width=2.5))
    b.append(text(lx, end + 14, "Column P = 0 (orange) holds the window of output (0, 0), as im2col's column 0 does. "
                  "Red outputs (p = 4)", 11, "start"))
    b.append(text(lx, end + 30, "fall on the zero row: they are computed and dropped.", 11, "start"))
    yy = end + 56
    for k, s in enumerate((
            "E[j] = flat shifted by j (blue, green, orange), its padding reads zeroed: one copy per kernel column; "
            "kernel row i",
            "reads E[j] at offset i·r, a view, no copy. So Y = Σ_i W_i (OC, 3C) @ E_i (3C, 20 outputs): KH = 3 "
            "products, summed.",
            "minigrad takes this path while the waste is at most 25 % and KW·C ≥ 16; this small example "
            "(KW·C = 3)",
            "would take im2col.")):
        b.append(text(20, yy + 16 * k, s, 11, "start"))
    yy += 4 * 16 + 12
    b.append(text(20, yy, "backward, with g = dL/dy and G its matrix (OC, N·OH·OW):  dw = G @ colsᵀ  "
                  "(one GEMM, Conv2dGradWeight)", 11, "start", color=RED))
    b.append(text(20, yy + 18, "dx at stride 1 = conv(gpad, w flipped in space, in/out channels swapped): "
                  "the forward path again;", 11, "start", color=RED))
    b.append(text(20, yy + 36, "dx at stride > 1 = col2im(Wᵀ @ G), col2im adding each column back onto "
                  "the entries it was copied from", 11, "start", color=RED))
    return svg(880, yy + 56, b, "A 3x3 convolution as im2col and as shifted products")


def _arrow_path(points, color="#333333", dash=None, width=1.4):
    """A polyline through ``points`` ending in an arrow head."""
    d = f" stroke-dasharray='{dash}'" if dash else ""
    pts = " ".join(f"{x},{y}" for x, y in points)
    return (f"<polyline points='{pts}' fill='none' stroke='{color}' stroke-width='{width}'{d} "
            f"marker-end='url(#arrow-{color[1:]})'/>")


def _lstm_boxes(y0, labels, color):
    """The cell's boxes at height y0: the pre-activation a, the four gates, c' and h'.
    Returns the SVG parts and the boxes' edges (for the arrows)."""
    out = []
    box = {"a": (90, y0 + 75, 210, 60)}
    for k, name in enumerate("ifgo"):
        box[name] = (360, y0 + 20 + 55 * k, 130, 36)
    box["c"] = (560, y0 + 55, 150, 40)
    box["h"] = (560, y0 + 165, 150, 40)
    fills = {"a": "#eef3f8", "c": "#fff4e8", "h": "#fff4e8"}
    for key, (x, y, w, h) in box.items():
        out.append(rect(x, y, w, h, fill=fills.get(key, "#f7f7f7"), stroke=BLUE if key == "a" else
                        ORANGE if key in "ch" else "#555", rx=6))
        lines = labels[key]
        for k, s in enumerate(lines):
            size = 12 if k == 0 else 10
            out.append(text(x + w / 2, y + h / 2 + 4 + (k - (len(lines) - 1) / 2) * 16, s, size, color=color))
    return out, box


def lstm_cell():
    """The LSTM step of ops/recurrent.py, drawn twice with the same boxes: forward (black arrows
    left to right) and backward (red arrows right to left, each labelled with what it carries)."""
    b = [markers("#333333", RED)]
    b.append(text(20, 24, "LSTM cell: one step t (FusedLSTMCell; FusedRecurrentLayer runs it for t = 0 .. T−1)",
                  13, "start", weight="bold"))
    # ---- forward
    y0 = 40
    b.append(text(20, y0 + 10, "forward", 12, "start", weight="bold"))
    labels = {"a": ("a = xg + hg", "xg = x_t W_ihᵀ + b_ih", "hg = h W_hhᵀ + b_hh"),
              "i": ("i = σ(a_i)",), "f": ("f = σ(a_f)",), "g": ("g = tanh(a_g)",), "o": ("o = σ(a_o)",),
              "c": ("c' = f ⊙ c + i ⊙ g",), "h": ("h' = o ⊙ tanh(c')",)}
    parts, box = _lstm_boxes(y0, labels, "#111")
    b += parts
    ax, ay, aw, ah = box["a"]
    b.append(text(20, ay + 18, "x_t", 12, "start"))
    b.append(line(42, ay + 14, ax - 2, ay + 14))
    b.append(text(20, ay + 50, "h", 12, "start"))
    b.append(line(42, ay + 46, ax - 2, ay + 46))
    b.append(text(20, ay + 76, "(h, c: the state", 9, "start"))
    b.append(text(20, ay + 88, "of step t − 1)", 9, "start"))
    for name in "ifgo":  # a is cut into four blocks, one per gate
        gx, gy, gw, gh = box[name]
        b.append(line(ax + aw, ay + ah / 2, gx - 2, gy + gh / 2))
    cx, cy, cw, ch = box["c"]
    hx, hy, hw, hh = box["h"]
    for name in "ifg":
        gx, gy, gw, gh = box[name]
        b.append(line(gx + gw, gy + gh / 2, cx - 2, cy + ch / 2))
    ox, oy, ow, oh = box["o"]
    b.append(line(ox + ow, oy + oh / 2, hx - 2, hy + hh / 2))
    b.append(line(cx + cw / 2, cy + ch, cx + cw / 2, hy - 2))
    b.append(text(cx + cw / 2, cy - 22, "c (of step t − 1)", 10))
    b.append(line(cx + cw / 2, cy - 16, cx + cw / 2, cy - 2))
    b.append(line(cx + cw, cy + ch / 2, 770, cy + ch / 2))
    b.append(text(776, cy + ch / 2 + 4, "c' to step t + 1", 10, "start"))
    b.append(line(hx + hw, hy + hh / 2, 770, hy + hh / 2))
    b.append(text(776, hy + hh / 2 - 4, "h' = output_t,", 10, "start"))
    b.append(text(776, hy + hh / 2 + 10, "and to step t + 1", 10, "start"))
    # ---- backward: the same boxes, every arrow reversed
    y1 = 290
    b.append(line(20, y1 - 8, 880, y1 - 8, color="#cccccc", arrow=False))
    b.append(text(20, y1 + 10, "backward", 12, "start", color=RED, weight="bold"))
    labels = {"a": ("da = [da_i, da_f, da_g, da_o]", "= dxg = dhg"), "i": ("i",), "f": ("f",), "g": ("g",),
              "o": ("o",), "c": ("c': dc_total",), "h": ("h': dh'",)}
    parts, box = _lstm_boxes(y1, labels, RED)
    b += parts
    ax, ay, aw, ah = box["a"]
    cx, cy, cw, ch = box["c"]
    hx, hy, hw, hh = box["h"]
    b.append(line(776, cy + ch / 2, cx + cw + 2, cy + ch / 2, color=RED))
    b.append(text(782, cy + ch / 2 + 4, "dc' from step t + 1", 10, "start", color=RED))
    b.append(line(776, hy + hh / 2, hx + hw + 2, hy + hh / 2, color=RED))
    b.append(text(782, hy + hh / 2 - 4, "dh' = d output_t", 10, "start", color=RED))
    b.append(text(782, hy + hh / 2 + 10, "+ dh from step t + 1", 10, "start", color=RED))
    b.append(line(cx + cw / 2, hy - 2, cx + cw / 2, cy + ch + 2, color=RED))
    b.append(text(cx + cw / 2 + 6, (cy + ch + hy) / 2 + 4, "dh' ⊙ o ⊙ (1 − tanh²(c'))", 10, "start", color=RED))
    b.append(line(cx + cw / 2, cy - 2, cx + cw / 2, cy - 16, color=RED))
    b.append(text(cx + cw / 2, cy - 22, "dc = dc_total ⊙ f  to step t − 1", 10, color=RED))
    for name, lab in (("i", "da_i"), ("f", "da_f"), ("g", "da_g")):
        gx, gy, gw, gh = box[name]
        b.append(line(cx - 2, cy + ch / 2, gx + gw + 2, gy + gh / 2, color=RED))
        b.append(text(gx + gw + 6, gy + gh / 2 + (-6 if name == "i" else 16), lab, 10, "start", color=RED))
    ox, oy, ow, oh = box["o"]
    b.append(line(hx - 2, hy + hh / 2, ox + ow + 2, oy + oh / 2, color=RED))
    b.append(text(ox + ow + 6, oy + oh / 2 + 16, "da_o", 10, "start", color=RED))
    for name in "ifgo":
        gx, gy, gw, gh = box[name]
        b.append(line(gx - 2, gy + gh / 2, ax + aw + 2, ay + ah / 2, color=RED))
    b.append(line(ax - 2, ay + 14, 22, ay + 14, color=RED))
    b.append(text(20, ay + 8, "dxg_t", 11, "start", color=RED))
    b.append(line(ax - 2, ay + 46, 22, ay + 46, color=RED))
    b.append(text(20, ay + 76, "dh = da W_hh", 11, "start", color=RED))
    b.append(text(20, ay + 90, "to step t − 1", 10, "start", color=RED))
    # ---- the formulas, as in _lstm_grads
    fy = y1 + 270
    pairs = (("dc_total = dc' + dh' ⊙ o ⊙ (1 − tanh(c')²)", "(c' reaches the loss directly and through h')"),
             ("da_i = dc_total ⊙ g ⊙ i(1 − i)", "da_f = dc_total ⊙ c ⊙ f(1 − f)"),
             ("da_g = dc_total ⊙ i ⊙ (1 − g²)", "da_o = dh' ⊙ tanh(c') ⊙ o(1 − o)"))
    for k, (left, right) in enumerate(pairs):
        b.append(text(30, fy + 20 * k, left, 11, "start", color=RED))
        b.append(text(330, fy + 20 * k, right, 11, "start", color=RED))
    fy += 20 * len(pairs)
    rows = ("dxg = dhg = da (as a = xg + hg);  dh = da W_hh: one GEMM per step",
            "after the T steps: dW_hh = Σ_t da_tᵀ h_{t−1} (one GEMM),  db_ih = db_hh = Σ_t da_t (summed over the "
            "batch too),",
            "and dW_ih = Σ_t dxg_tᵀ x_t, dx_t = dxg_t W_ih: the backward of the input GEMM run_layer did for all "
            "steps at once")
    for k, r in enumerate(rows):
        b.append(text(30, fy + 20 * k, r, 11, "start", color=RED))
    b.append(text(30, fy + 20 * len(rows) + 6, "(σ' = σ(1 − σ), tanh' = 1 − tanh²; ⊙ elementwise; "
                  "dX = dL/dX; gates in PyTorch's order i, f, g, o)", 10, "start"))
    return svg(900, fy + 20 * len(rows) + 24, b, "The LSTM cell, forward and backward")


def attention():
    """SoftmaxAttention of ops/attention.py: scores, a causal mask, the softmax rows, P V, and
    the backward formulas of its docstring."""
    b = [markers("#333333")]
    b.append(text(20, 24, "scaled dot-product attention (SoftmaxAttention), L = S = 6 with a causal mask",
                  13, "start", weight="bold"))
    n, cell, x0, y0 = 6, 30, 60, 90
    b.append(text(x0 + n * cell / 2, y0 - 40, "scores Z = Q Kᵀ · scale + bias", 12))
    b.append(text(x0 + n * cell / 2, y0 - 24, "(L × S), scale = 1/√E", 10))
    b.append(text(x0 + n * cell / 2, y0 - 8, "key j →", 10))
    b.append(text(x0 - 28, y0 + n * cell / 2 - 4, "query", 10))
    b.append(text(x0 - 28, y0 + n * cell / 2 + 10, "i ↓", 10))
    b += grid(x0, y0, n, n, cell, fill=lambda r, c: "#dddddd" if c > r else "#cfe0f1",
              label=lambda r, c: "−∞" if c > r else "z", size=10)
    b.append(text(x0 + n * cell / 2, y0 + n * cell + 18, "causal mask: key j > query i gets −∞", 11))
    x1 = x0 + n * cell + 100
    b.append(line(x0 + n * cell + 10, y0 + n * cell / 2, x1 - 10, y0 + n * cell / 2))
    b.append(text((x0 + n * cell + x1) / 2, y0 + n * cell / 2 - 8, "softmax", 11))
    b.append(text((x0 + n * cell + x1) / 2, y0 + n * cell / 2 + 18, "of each row", 10))
    b.append(text(x1 + n * cell / 2, y0 - 24, "P (L × S): each row sums to 1", 12))
    b += grid(x1, y0, n, n, cell, fill=lambda r, c: "white" if c > r else "#f3d9c3",
              label=lambda r, c: "0" if c > r else "p", size=10)
    b.append(text(x1 + n * cell / 2, y0 + n * cell + 18, "masked weights are exactly 0", 11))
    x2 = x1 + n * cell + 40
    b.append(line(x1 + n * cell + 6, y0 + n * cell / 2, x2 + 2, y0 + n * cell / 2))
    b.append(text(x2 + 8, y0 + n * cell / 2 - 10, "out = P V", 14, "start", weight="bold"))
    b.append(text(x2 + 8, y0 + n * cell / 2 + 10, "(L × Ev): row i averages", 10, "start"))
    b.append(text(x2 + 8, y0 + n * cell / 2 + 24, "the values of keys j ≤ i", 10, "start"))
    yb = y0 + n * cell + 50
    notes = ("softmax, stable: row i's m = max_j z_ij, P_ij = exp(z_ij − m) / Σ_j exp(z_ij − m); a fully masked "
             "row (all −∞) gives P = 0 and out = 0,",
             "as PyTorch's scaled_dot_product_attention does. bias: a float mask is added as is; a boolean mask "
             "is 0 where True (may attend),",
             "−∞ where False. Dropout multiplies P by a 0 or 1/(1 − p) mask, keep: out = P_d V with "
             "P_d = P ⊙ keep.")
    for k, s in enumerate(notes):
        b.append(text(20, yb + 18 * k, s, 11, "start"))
    yb += 18 * len(notes) + 14
    rows = ("backward, given dout:  dV = P_dᵀ dout;  dP = (dout Vᵀ) ⊙ keep (+ dP_out when the returned weights "
            "are used)",
            "through the softmax rows:  dZ = P ⊙ (dP − rowsum(dP ⊙ P)), "
            "from ∂P_ij/∂z_ik = P_ij (δ_jk − P_ik)",
            "through the scores:  dQ = dZ K · scale;  dK = dZᵀ Q · scale;  dbias = dZ")
    for k, s in enumerate(rows):
        b.append(text(20, yb + 18 * k, s, 11, "start", color=RED))
    return svg(840, yb + 18 * len(rows) + 10, b, "Attention scores, causal mask and softmax")


def ring_allreduce():
    """Ring all-reduce of 4 ranks, step by step, as the simulation in docs/distributed.md runs it:
    in reduce-scatter step s rank r sends chunk (r - s) mod N to rank r + 1, which adds it; in
    all-gather step s it passes on the complete chunk (r + 1 - s) mod N."""
    b = [markers("#333333", BLUE)]
    n = 4
    b.append(text(20, 24, "ring all-reduce of N = 4 ranks, each rank's tensor cut into 4 chunks", 13, "start",
                  weight="bold"))
    b.append(text(20, 42, "(one algorithm MPI and NCCL pick for large tensors; each rank sends 2(N−1) chunks of "
                  "S/N numbers: 2(N−1)/N · S in all)", 11, "start"))
    colors = (BLUE, ORANGE, GREEN, RED)
    cw, ch, gap = 40, 22, 200

    def ranks(y0, title, have, sends=None):
        """One row of the 4 ranks: chunk k of rank r holds the sum of the ranks in have(r, k);
        sends(r) is the chunk rank r sends to rank r + 1 in this step (outlined), or None."""
        out = [text(20, y0 - 8, title, 12, "start", weight="bold")]
        for r in range(n):
            x = 20 + r * gap
            out.append(text(x + 2 * cw, y0 + 12, f"rank {r}", 11))
            for k in range(n):
                parts = have(r, k)
                fill = colors[k] + ("ff" if len(parts) == n else "66" if len(parts) > 1 else "22")
                out.append(rect(x + k * cw, y0 + 20, cw, ch, fill=fill, stroke="#555"))
                label = "Σ" if len(parts) == n else "+".join(map(str, parts))
                out.append(text(x + k * cw + cw / 2, y0 + 35, label, 9, color="white" if len(parts) == n else "#111"))
            if sends is not None:
                k = sends(r)
                out.append(rect(x + k * cw - 1, y0 + 19, cw + 2, ch + 2, stroke="#111", width=2.5))
        return out

    def arrows(y0):
        """rank r -> rank r + 1, and the wrap from rank 3 back to rank 0 under the row."""
        out = []
        for r in range(n - 1):
            x = 20 + r * gap
            out.append(line(x + n * cw + 6, y0 + 31, x + gap - 4, y0 + 31, color=BLUE))
        xl = 20 + (n - 1) * gap + n * cw
        out.append(_arrow_path([(xl, y0 + 31), (xl + 14, y0 + 31), (xl + 14, y0 + 50), (10, y0 + 50),
                                (10, y0 + 31), (16, y0 + 31)], color=BLUE, width=1.2))
        return out

    def after_reduce_scatter(steps):
        def have(r, k):  # rank r's chunk k, after `steps` steps
            for s in range(steps):  # step s brought chunk (r - 1 - s) from rank r - 1, holding s + 1 ranks
                if k == (r - 1 - s) % n:
                    return sorted((r - t) % n for t in range(s + 2))
            return [r]
        return have

    def after_all_gather(steps):
        def have(r, k):
            done = [(r + 1 - s) % n for s in range(steps + 1)]  # rank r's complete chunks so far
            return list(range(n)) if k in done else after_reduce_scatter(n - 1)(r, k)
        return have

    y = 80
    rows = [("start: rank r holds its own tensor x_r; outlined: the chunk it sends in step 1",
             lambda r, k: [r], lambda r: r % n)]
    for step in range(1, n):
        title = (f"reduce-scatter step {step}: each rank adds the chunk that arrived"
                 + ("; outlined: the next step's sends" if step < n - 1 else
                    ": rank r holds the full sum Σ of chunk (r + 1) mod 4"))
        nxt = (lambda r, s=step: (r - s) % n) if step < n - 1 else (lambda r: (r + 1) % n)
        rows.append((title, after_reduce_scatter(step), nxt))
    for step in range(1, n):
        title = (f"all-gather step {step}: the complete chunks are passed on, replacing the partial sums"
                 if step < n - 1 else "after all-gather step 3: every rank holds the full sum of every chunk")
        nxt = (lambda r, s=step: (r + 1 - s) % n) if step < n - 1 else None
        rows.append((title, after_all_gather(step), nxt))
    for title, have, sends in rows:
        b += ranks(y, title, have, sends)
        if sends is not None:
            b += arrows(y)
        y += 80
    b.append(text(20, y - 10, "Numbers in a chunk: the ranks whose parts it sums; Σ: all four. Every step, all ranks "
                  "send one chunk at once, each over its own link.", 11, "start"))
    return svg(830, y + 4, b, "Ring all-reduce")


FIGURES = {
    "conv-im2col.svg": conv_im2col,
    "lstm-cell.svg": lstm_cell,
    "attention.svg": attention,
    "ring-allreduce.svg": ring_allreduce,
}


def main(argv):
    check = "--check" in argv
    os.makedirs(OUT, exist_ok=True)
    stale = []
    for name, make in FIGURES.items():
        path = os.path.join(OUT, name)
        content = make()
        if check:
            if not os.path.exists(path) or open(path, encoding="utf-8").read() != content:
                stale.append(name)
            continue
        with open(path, "w", encoding="utf-8") as f:
            f.write(content)
        print(f"wrote {os.path.relpath(path)}")
    if stale:
        print(f"stale figures (run python scripts/make_figures.py): {stale}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
