"""The Assistant: the stable Python API over retrieval and answering (an LCEL chain)."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from langchain_core.runnables import Runnable, RunnableLambda, RunnablePassthrough

from assistant.answerers import Answerer, build_answerer
from assistant.followup import Condenser
from assistant.language import detect_language
from assistant.llm import LLM, connect_llm
from assistant.records import Answer, Passage, final_answer
from assistant.retrieval import Retriever
from assistant.settings import Settings
from ingest.embedder import Embedder, SentenceTransformerEmbedder
from ingest.filters import SearchFilters
from ingest.models import resolve_model
from ingest.pipeline import Ingestor, IngestReport
from ingest.store import ChunkStore


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

    @classmethod
    def from_settings(
        cls, settings: Settings | None = None, embedder: Embedder | None = None, **overrides: Any
    ) -> Assistant:
        """Build from settings (env vars ``AKHBAR_*``), with keyword overrides; an embedder
        may be shared between assistants to load the model once."""
        settings = (settings or Settings()).model_copy(update=overrides)
        if embedder is None:
            embedder = SentenceTransformerEmbedder(resolve_model(settings), settings.device, settings.batch_size)
        llm = connect_llm(settings)
        store = ChunkStore(settings)
        retriever = Retriever(settings, embedder, store)
        return cls(settings, embedder, store, retriever, build_answerer(settings, retriever, llm), llm)

    def _retrieval_chain(self) -> Runnable:
        def retrieve(x: dict[str, Any]) -> list[Passage]:
            return self.retriever.search(x["standalone"], x["k"], x["filters"])

        return (
            RunnablePassthrough.assign(language=RunnableLambda(lambda x: detect_language(x["question"])))
            | RunnablePassthrough.assign(
                standalone=RunnableLambda(lambda x: self.condense(x["question"], x["history"]))
            )
            | RunnablePassthrough.assign(passages=RunnableLambda(retrieve))
        )

    def _retrieve(
        self, question: str, history: Sequence[str], k: int | None, filters: SearchFilters | None
    ) -> dict[str, Any]:
        question = question.strip()
        if not question:
            raise ValueError("the question is empty; ask something about the archive")
        return self.retrieval_chain.invoke(
            {"question": question, "history": list(history), "k": k or self.settings.top_k, "filters": filters}
        )

    def search(self, question: str, k: int | None = None, filters: SearchFilters | None = None) -> list[Passage]:
        return self._retrieve(question, [], k, filters)["passages"]

    def stream(
        self, question: str, history: Sequence[str] = (), k: int | None = None, filters: SearchFilters | None = None
    ) -> Iterator[str | Answer]:
        """Text deltas, then the final ``Answer`` (with citations) as the last item.

        ``history`` holds the earlier questions of the conversation, oldest first."""
        started = time.perf_counter()
        state = self._retrieve(question, history, k, filters)
        retrieved = time.perf_counter()
        for item in self.answerer.stream(state["question"], state["language"], state["passages"]):
            if isinstance(item, Answer):
                timings = {"retrieve_s": retrieved - started, "total_s": time.perf_counter() - started}
                yield replace(item, standalone_question=state["standalone"], timings=timings)
            else:
                yield item

    def ask(
        self, question: str, history: Sequence[str] = (), k: int | None = None, filters: SearchFilters | None = None
    ) -> Answer:
        return final_answer(self.stream(question, history, k, filters))

    def ingest(self, paths: Sequence[str | Path], progress: bool = False) -> IngestReport:
        files = [Path(p) for p in paths]
        return Ingestor(self.settings, self.embedder, self.store).ingest(files, progress=progress)

    def delete_article(self, article_id: str) -> int:
        return Ingestor(self.settings, self.embedder, self.store).delete_article(article_id)
