"""Retrieval-only benchmark: Recall@k, nDCG@10 and p50/p95 latency per retrieval mode.

python -m eval.bench_retrieval [--corpus PATH] [--qa FILE ...] [--modes hybrid,dense,lexical]
python -m eval.bench_retrieval --latency-only   # the archive in AKHBAR_DATA_DIR/AKHBAR_COLLECTION as it is
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from assistant.service import Assistant
from assistant.settings import Settings
from eval import metrics
from eval.harness import corpus_collection, load_qa

QA = [Path("eval/qa/xquad.dev.ar.jsonl"), Path("eval/qa/xquad.dev.en-ar.jsonl")]
CORPUS = Path("eval/data/xquad-ar-articles.jsonl")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--qa", type=Path, action="append")
    parser.add_argument("--modes", default="hybrid,dense,lexical")
    parser.add_argument(
        "--latency-only",
        action="store_true",
        help="time the configured archive without ingesting; the questions only probe it (no gold there)",
    )
    args = parser.parse_args()
    settings = Settings()
    items = load_qa(args.qa or QA)
    if args.latency_only:
        latency_only(Assistant.from_settings(settings), [i.question for i in items], args.modes.split(","))
        return
    settings = settings.model_copy(
        update={
            "collection": corpus_collection([args.corpus], settings.embed_backend, settings.sentence_vectors)
            + f"-c{settings.chunk_tokens}"
        }
    )
    assistant = Assistant.from_settings(settings)
    print(assistant.ingest([args.corpus]).summary())
    print("| mode | lang | R@1 | R@5 | R@10 | nDCG@10 | p50 ms | p95 ms |\n|---|---|---|---|---|---|---|---|")
    for mode in args.modes.split(","):
        for lang in sorted({i.lang for i in items}):
            rows, latencies = [], []
            for item in (i for i in items if i.lang == lang):
                started = time.perf_counter()
                passages = assistant.retriever.search(item.question, k=10, mode=mode)
                latencies.append(1000 * (time.perf_counter() - started))
                rows.append(
                    [p.article_id == item.article_id and metrics.contains_gold(p.text, item.answers) for p in passages]
                )
            cells = [sum(metrics.recall_at_k(r, k) for r in rows) / len(rows) for k in (1, 5, 10)]
            cells.append(sum(metrics.ndcg_at_k(r) for r in rows) / len(rows))
            print(
                f"| {mode} | {lang} | "
                + " | ".join(f"{c:.3f}" for c in cells)
                + f" | {metrics.percentile(latencies, 50):.0f} | {metrics.percentile(latencies, 95):.0f} |"
            )


def latency_only(assistant: Assistant, questions: list[str], modes: list[str]) -> None:
    started = time.perf_counter()
    assistant.retriever.search(questions[0], k=10)  # loads or builds the BM25 index
    print(f"{assistant.store.count()} chunks; first query (index load) {time.perf_counter() - started:.1f} s")
    print("| mode | questions | p50 ms | p95 ms | max ms |\n|---|---|---|---|---|")
    for mode in modes:
        assistant.retriever.query_vector.cache_clear()  # every mode pays for its query embeddings
        latencies = []
        for question in questions:
            started = time.perf_counter()
            assistant.retriever.search(question, k=10, mode=mode)
            latencies.append(1000 * (time.perf_counter() - started))
        print(
            f"| {mode} | {len(questions)} | {metrics.percentile(latencies, 50):.0f} | "
            f"{metrics.percentile(latencies, 95):.0f} | {max(latencies):.0f} |"
        )


if __name__ == "__main__":
    main()
