"""The chat's words in Arabic and English, and the language a browser asks for."""

import pytest

from assistant.ui import error_message
from assistant.ui_text import preferred_language, ui_text
from ingest.filters import FilterError, SearchFilters


def test_both_languages_have_every_string():
    arabic, english = ui_text("ar"), ui_text("en")
    assert set(arabic) == set(english)
    assert all(arabic[key] != english[key] for key in arabic if key not in {"failed"})  # nothing left untranslated


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("en-US,en;q=0.9", "en"),
        ("ar-EG,ar;q=0.9,en;q=0.8", "ar"),
        ("fr-FR,fr;q=0.9,en;q=0.5,ar;q=0.7", "ar"),  # neither first: the higher of the two
        ("de-DE", "ar"),  # neither: Arabic, the archive's language
        ("", "ar"),
        ("en;q=0", "ar"),  # q=0 means "not this one"
        ("en;q=oops,ar", "ar"),
    ],
)
def test_the_page_language_follows_accept_language(header: str, language: str):
    assert preferred_language(header) == language


def test_a_bad_date_filter_is_explained_in_the_pages_language():
    with pytest.raises(FilterError) as caught:
        SearchFilters.parse("2018-13-45")
    assert caught.value.field == "since"
    english = error_message(caught.value, ui_text("en"), 500)
    assert english.startswith("⚠ “2018-13-45” is not a date (From (YYYY-MM-DD))")
    assert "ليس تاريخاً" in error_message(caught.value, ui_text("ar"), 500)
