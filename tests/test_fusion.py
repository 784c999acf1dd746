import numpy as np

from assistant.retrieval import collapse, keep_leaders, reciprocal_rank_fusion
from ingest.chunking import ChunkMeta
from ingest.store import StoredChunk


def test_rrf_sums_weighted_reciprocal_ranks():
    fused = dict(reciprocal_rank_fusion([["a", "b"], ["b", "c"]], k=60, weights=[1.0, 0.5]))
    assert fused["b"] == 1 / 62 + 0.5 / 61
    assert fused["a"] == 1 / 61
    assert list(fused) == ["b", "a", "c"]


def test_a_legs_first_hit_reaches_the_top_k():
    dense = ["d1", "d2", "d3", "d4", "d5"]
    lexical = ["name-match", "d5"]
    fused = reciprocal_rank_fusion([dense, lexical], k=60, weights=[1.0, 0.2])
    assert [i for i, _ in fused[:3]] == ["d5", "d1", "d2"]  # "name-match" fused to last
    kept = [i for i, _ in keep_leaders(fused, [dense, lexical], k=3)]
    assert kept[:3] == ["d5", "d1", "name-match"]
    assert sorted(kept) == sorted(i for i, _ in fused)


def test_leaders_already_in_the_top_k_stay_put():
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["b", "a"]])
    assert keep_leaders(fused, [["a", "b", "c"], ["b", "a"]], k=2) == fused
    assert keep_leaders(fused, [[], []], k=1) == fused


def stored(chunk_id: str, article_id: str, vector: list[float]) -> StoredChunk:
    unit = np.asarray(vector, dtype=np.float32) / np.linalg.norm(vector)
    return StoredChunk(
        chunk_id, f"text of {chunk_id}", ChunkMeta(article_id, source=f"outlet {article_id}"), None, unit
    )


def test_wire_copies_collapse_into_the_best_ranked_passage():
    candidates = [
        (stored("c1", "a1", [1, 0, 0]), 0.9, 0.8, None),
        (stored("c2", "a2", [1, 0.01, 0]), 0.8, 0.79, None),  # the same story from another outlet
        (stored("c3", "a3", [0, 1, 0]), 0.7, 0.5, None),
        (stored("c4", "a3", [0, 1, 0.01]), 0.6, 0.5, None),  # same article: not a duplicate of c3
    ]
    passages = collapse(candidates, k=3, duplicate_cosine=0.97)
    assert [p.chunk_id for p in passages] == ["c1", "c3", "c4"]
    assert [d.source for d in passages[0].duplicates] == ["outlet a2"] and passages[1].duplicates == ()


def test_a_copy_ranked_past_k_still_joins_its_kept_passage():
    candidates = [(stored("c1", "a1", [1, 0]), 0.9, 0.8, None), (stored("c2", "a2", [0, 1]), 0.8, 0.7, None)]
    candidates.append((stored("c3", "a3", [1, 0.001]), 0.1, 0.8, None))
    passages = collapse(candidates, k=2, duplicate_cosine=0.97)
    assert [p.chunk_id for p in passages] == ["c1", "c2"] and passages[0].duplicates[0].article_id == "a3"
