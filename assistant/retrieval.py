"""Hybrid retrieval: dense (Chroma) and lexical (BM25) legs fused by Reciprocal Rank Fusion,
near-duplicates collapsed into one passage that lists every source."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from assistant.countries import CountryMention, english_countries
from assistant.evidence import weighted_coverage
from assistant.glossary import Glossary, glossary_at
from assistant.language import detect_language
from assistant.records import Passage, Query, SourceRef
from assistant.short_answer import ARABIC_MONTHS, MONTH_TERMS
from ingest.arabic import analyze
from ingest.embedder import Embedder
from ingest.filters import SearchFilters
from ingest.lexical import LexicalSnapshot, LiveLexicalIndex
from ingest.sentence_store import SentenceVectors
from ingest.store import ChunkStore, StoredChunk
from ingest.transliteration import LATIN_TOKEN, NOT_NAMES, words_of

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
    def __init__(
        self,
        embedder: Embedder,
        store: ChunkStore,
        lexical_dir: Path,
        *,
        top_k: int,
        candidates: int,
        mode: str,
        rrf_k: int,
        archive_language: str,
        cross_lingual_lexical_weight: float,
        duplicate_cosine: float,
        glossary_dir: Path,
    ) -> None:
        """``candidates`` hits come from each leg before fusion; ``mode`` is hybrid, dense or lexical;
        passages at ``duplicate_cosine`` or closer collapse into one."""
        if mode not in MODES:
            raise ValueError(f"retrieval mode {mode!r} unknown; use one of {', '.join(MODES)}")
        self.embedder = embedder
        self.store = store
        self.top_k = top_k
        self.candidates = candidates
        self.mode = mode
        self.rrf_k = rrf_k
        self.archive_language = archive_language
        self.cross_lingual_lexical_weight = cross_lingual_lexical_weight
        self.duplicate_cosine = duplicate_cosine
        self.lexical_index = LiveLexicalIndex(store, lexical_dir)
        self.query_vector = lru_cache(maxsize=256)(self._embed_query)
        self._queries = lru_cache(maxsize=256)(self._make_query)
        self.sentences = SentenceVectors(store, embedder.embed_passages)
        self.glossary_dir = glossary_dir

    @property
    def glossary(self) -> Glossary:
        """Loaded on the first question in another language than the archive's (0.7 s), once per process."""
        return glossary_at(self.glossary_dir)

    def _embed_query(self, text: str) -> np.ndarray:
        return self.embedder.embed_queries([text])[0]

    def query(self, question: str) -> Query:
        """``question`` worked out once: language, weighted search terms, vector."""
        return self._queries(question, self.lexical.revision)

    def _make_query(self, question: str, revision: int) -> Query:
        lexical = self.lexical
        language = detect_language(question)
        cross_lingual = language != self.archive_language
        # Words do not match across scripts: a question in another language than the archive
        # searches the lexical leg with its numbers and the archive's spellings of its names.
        # The names' spellings once: edit distances in pure Python, about a fifth of an English answer.
        named = english_countries(question) if cross_lingual else []
        countries = [(c.text, list(c.names)) for c in named]
        names = lexical.names.name_groups(_without(question, named)) if cross_lingual else []
        groups = [*countries, *names]
        # Its countries are anchors and weigh in a sentence's coverage, but are not searched for: over
        # Wikipedia's history of one war every passage names France (XQuAD en R@5 0.948 -> 0.938).
        search_terms = words_of(names) if cross_lingual else question
        terms = {t: lexical.idf(t) for t in analyze(words_of(groups) if cross_lingual else question)}
        translations = self._translations(question, groups, lexical) if cross_lingual else {}
        terms |= {t: lexical.idf(t) for found in translations.values() for t in found if t not in terms}
        if cross_lingual:
            # A country is found by its name or its adjective ("الأمريكية").
            adjectives = {country.text: country.adjectives for country in named}
            anchors = tuple(
                ARABIC_MONTHS.get(token.lower())
                or frozenset(t for word in [*spellings, *adjectives.get(token, ())] for t in analyze(word))
                for token, spellings in groups
            )
        else:
            rarest = sorted(terms, key=terms.__getitem__, reverse=True)[:ANCHORS]
            dated = [t for t in terms if t.isdigit() or t in MONTH_TERMS]  # "in June 2018" is as specific as a name
            anchors = tuple(frozenset({t}) for t in dict.fromkeys([*rarest, *dated]))
        return Query(
            text=question,
            language=language,
            cross_lingual=cross_lingual,
            search_terms=search_terms,
            terms=terms,
            # A name the archive has no spelling for stays an anchor that nothing matches: its absence
            # is evidence too ("Who wrote Hamlet?" over an archive that never names Hamlet).
            anchors=anchors if cross_lingual else tuple(a for a in anchors if a),
            vector=self.query_vector(question),
            rarity=lexical.rarity,
            translations=translations,
            rarest=lexical.rarity_once(),
        )

    def _translations(
        self, question: str, groups: Sequence[tuple[str, list[str]]], lexical: LexicalSnapshot
    ) -> dict[str, tuple[str, ...]]:
        """The archive's terms for an English question's other words, through the glossary
        ("turnout" -> "اقبال"), by the word in lower case: its coverage evidence, as an Arabic
        question's own words are. A name the archive spells, a number or a month is matched
        already; a translation the archive never uses ("مقتبس" for "quoted") would match nothing
        and only dilute the others."""
        spelled = {word for token, spellings in groups if spellings for word in token.split()}
        translations = {}
        for token in LATIN_TOKEN.findall(question):
            word = token.lower()
            if len(token) <= 2 or token.isdigit() or token in spelled or word in NOT_NAMES or word in ARABIC_MONTHS:
                continue
            found = (term for arabic in self.glossary.translate(token) for term in analyze(arabic))
            if used := tuple(dict.fromkeys(term for term in found if lexical.rarity(term) < 1.0)):
                translations[word] = used
        return translations

    @property
    def lexical(self) -> LexicalSnapshot:
        """The BM25 side as of the store's latest write, this process's or another's."""
        return self.lexical_index.current()

    def search(
        self, question: str, k: int | None = None, filters: SearchFilters | None = None, mode: str | None = None
    ) -> list[Passage]:
        """The ``k`` best passages for ``question``, best first."""
        k = k or self.top_k
        mode = mode or self.mode
        if mode not in MODES:
            raise ValueError(f"retrieval mode {mode!r} unknown; use one of {', '.join(MODES)}")
        filters = filters or SearchFilters()
        n = max(self.candidates, k * 4)
        query = self.query(question)
        lexical_index = self.lexical
        dense = self._dense(query, n, filters) if mode != "lexical" else []
        lexical = lexical_index.search(query.search_terms, n, filters) if mode != "dense" else []
        # A cross-lingual question's lexical leg holds fewer, rougher terms: it weighs less.
        weights = [1.0, self.cross_lingual_lexical_weight if query.cross_lingual else 1.0]
        rankings = [[c.id for c in dense], [i for i, _ in lexical]]
        fused = keep_leaders(reciprocal_rank_fusion(rankings, self.rrf_k, weights), rankings, k)

        found = {c.id: c for c in dense}
        missing = [i for i, _ in fused if i not in found]
        found |= {c.id: c for c in self.store.get(missing, with_embeddings=True)}
        bm25 = dict(lexical)
        candidates = []
        for chunk_id, rrf in fused:
            chunk = found.get(chunk_id)
            if chunk is None or chunk.embedding is None:
                continue
            cosine = float(np.dot(chunk.embedding, query.vector))
            score = {"hybrid": rrf, "dense": cosine, "lexical": bm25.get(chunk_id, 0.0)}[mode]
            candidates.append((chunk, score, cosine, bm25.get(chunk_id)))
        return self.with_coverage(query, collapse(candidates, k, self.duplicate_cosine))

    def with_coverage(self, query: Query, passages: list[Passage]) -> list[Passage]:
        """``passages`` with ``term_coverage`` set: evidence for the answer/no-answer decision."""
        return [
            replace(p, term_coverage=weighted_coverage(query.terms, frozenset(analyze(f"{p.headline}\n{p.text}"))))
            for p in passages
        ]

    def _dense(self, query: Query, n: int, filters: SearchFilters) -> list[StoredChunk]:
        hits = self.store.query(query.vector, n, filters.chroma_where())
        return [h for h in hits if not filters.keyword or filters.matches(h.meta.filter_fields)]


Candidate = tuple[StoredChunk, float, float, float | None]  # chunk, score, cosine, BM25 score


def collapse(candidates: Sequence[Candidate], k: int, duplicate_cosine: float) -> list[Passage]:
    """The first ``k`` passages of ``candidates`` (best first), each keeping the best of a group
    of near-identical chunks from different articles; the others become its ``duplicates``."""
    kept: list[tuple[StoredChunk, Passage]] = []
    for chunk, score, cosine, bm25 in candidates:
        twin = next(
            (
                i
                for i, (other, _) in enumerate(kept)
                if other.meta.article_id != chunk.meta.article_id
                and float(np.dot(other.embedding, chunk.embedding)) >= duplicate_cosine  # type: ignore[arg-type]
            ),
            None,
        )
        if twin is not None:
            other, passage = kept[twin]
            kept[twin] = (other, replace(passage, duplicates=(*passage.duplicates, SourceRef.of(chunk.meta))))
            continue
        if len(kept) == k:
            continue  # still scanning: a later candidate may be a twin of a kept one
        kept.append((chunk, Passage.of(chunk, score=score, dense_score=cosine, lexical_score=bm25)))
    return [p for _, p in kept]


def _without(question: str, countries: Sequence[CountryMention]) -> str:
    """``question`` without its countries, each as a whole word ("US" is not the start of "USD"):
    its other names are spelled by sound, a country is translated."""
    for country in countries:
        question = re.sub(rf"\b{re.escape(country.text)}\b", " ", question, count=1)
    return question
