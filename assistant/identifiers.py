"""Names with a number in them ("تيانقونغ-2", "AS-206"): an anchor that must match whole.

The lexical analyzer splits such a name into its word and a number so common that any passage
holds it; a near miss then passes for the answer ("تيانقونغ-1" launched in 2011 for the year of
"تيانقونغ-2"). A passage that names the same thing with another number, and never with the
question's, is about something else. One that does not name it at all may still answer: a chunk
of the right article often says only "the station".
"""

from __future__ import annotations

import re

from ingest.arabic import normalize_arabic

_DASH = "‐–-"  # last, so that a character class reads "-" as itself
_IDENTIFIER = re.compile(rf"(?<![\w{_DASH}])([^\W\d_]{{2,}})[{_DASH}](\d{{1,4}})(?!\d)")  # not "3rd-and-9"


def identifiers(question: str) -> tuple[tuple[str, str], ...]:
    """The (name, number) pairs written with a hyphen in ``question``, normalised."""
    return tuple((normalize_arabic(name).lower(), number) for name, number in _IDENTIFIER.findall(question))


def contradicts(text: str, wanted: tuple[tuple[str, str], ...], cross_lingual: bool) -> bool:
    """Whether ``text`` names one of ``wanted`` with another number and never with its own
    ("تيانقونغ-1" only, for "تيانقونغ-2"; "تيانقونغ 2" would do). Across scripts the name's
    spelling is unknown: any hyphenated name stands for it unless the text spells it as asked."""
    normal = normalize_arabic(text).lower()
    found = _IDENTIFIER.findall(normal)  # already normalised, as the names asked for are
    for name, number in wanted:
        if re.search(re.escape(name) + rf"[\s{_DASH}]?{number}(?!\d)", normal):
            continue
        numbers = {n for other, n in found if other == name or (cross_lingual and not other.isascii())}
        if numbers and number not in numbers:
            return True
    return False
