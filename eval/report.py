"""Write an evaluation report as JSON, a Markdown table and a Recall@k plot."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

COLUMNS = [
    ("R@1", "retrieval", "recall@1"),
    ("R@5", "retrieval", "recall@5"),
    ("R@10", "retrieval", "recall@10"),
    ("MRR@10", "retrieval", "mrr@10"),
    ("nDCG@10", "retrieval", "ndcg@10"),
    ("Art R@5", "retrieval", "article_recall@5"),
    ("EM", "answers", "exact_match"),
    ("F1", "answers", "f1"),
    ("gold in short+sent.", "answers", "contains_gold"),
    ("gold in answer", "answers", "gold_in_answer"),
    ("cit P", "citations", "precision"),
    ("cit R", "citations", "recall"),
    ("refused (unans.)", "refusal", "unanswerable_refused"),
    ("refused (ans.)", "refusal", "answerable_refused"),
    ("p50 s", "latency_s", "p50"),
    ("p95 s", "latency_s", "p95"),
]


def markdown_table(report: dict[str, Any]) -> str:
    header = "| system | lang | n | " + " | ".join(c[0] for c in COLUMNS) + " |"
    lines = [header, "|" + "---|" * (len(COLUMNS) + 3)]
    for name, result in report["systems"].items():
        for lang, scores in [("all", result["all"]), *result["by_lang"].items()]:
            cells = [_cell(scores[group].get(key)) for _, group, key in COLUMNS]
            lines.append(f"| {name} | {lang} | {scores['questions']} | " + " | ".join(cells) + " |")
    ingest = report.get("ingest") or {}
    if ingest:
        lines.append(f"\nIngest: {ingest['added']} chunks added, {ingest['passages_per_second']} passages/s.")
    return "\n".join(lines) + "\n"


def _cell(value: Any) -> str:
    return "–" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)


def plot_recall(report: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ks = report["config"]["ks"]
    languages = sorted({lang for r in report["systems"].values() for lang in r["by_lang"]})
    fig, axes = plt.subplots(1, len(languages), figsize=(5 * len(languages), 4), squeeze=False)
    for ax, lang in zip(axes[0], languages):
        for name, result in report["systems"].items():
            scores = result["by_lang"].get(lang)
            if scores:
                ax.plot(ks, [scores["retrieval"][f"recall@{k}"] for k in ks], marker="o", label=name)
        ax.set_title(f"Recall@k, questions in {lang}")
        ax.set_xlabel("k")
        ax.set_ylim(0, 1)
        ax.grid(alpha=0.3)
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_reports(report: dict[str, Any], out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "report.json", out / "report.md", out / "recall_at_k.png"]
    paths[0].write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    paths[1].write_text(markdown_table(report), encoding="utf-8")
    plot_recall(report, paths[2])
    return paths
