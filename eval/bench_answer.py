"""Answer latency: warm `Assistant.ask` over the news-dev archive (1,200 ANT articles), p50/p95
per question language, with the share spent retrieving.

python -m eval.bench_answer [--qa FILE] [--corpus PATH] [--k 5]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from assistant.service import Assistant
from assistant.settings import Settings
from eval import metrics
from eval.datasets import news_dev
from eval.harness import corpus_collection, load_qa

WARM_UP = 5  # questions asked first and not timed: model, BM25 index and caches loaded


def main() -> None:
    default = news_dev()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--qa", type=Path, default=default.qa[0])
    parser.add_argument("--corpus", type=Path, default=default.corpus[0])
    parser.add_argument("--k", type=int, default=None, help="passages per answer (default: the chat's top_k)")
    args = parser.parse_args()
    settings = Settings()
    collection = corpus_collection([args.corpus], settings.embed_backend, settings.sentence_vectors)
    assistant = Assistant.from_settings(settings.model_copy(update={"collection": collection}))
    print(assistant.ingest([args.corpus]).summary())
    items = load_qa([args.qa])
    for item in items[:WARM_UP]:
        assistant.ask(item.question, k=args.k)
    print("| lang | questions | p50 ms | p95 ms | retrieval share of p50 |\n|---|---|---|---|---|")
    for lang in sorted({i.lang for i in items}):
        totals, retrievals = [], []
        for item in (i for i in items if i.lang == lang):
            started = time.perf_counter()
            answer = assistant.ask(item.question, k=args.k)
            totals.append(1000 * (time.perf_counter() - started))
            retrievals.append(1000 * answer.timings["retrieve_s"])
        p50 = metrics.percentile(totals, 50)
        share = metrics.percentile(retrievals, 50) / p50 if p50 else 0.0
        print(f"| {lang} | {len(totals)} | {p50:.0f} | {metrics.percentile(totals, 95):.0f} | {share:.0%} |")


if __name__ == "__main__":
    main()
