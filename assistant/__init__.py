"""Cited answers over an Arabic news archive: ``from assistant import Assistant``."""

from assistant.records import Answer, Citation, Passage
from assistant.service import Assistant
from assistant.settings import Settings
from ingest.filters import SearchFilters

__all__ = ["Answer", "Assistant", "Citation", "Passage", "SearchFilters", "Settings"]
