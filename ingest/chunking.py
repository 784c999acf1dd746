"""Split an article into token-bounded chunks on paragraph and sentence boundaries."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from typing import Any

from ingest.articles import Article

# After . ! ? and the Arabic question mark and semicolon; the Arabic comma only
# splits a sentence that alone is longer than a chunk.
SENTENCE_END = re.compile(r"(?<=[.!?؟؛…])\s+")
CLAUSE_END = re.compile(r"(?<=[،,:])\s+")
MODEL_LIMIT = 512  # multilingual-e5-small's position table
MIN_SENTENCE_CHARS = 12  # shorter "sentences" are list bullets and bylines, never an answer
PASSAGE_PREFIX = "passage: "

TokenCounter = Callable[[str], int]


@dataclass(frozen=True)
class Chunk:
    id: str
    article: Article
    text: str
    paragraph: int  # first paragraph (0-based) the chunk covers
    paragraph_end: int  # last paragraph it covers
    index: int  # position among the article's chunks

    @property
    def embedding_text(self) -> str:
        """What is embedded: the headline gives every chunk its article's context."""
        return f"{self.article.headline}\n{self.text}"

    @property
    def meta(self) -> ChunkMeta:
        a = self.article
        return ChunkMeta(
            article_id=a.id,
            headline=a.headline,
            date=a.date or "",
            source=a.source,
            keywords=a.keywords,
            url=a.url,
            paragraph=self.paragraph,
            paragraph_end=self.paragraph_end,
            chunk_index=self.index,
            fingerprint=a.fingerprint,
            epoch=a.epoch,
        )


@dataclass(frozen=True)
class ChunkMeta:
    """What is stored with a chunk: where it comes from (article, paragraphs) and how to filter it."""

    article_id: str
    headline: str = ""
    date: str = ""  # ISO 8601, "" when unknown
    source: str = ""
    keywords: str = ""
    url: str = ""
    paragraph: int = 0  # first paragraph (0-based) the chunk covers
    paragraph_end: int = 0  # last paragraph it covers
    chunk_index: int = 0
    fingerprint: str = ""  # the article's content hash
    epoch: int | None = None  # the date as Unix seconds, for range filters

    def to_metadata(self) -> dict[str, str | int]:
        """As Chroma stores it (no None values: an undated chunk has no epoch key)."""
        return {k: v for k, v in asdict(self).items() if v is not None}

    @classmethod
    def from_metadata(cls, meta: Mapping[str, Any]) -> ChunkMeta:
        """From Chroma's stored dict; keys this version does not know are ignored."""
        known = {f.name for f in fields(cls)} & set(meta)
        values = {k: meta[k] for k in known}
        values.setdefault("paragraph_end", values.get("paragraph", 0))
        return cls(**values)

    @property
    def filter_fields(self) -> dict[str, Any]:
        """The fields search filters read (article, date, source, keywords)."""
        return {"article_id": self.article_id, "epoch": self.epoch, "source": self.source, "keywords": self.keywords}


def search_text(headline: str, date: str, text: str) -> str:
    """What the lexical index sees of a chunk: headline and date are searchable too."""
    return f"{headline}\n{date}\n{text}"


@dataclass(frozen=True)
class _Unit:
    paragraph: int
    text: str
    tokens: int


def split_sentences(paragraph: str) -> list[str]:
    return [s.strip() for s in SENTENCE_END.split(paragraph) if s.strip()]


def passage_sentences(text: str) -> list[str]:
    """The sentences of a chunk's text that an answer may quote (their vectors are stored at ingest)."""
    return [s for line in text.split("\n") for s in split_sentences(line) if len(s) >= MIN_SENTENCE_CHARS]


def chunk_article(article: Article, count_tokens: TokenCounter, max_tokens: int, overlap: int) -> list[Chunk]:
    """Pack sentences into chunks of at most ``max_tokens`` model tokens, carrying up to
    ``overlap`` tokens of trailing sentences into the next chunk."""
    headroom = MODEL_LIMIT - 2 - count_tokens(f"{PASSAGE_PREFIX}{article.headline}\n")
    budget = max(16, min(max_tokens, headroom))
    units = [
        unit
        for index, paragraph in enumerate(article.paragraphs)
        for sentence in split_sentences(paragraph)
        for unit in _fit(index, sentence, count_tokens, budget)
    ]
    groups: list[list[_Unit]] = []
    current: list[_Unit] = []
    for unit in units:
        size = sum(u.tokens for u in current)
        # A new paragraph starts a new chunk once the current one is half full: chunks that
        # mix topics embed worse (measured on XQuAD-ar, see README), short news paragraphs still merge.
        new_paragraph = bool(current) and unit.paragraph != current[-1].paragraph and size >= budget // 2
        if current and (size + unit.tokens > budget or new_paragraph):
            groups.append(current)
            current = [] if new_paragraph else _tail(current, overlap, budget - unit.tokens)
        current.append(unit)
    if current:
        groups.append(current)
    return [_make_chunk(article, group, i) for i, group in enumerate(groups)]


def _fit(paragraph: int, sentence: str, count_tokens: TokenCounter, budget: int) -> list[_Unit]:
    """A sentence as units that each fit the budget: whole, by clauses, or by words."""
    tokens = count_tokens(sentence)
    if tokens <= budget:
        return [_Unit(paragraph, sentence, tokens)]
    pieces = CLAUSE_END.split(sentence)
    if len(pieces) == 1:
        words = sentence.split()
        if len(words) == 1:
            return [_Unit(paragraph, sentence, tokens)]  # one giant token run; the model truncates it
        half = len(words) // 2
        pieces = [" ".join(words[:half]), " ".join(words[half:])]
    return [unit for piece in pieces for unit in _fit(paragraph, piece, count_tokens, budget)]


def _tail(units: list[_Unit], overlap: int, room: int) -> list[_Unit]:
    """The trailing units worth at most ``overlap`` tokens (and fitting ``room``)."""
    tail: list[_Unit] = []
    total = 0
    for unit in reversed(units):
        total += unit.tokens
        if total > min(overlap, room):
            break
        tail.insert(0, unit)
    return tail


def _make_chunk(article: Article, units: list[_Unit], index: int) -> Chunk:
    parts: list[str] = []
    for previous, unit in zip([None, *units], units):
        if previous is not None:
            parts.append(" " if previous.paragraph == unit.paragraph else "\n")
        parts.append(unit.text)
    text = "".join(parts)
    digest = hashlib.sha1(f"{article.id}\x1f{article.fingerprint}\x1f{index}\x1f{text}".encode()).hexdigest()
    return Chunk(
        id=f"{article.id[:40]}-{digest[:16]}",
        article=article,
        text=text,
        paragraph=units[0].paragraph,
        paragraph_end=units[-1].paragraph,
        index=index,
    )


def paragraphs_of(chunks: Sequence[tuple[int, str]]) -> list[str]:
    """An article's paragraphs read back from its chunks, given as (first paragraph, text) in
    chunk order: the inverse of `chunk_article` up to whitespace. A chunk's lines are consecutive
    paragraphs; the sentences a chunk repeats from the one before (its overlap) are kept once."""
    paragraphs: dict[int, str] = {}
    for first, text in chunks:
        for number, line in enumerate(text.split("\n"), first):
            so_far = paragraphs.get(number, "")
            paragraphs[number] = f"{so_far} {line[_overlap(so_far, line) :].strip()}".strip()
    return [paragraphs[n] for n in sorted(paragraphs)]


def _overlap(before: str, after: str) -> int:
    """Length of the longest start of ``after`` that ``before`` ends with, on a word boundary."""
    for size in range(min(len(before), len(after)), 0, -1):
        if before.endswith(after[:size]) and (size == len(after) or after[size] == " "):
            return size
    return 0
