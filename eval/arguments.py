"""The flags of `akhbar eval`, apart from the harness so that building the CLI's parser loads
neither Chroma nor the model stack (`akhbar --help` stays instant)."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--qa", action="append", required=True, type=Path, help="QA JSONL file (repeatable)")
    p.add_argument("--corpus", action="append", default=[], type=Path, help="articles to ingest first")
    p.add_argument("--k", default="1,3,5,10", help="cut-offs for Recall@k")
    p.add_argument("--baselines", action="store_true", help="add dense-only, BM25-only and naive LangChain")
    p.add_argument("--answerers", help="compare answerers in one run, e.g. extractive,llamacpp")
    p.add_argument("--limit", type=int, help="only the first N questions")
    p.add_argument(
        "--hold-out-every",
        type=int,
        default=0,
        metavar="N",
        help="delete every N-th asked-about article after ingest; its questions count as unanswerable",
    )
    p.add_argument("--out", type=Path, default=Path("eval/out"), help="folder for report.json/.md/.png")
