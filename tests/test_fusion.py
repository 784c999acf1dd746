from assistant.retrieval import keep_leaders, reciprocal_rank_fusion


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
