"""The offline default: answer with the retrieved sentences that best match the question."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.language import detect_language
from assistant.records import Answer, Citation, Passage
from ingest.arabic import analyze
from ingest.chunking import split_sentences
from prompts import load_prompt

MIN_SENTENCE_CHARS = 12
SENTENCE_CACHE = 20_000  # vectors kept: passages recur across questions, sentences with them
# e5 cosines crowd into 0.7-0.9; this maps them onto 0-1 before mixing with term overlap.
COSINE_FLOOR, COSINE_CEIL = 0.75, 0.92


@dataclass(frozen=True)
class ScoredSentence:
    passage_rank: int
    position: int
    text: str
    score: float  # for ranking: semantic and term overlap mixed
    cosine: float  # raw question-sentence similarity
    coverage: float  # the passage's share of the question's terms (Passage.term_coverage)
    language: str


def sentences_of(passage: Passage) -> list[str]:
    return [s for line in passage.text.split("\n") for s in split_sentences(line) if len(s) >= MIN_SENTENCE_CHARS]


def term_overlap(question_terms: set[str], sentence: str) -> float:
    """Share of the question's search terms that the sentence contains."""
    if not question_terms:
        return 0.0
    return len(question_terms & set(analyze(sentence))) / len(question_terms)


class ExtractiveAnswerer:
    name = "extractive"

    def __init__(
        self,
        embed_queries: Callable[[Sequence[str]], np.ndarray],
        embed_passages: Callable[[Sequence[str]], np.ndarray],
        max_sentences: int = 3,
        min_evidence: float = 0.847,
        min_evidence_cross: float = 0.787,
        coverage_weight: float = 0.05,
    ) -> None:
        self.embed_queries = embed_queries
        self.embed_passages = embed_passages
        self.max_sentences = max_sentences
        self._vectors: dict[str, np.ndarray] = {}
        self.min_evidence = {True: min_evidence, False: min_evidence_cross}
        self.coverage_weight = coverage_weight

    def score_sentences(self, question: str, passages: Sequence[Passage]) -> list[ScoredSentence]:
        found = [(rank, pos, s) for rank, p in enumerate(passages) for pos, s in enumerate(sentences_of(p))]
        if not found:
            return []
        query = self.embed_queries([question])[0]
        vectors = self._sentence_vectors([s for _, _, s in found])
        terms = set(analyze(question))
        scored = []
        for (rank, pos, sentence), vector in zip(found, vectors):
            cosine = float(np.dot(vector, query))
            semantic = float(np.clip((cosine - COSINE_FLOOR) / (COSINE_CEIL - COSINE_FLOOR), 0, 1))
            # Term overlap only helps when question and passage share a script; cross-lingual
            # questions lean on the semantic part alone.
            score = 0.65 * semantic + 0.35 * term_overlap(terms, sentence) - 0.02 * rank
            coverage = passages[rank].term_coverage
            scored.append(ScoredSentence(rank, pos, sentence, score, cosine, coverage, detect_language(sentence)))
        return scored

    def _sentence_vectors(self, sentences: list[str]) -> list[np.ndarray]:
        new = list(dict.fromkeys(s for s in sentences if s not in self._vectors))
        if new:
            if len(self._vectors) + len(new) > SENTENCE_CACHE:
                self._vectors.clear()
            self._vectors.update(zip(new, self.embed_passages(new)))
        return [self._vectors[s] for s in sentences]

    def answers_it(self, sentence: ScoredSentence, language: str) -> bool:
        """Cosine alone cannot tell a passage that answers from one on a neighbouring topic;
        holding the question's rare words as well can."""
        evidence = sentence.cosine + self.coverage_weight * sentence.coverage
        return evidence >= self.min_evidence[sentence.language == language]

    def stream(self, question: str, language: str, passages: Sequence[Passage]) -> Iterator[str | Answer]:
        yield from stream_text(self.answer(question, language, passages))

    def answer(self, question: str, language: str, passages: Sequence[Passage]) -> Answer:
        scored = sorted(self.score_sentences(question, passages), key=lambda s: s.score, reverse=True)
        # Quote only from passages with a sentence that passes the evidence bar: a well-ranked
        # sentence from a neighbouring story would otherwise lead the answer.
        answering = {s.passage_rank for s in scored if self.answers_it(s, language)}
        if not answering:
            return no_answer(question, language, passages, self.name)
        quotable = [s for s in scored if s.passage_rank in answering]
        best = quotable[0].score
        chosen = [s for s in quotable[: self.max_sentences] if s.score >= best - 0.15]
        chosen.sort(key=lambda s: (s.passage_rank, s.position))
        numbers: dict[int, int] = {}
        quotes: dict[int, list[str]] = {}
        parts = []
        for sentence in chosen:
            n = numbers.setdefault(sentence.passage_rank, len(numbers) + 1)
            quotes.setdefault(sentence.passage_rank, []).append(sentence.text)
            parts.append(f"{sentence.text} [{n}]")
        citations = [Citation.of(n, passages[rank], " ".join(quotes[rank])) for rank, n in numbers.items()]
        text = load_prompt("extractive_answer", language).format(sentences="\n".join(parts))
        return Answer(
            text=text,
            language=language,
            citations=citations,
            passages=list(passages),
            question=question,
            answerer=self.name,
        )


def no_answer(question: str, language: str, passages: Sequence[Passage], answerer: str) -> Answer:
    return Answer(
        text=load_prompt("no_answer", language),
        language=language,
        citations=[],
        passages=list(passages),
        answered=False,
        question=question,
        answerer=answerer,
    )


def stream_text(answer: Answer) -> Iterator[str | Answer]:
    """An already-computed answer as line deltas, then the answer itself."""
    lines = answer.text.split("\n")
    for i, line in enumerate(lines):
        yield line + ("\n" if i < len(lines) - 1 else "")
    yield answer
