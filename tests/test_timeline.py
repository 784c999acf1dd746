"""Timelines: one sentence per article about a story, oldest first, a wire story carried by two
outlets shown once with both; over the API and the CLI."""

import json
from pathlib import Path

from conftest import REPO, run_cli
from fastapi.testclient import TestClient

from assistant.api import create_app
from assistant.service import Assistant
from assistant.settings import Settings

NEWS = REPO / "eval" / "data" / "ant-news-middleeast-300.jsonl"
STORY = "عفرين"


def test_a_story_in_date_order_with_wire_copies_collapsed(assistant: Assistant, settings: Settings, tmp_path: Path):
    articles = [json.loads(line) for line in NEWS.read_text(encoding="utf-8").splitlines()]
    about = [a for a in articles if STORY in a["title"] + a["body"]]
    others = [a for a in articles if STORY not in a["title"] + a["body"]][:6]
    wire = {**about[0], "id": "wire-copy", "source": "وكالة أخرى", "date": "2018-02-11T09:00:00+00:00"}
    corpus = tmp_path / "news.jsonl"
    corpus.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in [*about, *others, wire]), "utf-8")
    assistant.ingest([corpus])

    entries = assistant.timeline(f"ماذا حدث في {STORY}؟", k=5)
    dates = [e.date for e in entries]
    assert dates == sorted(dates) and len({e.article_id for e in entries}) == len(entries) >= 3
    assert [e.n for e in entries] == list(range(1, len(entries) + 1))
    assert all(e.sentence and e.sentence in assistant.store.get([e.chunk_id])[0].text for e in entries)
    copies = {about[0]["id"], "wire-copy"}
    carried = [e for e in entries if e.article_id in copies]
    assert len(carried) == 1, "the wire story and its copy were not shown once"
    assert {carried[0].source, *(r.source for r in carried[0].also_in)} == {about[0]["source"], "وكالة أخرى"}

    api = TestClient(create_app(assistant))
    served = api.post("/v1/timeline", json={"question": f"ماذا حدث في {STORY}؟", "k": 5}).json()["entries"]
    assert [e["article_id"] for e in served] == [e.article_id for e in entries]
    printed = run_cli("timeline", f"ماذا حدث في {STORY}؟", "--entries", "5", "--json", settings=settings)
    assert printed.returncode == 0, printed.stderr[-2000:]
    assert [e["article_id"] for e in json.loads(printed.stdout)] == [e.article_id for e in entries]
