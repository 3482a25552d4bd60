"""examples/_common.progress: a bar on a terminal, a few plain lines in a log, never one per step."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("examples_common", ROOT / "examples" / "_common.py")
common = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(common)


def test_not_a_terminal_gives_one_line_per_loop(capsys):
    bar = common.progress(range(500), desc="epoch 1")  # pytest's captured stdout is not a tty
    assert isinstance(bar, common._PlainBar)
    for i in bar:
        bar.set_postfix(loss=1.0 / (i + 1), acc=0.5)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 and lines[0].startswith("epoch 1: loss=0.0020, acc=0.5000")


def test_a_long_loop_also_prints_every_quarter(capsys, monkeypatch):
    clock = iter(range(0, 10_000, 30))  # every call to the clock is 30 s later
    monkeypatch.setattr(common.time, "perf_counter", lambda: next(clock))
    bar = common._PlainBar(range(1000), "epoch 2", 1000, disable=False)
    for _ in bar:
        pass
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == ["epoch 2 [250/1000]", "epoch 2 [500/1000]",
                                                      "epoch 2 [750/1000]", "epoch 2"]


def test_quiet_prints_nothing(capsys):
    for _ in common.progress(range(10), desc="x", quiet=True):
        pass
    assert capsys.readouterr().out == ""
