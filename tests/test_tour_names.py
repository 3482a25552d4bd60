"""Every file, function and ``module.name`` that docs/tour.md names exists, so the tour cannot
point a reader at code that was renamed or removed."""

import importlib
import os
import re

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOUR = os.path.join(ROOT, "docs", "tour.md")

# what a dotted name's first part stands for in the tour's prose
PREFIXES = {
    "mg": "minigrad", "minigrad": "minigrad", "nn": "minigrad.nn", "F": "minigrad.nn.functional",
    "optim": "minigrad.optim", "Tensor": "minigrad.tensor:Tensor", "Function": "minigrad.autograd.function:Function",
    "keras": "minigrad.keras",
}
PLACEHOLDERS = {"nn.X", "F.x"}  # the tour's names for "any layer" and "any function"


def tour():
    with open(TOUR, encoding="utf-8") as f:
        return f.read()


def prose(text):
    """The tour without its code blocks (names inside examples are checked by running them)."""
    return re.sub(r"```.*?```", "", text, flags=re.S)


def package_files():
    found = {}
    for folder, _, files in os.walk(os.path.join(ROOT, "minigrad")):
        for name in files:
            found.setdefault(name, []).append(os.path.join(folder, name))
    return found


def file_exists(token, files):
    for base in (ROOT, os.path.join(ROOT, "minigrad"), os.path.join(ROOT, "docs")):
        if os.path.exists(os.path.join(base, token)):
            return True
    return "/" not in token and token in files  # a bare name (`conv.py`) of a file in the package


def resolve(dotted):
    head, *rest = dotted.split(".")
    target = PREFIXES[head]
    module, _, attr = target.partition(":")
    obj = importlib.import_module(module)
    if attr:
        obj = getattr(obj, attr)
    for part in rest:
        obj = getattr(obj, part)
    return obj


def test_named_files_exist():
    text, files = prose(tour()), package_files()
    tokens = set(re.findall(r"`([\w./-]+\.(?:py|md|svg))`", text))
    tokens |= set(re.findall(r"\]\(([\w./-]+\.(?:md|svg))\)", text))  # links, relative to docs/
    assert len(tokens) > 20
    missing = sorted(t for t in tokens if not file_exists(t, files))
    assert not missing, f"docs/tour.md names files that do not exist: {missing}"


def test_functions_named_beside_their_files_exist():
    """``*Files: `minigrad/ops/conv.py` (`_shifted_conv`, ...)*``: each name is defined in that file."""
    text = prose(tour())
    checked, missing = 0, []
    for block in re.findall(r"\*Files?: (.*?)\*", text, flags=re.S):
        for path, names in re.findall(r"`(minigrad/[\w/]+)\.py` \(([^)]*)\)", block):
            module = importlib.import_module(path.replace("/", "."))
            for name in re.findall(r"`(\w+(?:\.\w+)*)`", names):  # a function, a class or Class.method
                checked += 1
                obj = module
                for part in name.split("."):
                    obj = getattr(obj, part, None)
                if obj is None:
                    missing.append(f"{path}.py: {name}")
    assert checked > 10
    assert not missing, f"docs/tour.md names functions that do not exist: {missing}"


def test_dotted_names_resolve():
    text = prose(tour())
    names = {n for n in re.findall(r"`([A-Za-z_]\w*(?:\.\w+)+)`", text)
             if n.split(".")[0] in PREFIXES and n not in PLACEHOLDERS}
    assert len(names) > 5
    missing = []
    for name in sorted(names):
        try:
            resolve(name)
        except (AttributeError, ImportError):
            missing.append(name)
    assert not missing, f"docs/tour.md names things that do not exist: {missing}"


@pytest.mark.parametrize("bad", ["`minigrad/ops/no_such_file.py`", "`nn.NoSuchLayer`"])
def test_the_checks_can_fail(bad, monkeypatch):
    """A name that does not exist is caught (a check that cannot fail is worthless)."""
    monkeypatch.setattr(f"{__name__}.tour", lambda: f"Text naming {bad} in prose, `minigrad/ops/conv.py`.")
    test = test_named_files_exist if bad.endswith(".py`") else test_dotted_names_resolve
    with pytest.raises(AssertionError):
        test()


def test_figures_are_fresh():
    """docs/figures/*.svg are what scripts/make_figures.py writes, and are well-formed XML."""
    import importlib.util
    import xml.dom.minidom

    spec = importlib.util.spec_from_file_location("make_figures", os.path.join(ROOT, "scripts", "make_figures.py"))
    make_figures = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_figures)
    for name, make in make_figures.FIGURES.items():
        path = os.path.join(ROOT, "docs", "figures", name)
        with open(path, encoding="utf-8") as f:
            assert f.read() == make(), f"{name} is stale: run python scripts/make_figures.py"
        xml.dom.minidom.parse(path)
