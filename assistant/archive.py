"""The archive at hand: articles listed by date, source and keyword, and one article read whole."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.records import SourceRef
from ingest.chunking import ChunkMeta, paragraphs_of
from ingest.filters import SearchFilters
from ingest.store import ChunkStore

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class ArticleSummary(SourceRef):
    keywords: str = ""

    @classmethod
    def of(cls, meta: ChunkMeta) -> ArticleSummary:
        return cls(meta.article_id, meta.headline, meta.date, meta.source, meta.url, meta.keywords)


@dataclass(frozen=True)
class ArticlePage:
    """A page of the archive's articles, newest first, and how many match in all."""

    total: int
    offset: int
    articles: list[ArticleSummary]


@dataclass(frozen=True)
class ArticleText:
    summary: ArticleSummary
    paragraphs: list[str]
    chunks: dict[str, tuple[int, int]]  # chunk id -> the paragraphs it covers (first, last)


def browse(store: ChunkStore, filters: SearchFilters, limit: int = PAGE_SIZE, offset: int = 0) -> ArticlePage:
    """Articles that ``filters`` admit, newest first (undated last); ``limit`` from ``offset``."""
    heads = [m for m in store.article_heads(filters.chroma_where()) if filters.matches(m.filter_fields)]
    heads.sort(key=lambda m: (m.epoch is not None, m.epoch or 0, m.article_id), reverse=True)
    return ArticlePage(len(heads), offset, [ArticleSummary.of(m) for m in heads[offset : offset + limit]])


def read_article(store: ChunkStore, article_id: str) -> ArticleText | None:
    """The whole article as stored (its paragraphs read back from its chunks), or None."""
    chunks = store.article_chunks(article_id)
    if not chunks:
        return None
    paragraphs = paragraphs_of([(c.meta.paragraph, c.text) for c in chunks])
    covers = {c.id: (c.meta.paragraph, c.meta.paragraph_end) for c in chunks}
    return ArticleText(ArticleSummary.of(chunks[0].meta), paragraphs, covers)
