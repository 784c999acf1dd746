"""An ingest in a second process beside a running server: the server keeps answering and finds
the new articles without a restart."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
from conftest import REPO, SAMPLE, running_server

from assistant import Assistant
from assistant.settings import Settings

NEWS = REPO / "eval" / "data" / "ant-news-middleeast-300.jsonl"


def test_an_ingest_beside_a_running_server(assistant: Assistant, settings: Settings, tmp_path: Path):
    assistant.ingest([SAMPLE])
    batch = tmp_path / "new.jsonl"
    batch.write_text("".join(NEWS.read_text(encoding="utf-8").splitlines(keepends=True)[:12]), encoding="utf-8")
    newest = json.loads(batch.read_text(encoding="utf-8").splitlines()[0])
    environment = {
        **os.environ,
        "AKHBAR_DATA_DIR": str(settings.data_dir),
        "AKHBAR_MODEL_CACHE": str(settings.models_dir),
    }

    with running_server(["serve"], settings, "/readyz") as url, httpx.Client(base_url=url, timeout=60) as client:

        def found() -> bool:
            response = client.post("/v1/search", json={"question": newest["title"], "k": 3})
            statuses.append(response.status_code)
            return response.status_code == 200 and response.json()["passages"][0]["article_id"] == newest["id"]

        statuses: list[int] = []
        assert not found()
        ingest = subprocess.Popen(
            [sys.executable, "-m", "assistant.cli", "ingest", str(batch)],
            cwd=REPO,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        while ingest.poll() is None:  # the server answers while the other process writes
            statuses.append(
                client.post("/v1/ask", json={"question": "أين عقدت جماعة خراسان اجتماعها السري؟"}).status_code
            )
            time.sleep(0.5)
        assert ingest.returncode == 0
        written = time.monotonic()
        while not found() and time.monotonic() - written < 10:
            time.sleep(0.5)
        assert found(), "the new article was not found within 10 s of the ingest"
    assert len(statuses) > 5 and set(statuses) == {200}
