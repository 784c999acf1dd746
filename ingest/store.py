"""Chunks in ChromaDB: a local PersistentClient by default, a Chroma server when configured."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import chromadb
import numpy as np

from ingest.chunking import Chunk, ChunkMeta, search_text

Where = dict[str, Any]
PAGE = 5000


@dataclass(frozen=True)
class StoredChunk:
    id: str
    text: str
    meta: ChunkMeta
    distance: float | None = None
    embedding: np.ndarray | None = None

    @property
    def search_text(self) -> str:
        return search_text(self.meta.headline, self.meta.date, self.text)


class ChunkStore:
    """One Chroma collection of chunks, with a revision counter bumped on every write so
    the lexical index can tell whether it is in step."""

    def __init__(self, collection: str, chroma_dir: Path, chroma_url: str | None = None) -> None:
        """A Chroma server at ``chroma_url`` when given, else a local store in ``chroma_dir``."""
        self.name = collection
        self.chroma_dir = chroma_dir
        self.chroma_url = chroma_url
        self._open()

    def _open(self) -> None:
        if self.chroma_url:
            url = urlparse(self.chroma_url)
            client = chromadb.HttpClient(
                host=url.hostname or "127.0.0.1", port=url.port or 8000, ssl=url.scheme == "https"
            )
        else:
            self.chroma_dir.mkdir(parents=True, exist_ok=True)
            client = chromadb.PersistentClient(path=str(self.chroma_dir))
        self.client = client
        self.collection = client.get_or_create_collection(
            self.name,
            configuration={"hnsw": {"space": "cosine"}},
            embedding_function=None,
            metadata={"revision": 0},
        )
        self.sentence_collection = client.get_or_create_collection(
            f"{self.name}-sentences", configuration={"hnsw": {"space": "cosine"}}, embedding_function=None
        )
        self._seen_revision = self.revision

    @property
    def revision(self) -> int:
        """Read fresh each time: another process (an ingest beside a server) may have written."""
        metadata = self.client.get_collection(self.collection.name).metadata or {}
        return int(metadata.get("revision", 0))

    def refresh(self) -> int:
        """Catch up with writes another process made since this one last looked; the revision now.

        A local PersistentClient keeps its vector index in memory: ids another process added
        are unknown to it ("Error finding id") until it is reopened. A Chroma server needs no
        reopening. Clients of the same folder in this process share one index and see each
        other's writes; reopening releases it only when this store holds the last of them."""
        current = self.revision
        if current == self._seen_revision:
            return current
        if not self.chroma_url:
            self.client.close()  # type: ignore[attr-defined]  # on Client, not in the ClientAPI protocol
            self._open()
        self._seen_revision = current
        return current

    def _bump(self) -> None:
        self._seen_revision = self.revision + 1
        self.collection.modify(metadata={"revision": self._seen_revision})

    def count(self) -> int:
        return self.collection.count()

    def ids_by_article(self, article_ids: Sequence[str]) -> dict[str, set[str]]:
        """Chunk ids already stored for each of ``article_ids``."""
        found: dict[str, set[str]] = {a: set() for a in article_ids}
        if not article_ids:
            return found
        where: Where = {"article_id": {"$in": list(article_ids)}}
        result = self.collection.get(where=where, include=["metadatas"])  # type: ignore[arg-type]
        for chunk_id, meta in zip(result["ids"], result["metadatas"] or []):
            found.setdefault(str(meta["article_id"]), set()).add(chunk_id)
        return found

    def add(self, chunks: Sequence[Chunk], embeddings: np.ndarray) -> None:
        # The revision moves before a write as well as after it: a crash between the write and
        # the second bump still leaves a revision no lexical index has seen, so the next sync
        # rebuilds it with the chunks written (else they would be in Chroma and never in BM25).
        if not chunks:
            return
        self._bump()
        self.collection.upsert(
            ids=[c.id for c in chunks],
            embeddings=embeddings,
            documents=[c.text for c in chunks],
            metadatas=[c.meta.to_metadata() for c in chunks],  # type: ignore[misc]
        )
        self._bump()

    def delete(self, ids: Sequence[str]) -> None:
        if ids:
            self._bump()
            self.collection.delete(ids=list(ids))
            self._bump()

    def delete_article(self, article_id: str) -> int:
        """Remove every chunk of an article; returns how many went."""
        ids = sorted(self.ids_by_article([article_id])[article_id])
        self.delete(ids)
        return len(ids)

    def query(self, vector: np.ndarray, n: int, where: Where | None = None) -> list[StoredChunk]:
        n = min(n, self.count())
        if n == 0:
            return []
        result = self.collection.query(
            query_embeddings=[vector],
            n_results=n,
            where=where or None,
            include=["documents", "metadatas", "distances", "embeddings"],
        )
        return [
            StoredChunk(i, d, ChunkMeta.from_metadata(m), dist, np.asarray(e))
            for i, d, m, dist, e in zip(
                result["ids"][0],
                result["documents"][0],  # type: ignore[index]
                result["metadatas"][0],  # type: ignore[index]
                result["distances"][0],  # type: ignore[index]
                result["embeddings"][0],  # type: ignore[index]
            )
        ]

    def get(self, ids: Sequence[str], with_embeddings: bool = False) -> list[StoredChunk]:
        """Chunks by id, in the order asked; unknown ids are left out."""
        if not ids:
            return []
        include = ["documents", "metadatas", *(["embeddings"] if with_embeddings else [])]
        result = self.collection.get(ids=list(ids), include=include)  # type: ignore[arg-type]
        embeddings = result.get("embeddings")
        found = {
            i: StoredChunk(
                i, d, ChunkMeta.from_metadata(m), None, np.asarray(embeddings[k]) if embeddings is not None else None
            )  # type: ignore[index]
            for k, (i, d, m) in enumerate(zip(result["ids"], result["documents"], result["metadatas"]))  # type: ignore[arg-type]
        }
        return [found[i] for i in ids if i in found]

    def scan(self) -> Iterator[StoredChunk]:
        """Every stored chunk, page by page (for rebuilding the lexical index)."""
        offset = 0
        while True:
            page = self.collection.get(limit=PAGE, offset=offset, include=["documents", "metadatas"])
            if not page["ids"]:
                return
            for i, d, m in zip(page["ids"], page["documents"], page["metadatas"]):  # type: ignore[arg-type]
                yield StoredChunk(i, d, ChunkMeta.from_metadata(m))
            offset += len(page["ids"])
