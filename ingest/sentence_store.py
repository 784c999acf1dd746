"""Sentence vectors by content hash, in a Chroma collection beside the chunks.

Computed once, at ingest, so that choosing the answering sentence at question time costs dot
products, not a model call. A stored vector is the sentence read in its chunk (pooled from the
chunk's forward pass) plus, by default, the sentence embedded alone: within its article the
question's nearest sentence then holds the gold answer in 0.558 of news-dev's questions and 0.676
of XQuAD's (alone: 0.337 and 0.652; in context only: 0.495 and 0.544, for about half the model
time at ingest: `AKHBAR_SENTENCE_VECTORS=in-context`).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence

import numpy as np

from ingest.store import ChunkStore

EmbedPassages = Callable[[Sequence[str]], np.ndarray]
# The version of what stored vectors are; caches of ingested collections (the eval harness's) are keyed by it.
VECTORS_KIND = "sentences-2"
GET_PAGE = 500  # ids per Chroma get: its SQLite side binds each id as a parameter


def sentence_id(sentence: str) -> str:
    return hashlib.sha1(sentence.encode("utf-8")).hexdigest()[:24]


class SentenceVectors:
    """Reads what ingest stored; what it did not (an older store, the words of a question) is
    embedded and kept in memory only: a query never writes to Chroma, which another process
    (an ingest, a second server) may be writing."""

    def __init__(self, store: ChunkStore, embed: EmbedPassages, cache_size: int = 20_000) -> None:
        self.store = store  # its sentence collection is looked up at each use: a refresh reopens it
        self.embed = embed
        self.cache_size = cache_size
        self._computed: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()  # API requests arrive on a thread pool

    def vectors(self, sentences: Sequence[str]) -> np.ndarray:
        """One L2-normalised vector a sentence, in order."""
        if not sentences:
            return np.zeros((0, 0), np.float32)
        found = self._stored(sentences)
        with self._lock:
            found |= {i: self._computed[i] for i in map(sentence_id, sentences) if i in self._computed}
        missing = [s for s in dict.fromkeys(sentences) if sentence_id(s) not in found]
        if missing:
            computed = dict(zip(map(sentence_id, missing), np.asarray(self.embed(missing), dtype=np.float32)))
            found |= computed
            with self._lock:
                self._computed.update(computed)
                while len(self._computed) > self.cache_size:
                    self._computed.popitem(last=False)
        return np.stack([found[sentence_id(s)] for s in sentences])

    def keep(self, sentences: Sequence[str], in_context: np.ndarray, alone_too: bool) -> int:
        """Store the vectors of the sentences not stored yet (ingest's side); returns how many were
        new. ``in_context`` comes from their chunks' own forward pass (ingest.part_vectors); with
        ``alone_too`` each new sentence is also embedded by itself and the two vectors summed."""
        found = self._stored(sentences)
        new: dict[str, tuple[str, np.ndarray]] = {}
        for sentence, vector in zip(sentences, in_context):
            if (key := sentence_id(sentence)) not in found:
                new.setdefault(key, (sentence, vector))
        if not new:
            return 0
        vectors = np.stack([v for _, v in new.values()])
        if alone_too:
            vectors = vectors + np.asarray(self.embed([s for s, _ in new.values()]), dtype=np.float32)
            vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
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
