"""BM25 over the stored chunks with the Arabic analyzer, persisted next to the Chroma data.

The index is rebuilt from Chroma (the source of truth) whenever the store's revision
moved, so ingest, re-ingest and deletes never leave the two legs out of step.
"""

from __future__ import annotations

import json
import logging
import math
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import bm25s
import numpy as np

from ingest.arabic import WORD, analyze, normalize_arabic
from ingest.filters import SearchFilters
from ingest.store import ChunkStore
from ingest.transliteration import NameLexicon

FORMAT = 2  # bump when the analyzer or the name lexicon changes: older saved indexes are rebuilt
logging.getLogger("bm25s").setLevel(logging.WARNING)


@dataclass
class LexicalIndex:
    ids: list[str]
    metadata: list[dict[str, Any]]
    revision: int
    bm25: bm25s.BM25 | None
    names: NameLexicon
    _doc_freqs: np.ndarray | None = field(default=None, repr=False)

    @classmethod
    def build(cls, store: ChunkStore) -> LexicalIndex:
        revision = store.revision
        ids, metadata, corpus = [], [], []
        words: set[str] = set()
        for chunk in store.scan():
            ids.append(chunk.id)
            metadata.append({k: v for k, v in chunk.meta.filter_fields.items() if v is not None})
            text = chunk.search_text
            corpus.append(analyze(text))
            words.update(w for w in WORD.findall(normalize_arabic(text)) if "\u0600" <= w[0] <= "\u06ff")
        bm25 = None
        if ids:
            bm25 = bm25s.BM25()
            bm25.index(corpus, show_progress=False)
        return cls(ids, metadata, revision, bm25, NameLexicon.from_words(words))

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex | None:
        """The saved index, or None when there is none or it was built by an older analyzer or lexicon."""
        sidecar = folder / "chunks.json"
        if not sidecar.is_file():
            return None
        data = json.loads(sidecar.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            return None
        bm25 = bm25s.BM25.load(str(folder / "bm25")) if data["ids"] else None
        names = NameLexicon({key: [(w, s) for w, s in pairs] for key, pairs in data["names"].items()})
        return cls(data["ids"], data["metadata"], data["revision"], bm25, names)

    def save(self, folder: Path) -> None:
        partial = folder.with_name(folder.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        if self.bm25 is not None:
            self.bm25.save(str(partial / "bm25"))
        payload = {
            "format": FORMAT,
            "ids": self.ids,
            "metadata": self.metadata,
            "revision": self.revision,
            "names": self.names.entries,
        }
        (partial / "chunks.json").write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        shutil.rmtree(folder, ignore_errors=True)
        partial.replace(folder)

    def search(self, query: str, n: int, filters: SearchFilters | None = None) -> list[tuple[str, float]]:
        """Up to ``n`` (chunk id, BM25 score) pairs, best first; only positive scores."""
        terms = analyze(query)
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

    def idf(self, term: str) -> float:
        """Lucene's idf; a term the archive lacks gets the highest."""
        if self._doc_freqs is None:
            self._doc_freqs = np.diff(self.bm25.scores["indptr"]) if self.bm25 is not None else np.zeros(0)
        vocab = self.bm25.vocab_dict if self.bm25 is not None else {}
        df = int(self._doc_freqs[vocab[term]]) if term in vocab else 0
        return math.log(1 + (len(self.ids) - df + 0.5) / (df + 0.5))


def synced_index(store: ChunkStore, folder: Path) -> LexicalIndex:
    """The persisted index if it matches the store's revision, else a fresh one (saved)."""
    index = LexicalIndex.load(folder)
    if index is not None and index.revision == store.revision:
        return index
    index = LexicalIndex.build(store)
    index.save(folder)
    return index
