"""Short answers alone: for each Arabic question, the span found in the sentence that holds its gold
answer, scored EM/F1 by question kind and dev set (no retrieval, no model). What a change to
`assistant/short_answer.py` is checked with: `python -m eval.span_check [--show where]`.
`--fit-rarity` fits the weight of a span's rarity two-fold by article (fit on one half of each
set's articles, score the other)."""

from __future__ import annotations

import argparse
import json
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from assistant.question_kind import Kind, question_head, question_kind
from assistant.short_answer import RARITY_WEIGHT, Rarity, find_span, question_months
from eval.datasets import QASet, arcd, fold_of, news_dev, xquad
from eval.metrics import exact_match, token_f1
from ingest.arabic import analyze, normalize_arabic
from ingest.chunking import split_sentences
from ingest.lexical import lucene_idf

RARITY_GRID = (0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0)


def known_from(question: str) -> Callable[[str, Sequence[str]], bool]:
    """Whether the question holds a word: written the same, or every search term of it."""
    terms = set(analyze(question))
    written = set(normalize_arabic(question).split())
    return lambda norm, word_terms: norm in written or (bool(word_terms) and all(t in terms for t in word_terms))


def _bodies(qa_set: QASet) -> dict[str, str]:
    return {
        article["id"]: article["body"]
        for path in qa_set.corpus
        for article in map(json.loads, path.read_text(encoding="utf-8").splitlines())
    }


def archive_rarity(qa_set: QASet) -> Rarity:
    """Rarity as the archive's lexical index gives it, over the set's paragraphs (about its chunks)."""
    paragraphs = [p for body in _bodies(qa_set).values() for p in body.split("\n") if p.strip()]
    doc_freq = Counter(t for p in paragraphs for t in set(analyze(p)))
    highest = lucene_idf(len(paragraphs), 0)
    return lambda term: lucene_idf(len(paragraphs), doc_freq[term]) / highest


def gold_sentences(qa_set: QASet) -> Iterator[tuple[dict, str]]:
    """Each answerable Arabic question with the first sentence of its article holding a gold answer."""
    bodies = _bodies(qa_set)
    for path in qa_set.qa:
        for item in map(json.loads, path.read_text(encoding="utf-8").splitlines()):
            if item.get("lang") != "ar" or item.get("unanswerable") or not item.get("answers"):
                continue
            golds = [normalize_arabic(g) for g in item["answers"]]
            sentences = (s for line in bodies[item["article_id"]].split("\n") for s in split_sentences(line))
            found = next((s for s in sentences if any(g in normalize_arabic(s) for g in golds)), None)
            if found:
                yield item, found


Scores = dict[Kind, list[tuple[float, float]]]  # (EM, F1) of each question, by kind


def span_scores(
    cases: Sequence[tuple[dict, str]], rarity: Rarity, weight: float = RARITY_WEIGHT, show: str | None = None
) -> Scores:
    """EM and F1 of the span found in each case's gold sentence, ``weight`` giving its rarity's weight."""
    scaled = rarity if weight == RARITY_WEIGHT else (lambda term: rarity(term) * weight / RARITY_WEIGHT)
    scores: Scores = {}
    for item, sentence in cases:
        question = item["question"]
        kind = question_kind(question, "ar")
        head = question_head(question, "ar")
        found = find_span(sentence, kind, known_from(question), head, scaled, question_months(question))
        span = found.text if found else ""
        golds = item["answers"]
        scores.setdefault(kind, []).append((exact_match(span, golds), token_f1(span, golds)))
        if show == kind.value:
            print(f"{scores[kind][-1][1]:.2f}  {question} | {span} | {golds[0]}")
    return scores


def named_f1(scores_by_set: Sequence[Scores]) -> float:
    """Mean F1 of who- and what-questions, each set's kind weighing the same."""
    means = [
        sum(f1 for _, f1 in rows) / len(rows)
        for scores in scores_by_set
        for kind, rows in scores.items()
        if kind in (Kind.WHO, Kind.WHAT) and rows
    ]
    return sum(means) / len(means) if means else 0.0


def fit_rarity(sets: Sequence[tuple[str, list[tuple[dict, str]], Rarity]]) -> None:
    """The rarity weight fitted on one half of each set's articles, scored on the other half."""
    for half in (0, 1):

        def part(side: int) -> list[tuple[list[tuple[dict, str]], Rarity]]:
            return [([c for c in cases if fold_of(c[0]["article_id"]) == side], rarity) for _, cases, rarity in sets]

        fitted = {w: named_f1([span_scores(c, r, w) for c, r in part(half)]) for w in RARITY_GRID}
        best = max(RARITY_GRID, key=lambda w: fitted[w])
        shown = {w: round(f, 3) for w, f in fitted.items()}
        print(f"half {half}: who/what F1 by weight {shown}; chose {best}")
        for (name, _, _), (cases, rarity) in zip(sets, part(1 - half)):
            before, after = span_scores(cases, rarity, 0.0), span_scores(cases, rarity, best)
            for kind in (Kind.WHO, Kind.WHAT):
                if kind in before:
                    f1 = [sum(f for _, f in s[kind]) / len(s[kind]) for s in (before, after)]
                    print(f"  held-out {name:6} {kind.value:5} {len(before[kind]):4}  F1 {f1[0]:.3f} -> {f1[1]:.3f}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--show", choices=[k.value for k in Kind], help="print each question of this kind")
    parser.add_argument("--fit-rarity", action="store_true", help="fit the span rarity weight two-fold instead")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        qa_sets = (xquad(), news_dev(), arcd(Path(scratch)))
        sets = [(qa_set.name, list(gold_sentences(qa_set)), archive_rarity(qa_set)) for qa_set in qa_sets]
        if args.fit_rarity:
            fit_rarity(sets)
            return
        for name, cases, rarity in sets:
            scores = span_scores(cases, rarity, show=args.show)
            for kind, rows in sorted(scores.items(), key=lambda pair: pair[0].value):
                em, f1 = (sum(column) / len(rows) for column in zip(*rows))
                print(f"{name:6} {kind.value:7} {len(rows):5}  EM {em:.3f}  F1 {f1:.3f}")


if __name__ == "__main__":
    main()
