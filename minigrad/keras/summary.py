"""``model.summary()``: the table Keras 3 prints, drawn with box characters.

Keras draws it with the ``rich`` library; this file lays it out the same way without it. The
line length is 88 characters for a chain of layers (three columns) and 108 when the model
branches (a fourth column, "Connected to"), but at most the terminal's width minus 4. Each
column gets its share of the line (``positions``), plus one space of padding either side;
when that is wider than the line, every column gives up the same number of characters
(rich's ``ratio_reduce``). Text wraps at spaces; a word longer than its cell ends in "…".
"""

import math
import shutil

from .layers.symbolic import flatten


def _ratio_reduce(excess, widths):
    """Take ``excess`` characters off ``widths``, as evenly as the rounding allows."""
    out, remaining, ratio = [], excess, len(widths)
    for w in widths:
        cut = min(w, round(remaining / ratio))
        out.append(w - cut)
        remaining -= cut
        ratio -= 1
    return out


def _wrap(text, width):
    """The lines of ``text`` in a cell ``width`` wide: greedy on spaces, long words cut with "…"."""
    lines, line = [], ""
    for word in text.split(" "):
        if len(word) > width:
            word = word[:width - 1] + "…"
        if not line:
            line = word
        elif len(line) + 1 + len(word) <= width:
            line += " " + word
        else:
            lines.append(line)
            line = word
    lines.append(line)
    return lines


def _table(header, rows, widths, align):
    """The box-drawn table, ``widths`` the cells' widths without their padding."""
    def rule(left, mid, right, fill):
        return left + mid.join(fill * (w + 2) for w in widths) + right

    def cells(values, bar):
        wrapped = [_wrap(v, w) for v, w in zip(values, widths)]
        height = max(len(c) for c in wrapped)
        out = []
        for i in range(height):
            parts = []
            for c, w, a in zip(wrapped, widths, align):
                text = c[i] if i < len(c) else ""
                text = text.rjust(w) if a == "right" else text.center(w) if a == "center" else text.ljust(w)
                parts.append(" " + text + " ")
            out.append(bar + bar.join(parts) + bar)
        return out

    lines = [rule("┏", "┳", "┓", "━")] + cells(header, "┃") + [rule("┡", "╇", "┩", "━")]
    for i, row in enumerate(rows):
        if i:
            lines.append(rule("├", "┼", "┤", "─"))
        lines += cells(row, "│")
    lines.append(rule("└", "┴", "┘", "─"))
    return lines


def _shape_text(layer):
    if not layer._inbound_nodes:
        return "?"
    texts = ["(" + ", ".join(str(d) for d in t.shape) + ")" for t in flatten(layer._inbound_nodes[-1].outputs)]
    return texts[0] if len(texts) == 1 else "[" + ", ".join(texts) + "]"  # several outputs: a list


def _memory(count):
    size = count * 4.0  # float32 weights
    for unit in ["B", "KB", "MB", "GB", "TB"]:
        if size / 1024 < 1:
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} PB"


def _count(weights):
    return int(sum(math.prod(w.shape) for w in weights))


def summary_lines(model, line_length=None, positions=None, show_trainable=False):
    """The lines of ``model.summary()``."""
    layers, nodes = model._summary_layers()
    chain = nodes is None
    if chain:
        length, positions = 88, positions or [0.45, 0.80, 1.0]
        header, align = ["Layer (type)", "Output Shape", "Param #"], ["left", "left", "right"]
    else:
        length, positions = 108, positions or [0.3, 0.56, 0.74, 1.0]
        header = ["Layer (type)", "Output Shape", "Param #", "Connected to"]
        align = ["left", "left", "right", "left"]
    if show_trainable:
        length += 12
        positions = [p * 0.90 for p in positions] + [1.0]
        header.append("Trainable")
        align.append("center")
    length = line_length or min(length, shutil.get_terminal_size().columns - 4)
    widths, current = [], 0
    for pos in positions:
        width = int(pos * length) - current if pos <= 1 else int(pos) - current
        widths.append(width)
        current += width
    padded = [w + 2 for w in widths]
    room = length - (len(widths) + 1)
    if sum(padded) > room:
        padded = _ratio_reduce(sum(padded) - room, padded)
    widths = [w - 2 for w in padded]

    rows = []
    for layer in layers:
        name = f"{layer.name} ({type(layer).__name__})"
        params = f"{layer.count_params():,}" if layer.built else "0 (unbuilt)"
        row = [name, _shape_text(layer), params]
        if not chain:
            links = []
            for node in layer._inbound_nodes:
                if node not in nodes:
                    continue
                for t in node.input_tensors:
                    source = t.node.layer
                    links.append(f"{source.name}[{source._inbound_nodes.index(t.node)}][{t.index}]")
            row.append(", ".join(links) or "-")
        if show_trainable:
            row.append(("Y" if layer.trainable else "N") if layer.weights else "-")
        rows.append(row)
    trainable, frozen = _count(model.trainable_weights), _count(model.non_trainable_weights)
    return ([f'Model: "{model.name}"'] + _table(header, rows, widths, align)
            + [f" Total params: {trainable + frozen:,} ({_memory(trainable + frozen)})",
               f" Trainable params: {trainable:,} ({_memory(trainable)})",
               f" Non-trainable params: {frozen:,} ({_memory(frozen)})"])
