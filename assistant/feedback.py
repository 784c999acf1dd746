"""Analysts' verdicts on answers, kept as JSONL beside the archive and exported as the QA lines
`akhbar eval --qa` reads: a correction becomes a regression test."""

from __future__ import annotations

import json
import threading
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.language import detect_language
from ingest.arabic import normalize_arabic

RATINGS = ("up", "down")


@dataclass(frozen=True)
class Feedback:
    question: str
    rating: str  # "up" or "down"
    answer: dict[str, Any]  # the Answer as the API returns it (Answer.as_dict())
    correction: str = ""  # "the right answer is …"
    history: tuple[str, ...] = ()
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    time: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    def __post_init__(self) -> None:
        if self.rating not in RATINGS:
            raise ValueError(f"rating must be one of {', '.join(RATINGS)}, not {self.rating!r}")

    def qa_line(self) -> dict[str, Any] | None:
        """This verdict as a QA line, or None when it gives no gold: a thumbs-down without a
        correction says the answer is wrong, not what is right."""
        line: dict[str, Any] = {"id": f"feedback-{self.id}", "question": self.question}
        line["lang"] = self.answer.get("language") or detect_language(self.question)
        if self.correction:
            return line | {"answers": [self.correction], "article_id": self._article_holding(self.correction)}
        if self.rating == "down":
            return None
        if not self.answer.get("answered"):
            return line | {"unanswerable": True}  # a refusal the analyst agreed with
        gold = self.answer.get("short_answer") or self.answer.get("answer_sentence") or self.answer.get("text", "")
        citations = self.answer.get("citations") or [{}]
        return line | {"answers": [gold], "article_id": citations[0].get("article_id")}

    def _article_holding(self, text: str) -> str | None:
        """The article of the first cited or retrieved passage that holds ``text``."""
        wanted = normalize_arabic(text)
        for passage in [*self.answer.get("citations", []), *self.answer.get("passages", [])]:
            body = passage.get("passage") or passage.get("text") or ""
            if wanted and wanted in normalize_arabic(body):
                return str(passage.get("article_id"))
        return None


class FeedbackLog:
    """Append-only JSONL: one line per verdict; lines are short, so appends from several
    processes do not interleave."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def add(self, feedback: Feedback) -> None:
        line = json.dumps(asdict(feedback), ensure_ascii=False) + "\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # errors="replace": a lone surrogate somewhere in a posted answer must not lose the verdict
        with self._lock, self.path.open("a", encoding="utf-8", errors="replace") as out:
            out.write(line)

    def read(self) -> list[Feedback]:
        if not self.path.is_file():
            return []
        lines = self.path.read_text(encoding="utf-8").splitlines()
        return [Feedback(**{**r, "history": tuple(r.get("history", ()))}) for r in map(json.loads, lines) if r]

    def export_qa(self, out: Path) -> tuple[int, int]:
        """Write the verdicts that give a gold as QA lines; returns (written, left out)."""
        feedback = self.read()
        lines = [line for line in (f.qa_line() for f in feedback) if line is not None]
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
        return len(lines), len(feedback) - len(lines)
