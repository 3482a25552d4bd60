"""The package metadata setup.cfg reads without importing minigrad."""

import ast
import configparser
from pathlib import Path

import minigrad

ROOT = Path(__file__).resolve().parent.parent


def test_the_version_is_a_literal_setuptools_can_read_without_importing():
    """setup.cfg says ``version = attr: minigrad.__version__``: setuptools reads that from the
    source's syntax tree, so it must be a plain string assigned in minigrad/__init__.py."""
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    assert config["metadata"]["version"].strip() == "attr: minigrad.__version__"
    tree = ast.parse((ROOT / "minigrad" / "__init__.py").read_text())
    literals = [node.value.value for node in tree.body if isinstance(node, ast.Assign)
                and any(getattr(t, "id", None) == "__version__" for t in node.targets)
                and isinstance(node.value, ast.Constant)]
    assert literals == [minigrad.__version__] and minigrad.version.__version__ == minigrad.__version__
