"""scripts/api_coverage.py: the curated list of PyTorch's API is well formed, every name in it is
really PyTorch's, and the script prints a figure per family (and the missing names)."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("api_coverage", ROOT / "scripts" / "api_coverage.py")
api_coverage = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(api_coverage)

FAMILIES = api_coverage.read_api()


def test_the_list_has_the_families_and_a_few_hundred_names():
    for family in ("torch", "Tensor", "nn", "nn.functional", "optim", "optim.lr_scheduler", "utils.data"):
        assert len(FAMILIES.get(family, [])) >= 10, family
    assert 300 <= sum(len(v) for v in FAMILIES.values()) <= 1500


@pytest.mark.parametrize("family", list(FAMILIES))
def test_no_name_is_listed_twice(family):
    names = FAMILIES[family]
    assert len(names) == len(set(names)), sorted({n for n in names if names.count(n) > 1})


@pytest.mark.parametrize("family", list(FAMILIES))
def test_every_listed_name_is_pytorchs(family, torch):
    import importlib

    obj = torch.Tensor if family == "Tensor" else torch if family == "torch" else importlib.import_module(f"torch.{family}")
    assert [n for n in FAMILIES[family] if not hasattr(obj, n)] == []


def test_coverage_counts_what_minigrad_has():
    rows = {family: (present, missing) for family, present, missing in api_coverage.coverage()}
    assert set(rows) == set(FAMILIES)
    present, missing = rows["utils.data"]
    assert "DataLoader" in present and "WeightedRandomSampler" in present
    present, missing = rows["torch"]
    assert "manual_seed" in present and "Generator" in present
    fake = api_coverage.coverage({"torch": ["tensor", "surely_not_a_name"], "no.such.module": ["x"]})
    assert fake == [("torch", ["tensor"], ["surely_not_a_name"]), ("no.such.module", [], ["x"])]


def test_the_script_prints_the_table_and_the_missing_names():
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "api_coverage.py"), "--missing"],
                         capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].split() == ["family", "has", "of", "coverage"]
    for family in FAMILIES:
        assert any(line.split()[:1] == [family] and line.endswith("%") for line in lines), family
    assert any(line.startswith("all ") for line in lines)
    md = subprocess.run([sys.executable, str(ROOT / "scripts" / "api_coverage.py"), "--markdown"],
                        capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert md.stdout.startswith("| family |") and "| **all** |" in md.stdout


def test_readme_shows_the_coverage_table():
    readme = (ROOT / "README.md").read_text()
    assert "## Coverage of PyTorch's API" in readme and "| `utils.data` |" in readme
