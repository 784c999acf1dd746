"""Cited answers over an Arabic news archive: ``from assistant import Assistant``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from assistant.records import Answer, Citation, Passage
from assistant.settings import Settings
from ingest.filters import SearchFilters

if TYPE_CHECKING:
    from assistant.service import Assistant

__all__ = ["Answer", "Assistant", "Citation", "Passage", "SearchFilters", "Settings"]


def __getattr__(name: str) -> Any:
    # Imported on first use: ingest modules import assistant.settings, and the service imports them.
    if name == "Assistant":
        from assistant.service import Assistant

        return Assistant
    raise AttributeError(f"module 'assistant' has no attribute {name!r}")
