"""`make bench-ingest` runs from the declared dependencies: Akhbar (the default backend) both ways
and the naive pipeline."""

import os
import subprocess
import sys
from pathlib import Path

from conftest import REPO


def test_the_ingest_benchmark_times_both_sentence_vector_kinds_against_the_naive_pipeline(model_dir: Path, tmp_path):
    environment = {**os.environ, "AKHBAR_DATA_DIR": str(tmp_path / "data"), "AKHBAR_MODEL_CACHE": str(model_dir.parent)}
    command = ["tests/data/news-mini.jsonl", "--articles", "2", "--backends", "onnx"]
    run = subprocess.run(
        [sys.executable, "-m", "eval.bench_ingest", *command], cwd=REPO, env=environment, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.startswith("2 articles")
    rows = {line.split(" | ")[0].strip("| "): line for line in run.stdout.splitlines() if line.startswith("| ")}
    assert {"Akhbar, onnx, alone", "Akhbar, onnx, in-context", "naive LangChain (torch)"} <= set(rows)
    assert rows["naive LangChain (torch)"].split(" | ")[5] == "1.00x"
    assert float(rows["Akhbar, onnx, in-context"].split(" | ")[5].rstrip("x")) > 0
