"""Ingest benchmark: Akhbar on each embedding backend against the naive LangChain pipeline, on
the same articles in one run: articles/s, characters/s, the ratio, and peak memory.

python -m eval.bench_ingest [PATH ...] [--articles 100] [--backends torch,onnx,onnx-int8]
    [--sentence-vectors alone,in-context] [--no-naive]

Default articles: the first 100 of the bundled ANT sample. Akhbar's ingest embeds each chunk and
each of its sentences (answering reads the sentence vectors): each sentence alone by default,
or "in-context", pooled from the chunk's own forward pass (one model call a chunk). The naive pipeline
(RecursiveCharacterTextSplitter 1000/200 + HuggingFaceEmbeddings + Chroma.from_documents,
eval/systems.py) embeds its chunks only.
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from pathlib import Path

from assistant.service import Assistant
from assistant.settings import Settings
from eval.systems import NaiveLangChain
from ingest.articles import Article, ArticleSource
from ingest.models import fetch_model

DEFAULT = Path("eval/data/ant-news-middleeast-300.jsonl")


def sample(paths: list[Path], n: int, folder: Path) -> tuple[Path, int, int]:
    """The first ``n`` articles under ``paths`` as one JSONL file; with their count and characters."""
    articles = [a for a in ArticleSource(paths) if isinstance(a, Article)][:n]
    target = folder / "articles.jsonl"
    lines = (
        json.dumps(
            {"id": a.id, "title": a.headline, "body": "\n".join(a.paragraphs), "date": a.date, "source": a.source},
            ensure_ascii=False,
        )
        for a in articles
    )
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target, len(articles), sum(len(a.headline) + sum(map(len, a.paragraphs)) for a in articles)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--backends", default="torch,onnx,onnx-int8")
    parser.add_argument("--sentence-vectors", default="alone,in-context")
    parser.add_argument("--no-naive", action="store_true")
    args = parser.parse_args()
    base = Settings()
    rows = []
    with tempfile.TemporaryDirectory(prefix="akhbar-bench-") as tmp:
        corpus, articles, characters = sample(args.paths or [DEFAULT], args.articles, Path(tmp))
        for backend in args.backends.split(","):
            fetch_model(base.model, base.models_dir, backend)  # the export, once, outside the timing
            for kind in args.sentence_vectors.split(","):
                settings = base.model_copy(
                    update={
                        "data_dir": Path(tmp) / f"{backend}-{kind}",
                        "model_cache": base.models_dir,
                        "embed_backend": backend,
                        "sentence_vectors": kind,
                    }
                )
                assistant = Assistant.from_settings(settings)
                report = assistant.ingest([corpus])
                rows.append((f"Akhbar, {backend}, {kind}", report.seconds, report.added, "chunks + their sentences"))
        if not args.no_naive:
            started = time.perf_counter()
            naive = NaiveLangChain(assistant, [corpus])
            rows.append(("naive LangChain (torch)", time.perf_counter() - started, naive.chunks, "chunks"))
    naive_s = rows[-1][1] if not args.no_naive else None
    print(f"{articles} articles, {characters:,} characters; device {base.device}, batch {base.batch_size}\n")
    print("| pipeline | seconds | articles/s | characters/s | chunks/s | vs naive | embedded |")
    print("|---|---|---|---|---|---|---|")
    for name, seconds, chunks, embedded in rows:
        ratio = f"{naive_s / seconds:.2f}x" if naive_s else "–"
        rate = f"{articles / seconds:.2f} | {characters / seconds:,.0f} | {chunks / seconds:.1f}"
        print(f"| {name} | {seconds:.1f} | {rate} | {ratio} | {chunks} {embedded} |")
    print(f"\npeak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
