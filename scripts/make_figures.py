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


def line(x1, y1, x2, y2, color="#333", width=1.2, dash=None, arrow=True):
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
    """Top: im2col of a 4x4 image for a 3x3 kernel (padding 1 gives xpad 6x6, 16 columns of 9).
    Bottom: the shifted products: the flat padded input, one slice per kernel offset."""
    b = [markers("#333333", RED)]
    b.append(text(20, 24, "im2col (any stride, groups): each output's 3×3 patch of xpad becomes one column",
                  13, "start", weight="bold"))
    cell = 22
    x0, y0 = 20, 50
    inside = lambda r, c: 1 <= r <= 4 and 1 <= c <= 4
    window = lambda r, c: r <= 2 and c <= 2  # the patch of output (0, 0)
    b += grid(x0, y0, 6, 6, cell, fill=lambda r, c: ("#cfe0f1" if window(r, c) else "white") if inside(r, c)
              else ("#f3d9c3" if window(r, c) else "#eeeeee"),
              label=lambda r, c: str((r - 1) * 4 + (c - 1)) if inside(r, c) else "0", size=9)
    b.append(text(x0, y0 + 6 * cell + 18, "xpad: x (4×4), zeros around", 11, "start"))
    b.append(rect(x0, y0, 3 * cell, 3 * cell, stroke=ORANGE, width=2.5))
    cx, cy, cw = 230, 50, 18
    patch = [(i, j) for i in range(3) for j in range(3)]
    vals = lambda p, q, i, j: (p + i - 1, q + j - 1)

    def col_label(r, c):
        p, q = divmod(c, 4)
        y, x = vals(p, q, *patch[r])
        return str(y * 4 + x) if 0 <= y < 4 and 0 <= x < 4 else "0"

    b += grid(cx, cy, 9, 16, cw, fill=lambda r, c: "#f3d9c3" if c == 0 else "white", label=col_label, size=8)
    b.append(text(cx + 8 * cw, cy + 9 * cw + 16, "cols: 9 rows (c, i, j) × 16 columns (n, p, q); column 0 = the orange patch", 11))
    b.append(line(x0 + 3 * cell + 4, y0 + 30, cx - 6, cy + 30))
    b.append(text(cx + 8 * cw, cy + 9 * cw + 34, "Y = W @ cols : one GEMM (OC, 9C) @ (9C, N·OH·OW)", 12, weight="bold"))

    top = 330
    b.append(text(20, top, "shifted products (2-D, stride 1, one group): no 9× copy", 13, "start", weight="bold"))
    b.append(text(20, top + 20, "lay xpad out flat, row after row (row length r = 6): output P under kernel "
                  "offset (i, j) reads flat[P + i·r + j]", 11, "start"))
    fy, fc = top + 40, 12
    n = 6 * 6 + 2 * 6 + 2
    b += grid(20, fy, 1, n, fc, fill=lambda r, c: "#eeeeee" if (c // 6 in (0, 5) or c % 6 in (0, 5)) else "white")
    b.append(text(20 + n * fc / 2, fy - 4, "flat (zeros grey)", 10))
    for k, (j, color) in enumerate(((0, BLUE), (1, GREEN), (2, ORANGE))):
        yy = fy + 30 + k * 26
        start = j
        b.append(rect(20 + start * fc, yy, 36 * fc, 14, fill=color + "33", stroke=color))
        b.append(text(20 + start * fc + 18 * fc, yy + 11, f"E[{j}] = flat shifted by j = {j}: one copy per kernel column", 10))
    yy = fy + 30 + 3 * 26 + 8
    b.append(text(20, yy + 10, "kernel row i reads E[0..2] at offset i·r: a view, no copy.", 11, "start"))
    b.append(text(20, yy + 28, "Y = Σ_i  W_i (OC, 3C) @ E_i (3C, outputs): 3 GEMMs, summed.", 11, "start"))
    b.append(text(20, yy + 46, "Outputs on the zero columns are computed and dropped "
                  "(used while that waste is under 25 % and KW·C ≥ 16).", 11, "start"))
    b.append(text(20, yy + 64, "Backward at stride 1: dx = conv(Gpad, flip(w), in/out channels swapped),", 11,
                  "start", color=RED))
    b.append(text(20, yy + 82, "the same forward path again; dw = G @ colsᵀ (one GEMM).", 11, "start", color=RED))
    return svg(820, yy + 100, b, "A 3x3 convolution as im2col and as shifted products")


def lstm_cell():
    b = [markers("#333333", RED)]
    b.append(text(20, 24, "LSTM cell (FusedLSTMCell; one step of FusedRecurrentLayer)", 13, "start", weight="bold"))
    b.append(rect(20, 60, 110, 40, fill="#eef3f8", stroke=BLUE))
    b.append(text(75, 78, "a = xg + hg", 12))
    b.append(text(75, 93, "xg = xW_ihᵀ+b, hg = hW_hhᵀ+b", 8))
    gates = (("i = σ(a_i)", 60), ("f = σ(a_f)", 120), ("g = tanh(a_g)", 180), ("o = σ(a_o)", 240))
    for name, y in gates:
        b.append(rect(190, y - 18, 120, 34, fill="#f7f7f7", stroke="#555", rx=6))
        b.append(text(250, y + 4, name, 12))
        b.append(line(130, 80, 188, y))
    b.append(rect(380, 100, 150, 40, fill="#fff4e8", stroke=ORANGE, rx=6))
    b.append(text(455, 125, "c' = f ⊙ c + i ⊙ g", 12))
    b.append(rect(380, 220, 150, 40, fill="#fff4e8", stroke=ORANGE, rx=6))
    b.append(text(455, 245, "h' = o ⊙ tanh(c')", 12))
    for y in (60, 120, 180):
        b.append(line(310, y, 378, 120))
    b.append(line(310, 240, 378, 240))
    b.append(line(455, 140, 455, 218))
    b.append(text(575, 124, "c  (from the step before)", 10, "start"))
    b.append(line(570, 120, 532, 120))
    by = 310
    b.append(text(20, by, "backward (red): the step receives dh' and dc'", 13, "start", color=RED, weight="bold"))
    rows = ("dc_total = dc' + dh' ⊙ o ⊙ (1 − tanh(c')²)      (c' reaches the loss directly and through h')",
            "da_o = dh' ⊙ tanh(c') ⊙ o(1 − o)",
            "da_i = dc_total ⊙ g ⊙ i(1 − i)        da_f = dc_total ⊙ c ⊙ f(1 − f)",
            "da_g = dc_total ⊙ i ⊙ (1 − g²)         dc = dc_total ⊙ f   (to the step before)",
            "dxg = dhg = da;  dh = da W_hh (one GEMM per step);  dW_hh = Σ_t da_tᵀ h_{t−1} (one GEMM at the end)")
    for k, r in enumerate(rows):
        b.append(text(30, by + 24 + 20 * k, r, 11, "start", color=RED))
    b.append(line(378, 235, 312, 240, color=RED, dash="4 3"))
    b.append(line(378, 125, 312, 180, color=RED, dash="4 3"))
    b.append(line(188, 100, 132, 90, color=RED, dash="4 3"))
    return svg(760, by + 130, b, "The LSTM cell, forward and backward")


def attention():
    b = [markers("#333333")]
    b.append(text(20, 24, "scaled dot-product attention (SoftmaxAttention)", 13, "start", weight="bold"))
    n, cell, x0, y0 = 6, 30, 60, 70
    b.append(text(x0 + n * cell / 2, y0 - 26, "scores  Z = Q Kᵀ · scale + bias   (L × S)", 12))
    b.append(text(x0 + n * cell / 2, y0 - 10, "key j →", 10))
    b.append(text(x0 - 30, y0 + n * cell / 2, "query i", 10))
    b += grid(x0, y0, n, n, cell, fill=lambda r, c: "#dddddd" if c > r else "#cfe0f1",
              label=lambda r, c: "−∞" if c > r else "z", size=10)
    b.append(text(x0 + n * cell / 2, y0 + n * cell + 20, "causal mask: key j > query i gets −∞", 11))
    x1 = x0 + n * cell + 90
    b.append(line(x0 + n * cell + 10, y0 + n * cell / 2, x1 - 10, y0 + n * cell / 2))
    b.append(text((x0 + n * cell + x1) / 2, y0 + n * cell / 2 - 8, "softmax", 11))
    b.append(text((x0 + n * cell + x1) / 2, y0 + n * cell / 2 + 18, "each row", 10))
    b.append(text(x1 + n * cell / 2, y0 - 26, "P: rows sum to 1", 12))

    b += grid(x1, y0, n, n, cell, fill=lambda r, c: "white" if c > r else "#f3d9c3",
              label=lambda r, c: "0" if c > r else "p", size=10)
    b.append(text(x1 + n * cell / 2, y0 + n * cell + 20, "masked weights are exactly 0", 11))
    x2 = x1 + n * cell + 50
    b.append(text(x2 + 50, y0 + n * cell / 2, "out = P V", 14, weight="bold"))
    yb = y0 + n * cell + 60
    b.append(text(20, yb, "backward, with dP = dout Vᵀ:  dV = Pᵀ dout,   dZ = P ⊙ (dP − rowsum(dP ⊙ P)),   "
                  "dQ = dZ K · scale,   dK = dZᵀ Q · scale", 11, "start", color=RED))
    b.append(text(20, yb + 20, "a fully masked row (all −∞) is defined as 0, as in PyTorch's scaled_dot_product_attention",
                  11, "start"))
    return svg(840, yb + 40, b, "Attention scores, causal mask and softmax")


def ring_allreduce():
    b = [markers("#333333", BLUE)]
    n = 4
    b.append(text(20, 24, "ring all-reduce of N = 4 ranks, each tensor cut into 4 chunks", 13, "start", weight="bold"))
    b.append(text(20, 42, "(the algorithm MPI and NCCL use for large tensors; each rank sends 2(N−1)/N of its "
                  "tensor in all)", 11, "start"))
    colors = (BLUE, ORANGE, GREEN, RED)
    cw, ch = 34, 22

    def ranks(y0, title, have):
        out = [text(20, y0 - 8, title, 12, "start", weight="bold")]
        for r in range(n):
            x = 20 + r * 190
            out.append(text(x + 2 * cw, y0 + 12, f"rank {r}", 11))
            for k in range(n):
                parts = have(r, k)
                fill = colors[k] + ("ff" if len(parts) == n else "55" if len(parts) > 1 else "22")
                out.append(rect(x + k * cw, y0 + 20, cw, ch, fill=fill, stroke="#555"))
                out.append(text(x + k * cw + cw / 2, y0 + 35, "Σ" if len(parts) == n else "+".join(map(str, parts)), 9))
            if r < n - 1:
                out.append(line(x + n * cw + 8, y0 + 31, x + 182, y0 + 31, color=BLUE))
        return out

    b += ranks(80, "start: rank r holds its own chunks x_r[0..3]", lambda r, k: [r])
    # after step s of reduce-scatter, rank r holds the sum of s + 1 ranks' chunk (r - s) mod n
    def after_rs(step):
        def have(r, k):
            got = [r]
            for s in range(1, step + 1):
                if k == (r - s) % n:
                    got = [(r - t) % n for t in range(s + 1)]
            return sorted(got)
        return have

    b += ranks(160, "reduce-scatter, step 1: each rank sends one chunk to the next, which adds it", after_rs(1))
    b += ranks(240, "after N − 1 = 3 steps: rank r holds the full sum of chunk (r + 1) mod 4", after_rs(3))
    b += ranks(320, "all-gather, N − 1 = 3 more steps passing the finished sums on: every rank has all 4",
               lambda r, k: list(range(n)))
    b.append(text(20, 400, "(the last rank also sends to rank 0: the ring closes)", 11, "start"))
    return svg(780, 420, b, "Ring all-reduce")


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
