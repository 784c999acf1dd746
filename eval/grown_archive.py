"""A larger news archive with the hardest distractors: news-dev's articles plus, for each of its
questions, the archive articles BM25 ranks first (those outside news-dev). Refusal weakens as an
archive grows because near misses gain neighbours; this archive adds exactly those neighbours,
at a size that ingests in about half an hour on 2 cores instead of the whole archive's three hours.
``--size`` fills it up to that many articles with others drawn at random (seeded) from the archive:
an archive between news-dev's and the whole one, with the hard neighbours kept.

python -m eval.grown_archive [--per-question 10] [--size N] [--seed 0] [--out eval/out/news-grown.jsonl]
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
from collections.abc import Sequence
from pathlib import Path

from eval.datasets import SHARED
from eval.near_miss_check import near_miss_hits

NEWS = SHARED / "news-dev"


def grow(
    qa: Path, dev_corpus: Path, archive: Path, per_question: int, out: Path, size: int = 0, seed: int = 0
) -> tuple[int, int]:
    """Write news-dev's articles, each question's ``per_question`` best-ranked archive articles and
    random others up to ``size`` articles in all to ``out``; returns (dev articles, added articles)."""
    ranked = near_miss_hits(qa, dev_corpus, archive, per_question, every_question=True)
    wanted = {hit.article_id for _, hits in ranked for hit in hits if not hit.in_dev}
    dev_lines = [line for line in dev_corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    dev_ids = {json.loads(line)["id"] for line in dev_lines}
    opener = gzip.open if archive.suffix == ".gz" else open
    with opener(archive, "rt", encoding="utf-8") as lines:
        rest = [line.rstrip("\n") for line in lines if line.strip()]
    ids = [json.loads(line).get("id") for line in rest]
    added = [line for line, i in zip(rest, ids) if i in wanted]
    others = [line for line, i in zip(rest, ids) if i not in wanted and i not in dev_ids]
    fill = max(0, size - len(dev_lines) - len(added))
    added += random.Random(seed).sample(others, min(fill, len(others)))
    out.parent.mkdir(parents=True, exist_ok=True)
    with (gzip.open if out.suffix == ".gz" else open)(out, "wt", encoding="utf-8") as target:
        target.write("\n".join([*dev_lines, *added]) + "\n")
    return len(dev_lines), len(added)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m eval.grown_archive", description=__doc__.splitlines()[0])
    parser.add_argument("--qa", type=Path, default=NEWS / "qa.jsonl")
    parser.add_argument("--dev-corpus", type=Path, default=NEWS / "articles.jsonl")
    parser.add_argument("--archive", type=Path, default=SHARED / "ant-news" / "articles.jsonl.gz")
    parser.add_argument("--per-question", type=int, default=10, help="archive articles added per question")
    parser.add_argument("--size", type=int, default=0, help="fill up to this many articles at random")
    parser.add_argument("--seed", type=int, default=0, help="the random fill's seed")
    parser.add_argument("--out", type=Path, default=Path("eval/out/news-grown.jsonl"), help=".jsonl or .jsonl.gz")
    args = parser.parse_args(argv)
    dev, added = grow(args.qa, args.dev_corpus, args.archive, args.per_question, args.out, args.size, args.seed)
    print(f"{args.out}: {dev} news-dev articles + {added} from {args.archive.name}")


if __name__ == "__main__":
    main()
