"""The op index (docs/op-index.md) is fresh, covers every public op, and every nn / F docstring
names its Function or composition, correctly."""

import importlib
import inspect
import os
import re

import pytest

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad.testing import op_index

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PAGE = os.path.join(ROOT, "docs", "op-index.md")
LINE = re.compile(r"^(Function|Composition): ", re.M)
PAIR = re.compile(r"\b((?:ops|nn|linalg|autograd)/[\w/]+\.py) (\w+)")


@pytest.fixture(scope="module")
def rows():
    return op_index.build()


def test_page_is_fresh(rows):
    with open(PAGE, encoding="utf-8") as f:
        written = f.read()
    assert written == op_index.render(rows), (
        "docs/op-index.md is stale: run `python -m minigrad.testing --index docs/op-index.md`")


def test_every_public_name_has_a_row(rows):
    names = {r["name"] for r in rows}
    for name in F.__all__:
        assert f"F.{name}" in names
    for name in nn.__all__:
        obj = getattr(nn, name)
        if isinstance(obj, type) and issubclass(obj, nn.Module) and obj is not nn.Module:
            assert f"nn.{name}" in names
    from minigrad.ops import TENSOR_METHODS

    shown = {n.split("(Tensor.")[-1].rstrip(")") if "(Tensor." in n else n.replace("Tensor.", "") for n in names}
    for method in TENSOR_METHODS:
        assert method in shown, method
    assert "a @ b  (Tensor.__matmul__)" in names


def test_every_registered_function_is_reached(rows):
    reached = op_index.backward_closure(list(dict.fromkeys(f for r in rows for f in r["reached"])),
                                        op_index.tensor_methods())
    missing = [f"{f.__module__}.{f.__name__}" for f in op_index.registry_checks() if f not in reached]
    assert not missing, f"registered Functions no public name reaches: {missing}"


@pytest.mark.parametrize("name, functions", [
    ("a @ b  (Tensor.__matmul__)", ["MatMul"]),
    ("a + b  (Tensor.__add__)", ["Add"]),
    ("F.relu", ["ReLU"]),
    ("F.embedding", ["Embedding"]),
    ("minigrad.sum", ["Sum"]),
])
def test_direct_functions(rows, name, functions):
    row = next(r for r in rows if r["name"] == name)
    assert [f.__name__ for f in row["direct"]] == functions


@pytest.mark.parametrize("name, function", [
    ("nn.LSTM", "FusedRecurrentLayer"), ("nn.Conv2d", "Conv2d"), ("nn.Dropout", "Mul"),
    ("nn.MaxPool2d", "MaxPool2d"), ("nn.Linear", "MatMul"), ("Tensor.clone", "Clone"),
])
def test_compositions_reach_their_functions(rows, name, function):
    row = next(r for r in rows if r["name"] == name)
    assert not row["direct"]
    assert function in [f.__name__ for f in row["reached"]]


def test_where_points_at_the_class():
    from minigrad.ops.linalg import MatMul

    path, line = op_index.where(MatMul).split(":")
    assert path == "ops/linalg.py"
    with open(os.path.join(ROOT, "minigrad", path), encoding="utf-8") as f:
        assert f.read().split("\n")[int(line) - 1].startswith("class MatMul(")


def test_reading_a_composition():
    """A function that applies no Function is followed into the ops it calls, operators included."""
    def composed(x, y):
        return (x * y).exp() + minigrad.sum(x)

    direct, parts, reached = op_index.reach(composed, op_index.tensor_methods())
    assert direct == []
    assert {"Mul", "Exp", "Add", "Sum"} <= {f.__name__ for f in reached}


def public_layers_and_functions(rows):
    for r in rows:
        if r["surface"] in ("nn", "F"):
            obj = getattr(nn if r["surface"] == "nn" else F, r["name"].split(".", 1)[1])
            yield r, obj


def test_docstrings_name_their_function_or_composition(rows):
    missing, wrong = [], []
    methods = op_index.tensor_methods()
    for r, obj in public_layers_and_functions(rows):
        doc = inspect.cleandoc(obj.__doc__ or "")
        m = LINE.search(doc)
        if m is None:
            missing.append(r["name"])
            continue
        paragraph = doc[m.start():].split("\n\n")[0].replace("\n", " ")
        for path, cls in PAIR.findall(paragraph):
            module = importlib.import_module("minigrad." + path[:-3].replace("/", "."))
            named = vars(module).get(cls)
            if not op_index.is_function_class(named) or named.__module__ != module.__name__:
                wrong.append(f"{r['name']}: {path} {cls} is not a Function defined there")
            elif m.group(1) == "Function" and named not in op_index.backward_closure(r["reached"], methods):
                wrong.append(f"{r['name']}: names {cls}, which its code does not reach")
    assert not missing, f"docstrings without a 'Function:' or 'Composition:' line: {missing}"
    assert not wrong, wrong


def test_function_lines_name_a_function(rows):
    """A 'Function:' line names at least one Function by file and class."""
    for r, obj in public_layers_and_functions(rows):
        doc = inspect.cleandoc(obj.__doc__ or "")
        m = LINE.search(doc)
        if m and m.group(1) == "Function":
            assert PAIR.search(doc[m.start():].split("\n\n")[0].replace("\n", " ")), r["name"]


def test_command_line_prints_the_page(capsys):
    assert op_index.main() == 0
    out = capsys.readouterr().out
    assert out.startswith("# Op index") and "`MatMul`" in out
