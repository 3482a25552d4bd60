"""``python -m minigrad.testing``: ``--help`` names ``--index``, and ``--index`` prints or
writes the op index."""

import os
import subprocess
import sys

from minigrad.testing import op_index, report

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_help_mentions_the_index():
    done = subprocess.run([sys.executable, "-m", "minigrad.testing", "--help"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "--index [FILE]" in done.stdout and "op index" in done.stdout


def test_index_prints_the_page(capsys):
    assert report.main(["--index"]) == 0
    assert capsys.readouterr().out == op_index.render()


def test_index_writes_a_file(tmp_path, capsys):
    path = tmp_path / "op-index.md"
    assert report.main(["--index", str(path)]) == 0
    assert path.read_text(encoding="utf-8") == op_index.render()
    assert f"wrote {path}" in capsys.readouterr().out
