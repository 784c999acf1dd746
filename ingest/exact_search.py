"""Exact nearest neighbours over a store's own vectors, for archives that fit in memory.

Chroma's HNSW index is approximate, and a local store rebuilds the part of it written since its
last save each time it is opened, differently each time: one process's 40 nearest chunks are not
another's (30 probes at k = 40 over news-dev's 3,752 chunks, three processes: three different
sets, 0.990-0.993 of the true nearest). A dot product over every vector costs milliseconds at a hundred thousand chunks,
always finds the nearest, and finds the same ones in every process.
"""

from __future__ import annotations

import json
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
TIE = 1e-6
FILTERS_KEPT = 32  # filters whose admitted rows are held, the oldest dropped first (100 KB each at 100k chunks)


class ExactIndex:
    """Every vector of a collection in one matrix, kept in step with the store's revision: writes
    since the last look (by this process or another) are fetched and put in place, deletions dropped."""

    def __init__(
        self,
        revision: Callable[[], int],
        count: Callable[[], int],
        all_ids: Callable[[Where | None], Sequence[str]],
        ids_written_since: Callable[[int], set[str]],
        vectors: Callable[[Sequence[str]], dict[str, np.ndarray]],
    ) -> None:
        """``count()`` is how many ids are stored, ``all_ids(where)`` those ``where`` admits (all for
        None), ``ids_written_since(revision)`` those written at or after it, ``vectors(ids)`` their
        embeddings."""
        self._revision, self._count, self._all_ids = revision, count, all_ids
        self._written_since, self._vectors = ids_written_since, vectors
        self._lock = threading.Lock()
        self._seen: int | None = None
        self._ids: list[str] = []
        self._rows: dict[str, int] = {}
        self._matrix = np.zeros((0, 0), dtype=np.float32)
        # Which rows a filter admits, for the rows as they are: a dashboard asks the same dates again.
        self._admitted: dict[str, np.ndarray] = {}

    @property
    def loaded(self) -> int:
        """How many vectors are held in memory."""
        return len(self._ids)

    def search(self, vector: np.ndarray, n: int, where: Where | None = None) -> list[tuple[str, float]]:
        """The ``n`` stored ids nearest to ``vector`` (cosine, the vectors being unit length) that
        ``where`` admits, nearest first (equal scores in id order): the same in every process."""
        ids, matrix, admitted = self._current(where)
        if not ids or n <= 0:
            return []
        with _BLAS.limit(limits=1, user_api="blas"):
            scores = matrix @ vector.astype(np.float32)
        if admitted is not None:
            scores = np.where(admitted, scores, -np.inf)
        n = min(n, len(ids))
        nth = np.partition(scores, len(ids) - n)[len(ids) - n]  # a full sort of 100,000 scores costs 10 ms, this 0.2
        # Scores within TIE of each other are one score, ordered by id: the product of a row can differ
        # in its last bit with the row's place in the matrix, and that place is each process's own.
        near = np.flatnonzero((scores >= nth - TIE) & np.isfinite(scores))
        order = sorted(near, key=lambda i: (-round(float(scores[i]) / TIE), ids[i]))[:n]
        return [(ids[i], float(scores[i])) for i in order]

    def _current(self, where: Where | None) -> tuple[list[str], np.ndarray, np.ndarray | None]:
        with self._lock:
            revision = self._revision()
            if revision != self._seen:
                self._catch_up(revision)
            if not where:
                return self._ids, self._matrix, None
            key = json.dumps(where, sort_keys=True)
            if key not in self._admitted:
                if len(self._admitted) >= FILTERS_KEPT:  # a read-only archive never clears them
                    del self._admitted[next(iter(self._admitted))]
                admitted = set(self._all_ids(where))
                self._admitted[key] = np.fromiter((i in admitted for i in self._ids), bool, len(self._ids))
            return self._ids, self._matrix, self._admitted[key]

    def _catch_up(self, revision: int) -> None:
        if self._seen is None:
            self._replace(self._vectors(sorted(self._all_ids(None))))
        else:
            stored = self._count()  # before the writes are listed: a write between can only add to them
            written = self._vectors(sorted(self._written_since(self._seen)))
            if stored != len(self._rows) + len(written.keys() - self._rows.keys()):  # something was deleted
                kept = set(self._all_ids(None))
                self._keep(np.array([i in kept for i in self._ids], dtype=bool))
            self._put(written)
        self._admitted.clear()
        self._seen = revision

    def _replace(self, vectors: dict[str, np.ndarray]) -> None:
        self._ids = list(vectors)
        self._rows = {i: row for row, i in enumerate(self._ids)}
        self._matrix = np.array(list(vectors.values()), dtype=np.float32) if vectors else np.zeros((0, 0), np.float32)

    def _keep(self, rows: np.ndarray) -> None:
        self._ids = [i for i, kept in zip(self._ids, rows) if kept]
        self._rows = {i: row for row, i in enumerate(self._ids)}
        self._matrix = self._matrix[rows]

    def _put(self, vectors: dict[str, np.ndarray]) -> None:
        """Rewritten ids in their rows, new ones appended: a write costs its own rows and one copy."""
        new = {i: v for i, v in vectors.items() if i not in self._rows}
        for i, vector in vectors.items():
            if i in self._rows:
                self._matrix[self._rows[i]] = vector
        if not new:
            return
        if not self._ids:
            self._replace(new)
            return
        self._rows |= {i: row for row, i in enumerate(new, start=len(self._ids))}
        self._ids = [*self._ids, *new]  # a new list: a search under way holds the old one
        self._matrix = np.concatenate([self._matrix, np.array(list(new.values()), dtype=np.float32)])
