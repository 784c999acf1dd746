"""`make bench-scale` runs from the declared dependencies: a tiny seed, two small sizes, projected."""

import os
import subprocess
import sys
from pathlib import Path

from conftest import REPO


def test_the_scale_benchmark_prints_measured_and_projected_rows(model_dir: Path, tmp_path: Path):
    environment = {**os.environ, "AKHBAR_DATA_DIR": str(tmp_path / "data"), "AKHBAR_MODEL_CACHE": str(model_dir.parent)}
    command = ["--seed", "tests/data/news-mini.jsonl", "--sizes", "300,600", "--queries", "4", "--base", str(tmp_path)]
    command += ["--also-candidates", "10", "--exact", "--legs"]
    run = subprocess.run(
        [sys.executable, "-m", "eval.bench_scale", *command], cwd=REPO, env=environment, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr[-2000:]
    rows = [line for line in run.stdout.splitlines() if line.startswith("| ") and line[2].isdigit()]
    labels = [r.split(" | ")[0].strip("| ") for r in rows]
    assert labels == ["300", "600", "1,000,000 (projected)", "10,000,000 (projected)"]
    cells = rows[1].strip("| ").split(" | ")[1:]
    # After the store's nine: p50 and p95 at 10 candidates a leg, then exact search's load, p50, p95, RSS,
    # then p50 and p95 of each step of a hybrid search.
    assert len(cells) == 22 and all(float(cell) >= 0 for cell in cells)
    assert "question p50 ms" in run.stdout and "bm25 p50 ms" in run.stdout
    assert "p95 ms, 10 candidates" in run.stdout and "exact search: load s" in run.stdout
    assert not (tmp_path / "n300").exists()  # each size's store is removed once measured
