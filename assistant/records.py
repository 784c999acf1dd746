"""Plain data that flows from retrieval to the answer: Passage, Citation, Answer."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ingest.chunking import ChunkMeta

if TYPE_CHECKING:
    from ingest.store import StoredChunk  # Chroma stays unloaded for the modules that read answers only


@dataclass(frozen=True)
class Query:
    """A question as retrieval and answering use it, worked out once."""

    text: str
    language: str  # "ar" or "en"
    cross_lingual: bool  # asked in another language than the archive's
    search_terms: str  # what the lexical leg searches with (for a cross-lingual question, the archive's spellings)
    terms: dict[str, float]  # search terms (for a cross-lingual question, the archive's spellings) -> idf
    # The question's most specific words: its rarest terms and its numbers, or for a cross-lingual
    # question its names and numbers; a group is found when any of its spellings is.
    anchors: tuple[frozenset[str], ...]
    vector: np.ndarray  # the embedded question, L2-normalised
    rarity: Callable[[str], float]  # how rare a search term is in the archive the question was asked of, 0-1
    # A cross-lingual question's words (lower case) -> the archive's terms for their translations,
    # through the glossary: "island" -> ("جزير",). Empty for a question in the archive's language.
    translations: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    rarest: float = 1.0  # the rarity of a term written in one chunk of that archive (below 1 when it is small)


@dataclass(frozen=True)
class SourceRef:
    """Where a passage (or a near-duplicate of it) was published."""

    article_id: str
    headline: str
    date: str
    source: str
    url: str = ""

    @classmethod
    def of(cls, meta: ChunkMeta) -> SourceRef:
        return cls(meta.article_id, meta.headline, meta.date, meta.source, meta.url)


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
    def of(cls, chunk: StoredChunk, **scores: Any) -> Passage:
        m = chunk.meta
        return cls(
            chunk_id=chunk.id,
            text=chunk.text,
            article_id=m.article_id,
            headline=m.headline,
            date=m.date,
            source=m.source,
            paragraph=m.paragraph,
            paragraph_end=m.paragraph_end,
            url=m.url,
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


class AnswerStream:
    """An answer as it is written: iterate it for the text deltas, then read ``.answer`` (with
    citations); reading ``.answer`` first waits for the whole text. After simonw/llm's Response."""

    def __init__(self, items: Iterable[str | Answer]) -> None:
        self._items = iter(items)  # text deltas, then the Answer, as answerers produce them
        self._answer: Answer | None = None

    def __iter__(self) -> Iterator[str]:
        for item in self._items:
            if isinstance(item, Answer):
                self._answer = item
                return
            yield item

    @property
    def answer(self) -> Answer:
        for _ in self:
            pass
        if self._answer is None:
            raise RuntimeError("the answer stream ended without an Answer")
        return self._answer
