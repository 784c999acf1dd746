"""Rule-based condensation of a follow-up question into a standalone one (offline default)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ingest.arabic import normalize_arabic

# Pronouns and demonstratives that point back into the conversation.
ANAPHORA = re.compile(
    r"\b(it|its|they|them|their|he|him|his|she|her|that|this|those|these|there)\b"
    r"|(?:^|\s)(هو|هي|هم|هن|ذلك|تلك|هذا|هذه|هؤلاء|هناك)(?:\s|$|[؟?])"
    r"|[\u0621-\u064a]{3,}(?:ها|هم|هما|ه)(?:\s|$|[؟?])",
    re.IGNORECASE,
)
FOLLOW_UP_OPENERS = re.compile(r"^\s*(and|what about|how about|و|وماذا عن|ماذا عن)\b", re.IGNORECASE)
SHORT = 5  # words; a question this short leans on the conversation


def is_follow_up(question: str) -> bool:
    return bool(
        ANAPHORA.search(normalize_arabic(question))
        or FOLLOW_UP_OPENERS.match(question)
        or len(question.split()) <= SHORT
    )


def condense_question(question: str, history: Sequence[str]) -> str:
    """The question to retrieve with: a follow-up carries the previous question's words
    (its entities and topic) in their original language; anything else passes through."""
    previous = next((q for q in reversed(history) if q.strip()), "")
    if not previous or not is_follow_up(question):
        return question
    return f"{question} {previous}"
