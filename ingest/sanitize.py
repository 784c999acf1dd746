"""The one boundary for text entering the system: article fields at ingest, questions at ask.

JSON lets a string carry a lone surrogate ("\\ud800"), which no tokenizer or UTF-8 encoder accepts;
control characters and Unicode line separators come from scraped pages. They are mended here, so
that nothing downstream meets them.
"""

from __future__ import annotations

import re
import unicodedata

_SURROGATE = re.compile(r"[\ud800-\udfff]")
# C0 and C1 controls except tab and newline; DEL. Carriage returns go too: lines end in "\n" here.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x84\x86-\x9f]")
_LINE_BREAK = re.compile(r"\r\n?|[\x85\u2028\u2029]")


def clean_text(text: str) -> str:
    """``text`` with lone surrogates replaced by U+FFFD, control characters removed and every
    line or paragraph separator (CR, NEL, U+2028, U+2029) written as "\\n"."""
    return _CONTROL.sub("", _LINE_BREAK.sub("\n", _SURROGATE.sub("\ufffd", text)))


def has_words(text: str) -> bool:
    """Whether ``text`` holds a letter or a digit in any script (not only emoji, punctuation or
    private-use characters)."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)
