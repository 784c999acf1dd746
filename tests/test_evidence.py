"""The refusal model and its evidence, on plain values (no model)."""

import json
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.evidence import DEFAULT_MODEL, FEATURES, Evidence, RefusalModel, weighted_coverage


def evidence(cosine: float, coverage: float, anchors: float, cross: bool = False) -> Evidence:
    return Evidence(cosine, coverage, coverage, anchors, True, 0.5, 0.6, True, cross)


def test_weighted_coverage_counts_rare_terms_more():
    terms = {"خراسان": 5.0, "اجتماع": 1.0}
    assert weighted_coverage(terms, frozenset({"خراسان"})) == pytest.approx(5 / 6)
    assert weighted_coverage(terms, frozenset({"اجتماع"})) == pytest.approx(1 / 6)
    assert weighted_coverage({}, frozenset({"x"})) == 0.0


def test_the_bundled_model_refuses_a_passage_without_the_questions_specific_words():
    model = RefusalModel.load(DEFAULT_MODEL)
    answering = evidence(0.88, 0.9, 1.0)
    near_miss = evidence(0.88, 0.2, 0.0)  # as close in meaning, none of the question's names or dates
    assert model.probability(answering) > model.probability(near_miss)
    assert model.answers(answering) and not model.answers(near_miss)


def test_a_who_question_is_answered_only_by_a_span_holding_a_rare_word():
    model = replace(RefusalModel.load(DEFAULT_MODEL), name_rarity_floor=0.6)
    close = evidence(0.92, 1.0, 1.0)  # as close and as covered as any answer
    assert model.answers(replace(close, name_rarity=0.9))  # "فوزي البنزرتي"
    assert not model.answers(replace(close, name_rarity=0.52))  # "الفيلم" for the best actor
    assert not model.answers(replace(close, name_rarity=0.0, has_span=False))  # no span at all
    assert model.answers(replace(close, name_rarity=None))  # not a who-question
    assert replace(model, name_rarity_floor=0.0).answers(replace(close, name_rarity=0.52))


def test_each_side_has_its_own_name_floor():
    """An English who-question's span is read across scripts: its floor is fitted apart."""
    model = replace(RefusalModel.load(DEFAULT_MODEL), name_rarity_floor=0.0, name_rarity_floor_cross=0.7)
    across = replace(evidence(0.92, 1.0, 1.0), cross_lingual=True)
    assert model.answers(replace(across, name_rarity=0.8))  # "دار سوذبي"
    assert not model.answers(replace(across, name_rarity=0.49))  # "فرز الأصوات" for who won the run-off
    assert model.answers(replace(evidence(0.92, 1.0, 1.0), name_rarity=0.49))  # the other side's floor is 0


def test_a_count_question_is_never_answered_by_a_sentence_without_a_number():
    model = RefusalModel.load(DEFAULT_MODEL)
    close = replace(evidence(0.92, 1.0, 1.0), asks_count=True)
    assert model.answers(close) and not model.answers(replace(close, has_span=False, span_fit=0.0))


def test_the_threshold_setting_moves_the_operating_point():
    strict = RefusalModel.load(DEFAULT_MODEL, threshold=0.99)
    lenient = RefusalModel.load(DEFAULT_MODEL, threshold=0.01)
    borderline = evidence(0.86, 0.5, 0.5)
    assert not strict.answers(borderline) and lenient.answers(borderline)


def test_a_broken_model_file_names_itself_and_the_fix(tmp_path: Path):
    broken = tmp_path / "model.json"
    floors = {"name_rarity_floor": 0.6, "name_rarity_floor_cross": 0.0}
    broken.write_text(json.dumps({"same": [1.0], "cross": [1.0], "threshold": 0.5, **floors}))
    with pytest.raises(ValueError, match=f"expected {len(FEATURES) + 1} weights"):
        RefusalModel.load(broken)
    with pytest.raises(ValueError, match="make calibrate"):
        RefusalModel.load(tmp_path / "missing.json")
    older = tmp_path / "older.json"  # from before the name-rarity floor
    older.write_text(json.dumps({"same": [1.0] * 9, "cross": [1.0] * 9, "threshold": 0.5}))
    with pytest.raises(ValueError, match=f"{older}: not a refusal model .*name_rarity_floor.*make calibrate"):
        RefusalModel.load(older)
    no_cross_floor = tmp_path / "no-cross-floor.json"  # from before the cross-lingual name floor
    weights = {"same": [1.0] * 9, "cross": [1.0] * 9, "threshold": 0.5}
    no_cross_floor.write_text(json.dumps({**weights, "name_rarity_floor": 0.6}))
    with pytest.raises(ValueError, match="name_rarity_floor_cross.*make calibrate"):
        RefusalModel.load(no_cross_floor)
