"""BM25 over the stored chunks with the Arabic analyzer, kept in step with Chroma without stalls.

Chroma is the source of truth. A saved ``LexicalIndex`` covers the chunks stored up to its
revision; chunks written since are scored from a small in-memory ``Delta`` with the index's
statistics, and hits on chunks deleted since are checked against the store. ``LiveLexicalIndex``
hands out consistent ``LexicalSnapshot``s and, once the delta grows past a share of the archive,
merges both into a fresh index in a background thread: a write never makes a query wait for a
rebuild, and several processes sharing one store each catch up from the store itself.
"""

from __future__ import annotations

import json
import logging
import math
import os
import shutil
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import bm25s
import numpy as np

from ingest.arabic import analyze
from ingest.filters import SearchFilters
from ingest.store import ChunkStore, StoredChunk
from ingest.transliteration import NameLexicon, arabic_words

FORMAT = 4  # bump when the analyzer, the lexicon or the saved layout changes: older indexes are rebuilt
K1, B = 1.5, 0.75  # bm25s's defaults; the delta scores with the same Lucene formula
# A write labels its chunks with the revision it moved the store to, then upserts them: an index
# built in between saw that revision without the chunks (caught up from ids written at or after
# it), and a second writer's batch may land after a later revision was read. Catching up from
# this many revisions earlier covers both.
WRITE_SLACK = 16
POINTER = "current"  # names the folder of the index in use; replaced atomically on save
logging.getLogger("bm25s").setLevel(logging.WARNING)
logger = logging.getLogger(__name__)


def _filter_fields(chunk: StoredChunk) -> dict[str, Any]:
    return {k: v for k, v in chunk.meta.filter_fields.items() if v is not None}


@dataclass
class LexicalIndex:
    """BM25 (bm25s) over every chunk stored at ``revision``."""

    ids: list[str]
    metadata: list[dict[str, Any]]
    revision: int
    bm25: bm25s.BM25 | None
    names: NameLexicon
    avgdl: float = 1.0
    store_id: str = ""  # the Chroma collection's id: revisions start again in a re-created one
    _doc_freqs: np.ndarray | None = field(default=None, repr=False)

    @classmethod
    def build(cls, store: ChunkStore) -> LexicalIndex:
        revision = store.revision  # read first: a chunk written during the scan is also in the next delta
        ids, metadata, corpus = [], [], []
        words: set[str] = set()
        for chunk in store.scan():
            ids.append(chunk.id)
            metadata.append(_filter_fields(chunk))
            text = chunk.search_text
            corpus.append(analyze(text))
            words |= arabic_words(text)
        bm25 = None
        if ids:
            bm25 = bm25s.BM25(k1=K1, b=B)
            bm25.index(corpus, show_progress=False)
        avgdl = sum(map(len, corpus)) / len(corpus) if corpus else 1.0
        names = NameLexicon.from_words(words)
        return cls(ids, metadata, revision, bm25, names, max(avgdl, 1.0), store.collection_id)

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex | None:
        """The saved index, or None when there is none or it was built by an older version."""
        try:
            current = folder / (folder / POINTER).read_text(encoding="utf-8").strip()
            data = json.loads((current / "chunks.json").read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                return None
            bm25 = bm25s.BM25.load(str(current / "bm25")) if data["ids"] else None
        except (OSError, ValueError) as exc:  # none yet, or pruned by another process's save: rebuild
            logger.info("no usable lexical index in %s (%s)", folder, exc)
            return None
        names = NameLexicon({key: [(w, s) for w, s in pairs] for key, pairs in data["names"].items()})
        return cls(data["ids"], data["metadata"], data["revision"], bm25, names, data["avgdl"], data["store_id"])

    def save(self, folder: Path) -> None:
        """Written beside the index in use, then switched to by replacing one pointer file, so
        that processes sharing the folder never read half an index."""
        folder.mkdir(parents=True, exist_ok=True)
        name = f"r{self.revision}-{uuid.uuid4().hex[:8]}"
        target = folder / name
        target.mkdir()
        if self.bm25 is not None:
            self.bm25.save(str(target / "bm25"))
        payload = {
            "format": FORMAT,
            "ids": self.ids,
            "metadata": self.metadata,
            "revision": self.revision,
            "store_id": self.store_id,
            "avgdl": self.avgdl,
            "names": self.names.entries,
        }
        (target / "chunks.json").write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        pointer = folder / f".{POINTER}-{name}"
        pointer.write_text(name, encoding="utf-8")
        os.replace(pointer, folder / POINTER)
        for old in folder.iterdir():  # a reader may still be loading one saved a moment ago
            if old.is_dir() and old.name != name and time.time() - old.stat().st_mtime > 60:
                shutil.rmtree(old, ignore_errors=True)

    def search_terms(self, terms: list[str], n: int, filters: SearchFilters | None = None) -> list[tuple[str, float]]:
        """Up to ``n`` (chunk id, BM25 score) pairs for analyzed ``terms``, best first; positive scores only."""
        if self.bm25 is None or not terms or n <= 0:
            return []
        mask = None
        if filters is not None and filters.active:
            mask = np.array([filters.matches(m) for m in self.metadata], dtype=np.float32)
            if not mask.any():
                return []
        k = min(n, len(self.ids))
        docs, scores = self.bm25.retrieve([terms], k=k, show_progress=False, weight_mask=mask, n_threads=1)
        return [(self.ids[int(d)], float(s)) for d, s in zip(docs[0], scores[0]) if s > 0]

    def search(self, query: str, n: int, filters: SearchFilters | None = None) -> list[tuple[str, float]]:
        return self.search_terms(analyze(query), n, filters)

    def doc_freq(self, term: str) -> int:
        if self.bm25 is None:
            return 0
        if self._doc_freqs is None:
            self._doc_freqs = np.diff(self.bm25.scores["indptr"])
        index = self.bm25.vocab_dict.get(term)
        return int(self._doc_freqs[index]) if index is not None else 0

    def idf(self, term: str) -> float:
        """Lucene's idf; a term the archive lacks gets the highest."""
        return lucene_idf(len(self.ids), self.doc_freq(term))


def lucene_idf(documents: int, doc_freq: int) -> float:
    return math.log(1 + (documents - doc_freq + 0.5) / (doc_freq + 0.5))


@dataclass(frozen=True)
class DeltaDoc:
    terms: Counter[str]
    length: int
    metadata: dict[str, Any]


@dataclass(frozen=True)
class LexicalSnapshot:
    """What one query searches: the saved index, the chunks written since, and which of the
    index's chunks may have been deleted since (``stale`` of them, checked against the store)."""

    main: LexicalIndex
    delta: dict[str, DeltaDoc]
    delta_freqs: Counter[str]
    revision: int
    stale: int
    store: ChunkStore

    @property
    def names(self) -> NameLexicon:
        return self.main.names

    @property
    def size(self) -> int:
        return len(self.main.ids) + len(self.delta) - self.stale

    def idf(self, term: str) -> float:
        """Lucene's idf over the index and the delta; a term the archive lacks gets the highest."""
        return lucene_idf(max(self.size, 1), self.main.doc_freq(term) + self.delta_freqs[term])

    def rarity(self, term: str) -> float:
        """``idf(term)`` over the highest idf (a term the archive lacks): 0-1."""
        return self.idf(term) / lucene_idf(max(self.size, 1), 0)

    def rarity_once(self) -> float:
        """The rarity of a term written in one chunk: near 1 in a large archive, 0.52 in one of 4 chunks."""
        size = max(self.size, 1)
        return lucene_idf(size, 1) / lucene_idf(size, 0)

    def search(self, query: str, n: int, filters: SearchFilters | None = None) -> list[tuple[str, float]]:
        """Up to ``n`` (chunk id, BM25 score) pairs, best first; only positive scores."""
        terms = list(dict.fromkeys(analyze(query)))
        if not terms or n <= 0:
            return []
        extra = min(self.stale, 4 * n)  # deleted chunks may take places among the index's best
        hits = self.main.search_terms(terms, n + extra, filters) + self._search_delta(terms, filters)
        hits.sort(key=lambda hit: hit[1], reverse=True)
        if self.stale:
            stored = self.store.existing([i for i, _ in hits[: n + extra]])
            hits = [hit for hit in hits if hit[0] in stored]
        return hits[:n]

    def _search_delta(self, terms: list[str], filters: SearchFilters | None) -> list[tuple[str, float]]:
        weights = {t: self.idf(t) for t in terms}
        hits = []
        for chunk_id, doc in self.delta.items():
            if filters is not None and filters.active and not filters.matches(doc.metadata):
                continue
            norm = K1 * (1 - B + B * doc.length / self.main.avgdl)
            score = sum(w * doc.terms[t] / (norm + doc.terms[t]) for t, w in weights.items() if t in doc.terms)
            if score > 0:
                hits.append((chunk_id, score))
        return hits


class LiveLexicalIndex:
    """The lexical leg of one store, caught up with it on every call to ``current()``.

    A merge starts once the delta and the deleted chunks together pass ``merge_share`` of the
    index (and at least ``merge_min`` chunks); it runs in a background thread, or at once with
    ``settle()`` (an ingest that exits afterwards)."""

    def __init__(self, store: ChunkStore, folder: Path, merge_share: float = 0.05, merge_min: int = 1000) -> None:
        self.store = store
        self.folder = folder
        self.merge_share = merge_share
        self.merge_min = merge_min
        self._lock = threading.Lock()
        self._main: LexicalIndex | None = None
        self._main_ids: set[str] = set()
        self._delta: dict[str, DeltaDoc] = {}
        self._snapshot: LexicalSnapshot | None = None
        self._merge: threading.Thread | None = None

    def current(self) -> LexicalSnapshot:
        revision = self.store.refresh()
        snapshot = self._snapshot
        if snapshot is not None and snapshot.revision == revision:
            return snapshot
        with self._lock:
            if self._snapshot is not None and self._snapshot.revision == revision:
                return self._snapshot
            main = self._main
            if main is None:  # the first call of a process: load the saved index, else build it
                main = LexicalIndex.load(self.folder) or self._build()
                self._use(main)
            if main.store_id != self.store.collection_id or main.revision > revision:
                main = self._build()  # an index of an earlier store of the same name, deleted since
                self._use(main)
            self._catch_up(main, revision)
            freqs: Counter[str] = Counter()
            for doc in self._delta.values():
                freqs.update(doc.terms.keys())
            stale = max(0, len(main.ids) + len(self._delta) - self.store.count())
            self._snapshot = LexicalSnapshot(main, dict(self._delta), freqs, revision, stale, self.store)
            if len(self._delta) + stale >= max(self.merge_min, self.merge_share * len(main.ids)):
                self._start_merge()
            return self._snapshot

    def settle(self) -> LexicalSnapshot:
        """Caught up, with any merge the delta calls for finished and saved."""
        self.current()
        merge = self._merge
        if merge is not None:
            merge.join()
        return self.current()

    def _catch_up(self, main: LexicalIndex, revision: int) -> None:
        if main.revision == revision:
            self._delta = {}
            return
        written = self.store.ids_written_since(main.revision - WRITE_SLACK) - self._main_ids
        self._delta = {i: doc for i, doc in self._delta.items() if i in written}
        fresh = sorted(written - self._delta.keys())
        for chunk in self.store.get(fresh):
            terms = analyze(chunk.search_text)
            self._delta[chunk.id] = DeltaDoc(Counter(terms), len(terms), _filter_fields(chunk))

    def _use(self, index: LexicalIndex) -> None:
        self._main, self._main_ids, self._delta, self._snapshot = index, set(index.ids), {}, None

    def _build(self) -> LexicalIndex:
        index = LexicalIndex.build(self.store)
        index.save(self.folder)
        return index

    def _start_merge(self) -> None:
        if self._merge is not None and self._merge.is_alive():
            return
        self._merge = threading.Thread(target=self._merged, name="lexical-merge", daemon=True)
        self._merge.start()

    def _merged(self) -> None:
        seen = self._main.revision if self._main is not None else -1
        saved = LexicalIndex.load(self.folder)  # another process sharing the store may have merged already
        try:
            index = saved if saved is not None and saved.revision > seen else self._build()
        except Exception:  # the store is unreachable: keep serving the index and delta in hand
            logger.exception("merging the lexical index failed; it is retried after the next write")
            return
        with self._lock:
            self._use(index)
