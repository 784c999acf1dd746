"""The English-Arabic glossary: dictd's files read, English inflections undone, the real dictionary
that `make glossary` fetches, and an English question's common words counted in Arabic."""

from __future__ import annotations

import gzip
import logging
from pathlib import Path

import pytest
from conftest import MODELS

from assistant.glossary import NAME, Glossary
from assistant.service import Assistant
from assistant.settings import Settings
from ingest.arabic import analyze

_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def _digits(n: int) -> str:
    out = ""
    while True:
        out = _DIGITS[n % 64] + out
        n //= 64
        if not n:
            return out


def write_dictd(folder: Path, entries: dict[str, str]) -> None:
    """A dictionary as dictd lays it out: a header entry, then one entry per headword."""
    body, index = b"", []
    for headword, text in {"00-database-info": "FreeDict test", **entries}.items():
        entry = f"{headword}\n{text}\n".encode()
        index.append(f"{headword}\t{_digits(len(body))}\t{_digits(len(entry))}")
        body += entry
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{NAME}.dict.dz").write_bytes(gzip.compress(body))
    (folder / f"{NAME}.index").write_text("\n".join(index) + "\n", encoding="utf-8")


def test_a_word_or_its_uninflected_form_is_translated(tmp_path: Path):
    write_dictd(
        tmp_path,
        {"Election": "الإنتخاب", "Copy": "النسخة", "Restore": "أعاد", "Turnout": "الإقبال", "Real estate": "العقار"},
    )
    glossary = Glossary.load(tmp_path)
    assert glossary.translate("turnout") == ("الإقبال",)
    assert glossary.translate("Elections") == ("الإنتخاب",)
    assert glossary.translate("copies") == ("النسخة",)
    assert glossary.translate("restored") == ("أعاد",)
    assert glossary.translate("estate") == ()  # a phrase's word is not the phrase
    assert glossary.translate("database") == ()  # the header is no entry: it has no Arabic


def test_a_missing_dictionary_leaves_the_glossary_empty_and_says_how_to_get_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
):
    with caplog.at_level(logging.WARNING):
        glossary = Glossary.load(tmp_path / "nowhere")
    assert glossary.translate("turnout") == ()
    assert "nowhere" in caplog.text and "make glossary" in caplog.text


def test_the_fetched_dictionary_translates_news_words():
    glossary = Glossary.load(Settings(model_cache=MODELS).glossary_dir)
    assert len(glossary.entries) > 80_000
    assert glossary.translate("turnout") == ("الإقبال",)
    assert analyze(glossary.translate("Chemistry")[0]) == analyze("الكيمياء")
    assert glossary.translate("goalkeepers") == ("حارس المرمى",)


def test_an_english_questions_common_words_count_in_arabic_where_the_archive_uses_them(archive: Assistant):
    query = archive.retriever.query("Where did the group hold its secret meeting?")
    assert set(analyze("الاجتماع")) <= set(query.terms)  # "meeting"
    quoted = archive.retriever.query("Who was quoted at the meeting?")
    assert archive.retriever.lexical.rarity("مقتبس") == 1.0  # the archive never uses the translation
    assert "مقتبس" not in quoted.terms and set(analyze("الاجتماع")) <= set(quoted.terms)
