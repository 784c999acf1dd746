"""The Assistant: the stable Python API over retrieval and answering (an LCEL chain)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from langchain_core.runnables import Runnable, RunnableLambda

from assistant.answerers import Answerer, build_answerer
from assistant.archive import MAX_PAGE_SIZE, PAGE_SIZE, ArticlePage, ArticleText, browse, read_article
from assistant.feedback import FeedbackLog
from assistant.followup import Condenser
from assistant.language import detect_language
from assistant.llm import LLM, connect_llm
from assistant.records import Answer, AnswerStream, Passage
from assistant.retrieval import Retriever
from assistant.settings import Settings
from assistant.timeline import TimelineEntry, timeline
from ingest.articles import Article, Skipped
from ingest.embedder import Embedder, load_embedder
from ingest.filters import SearchFilters
from ingest.models import resolve_model
from ingest.pipeline import Ingestor, IngestReport
from ingest.sanitize import clean_text, has_words
from ingest.store import ChunkStore


@dataclass(frozen=True)
class Turn:
    """One question on its way through the retrieval chain; each step fills in a field."""

    question: str
    history: tuple[str, ...]  # earlier questions, oldest first
    k: int
    filters: SearchFilters | None
    mode: str | None = None  # hybrid, dense or lexical; None = the configured one
    language: str = ""
    standalone: str = ""  # the question rewritten to stand alone (follow-ups)
    passages: list[Passage] = field(default_factory=list)


TIMELINE_ENTRIES = 10


class LimitExceeded(ValueError):
    """A question over one of the configured limits; ``limit`` names the setting."""

    def __init__(self, message: str, limit: str) -> None:
        super().__init__(message)
        self.limit = limit


class Assistant:
    """``Assistant.from_settings().ask("...") -> Answer`` with text, language, citations, passages."""

    def __init__(
        self,
        settings: Settings,
        embedder: Embedder,
        store: ChunkStore,
        retriever: Retriever,
        answerer: Answerer,
        llm: LLM | None = None,
    ) -> None:
        self.settings = settings
        self.embedder = embedder
        self.store = store
        self.retriever = retriever
        self.answerer = answerer
        self.llm = llm
        self.condense = Condenser(llm)
        self.retrieval_chain = self._retrieval_chain()
        self._writes = threading.Lock()  # one write at a time from this process: API pushes, uploads
        self.feedback = FeedbackLog(settings.feedback_path)

    @classmethod
    def from_settings(
        cls, settings: Settings | None = None, embedder: Embedder | None = None, **overrides: Any
    ) -> Assistant:
        """Build from settings (env vars ``AKHBAR_*``), with keyword overrides; an embedder
        may be shared between assistants to load the model once."""
        settings = (settings or Settings()).model_copy(update=overrides)
        if embedder is None:
            model = resolve_model(settings.model, settings.models_dir)
            embedder = load_embedder(model, settings.embed_backend, settings.device, settings.batch_size)
        llm = connect_llm(settings)
        store = ChunkStore(
            settings.collection,
            settings.chroma_dir,
            settings.chroma_url,
            settings.chroma_write_retry_s,
            settings.chroma_read_retry_s,
            settings.exact_search_max_chunks,
        )
        retriever = Retriever(
            embedder,
            store,
            settings.lexical_dir,
            top_k=settings.top_k,
            candidates=settings.candidates,
            mode=settings.retrieval,
            rrf_k=settings.rrf_k,
            archive_language=settings.archive_language,
            cross_lingual_lexical_weight=settings.cross_lingual_lexical_weight,
            duplicate_cosine=settings.duplicate_cosine,
            glossary_dir=settings.glossary_dir,
        )
        return cls(settings, embedder, store, retriever, build_answerer(settings, retriever, llm), llm)

    def _retrieval_chain(self) -> Runnable[Turn, Turn]:
        def detect(turn: Turn) -> Turn:
            return replace(turn, language=detect_language(turn.question))

        def condense(turn: Turn) -> Turn:
            return replace(turn, standalone=self.condense(turn.question, turn.history))

        def retrieve(turn: Turn) -> Turn:
            return replace(turn, passages=self.retriever.search(turn.standalone, turn.k, turn.filters, turn.mode))

        return RunnableLambda(detect) | RunnableLambda(condense) | RunnableLambda(retrieve)

    def _retrieve(
        self,
        question: str,
        history: Sequence[str],
        k: int | None,
        filters: SearchFilters | None,
        mode: str | None = None,
    ) -> Turn:
        question = self._checked(question, history, k)
        turn = Turn(question, tuple(clean_text(h) for h in history), k or self.settings.top_k, filters, mode)
        return self.retrieval_chain.invoke(turn)

    def _checked(self, question: str, history: Sequence[str], k: int | None) -> str:
        """``question`` cleaned, or a ``ValueError`` saying why it cannot be asked."""
        limit = self.settings.max_question_chars
        question = clean_text(question).strip()
        if not question:
            raise ValueError("the question is empty; ask something about the archive")
        if len(question) > limit or any(len(h) > limit for h in history):
            raise LimitExceeded(f"a question is over {limit} characters", "max_question_chars")
        if k is not None and k > self.settings.max_top_k:
            raise LimitExceeded(f"k over {self.settings.max_top_k}", "max_top_k")
        if not has_words(question):
            raise ValueError("the question has no words or numbers; ask something about the archive")
        return question

    def timeline(
        self, question: str, k: int | None = None, filters: SearchFilters | None = None
    ) -> list[TimelineEntry]:
        """One cited sentence per article about ``question`` (up to ``k``, default 10), oldest first."""
        return timeline(self.retriever, self._checked(question, (), k), k or TIMELINE_ENTRIES, filters)

    def browse(self, filters: SearchFilters | None = None, limit: int = PAGE_SIZE, offset: int = 0) -> ArticlePage:
        """The archive's articles that ``filters`` admit, newest first, ``limit`` from ``offset``."""
        if not 1 <= limit <= MAX_PAGE_SIZE or offset < 0:
            raise ValueError(f"limit must be 1 to {MAX_PAGE_SIZE} and offset 0 or more")
        return browse(self.store, filters or SearchFilters(), limit, offset)

    def article(self, article_id: str) -> ArticleText | None:
        """One article whole, its paragraphs as stored; None when the archive has no such id."""
        return read_article(self.store, article_id)

    def search(
        self, question: str, k: int | None = None, filters: SearchFilters | None = None, mode: str | None = None
    ) -> list[Passage]:
        """The ``k`` best passages; ``mode`` (hybrid, dense, lexical) overrides the configured retrieval."""
        return self._retrieve(question, [], k, filters, mode).passages

    def stream(
        self, question: str, history: Sequence[str] = (), k: int | None = None, filters: SearchFilters | None = None
    ) -> AnswerStream:
        """The answer as it is written: iterate for text deltas, then read ``.answer`` (with citations).

        ``history`` holds the earlier questions of the conversation, oldest first. A question that
        cannot be asked raises ``ValueError`` (``LimitExceeded`` for a limit) here, before any item,
        so that a server can still answer with an error status instead of a cut stream."""
        started = time.perf_counter()
        turn = self._retrieve(question, history, k, filters)
        return AnswerStream(self._answer_items(turn, started))

    def _answer_items(self, turn: Turn, started: float) -> Iterator[str | Answer]:
        retrieved = time.perf_counter()
        for item in self.answerer.stream(turn.question, turn.language, turn.passages):
            if isinstance(item, Answer):
                timings = {"retrieve_s": retrieved - started, "total_s": time.perf_counter() - started}
                yield replace(item, standalone_question=turn.standalone, timings=timings)
            else:
                yield item

    def ask(
        self, question: str, history: Sequence[str] = (), k: int | None = None, filters: SearchFilters | None = None
    ) -> Answer:
        return self.stream(question, history, k, filters).answer

    def ingestor(self, embedder: Embedder | None = None) -> Ingestor:
        """The ingest pipeline into this assistant's store (with another embedder, for benchmarks and tests)."""
        s = self.settings
        return Ingestor(
            embedder or self.embedder,
            self.store,
            self.retriever.lexical_index,
            s.chunk_tokens,
            s.chunk_overlap,
            s.batch_size * 4,
            s.sentence_vectors == "in-context",
        )

    def ingest(self, paths: Sequence[str | Path], progress: bool = False) -> IngestReport:
        with self._writes:
            return self.ingestor().ingest([Path(p) for p in paths], progress=progress)

    def add_articles(self, items: Iterable[Article | Skipped]) -> IngestReport:
        """Store articles pushed while serving; the lexical index merges in the background."""
        with self._writes:
            return self.ingestor().ingest_items(items, progress=False, settle=False)

    def delete_article(self, article_id: str) -> int:
        with self._writes:
            return self.ingestor().delete_article(article_id)
