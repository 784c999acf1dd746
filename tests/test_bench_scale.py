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


def test_a_kept_store_is_timed_again_in_a_new_process(model_dir: Path, tmp_path: Path):
    environment = {**os.environ, "AKHBAR_DATA_DIR": str(tmp_path / "data"), "AKHBAR_MODEL_CACHE": str(model_dir.parent)}
    common = ["--seed", "tests/data/news-mini.jsonl", "--queries", "4", "--legs"]

    def bench(*options: str) -> list[str]:
        run = subprocess.run(
            [sys.executable, "-m", "eval.bench_scale", *common, *options],
            cwd=REPO,
            env=environment,
            capture_output=True,
            text=True,
        )
        assert run.returncode == 0, run.stderr[-2000:]
        return [line for line in run.stdout.splitlines() if line.startswith("| ") and line[2].isdigit()]

    built = bench("--sizes", "300", "--base", str(tmp_path), "--keep")
    assert [r.split(" | ")[0].strip("| ") for r in built] == ["300"]
    assert (tmp_path / "n300" / "chroma").is_dir() and (tmp_path / "n300" / "lexical").is_dir()
    [row] = bench("--store", str(tmp_path / "n300"))
    # BM25 load, p50, p95, RSS, Chroma and BM25 size, then the eight leg columns
    label, write, bm25_build, *measured = row.strip("| ").split(" | ")
    assert label == "300 (opened afresh)"
    assert (write, bm25_build) == ("–", "–")  # not built by this process
    assert len(measured) == 6 + 8 and all(float(cell) >= 0 for cell in measured)


def test_timing_a_folder_without_a_store_says_how_to_build_one(tmp_path: Path):
    run = subprocess.run(
        [sys.executable, "-m", "eval.bench_scale", "--store", str(tmp_path / "n300")],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2
    assert f"{tmp_path / 'n300'} holds no store of this benchmark; build one with --sizes N --keep" in run.stderr
