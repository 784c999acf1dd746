import json
from pathlib import Path

from conftest import make_passage

from assistant.records import Answer, Citation
from eval import metrics
from eval.harness import QAItem, aggregate, score_item
from eval.report import write_reports


def test_normalisation_cases_match():
    assert metrics.normalize_answer("الْمُعَارَضَةُ!") == "معارضه"
    assert metrics.exact_match("أبو محمد الجولاني.", ["ابو محمد جولاني"]) == 1.0
    assert metrics.exact_match("حلب", ["دمشق"]) == 0.0


def test_f1_and_contains():
    assert metrics.token_f1("في حلب", ["حلب"]) == 2 * (0.5 * 1.0) / 1.5
    assert metrics.token_f1("دمشق", ["حلب", "دمشق"]) == 1.0
    assert metrics.token_f1("x", ["y"]) == 0.0
    assert metrics.contains_gold("عقدت الجماعة اجتماعاً في حلب.", ["حلب"])
    assert not metrics.contains_gold("حلبة السباق", ["حلب"])  # whole words only


def test_ranking_metrics_perfect_and_wrong():
    assert metrics.recall_at_k([True, False], 1) == 1.0
    assert metrics.recall_at_k([False, True], 1) == 0.0
    assert metrics.mrr_at_k([False, True]) == 0.5
    assert metrics.mrr_at_k([False] * 10) == 0.0
    assert metrics.ndcg_at_k([True, False, False]) == 1.0
    assert round(metrics.ndcg_at_k([False, True]), 4) == round(1 / __import__("math").log2(3), 4)
    assert metrics.dangling_citations("a [1] b [3]", [1, 2]) == 1


def test_aggregate_perfect_run_scores_one_and_wrong_run_zero(tmp_path: Path):
    item = QAItem(id="q", question="أين؟", lang="ar", answers=["حلب"], article_id="a1")
    unanswerable = QAItem(id="u", question="?", lang="en", unanswerable=True)
    good = make_passage("الاجتماع في حلب.")
    right = Answer("الاجتماع في حلب. [1]", "ar", [Citation.of(1, good, good.text)], [good])
    refused = Answer("no", "en", [], [make_passage("x")], answered=False)
    wrong = Answer("دمشق [1]", "ar", [Citation.of(1, make_passage("دمشق"), "دمشق")], [make_passage("دمشق", "a2")])
    perfect = aggregate([score_item(item, right, 0.1), score_item(unanswerable, refused, 0.2)], [1, 5])
    assert perfect["retrieval"]["recall@1"] == perfect["retrieval"]["mrr@10"] == 1.0
    assert perfect["answers"]["contains_gold"] == 1.0
    assert perfect["citations"]["precision"] == perfect["citations"]["recall"] == 1.0
    assert perfect["refusal"] == {"unanswerable_refused": 1.0, "answerable_refused": 0.0}
    assert perfect["citations"]["dangling"] == 0
    bad = aggregate([score_item(item, wrong, 0.1)], [1, 5])
    assert bad["retrieval"]["recall@5"] == bad["answers"]["f1"] == bad["citations"]["precision"] == 0.0

    report = {"config": {"ks": [1, 5]}, "ingest": {}, "systems": {"x": {"all": perfect, "by_lang": {"ar": perfect}}}}
    paths = write_reports(report, tmp_path)
    assert [p.name for p in paths if p.stat().st_size > 0] == ["report.json", "report.md", "recall_at_k.png"]
    loaded = json.loads(paths[0].read_text())
    assert set(loaded["systems"]["x"]["all"]) == {
        "questions",
        "retrieval",
        "answers",
        "citations",
        "refusal",
        "latency_s",
    }
    assert "| x | ar | 2 | 1.000 |" in paths[1].read_text()


def test_the_short_answer_is_what_em_and_f1_score():
    item = QAItem(id="q", question="أين عقد الاجتماع؟", lang="ar", answers=["حلب"], article_id="a1")
    passage = make_passage("عقد الاجتماع في مدينة حلب.")
    cited = [Citation.of(1, passage, passage.text)]
    short = Answer(
        "الجواب: مدينة حلب [1]", "ar", cited, [passage], short_answer="مدينة حلب", answer_sentence=passage.text
    )
    exact = Answer("الجواب: حلب [1]", "ar", cited, [passage], short_answer="حلب", answer_sentence=passage.text)
    lead = Answer(
        "الجواب: الاجتماع [1]", "ar", cited, [passage], short_answer="الاجتماع", answer_sentence="عقد الاجتماع."
    )
    assert score_item(item, exact, 0.1)["em"] == 1.0
    assert score_item(item, short, 0.1)["em"] == 0.0 and round(score_item(item, short, 0.1)["f1"], 2) == 0.67
    assert score_item(item, short, 0.1)["contains"] and not score_item(item, lead, 0.1)["contains"]
