"""Smoke tests of the examples: each main(argv) with tiny settings; the loss must go down.

The full-size runs (and the accuracies README.md quotes) are too slow for the suite; these
check that every script runs end to end, learns, saves and reloads.
"""

import importlib
import os
import subprocess
import sys

import numpy as np
import pytest

EXAMPLES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "examples")
sys.path.insert(0, EXAMPLES)

SCRIPTS = ["linear_regression", "digits_cnn", "sequence_classifier", "char_lstm", "char_transformer",
           "higher_order"]

needs_digits = pytest.mark.skipif(importlib.util.find_spec("sklearn") is None,
                                  reason="the digits come from scikit-learn's data file")


def example(name):
    return importlib.import_module(name)


def went_down(losses, k=3):
    """The mean of the last k losses is below the mean of the first k."""
    k = max(1, min(k, len(losses) // 2))
    return np.mean(losses[-k:]) < np.mean(losses[:k])


@pytest.mark.parametrize("name", SCRIPTS)
def test_help_lists_the_common_options(name, capsys):
    with pytest.raises(SystemExit) as exit_info:
        example(name).main(["--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    for option in ("--epochs", "--device", "--seed", "--plot"):
        assert option in text, (name, option)


@pytest.mark.skipif(__import__("minigrad").is_cuda_available(), reason="a GPU is present")
def test_cuda_without_a_gpu_is_a_clear_error():
    with pytest.raises(SystemExit, match="no GPU found"):
        example("linear_regression").main(["--device", "cuda"])


def test_scripts_run_from_the_command_line():
    done = subprocess.run([sys.executable, os.path.join(EXAMPLES, "linear_regression.py"), "--epochs", "2",
                           "--quiet"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "learned:" in done.stdout and "w =" in done.stdout


def test_linear_regression_learns_the_line(capsys):
    out = example("linear_regression").main(["--epochs", "15", "--quiet"])
    assert went_down(out["losses"])
    assert abs(out["w"] - 2.0) < 0.1 and abs(out["b"] - 1.0) < 0.1
    assert abs(out["w"] - out["w_lstsq"]) < 0.05
    assert "learned:" in capsys.readouterr().out


@needs_digits
def test_digits_cnn_learns_saves_and_resumes(tmp_path, capsys):
    path = str(tmp_path / "cnn.npz")
    out = example("digits_cnn").main(["--epochs", "4", "--limit", "400", "--quiet", "--save", path,
                                      "--batch-size", "16", "--channels", "16", "32", "--hidden", "64"])
    assert went_down(out["losses"], k=1)
    assert out["test_accuracy"] > 0.3  # well above chance (0.1) after 80 steps
    again = example("digits_cnn").main(["--resume", "--limit", "400", "--save", path])  # sizes from the file
    assert again["test_accuracy"] == pytest.approx(out["test_accuracy"])
    assert "test accuracy" in capsys.readouterr().out


@needs_digits
@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_sequence_classifier_learns_and_resumes(cell, tmp_path):
    path = str(tmp_path / f"{cell}.npz")
    out = example("sequence_classifier").main(["--cell", cell, "--epochs", "4", "--limit", "400",
                                               "--hidden-size", "32", "--quiet", "--save", path])
    assert went_down(out["losses"], k=1)
    again = example("sequence_classifier").main(["--resume", "--save", path, "--limit", "400"])
    assert again["test_accuracy"] == pytest.approx(out["test_accuracy"])


TINY_LM = ["--chars", "6000", "--seq-len", "24", "--batch-size", "16", "--sample-len", "20", "--quiet"]


def test_char_lstm_learns_samples_and_resumes(tmp_path, capsys):
    path = str(tmp_path / "lstm.npz")
    out = example("char_lstm").main(["--epochs", "2", "--hidden-size", "48", "--embed-dim", "16",
                                     "--save", path] + TINY_LM)
    assert went_down(out["losses"], k=5)
    assert out["val_loss"] < np.log(100)  # better than guessing uniformly among the characters
    again = example("char_lstm").main(["--resume", "--save", path, "--sample-len", "30", "--prompt", "The "])
    assert again["val_loss"] == pytest.approx(out["val_loss"], rel=1e-5)
    assert again["sample"].startswith("The ") and len(again["sample"]) == 4 + 30
    assert again["sample"] in capsys.readouterr().out


def test_char_transformer_compare_trains_both_and_plots(tmp_path):
    pytest.importorskip("matplotlib")
    plot = tmp_path / "curves.png"
    out = example("char_transformer").main(
        ["--epochs", "2", "--d-model", "32", "--nhead", "2", "--num-layers", "1", "--dim-feedforward", "64",
         "--compare", "--lstm-hidden-size", "48", "--plot", str(plot), "--save", ""] + TINY_LM)
    assert went_down(out["losses"], k=5)
    assert went_down(out["lstm_losses"], k=5)
    assert plot.exists() and plot.stat().st_size > 1000


def test_char_transformer_saves_and_resumes(tmp_path):
    path = str(tmp_path / "tf.npz")
    out = example("char_transformer").main(["--epochs", "1", "--d-model", "32", "--nhead", "2", "--num-layers", "1",
                                            "--dim-feedforward", "64", "--save", path] + TINY_LM)
    again = example("char_transformer").main(["--resume", "--save", path, "--sample-len", "10"])
    assert again["val_loss"] == pytest.approx(out["val_loss"], rel=1e-5)


def test_causal_mask_hides_the_future():
    ct = example("char_transformer")
    import minigrad as mg

    mg.manual_seed(0)
    model = ct.CharTransformer(10, d_model=16, nhead=2, num_layers=1, dim_feedforward=32, dropout=0.0, max_len=8)
    model.eval()
    a = mg.tensor([[1, 2, 3, 4, 5]])
    b = mg.tensor([[1, 2, 3, 9, 9]])  # same first three characters, different future
    with mg.no_grad():
        la, lb = model(a).numpy(), model(b).numpy()
    np.testing.assert_allclose(la[0, :3], lb[0, :3], rtol=1e-5, atol=1e-6)
    assert not np.allclose(la[0, 3:], lb[0, 3:])


def test_higher_order_matches_closed_forms_and_newton_converges(tmp_path):
    out = example("higher_order").main(["--epochs", "6", "--quiet"])
    assert out["tanh_max_error"] < 1e-12
    assert out["hvp_rel_error"] < 1e-10
    losses, norms = out["losses"], out["grad_norms"]
    assert all(b <= a + 1e-15 for a, b in zip(losses, losses[1:]))
    assert norms[-1] < 1e-9 < 1e-2 < norms[0]
    assert norms[-1] < norms[-2] ** 1.5  # quadratic convergence: the error about squares each step


def test_higher_order_tanh_derivatives_against_finite_differences():
    ho = example("higher_order")
    import minigrad as mg

    x0 = np.array([-1.3, -0.2, 0.4, 1.7])
    h = 1e-4
    d3 = [d.numpy() for d in ho.tanh_derivatives(mg.tensor(x0, dtype=mg.float64, requires_grad=True))]
    d3_at = lambda x: [d.numpy() for d in ho.tanh_derivatives(mg.tensor(x, dtype=mg.float64, requires_grad=True), 3)][2]  # noqa: E731
    fourth = (d3_at(x0 + h) - d3_at(x0 - h)) / (2 * h)  # central difference of the 3rd derivative
    np.testing.assert_allclose(d3[3], fourth, rtol=1e-6, atol=1e-7)


def test_plain_text_progress_without_tqdm(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "tqdm", None)  # makes `from tqdm import tqdm` fail
    example("linear_regression").main(["--epochs", "3"])
    out = capsys.readouterr().out
    assert "training: loss=" in out and "w=" in out  # one plain line when the loop ends


def test_plot_without_matplotlib_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(SystemExit, match="pip install matplotlib"):
        example("linear_regression").main(["--epochs", "1", "--quiet", "--plot", str(tmp_path / "x.png")])
