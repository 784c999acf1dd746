"""Sentence vectors by content hash, in a Chroma collection beside the chunks.

Computed once, at ingest, so that choosing the answering sentence at question time costs dot
products, not a model call: each sentence embedded alone (the default), or read in its chunk,
pooled from the chunk's own forward pass (`AKHBAR_SENTENCE_VECTORS=in-context`: about half the
model time at ingest; README, "Sentence vectors", has what each costs in answers).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence

import numpy as np

from ingest.store import ChunkStore

EmbedPassages = Callable[[Sequence[str]], np.ndarray]
GET_PAGE = 500  # ids per Chroma get: its SQLite side binds each id as a parameter


def sentence_id(sentence: str) -> str:
    return hashlib.sha1(sentence.encode("utf-8")).hexdigest()[:24]


class VectorCache:
    """Texts embedded on demand and kept in memory, the oldest dropped first when full;
    safe to share between the API's request threads."""

    def __init__(self, embed: EmbedPassages, cache_size: int) -> None:
        self.embed = embed
        self.cache_size = cache_size
        self._computed: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def vectors(self, texts: Sequence[str], found: dict[str, np.ndarray] | None = None) -> np.ndarray:
        """One vector a text, in order; ``found`` holds vectors already known, by ``sentence_id``."""
        if not texts:
            return np.zeros((0, 0), np.float32)
        found = dict(found or {})
        with self._lock:
            found |= {i: self._computed[i] for i in map(sentence_id, texts) if i in self._computed}
        missing = [t for t in dict.fromkeys(texts) if sentence_id(t) not in found]
        if missing:
            computed = dict(zip(map(sentence_id, missing), np.asarray(self.embed(missing), dtype=np.float32)))
            found |= computed
            with self._lock:
                self._computed.update(computed)
                while len(self._computed) > self.cache_size:
                    self._computed.popitem(last=False)
        return np.stack([found[sentence_id(t)] for t in texts])


class SentenceVectors:
    """Reads what ingest stored; what it did not (an older store, the words of a question) is
    embedded and kept in memory only: a query never writes to Chroma, which another process
    (an ingest, a second server) may be writing."""

    def __init__(self, store: ChunkStore, embed: EmbedPassages, cache_size: int = 20_000) -> None:
        self.store = store  # its sentence collection is looked up at each use: a refresh reopens it
        self.embed = embed
        self._computed = VectorCache(embed, cache_size)

    def vectors(self, sentences: Sequence[str]) -> np.ndarray:
        """One L2-normalised vector a sentence, in order."""
        return self._computed.vectors(sentences, found=self._stored(sentences))

    def ensure(self, sentences: Sequence[str], in_context: np.ndarray | None = None) -> int:
        """Store a vector for each sentence not stored yet (ingest's side); returns how many were
        new. Each is embedded alone, or taken from ``in_context``: the sentences' vectors pooled
        from their chunks' own forward pass (ingest.part_vectors)."""
        found = self._stored(sentences)
        new: dict[str, int] = {}
        for row, sentence in enumerate(sentences):
            if (key := sentence_id(sentence)) not in found:
                new.setdefault(key, row)
        if not new:
            return 0
        rows = list(new.values())
        if in_context is None:
            vectors = np.asarray(self.embed([sentences[row] for row in rows]), dtype=np.float32)
        else:
            vectors = in_context[rows]
        self.store.sentence_collection.upsert(ids=list(new), embeddings=vectors)
        return len(new)

    def _stored(self, sentences: Sequence[str]) -> dict[str, np.ndarray]:
        ids = list(dict.fromkeys(sentence_id(s) for s in sentences))
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(ids), GET_PAGE):
            result = self.store.sentence_collection.get(ids=ids[start : start + GET_PAGE], include=["embeddings"])
            embeddings = result["embeddings"]
            if embeddings is None:
                continue
            found |= {i: np.asarray(e, dtype=np.float32) for i, e in zip(result["ids"], embeddings)}
        return found
