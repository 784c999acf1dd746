"""Answerer backends, chosen by name from settings: ``extractive`` (default, offline) or an LLM
backend from ``assistant.llm`` (``openai``, ``ollama``, ``llamacpp``) with extractive fallback."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Protocol

from assistant.evidence import DEFAULT_MODEL, RefusalModel
from assistant.extractive import ExtractiveAnswerer
from assistant.generative import GroundedAnswerer
from assistant.llm import BACKENDS, LLM
from assistant.reader import MODEL_FILE, SpanReader
from assistant.records import Answer, Passage
from assistant.retrieval import Retriever
from assistant.settings import Settings
from ingest.sentence_store import VectorCache

log = logging.getLogger(__name__)
NAMES = ("extractive", *BACKENDS)
WORD_CACHE = 50_000  # words of answering sentences, embedded for English questions: about 75 MB


class Answerer(Protocol):
    name: str

    def answer(self, question: str, language: str, passages: Sequence[Passage]) -> Answer: ...

    def stream(self, question: str, language: str, passages: Sequence[Passage]) -> Iterator[str | Answer]: ...


def extractive_answerer(settings: Settings, retriever: Retriever) -> ExtractiveAnswerer:
    refusal = RefusalModel.load(settings.refusal_model or DEFAULT_MODEL, settings.answer_threshold)
    words = VectorCache(retriever.embedder.embed_words, WORD_CACHE)
    return ExtractiveAnswerer(
        retriever.query,
        retriever.sentences.vectors,
        words.vectors,
        refusal,
        settings.max_answer_sentences,
        span_reader(settings.reader_dir),
    )


def span_reader(folder: Path) -> SpanReader | None:
    """The reader in ``folder``; None, with a warning, where it is not built yet."""
    if (folder / MODEL_FILE).is_file():
        return SpanReader(folder)
    log.warning("no span reader in %s: short answers come from rules alone; `make model` builds it", folder)
    return None


def build_answerer(settings: Settings, retriever: Retriever, llm: LLM | None) -> Answerer:
    """``llm`` is ``connect_llm(settings)``: None exactly when the answerer is extractive."""
    if settings.answerer not in NAMES:
        raise ValueError(f"answerer {settings.answerer!r} unknown; choose one of {', '.join(NAMES)}")
    extractive = extractive_answerer(settings, retriever)
    if llm is None:
        return extractive
    return GroundedAnswerer(
        settings.answerer, llm, settings.llm_context_tokens, settings.llm_max_tokens, fallback=extractive
    )
