"""Do the near misses stay unanswerable in a larger archive? For each unanswerable question of a QA
file, the articles of ``--archive`` that the lexical leg ranks first (BM25 over headline and body;
an English question searches with its numbers and the archive's spellings of its names, as
retrieval does), marked when the dev archive holds them too. What answers a question is for a
reader to judge from the headlines; the README records that judgement.

python -m eval.near_miss_check [--qa FILE] [--dev-corpus FILE] [--archive FILE] [--k 4]
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import bm25s

from assistant.language import detect_language
from eval.datasets import SHARED
from eval.harness import load_qa
from ingest.arabic import analyze
from ingest.articles import Article, ArticleSource
from ingest.transliteration import NameLexicon, arabic_words


@dataclass(frozen=True)
class Hit:
    article_id: str
    headline: str
    score: float
    in_dev: bool


def near_miss_hits(
    qa: Path, dev_corpus: Path, archive: Path, k: int, every_question: bool = False
) -> list[tuple[str, list[Hit]]]:
    """Each unanswerable question of ``qa`` (or every one) with the ``k`` archive articles BM25
    ranks first."""
    for path in (qa, dev_corpus, archive):
        if not path.is_file():
            raise SystemExit(f"{path} is missing; the shared data beside the checkout holds it, or pass its path")
    articles = [a for a in ArticleSource([archive]) if isinstance(a, Article)]
    in_dev = {a.id for a in ArticleSource([dev_corpus]) if isinstance(a, Article)}
    texts = [f"{a.headline}\n" + "\n".join(a.paragraphs) for a in articles]
    index = bm25s.BM25()
    index.index([analyze(text) for text in texts], show_progress=False)
    names = NameLexicon.from_words(set().union(*map(arabic_words, texts)))
    found = []
    for item in load_qa([qa]):
        if not (item.unanswerable or every_question):
            continue
        cross_lingual = detect_language(item.question) != "ar"
        terms = analyze(names.arabic_query(item.question) if cross_lingual else item.question)
        hits: list[Hit] = []
        if terms:
            rows, scores = index.retrieve([terms], k=min(k, len(articles)), show_progress=False)
            hits = [
                Hit(articles[i].id, articles[i].headline, float(s), articles[i].id in in_dev)
                for i, s in zip(rows[0], scores[0])
                if s > 0
            ]
        found.append((item.question, hits))
    return found


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m eval.near_miss_check", description=__doc__.splitlines()[0])
    parser.add_argument("--qa", type=Path, default=SHARED / "news-dev" / "qa.jsonl")
    parser.add_argument("--dev-corpus", type=Path, default=SHARED / "news-dev" / "articles.jsonl")
    parser.add_argument("--archive", type=Path, default=SHARED / "ant-news" / "articles.jsonl.gz")
    parser.add_argument("--k", type=int, default=4, help="articles shown per question")
    args = parser.parse_args(argv)
    for question, hits in near_miss_hits(args.qa, args.dev_corpus, args.archive, args.k):
        print(f"\n{question}")
        for hit in hits:
            print(f"  {hit.score:5.1f}  {'dev ' if hit.in_dev else 'new '}{hit.article_id}  {hit.headline}")
        if not hits:
            print("  (no article shares a search term)")


if __name__ == "__main__":
    main()
