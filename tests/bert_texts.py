"""Texts for the tokenizer tests (tests/test_bert_tokenizer.py, scripts/record_bert_golden_ids.py).

Sentences of Python's own documentation (minigrad.data's corpus), texts made to hit every rule
of BERT's tokenizer (accents, scripts, punctuation, emoji, long words, control characters,
special tokens, empty strings), random strings of characters of every Unicode category, and
sentence pairs. Everything is deterministic.
"""

import re

import numpy as np

CRAFTED = [
    "Hello, my dog is cute", "Hello, my dog is cute!", "HELLO, MY DOG IS CUTE.",
    # accents and letters that change when lower-cased
    "Café naïve résumé Über façade Ångström Øresund São Paulo Dvořák Łódź", "ÉCOLE ÇA VA À L'ÉTÉ",
    "e\u0301 decomposed cafe\u0301", "Tiếng Việt có dấu", "İstanbul ıI Iı", "Straße STRASSE ẞ", "ﬁne ﬂow ﬀ",
    "ΟΔΟΣ Σ σ ς ΣΊΣΥΦΟΣ", "Привет, мир! ЁЖИК ёжик", "Ǆ ǅ ǆ Ǉ ǈ", "ⅫⅣ ⓐⓑ Ⓐ",
    # scripts
    "مرحبا بالعالم", "שלום עולם", "नमस्ते दुनिया", "สวัสดีครับ", "안녕하세요 세계", "こんにちは、世界。カタカナ ｶﾀｶﾅ",
    "我爱自然语言处理。中文，标点！", "BERT是一个模型", "ＡＢＣ１２３！＃", "𠀀𠀁 𪜀 𫝀 𫠠 丽",
    "a\U0002B820b\U0002B91Fc\U0002B920d\U0002F800e\uF900f\u3400g", "ᚠᛇᚻ ᛒᛦᚦ",
    # punctuation and symbols
    "Wait... what?! (yes) [no] {maybe} <tag> a/b\\c @user #tag $100 50% ^caret_ `tick` |pipe| ~tilde",
    "“Smart quotes” ‘single’ — em dash – en dash … ellipsis", "¡Hola! ¿Qué tal?", "«guillemets» „low“ ‹›",
    "don't can't won't it's y'all", "e-mail co-operate well-known",
    "https://docs.python.org/3/library/re.html?x=1&y=2#frag",
    "someone@example.com", "3.14159 1,000,000 1e-10 -42 0x1F 1/2 ½ ²", "α+β=γ, x² ≤ y³, ∑ ∫ √2 ≠ ∞ ± × ÷",
    "def f(x): return x**2  # comment", 'print("hello\\n")', "C++ and C# and F#",
    "ID: A1B2-C3D4 §3 ¶2 © ® ™ ° €5 £3 ¥9",
    # emoji
    "I love 🤗 and 🐍!", "👨‍👩‍👧‍👦 family", "👍🏽 skin tone", "🇫🇷🇯🇵 flags", "❤️ heart", "🫠 melting", "ok👌ok",
    # long words (100 characters at most become pieces, longer ones [UNK])
    "a" * 99, "a" * 100, "a" * 101, "x" * 1000, "supercalifragilisticexpialidocious" * 3,
    "a" * 150 + "." + "b" * 50, "é" * 100, "é" * 101, "中" * 120, "unaffable " * 40,
    # control, format and space characters
    "a\x00b", "tab\tnew\nline\rcr", "\x0bvt\x0cff", "zero\u200bwidth", "bom\ufeffhere", "soft\u00adhyphen",
    "nbsp\u00a0here", "ideographic\u3000space", "line\u2028sep\u2029para", "\x85nel", "\ufffdreplacement",
    "private\ue000use\U000F0000", "bidi\u202econtrol\u202c", "\x1f\x1e unit sep", "\u0378unassigned\U000E0080",
    # empty and blank
    "", " ", "   \t\n ", "\x00", "\u200b",
    # special tokens written in the text
    "[CLS]", "[SEP] [PAD] [MASK] [UNK]", "a[SEP]b", "[sep] lower", "[CLS][CLS]", "[ CLS ]", "[MASK]ed",
    "un[UNK]known", "[SEP", "SEP]",
]


def corpus_sentences(count=2000):
    """``count`` sentences spread over the pydoc corpus (fewer if it has fewer)."""
    from minigrad.data.text import load_text

    parts = [p.strip() for p in re.split(r"(?<=[.!?])\s+|\n\s*\n", load_text())]
    parts = [p for p in dict.fromkeys(parts) if 0 < len(p) <= 300]
    return parts[::max(1, len(parts) // count)][:count]


def _pool():
    """Characters of every kind the tokenizer treats differently."""
    ranges = [(0x20, 0x7E), (0xA0, 0x17F), (0x300, 0x36F), (0x370, 0x3FF), (0x400, 0x4FF), (0x600, 0x6FF),
              (0x900, 0x97F), (0x1100, 0x1112), (0x2000, 0x206F), (0x3000, 0x303F), (0x3040, 0x30FF),
              (0x4E00, 0x4E40), (0xAC00, 0xAC40), (0xFF00, 0xFF65), (0x1F300, 0x1F64F), (0x0, 0x1F),
              (0xE000, 0xE010), (0xFFF0, 0xFFFF), (0x1AB0, 0x1ACE), (0x2E40, 0x2E5D), (0x20000, 0x20010)]
    return [chr(c) for lo, hi in ranges for c in range(lo, hi + 1) if not 0xD800 <= c < 0xE000]


def random_texts(count=300, seed=0):
    """Random strings of 1 to 40 characters drawn from ``_pool``, often with spaces."""
    rng = np.random.default_rng(seed)
    pool = _pool()
    out = []
    for _ in range(count):
        chars = [pool[i] for i in rng.integers(0, len(pool), size=int(rng.integers(1, 41)))]
        out.append("".join(c if rng.random() > 0.2 else " " for c in chars))
    return out


def all_texts(corpus=2000):
    return corpus_sentences(corpus) + CRAFTED + random_texts()


def pairs(count=300):
    """Sentence pairs: corpus sentences with the ones further on, and pairs with empty sides."""
    s = corpus_sentences(2 * count)
    return list(zip(s[:count], s[count:2 * count])) + [("", "x"), ("x", ""), ("", ""), ("Hello!", "[SEP]")]


#: Batches and keyword arguments that exercise truncation and padding.
CALL_TEXTS = ["one two three four five six seven eight nine ten", "alpha beta gamma delta", "x", "",
              "unaffable playing hello"]
CALL_PAIRS = ["alpha beta gamma delta", "one two three four five six seven eight nine ten", "y z", "q", ""]


def call_cases():
    """(name, kwargs, pair) cases: every truncation strategy at small lengths, every padding."""
    cases = []
    for pair in (False, True):
        for truncation in ("longest_first", "only_first", "only_second"):
            for max_length in (0, 1, 2, 3, 4, 5, 6, 8, 10, 16):
                cases.append((dict(truncation=truncation, max_length=max_length), pair))
        for padding in ("longest", "max_length"):
            for max_length, multiple in ((None, None), (20, None), (4, None), (None, 8), (6, 4)):
                if padding == "max_length" and max_length is None:
                    continue
                cases.append((dict(padding=padding, max_length=max_length, pad_to_multiple_of=multiple), pair))
        cases.append((dict(padding="max_length", truncation="longest_first", max_length=7), pair))
        cases.append((dict(padding="longest", truncation="longest_first", max_length=5, pad_to_multiple_of=4), pair))
    return cases
