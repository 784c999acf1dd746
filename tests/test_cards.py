"""Source cards render article text as text: only web links become links."""

from dataclasses import replace

import pytest
from conftest import make_passage

from assistant.records import Citation
from assistant.ui import render_card


@pytest.mark.parametrize("url", ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,<b>x</b>"])
def test_a_link_that_is_not_the_web_is_not_linked(url: str):
    card = render_card(replace(Citation.of(1, make_passage("نص."), ""), url=url, headline="<b>عنوان</b>"))
    assert "href" not in card and "&lt;b&gt;عنوان&lt;/b&gt;" in card


def test_a_web_link_opens_the_article():
    card = render_card(replace(Citation.of(1, make_passage("نص."), ""), url="https://news.example/a?x=1&y=2"))
    assert 'href="https://news.example/a?x=1&amp;y=2"' in card
