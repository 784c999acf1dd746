"""How a story developed: one cited sentence per distinct article about it, in date order, the
same wire story carried by several outlets shown once with each outlet that carried it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from assistant.records import Passage, SourceRef
from assistant.retrieval import Retriever
from ingest.chunking import passage_sentences
from ingest.filters import SearchFilters

CANDIDATES = 40  # passages retrieved before one is kept per article


@dataclass(frozen=True)
class TimelineEntry:
    n: int  # 1-based, in date order
    date: str
    article_id: str
    headline: str
    source: str
    sentence: str  # the passage's sentence closest to the question
    chunk_id: str
    paragraph: int
    url: str = ""
    also_in: tuple[SourceRef, ...] = ()  # the same story at other outlets


def timeline(
    retriever: Retriever, question: str, k: int = 10, filters: SearchFilters | None = None
) -> list[TimelineEntry]:
    """The ``k`` articles most about ``question`` (undated ones left out), oldest first, each with
    its passage's sentence closest to the question."""
    passages = retriever.search(question, k=CANDIDATES, filters=filters)
    chosen: list[Passage] = []
    shown: set[str] = set()  # articles with an entry, as themselves or as a copy of another's
    for passage in passages:  # best first: an article keeps its best passage
        if passage.date and passage.article_id not in shown:
            chosen.append(passage)
        shown |= {passage.article_id, *(d.article_id for d in passage.duplicates)}
    chosen = chosen[:k]
    query = retriever.query(question).vector
    entries = [(p, _closest_sentence(retriever, p, query)) for p in chosen]
    entries.sort(key=lambda pair: pair[0].date)
    return [
        TimelineEntry(
            n=n,
            date=p.date,
            article_id=p.article_id,
            headline=p.headline,
            source=p.source,
            sentence=sentence,
            chunk_id=p.chunk_id,
            paragraph=p.paragraph,
            url=p.url,
            also_in=p.duplicates,
        )
        for n, (p, sentence) in enumerate(entries, start=1)
    ]


def _closest_sentence(retriever: Retriever, passage: Passage, query: np.ndarray) -> str:
    sentences = passage_sentences(passage.text)
    if not sentences:
        return passage.text
    return sentences[int(np.argmax(retriever.sentences.vectors(sentences) @ query))]
