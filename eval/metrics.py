"""SQuAD-style answer metrics with Arabic normalisation, and ranking metrics."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

from ingest.arabic import normalize_arabic

PUNCTUATION = re.compile(r"[^\w\s]|_", re.UNICODE)
CITATION_MARKER = re.compile(r"\[(\d+)\]")


def normalize_answer(text: str) -> str:
    """Diacritics, tatweel, alef/ya/ta marbuta unified, punctuation and the ال prefix removed."""
    words = PUNCTUATION.sub(" ", normalize_arabic(text)).split()
    return " ".join(w[2:] if w.startswith("ال") and len(w) > 3 else w for w in words)


def exact_match(prediction: str, golds: Sequence[str]) -> float:
    return float(any(normalize_answer(prediction) == normalize_answer(g) for g in golds))


def token_f1(prediction: str, golds: Sequence[str]) -> float:
    """Max over gold answers of the token-overlap F1."""
    predicted = normalize_answer(prediction).split()
    best = 0.0
    for gold in golds:
        expected = normalize_answer(gold).split()
        common = sum((Counter(predicted) & Counter(expected)).values())
        if common:
            precision, recall = common / len(predicted), common / len(expected)
            best = max(best, 2 * precision * recall / (precision + recall))
    return best


def contains_gold(text: str, golds: Sequence[str]) -> bool:
    normalized = f" {normalize_answer(text)} "
    return any(f" {normalize_answer(g)} " in normalized for g in golds if normalize_answer(g))


def recall_at_k(relevant: Sequence[bool], k: int) -> float:
    return float(any(relevant[:k]))


def mrr_at_k(relevant: Sequence[bool], k: int = 10) -> float:
    return next((1.0 / rank for rank, hit in enumerate(relevant[:k], start=1) if hit), 0.0)


def ndcg_at_k(relevant: Sequence[bool], k: int = 10) -> float:
    """Binary-relevance nDCG; the ideal ranking puts every relevant hit found first."""
    gains = [1.0 / math.log2(rank + 1) for rank, hit in enumerate(relevant[:k], start=1) if hit]
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(sum(relevant), k) + 1))
    return sum(gains) / ideal if ideal else 0.0


def dangling_citations(text: str, cited_numbers: Sequence[int]) -> int:
    """Markers in the text that point at no citation."""
    return sum(1 for n in CITATION_MARKER.findall(text) if int(n) not in set(cited_numbers))


def percentile(values: Sequence[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else 0.0
