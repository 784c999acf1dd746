"""Hybrid retrieval: dense (Chroma) and lexical (BM25) legs fused by Reciprocal Rank Fusion,
near-duplicates collapsed into one passage that lists every source."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache

import numpy as np

from assistant.language import detect_language
from assistant.records import Passage, Query, SourceRef
from assistant.settings import Settings
from assistant.short_answer import ARABIC_MONTHS, MONTH_TERMS
from ingest.arabic import analyze
from ingest.embedder import Embedder
from ingest.filters import SearchFilters
from ingest.lexical import LexicalIndex, synced_index
from ingest.sentence_store import SentenceVectors
from ingest.store import ChunkStore, StoredChunk

MODES = ("hybrid", "dense", "lexical")
ANCHORS = 3  # a question's rarest terms that a passage answering it must hold (numbers come on top)


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[str]], k: int = 60, weights: Sequence[float] | None = None
) -> list[tuple[str, float]]:
    """Fuse ranked id lists: score(d) = sum over lists of weight / (k + rank), rank from 1."""
    scores: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights or [1.0] * len(rankings)):
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda pair: pair[1], reverse=True)


def keep_leaders(fused: list[tuple[str, float]], rankings: Sequence[Sequence[str]], k: int) -> list[tuple[str, float]]:
    """``fused`` with each ranking's first item moved up to position ``k`` if fusion left it
    lower: a passage one leg alone is sure of (a name only BM25 matches, a paraphrase only the
    embedding sees) still reaches the answerer. Scores stay the fused ones."""
    fused = list(fused)
    for leader in [ranking[0] for ranking in rankings if ranking]:
        position = [item for item, _ in fused].index(leader)
        if position >= k:
            fused.insert(k - 1, fused.pop(position))
    return fused


class Retriever:
    def __init__(self, settings: Settings, embedder: Embedder, store: ChunkStore) -> None:
        self.settings = settings
        self.embedder = embedder
        self.store = store
        self._lexical: LexicalIndex | None = None
        self.query_vector = lru_cache(maxsize=256)(self._embed_query)
        self._queries = lru_cache(maxsize=256)(self._make_query)
        self.sentences = SentenceVectors(store.sentence_collection, embedder.embed_passages)

    def _embed_query(self, text: str) -> np.ndarray:
        return self.embedder.embed_queries([text])[0]

    def query(self, question: str) -> Query:
        """``question`` worked out once: language, weighted search terms, vector."""
        return self._queries(question, self.lexical.revision)

    def _make_query(self, question: str, revision: int) -> Query:
        language = detect_language(question)
        cross_lingual = language != self.settings.archive_language
        terms = {t: self.lexical.idf(t) for t in analyze(self.search_terms(question))}
        if cross_lingual:
            anchors = tuple(
                ARABIC_MONTHS.get(token.lower()) or frozenset(t for word in spellings for t in analyze(word))
                for token, spellings in self.lexical.names.name_groups(question)
            )
        else:
            rarest = sorted(terms, key=terms.__getitem__, reverse=True)[:ANCHORS]
            dated = [t for t in terms if t.isdigit() or t in MONTH_TERMS]  # "in June 2018" is as specific as a name
            anchors = tuple(frozenset({t}) for t in dict.fromkeys([*rarest, *dated]))
        return Query(
            text=question,
            language=language,
            cross_lingual=cross_lingual,
            terms=terms,
            # A name the archive has no spelling for stays an anchor that nothing matches: its absence
            # is evidence too ("Who wrote Hamlet?" over an archive that never names Hamlet).
            anchors=anchors if cross_lingual else tuple(a for a in anchors if a),
            vector=self.query_vector(question),
        )

    @property
    def lexical(self) -> LexicalIndex:
        if self._lexical is None or self._lexical.revision != self.store.revision:
            self._lexical = synced_index(self.store, self.settings.lexical_dir)
        return self._lexical

    def search(
        self, question: str, k: int | None = None, filters: SearchFilters | None = None, mode: str | None = None
    ) -> list[Passage]:
        """The ``k`` best passages for ``question``, best first."""
        k = k or self.settings.top_k
        mode = mode or self.settings.retrieval
        if mode not in MODES:
            raise ValueError(f"retrieval mode {mode!r} unknown; use one of {', '.join(MODES)}")
        filters = filters or SearchFilters()
        n = max(self.settings.candidates, k * 4)
        cross = detect_language(question) != self.settings.archive_language
        terms = self.search_terms(question)
        dense = self._dense(question, n, filters) if mode != "lexical" else []
        lexical = self.lexical.search(terms, n, filters) if mode != "dense" else []
        weights = [1.0, self.settings.cross_lingual_lexical_weight if cross else 1.0]  # cross: fewer, rougher terms
        rankings = [[c.id for c in dense], [i for i, _ in lexical]]
        fused = keep_leaders(reciprocal_rank_fusion(rankings, self.settings.rrf_k, weights), rankings, k)

        found = {c.id: c for c in dense}
        missing = [i for i, _ in fused if i not in found]
        found |= {c.id: c for c in self.store.get(missing, with_embeddings=True)}
        query = self.query_vector(question)
        bm25 = dict(lexical)
        candidates = []
        for chunk_id, rrf in fused:
            chunk = found.get(chunk_id)
            if chunk is None or chunk.embedding is None:
                continue
            cosine = float(np.dot(chunk.embedding, query))
            score = {"hybrid": rrf, "dense": cosine, "lexical": bm25.get(chunk_id, 0.0)}[mode]
            candidates.append((chunk, score, cosine, bm25.get(chunk_id)))
        return self.with_coverage(question, self._collapse(candidates, k))

    def search_terms(self, question: str) -> str:
        """What the lexical leg searches with. Words do not match across scripts: a question in
        another language than the archive searches with its numbers and the archive's spellings
        of its names."""
        if detect_language(question) == self.settings.archive_language:
            return question
        return self.lexical.names.arabic_query(question)

    def with_coverage(self, question: str, passages: list[Passage]) -> list[Passage]:
        """``passages`` with ``term_coverage`` set: evidence for the answer/no-answer decision."""
        terms = self.search_terms(question)
        return [
            replace(p, term_coverage=self.lexical.coverage(terms, f"{p.headline}\n{p.text}") or 0.0) for p in passages
        ]

    def _dense(self, question: str, n: int, filters: SearchFilters) -> list[StoredChunk]:
        hits = self.store.query(self.query_vector(question), n, filters.chroma_where())
        return [h for h in hits if not filters.keyword or filters.matches(h.metadata)]

    def _collapse(self, candidates: list[tuple[StoredChunk, float, float, float | None]], k: int) -> list[Passage]:
        """Keep the best of each group of near-identical chunks from different articles;
        the others become its ``duplicates``."""
        kept: list[tuple[StoredChunk, Passage]] = []
        for chunk, score, cosine, bm25 in candidates:
            twin = next(
                (
                    i
                    for i, (other, _) in enumerate(kept)
                    if other.metadata.get("article_id") != chunk.metadata.get("article_id")
                    and float(np.dot(other.embedding, chunk.embedding)) >= self.settings.duplicate_cosine  # type: ignore[arg-type]
                ),
                None,
            )
            if twin is not None:
                other, passage = kept[twin]
                ref = SourceRef(
                    article_id=str(chunk.metadata.get("article_id", "")),
                    headline=str(chunk.metadata.get("headline", "")),
                    date=str(chunk.metadata.get("date", "")),
                    source=str(chunk.metadata.get("source", "")),
                    url=str(chunk.metadata.get("url", "")),
                )
                kept[twin] = (other, replace(passage, duplicates=(*passage.duplicates, ref)))
                continue
            if len(kept) == k:
                continue  # still scanning: a later candidate may be a twin of a kept one
            passage = Passage.from_metadata(
                chunk.id, chunk.text, chunk.metadata, score=score, dense_score=cosine, lexical_score=bm25
            )
            kept.append((chunk, passage))
        return [p for _, p in kept]
