"""Which language a question is in: Arabic or English, the two the answers speak."""

from __future__ import annotations

import re

ARABIC_LETTER = re.compile(r"[\u0621-\u064a\u0671-\u06d3\u06fa-\u06ff]")
LATIN_LETTER = re.compile(r"[A-Za-z]")


def detect_language(text: str) -> str:
    """'ar' when Arabic letters are at least a third of the letters, else 'en'."""
    arabic = len(ARABIC_LETTER.findall(text))
    latin = len(LATIN_LETTER.findall(text))
    return "ar" if arabic and arabic * 2 >= latin else "en"
