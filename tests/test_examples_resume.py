"""The examples' ``--checkpoint``: a run stopped in the middle and started again with the same
command ends with exactly the weights of a run that never stopped.

The stop is an exception raised in the middle of an epoch (the evaluation of epoch 3 of 4),
after two checkpoints were written; tests/test_crash_resume.py kills processes for real.
"""

import importlib
import os
import sys

import pytest

import minigrad as mg

EXAMPLES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "examples")
sys.path.insert(0, EXAMPLES)

needs_digits = pytest.mark.skipif(importlib.util.find_spec("sklearn") is None,
                                  reason="the digits come from scikit-learn's data file")


class Crash(Exception):
    """Stands for the process dying."""


def crash_on_call(monkeypatch, module, name, n):
    """Make ``module.name`` raise Crash on its n-th call (the calls before it run normally)."""
    real, calls = getattr(module, name), [0]

    def wrapper(*args, **kwargs):
        calls[0] += 1
        if calls[0] == n:
            raise Crash(f"stopped in call {n} of {name}")
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, wrapper)


def load_weights(path):
    return {k: v.numpy() for k, v in mg.load(path)["model"].items()}


def assert_bit_identical(a, b):
    assert a.keys() == b.keys()
    for k in a:
        assert a[k].dtype == b[k].dtype and a[k].tobytes() == b[k].tobytes(), k


DIGITS = ["--epochs", "4", "--limit", "300", "--batch-size", "32", "--channels", "4", "8", "--hidden", "16", "--quiet"]


@needs_digits
def test_digits_cnn_resumes_bit_identically(tmp_path, monkeypatch):
    digits = importlib.import_module("digits_cnn")
    straight = digits.main(DIGITS + ["--save", str(tmp_path / "straight.npz")])

    ckpt, final = str(tmp_path / "run.npz"), str(tmp_path / "resumed.npz")
    args = DIGITS + ["--checkpoint", ckpt, "--save", final]
    with monkeypatch.context() as m:
        crash_on_call(m, digits, "evaluate", 3)  # in epoch 3, after the checkpoints of epochs 1 and 2
        with pytest.raises(Crash):
            digits.main(args)
    assert int(mg.load(ckpt)["epoch"]) == 2
    resumed = digits.main(args)
    assert_bit_identical(load_weights(str(tmp_path / "straight.npz")), load_weights(final))
    assert resumed["history"] == straight["history"]  # the curves cover the whole run
    assert resumed["test_accuracy"] == straight["test_accuracy"]

    # the run is finished: the same command again trains nothing and gives the same model
    again = digits.main(args)
    assert again["history"] == straight["history"]
    assert_bit_identical(load_weights(str(tmp_path / "straight.npz")), load_weights(final))


@needs_digits
def test_digits_cnn_refuses_a_checkpoint_of_another_run(tmp_path):
    digits = importlib.import_module("digits_cnn")
    ckpt = str(tmp_path / "run.npz")
    small = ["--epochs", "1", "--limit", "100", "--channels", "2", "2", "--hidden", "4", "--quiet", "--save", ""]
    digits.main(small + ["--checkpoint", ckpt])
    with pytest.raises(SystemExit, match=r"other settings: lr 0.002 \(now 0.01\)"):
        digits.main(small + ["--checkpoint", ckpt, "--lr", "0.01"])
    with pytest.raises(SystemExit, match=r"epochs 1 \(now 2\)"):
        digits.main(small[2:] + ["--epochs", "2", "--checkpoint", ckpt])


def test_a_file_that_is_no_training_checkpoint_is_refused(tmp_path):
    lstm = importlib.import_module("char_lstm")
    path = str(tmp_path / "model.npz")
    mg.save({"model": {}}, path)
    with pytest.raises(SystemExit, match="not a training checkpoint"):
        lstm.main(["--epochs", "1", "--checkpoint", path] + TINY_LM)
    (tmp_path / "torn.npz").write_bytes(b"PK\x03\x04 half")
    with pytest.raises(SystemExit, match="cannot resume from it"):
        lstm.main(["--epochs", "1", "--checkpoint", str(tmp_path / "torn.npz")] + TINY_LM)


TINY_LM = ["--chars", "3000", "--seq-len", "16", "--batch-size", "16", "--sample-len", "0", "--quiet",
           "--hidden-size", "16", "--embed-dim", "8", "--num-layers", "2", "--dropout", "0.3"]


def test_char_lstm_resumes_bit_identically(tmp_path, monkeypatch):
    lstm = importlib.import_module("char_lstm")
    charlm = importlib.import_module("_charlm")
    straight = lstm.main(["--epochs", "3", "--save", str(tmp_path / "straight.npz")] + TINY_LM)

    ckpt, final = str(tmp_path / "run.npz"), str(tmp_path / "resumed.npz")
    args = ["--epochs", "3", "--checkpoint", ckpt, "--save", final] + TINY_LM
    with monkeypatch.context() as m:
        crash_on_call(m, charlm, "evaluate_lm", 2)  # at the end of epoch 2, before its checkpoint
        with pytest.raises(Crash):
            lstm.main(args)
    resumed = lstm.main(args)
    assert_bit_identical(load_weights(str(tmp_path / "straight.npz")), load_weights(final))
    assert resumed["losses"] == straight["losses"]  # every step's loss, the replayed epoch's too
    assert resumed["val_loss"] == straight["val_loss"]


def test_checkpoint_option_is_offered(capsys):
    for name in ("digits_cnn", "char_lstm"):
        with pytest.raises(SystemExit):
            importlib.import_module(name).main(["--help"])
        assert "--checkpoint" in capsys.readouterr().out, name


def test_without_the_option_nothing_is_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    importlib.import_module("char_lstm").main(["--epochs", "1", "--save", ""] + TINY_LM)
    assert os.listdir(tmp_path) == []
