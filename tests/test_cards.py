"""Source cards render article text as text: only web links become links."""

from dataclasses import replace

import pytest
from conftest import make_passage

from assistant.records import Citation
from assistant.ui import render_card as render
from assistant.ui_text import ui_text


def render_card(citation: Citation) -> str:
    return render(citation, 1, ui_text("en"), "/articles", "en")


def headline_of(card: str) -> str:
    return card.partition('<div class="headline">')[2].partition("</div>")[0]


@pytest.mark.parametrize("url", ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,<b>x</b>"])
def test_a_link_that_is_not_the_web_is_not_linked(url: str):
    card = render_card(replace(Citation.of(1, make_passage("نص."), ""), url=url, headline="<b>عنوان</b>"))
    assert headline_of(card) == "&lt;b&gt;عنوان&lt;/b&gt;"  # no link, the markup shown as text
    assert 'href="/articles/a1?chunk=' in card  # the archive's own copy still opens


def test_a_web_link_opens_the_article():
    card = render_card(replace(Citation.of(1, make_passage("نص."), ""), url="https://news.example/a?x=1&y=2"))
    assert 'href="https://news.example/a?x=1&amp;y=2"' in card
