"""Token budgets: the passages that fit, highest-ranked first, with tiktoken's real counts."""

from conftest import make_passage

from assistant.budget import fit_passages, tiktoken_counter
from assistant.generative import format_passages

COUNT = tiktoken_counter("cl100k_base_offline")
SENTENCES = [f"عقد المجلس اجتماعه رقم {n} في مدينة حلب وناقش ملف المساعدات الإنسانية." for n in range(6)]
PASSAGES = [make_passage(" ".join(SENTENCES), article_id=f"a{n}", chunk_id=f"c{n}") for n in range(5)]


def render(chosen):
    return "Answer from these passages.\n" + format_passages(chosen, "ar")


def test_the_counter_is_tiktoken_offline():
    assert COUNT("hello world") == 2 and COUNT("عقد المجلس اجتماعه") > 3


def test_all_passages_when_they_fit():
    assert fit_passages(PASSAGES, render, COUNT, budget=100_000) == PASSAGES


def test_top_ranked_first_and_the_last_trimmed_at_a_sentence():
    whole = COUNT(render(PASSAGES[:2]))
    budget = whole + COUNT(render(PASSAGES[:3])) - whole - 60  # the third passage fits only in part
    given = fit_passages(PASSAGES, render, COUNT, budget)
    assert COUNT(render(given)) <= budget
    assert given[:2] == PASSAGES[:2] and len(given) == 3
    assert given[2].chunk_id == PASSAGES[2].chunk_id and given[2].text in PASSAGES[2].text
    assert given[2].text.endswith(".") and len(given[2].text) < len(PASSAGES[2].text)


def test_nothing_when_not_one_sentence_fits():
    assert fit_passages(PASSAGES, render, COUNT, budget=COUNT(render([])) + 3) == []
