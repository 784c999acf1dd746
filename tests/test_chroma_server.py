"""Akhbar on a real Chroma server (`chroma run`, started and stopped here): ingest and queries in
separate processes, two API workers, and a server restart in the middle of an ingest."""

import json
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from conftest import REPO, SAMPLE, SAMPLE_ID, running_server

from assistant.local_llm import free_port
from assistant.settings import Settings
from ingest.store import ChunkStore, StoreUnavailable

NEWS = REPO / "eval" / "data" / "ant-news-middleeast-300.jsonl"
QUESTION = "أين عقدت جماعة خراسان اجتماعها السري؟"


@contextmanager
def chroma_server(folder: Path, port: int) -> Iterator[subprocess.Popen]:
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "chroma"), "run", "--path", str(folder), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=2)
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise RuntimeError("chroma run did not start") from None
            time.sleep(0.3)
    try:
        yield server
    finally:
        server.terminate()
        server.wait(timeout=30)


def akhbar(settings: Settings, url: str, *args: str, **extra_env: str) -> subprocess.Popen:
    env = {
        "AKHBAR_DATA_DIR": str(settings.data_dir),
        "AKHBAR_MODEL_CACHE": str(settings.models_dir),
        "AKHBAR_CHROMA_URL": url,
        "PATH": "/usr/bin:/bin",
        **extra_env,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", *args], cwd=REPO, env=env, stdout=subprocess.PIPE, text=True
    )


def test_a_store_reports_a_server_that_is_down_within_its_read_window(tmp_path: Path):
    port = free_port()
    with chroma_server(tmp_path / "chroma", port):
        store = ChunkStore("news", tmp_path / "unused", f"http://127.0.0.1:{port}", write_retry_s=600, read_retry_s=1)
    began = time.monotonic()
    with pytest.raises(StoreUnavailable, match=f"127.0.0.1:{port} is unreachable"):
        store.count()
    assert time.monotonic() - began < 300  # the read window, not the write window a question must not wait out


def test_ingest_serve_two_workers_and_a_restart_on_a_chroma_server(settings: Settings, tmp_path: Path):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    folder = tmp_path / "chroma-server"
    batch = tmp_path / "news.jsonl"
    batch.write_text("".join(NEWS.read_text(encoding="utf-8").splitlines(keepends=True)[:24]), encoding="utf-8")
    ids = [json.loads(line)["id"] for line in batch.read_text(encoding="utf-8").splitlines()]

    with chroma_server(folder, port) as chroma:
        first = akhbar(settings, url, "ingest", str(SAMPLE), "--json")
        assert first.wait(timeout=300) == 0 and json.loads(first.stdout.read())["added"] > 0  # type: ignore[union-attr]
        server_env = {"AKHBAR_CHROMA_URL": url}
        with (
            running_server(["serve", "--workers", "2"], settings, "/readyz", **server_env) as api,
            httpx.Client(base_url=api, timeout=60) as client,
        ):
            answers = [client.post("/v1/ask", json={"question": QUESTION}).json() for _ in range(6)]
            assert all(a["citations"][0]["article_id"] == SAMPLE_ID for a in answers)

            # A query's reads give up at once here; an ingest's must ride out the restart as its writes do.
            ingest = akhbar(settings, url, "ingest", str(batch), "--json", AKHBAR_CHROMA_READ_RETRY_S="0")
            time.sleep(8)  # the ingest is embedding and writing by now
            assert ingest.poll() is None, "the ingest ended before the restart; give it more articles"
            chroma.terminate()
            chroma.wait(timeout=30)
            down = client.post("/v1/search", json={"question": QUESTION})
            assert down.status_code == 503 and down.json()["error"]["type"] == "unavailable"
            assert client.get("/readyz").status_code == 503
            time.sleep(3)
            with chroma_server(folder, port):  # the same data, back on the same port
                assert ingest.wait(timeout=300) == 0, "the ingest did not ride out the restart"
                report = json.loads(ingest.stdout.read())  # type: ignore[union-attr]
                assert report["articles"] == len(ids) and not report["skipped"]
                store = ChunkStore(settings.collection, tmp_path / "unused", url)
                stored = store.ids_by_article(ids)
                assert all(stored.values()), f"lost: {[i for i, chunks in stored.items() if not chunks]}"

                again = akhbar(settings, url, "ingest", str(batch), "--json")  # nothing lost, nothing twice
                assert again.wait(timeout=300) == 0
                assert json.loads(again.stdout.read())["added"] == 0  # type: ignore[union-attr]

                newest = json.loads(batch.read_text(encoding="utf-8").splitlines()[-1])
                for _ in range(6):  # both workers: each caught up with the other process's writes
                    body = {"question": newest["title"], "k": 1}
                    passages = client.post("/v1/search", json=body).json()["passages"]
                    assert passages[0]["article_id"] == newest["id"]
