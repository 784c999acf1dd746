"""The QA sets the calibration and `make eval-*` use, as (questions, corpus) pairs.

XQuAD-ar and the sample ship with the repo; news-dev and ARCD come from the shared data folder
beside the checkout (ARCD's SQuAD JSON is written out as Akhbar articles and QA lines first).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "data"


@dataclass(frozen=True)
class QASet:
    name: str  # also the domain in reports: xquad, news, arcd
    qa: tuple[Path, ...]
    corpus: tuple[Path, ...]


def xquad() -> QASet:
    qa = REPO / "eval" / "qa"
    return QASet(
        "xquad",
        (qa / "xquad.dev.ar.jsonl", qa / "xquad.dev.en-ar.jsonl"),
        (REPO / "eval/data/xquad-ar-articles.jsonl",),
    )


def news_dev(shared: Path = SHARED) -> QASet:
    folder = _require(shared / "news-dev")
    return QASet("news", (folder / "qa.jsonl",), (folder / "articles.jsonl",))


def arcd(out: Path, shared: Path = SHARED) -> QASet:
    """ARCD train as articles (one per Wikipedia title, paragraphs in order) and QA lines."""
    source = _require(shared / "arcd-train") / "arcd-train.json"
    out.mkdir(parents=True, exist_ok=True)
    articles, questions = [], []
    for entry in json.loads(source.read_text(encoding="utf-8"))["data"]:
        article_id = "arcd-" + hashlib.sha1(entry["title"].encode()).hexdigest()[:10]
        paragraphs = [p["context"].strip() for p in entry["paragraphs"]]
        articles.append({"id": article_id, "title": entry["title"], "source": "ويكيبيديا", "lang": "ar",
                         "body": "\n\n".join(paragraphs)})  # fmt: skip
        for index, paragraph in enumerate(entry["paragraphs"]):
            for qa in paragraph["qas"]:
                questions.append({"id": f"arcd-{qa['id']}", "question": qa["question"].strip(" -"), "lang": "ar",
                                  "answers": [a["text"] for a in qa["answers"]], "article_id": article_id,
                                  "paragraph": index})  # fmt: skip
    corpus, qa_path = out / "arcd-articles.jsonl", out / "arcd-qa.jsonl"
    corpus.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles), encoding="utf-8")
    qa_path.write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in questions), encoding="utf-8")
    return QASet("arcd", (qa_path,), (corpus,))


def fold_of(key: str, split: int = 0) -> int:
    """Which half of a two-fold split an article (its id) falls in, the same in every script; each
    ``split`` (0-19) halves the articles independently of the others."""
    return hashlib.sha1(key.encode()).digest()[split] % 2


def _require(folder: Path) -> Path:
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is missing; it comes with the shared data beside the checkout")
    return folder
