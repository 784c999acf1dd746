"""Shared fixtures: the real embedding model (built once, cached in .akhbar/models) and a
real Chroma archive holding the sample article and the XQuAD-ar articles."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.service import Assistant
from assistant.settings import Settings
from ingest.embedder import SentenceTransformerEmbedder
from ingest.models import fetch_model

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "eval" / "data"
SAMPLE = DATA / "sample" / "000_e7c33985fd82abbb.txt"
SAMPLE_ID = "000_e7c33985fd82abbb"
XQUAD = DATA / "xquad-ar-articles.jsonl"
MODELS = REPO / ".akhbar" / "models"  # shared with `make demo`, so the model is built once
ARTIFACTS = REPO / "test-artifacts"


@pytest.fixture(scope="session")
def model_dir() -> Path:
    return fetch_model(Settings(model_cache=MODELS))


@pytest.fixture(scope="session")
def embedder(model_dir: Path) -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(model_dir)


@pytest.fixture
def settings(tmp_path: Path, model_dir: Path) -> Settings:
    """Fresh data dir per test: its own Chroma and lexical index."""
    return Settings(data_dir=tmp_path / "data", model_cache=MODELS)


@pytest.fixture
def assistant(settings: Settings, embedder: SentenceTransformerEmbedder) -> Assistant:
    return Assistant.from_settings(settings, embedder=embedder)


@pytest.fixture(scope="session")
def archive_settings(tmp_path_factory: pytest.TempPathFactory, model_dir: Path) -> Settings:
    return Settings(data_dir=tmp_path_factory.mktemp("archive"), model_cache=MODELS)


@pytest.fixture(scope="session")
def archive(archive_settings: Settings, embedder: SentenceTransformerEmbedder) -> Assistant:
    """Sample article + 48 XQuAD articles, ingested once for the session (read-only use)."""
    assistant = Assistant.from_settings(archive_settings, embedder=embedder)
    report = assistant.ingest([SAMPLE, XQUAD])
    assert report.articles == 49 and not report.skipped
    return assistant


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def copy_sample(folder: Path, name: str = "sample.txt") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(SAMPLE, folder / name))
