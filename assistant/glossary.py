"""English words in Arabic, from FreeDict's English-Arabic dictionary (Arabeyes' word list, GPL-2+).

An English question over an Arabic archive matches its names by sound (ingest.transliteration)
and its countries through CLDR (assistant.countries); its other words ("turnout", "goalkeeper",
"Chemistry") match nothing without a translation. The dictionary gives one for 87,000 English
words, usually one Arabic word with its article ("turnout" -> "الإقبال"), which the archive's
analyzer then stems as it stems the archive.

The files are dictd's (``freedict-eng-ara.index`` and ``.dict.dz``, from Debian's
``dict-freedict-eng-ara``; ``make glossary`` fetches them): a tab-separated index of headword,
offset and length in base64 digits, into a gzip-compatible text of entries.
"""

from __future__ import annotations

import gzip
import logging
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

NAME = "freedict-eng-ara"
_DIGITS = {c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")}
_ARABIC = re.compile(r"[\u0600-\u06ff]")
# English inflections undone, in this order, when the word itself has no entry: "copies" -> "copy",
# "elections" -> "election", "restored" -> "restore", "restoring" -> "restore".
_ENDINGS = (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("d", ""), ("ing", ""), ("ing", "e"))
logger = logging.getLogger(__name__)


def _number(digits: str) -> int:
    value = 0
    for c in digits:
        value = value * 64 + _DIGITS[c]
    return value


@dataclass(frozen=True)
class Glossary:
    """English words and their Arabic translations as the dictionary writes them (with the article)."""

    entries: dict[str, tuple[str, ...]] = field(default_factory=dict)  # English word, lower case -> Arabic

    @classmethod
    def load(cls, folder: Path) -> Glossary:
        """The dictionary in ``folder``; an empty glossary, with a warning, when it is not there."""
        index, text = folder / f"{NAME}.index", folder / f"{NAME}.dict.dz"
        try:
            body = gzip.decompress(text.read_bytes())
            lines = index.read_text(encoding="utf-8").splitlines()
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            logger.warning(
                "no English-Arabic glossary in %s (%s): English questions match only names, numbers and"
                " countries; run `make glossary`",
                folder,
                exc,
            )
            return cls()
        entries: dict[str, tuple[str, ...]] = {}
        for line in lines:
            headword, offset, length = line.split("\t")
            start = _number(offset)
            entry = body[start : start + _number(length)].decode("utf-8")
            arabic = tuple(s.strip() for s in entry.splitlines()[1:] if _ARABIC.search(s))
            if arabic and " " not in headword:
                word = headword.lower()
                entries[word] = (*entries.get(word, ()), *arabic)
        return cls(entries)

    def translate(self, word: str) -> tuple[str, ...]:
        """The Arabic for an English word or, failing that, for its uninflected form; () if none."""
        word = word.lower()
        if word in self.entries:
            return self.entries[word]
        for ending, replacement in _ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= 3:
                found = self.entries.get(word[: -len(ending)] + replacement)
                if found:
                    return found
        return ()


@cache
def glossary_at(folder: Path) -> Glossary:
    """``Glossary.load(folder)`` once per process: every assistant over one data folder (an eval's
    systems, calibration's three sets) shares it, and a missing one is warned about once."""
    return Glossary.load(folder)
