"""Every ``>>>`` example in docs/*.md runs as a doctest, so the documentation stays true."""

import doctest
import glob
import os

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCS = sorted(glob.glob(os.path.join(ROOT, "docs", "*.md")))
# Tables a script writes (and whose own test keeps them fresh) carry no examples of their own.
GENERATED = {"op-index.md"}


def test_there_are_docs():
    assert any(os.path.basename(p) == "tour.md" for p in DOCS)


@pytest.mark.parametrize("path", DOCS, ids=os.path.basename)
def test_doc_examples_run(path):
    result = doctest.testfile(path, module_relative=False, globs={}, report=True,
                              optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    if os.path.basename(path) not in GENERATED:
        assert result.attempted > 0, f"{path} has no >>> examples"
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {path} failed (see above)"
