"""Countries a question or a passage names, by ISO code, in Arabic and English (CLDR via Babel).

"إندونيسيا" and "الإندونيسية" are one country, as are "Indonesia" and "Indonesian". An Arabic
word counts when it is a country's one-word name, or carries the article and, with its adjective
ending (nisba) and a final alef cut, is that name's stem; so "تركيا" and "التركية" are Türkiye,
the verb "ترك" is not. A name of more words is read as a phrase, word by word ("الرئيس الكوري
الجنوبي" is South Korea's). A near miss asks about one country and is answered from an article
about another (another country's election, the same kind of disaster in a neighbouring one).
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import NamedTuple

from babel import Locale

from ingest.arabic import normalize_arabic

# Names that are also common words or another place: "عمان" is Amman too, "مالي" "financial".
_AMBIGUOUS = frozenset({"OM", "ML", "TD", "NE", "GA", "TG", "CU", "PE", "IL", "ST"})
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "UM", "XA", "XB", "ZZ"})  # unions, regions, test locales
# CLDR names a country officially ("المملكة العربية السعودية", "United Kingdom", "Türkiye"); news
# names many by a shorter or an older name, or by an adjective unlike the name ("French"), which
# read as CLDR's one-word names do. An English all-capitals abbreviation counts only as written
# ("US", never "Us" or "User").
_SHORT_NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "SA": (("السعودية",), ("Saudi",)),
    "AE": (("الإمارات",), ("Emirati", "Emirates", "UAE")),
    "US": (("أمريكا", "أميركا", "الولايات المتحدة"), ("America", "US", "USA")),
    "GB": (("بريطانيا",), ("Britain", "British", "UK")),
    "PS": (("فلسطين",), ("Palestine", "Palestinian")),
    "TR": ((), ("Turkey",)),
    "CZ": ((), ("Czech",)),
    "CI": ((), ("Ivory Coast",)),
    "FR": ((), ("French",)),
    "ES": ((), ("Spanish",)),
    "NL": ((), ("Dutch", "Holland")),
    "CH": ((), ("Swiss",)),
    "DK": ((), ("Danish",)),
    "PL": ((), ("Polish",)),
    "GR": ((), ("Greek",)),
    "TH": ((), ("Thai",)),
    "PH": ((), ("Filipino",)),
    "AF": ((), ("Afghan",)),
}
# An English adjective of a country ends so and shares all but the name's last two letters with it
# ("Lebanese", "Chinese", "Italian", "Ukrainian", "Turkish"), where it does not begin with the name
# ("Roman" is no adjective of Romania).
_ADJECTIVE_ENDINGS = ("ese", "ish", "ian", "an")  # an "-i" one begins with the name: "Iraqi", "Saudi"
# Regions named after a country, read as phrases before its name is: "أمريكا اللاتينية" is no country.
_REGIONS = ("أمريكا اللاتينية", "أمريكا الجنوبية", "أمريكا الشمالية", "أمريكا الوسطى", "أميركا اللاتينية",
            "Latin America", "South America", "North America", "Central America")  # fmt: skip
_ARTICLE = ("وال", "بال", "فال", "كال", "لل", "ال")
_CONJUNCTIONS = ("و", "ب", "ل", "ف")
_NISBA = ("يتين", "يين", "يون", "يه", "ي")
_PUNCTUATION = "،,.؛:!?؟()\"'«»-"
_LATIN_WORD = re.compile(r"[A-Za-z]+")
_TOKEN = re.compile(r"\S+")
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_PARENTHESIS = re.compile(r"\s*\(.*?\)")
# Names of more than one word by their first word: each name's words and its code (None: a region).
Phrases = dict[str, list[tuple[tuple[str, ...], str | None]]]


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


@lru_cache(maxsize=100_000)
def _key(word: str) -> str:
    """How a word of a name of more than one word is compared: "الجنوبية" and "الجنوبي" are one."""
    return _stem(_without_article(word) or word)


@dataclass(frozen=True)
class _Lexicon:
    names: dict[str, str]  # Arabic one-word names, normalised -> code
    stems: dict[str, str]  # their stems -> code
    english: dict[str, str]  # English one-word names, lower case -> code
    abbreviations: dict[str, str]  # "US" -> code, as written
    phrases_ar: Phrases  # words by _key
    phrases_en: Phrases  # words in lower case
    written: dict[str, tuple[str, ...]]  # code -> the Arabic names news use, normalised ("السعوديه")
    adjectives: dict[str, tuple[str, ...]]  # code -> the adjectives of its one-word names ("السعودي")


@cache
def _lexicon() -> _Lexicon:
    names_ar = {str(code): _PARENTHESIS.sub("", str(name)) for code, name in Locale("ar").territories.items()}
    names_en = {str(code): _PARENTHESIS.sub("", str(name)) for code, name in Locale("en").territories.items()}
    lexicon = _Lexicon({}, {}, {}, {}, {}, {}, {}, {})
    for code, name in names_ar.items():
        if not (len(code) == 2 and code.isalpha()) or code in _AMBIGUOUS or code in _NOT_COUNTRIES:
            continue
        short_ar, short_en = _SHORT_NAMES.get(code, ((), ()))
        for arabic in (name, *short_ar):
            _add_arabic(lexicon, arabic, code)
        plain = unicodedata.normalize("NFKD", names_en.get(code, "")).encode("ascii", "ignore").decode()
        for english in (plain.replace("&", "and"), *short_en):
            if english.isupper():
                lexicon.abbreviations[english] = code
            elif " " in english:
                _add_phrase(lexicon.phrases_en, tuple(english.lower().split()), code)
            elif english:
                lexicon.english[english.lower()] = code
        lexicon.written[code] = tuple(normalize_arabic(n) for n in short_ar or (name,))
        lexicon.adjectives[code] = _adjectives(short_ar or (name,))
    for region in _REGIONS:
        if _ARABIC.search(region):
            _add_phrase(lexicon.phrases_ar, tuple(_key(w) for w in normalize_arabic(region).split()), None)
        else:
            _add_phrase(lexicon.phrases_en, tuple(region.lower().split()), None)
    return lexicon


def _adjectives(names: tuple[str, ...]) -> tuple[str, ...]:
    """The adjectives of the one-word ``names`` as written ("أمريكا" -> "الامريكي", "الامريكيه"; an
    initial "أل" is no article: "ألمانيا" -> "الالماني")."""
    stems = [_name_stem(name) for name in names if len(_words(name)) == 1]
    return tuple(f"ال{stem}{ending}" for stem in stems for ending in ("ي", "يه"))


def _add_phrase(phrases: Phrases, words: tuple[str, ...], code: str | None) -> None:
    phrases.setdefault(words[0], []).append((words, code))


def _add_arabic(lexicon: _Lexicon, written: str, code: str) -> None:
    words = _words(written)
    if len(words) > 1:
        _add_phrase(lexicon.phrases_ar, tuple(_key(w) for w in words), code)
        return
    name = words[0]
    lexicon.names[name] = code
    if bare := _bare(written):
        lexicon.names[bare] = code  # "والبحرين" is "و" + "البحرين"
    lexicon.stems[_name_stem(written)] = code


def _bare(written: str) -> str | None:
    """A one-word name without its article, as CLDR or news write it: an initial "ال" is the
    article, "أل" ("ألمانيا") is not."""
    return _without_article(normalize_arabic(written)) if written.startswith("ال") else None


def _name_stem(written: str) -> str:
    return _stem(_bare(written) or normalize_arabic(written))


def _words(text: str) -> list[str]:
    """``text``'s words, normalised, punctuation cut off."""
    return [word for word, _ in _placed_words(text)]


def _placed_words(text: str) -> list[tuple[str, tuple[int, int]]]:
    """``text``'s words as ``_words`` has them, each with where it is written in ``text``."""
    placed = [(normalize_arabic(m.group()).strip(_PUNCTUATION), m.span()) for m in _TOKEN.finditer(text)]
    return [(word, span) for word, span in placed if word]


def countries(text: str, loose: bool = False) -> frozenset[str]:
    """ISO codes of the countries ``text`` names; ``loose`` also reads an adjective without its
    article ("بلجيكي"), and a verb that looks like one ("ترك"): for asking whether a text may
    name a country, not whether it does."""
    return frozenset(m.code for m in [*_arabic_mentions(text, loose), *_english_mentions(text)])


def country_spans(text: str) -> list[tuple[int, int, str]]:
    """Where ``text`` names a country, by its name or its adjective, in Arabic or English: each
    mention's start and end in ``text`` and its ISO code, in order."""
    mentions = [*_arabic_mentions(text, loose=False), *_english_mentions(text)]
    return sorted((m.start, m.end, m.code) for m in mentions)


@dataclass(frozen=True)
class CountryMention:
    text: str  # as an English text writes it: "Saudi Arabia", "Indonesian"
    names: tuple[str, ...]  # the Arabic names news use, normalised: "السعوديه"
    adjectives: tuple[str, ...]  # and their adjectives: "السعودي", "السعوديه"


def english_countries(question: str) -> list[CountryMention]:
    """Each country an English text names, with its Arabic names: a translation, where the archive's
    spellings of a name are a transliteration's guesses ("Arabia" sounds like ارهاب)."""
    lexicon = _lexicon()
    return [
        CountryMention(m.text, lexicon.written[m.code], lexicon.adjectives[m.code]) for m in _english_mentions(question)
    ]


class _Found(NamedTuple):
    text: str  # an Arabic one as _words has it, an English one as written
    code: str
    start: int  # where it is written in the text read
    end: int


def _arabic_mentions(text: str, loose: bool) -> list[_Found]:
    lexicon = _lexicon()
    placed = _placed_words(text)
    words = [word for word, _ in placed]
    keys = [_key(w) for w in words]
    found = []
    i = 0
    while i < len(words):
        clitic = words[i][:1] in _CONJUNCTIONS and len(words[i]) > 4
        phrase = _phrase_at(keys, i, lexicon.phrases_ar, _key(words[i][1:]) if clitic else None)
        if phrase:
            length, code = phrase
            if code:
                start, end = placed[i][1][0], placed[i + length - 1][1][1]
                found.append(_Found(" ".join(words[i : i + length]), code, start, end))
            i += length
            continue
        word = words[i]
        bare = _without_article(word)
        code = lexicon.names.get(word) or (lexicon.names.get(bare) or lexicon.stems.get(_stem(bare)) if bare else None)
        if not code and loose:
            code = lexicon.stems.get(_stem(word))
        if code:
            found.append(_Found(word, code, *placed[i][1]))
        i += 1
    return found


def _english_mentions(text: str) -> list[_Found]:
    """Capitalised words and phrases naming a country: "Indonesian" holds "Indonesia", "Philippine"
    is "Philippines" but for its last letter, "South Korean" is "South Korea"."""
    lexicon = _lexicon()
    matches = list(_LATIN_WORD.finditer(text))
    lower = [m.group().lower() for m in matches]
    found = []
    i = 0
    while i < len(matches):
        word = matches[i].group()
        phrase = _phrase_at(lower, i, lexicon.phrases_en, None, prefix=True) if word[0].isupper() else None
        if phrase:
            length, code = phrase
            if code:
                start, end = matches[i].start(), matches[i + length - 1].end()
                found.append(_Found(text[start:end], code, start, end))
            i += length
            continue
        code = lexicon.abbreviations.get(word) if word.isupper() else None
        if not code and word[0].isupper():
            low = word.lower()
            code = next(
                (
                    c
                    for name, c in lexicon.english.items()
                    if low.startswith(name) or (name.startswith(low) and len(low) >= len(name) - 1 >= 4)
                ),
                None,
            ) or next((c for name, c in lexicon.english.items() if _adjective_of(low, name)), None)
        if code:
            found.append(_Found(word, code, *matches[i].span()))
        i += 1
    return found


def _adjective_of(word: str, name: str) -> bool:
    shared = len(os.path.commonprefix([word, name]))
    return word.endswith(_ADJECTIVE_ENDINGS) and shared >= max(4, len(name) - 2) and not name.startswith(word)


def _phrase_at(
    keys: list[str],
    i: int,
    phrases: Phrases,
    first_without_clitic: str | None,
    prefix: bool = False,
) -> tuple[int, str | None] | None:
    """The longest name of ``phrases`` starting at word ``i`` (its length and code), or None. An
    Arabic first word may carry a conjunction ("وكوريا"); an English last word may run on ("Korean")."""
    candidates = phrases.get(keys[i], []) + (phrases.get(first_without_clitic, []) if first_without_clitic else [])
    best = None
    for phrase, code in candidates:
        n = len(phrase)
        if i + n > len(keys) or (best and n <= best[0]):
            continue
        last = keys[i + n - 1]
        if all(keys[i + j] == phrase[j] for j in range(1, n - 1)) and (
            last == phrase[-1] or (prefix and last.startswith(phrase[-1]))
        ):
            best = (n, code)
    return best
