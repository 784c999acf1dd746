"""Chunks in ChromaDB: a local PersistentClient by default, a Chroma server when configured."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import chromadb
import httpx
import numpy as np
from chromadb.api.models.Collection import Collection

from ingest.chunking import Chunk, ChunkMeta, search_text
from ingest.exact_search import ExactIndex, Where

PAGE = 5000
WRITTEN_AT = "revision"  # chunk metadata: the store's revision when the chunk was written
WRITES = frozenset({"add", "upsert", "update", "delete", "modify", "get_or_create_collection", "HttpClient"})
logger = logging.getLogger(__name__)


class SharedLock:
    """Many holders at once, or one alone; one waiting to be alone keeps new holders out."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._holders = 0
        self._alone = False
        self._waiting = 0

    @contextmanager
    def shared(self) -> Iterator[None]:
        with self._condition:
            self._condition.wait_for(lambda: not self._alone and not self._waiting)
            self._holders += 1
        try:
            yield
        finally:
            with self._condition:
                self._holders -= 1
                self._condition.notify_all()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        with self._condition:
            self._waiting += 1
            self._condition.wait_for(lambda: not self._alone and not self._holders)
            self._waiting -= 1
            self._alone = True
        try:
            yield
        finally:
            with self._condition:
                self._alone = False
                self._condition.notify_all()


class Guarded:
    """A local Chroma client (or collection) whose calls share ``lock``: reopening the client
    (after another process wrote) waits for calls in flight and holds new ones back."""

    def __init__(self, inner: Any, lock: SharedLock) -> None:
        self._inner, self._lock = inner, lock

    @property
    def unguarded(self) -> Any:
        """The client itself, for the one holding the lock alone."""
        return self._inner

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._inner, name)
        if not callable(attribute):
            return attribute

        def call(*args: Any, **kwargs: Any) -> Any:
            with self._lock.shared():
                result = attribute(*args, **kwargs)
            return Guarded(result, self._lock) if isinstance(result, Collection) else result

        return call


class StoreUnavailable(RuntimeError):
    """The Chroma server did not answer within the retry window."""


class Retrying:
    """A Chroma server client's collection (or the client) whose calls are retried while the
    server is unreachable (restarting, say): writes for ``write_s`` seconds, so that an ingest
    rides out a restart and loses nothing (every write is an idempotent upsert, delete or
    metadata set), reads for ``read_s``, so that a query fails fast with ``StoreUnavailable``."""

    def __init__(self, inner: Any, url: str, write_s: float, read_s: float) -> None:
        self._inner, self._url, self._write_s, self._read_s = inner, url, write_s, read_s

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._inner, name)
        if not callable(attribute):
            return attribute
        window = self._write_s if name in WRITES else self._read_s
        return lambda *args, **kwargs: self._retry(attribute, window, args, kwargs)

    def _retry(self, call: Callable[..., Any], window: float, args: tuple, kwargs: dict) -> Any:
        deadline, pause = time.monotonic() + window, 0.25
        while True:
            try:
                result = call(*args, **kwargs)
            except (httpx.TransportError, ValueError) as exc:
                # Connecting, chromadb turns the transport error into a ValueError of its own.
                if not isinstance(exc, httpx.TransportError) and not isinstance(exc.__context__, httpx.TransportError):
                    raise
                if time.monotonic() + pause > deadline:
                    raise StoreUnavailable(
                        f"the Chroma server at {self._url} is unreachable ({exc}); start it (chroma run) "
                        "or fix AKHBAR_CHROMA_URL"
                    ) from exc
                logger.warning("Chroma server at %s unreachable (%s); retrying in %.1f s", self._url, exc, pause)
                time.sleep(pause)
                pause = min(pause * 2, 5.0)
                continue
            if isinstance(result, Collection):
                return Retrying(result, self._url, self._write_s, self._read_s)
            return result


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

    def __init__(
        self,
        collection: str,
        chroma_dir: Path,
        chroma_url: str | None = None,
        write_retry_s: float = 120.0,
        read_retry_s: float = 2.0,
        exact_search_max_chunks: int = 0,
    ) -> None:
        """A Chroma server at ``chroma_url`` when given (calls retried while it is unreachable:
        writes for ``write_retry_s``, reads for ``read_retry_s``), else a local store in ``chroma_dir``.
        A local store of up to ``exact_search_max_chunks`` chunks is searched exactly (ExactIndex)."""
        self.name = collection
        self.chroma_dir = chroma_dir
        self.chroma_url = chroma_url
        self.write_retry_s = write_retry_s
        self.read_retry_s = read_retry_s
        self._clients = SharedLock()
        self._revision_lock = threading.Lock()  # a write's revision bump against a refresh's comparison
        self._counted: tuple[str, int, int] | None = None  # collection id, revision, chunks
        self._open()
        self._seen_revision = self.revision
        self.exact_search_max_chunks = 0 if chroma_url else exact_search_max_chunks
        self.exact_index = ExactIndex(
            lambda: self.revision, self.count, self._ids_where, self.ids_written_since, self._embeddings
        )

    def _open(self) -> None:
        client: Any
        if self.chroma_url:
            url = urlparse(self.chroma_url)
            connect = Retrying(chromadb, self.chroma_url, self.write_retry_s, self.read_retry_s)
            client = Retrying(
                connect.HttpClient(host=url.hostname or "127.0.0.1", port=url.port or 8000, ssl=url.scheme == "https"),
                self.chroma_url,
                self.write_retry_s,
                self.read_retry_s,
            )
        else:
            self.chroma_dir.mkdir(parents=True, exist_ok=True)
            client = chromadb.PersistentClient(path=str(self.chroma_dir))
        collection = client.get_or_create_collection(
            self.name,
            configuration={"hnsw": {"space": "cosine"}},
            embedding_function=None,
            metadata={"revision": 0},
        )
        sentences = client.get_or_create_collection(
            f"{self.name}-sentences", configuration={"hnsw": {"space": "cosine"}}, embedding_function=None
        )
        if not self.chroma_url:
            client, collection = Guarded(client, self._clients), Guarded(collection, self._clients)
            sentences = Guarded(sentences, self._clients)
        self.client, self.collection, self.sentence_collection = client, collection, sentences

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
        if current == self._seen_revision:  # the common case, without queueing queries on the lock
            return current
        with self._revision_lock:  # a mismatch may be this process's own write under way: look again
            current = self.revision
            if current == self._seen_revision:
                return current
            if not self.chroma_url:
                with self._clients.exclusive():  # no call in flight on the client being closed
                    self.client.unguarded.close()
                    self._open()
            self._seen_revision = current
            return current

    def _bump(self) -> None:
        with self._revision_lock:  # a refresh must not take this process's own write for another's
            self._seen_revision = self.revision + 1
            self.collection.modify(metadata={"revision": self._seen_revision})

    @property
    def collection_id(self) -> str:
        return str(self.collection.id)

    def count(self) -> int:
        """How many chunks are stored, counted again only once the revision moves: Chroma counts
        every row (30 ms at 300k chunks on 2 cores, and it was asked on every dense search)."""
        key = (self.collection_id, self.revision)
        if self._counted is None or self._counted[:2] != key:
            self._counted = (*key, self.collection.count())
        return self._counted[2]

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
            # Each chunk carries the revision it was written at: how a lexical index saved at an
            # earlier revision finds what it lacks without scanning the store.
            metadatas=[{**c.meta.to_metadata(), WRITTEN_AT: self._seen_revision} for c in chunks],  # type: ignore[misc]
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

    def ids_written_since(self, revision: int) -> set[str]:
        """Ids of the chunks written at ``revision`` or later (and still stored)."""
        return set(self._ids_where({WRITTEN_AT: {"$gte": revision}}))

    def existing(self, ids: Sequence[str]) -> set[str]:
        """Which of ``ids`` are stored."""
        return set(self.collection.get(ids=list(ids), include=[])["ids"]) if ids else set()  # type: ignore[list-item]

    def _ids_where(self, where: Where | None) -> list[str]:
        """The stored ids ``where`` admits; all of them for None."""
        return self.collection.get(where=where or None, include=[])["ids"]  # type: ignore[arg-type,return-value]

    def _embeddings(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(ids), PAGE):
            page = self.collection.get(ids=list(ids[start : start + PAGE]), include=["embeddings"])
            found |= {i: np.asarray(e, dtype=np.float32) for i, e in zip(page["ids"], page["embeddings"])}  # type: ignore[arg-type]
        return found

    def query(self, vector: np.ndarray, n: int, where: Where | None = None) -> list[StoredChunk]:
        """The ``n`` chunks nearest to ``vector`` that ``where`` admits, nearest first: exactly
        when the store is local and small enough, else by Chroma's HNSW index."""
        count = self.count()
        n = min(n, count)
        if n == 0:
            return []
        if count <= self.exact_search_max_chunks:
            nearest = self.exact_index.search(vector, n, where)
            chunks = {c.id: c for c in self.get([i for i, _ in nearest], with_embeddings=True)}
            return [replace(chunks[i], distance=1.0 - score) for i, score in nearest if i in chunks]
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

    def article_chunks(self, article_id: str) -> list[StoredChunk]:
        """Every chunk of one article in reading order; [] when the archive has none."""
        where: Where = {"article_id": article_id}
        found = self.collection.get(where=where, include=["documents", "metadatas"])  # type: ignore[arg-type]
        chunks = [
            StoredChunk(i, d, ChunkMeta.from_metadata(m))
            for i, d, m in zip(found["ids"], found["documents"], found["metadatas"])  # type: ignore[arg-type]
        ]
        return sorted(chunks, key=lambda c: c.meta.chunk_index)

    def article_heads(self, where: Where | None = None) -> list[ChunkMeta]:
        """The metadata of each article's first chunk that ``where`` admits: one row per article."""
        first: Where = {"chunk_index": 0}
        where = {"$and": [first, where]} if where else first
        found = self.collection.get(where=where, include=["metadatas"])  # type: ignore[arg-type]
        return [ChunkMeta.from_metadata(m) for m in found["metadatas"] or []]

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
