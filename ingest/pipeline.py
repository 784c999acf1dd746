"""parse -> chunk -> embed -> store, resumable and idempotent thanks to content-hash ids."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from tqdm import tqdm

from ingest.articles import Article, ArticleSource, Skipped
from ingest.chunking import Chunk, chunk_article, passage_sentences
from ingest.embedder import Embedder
from ingest.lexical import LiveLexicalIndex
from ingest.sentence_store import SentenceVectors
from ingest.store import ChunkStore

ARTICLE_BATCH = 64  # articles whose existing chunk ids are fetched in one Chroma call


@dataclass
class IngestReport:
    articles: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    added: int = 0
    unchanged: int = 0
    removed: int = 0
    embed_seconds: float = 0.0
    seconds: float = 0.0

    @property
    def passages_per_second(self) -> float:
        return self.added / self.embed_seconds if self.embed_seconds else 0.0

    def summary(self) -> str:
        skipped = f"{len(self.skipped)} skipped" + (
            " (" + "; ".join(str(s) for s in self.skipped[:3]) + (" …" if len(self.skipped) > 3 else "") + ")"
            if self.skipped
            else ""
        )
        return (
            f"{self.articles} articles read, {skipped}; chunks: {self.added} added, "
            f"{self.unchanged} unchanged, {self.removed} removed; "
            f"{self.passages_per_second:.1f} passages/s, {self.seconds:.1f} s"
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "articles": self.articles,
            "skipped": [{"origin": s.origin, "reason": s.reason} for s in self.skipped],
            "added": self.added,
            "unchanged": self.unchanged,
            "removed": self.removed,
            "passages_per_second": round(self.passages_per_second, 2),
            "seconds": round(self.seconds, 2),
        }


class Ingestor:
    def __init__(
        self,
        embedder: Embedder,
        store: ChunkStore,
        lexical: LiveLexicalIndex,
        chunk_tokens: int,
        chunk_overlap: int,
        write_batch: int,
        sentences_in_context: bool,
    ) -> None:
        """``write_batch`` chunks are embedded and written at a time; ``lexical`` is the store's BM25
        side; ``sentences_in_context``: sentence vectors pooled from their chunk's forward pass
        instead of embedded alone (ingest.sentence_store)."""
        self.embedder = embedder
        self.store = store
        self.lexical = lexical
        self.chunk_tokens = chunk_tokens
        self.chunk_overlap = chunk_overlap
        self.write_batch = write_batch
        self.sentences_in_context = sentences_in_context
        self.sentences = SentenceVectors(store, embedder.embed_passages)

    def ingest(self, paths: Sequence[Path], progress: bool = True) -> IngestReport:
        """Read every article under ``paths``; bad ones are reported in the result and skipped.
        The lexical index is merged and saved before it returns (the process may exit next)."""
        return self.ingest_items(ArticleSource(list(paths)), progress, settle=True)

    def ingest_items(self, source: Iterable[Article | Skipped], progress: bool, settle: bool) -> IngestReport:
        """Store ``source``'s articles; its ``Skipped`` items go to the report. Without ``settle``
        a merge of the lexical index the writes call for runs in the background."""
        started = time.perf_counter()
        report = IngestReport()
        bar = tqdm(desc="ingest", unit=" articles", disable=not progress, file=sys.stderr)
        batch: list[Article] = []
        for item in source:
            if isinstance(item, Skipped):
                report.skipped.append(item)
                if progress:
                    tqdm.write(f"skipped {item}", file=sys.stderr)
                continue
            batch.append(item)
            if len(batch) >= ARTICLE_BATCH:
                self._ingest_batch(batch, report, bar)
                batch = []
        self._ingest_batch(batch, report, bar)
        bar.close()
        if settle:
            self.lexical.settle()
        else:
            self.lexical.current()
        report.seconds = time.perf_counter() - started
        return report

    def delete_article(self, article_id: str) -> int:
        """Remove an article from both retrieval legs; returns the chunks removed."""
        removed = self.store.delete_article(article_id)
        self.lexical.current()
        return removed

    def _ingest_batch(self, articles: list[Article], report: IngestReport, bar: tqdm) -> None:
        if not articles:
            return
        latest = {a.id: a for a in articles}  # an id seen twice: the later article wins
        existing = self.store.ids_by_article(list(latest))
        pending: list[Chunk] = []
        stale: list[str] = []
        for article in latest.values():
            chunks = chunk_article(article, self.embedder.count_tokens, self.chunk_tokens, self.chunk_overlap)
            have = existing.get(article.id, set())
            fresh = {c.id for c in chunks}
            pending += [c for c in chunks if c.id not in have]
            stale += sorted(have - fresh)
            report.unchanged += len(have & fresh)
        self._write(pending, report, bar)
        self.store.delete(stale)
        report.removed += len(stale)
        report.articles += len(articles)
        bar.update(len(articles))

    def _write(self, chunks: list[Chunk], report: IngestReport, bar: tqdm) -> None:
        for start in range(0, len(chunks), self.write_batch):
            part = chunks[start : start + self.write_batch]
            began = time.perf_counter()
            texts = [c.embedding_text for c in part]
            sentences = [passage_sentences(c.text) for c in part]
            in_context = None
            if self.sentences_in_context:
                vectors, pooled = self.embedder.embed_passages_with_parts(texts, sentences)
                in_context = np.concatenate(pooled)
            else:
                vectors = self.embedder.embed_passages(texts)
            # Sentence vectors first: a chunk stored is a chunk whose sentences can be answered from.
            self.sentences.ensure([s for group in sentences for s in group], in_context)
            report.embed_seconds += time.perf_counter() - began
            self.store.add(part, vectors)
            report.added += len(part)
            bar.set_postfix(chunks=report.added, passages_s=f"{report.passages_per_second:.1f}")
