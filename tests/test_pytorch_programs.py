"""Programs written the way public PyTorch programs are, run on minigrad with only the imports aliased.

Each program in tests/programs/ trains for a few steps on synthetic data; the test checks that
it runs unchanged and that training lowers the loss.
"""

import importlib
import os

import numpy as np

import pytest


def program(name):
    return importlib.import_module(f"programs.{name}")


@pytest.mark.parametrize("batched", [False, True])
def test_char_gpt(batched):
    first, last = program("char_gpt").main(max_iters=30, batched=batched)
    assert last < first


@pytest.mark.parametrize("model_type,tied", [("LSTM", True), ("GRU", False), ("RNN_TANH", False)])
def test_word_language_model(tmp_path, model_type, tied):
    first, last = program("word_language_model").main(epochs=3, model_type=model_type, tied=tied,
                                                      save=str(tmp_path / "model.pt"))
    assert last < first


def test_vae():
    first, last = program("vae").main(epochs=3)
    assert last < first


def test_mnist_cnn_with_workers(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (first_loss, _), (last_loss, accuracy) = program("mnist_cnn").main(["--epochs", "2", "--save-model"])
    assert last_loss < first_loss and accuracy > 0.5
    assert (tmp_path / "mnist_cnn.pt").exists()


def test_lstmcell_sequence_with_lbfgs():
    first, last = program("sequence_lstmcell").main(steps=3)
    assert last < first


@pytest.mark.parametrize("name", ["resnet", "vgg", "mobilenet_v2", "squeezenet"])
def test_model_zoo(name):
    first, last = program("model_zoo").main(name, steps=6)
    assert last < first


def test_dcgan():
    d_losses, g_losses = program("dcgan").main(epochs=2)
    assert all(map(lambda v: v == v, d_losses + g_losses))  # no NaN through either network
    assert len(d_losses) == 8


def test_transformer_language_model():
    first, last = program("transformer_lm").main(steps=25)
    assert last < first


def test_reinforce_learns_to_go_right():
    assert program("reinforce").main(episodes=60) > 0.6


def test_llama_style_model_with_complex_rotary_embeddings():
    first, last, cached, uncached = program("llama_lm").main(steps=20)
    assert last < first
    assert cached.tolist() == uncached.tolist()  # the KV cache gives the same greedy tokens


def test_ppo_with_a_gaussian_policy():
    rewards, action, logp, grad = program("ppo_continuous").main()
    assert np.mean(rewards[-3:]) > np.mean(rewards[:3])  # the policy learns to reach the target
    assert action.shape == (4, 1) and bool((action.abs() < 1).all()) and logp.shape == (4,)
    assert grad is not None and bool(grad.isfinite().all())


def test_logged_cnn_with_channels_last_tensorboard_and_a_whole_model_saved(tmp_path):
    losses, accuracy, same = program("logged_cnn").main(str(tmp_path), epochs=3)
    assert losses[-1] < losses[0] and accuracy > 0.9 and same
    assert any(name.startswith("events.out.tfevents") for name in os.listdir(tmp_path))
