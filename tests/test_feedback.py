"""Analysts' verdicts: stored from the API and the chat, exported as QA lines that `akhbar eval` scores."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import SAMPLE, SAMPLE_ID, run_cli
from fastapi.testclient import TestClient

from assistant.api import create_app
from assistant.conversation import to_json, to_markdown
from assistant.feedback import Feedback, FeedbackLog
from assistant.service import Assistant
from assistant.settings import Settings

CITATION = {"article_id": "a1", "passage": "أرسل التنظيم أكثر من 100 مقاتل إلى إدلب."}
ANSWERED = {"answered": True, "language": "ar", "short_answer": "100 مقاتل", "text": "…", "citations": [CITATION]}
REFUSED = {"answered": False, "language": "en", "text": "No answer in the archive.", "citations": [], "passages": []}


def test_verdicts_become_qa_lines_where_they_give_a_gold():
    question = "كم مقاتلا أرسل التنظيم؟"
    corrected = Feedback(question, "down", ANSWERED, correction="أكثر من 100 مقاتل").qa_line()
    assert corrected is not None and (corrected["answers"], corrected["article_id"]) == (["أكثر من 100 مقاتل"], "a1")
    confirmed = Feedback(question, "up", ANSWERED).qa_line()
    assert confirmed is not None and (confirmed["answers"], confirmed["article_id"]) == (["100 مقاتل"], "a1")
    agreed_refusal = Feedback("Who won the 2018 Nobel Peace Prize?", "up", REFUSED).qa_line()
    assert agreed_refusal is not None and agreed_refusal["unanswerable"] and agreed_refusal["lang"] == "en"
    assert Feedback(question, "down", ANSWERED).qa_line() is None  # wrong, but not what is right
    not_cited = Feedback(question, "down", ANSWERED, correction="مئتا مقاتل").qa_line()
    assert not_cited is not None and not_cited["article_id"] is None
    with pytest.raises(ValueError, match="rating"):
        Feedback(question, "meh", ANSWERED)


def test_the_log_keeps_every_verdict_and_exports_those_with_a_gold(tmp_path: Path):
    log = FeedbackLog(tmp_path / "feedback.jsonl")
    log.add(Feedback("كم؟", "up", ANSWERED))
    log.add(Feedback("كم؟", "down", ANSWERED))
    log.add(Feedback("\ud800 كم؟", "down", ANSWERED, correction="100"))  # a lone surrogate loses nothing
    assert [f.rating for f in log.read()] == ["up", "down", "down"]
    assert log.export_qa(tmp_path / "qa.jsonl") == (2, 1)
    assert len((tmp_path / "qa.jsonl").read_text(encoding="utf-8").splitlines()) == 2


def test_a_correction_round_trips_into_the_eval(assistant: Assistant, settings: Settings, tmp_path: Path):
    assistant.ingest([SAMPLE])
    client = TestClient(create_app(assistant))
    question = "كم مقاتلاً أرسل داعش لمؤازرة النصرة في إدلب؟"
    answer = client.post("/v1/ask", json={"question": question}).json()
    body = {"question": question, "rating": "down", "answer": answer, "correction": "أكثر من 100 مقاتل"}
    assert client.post("/v1/feedback", json=body).status_code == 200
    assert client.post("/v1/feedback", json={**body, "rating": "meh"}).status_code == 422

    qa = tmp_path / "qa.jsonl"
    exported = run_cli("feedback", "export", "--out", str(qa), settings=settings)
    assert exported.returncode == 0 and exported.stdout.startswith("1 QA lines written"), exported.stderr
    line = json.loads(qa.read_text(encoding="utf-8"))
    assert (line["question"], line["answers"], line["article_id"]) == (question, ["أكثر من 100 مقاتل"], SAMPLE_ID)

    out = tmp_path / "eval"
    arguments = ["eval", "--qa", str(qa), "--corpus", str(SAMPLE), "--k", "1,3", "--out", str(out)]
    scored = run_cli(*arguments, settings=settings)
    assert scored.returncode == 0, scored.stderr[-2000:]
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    row = report["systems"]["akhbar-hybrid"]["rows"][0]
    assert report["config"]["questions"] == 1 and row["question"] == question and any(row["article_hits"])


def test_a_conversation_exports_as_markdown_with_numbered_references_and_as_json():
    citation = {
        "n": 1,
        "headline": "«داعش» و«النصرة» يتحدان",
        "source": "وكالة فرانس برس",
        "date": "2014-11-13T06:11:00",
        "paragraph": 0,
        "url": "https://example.org/a1",
    }
    answer = {"text": "الجواب: حلب [1]", "language": "ar", "citations": [citation]}
    turns = [{"question": "أين عقد الاجتماع؟", "answer": answer}, {"question": "Who?", "answer": REFUSED}]
    markdown = to_markdown(turns, now=datetime(2026, 11, 28, tzinfo=UTC))
    assert "## 1. أين عقد الاجتماع؟\n\nالجواب: حلب [1]" in markdown and "## 2. Who?" in markdown
    assert "[1] «داعش» و«النصرة» يتحدان (وكالة فرانس برس, 2014-11-13, ¶1) <https://example.org/a1>" in markdown
    assert json.loads(to_json(turns))["turns"][0]["answer"]["citations"][0]["url"] == "https://example.org/a1"
