"""Metadata filters (date range, source, keyword) shared by both retrieval legs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ingest.dates import parse_iso_date, to_epoch


class FilterError(ValueError):
    """A filter value that cannot be read; ``field`` names the filter ("since", "until")."""

    def __init__(self, field: str, value: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.value = value


@dataclass(frozen=True)
class SearchFilters:
    since: int | None = None  # epoch seconds, inclusive
    until: int | None = None  # epoch seconds, inclusive
    source: str | None = None
    keyword: str | None = None
    exclude_articles: frozenset[str] = frozenset()  # e.g. an article held out to measure refusals

    @classmethod
    def parse(
        cls,
        since: str | date | None = None,
        until: str | date | None = None,
        source: str | None = None,
        keyword: str | None = None,
    ) -> SearchFilters:
        """From ISO dates as users type them; ``until`` a bare date includes that whole day."""

        def epoch(value: str | date | None, end_of_day: bool) -> int | None:
            if value in (None, ""):
                return None
            try:
                moment = value if isinstance(value, datetime) else parse_iso_date(str(value))
            except ValueError as exc:
                raise FilterError("until" if end_of_day else "since", str(value), str(exc)) from exc
            bare = isinstance(value, date) and not isinstance(value, datetime) or len(str(value).strip()) == 10
            return to_epoch(moment) + (86399 if end_of_day and bare else 0)

        return cls(epoch(since, False), epoch(until, True), source or None, keyword or None)

    @property
    def active(self) -> bool:
        return bool(self.exclude_articles) or any(
            v is not None for v in (self.since, self.until, self.source, self.keyword)
        )

    def chroma_where(self) -> dict[str, Any] | None:
        """The part Chroma can evaluate itself (the keyword test is a substring check, done after)."""
        clauses: list[dict[str, Any]] = []
        if self.since is not None:
            clauses.append({"epoch": {"$gte": self.since}})
        if self.until is not None:
            clauses.append({"epoch": {"$lte": self.until}})
        if self.source:
            clauses.append({"source": self.source})
        if self.exclude_articles:
            clauses.append({"article_id": {"$nin": sorted(self.exclude_articles)}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def matches(self, metadata: dict[str, Any]) -> bool:
        epoch = metadata.get("epoch")
        if self.since is not None and (epoch is None or epoch < self.since):
            return False
        if self.until is not None and (epoch is None or epoch > self.until):
            return False
        if self.source and metadata.get("source") != self.source:
            return False
        if metadata.get("article_id") in self.exclude_articles:
            return False
        return not self.keyword or self.keyword in str(metadata.get("keywords", ""))
