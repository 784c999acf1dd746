"""The refusal model's fit, on evidence drawn for the purpose (the real fit runs in `make calibrate`)."""

import json

import numpy as np

from assistant.evidence import Evidence
from eval.calibrate import NAME_RARITY_FLOORS, TARGET_WRONGLY_REFUSED, Case, fit, question_line
from eval.harness import QAItem


def case(
    rng: np.random.Generator, domain: str, answerable: bool, close: bool, name_rarity: float | None, cross: bool = False
) -> Case:
    cosine = rng.normal(0.88 if close else 0.82, 0.02)
    coverage = float(np.clip(rng.normal(0.7 if close else 0.3, 0.1), 0, 1))
    asks_name = name_rarity is not None
    evidence = Evidence(cosine, coverage, coverage, coverage, True, 0.5, 0.5, asks_name, cross, name_rarity=name_rarity)
    # Each question its own article: the floor is chosen on halves of the articles.
    article = f"a{rng.integers(1 << 30)}"
    item = QAItem(id=article, question="?", lang="ar", answers=["x"] if answerable else [], unanswerable=not answerable)
    return Case(domain, item, [], 0, evidence, cross)


def cross_lingual(rng: np.random.Generator) -> list[Case]:
    """English questions over the Arabic archive: the fit wants some; without near misses among
    them no name floor is set on their side."""
    return [case(rng, "wiki", i % 2 == 0, i % 2 == 0, None, cross=True) for i in range(100)]


def test_the_fit_finds_the_name_floor_that_refuses_near_misses_and_keeps_the_operating_point():
    rng = np.random.default_rng(0)
    cases = []
    for domain in ("news", "wiki"):
        cases += [case(rng, domain, True, True, None) for _ in range(140)]
        cases += [case(rng, domain, True, True, rng.uniform(0.7, 1.0)) for _ in range(60)]  # who, named
        cases += [case(rng, domain, False, False, None) for _ in range(150)]  # off topic
    # Near misses as close as the answers, offering a common word where a who-question wants a name.
    near_misses = [case(rng, "news", False, True, rng.uniform(0.4, 0.55)) for _ in range(30)]
    model = fit(cases + near_misses + cross_lingual(rng))
    assert model.name_rarity_floor == NAME_RARITY_FLOORS[2] == 0.55  # the lowest floor that catches them all
    assert model.name_rarity_floor_cross == 0.0
    assert not any(model.answers(c.evidence) for c in near_misses)
    answerable = [c for c in cases if not c.item.unanswerable]
    refused = sum(not model.answers(c.evidence) for c in answerable) / len(answerable)
    assert abs(refused - TARGET_WRONGLY_REFUSED) < 0.02
    assert sum(model.answers(c.evidence) for c in cases if c.item.unanswerable) < 30  # most off-topic refused too


def test_without_near_misses_no_floor_is_set():
    rng = np.random.default_rng(1)
    cases = [case(rng, "wiki", True, True, rng.uniform(0.4, 1.0)) for _ in range(200)]
    cases += [case(rng, "wiki", False, False, None) for _ in range(200)]
    assert fit(cases + cross_lingual(rng)).name_rarity_floor == 0.0  # a floor would only refuse answers


def test_each_side_fits_its_own_name_floor():
    """English who-questions whose span, translated, is common words (the near miss) get a floor
    of their own; the same-language side, without such near misses, keeps none."""
    rng = np.random.default_rng(2)
    cases = [case(rng, "wiki", True, True, None) for _ in range(150)]
    cases += [case(rng, "wiki", False, False, None) for _ in range(150)]
    cases += [case(rng, "wiki", True, True, rng.uniform(0.75, 1.0), cross=True) for _ in range(80)]
    cases += [case(rng, "wiki", False, False, None, cross=True) for _ in range(80)]
    near_misses = [case(rng, "news", False, True, rng.uniform(0.3, 0.6), cross=True) for _ in range(20)]
    model = fit(cases + near_misses)
    assert model.name_rarity_floor == 0.0
    assert model.name_rarity_floor_cross == 0.6  # the lowest of NAME_RARITY_FLOORS above every near miss
    assert not any(model.answers(c.evidence) for c in near_misses)


def test_each_questions_line_keeps_its_outcome_and_not_its_text():
    row = {
        "id": "newsdev-017",
        "domain": "news",
        "lang": "ar",
        "unanswerable": True,
        "near_miss": True,
        "answered": False,
        "contains": False,
        "f1": 0.0,
        "short_answer": "",
        "question": "متى …؟",
        "answer": "…",
    }
    line = question_line(row)
    assert line.endswith("\n") and json.loads(line) == {k: v for k, v in row.items() if k not in ("question", "answer")}
