"""Which sentence vectors find the answer: within each question's gold article, how often the
sentence nearest the question (cosine alone) holds a gold answer, for sentences embedded alone, read
in their chunk (`in-context`, ingest.part_vectors), and the two summed. No retrieval, no refusal.

python -m eval.sentence_choice [--per-file 150]
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from assistant.settings import Settings
from eval.datasets import news_dev, xquad
from eval.harness import QAItem, load_qa
from eval.metrics import contains_gold
from ingest.articles import Article, ArticleSource
from ingest.chunking import chunk_article, passage_sentences
from ingest.embedder import Embedder, load_embedder
from ingest.models import resolve_model


def questions(files: Sequence[Path], per_file: int) -> list[QAItem]:
    """Up to ``per_file`` answerable questions of each file, the same sample every run."""
    chosen = []
    for path in files:
        items = [q for q in load_qa([path]) if q.article_id and q.answers]
        random.Random(0).shuffle(items)
        chosen += items[:per_file]
    return chosen


def hit_rates(embedder: Embedder, settings: Settings, corpus: Sequence[Path], items: list[QAItem]) -> dict[str, float]:
    wanted = {q.article_id for q in items}
    articles = [a for a in ArticleSource(list(corpus)) if isinstance(a, Article) and a.id in wanted]
    chunks = [
        c
        for a in articles
        for c in chunk_article(a, embedder.count_tokens, settings.chunk_tokens, settings.chunk_overlap)
    ]
    groups = [passage_sentences(c.text) for c in chunks]
    _, pooled = embedder.embed_passages_with_parts([c.embedding_text for c in chunks], groups)
    sentences = [s for group in groups for s in group]
    article_of = [c.article.id for c, group in zip(chunks, groups) for _ in group]
    alone = embedder.embed_passages(sentences)
    in_context = np.concatenate(pooled)
    summed = alone + in_context
    kinds = {"alone": alone, "in-context": in_context, "summed": summed / np.linalg.norm(summed, axis=1, keepdims=True)}
    hits = dict.fromkeys(kinds, 0)
    counted = 0
    for item, vector in zip(items, embedder.embed_queries([q.question for q in items])):
        rows = [i for i, article in enumerate(article_of) if article == item.article_id]
        gold = [contains_gold(sentences[i], item.answers) for i in rows]
        if not any(gold):
            continue  # no sentence holds the answer
        counted += 1
        for kind, vectors in kinds.items():
            hits[kind] += gold[int(np.argmax(vectors[rows] @ vector))]
    return {"questions": counted, **{kind: round(n / counted, 3) for kind, n in hits.items()}}


def main(argv: Sequence[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m eval.sentence_choice", description=__doc__.splitlines()[0])
    p.add_argument("--per-file", type=int, default=150, help="questions taken from each QA file")
    args = p.parse_args(argv)
    settings = Settings()
    model = resolve_model(settings.model, settings.models_dir)
    embedder = load_embedder(model, settings.embed_backend, settings.device, settings.batch_size)
    print("| set | questions | alone | in-context | summed |\n|---|---|---|---|---|")
    for qa_set in (news_dev(), xquad()):
        rates = hit_rates(embedder, settings, qa_set.corpus, questions(qa_set.qa, args.per_file))
        print(
            f"| {qa_set.name} | {rates['questions']} | {rates['alone']} | {rates['in-context']} | {rates['summed']} |"
        )


if __name__ == "__main__":
    main()
