"""The chat's own words (labels, placeholders, empty states, errors) in Arabic and English, and
which of the two a browser asks for."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

TEXT_PATH = Path(__file__).parent / "static" / "ui-text.json"
UI_LANGUAGES = ("ar", "en")
DEFAULT_LANGUAGE = "ar"  # an Arabic archive: Arabic unless the browser prefers English


@cache
def ui_text(language: str) -> dict[str, str]:
    """Every string of the chat in ``language`` ("ar" or "en")."""
    return json.loads(TEXT_PATH.read_text(encoding="utf-8"))[language]


def preferred_language(accept_language: str | None) -> str:
    """ "ar" or "en", whichever ``Accept-Language`` ranks higher ("en-US,en;q=0.9,ar;q=0.8" -> "en")."""
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate((accept_language or "").split(",")):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        language = tag.strip().lower().split("-")[0]
        if language in UI_LANGUAGES and quality > 0:
            ranked.append((-quality, position, language))
    return min(ranked)[2] if ranked else DEFAULT_LANGUAGE
