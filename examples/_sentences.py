"""Sentences of Python's own documentation, for the BERT examples.

The text is the pydoc help that ships with CPython (``pydoc_data.topics``, the corpus
``minigrad.data.load_text`` reads), kept here topic by topic so that a sentence's topic can be
a label. A "sentence" is a stretch of prose that ends in . ! or ?; code examples, grammar rules
and lines that are mostly symbols are left out.
"""

import re

_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(])")  # a sentence end, then the next one's first letter


def topics():
    """{topic name: its help text}, e.g. topics()["for"] is what ``help("for")`` shows."""
    try:
        from pydoc_data import topics as pydoc_topics
    except ImportError:  # some Linux distributions split the standard library into packages
        raise SystemExit("the text is the standard library's pydoc_data.topics, which this Python lacks") from None
    return dict(pydoc_topics.topics)


def sentences(text, min_words=6, max_words=40):
    """The prose sentences of a help text, in order."""
    out = []
    for para in re.split(r"\n\s*\n", text):
        lines = [line.strip() for line in para.split("\n")]
        if lines[0].startswith((">>>", "...", "$", "#")) or "::=" in para:
            continue  # an interactive session, a shell line, a comment or a grammar rule
        for s in _SPLIT.split(" ".join(lines)):
            s = s.strip()
            prose = sum(c.isalpha() or c.isspace() for c in s)
            if min_words <= len(s.split()) <= max_words and s[:1].isupper() and s[-1] in ".!?" \
                    and prose > 0.85 * len(s):
                out.append(s)
    return out


def topic_sentences(names=None):
    """{topic: [sentences]} for the given topics (all of them by default), topics in name order."""
    every = topics()
    names = sorted(every) if names is None else names
    unknown = [n for n in names if n not in every]
    if unknown:
        raise SystemExit(f"unknown pydoc topic(s) {unknown}; some topics: {', '.join(sorted(every)[:12])}, ...")
    return {n: sentences(every[n]) for n in names}
