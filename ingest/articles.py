"""Read articles from the sample layout, plain text and JSONL into ``Article`` records."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ingest.dates import parse_arabic_date, parse_iso_date, to_epoch

SOURCE_LINE = re.compile(r"^\s*المصدر\s*[|:：]\s*(.+?)\s*$")
KEYWORDS_HEADER = re.compile(r"^\s*كلمات\s+مفتاحية\s*:?\s*$")
SUFFIXES = (".txt", ".jsonl", ".jsonl.gz")


class IngestError(ValueError):
    """An article that cannot be read; the message names the file and what is wrong."""


@dataclass(frozen=True)
class Article:
    id: str
    headline: str
    paragraphs: list[str]
    date: str | None = None  # ISO 8601
    epoch: int | None = None
    source: str = ""
    keywords: str = ""
    url: str = ""
    origin: str = ""  # file (and line) it came from

    @property
    def fingerprint(self) -> str:
        """Hash of everything stored for the article: a change means re-chunking."""
        payload = json.dumps(
            [self.headline, self.paragraphs, self.date, self.source, self.keywords, self.url], ensure_ascii=False
        )
        return hashlib.sha1(payload.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Skipped:
    """An input that was reported and left out."""

    origin: str
    reason: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.reason}"


@dataclass
class ArticleSource:
    """The article files under some paths, walked in a stable order."""

    paths: list[Path]
    files: list[Path] = field(init=False)

    def __post_init__(self) -> None:
        self.files = []
        for path in self.paths:
            if path.is_dir():
                self.files += sorted(p for p in path.rglob("*") if p.is_file() and p.name.endswith(SUFFIXES))
            else:
                self.files.append(path)

    def __iter__(self) -> Iterator[Article | Skipped]:
        for path in self.files:
            yield from read_file(path)


def read_file(path: Path) -> Iterator[Article | Skipped]:
    """Every article in one file; unreadable parts come back as ``Skipped``, never raised."""
    try:
        raw = path.read_bytes()
        if path.name.endswith(".gz"):
            raw = gzip.decompress(raw)
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        yield Skipped(str(path), f"not UTF-8 (byte {exc.start}); re-save the file as UTF-8")
        return
    except OSError as exc:
        yield Skipped(str(path), f"cannot read: {exc.strerror or exc}")
        return
    except EOFError:
        yield Skipped(str(path), "truncated gzip file; re-export it")
        return
    if path.name.endswith((".jsonl", ".jsonl.gz")):
        yield from _read_jsonl(path, text)
        return
    try:
        yield parse_text_article(text, article_id=path.stem, origin=str(path))
    except IngestError as exc:
        yield Skipped(str(path), str(exc))


def parse_text_article(text: str, article_id: str, origin: str = "") -> Article:
    """Parse the sample layout (headline, date line, body, source, keywords, related
    headlines) or plain text (headline, then body)."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
    filled = [i for i, line in enumerate(lines) if line]
    if not filled:
        raise IngestError("empty file; expected a headline line followed by body paragraphs")
    headline = lines[filled[0]]
    body_start = filled[0] + 1
    date = None
    if len(filled) > 1:
        date = parse_arabic_date(lines[filled[1]])
        if date is not None:
            body_start = filled[1] + 1

    body: list[str] = []
    source, keywords = "", ""
    rest = iter(lines[body_start:])
    for line in rest:
        if match := SOURCE_LINE.match(line):
            source = match.group(1)
        elif KEYWORDS_HEADER.match(line):
            keywords = next((kw for kw in rest if kw), "")
            break  # what follows the keywords is the related-headlines list, not body text
        elif line:
            body.append(line)
    if not body:
        raise IngestError("no body text after the headline" + (" and date line" if date else ""))
    return Article(
        id=article_id,
        headline=headline,
        paragraphs=body,
        date=date.isoformat() if date else None,
        epoch=to_epoch(date) if date else None,
        source=source,
        keywords=keywords,
        origin=origin,
    )


def _read_jsonl(path: Path, text: str) -> Iterator[Article | Skipped]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        origin = f"{path}:{number}"
        try:
            yield parse_json_article(json.loads(line), origin)
        except json.JSONDecodeError as exc:
            yield Skipped(origin, f"not valid JSON ({exc.msg} at column {exc.colno})")
        except IngestError as exc:
            yield Skipped(origin, str(exc))


def parse_json_article(record: object, origin: str = "") -> Article:
    """One JSONL record: ``title`` and ``body`` required; ``id``, ``date``, ``source``,
    ``keywords``, ``url`` optional."""
    if not isinstance(record, dict):
        raise IngestError("expected a JSON object with 'title' and 'body'")
    for name in ("title", "body"):
        if not isinstance(record.get(name), str) or not record[name].strip():
            raise IngestError(f"field '{name}' is missing or empty; it must be a non-empty string")
    body = record["body"]
    blocks = re.split(r"\n\s*\n", body) if "\n\n" in body else body.split("\n")
    paragraphs = [p.strip() for p in blocks if p.strip()]
    abstract = str(record.get("abstract") or "").strip()
    if abstract and paragraphs and not paragraphs[0].startswith(abstract[:40]):
        paragraphs.insert(0, abstract)  # the lead is body text when the body does not repeat it

    date, epoch = None, None
    if record.get("date"):
        try:
            moment = parse_iso_date(str(record["date"]))
        except ValueError as exc:
            raise IngestError(f"field 'date': {exc}") from exc
        date, epoch = moment.isoformat(), to_epoch(moment)
    keywords = record.get("keywords") or ""
    if isinstance(keywords, list):
        keywords = "، ".join(map(str, keywords))
    if record.get("category"):
        keywords = " ".join(filter(None, [str(keywords), str(record["category"])]))
    article_id = str(record.get("id") or hashlib.sha1((record["title"] + body).encode()).hexdigest()[:16])
    return Article(
        id=article_id,
        headline=record["title"].strip(),
        paragraphs=paragraphs,
        date=date,
        epoch=epoch,
        source=str(record.get("source") or ""),
        keywords=str(keywords),
        url=str(record.get("url") or ""),
        origin=origin,
    )
