"""A chat exchange kept: as Markdown with numbered references an analyst can paste into a note,
and as JSON (every question with its whole Answer) for scripts."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from prompts import load_prompt

Turn = dict[str, Any]  # {"question": str, "answer": Answer.as_dict()}


def to_markdown(turns: Sequence[Turn], now: datetime | None = None) -> str:
    """Each question and its answer, then its references: headline, outlet, date, paragraph, URL."""
    moment = (now or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    lines = [f"# Akhbar · أخبار — {moment}", ""]
    for number, turn in enumerate(turns, start=1):
        answer = turn["answer"]
        lines += [f"## {number}. {turn['question']}", "", answer.get("text", "").strip(), ""]
        citations = answer.get("citations") or []
        if citations:
            lines += [f"**{load_prompt('sources_label', answer.get('language') or 'ar')}**", ""]
        for c in citations:
            where = ", ".join(filter(None, [c.get("source", ""), (c.get("date") or "")[:10], f"¶{c['paragraph'] + 1}"]))
            url = f" <{c['url']}>" if c.get("url") else ""
            lines.append(f"[{c['n']}] {c.get('headline', '')} ({where}){url}")
        lines.append("")
    return "\n".join(lines)


def to_json(turns: Sequence[Turn]) -> str:
    return json.dumps({"turns": list(turns)}, ensure_ascii=False, indent=2)
