"""Check an answer's [n] markers against the passages it was given."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.records import Citation, Passage
from ingest.arabic import analyze
from ingest.chunking import passage_sentences, split_sentences

MARKER = re.compile(r"\s?\[(\d+(?:\s*[,،]\s*\d+)*)\]")


@dataclass(frozen=True)
class CheckedAnswer:
    text: str
    citations: list[Citation]
    unsupported_sentences: list[str]


def check_citations(text: str, passages: Sequence[Passage]) -> CheckedAnswer:
    """Drop markers that point at no passage, list the cited passages (quoting the sentence
    that best matches what cites it), and flag sentences that cite nothing."""
    cited: dict[int, list[str]] = {}

    def keep_valid(match: re.Match[str]) -> str:
        numbers = [int(x) for x in re.split(r"\s*[,،]\s*", match.group(1))]
        valid = [n for n in numbers if 1 <= n <= len(passages)]
        return "".join(f" [{n}]" for n in valid)

    cleaned = MARKER.sub(keep_valid, text).strip()
    unsupported = []
    for sentence in split_sentences(cleaned.replace("\n", " ")):
        numbers = [int(n) for n in re.findall(r"\[(\d+)\]", sentence)]
        if not numbers:
            if analyze(sentence):
                unsupported.append(sentence)
            continue
        for n in numbers:
            cited.setdefault(n, []).append(MARKER.sub("", sentence))
    citations = [
        Citation.of(n, passages[n - 1], _best_quote(passages[n - 1], claims)) for n, claims in sorted(cited.items())
    ]
    return CheckedAnswer(cleaned, citations, unsupported)


def _best_quote(passage: Passage, claims: list[str]) -> str:
    sentences = passage_sentences(passage.text) or [passage.text]
    terms = set(analyze(" ".join(claims)))
    return max(sentences, key=lambda s: len(terms & set(analyze(s))))
