"""`python -m eval.sentence_choice` runs from the declared dependencies (on a few questions)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

from eval.datasets import SHARED


@pytest.mark.skipif(not (SHARED / "news-dev").is_dir(), reason="needs ../shared/data/news-dev beside the checkout")
def test_the_sentence_choice_check_prints_a_rate_per_kind_of_vector(model_dir: Path, tmp_path: Path):
    environment = {**os.environ, "AKHBAR_DATA_DIR": str(tmp_path), "AKHBAR_MODEL_CACHE": str(model_dir.parent)}
    run = subprocess.run(
        [sys.executable, "-m", "eval.sentence_choice", "--per-file", "3"],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    rows = [line.strip("| ").split(" | ") for line in run.stdout.splitlines()[2:]]
    assert [r[0] for r in rows] == ["news", "xquad"]
    assert all(0 < int(r[1]) <= 6 and all(0.0 <= float(x) <= 1.0 for x in r[2:]) for r in rows)
