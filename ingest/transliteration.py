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
_LATIN_VOICED_TH = tuple(("th", "d") if letters == "th" else (letters, sound) for letters, sound in _LATIN)
_ALPHABET = frozenset("btdKSfrlmnAIU")
# Inside the two broad classes, the letters a spelling points to: Latin s is س or ص, never ش or ظ
# (Nusra is النصرة, not نظرا or نشره); g is غ or ج. A mismatch costs FINE_COST, so it only decides
# between spellings the broad classes find equally close.
_ARABIC_FINE = {
    **dict.fromkeys("سص", "s"),
    **dict.fromkeys("زظ", "z"),
    "ش": "x",
    **dict.fromkeys("كق", "k"),
    "ج": "j",
    **dict.fromkeys("غگ", "g"),
    "خ": "h",
}
_LATIN_FINE = {
    "sch": "x", "sh": "x", "ch": "x", "kh": "h", "gh": "g", "ck": "k", "qu": "k",
    "c": "k", "k": "k", "q": "k", "g": "gj", "j": "j", "s": "s", "z": "z",
}  # fmt: skip
FINE_COST = 0.5
_PREFIXES = ("وال", "بال", "لل", "ال", "و", "ب", "ل")
NOT_NAMES = STOPWORDS_EN | {"what", "who", "how", "when", "where", "which", "why", "whom", "whose", "during", "after"}
LATIN_TOKEN = re.compile(r"[A-Za-z]+|\d+")
VOWEL_COST = 0.4
MAX_DISTANCE = 1.2  # for skeletons of 3+ consonants; two-consonant ones must agree on all but one vowel


def arabic_words(text: str) -> set[str]:
    """The Arabic-script words of ``text``, normalised: what the name lexicon is built from."""
    return {w for w in WORD.findall(normalize_arabic(text)) if "\u0600" <= w[0] <= "\u06ff"}


Letters = tuple[tuple[str, frozenset[str]], ...]  # (sound letter, the finer letters it may be)


def _squeeze(letters: Iterable[tuple[str, frozenset[str]]]) -> Letters:
    """A run of one sound letter as one letter, its finer letters pooled."""
    out: list[tuple[str, frozenset[str]]] = []
    for letter, fine in letters:
        if out and out[-1][0] == letter:
            out[-1] = (letter, out[-1][1] | fine)
        else:
            out.append((letter, fine))
    return tuple(out)


def _latin_letters(word: str, rules: Sequence[tuple[str, str]] = _LATIN) -> Letters:
    """``latin_sound`` letter by letter, each with the finer letters it stands for (none: any)."""
    word = word.lower()
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]  # silent final e
    # Each replacement becomes one private-use character, so that no later rule rewrites it.
    for index, (letters, _) in enumerate(rules):
        word = word.replace(letters, chr(0xE000 + index))
    sounds: list[tuple[str, frozenset[str]]] = []
    for char in word:
        if 0xE000 <= ord(char) < 0xE000 + len(rules):
            letters, sound = rules[ord(char) - 0xE000]
            fine = frozenset(_LATIN_FINE.get(letters, "")) if len(sound) == 1 else frozenset()
            sounds.extend((c, fine) for c in sound)
        elif char in _ALPHABET:
            sounds.append((char, frozenset()))
    return _squeeze(sounds)


def _latin_readings(word: str) -> list[Letters]:
    """The ways Arabic may spell ``word``'s sounds, likeliest first: "th" is ث or ت (Smith, سميث;
    Thai, تايلاند) and else ذ (Sotheby, سوذبي)."""
    readings = [_latin_letters(word)]
    if "th" in word.lower():
        readings.append(_latin_letters(word, _LATIN_VOICED_TH))
    return readings


def _sound(letters: Letters) -> str:
    return "".join(letter for letter, _ in letters)


def latin_sound(word: str) -> str:
    return _sound(_latin_letters(word))


def _arabic_forms(word: str) -> dict[str, Letters]:
    """The word's sounds with and without a clitic prefix (ال، و، ب، ل …): a name may start
    with one of those letters."""
    forms = {word} | {word[len(p) :] for p in _PREFIXES if word.startswith(p) and len(word) - len(p) >= 3}
    # A final ه is either silent or ة (normalised to ه) read "-a", as in النصرة "Nusra": both.
    forms |= {form[:-1] + "ا" for form in forms if form.endswith("ه")}
    sounds = {}
    for form in sorted(forms):
        # A letter outside the alphabet (ح، ع، ه) sounds as nothing but still parts its neighbours.
        letters = _squeeze((_ARABIC.get(c, ""), frozenset(_ARABIC_FINE.get(c, ""))) for c in form)
        sounds[_sound(letters)] = letters
    return sounds


def arabic_sounds(word: str) -> set[str]:
    return set(_arabic_forms(word))


def _letter_mismatches(latin: Letters, arabic: Letters) -> int:
    """Consonants of two sounds with one skeleton whose finer letters disagree (ش for s), and one
    more where the Arabic word opens on a silent letter (ع، ح، ه) and the Latin name on a
    consonant: a name written with a first consonant is not spelled with an ع before it (Nusra is
    النصرة, not عنصرا "a member"), while "Imran" (عمران) or "Hussein" (حسين) open on a vowel."""
    ours = [fine for letter, fine in latin if letter and letter not in VOWELS]
    theirs = [fine for letter, fine in arabic if letter and letter not in VOWELS]
    opens_silent = bool(arabic) and arabic[0][0] == "" and bool(latin) and latin[0][0] not in VOWELS
    return sum(bool(a and b and not a & b) for a, b in zip(ours, theirs)) + opens_silent


def _vowel_count(sound: str) -> int:
    return sum(c in VOWELS for c in sound)


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
        scored = next((found for letters in _latin_readings(name) if (found := self._scored(letters))), [])
        if not scored:
            return []
        best = min(d for d, _ in scored)
        return sorted({word for d, word in scored if d <= best})

    def _scored(self, letters: Letters) -> list[tuple[float, str]]:
        """Archive words with the skeleton of ``letters``, each with its distance, those close enough."""
        sound = _sound(letters)
        key = skeleton(sound)
        if len(key) < 2:
            return []
        limit = MAX_DISTANCE if len(key) >= 3 else VOWEL_COST
        vowels = _vowel_count(sound)
        return [
            (d + FINE_COST * _letter_mismatches(letters, _arabic_forms(word)[other]), word)
            for word, other in self.entries.get(key, ())
            # the skeletons agree, so each vowel one has more than the other costs at least VOWEL_COST
            if abs(_vowel_count(other) - vowels) * VOWEL_COST <= limit and (d := distance(sound, other)) <= limit
        ]

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
            elif token[0].isupper() and token.lower() not in NOT_NAMES:
                groups.append((token, self.spellings(token)))
        return groups


def words_of(groups: Sequence[tuple[str, list[str]]]) -> str:
    """``name_groups``' Arabic side as one search string."""
    return " ".join(word for _, group in groups for word in group)
