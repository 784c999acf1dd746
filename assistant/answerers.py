"""Answerer backends, chosen by name from settings: ``extractive`` (default, offline) or an LLM
backend from ``assistant.llm`` (``openai``, ``ollama``, ``llamacpp``) with extractive fallback."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol

from assistant.extractive import ExtractiveAnswerer
from assistant.generative import GroundedAnswerer
from assistant.llm import BACKENDS, LLM
from assistant.records import Answer, Passage
from assistant.settings import Settings
from ingest.embedder import Embedder

NAMES = ("extractive", *BACKENDS)


class Answerer(Protocol):
    name: str

    def answer(self, question: str, language: str, passages: Sequence[Passage]) -> Answer: ...

    def stream(self, question: str, language: str, passages: Sequence[Passage]) -> Iterator[str | Answer]: ...


def extractive_answerer(settings: Settings, embedder: Embedder) -> ExtractiveAnswerer:
    return ExtractiveAnswerer(
        embedder.embed_queries,
        embedder.embed_passages,
        settings.max_answer_sentences,
        settings.min_answer_evidence,
        settings.min_answer_evidence_cross,
        settings.answer_coverage_weight,
    )


def build_answerer(settings: Settings, embedder: Embedder, llm: LLM | None) -> Answerer:
    """``llm`` is ``connect_llm(settings)``: None exactly when the answerer is extractive."""
    if settings.answerer not in NAMES:
        raise ValueError(f"answerer {settings.answerer!r} unknown; choose one of {', '.join(NAMES)}")
    extractive = extractive_answerer(settings, embedder)
    if llm is None:
        return extractive
    return GroundedAnswerer(settings.answerer, llm, settings, fallback=extractive)
