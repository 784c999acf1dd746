"""Arabic-aware text normalisation and the lexical analyzer shared by documents and queries."""

from __future__ import annotations

import re
from functools import lru_cache

DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
TATWEEL = "\u0640"
_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# Letters and digits only: the Arabic block also holds punctuation (، ؛ ؟) that must not stick to words.
WORD = re.compile(r"\w+")

# Longest first, so "وال" is tried before "و". A stem keeps at least MIN_STEM letters.
PREFIXES = ("وبال", "وكال", "وفال", "ولل", "وال", "بال", "كال", "فال", "لل", "ال", "و", "ف", "ب", "ل", "ك")
SUFFIXES = ("هما", "كما", "تها", "ات", "ان", "ون", "ين", "يه", "ها", "هم", "هن", "نا", "كم", "ه", "ي")
MIN_STEM = 3

STOPWORDS_AR = frozenset(
    word.translate(_LETTERS)
    for word in (
        "في من على الى إلى عن مع هذا هذه ذلك تلك التي الذي الذين اللذين هو هي هم هن انت انا نحن"
        " كان كانت يكون تكون قد لقد ثم او أو ام أم بل لا لم لن ما ماذا متى اين أين كيف كم هل"
        " كل بعض غير بين حتى اذا إذا ان أن إن لكن بعد قبل عند عندما منذ حيث ايضا أيضا الا إلا"
        " وقد وكان وهو وهي وفي ومن وعلى ولا فيه فيها منه منها عليه عليها له لها به بها"
    ).split()
)
STOPWORDS_EN = frozenset(
    "a an the of in on at to for from by with and or but is are was were be been being it its this that"
    " these those what which who whom whose when where why how did do does has have had not no as into".split()
)


def normalize_arabic(text: str) -> str:
    """Strip diacritics and tatweel, unify alef/ya/ta marbuta, Western digits, lower-case Latin."""
    text = DIACRITICS.sub("", text).replace(TATWEEL, "")
    return text.translate(_LETTERS).translate(_DIGITS).lower()


@lru_cache(maxsize=200_000)  # a news vocabulary repeats: a hit costs a tenth of stemming again
def light_stem(token: str) -> str:
    """Remove one clitic prefix and one suffix, keeping a stem of at least three letters."""
    if not token or not ("\u0600" <= token[0] <= "\u06ff"):
        return token
    for prefix in PREFIXES:
        if token.startswith(prefix) and len(token) - len(prefix) >= MIN_STEM:
            token = token[len(prefix) :]
            break
    for suffix in SUFFIXES:
        if token.endswith(suffix) and len(token) - len(suffix) >= MIN_STEM:
            return token[: -len(suffix)]
    return token


def analyze(text: str) -> list[str]:
    """Search terms of ``text``: normalised, stop words dropped, lightly stemmed."""
    terms = []
    for word in WORD.findall(normalize_arabic(text)):
        word = word.replace("_", "")
        if not word or word in STOPWORDS_AR or word in STOPWORDS_EN:
            continue
        terms.append(light_stem(word))
    return terms
