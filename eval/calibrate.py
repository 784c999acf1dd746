"""`make calibrate`: fit the refusal model on a mix of domains and report it two-fold by article.

Each answerable question is asked twice: of the whole archive (it should be answered) and with
its own article held out of retrieval (it should be refused, unless another article holds the
gold answer too). news-dev adds near-miss questions no article answers. Articles are split in two
halves by a hash of their id: a model fitted on one half is scored on the other's questions,
per domain and language; the model written out is fitted on both halves. Beside the report,
questions.jsonl holds each question's held-out result: two runs' files diff to what moved.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from tqdm import tqdm

from assistant.evidence import DEFAULT_MODEL, Evidence, RefusalModel, lacks_the_kind_asked
from assistant.extractive import ExtractiveAnswerer
from assistant.records import Passage
from assistant.service import Assistant
from assistant.settings import Settings
from eval import metrics
from eval.datasets import QASet, arcd, fold_of, news_dev, xquad
from eval.harness import QAItem, aggregate, corpus_collection, load_qa, score_item
from ingest.filters import SearchFilters

TARGET_WRONGLY_REFUSED = 0.10  # the operating point: at most this share of answerable questions refused
NAME_RARITY_FLOORS = (0.0, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8)  # tried for who-questions' spans


@dataclass(frozen=True)
class Case:
    """One question asked of one archive state, with what retrieval returned."""

    domain: str
    item: QAItem  # unanswerable=True for near misses and held-out questions
    passages: list[Passage]
    fold: int  # which half of the articles the question is about
    evidence: Evidence  # for the best sentence
    cross_lingual: bool


def collect(assistant: Assistant, domain: str, items: Sequence[QAItem], k: int, progress: bool) -> list[Case]:
    answerer = assistant.answerer
    if not isinstance(answerer, ExtractiveAnswerer):
        raise ValueError("calibration fits the extractive answerer's refusals; set AKHBAR_ANSWERER=extractive")
    cases = []
    for item in tqdm(items, desc=domain, disable=not progress, file=sys.stderr):
        asked = [(item, SearchFilters())]
        if not item.unanswerable and item.article_id:
            asked.append(
                (replace(item, unanswerable=True), SearchFilters(exclude_articles=frozenset({item.article_id})))
            )
        for case_item, filters in asked:
            passages = assistant.retriever.search(case_item.question, k, filters)
            if case_item is not item and any(metrics.contains_gold(p.text, item.answers) for p in passages):
                continue  # another article holds the answer too: not a question without one
            query = assistant.retriever.query(case_item.question)
            scored = answerer.score_sentences(query, passages)
            if scored:
                evidence = answerer.judged_evidence(query, scored[0])
                cases.append(Case(domain, case_item, passages, _article_fold(item), evidence, query.cross_lingual))
    return cases


def fit(cases: Sequence[Case]) -> RefusalModel:
    """One logistic regression per side (same language / cross-lingual), each domain weighing the
    same, with the rules of ``lacks_the_kind_asked`` under it; its bias is moved so that the model
    and the rules together refuse TARGET_WRONGLY_REFUSED of the answerable questions. Each side's
    name-rarity floor is chosen held out (``_held_out_floor``)."""
    same, floor = _fit_side([c for c in cases if not c.cross_lingual], NAME_RARITY_FLOORS)
    cross, floor_cross = _fit_side([c for c in cases if c.cross_lingual], NAME_RARITY_FLOORS)
    return RefusalModel(
        same=same, cross=cross, threshold=0.5, name_rarity_floor=floor, name_rarity_floor_cross=floor_cross
    )


def _fit_side(chosen: Sequence[Case], floors: Sequence[float]) -> tuple[tuple[float, ...], float]:
    """The weights for ``chosen``, bias moved to the operating point, and its floor of ``floors``."""
    floor = _held_out_floor(chosen, floors)
    model = _regression(chosen)
    cut = _cut(chosen, model, floor)
    return (float(model.intercept_[0]) - cut, *map(float, model.coef_[0])), floor


def _regression(chosen: Sequence[Case]) -> LogisticRegression:
    """The logistic regression over ``chosen``, each domain weighing the same."""
    x = np.array([c.evidence.features() for c in chosen])
    answerable = np.array([not c.item.unanswerable for c in chosen])
    domains = np.array([c.domain for c in chosen])
    per_domain = {d: int((domains == d).sum()) for d in set(domains)}
    weights = np.array([len(chosen) / (len(per_domain) * per_domain[d]) for d in domains])
    return LogisticRegression(C=1.0, class_weight="balanced", max_iter=1000).fit(x, answerable, sample_weight=weights)


def _cut(chosen: Sequence[Case], model: LogisticRegression, floor: float) -> float:
    """The cut on ``model``'s decision value at the operating point over ``chosen``, the rules
    refusing with ``floor``."""
    z = model.decision_function(np.array([c.evidence.features() for c in chosen]))
    answerable = np.array([not c.item.unanswerable for c in chosen])
    ruled = np.array([lacks_the_kind_asked(c.evidence, floor) for c in chosen])
    ruled_share = float(ruled[answerable].mean())
    rest = max(0.0, (TARGET_WRONGLY_REFUSED - ruled_share) / (1 - ruled_share))
    return float(np.quantile(z[answerable & ~ruled], rest))


def _held_out_floor(chosen: Sequence[Case], floors: Sequence[float]) -> float:
    """The floor refusing the most unanswerable questions (domains averaged; the lowest of equals)
    when fitted on one half of ``chosen``'s articles and scored on the other, in a split of its own
    (the report's split halves the articles it is given once more). Chosen in-sample, the floor
    across scripts went from none to 0.65 at stop 41 by one news-dev question; held out, none
    refuses the most in this split and in two others tried (README, Evaluation)."""
    halves = [_article_fold(c.item, split=1) for c in chosen]
    refused: dict[float, dict[str, list[bool]]] = {floor: {} for floor in floors}
    for half in (0, 1):
        fitted = [c for c, h in zip(chosen, halves) if h != half]
        model = _regression(fitted)
        scored = [c for c, h in zip(chosen, halves) if h == half and c.item.unanswerable]
        z = model.decision_function(np.array([c.evidence.features() for c in scored]))
        for floor in floors:
            cut = _cut(fitted, model, floor)
            for case, value in zip(scored, z):
                refused[floor].setdefault(case.domain, []).append(
                    bool(value < cut or lacks_the_kind_asked(case.evidence, floor))
                )
    share = {floor: float(np.mean([np.mean(r) for r in by_domain.values()])) for floor, by_domain in refused.items()}
    return max(floors, key=lambda floor: share[floor])


def _article_fold(item: QAItem, split: int = 0) -> int:
    """The half of ``item``'s article (a near miss's: the article it is near) in split ``split``."""
    return fold_of(item.article_id or item.near or item.id, split)


def score(assistants: dict[str, Assistant], model: RefusalModel, cases: Sequence[Case]) -> list[dict[str, Any]]:
    """Each case answered with ``model`` deciding, over its own archive (idf, sentence vectors)."""
    judges = {}
    for domain, assistant in assistants.items():
        answerer = assistant.answerer
        assert isinstance(answerer, ExtractiveAnswerer)
        judges[domain] = answerer.with_refusal(model)
    rows = []
    for case in cases:
        answer = judges[case.domain].answer(case.item.question, case.item.lang, case.passages)
        near_miss = case.item.unanswerable and case.item.near is not None
        rows.append({**score_item(case.item, answer, 0.0), "domain": case.domain, "near_miss": near_miss})
    return rows


def two_fold(assistants: dict[str, Assistant], cases: Sequence[Case]) -> list[dict[str, Any]]:
    rows = []
    for fold in (0, 1):
        model = fit([c for c in cases if c.fold != fold])
        rows += score(assistants, model, [c for c in cases if c.fold == fold])
    return rows


def report(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Scores per domain and language; refusals of near misses (news-dev's own unanswerable
    questions) apart from those of questions whose article was held out."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(f"{row['domain']} {row['lang']}", []).append(row)
    scores = {}
    for name, group in sorted(groups.items()):
        near = [r for r in group if r["near_miss"]]
        held = [r for r in group if r["unanswerable"] and not r["near_miss"]]
        scores[name] = {
            **aggregate(group, [1, 5]),
            "near_miss_refused": _share_refused(near),
            "held_out_refused": _share_refused(held),
        }
    return scores


def _share_refused(rows: list[dict[str, Any]]) -> float | None:
    return round(sum(not r["answered"] for r in rows) / len(rows), 3) if rows else None


def markdown(two_fold_scores: dict[str, Any], model: RefusalModel) -> str:
    lines = [
        "Two-fold by article: a model fitted on one half of the articles, scored on the other half's questions.",
        "",
        "| domain | lang | questions | near misses refused | held-out refused | answerable refused |"
        " gold in short answer or its sentence | short-answer F1 | citation precision |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, s in two_fold_scores.items():
        domain, lang = name.split()
        lines.append(
            f"| {domain} | {lang} | {s['questions']} | {_cell(s['near_miss_refused'])} | "
            f"{_cell(s['held_out_refused'])} | {s['refusal']['answerable_refused']:.3f} | "
            f"{s['answers']['contains_gold']:.3f} | {s['answers']['f1']:.3f} | {s['citations']['precision']:.3f} |"
        )
    lines += [
        "",
        f"Fitted on everything: same-language {_fmt(model.same)}, cross-lingual {_fmt(model.cross)};"
        f" who-questions' span rarity at least {model.name_rarity_floor:.2f}"
        f" ({model.name_rarity_floor_cross:.2f} across scripts).",
    ]
    return "\n".join(lines) + "\n"


def question_line(row: dict[str, Any]) -> str:
    """One question's held-out result, so that two runs' files diff to the questions that moved."""
    kept = ("id", "domain", "lang", "unanswerable", "near_miss", "answered", "contains", "f1", "short_answer")
    return json.dumps({key: row[key] for key in kept}, ensure_ascii=False) + "\n"


def _cell(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def _fmt(weights: Sequence[float]) -> str:
    return "[" + ", ".join(f"{w:.3f}" for w in weights) + "]"


def calibrate(settings: Settings, sets: Sequence[QASet], out: Path, write_model: Path | None, progress: bool) -> str:
    cases: list[Case] = []
    assistants: dict[str, Assistant] = {}
    embedder = None
    for qaset in sets:
        collection = corpus_collection(qaset.corpus, settings.embed_backend, settings.sentence_vectors)
        assistant = Assistant.from_settings(settings.model_copy(update={"collection": collection}), embedder=embedder)
        embedder = assistant.embedder
        assistant.ingest(list(qaset.corpus), progress=progress)
        cases += collect(assistant, qaset.name, load_qa(list(qaset.qa)), settings.top_k, progress)
        assistants[qaset.name] = assistant
    rows = two_fold(assistants, cases)
    scores = report(rows)
    model = fit(cases)
    out.mkdir(parents=True, exist_ok=True)
    text = markdown(scores, model)
    (out / "report.md").write_text(text, encoding="utf-8")
    (out / "report.json").write_text(json.dumps(scores, indent=1), encoding="utf-8")
    (out / "questions.jsonl").write_text("".join(map(question_line, rows)), encoding="utf-8")
    if write_model:
        write_model.write_text(model.to_json(), encoding="utf-8")
    return text


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m eval.calibrate", description=__doc__.splitlines()[0])
    p.add_argument("--sets", default="xquad,news,arcd", help="which QA sets to fit on")
    p.add_argument("--out", type=Path, default=Path("eval/results/calibration"))
    p.add_argument("--write-model", type=Path, default=DEFAULT_MODEL, help="where the fitted model goes")
    p.add_argument("--dry-run", action="store_true", help="report only, keep the current model")
    args = p.parse_args(argv)
    settings = Settings()
    makers = {"xquad": xquad, "news": news_dev, "arcd": lambda: arcd(Path("eval/out/arcd"))}
    sets = [makers[name.strip()]() for name in args.sets.split(",")]
    print(calibrate(settings, sets, args.out, None if args.dry_run else args.write_model, progress=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
