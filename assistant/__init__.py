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
    # Imported on first use (PEP 562): the service pulls in Chroma, torch and LangChain (about 4 s),
    # which `akhbar --help` and the light modules (settings, records) do without.
    if name == "Assistant":
        from assistant.service import Assistant

        return Assistant
    raise AttributeError(f"module 'assistant' has no attribute {name!r}")
