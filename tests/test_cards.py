"""Source cards render article text as text: only web links become links."""

from dataclasses import replace

import pytest
from conftest import make_passage

from assistant.records import Answer, Citation
from assistant.ui import answer_bubble
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


def test_an_arabic_short_answer_in_an_english_line_keeps_its_citation_after_it():
    passage = make_passage("لم يتخل فريق بانثرز سوى عن 308 نقطة.")
    answer = Answer(
        text="Answer: 308 نقطة [1]\n\nFrom the archive, quoted as published:\nلم يتخل فريق بانثرز سوى عن 308 نقطة. [1]",
        language="en",
        citations=[Citation.of(1, passage, passage.text)],
        passages=[passage],
        short_answer="308 نقطة",
    )
    lead = answer_bubble(answer, 1).partition('<div class="short-answer">')[2].partition("</div>")[0]
    assert lead == 'Answer: <bdi>308 نقطة</bdi> <a class="cite" href="#card-1-1">[1]</a>'
