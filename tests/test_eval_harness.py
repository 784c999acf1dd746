"""The harness end to end on a small slice: the sample article and its hand-written QA set."""

import json
from pathlib import Path

from conftest import REPO, SAMPLE, run_cli

from eval.harness import evaluate, load_qa

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


def test_cli_writes_the_three_reports(settings, tmp_path: Path):
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
        settings=settings,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads((out / "report.json").read_text())
    assert report["config"]["ks"] == [1, 3] and report["config"]["questions"] == 3
    assert (out / "recall_at_k.png").stat().st_size > 1000
    assert "| akhbar-hybrid | all | 3 |" in result.stdout
