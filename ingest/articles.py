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
from ingest.sanitize import clean_text

SOURCE_LINE = re.compile(r"^\s*المصدر\s*[|:：]\s*(.+?)\s*$")
KEYWORDS_HEADER = re.compile(r"^\s*كلمات\s+مفتاحية\s*:?\s*$")
SUFFIXES = (".txt", ".jsonl", ".jsonl.gz")
# A headline longer than this is a scraping accident (a whole page in the title field); it would
# be chunked and embedded with every passage of its article.
MAX_HEADLINE_CHARS = 1000


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
                # Broken links are kept, so that reading them reports them instead of passing them by.
                found = (p for p in path.rglob("*") if p.is_file() or (p.is_symlink() and not p.exists()))
                self.files += sorted(p for p in found if p.name.endswith(SUFFIXES))
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
    except OSError as exc:
        yield Skipped(str(path), f"cannot read: {exc.strerror or exc}")
        return
    except EOFError:
        yield Skipped(str(path), "truncated gzip file; re-export it")
        return
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    if path.name.endswith((".jsonl", ".jsonl.gz")):
        if not raw.strip():
            yield Skipped(str(path), "empty file; expected one JSON article per line")
        yield from _read_jsonl(str(path), raw)
        return
    try:
        yield parse_text_article(raw.decode("utf-8"), article_id=path.stem, origin=str(path))
    except UnicodeDecodeError as exc:
        yield Skipped(str(path), f"not UTF-8 (byte {exc.start}); re-save the file as UTF-8")
    except IngestError as exc:
        yield Skipped(str(path), str(exc))


def parse_text_article(text: str, article_id: str, origin: str = "") -> Article:
    """Parse the sample layout (headline, date line, body, source, keywords, related
    headlines) or plain text (headline, then body)."""
    lines = [line.strip() for line in clean_text(text).split("\n")]
    filled = [i for i, line in enumerate(lines) if line]
    if not filled:
        raise IngestError("empty file; expected a headline line followed by body paragraphs")
    headline = _headline(lines[filled[0]])
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


def _read_jsonl(label: str, raw: bytes) -> Iterator[Article | Skipped]:
    # Records end at "\n" only: str.splitlines() would also split at a U+2028 or U+0085 inside a
    # string, cutting one valid article into two invalid lines. Each line is decoded on its own,
    # so one line that is not UTF-8 costs that article only.
    for number, line in enumerate(raw.split(b"\n"), start=1):
        if line.strip():
            origin = f"{label}:{number}"
            yield _article(origin, _decode_json(origin, line, "of the line); re-save the file as UTF-8"))


def read_jsonl_upload(raw: bytes, label: str) -> Iterator[Article | Skipped]:
    """Articles pushed as JSONL: as a .jsonl file is read, lines named ``label:n``."""
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    if not raw.strip():
        yield Skipped(label, "empty; expected one JSON article per line")
    yield from _read_jsonl(label, raw)


def read_json_upload(raw: bytes, label: str) -> Iterator[Article | Skipped]:
    """Articles pushed over the API: one JSON article, a list of them, or ``{"articles": [...]}``;
    each bad one comes back as ``Skipped`` named ``label[i]``, the rest as articles."""
    record = _decode_json(label, raw.removeprefix(b"\xef\xbb\xbf"), "of the body); send it as UTF-8")
    if isinstance(record, dict) and isinstance(record.get("articles"), list):
        record = record["articles"]
    if not isinstance(record, list):
        yield _article(label, record)
        return
    if not record:
        yield Skipped(label, "an empty list; send one article or a list of them")
    for number, item in enumerate(record):
        yield _article(f"{label}[{number}]", item)


def _decode_json(origin: str, raw: bytes, where_and_fix: str) -> object:
    """The parsed JSON, or a ``Skipped`` saying why it cannot be (``where_and_fix`` ends the UTF-8 message)."""
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return Skipped(origin, f"not UTF-8 (byte {exc.start} {where_and_fix}")
    except json.JSONDecodeError as exc:
        return Skipped(origin, f"not valid JSON ({exc.msg} at column {exc.colno})")
    except RecursionError:
        return Skipped(origin, "JSON nested too deeply; an article is one flat object")
    except ValueError:  # Python refuses integers of more than 4,300 digits
        return Skipped(origin, "a number with thousands of digits; no article field holds one")


def _article(origin: str, record: object) -> Article | Skipped:
    if isinstance(record, Skipped):
        return record
    try:
        return parse_json_article(record, origin)
    except IngestError as exc:
        return Skipped(origin, str(exc))


def _headline(text: str) -> str:
    headline = " ".join(text.split())
    if len(headline) > MAX_HEADLINE_CHARS:
        raise IngestError(
            f"field 'title' has {len(headline):,} characters; a headline has at most {MAX_HEADLINE_CHARS:,}"
        )
    return headline


def parse_json_article(record: object, origin: str = "") -> Article:
    """One JSONL record: ``title`` and ``body`` required; ``id``, ``date``, ``source``,
    ``keywords``, ``url`` optional."""
    if not isinstance(record, dict):
        raise IngestError("expected a JSON object with 'title' and 'body'")
    record = {name: clean_text(value) if isinstance(value, str) else value for name, value in record.items()}
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
        headline=_headline(record["title"]),
        paragraphs=paragraphs,
        date=date,
        epoch=epoch,
        source=str(record.get("source") or ""),
        keywords=clean_text(str(keywords)),
        url=str(record.get("url") or ""),
        origin=origin,
    )
