"""The harness end to end on a small slice: the sample article and its hand-written QA set."""

import json
from pathlib import Path

from conftest import NEAR_TOPIC, REPO, SAMPLE, XQUAD, run_cli

from eval.harness import evaluate, load_qa
from ingest.filters import SearchFilters

QA = REPO / "eval" / "qa" / "sample.jsonl"


def test_sample_slice_scores(settings, assistant):
    report = evaluate(settings, [QA], [SAMPLE], ks=(1, 5), progress=False, assistant=assistant)
    scores = report["systems"]["akhbar-hybrid"]["all"]
    assert scores["questions"] == len(load_qa([QA])) == 11
    assert scores["retrieval"]["recall@5"] == 1.0  # one article: every answerable question finds it
    assert scores["refusal"] == {"unanswerable_refused": 1.0, "answerable_refused": 0.0}
    assert scores["citations"]["dangling"] == 0 and scores["citations"]["answers_with_citation"] == 1.0
    assert report["ingest"]["articles"] == 1 and set(report["versions"]) >= {"chromadb", "torch"}
    assert set(report["systems"]["akhbar-hybrid"]["by_lang"]) == {"ar", "en"}


def test_cli_writes_the_three_reports_with_the_baselines(settings, tmp_path: Path):
    """`make eval-xquad`'s path (`--baselines`, the naive LangChain pipeline included) from the
    declared dependencies, in a subprocess with a clean environment."""
    out = tmp_path / "out"
    result = run_cli(
        "eval",
        "--qa",
        str(QA),
        "--corpus",
        str(SAMPLE),
        "--limit",
        "3",
        "--k",
        "1,3",
        "--out",
        str(out),
        "--baselines",
        settings=settings,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads((out / "report.json").read_text())
    assert set(report["systems"]) == {"akhbar-hybrid", "akhbar-dense", "bm25-only", "langchain-naive"}
    assert report["config"]["ks"] == [1, 3] and report["config"]["questions"] == 3
    assert (out / "recall_at_k.png").stat().st_size > 1000
    assert "| akhbar-hybrid | all | 3 |" in result.stdout


def test_a_missing_corpus_or_qa_file_is_named_and_nothing_is_scored(settings, tmp_path: Path):
    """Before, a mistyped --corpus was skipped and the questions scored 0.000 over an empty archive."""
    out = tmp_path / "out"
    missing = tmp_path / "xquad-ar-articles.jsonl"
    result = run_cli("eval", "--qa", str(QA), "--corpus", str(missing), "--out", str(out), settings=settings)
    assert result.returncode == 2 and not out.exists()
    assert result.stderr == f"akhbar: error: no such file or folder: {missing}; nothing was scored\n"
    result = run_cli("eval", "--qa", str(missing), "--out", str(out), settings=settings)
    assert result.returncode == 2 and str(missing) in result.stderr and not out.exists()


def test_a_held_out_article_leaves_both_legs_and_its_question_is_refused(settings, assistant, tmp_path: Path):
    qa = tmp_path / "qa.jsonl"
    item = {"id": "tran", "question": NEAR_TOPIC, "lang": "ar", "article_id": "xquad-yuan_dynasty"}
    qa.write_text(json.dumps(item, ensure_ascii=False) + "\n", encoding="utf-8")
    corpus = tmp_path / "xquad-slice.jsonl"  # the article, its Mongol neighbour and an unrelated one
    corpus.write_text(
        "".join(line for line in XQUAD.read_text(encoding="utf-8").splitlines(keepends=True) if _in_slice(line)),
        encoding="utf-8",
    )
    report = evaluate(settings, [qa], [corpus], ks=(1, 5), progress=False, assistant=assistant, hold_out_every=1)
    row = report["systems"]["akhbar-hybrid"]["rows"][0]
    assert report["config"]["hold_out_every"] == 1 and report["ingest"]["articles"] == 3
    assert row["unanswerable"] and not any(row["article_hits"])  # deleted from both legs
    assert not row["answered"]


def test_the_mongol_neighbour_does_not_answer_for_the_yuan_article(archive):
    """Filtered out of the 49-article archive (not deleted), the Yuan article's question is refused too."""
    answer = archive.ask(NEAR_TOPIC, filters=SearchFilters(exclude_articles=frozenset({"xquad-yuan_dynasty"})))
    assert not answer.answered, answer.text


def _in_slice(line: str) -> bool:
    return json.loads(line)["id"] in {"xquad-yuan_dynasty", "xquad-genghis_khan", "xquad-kenya"}
