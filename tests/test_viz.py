"""The graph as DOT text (to_dot) and as a picture (draw)."""

import re
import shutil
import subprocess
import sys

import numpy as np
import pytest

import minigrad as mg
from minigrad import viz
from minigrad.autograd.function import Function


def _graph():
    w = mg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    b = mg.tensor([0.5, -0.5], requires_grad=True)
    x = mg.tensor([[1.0, 1.0]])  # data: needs no gradient, so the graph does not keep it
    h = x @ w
    y = ((h + b) * h).sum()
    return w, b, y


def _nodes(dot):
    """{node name: label} from DOT text."""
    return dict(re.findall(r'^\s*(n\d+) \[label="((?:[^"\\]|\\.)*)"', dot, flags=re.M))


def _edges(dot):
    return re.findall(r"^\s*(n\d+) -> (n\d+)", dot, flags=re.M)


def test_to_dot_lists_ops_leaves_shapes_and_dtypes():
    w, b, y = _graph()
    dot = viz.to_dot(y, params={"w": w, "b": b})
    assert dot.startswith("digraph minigrad {") and dot.rstrip().endswith("}")
    labels = _nodes(dot)
    ops = sorted(lab.split("\\n")[0] for lab in labels.values() if "->" in lab)
    assert ops == ["Add", "MatMul", "Mul", "Sum"]  # x @ w is computed once and used twice
    assert "w\\n(2, 2) float32\\nrequires_grad" in labels.values()
    assert "b\\n(2,) float32\\nrequires_grad" in labels.values()
    assert "Sum\\n-> () float32" in labels.values()
    assert "output\\n() float32" in labels.values()
    assert len(labels) == 7  # output, 4 ops, 2 leaves
    # edges follow the data: w -> MatMul -> Add and Mul, b -> Add, Add -> Mul -> Sum -> output
    name = {lab.split("\\n")[0]: n for n, lab in labels.items()}
    assert sorted(_edges(dot)) == sorted([(name["w"], name["MatMul"]), (name["MatMul"], name["Add"]),
                                          (name["MatMul"], name["Mul"]), (name["b"], name["Add"]),
                                          (name["Add"], name["Mul"]), (name["Mul"], name["Sum"]),
                                          (name["Sum"], name["output"])])


def test_to_dot_is_deterministic_and_shows_float64():
    x = mg.tensor([1.0, 2.0], dtype=mg.float64, requires_grad=True)
    y = (x * x).sum()
    assert viz.to_dot(y) == viz.to_dot(y)
    assert "(2,) float64\\nrequires_grad" in viz.to_dot(y)


def test_to_dot_show_grad_after_backward():
    w, b, y = _graph()
    assert "grad:" not in viz.to_dot(y, params={"w": w, "b": b})
    before = viz.to_dot(y, show_grad=True, params={"b": b})
    assert "b\\n(2,) float32\\nrequires_grad\\ngrad: none" in before
    y.backward()
    dot = viz.to_dot(y, show_grad=True, params={"w": w, "b": b})
    np.testing.assert_allclose(b.grad.numpy(), [4.0, 6.0])
    assert "grad: [4., 6.]" in dot
    assert "grad: [[ 8.5, 11.5], [ 8.5, 11.5]]" in dot


def test_to_dot_summarizes_large_gradients():
    x = mg.tensor(np.full((4, 5), 2.0, dtype=np.float32), requires_grad=True)
    (x * 3.0).sum().backward()
    dot = viz.to_dot((x * 3.0).sum(), show_grad=True)
    assert "grad: mean 3, norm 13.42" in dot  # 20 entries of 3: norm sqrt(180)


def test_to_dot_of_a_leaf_and_of_a_constant():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    labels = _nodes(viz.to_dot(x))
    assert list(labels.values()) == ["output\\n(2,) float32\\nrequires_grad"]
    c = mg.tensor([1.0]) * 2.0  # no input requires grad: no graph recorded
    assert _edges(viz.to_dot(c)) == []
    with pytest.raises(TypeError, match="expects a Tensor"):
        viz.to_dot(np.zeros(2))


class _Split(Function):
    """Two outputs: the first and second halves of x (for testing multi-output nodes)."""

    @staticmethod
    def forward(ctx, x):
        n = x.shape[0] // 2
        return x[:n].copy(), x[n:].copy()

    @staticmethod
    def backward(ctx, g0, g1):
        return mg.Tensor._make(np.concatenate([g0.array, g1.array]))


def test_to_dot_labels_which_output_of_a_multi_output_node():
    x = mg.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    a, b = _Split.apply(x)
    dot = viz.to_dot((a * b).sum())
    split = [n for n, lab in _nodes(dot).items() if lab.startswith("_Split")]
    assert len(split) == 1
    assert "_Split\\n-> (2,) float32\\n-> (2,) float32" in dot
    labels = sorted(re.findall(split[0] + r' -> n\d+ \[label="(\d)"\]', dot))
    assert labels == ["0", "1"]


def test_to_dot_walks_a_deep_graph_without_recursion():
    x = mg.tensor([1.0], requires_grad=True)
    y = x
    for _ in range(3 * sys.getrecursionlimit()):
        y = y * 1.0
    dot = viz.to_dot(y)
    assert dot.count("Mul\\n") == 3 * sys.getrecursionlimit()


def test_to_dot_quotes_names():
    x = mg.tensor([1.0], requires_grad=True)
    dot = viz.to_dot((x * 2.0).sum(), params={'my "x"\\': x})
    assert 'label="my \\"x\\"\\\\\\n(1,) float32' in dot


def test_draw_writes_dot_text_without_any_renderer(tmp_path):
    _, _, y = _graph()
    path = viz.draw(y, tmp_path / "g.dot")
    assert (tmp_path / "g.dot").read_text() == viz.to_dot(y)
    assert path == tmp_path / "g.dot"
    with pytest.raises(ValueError, match="unknown picture format"):
        viz.draw(y, tmp_path / "g.jpeg2000")


def test_draw_without_graphviz_says_what_to_install(tmp_path, monkeypatch):
    _, _, y = _graph()
    monkeypatch.setitem(sys.modules, "graphviz", None)  # makes `import graphviz` fail
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(RuntimeError, match="Graphviz's `dot` program.*pip install graphviz"):
        viz.draw(y, tmp_path / "g.svg")
    assert not (tmp_path / "g.svg").exists()


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_dot_accepts_the_text_and_draw_renders_svg(tmp_path, monkeypatch):
    w, b, y = _graph()
    y.backward()
    dot = viz.to_dot(y, show_grad=True, params={"w": w, "b": b})
    done = subprocess.run(["dot", "-Tplain"], input=dot.encode(), capture_output=True)
    assert done.returncode == 0, done.stderr.decode()
    monkeypatch.setitem(sys.modules, "graphviz", None)  # the dot-program path
    viz.draw(y, tmp_path / "g.svg", show_grad=True, params={"w": w, "b": b})
    svg = (tmp_path / "g.svg").read_text()
    assert "<svg" in svg and "MatMul" in svg and "grad: [4., 6.]" in svg
