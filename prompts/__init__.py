"""Prompt templates and answer scaffolding, one file per (language, name)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

FOLDER = Path(__file__).parent
LANGUAGES = ("ar", "en")


@cache
def load_prompt(name: str, language: str) -> str:
    """The text of ``prompts/<language>/<name>.txt`` (English when the language is unknown)."""
    path = FOLDER / (language if language in LANGUAGES else "en") / f"{name}.txt"
    if not path.is_file():
        raise FileNotFoundError(f"prompt {path} is missing; every prompt exists in {', '.join(LANGUAGES)}")
    return path.read_text(encoding="utf-8").rstrip("\n")
