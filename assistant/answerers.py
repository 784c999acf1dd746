"""Answerer backends, chosen by name from settings. Adding one: a module and a line in BUILDERS."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Protocol

from assistant.extractive import ExtractiveAnswerer
from assistant.generative import OpenAIAnswerer
from assistant.records import Answer, Passage
from assistant.settings import Settings
from ingest.embedder import Embedder


class Answerer(Protocol):
    name: str

    def answer(self, question: str, language: str, passages: Sequence[Passage]) -> Answer: ...

    def stream(self, question: str, language: str, passages: Sequence[Passage]) -> Iterator[str | Answer]: ...


def _extractive(settings: Settings, embedder: Embedder) -> Answerer:
    return ExtractiveAnswerer(
        embedder.embed_queries,
        embedder.embed_passages,
        settings.max_answer_sentences,
        settings.min_answer_cosine,
        settings.min_answer_cosine_cross,
    )


def _openai(settings: Settings, embedder: Embedder) -> Answerer:
    return OpenAIAnswerer(settings, fallback=_extractive(settings, embedder))


BUILDERS: dict[str, Callable[[Settings, Embedder], Answerer]] = {
    "extractive": _extractive,
    "openai": _openai,
}


def build_answerer(settings: Settings, embedder: Embedder) -> Answerer:
    try:
        builder = BUILDERS[settings.answerer]
    except KeyError:
        raise ValueError(f"answerer {settings.answerer!r} unknown; choose one of {', '.join(BUILDERS)}") from None
    return builder(settings, embedder)
