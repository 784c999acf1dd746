"""Latin-script names found in their Arabic spellings in the archive, by sound.

Words rarely match across scripts, but names cross them by transliteration: Matlin is written
ماتلين, Norman نورمان. Both sides map onto one rough phonetic alphabet: consonant classes
(ق ك غ ج and k q c g j share one; س ص ز ش and s z sh another) plus the long vowels ا ي و that
Arabic writes. Archive words whose consonant skeleton equals the name's are candidates, and the
closest by an edit distance that forgives vowels wins: English writes short vowels, Arabic
does not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ingest.arabic import STOPWORDS_EN, WORD, normalize_arabic

VOWELS = frozenset("AIU")
_ARABIC = {
    **dict.fromkeys("بپ", "b"),
    **dict.fromkeys("تطث", "t"),
    **dict.fromkeys("دضذ", "d"),
    **dict.fromkeys("جغقكگخ", "K"),
    **dict.fromkeys("زسصشظ", "S"),
    **dict.fromkeys("فڤ", "f"),
    "ر": "r",
    "ل": "l",
    "م": "m",
    "ن": "n",
    "ا": "A",
    "ي": "I",
    "و": "U",
}
# Applied in order, digraphs first; anything left that is not in the alphabet (h, silent
# letters) is dropped, as Arabic transliterations mostly drop or vary it.
_LATIN = (
    ("sch", "S"), ("sh", "S"), ("ch", "S"), ("th", "t"), ("ph", "f"), ("kh", "K"), ("gh", "K"),
    ("ck", "K"), ("qu", "K"), ("x", "KS"), ("ee", "I"), ("ea", "I"), ("oo", "U"), ("ou", "U"),
    ("ai", "I"), ("ay", "I"), ("ei", "I"), ("c", "K"), ("k", "K"), ("q", "K"), ("g", "K"), ("j", "K"),
    ("p", "b"), ("v", "f"), ("s", "S"), ("z", "S"), ("a", "A"), ("e", "I"), ("i", "I"), ("y", "I"),
    ("o", "U"), ("u", "U"), ("w", "U"),
)  # fmt: skip
_ALPHABET = frozenset("btdKSfrlmnAIU")
_PREFIXES = ("وال", "بال", "لل", "ال", "و", "ب", "ل")
_NOT_NAMES = STOPWORDS_EN | {"what", "who", "how", "when", "where", "which", "why", "whom", "whose", "during", "after"}
LATIN_TOKEN = re.compile(r"[A-Za-z]+|\d+")
VOWEL_COST = 0.4
MAX_DISTANCE = 1.2  # for skeletons of 3+ consonants; two-consonant ones must agree on all but one vowel


def arabic_words(text: str) -> set[str]:
    """The Arabic-script words of ``text``, normalised: what the name lexicon is built from."""
    return {w for w in WORD.findall(normalize_arabic(text)) if "\u0600" <= w[0] <= "\u06ff"}


def _squeeze(letters: Iterable[str]) -> str:
    out: list[str] = []
    for letter in letters:
        if not out or out[-1] != letter:
            out.append(letter)
    return "".join(out)


def latin_sound(word: str) -> str:
    word = word.lower()
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]  # silent final e
    for letters, sound in _LATIN:
        word = word.replace(letters, sound)
    return _squeeze(c for c in word if c in _ALPHABET)


def arabic_sounds(word: str) -> set[str]:
    """The word's sound with and without a clitic prefix (ال، و، ب، ل …): a name may start
    with one of those letters."""
    forms = {word} | {word[len(p) :] for p in _PREFIXES if word.startswith(p) and len(word) - len(p) >= 3}
    # A final ه is either silent or ة (normalised to ه) read "-a", as in النصرة "Nusra": both.
    forms |= {form[:-1] + "ا" for form in forms if form.endswith("ه")}
    return {_squeeze(_ARABIC.get(c, "") for c in form) for form in forms}


def skeleton(sound: str) -> str:
    return "".join(c for c in sound if c not in VOWELS)


def distance(a: str, b: str) -> float:
    """Edit distance where vowels cost VOWEL_COST; a consonant never turns into a vowel."""

    def cost(c: str) -> float:
        return VOWEL_COST if c in VOWELS else 1.0

    previous = [0.0]
    for c in b:
        previous.append(previous[-1] + cost(c))
    for x in a:
        current = [previous[0] + cost(x)]
        for j, y in enumerate(b, start=1):
            if x == y:
                swap = 0.0
            elif (x in VOWELS) != (y in VOWELS):
                swap = float("inf")
            else:
                swap = cost(x)
            current.append(min(previous[j] + cost(x), current[j - 1] + cost(y), previous[j - 1] + swap))
        previous = current
    return previous[-1]


@dataclass
class NameLexicon:
    """Archive words by consonant skeleton: skeleton -> [(Arabic word, its sound)]."""

    entries: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    @classmethod
    def from_words(cls, words: Iterable[str]) -> NameLexicon:
        entries: dict[str, list[tuple[str, str]]] = {}
        for word in sorted(set(words)):
            for sound in arabic_sounds(word):
                if len(skeleton(sound)) >= 2:
                    entries.setdefault(skeleton(sound), []).append((word, sound))
        return cls(entries)

    def spellings(self, name: str) -> list[str]:
        """Archive words that sound closest to the Latin ``name``; none if nothing is close."""
        sound = latin_sound(name)
        key = skeleton(sound)
        if len(key) < 2:
            return []
        scored = [(distance(sound, other), word) for word, other in self.entries.get(key, ())]
        if not scored:
            return []
        best = min(d for d, _ in scored)
        if best > (MAX_DISTANCE if len(key) >= 3 else VOWEL_COST):
            return []
        return sorted({word for d, word in scored if d <= best})

    def arabic_query(self, question: str) -> str:
        """What a question in Latin script can match in Arabic text: its numbers and the archive's
        spellings of its names (capitalised words)."""
        return words_of(self.name_groups(question))

    def name_groups(self, question: str) -> list[tuple[str, list[str]]]:
        """Each number and name of the question with what stands for it in the archive: the number
        itself, or the archive's spellings of the name (none when the archive has none)."""
        groups: list[tuple[str, list[str]]] = []
        for token in LATIN_TOKEN.findall(question):
            if token.isdigit():
                groups.append((token, [token]))
            elif token[0].isupper() and token.lower() not in _NOT_NAMES:
                groups.append((token, self.spellings(token)))
        return groups


def words_of(groups: Sequence[tuple[str, list[str]]]) -> str:
    """``name_groups``' Arabic side as one search string."""
    return " ".join(word for _, group in groups for word in group)
