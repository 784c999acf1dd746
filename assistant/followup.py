"""Condensing a follow-up question into a standalone one before retrieval: by rules offline,
by the ``condense`` prompt when an LLM is configured (rules again if it fails)."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate

from assistant.language import detect_language
from assistant.llm import LLM
from ingest.arabic import normalize_arabic
from prompts import load_prompt

log = logging.getLogger(__name__)

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


class Condenser:
    """``condenser(question, history) -> standalone question`` in the question's language."""

    def __init__(self, llm: LLM | None) -> None:
        self.llm = llm

    def __call__(self, question: str, history: Sequence[str]) -> str:
        earlier = [q for q in history if q.strip()]
        if self.llm is None or not earlier:
            return condense_question(question, earlier)
        language = detect_language(question)
        prompt = ChatPromptTemplate.from_messages([("human", load_prompt("condense", language))])
        chain = prompt | self.llm.chat | StrOutputParser()
        text = ""
        try:
            for delta in chain.stream({"question": question, "history": "\n".join(f"- {q}" for q in earlier)}):
                text += delta
                if "\n" in text.strip():  # one line was asked for; stop paying for more
                    break
        except Exception as exc:
            log.warning("LLM at %s failed to condense the question (%s); using rules", self.llm.endpoint, exc)
            return condense_question(question, earlier)
        standalone = text.strip().split("\n")[0].strip(" \"'«»")
        if plausible(standalone, question, earlier, load_prompt("condense", language)):
            return standalone
        log.info("LLM condensation %r rejected; using rules", standalone)
        return condense_question(question, earlier)


def plausible(standalone: str, question: str, history: Sequence[str], instructions: str) -> bool:
    """A rewrite in the question's language, no longer than the words it can draw on, and not
    an echo of the instructions (which small models like to repeat)."""
    return (
        bool(standalone)
        and detect_language(standalone) == detect_language(question)
        and len(standalone) <= len(question) + sum(len(q) for q in history) + 40
        and standalone not in instructions
    )
