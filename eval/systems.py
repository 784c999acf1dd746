"""The systems the harness compares: Akhbar in each retrieval mode and the naive LangChain
pipeline a user would copy from the tutorials."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from assistant.answerers import Answerer
from assistant.language import detect_language
from assistant.records import Answer, Passage
from assistant.service import Assistant
from ingest.articles import Article, ArticleSource
from ingest.chunking import ChunkMeta
from ingest.models import resolve_model
from ingest.store import StoredChunk

System = Callable[[str, int], Answer]  # (question, k) -> Answer with its retrieved passages


def akhbar_system(assistant: Assistant, mode: str) -> System:
    retriever = assistant.retriever

    def ask(question: str, k: int) -> Answer:
        if mode == assistant.settings.retrieval:
            return assistant.ask(question, k=k)
        passages = retriever.search(question, k=k, mode=mode)
        return assistant.answerer.answer(question, detect_language(question), passages)

    return ask


class NaiveLangChain:
    """RecursiveCharacterTextSplitter(1000, 200) + HuggingFaceEmbeddings (same model, no e5
    prefixes) + Chroma.from_documents + similarity search: the tutorials' pipeline."""

    def __init__(self, assistant: Assistant, corpus: Sequence[Path]) -> None:
        from langchain_chroma import Chroma
        from langchain_core.documents import Document
        from langchain_huggingface import HuggingFaceEmbeddings
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        articles = [a for a in ArticleSource(list(corpus)) if isinstance(a, Article)]
        documents = [Document(page_content="\n\n".join(a.paragraphs), metadata=_metadata(a)) for a in articles]
        splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
        chunks = splitter.split_documents(documents)
        settings = assistant.settings
        embeddings = HuggingFaceEmbeddings(  # on Akhbar's device and batch size: a like-for-like race
            model_name=str(resolve_model(settings.model, settings.models_dir)),
            model_kwargs={"device": settings.device},
            encode_kwargs={"batch_size": settings.batch_size},
        )
        self._tmp = tempfile.TemporaryDirectory(prefix="akhbar-naive-")
        self.store = Chroma.from_documents(chunks, embeddings, persist_directory=self._tmp.name)
        self.answerer: Answerer = assistant.answerer
        self.retriever = assistant.retriever  # only for term coverage, which the answerer weighs
        self.chunks = len(chunks)

    def __call__(self, question: str, k: int) -> Answer:
        hits = self.store.similarity_search_with_score(question, k=k)
        passages = [
            Passage.of(
                StoredChunk(f"naive-{i}", doc.page_content, ChunkMeta.from_metadata(doc.metadata)), score=-distance
            )
            for i, (doc, distance) in enumerate(hits)
        ]
        passages = self.retriever.with_coverage(self.retriever.query(question), passages)
        return self.answerer.answer(question, detect_language(question), passages)


def _metadata(article: Article) -> dict[str, str | int]:
    return ChunkMeta(article.id, article.headline, article.date or "", article.source).to_metadata()
