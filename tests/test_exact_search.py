"""Exact dense search: the true nearest chunks, the same in every process, in step with writes."""

from pathlib import Path

import numpy as np
import pytest

from ingest.articles import Article
from ingest.chunking import Chunk
from ingest.store import ChunkStore

DIMENSIONS = 384  # as e5-small's: in this many dimensions HNSW misses some of the nearest 40


def chunks(article_id: str, n: int) -> list[Chunk]:
    article = Article(article_id, f"عنوان {article_id}", [f"فقرة {i}" for i in range(n)])
    return [Chunk(f"{article_id}-{i}", article, f"فقرة {i}", i, i, i) for i in range(n)]


def unit(rng: np.random.Generator, n: int) -> np.ndarray:
    vectors = rng.normal(size=(n, DIMENSIONS))
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def exact(store: ChunkStore) -> ChunkStore:
    """Another client of the same folder, as another process opens it."""
    return ChunkStore(store.name, store.chroma_dir, exact_search_max_chunks=10_000)


def nearest_by_hand(store: ChunkStore, vector: np.ndarray, n: int) -> list[str]:
    stored = store.collection.get(include=["embeddings"])
    scores = np.asarray(stored["embeddings"]) @ vector
    return [stored["ids"][i] for i in np.argsort(-scores)[:n]]


@pytest.fixture
def store(tmp_path: Path) -> ChunkStore:
    store = ChunkStore("exact", tmp_path / "chroma", exact_search_max_chunks=10_000)
    rng = np.random.default_rng(7)
    for article in range(100):  # 3,000 chunks: past Chroma's brute-force buffer and first save
        batch = chunks(f"a{article:02d}", 30)
        store.add(batch, unit(rng, len(batch)))
    return store


def test_the_nearest_chunks_are_the_true_nearest_and_the_same_in_another_process(store: ChunkStore):
    probes = unit(np.random.default_rng(1), 10)
    first = [[c.id for c in store.query(p, 40)] for p in probes]
    assert first == [nearest_by_hand(store, p, 40) for p in probes]
    assert [[c.id for c in exact(store).query(p, 40)] for p in probes] == first
    hit = store.query(probes[0], 1)[0]
    assert hit.distance == pytest.approx(1 - float(hit.embedding @ probes[0]), abs=1e-5)  # type: ignore[operator]


def test_a_filter_admits_only_its_chunks(store: ChunkStore):
    hits = store.query(unit(np.random.default_rng(2), 1)[0], 50, {"article_id": "a03"})
    assert len(hits) == 30 and {c.meta.article_id for c in hits} == {"a03"}


def test_writes_from_another_client_are_searched_and_deletions_dropped(store: ChunkStore):
    probe = unit(np.random.default_rng(3), 1)[0]
    store.query(probe, 5)  # the vectors are loaded now
    writer = exact(store)
    writer.add(chunks("new", 1), probe[None, :])  # the probe itself: nearest of all
    assert store.query(probe, 1)[0].id == "new-0"
    writer.add(chunks("new", 1), -probe[None, :])  # rewritten: now the farthest
    assert store.query(probe, 1)[0].id != "new-0"
    writer.delete_article("a00")
    assert not any(c.meta.article_id == "a00" for c in store.query(probe, 3000))
    assert store.exact_index.loaded == 3000 - 30 + 1


def test_a_filter_sees_the_writes_made_after_it_was_first_asked(store: ChunkStore):
    probe = unit(np.random.default_rng(4), 1)[0]
    assert len(store.query(probe, 50, {"article_id": "a03"})) == 30
    exact(store).add(chunks("a03", 31)[30:], probe[None, :])  # one more chunk of a03, the probe itself
    hits = store.query(probe, 50, {"article_id": "a03"})
    assert len(hits) == 31 and hits[0].id == "a03-30"


def test_equal_scores_come_in_id_order(store: ChunkStore):
    probe = unit(np.random.default_rng(5), 1)[0]
    store.query(probe, 1)
    exact(store).add(chunks("tie", 3)[::-1], np.repeat(probe[None, :], 3, axis=0))  # written z-a
    assert [c.id for c in store.query(probe, 3)] == ["tie-0", "tie-1", "tie-2"]


def test_a_store_over_the_limit_is_searched_by_chromas_index(store: ChunkStore):
    approximate = ChunkStore(store.name, store.chroma_dir, exact_search_max_chunks=100)
    probe = store.collection.get(ids=["a05-3"], include=["embeddings"])["embeddings"][0]
    assert approximate.query(np.asarray(probe), 1)[0].id == "a05-3"
    assert approximate.exact_index.loaded == 0  # nothing held in memory


def test_the_count_follows_another_clients_writes_and_deletions(store: ChunkStore):
    other = exact(store)
    assert store.count() == other.count() == 3000
    other.add(chunks("b00", 5), unit(np.random.default_rng(3), 5))
    assert store.count() == 3005  # counted once more: the revision moved
    other.delete_article("b00")
    assert store.count() == 3000
