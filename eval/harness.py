"""`akhbar eval`: run QA sets through Akhbar (and baselines) and score retrieval, answers,
citations, refusals and latency, broken down by question language."""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from importlib.metadata import version
from pathlib import Path
from typing import Any

from tqdm import tqdm

from assistant.records import Answer
from assistant.service import Assistant
from assistant.settings import Settings
from eval import metrics
from eval.arguments import add_arguments
from eval.report import write_reports
from eval.systems import NaiveLangChain, System, akhbar_system


@dataclass(frozen=True)
class QAItem:
    id: str
    question: str
    lang: str
    answers: list[str] = field(default_factory=list)
    article_id: str | None = None
    paragraph: int | None = None
    unanswerable: bool = False
    near: str | None = None  # for a near miss: the article most like the question


def load_qa(paths: Sequence[Path]) -> list[QAItem]:
    items = []
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                items.append(
                    QAItem(
                        id=str(record.get("id", f"{path.name}:{number}")),
                        question=record["question"],
                        lang=record.get("lang", "ar"),
                        answers=list(record.get("answers", [])),
                        article_id=record.get("article_id"),
                        paragraph=record.get("paragraph"),
                        unanswerable=bool(record.get("unanswerable", False)),
                        near=record.get("near"),
                    )
                )
            except (json.JSONDecodeError, KeyError) as exc:
                raise ValueError(f"{path}:{number}: not a QA line ({exc}); expected JSON with 'question'") from exc
    return items


def score_item(item: QAItem, answer: Answer, latency: float) -> dict[str, Any]:
    """Everything the aggregates need about one question's result."""
    relevant = [
        p.article_id == item.article_id and metrics.contains_gold(p.text, item.answers) for p in answer.passages
    ]
    cited_gold = [metrics.contains_gold(c.passage, item.answers) for c in answer.citations]
    # The short answer is scored where the answerer gives one (the LLM answerers do not).
    prediction = answer.short_answer or answer.text
    evidence = f"{answer.short_answer}\n{answer.answer_sentence}" if answer.short_answer else answer.text
    return {
        "id": item.id,
        "lang": item.lang,
        "unanswerable": item.unanswerable,
        "question": item.question,
        "answer": answer.text,
        "answered": answer.answered,
        "answerer": answer.answerer,  # shows LLM failures that fell back to extractive
        "relevant": relevant,
        "article_hits": [p.article_id == item.article_id for p in answer.passages],
        "short_answer": answer.short_answer,
        "em": metrics.exact_match(prediction, item.answers) if answer.answered else 0.0,
        "f1": metrics.token_f1(prediction, item.answers) if answer.answered else 0.0,
        "contains": answer.answered and metrics.contains_gold(evidence, item.answers),
        "contains_anywhere": answer.answered and metrics.contains_gold(answer.text, item.answers),
        "cited_gold": cited_gold,
        "citations": len(answer.citations),
        "dangling": metrics.dangling_citations(answer.text, [c.n for c in answer.citations]),
        "latency": latency,
    }


def aggregate(rows: list[dict[str, Any]], ks: Sequence[int]) -> dict[str, Any]:
    answerable = [r for r in rows if not r["unanswerable"]]
    unanswerable = [r for r in rows if r["unanswerable"]]
    answered = [r for r in answerable if r["answered"]]
    citations = [hit for r in answered for hit in r["cited_gold"]]

    def mean(values: list[float]) -> float:
        return round(sum(values) / len(values), 4) if values else 0.0

    return {
        "questions": len(rows),
        "retrieval": {
            **{f"recall@{k}": mean([metrics.recall_at_k(r["relevant"], k) for r in answerable]) for k in ks},
            "mrr@10": mean([metrics.mrr_at_k(r["relevant"], 10) for r in answerable]),
            "ndcg@10": mean([metrics.ndcg_at_k(r["relevant"], 10) for r in answerable]),
            **{
                f"article_recall@{k}": mean([metrics.recall_at_k(r["article_hits"], k) for r in answerable]) for k in ks
            },
        },
        "answers": {
            "exact_match": mean([r["em"] for r in answerable]),
            "f1": mean([r["f1"] for r in answerable]),
            "contains_gold": mean([float(r["contains"]) for r in answerable]),
            "gold_in_answer": mean([float(r["contains_anywhere"]) for r in answerable]),
        },
        "citations": {
            "precision": mean([float(c) for c in citations]),
            "recall": mean([float(any(r["cited_gold"])) for r in answered]),
            "answers_with_citation": mean([float(r["citations"] > 0) for r in answered]),
            "dangling": sum(r["dangling"] for r in rows),
        },
        "refusal": {
            "unanswerable_refused": mean([float(not r["answered"]) for r in unanswerable]),
            "answerable_refused": mean([float(not r["answered"]) for r in answerable]),
        },
        "latency_s": {
            "p50": round(metrics.percentile([r["latency"] for r in rows], 50), 4),
            "p95": round(metrics.percentile([r["latency"] for r in rows], 95), 4),
        },
    }


def run_system(name: str, system: System, items: Sequence[QAItem], ks: Sequence[int], progress: bool) -> dict[str, Any]:
    rows = []
    for item in tqdm(items, desc=name, disable=not progress, file=sys.stderr):
        started = time.perf_counter()
        answer = system(item.question, max(ks))
        rows.append(score_item(item, answer, time.perf_counter() - started))
    languages = sorted({r["lang"] for r in rows})
    return {
        "all": aggregate(rows, ks),
        "by_lang": {lang: aggregate([r for r in rows if r["lang"] == lang], ks) for lang in languages},
        "rows": rows,
    }


def hold_out(assistant: Assistant, items: list[QAItem], every: int) -> list[QAItem]:
    """Delete every ``every``-th asked-about article from the archive; its questions become unanswerable."""
    held = set(sorted({i.article_id for i in items if i.article_id})[::every])
    for article_id in held:
        assistant.delete_article(article_id)
    return [replace(i, unanswerable=True) if i.article_id in held else i for i in items]


def corpus_collection(corpus: Sequence[Path], embed_backend: str = "onnx", sentence_vectors: str = "alone") -> str:
    """A collection name per corpus content (and int8 weights and kind of sentence vectors: the
    vectors differ), so repeated runs reuse the ingested chunks. torch and fp32 onnx give the same
    vectors (cosine >= 0.9999, tests/test_embed_backends.py) and share a collection."""
    digest = hashlib.sha1()
    for path in sorted(corpus):
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for f in files:
            if f.is_file():
                digest.update(f.name.encode() + f.read_bytes())
    backend = "-onnx-int8" if embed_backend == "onnx-int8" else ""
    return f"eval-{digest.hexdigest()[:12]}{backend}" + ("" if sentence_vectors == "alone" else f"-{sentence_vectors}")


def evaluate(
    settings: Settings,
    qa_paths: Sequence[Path],
    corpus: Sequence[Path],
    ks: Sequence[int] = (1, 3, 5, 10),
    baselines: bool = False,
    limit: int | None = None,
    progress: bool = True,
    assistant: Assistant | None = None,
    answerers: Sequence[str] = (),
    hold_out_every: int = 0,
) -> dict[str, Any]:
    """Ingest ``corpus`` (if given) into its own collection, run every question, return the report.

    ``answerers`` compares answerer backends over the same retrieval in one run (default: the
    configured one). ``hold_out_every`` N deletes every N-th article the questions ask about
    after ingest; its questions then count as unanswerable, which measures refusals on
    questions as close to the archive as the answerable ones."""
    items = load_qa(qa_paths)[: limit or None]
    if corpus:
        collection = corpus_collection(corpus, settings.embed_backend, settings.sentence_vectors)
        collection += f"-holdout{hold_out_every}" if hold_out_every else ""
        settings = settings.model_copy(update={"collection": collection})
    embedder = assistant.embedder if assistant else None
    assistant = Assistant.from_settings(settings, embedder=embedder)
    ingest = assistant.ingest(list(corpus), progress=progress).as_dict() if corpus else {}
    if hold_out_every:
        items = hold_out(assistant, items, hold_out_every)
    systems: dict[str, System] = {}
    for name in answerers or [settings.answerer]:
        label = f"akhbar-{settings.retrieval}" + (f"-{name}" if answerers else "")
        answering = assistant
        if name != settings.answerer:
            answering = Assistant.from_settings(settings, embedder=assistant.embedder, answerer=name)
        systems[label] = akhbar_system(answering, settings.retrieval)
    if baselines:
        systems["akhbar-dense"] = akhbar_system(assistant, "dense")
        systems["bm25-only"] = akhbar_system(assistant, "lexical")
        systems["langchain-naive"] = NaiveLangChain(assistant, corpus)
    results = {name: run_system(name, system, items, ks, progress) for name, system in systems.items()}
    return {
        "config": {
            "qa": [str(p) for p in qa_paths],
            "corpus": [str(p) for p in corpus],
            "questions": len(items),
            "hold_out_every": hold_out_every,
            "ks": list(ks),
            "settings": json.loads(settings.model_dump_json()),
        },
        "versions": {
            "python": platform.python_version(),
            **{
                pkg: version(pkg)
                for pkg in ("chromadb", "onnxruntime", "sentence-transformers", "langchain-core", "bm25s", "torch")
            },
        },
        "ingest": ingest,
        "systems": results,
    }


def run_from_cli(argv: Sequence[str], settings: Settings) -> int:
    """`akhbar eval ARGV`: the settings flags were parsed by the CLI, the rest are eval's own."""
    parser = argparse.ArgumentParser(
        prog="akhbar eval", description="Score retrieval and answers on QA sets (plus the settings flags of akhbar)."
    )
    add_arguments(parser)
    args = parser.parse_args(argv)
    # An ingest reports a missing file and goes on; an evaluation over it would score an empty
    # archive as zeros that read like results.
    missing = [str(p) for p in [*args.qa, *args.corpus] if not p.exists()]
    if missing:
        raise FileNotFoundError(f"no such file or folder: {', '.join(missing)}; nothing was scored")
    ks = sorted({int(k) for k in args.k.split(",")})
    answerers = [name.strip() for name in (args.answerers or "").split(",") if name.strip()]
    report = evaluate(
        settings,
        args.qa,
        args.corpus,
        ks,
        args.baselines,
        args.limit,
        answerers=answerers,
        hold_out_every=args.hold_out_every,
    )
    paths = write_reports(report, args.out)
    print((args.out / "report.md").read_text(encoding="utf-8"))
    print("wrote " + ", ".join(str(p) for p in paths))
    return 0
