"""The three Keras programs of tests/programs/keras_*.py run unchanged (only the import says
minigrad) and learn what they should."""

import contextlib
import io
import runpy
from pathlib import Path

import numpy as np

import minigrad

PROGRAMS = Path(__file__).parent / "programs"


def run_program(name, seed=0):
    """Run a program as a script (its output captured); its global variables afterwards."""
    minigrad.manual_seed(seed)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        names = runpy.run_path(str(PROGRAMS / f"{name}.py"), run_name="__main__")
    return names, out.getvalue()


def test_linear_regression_finds_w_2_and_b_1():
    names, printed = run_program("keras_linear_regression")
    weights, bias = names["model"].layers[0].get_weights()
    assert abs(weights[0][0] - 2.0) < 1e-2 and abs(bias[0] - 1.0) < 1e-2
    assert abs(float(names["model"].predict(np.array([10.0]), verbose=0)[0, 0]) - 21.0) < 0.1
    assert "w = 2.0" in printed


def test_text_classifier_learns_its_training_texts():
    names, _ = run_program("keras_text_classifier")
    history = names["history"].history
    assert len(history["loss"]) == 10 and history["loss"][-1] < history["loss"][0]
    assert history["accuracy"][-1] >= 0.9
    assert names["padded"].shape == (64, 10) and names["padded"].dtype == np.int32


def test_stacked_simple_rnn_predicts_the_sine_wave():
    names, printed = run_program("keras_stacked_rnn")
    loss = names["history"].history["loss"]
    assert len(loss) == 5 and loss[-1] < 0.2 * loss[0]
    assert "Total params: 3,201" in printed  # 32·(1+32+1) + 32·(32+32+1) + 33


def test_the_example_classifies_paragraphs_of_pythons_help(capsys):
    import sys
    sys.path.insert(0, str(Path(__file__).parents[1] / "examples"))
    try:
        import keras_text_classifier
    finally:
        sys.path.pop(0)
    out = keras_text_classifier.main(["--epochs", "2", "--limit", "160", "--units", "16", "--maxlen", "20",
                                      "--quiet"])
    history = out["history"]
    assert sorted(history) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert history["loss"][-1] < history["loss"][0]
    assert out["scores"].shape == (2, 1)
    assert "160 passages" in capsys.readouterr().out
    texts, labels = keras_text_classifier.load_passages()
    assert len(texts) > 600 and set(labels) == {0, 1}
