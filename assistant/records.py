"""Plain data that flows from retrieval to the answer: Passage, Citation, Answer."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Query:
    """A question as retrieval and answering use it, worked out once."""

    text: str
    language: str  # "ar" or "en"
    cross_lingual: bool  # asked in another language than the archive's
    terms: dict[str, float]  # search terms (for a cross-lingual question, the archive's spellings) -> idf
    # The question's most specific words: its rarest terms and its numbers, or for a cross-lingual
    # question its names and numbers; a group is found when any of its spellings is.
    anchors: tuple[frozenset[str], ...]
    vector: np.ndarray  # the embedded question, L2-normalised


@dataclass(frozen=True)
class SourceRef:
    """Where a passage (or a near-duplicate of it) was published."""

    article_id: str
    headline: str
    date: str
    source: str
    url: str = ""


@dataclass(frozen=True)
class Passage:
    chunk_id: str
    text: str
    article_id: str
    headline: str
    date: str
    source: str
    paragraph: int
    paragraph_end: int
    url: str = ""
    score: float = 0.0  # fused rank score (RRF) or the single leg's score
    dense_score: float | None = None  # cosine similarity to the question
    lexical_score: float | None = None  # BM25
    term_coverage: float = 0.0  # share of the question's search terms here, rare ones weighing more
    duplicates: tuple[SourceRef, ...] = ()  # the same story elsewhere, collapsed into this passage

    @classmethod
    def from_metadata(cls, chunk_id: str, text: str, meta: dict[str, Any], **scores: Any) -> Passage:
        return cls(
            chunk_id=chunk_id,
            text=text,
            article_id=str(meta.get("article_id", "")),
            headline=str(meta.get("headline", "")),
            date=str(meta.get("date", "")),
            source=str(meta.get("source", "")),
            paragraph=int(meta.get("paragraph", 0)),
            paragraph_end=int(meta.get("paragraph_end", meta.get("paragraph", 0))),
            url=str(meta.get("url", "")),
            **scores,
        )


@dataclass(frozen=True)
class Citation:
    n: int  # 1-based, as in the answer's [n] markers
    chunk_id: str
    article_id: str
    headline: str
    date: str
    source: str
    paragraph: int
    quote: str  # the cited sentence(s), or the passage when no sentence is singled out
    passage: str
    url: str = ""
    also_in: tuple[SourceRef, ...] = ()

    @classmethod
    def of(cls, n: int, passage: Passage, quote: str) -> Citation:
        return cls(
            n=n,
            chunk_id=passage.chunk_id,
            article_id=passage.article_id,
            headline=passage.headline,
            date=passage.date,
            source=passage.source,
            paragraph=passage.paragraph,
            quote=quote,
            passage=passage.text,
            url=passage.url,
            also_in=passage.duplicates,
        )


@dataclass(frozen=True)
class Answer:
    text: str
    language: str  # "ar" or "en", the question's
    citations: list[Citation]
    passages: list[Passage]
    answered: bool = True  # False when the archive holds no answer
    short_answer: str = ""  # the span that answers (a name, number, date, place), cited by citations[0]
    answer_sentence: str = ""  # the sentence the short answer was cut from
    question: str = ""
    standalone_question: str = ""  # the question as retrieved, after follow-up condensation
    answerer: str = "extractive"
    unsupported_sentences: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def final_answer(items: Iterable[str | Answer]) -> Answer:
    """The ``Answer`` that ends a stream of text deltas (the stream is consumed)."""
    tail = deque(items, maxlen=1)
    if not tail or not isinstance(tail[0], Answer):
        raise RuntimeError("the answer stream ended without an Answer")
    return tail[0]
