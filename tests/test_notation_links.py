"""Every ops file that derives a backward points its reader to docs/notation.md, and the
docs link each figure of docs/figures/ from where they discuss it."""

import ast
import glob
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def derives_backward(tree):
    """True when the module defines a class with a ``backward`` method (a Function)."""
    return any(isinstance(node, ast.ClassDef) and
               any(isinstance(f, ast.FunctionDef) and f.name == "backward" for f in node.body)
               for node in tree.body)


def files_missing_the_pointer(paths):
    missing = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            tree = ast.parse(f.read())
        if derives_backward(tree) and "docs/notation.md" not in (ast.get_docstring(tree) or ""):
            missing.append(os.path.relpath(path, ROOT))
    return missing


def op_files():
    return sorted(glob.glob(os.path.join(ROOT, "minigrad", "ops", "*.py")) +
                  glob.glob(os.path.join(ROOT, "minigrad", "linalg", "*.py")))


def test_every_op_file_with_derivations_points_to_the_notation():
    paths = op_files()
    assert sum(1 for p in paths if derives_backward(ast.parse(open(p, encoding="utf-8").read()))) > 20
    missing = files_missing_the_pointer(paths)
    assert not missing, f"module docstrings without a pointer to docs/notation.md: {missing}"


def test_the_check_can_fail(tmp_path):
    bad = tmp_path / "bad_op.py"
    bad.write_text('"""An op."""\n\nclass Op:\n    def backward(ctx, g):\n        return g\n')
    good = tmp_path / "good_op.py"
    good.write_text('"""An op. Notation: docs/notation.md."""\n\nclass Op:\n    def backward(ctx, g):\n'
                    '        return g\n')
    assert files_missing_the_pointer([str(bad), str(good)]) == [os.path.relpath(str(bad), ROOT)]


def test_each_figure_is_linked_where_it_is_discussed():
    def text(path):
        with open(os.path.join(ROOT, path), encoding="utf-8") as f:
            return f.read()

    figures = sorted(os.path.basename(p) for p in glob.glob(os.path.join(ROOT, "docs", "figures", "*.svg")))
    assert len(figures) >= 4
    tour = text("docs/tour.md")
    for name in figures:
        assert f"(figures/{name})" in tour, f"docs/tour.md does not link figures/{name}"
    assert "(figures/ring-allreduce.svg)" in text("docs/distributed.md")
    for path, name in (("minigrad/ops/conv.py", "conv-im2col.svg"), ("minigrad/ops/recurrent.py", "lstm-cell.svg"),
                       ("minigrad/ops/attention.py", "attention.svg")):
        assert re.search(rf"docs/figures/{re.escape(name)}", ast.get_docstring(ast.parse(text(path)))), \
            f"{path}'s docstring does not point to docs/figures/{name}"
