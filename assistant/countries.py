"""Countries a question or a passage names, by ISO code, in Arabic and English (CLDR via Babel).

"إندونيسيا" and "الإندونيسية" are one country, as are "Indonesia" and "Indonesian". An Arabic
word counts when it is a country's one-word name, or carries the article and, with its adjective
ending (nisba) and a final alef cut, is that name's stem; so "تركيا" and "التركية" are Türkiye,
the verb "ترك" is not. A near miss asks about one country and is answered from an article about
another (another country's election, the same kind of disaster in a neighbouring one).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from babel import Locale

from ingest.arabic import normalize_arabic

# Names that are also common words or another place: "عمان" is Amman too, "مالي" "financial".
_AMBIGUOUS = frozenset({"OM", "ML", "TD", "NE", "GA", "TG", "CU", "PE", "IL", "ST"})
_ARTICLE = ("وال", "بال", "فال", "كال", "لل", "ال")
_NISBA = ("يتين", "يين", "يون", "يه", "ي")
_PUNCTUATION = "،,.؛:!?؟()\"'«»"
_LATIN_WORD = re.compile(r"[A-Za-z]+")


def _without_article(word: str) -> str | None:
    for article in _ARTICLE:
        if word.startswith(article) and len(word) - len(article) >= 3:
            return word[len(article) :]
    return None


def _stem(word: str) -> str:
    """A name or its adjective without the adjective ending or a final alef: "اندونيس"."""
    if word.endswith("ا") and len(word) > 4:
        word = word[:-1]
    for ending in _NISBA:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


def arabic_name(word: str) -> str | None:
    """The Arabic name of the country an English word names ("Lebanon" -> "لبنان", "Indonesian"), or
    None: a translation, where the archive's spellings of a name are a transliteration's guesses."""
    found = countries(word) if word[:1].isupper() else frozenset()
    return _lexicon()[3].get(next(iter(found))) if len(found) == 1 else None


@cache
def _lexicon() -> tuple[dict[str, str], dict[str, str], dict[str, str], dict[str, str]]:
    """Arabic one-word names -> code, their stems -> code, English names (lower case) -> code, and
    code -> the Arabic name as written ("KW" -> "الكويت", normalised)."""
    names_ar = {str(code): str(name) for code, name in Locale("ar").territories.items()}
    names_en = {str(code): str(name) for code, name in Locale("en").territories.items()}
    names: dict[str, str] = {}
    stems: dict[str, str] = {}
    english: dict[str, str] = {}
    written: dict[str, str] = {}
    for code, name in names_ar.items():
        if not (len(code) == 2 and code.isalpha()) or code in _AMBIGUOUS or " " in name:
            continue
        normal = normalize_arabic(name)
        bare = _without_article(normal) if name.startswith("ال") else None
        names[normal] = code
        written[code] = normal
        if bare:
            names[bare] = code  # "والبحرين" is "و" + "البحرين"
        stems[_stem(bare or normal)] = code
        plain = unicodedata.normalize("NFKD", names_en.get(code, "")).encode("ascii", "ignore").decode().lower()
        if plain and " " not in plain:
            english[plain] = code
    return names, stems, english, written


def countries(text: str, loose: bool = False) -> frozenset[str]:
    """ISO codes of the countries ``text`` names; ``loose`` also reads an adjective without its
    article ("بلجيكي"), and a verb that looks like one ("ترك"): for asking whether a text may
    name a country, not whether it does."""
    names, stems, english, _ = _lexicon()
    found: set[str] = set()
    for word in normalize_arabic(text).split():
        word = word.strip(_PUNCTUATION)
        bare = _without_article(word)
        code = names.get(word) or (names.get(bare) or stems.get(_stem(bare)) if bare else None)
        if not code and loose:
            code = stems.get(_stem(word))
        if code:
            found.add(code)
    for word in _LATIN_WORD.findall(text):
        if not word[0].isupper():
            continue
        low = word.lower()
        # "Indonesian" holds "Indonesia"; "Philippine" is "Philippines" but for its last letter.
        found |= {
            code
            for name, code in english.items()
            if low.startswith(name) or (name.startswith(low) and len(low) >= len(name) - 1 >= 4)
        }
    return frozenset(found)
