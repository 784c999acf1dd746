"""Short answers alone: for each Arabic question, the span found in the sentence that holds its gold
answer, scored EM/F1 by question kind and dev set (no retrieval, no model). What a change to
`assistant/short_answer.py` is checked with: `python -m eval.span_check [--show where]`."""

from __future__ import annotations

import argparse
import json
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from assistant.question_kind import Kind, question_head, question_kind
from assistant.short_answer import short_answer
from eval.datasets import QASet, arcd, news_dev, xquad
from eval.metrics import exact_match, token_f1
from ingest.arabic import analyze, normalize_arabic
from ingest.chunking import split_sentences


def known_from(question: str) -> Callable[[str, Sequence[str]], bool]:
    """Whether the question holds a word: written the same, or every search term of it."""
    terms = set(analyze(question))
    written = set(normalize_arabic(question).split())
    return lambda norm, word_terms: norm in written or (bool(word_terms) and all(t in terms for t in word_terms))


def gold_sentences(qa_set: QASet) -> Iterator[tuple[dict, str]]:
    """Each answerable Arabic question with the first sentence of its article holding a gold answer."""
    bodies = {
        article["id"]: article["body"]
        for path in qa_set.corpus
        for article in map(json.loads, path.read_text(encoding="utf-8").splitlines())
    }
    for path in qa_set.qa:
        for item in map(json.loads, path.read_text(encoding="utf-8").splitlines()):
            if item.get("lang") != "ar" or item.get("unanswerable") or not item.get("answers"):
                continue
            golds = [normalize_arabic(g) for g in item["answers"]]
            sentences = (s for line in bodies[item["article_id"]].split("\n") for s in split_sentences(line))
            found = next((s for s in sentences if any(g in normalize_arabic(s) for g in golds)), None)
            if found:
                yield item, found


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--show", choices=[k.value for k in Kind], help="print each question of this kind")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        for qa_set in (xquad(), news_dev(), arcd(Path(scratch))):
            scores: dict[Kind, list[tuple[float, float]]] = {}
            for item, sentence in gold_sentences(qa_set):
                question = item["question"]
                kind = question_kind(question, "ar")
                span = short_answer(sentence, kind, known_from(question), question_head(question, "ar"))
                golds = item["answers"]
                scores.setdefault(kind, []).append((exact_match(span, golds), token_f1(span, golds)))
                if args.show == kind.value:
                    print(f"{scores[kind][-1][1]:.2f}  {question} | {span} | {item['answers'][0]}")
            for kind, rows in sorted(scores.items(), key=lambda pair: pair[0].value):
                em, f1 = (sum(column) / len(rows) for column in zip(*rows))
                print(f"{qa_set.name:6} {kind.value:7} {len(rows):5}  EM {em:.3f}  F1 {f1:.3f}")


if __name__ == "__main__":
    main()
