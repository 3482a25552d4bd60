"""Pictures of the computational graph: ``to_dot`` writes Graphviz DOT text, ``draw`` renders it.

Every tensor made by an op remembers that op's node (``tensor.grad_fn``), and every node
remembers where its inputs came from (``node.edges``, see autograd/function.py). Each edge is
- ``(parent_node, i)``: the input was output ``i`` of another op;
- ``(leaf_tensor, None)``: the input was a leaf tensor that requires grad (a parameter);
- ``None``: the input needs no gradient (data, constants), so the graph does not keep it.
Following the edges from an output back to the leaves is exactly the walk that
``backward()`` makes; here each step is written down as a box or an arrow instead.

In the picture arrows point the way data flows in the forward pass (input -> op -> output),
op nodes are boxes, leaf tensors are ellipses (blue: require grad), and the output is grey.
"""

import numpy as np

from .autograd.function import Function
from .tensor import Tensor


def _quote(text):
    """A DOT string literal: backslashes and quotes escaped, lines separated by ``\\n``."""
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _shape(shape):
    return str(tuple(int(s) for s in shape))


def _values(t, limit=6):
    """A short text for a tensor's values: all of them when few, else mean and norm."""
    a = np.asarray(t.cpu().numpy(), dtype=np.float64)
    if a.size <= limit:
        return np.array2string(a, precision=4, separator=", ", suppress_small=True).replace("\n", "")
    return f"mean {a.mean():.4g}, norm {np.linalg.norm(a):.4g}"


def _tensor_label(t, name, show_grad):
    lines = [name] if name else []
    lines.append(f"{_shape(t.shape)} {t.dtype}")
    if t.requires_grad and t.grad_fn is None:
        lines.append("requires_grad")
    if show_grad and (t.grad is not None or t.grad_fn is None):  # non-leaves keep a grad only on request
        lines.append("grad: none" if t.grad is None else "grad: " + _values(t.grad))
    return "\n".join(lines)


def _op_label(node):
    lines = [type(node).__name__]
    for shape, dtype, _device in getattr(node, "_output_meta", ()):
        lines.append(f"-> {_shape(shape)} {dtype}")
    return "\n".join(lines)


def to_dot(tensor, show_grad=False, params=None):
    """Graphviz DOT text of the graph that produced ``tensor``.

    ``show_grad`` adds the gradient stored in each leaf (after ``backward()``): its values
    when small, else its mean and norm. ``params`` maps names to tensors
    (``dict(model.named_parameters())``) so leaves are labelled by name.
    The walk is a loop with an explicit stack, so a graph of any depth is fine.
    """
    if not isinstance(tensor, Tensor):
        raise TypeError(f"to_dot: expects a Tensor, got {type(tensor).__name__}")
    names = {id(t): n for n, t in (params or {}).items()}
    ids = {}  # id(object) -> DOT node name; numbered in the order found, so the text is stable
    lines = ["digraph minigrad {", '  rankdir="LR";',
             '  node [fontname="Helvetica", fontsize=10];']

    def node_id(obj):
        key = id(obj)
        if key not in ids:
            ids[key] = f"n{len(ids)}"
        return ids[key]

    out = node_id(tensor)
    lines.append(f'  {out} [label={_quote(_tensor_label(tensor, names.get(id(tensor), "output"), show_grad))}, '
                 'shape=ellipse, style=filled, fillcolor="lightgrey"];')
    if tensor.grad_fn is None:  # a leaf on its own: nothing produced it
        lines.append("}")
        return "\n".join(lines) + "\n"

    root = tensor.grad_fn
    lines.append(f"  {node_id(root)} -> {out}"
                 + (f' [label="{tensor._output_nr}"]' if len(root._output_meta) > 1 else "") + ";")
    seen = {id(root)}
    stack = [root]
    while stack:
        node = stack.pop()
        me = node_id(node)
        lines.append(f"  {me} [label={_quote(_op_label(node))}, shape=box];")
        for edge in node.edges:
            if edge is None:
                continue
            src, index = edge
            if isinstance(src, Function):
                many = len(getattr(src, "_output_meta", ())) > 1  # say which output when several
                lines.append(f"  {node_id(src)} -> {me}" + (f' [label="{index}"]' if many else "") + ";")
                if id(src) not in seen:
                    seen.add(id(src))
                    stack.append(src)
            else:  # a leaf tensor
                leaf = node_id(src)
                if id(src) not in seen:
                    seen.add(id(src))
                    lines.append(f"  {leaf} [label={_quote(_tensor_label(src, names.get(id(src), ''), show_grad))}, "
                                 'shape=ellipse, style=filled, fillcolor="lightblue"];')
                lines.append(f"  {leaf} -> {me};")
    lines.append("}")
    return "\n".join(lines) + "\n"


_MISSING = (
    "draw: rendering needs Graphviz's `dot` program (e.g. apt install graphviz, brew install "
    "graphviz, conda install graphviz), optionally with the Python package (pip install graphviz). "
    "Without them, save the text of minigrad.viz.to_dot(tensor) to a .dot file, or call "
    "draw(tensor, 'graph.dot'), and render it elsewhere."
)


def draw(tensor, path, show_grad=False, params=None):
    """Write the graph of ``tensor`` to ``path``: .svg, .png or .pdf are rendered, .dot is the text.

    Rendering uses the ``graphviz`` Python package when it is installed, else the ``dot``
    program directly; without either it raises a RuntimeError saying what to install.
    Returns ``path``.
    """
    import os

    dot = to_dot(tensor, show_grad=show_grad, params=params)
    fmt = os.path.splitext(str(path))[1].lstrip(".").lower()
    if fmt == "dot" or fmt == "gv":
        with open(path, "w", encoding="utf-8") as f:
            f.write(dot)
        return path
    if fmt not in ("svg", "png", "pdf"):
        raise ValueError(f"draw: unknown picture format {fmt!r} in {path!r}; use .svg, .png, .pdf or .dot")
    data = _render(dot, fmt)
    with open(path, "wb") as f:
        f.write(data)
    return path


def _render(dot, fmt):
    """The picture as bytes, through the graphviz package or the dot program."""
    import shutil
    import subprocess

    try:
        import graphviz
    except ImportError:
        graphviz = None
    if graphviz is not None:
        try:
            return graphviz.Source(dot).pipe(format=fmt)
        except graphviz.ExecutableNotFound:
            raise RuntimeError(_MISSING) from None
    exe = shutil.which("dot")
    if exe is None:
        raise RuntimeError(_MISSING)
    done = subprocess.run([exe, f"-T{fmt}"], input=dot.encode("utf-8"), capture_output=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"draw: dot failed: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout
