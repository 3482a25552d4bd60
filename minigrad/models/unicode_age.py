"""The punctuation, combining marks and format characters that Unicode added after version 8.0.

Hugging Face's tokenizers (Rust) classifies characters with tables of Unicode 8.0 (2015); to
them every character added since is an unassigned one, kept as it is: neither punctuation
(split off), nor a combining mark (stripped with the accents), nor a format character
(dropped). Python's ``unicodedata`` knows the newer characters, so BERT's tokenizer asks here
first to give the same tokens as Hugging Face's.

The table holds ranges of code points; each contains no character that Unicode 8.0 already
classed as punctuation, mark, format or space, so a range may also cover newer letters and
unassigned code points, for which the answer does not matter. It was found by tokenizing every
code point with both tokenizers (Python 3.11, Unicode 14.0), plus what Unicode 15.0 and 15.1
added (Python 3.13). Three older characters changed class since 8.0 and are listed apart.
"""

import bisect

_NEWER = (
    (0x061D, 0x061D), (0x07FD, 0x07FD), (0x0890, 0x08E2), (0x09FD, 0x09FE), (0x0A76, 0x0A76),
    (0x0AFA, 0x0AFF), (0x0B55, 0x0B55), (0x0C04, 0x0C3C), (0x0C77, 0x0C77), (0x0C84, 0x0C84),
    (0x0D00, 0x0D00), (0x0D3B, 0x0D3C), (0x0D81, 0x0D81), (0x0EBA, 0x0EBA), (0x0ECE, 0x0ECE),
    (0x180F, 0x1886), (0x1ABF, 0x1ACE), (0x1B7D, 0x1B7E), (0x1DF6, 0x1DFB), (0x2E43, 0x2E5D),
    (0xA82C, 0xA82C), (0xA8C5, 0xA8C5), (0xA8FF, 0xA8FF), (0xA9BD, 0xA9BD), (0x10D24, 0x10F89),
    (0x11070, 0x11074), (0x110C2, 0x110CD), (0x111CF, 0x111CF), (0x1123E, 0x11241),
    (0x1133B, 0x1133B), (0x11438, 0x1145E), (0x11660, 0x1166C), (0x116B9, 0x116B9), (0x1182F, 0x11FFF),
    (0x12FF1, 0x13455), (0x16E97, 0x16F4F), (0x16FE2, 0x16FE4), (0x1CF00, 0x1CF46), (0x1E000, 0x1E4EF),
    (0x1E944, 0x1E95F),
)
_STARTS = [lo for lo, _ in _NEWER]

#: Unicode 8.0's category for characters whose category has changed since.
UNICODE_8_CATEGORY = {0x166D: "Po", 0x1734: "Mn", 0x111C9: "Po"}  # CANADIAN SYLLABICS CHI SIGN,
# HANUNOO SIGN PAMUDPOD, SHARADA SANDHI MARK


def newer_than_unicode_8(code):
    """True when the code point is in the table (see the module docstring)."""
    i = bisect.bisect_right(_STARTS, code) - 1
    return i >= 0 and code <= _NEWER[i][1]
