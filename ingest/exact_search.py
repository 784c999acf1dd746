"""Exact nearest neighbours over a store's own vectors, for archives that fit in memory.

Chroma's HNSW index is approximate, and a local store rebuilds the part of it written since its
last save each time it is opened, differently each time: one process's 40 nearest chunks are not
another's (30 probes at k = 40 over news-dev's 3,752 chunks, three processes: three different
sets, 0.990-0.993 of the true nearest). A dot product over every vector costs milliseconds at a hundred thousand chunks,
always finds the nearest, and finds the same ones in every process.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from threadpoolctl import ThreadpoolController

Where = dict[str, Any]
# On one thread: OpenBLAS's threads spin on after a product, taking the cores from the query's
# embedding that follows (ONNX Runtime: 25 ms a question instead of 10 on 2 cores). 94,000 chunks
# cost 7 ms on one thread.
_BLAS = ThreadpoolController()


class ExactIndex:
    """Every vector of a collection in one matrix, rows in id order, kept in step with the store's
    revision: writes since the last look (by this process or another) are fetched, deletions dropped."""

    def __init__(
        self,
        revision: Callable[[], int],
        all_ids: Callable[[Where | None], Sequence[str]],
        ids_written_since: Callable[[int], set[str]],
        vectors: Callable[[Sequence[str]], dict[str, np.ndarray]],
    ) -> None:
        """``all_ids(where)`` lists the stored ids ``where`` admits (all for None),
        ``ids_written_since(revision)`` those written at or after it, ``vectors(ids)`` their embeddings."""
        self._revision, self._all_ids = revision, all_ids
        self._written_since, self._vectors = ids_written_since, vectors
        self._lock = threading.Lock()
        self._seen: int | None = None
        self._ids: list[str] = []
        self._matrix = np.zeros((0, 0), dtype=np.float32)

    @property
    def loaded(self) -> int:
        """How many vectors are held in memory."""
        return len(self._ids)

    def search(self, vector: np.ndarray, n: int, where: Where | None = None) -> list[tuple[str, float]]:
        """The ``n`` stored ids nearest to ``vector`` (cosine, the vectors being unit length) that
        ``where`` admits, nearest first (equal scores in id order): the same in every process."""
        ids, matrix = self._current()
        if not ids or n <= 0:
            return []
        with _BLAS.limit(limits=1, user_api="blas"):
            scores = matrix @ vector.astype(np.float32)
        if where:
            admitted = set(self._all_ids(where))
            scores = np.where([i in admitted for i in ids], scores, -np.inf)
        n = min(n, len(ids))
        top = np.argpartition(-scores, n - 1)[:n]  # a full sort of 100,000 scores costs 10 ms, this 0.2
        order = top[np.lexsort((top, -scores[top]))]
        return [(ids[i], float(scores[i])) for i in order if np.isfinite(scores[i])]

    def _current(self) -> tuple[list[str], np.ndarray]:
        with self._lock:
            revision = self._revision()
            if revision != self._seen:
                self._catch_up(revision)
            return self._ids, self._matrix

    def _catch_up(self, revision: int) -> None:
        stored = set(self._all_ids(None))
        rewritten = self._written_since(self._seen) if self._seen is not None else set()
        kept = {i: row for i, row in zip(self._ids, self._matrix) if i in stored and i not in rewritten}
        kept |= self._vectors(sorted(stored - kept.keys()))
        self._ids = sorted(kept)
        self._matrix = np.array([kept[i] for i in self._ids], dtype=np.float32).reshape(len(self._ids), -1)
        self._seen = revision
