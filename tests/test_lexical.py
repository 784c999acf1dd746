"""Term coverage: how much of a question's rare vocabulary a passage holds."""

import bm25s
import pytest

from ingest.arabic import analyze
from ingest.lexical import LexicalIndex
from ingest.transliteration import NameLexicon

TEXTS = [
    "عقد الاجتماع في حلب",
    "انتهى الاجتماع دون اتفاق",
    "تأجل الاجتماع إلى الأسبوع المقبل",
    "جماعة خراسان في سوريا",
]


@pytest.fixture
def index() -> LexicalIndex:
    bm25 = bm25s.BM25()
    bm25.index([analyze(t) for t in TEXTS], show_progress=False)
    return LexicalIndex([str(i) for i in range(len(TEXTS))], [{}] * len(TEXTS), 0, bm25, NameLexicon({}))


def test_a_rare_term_covers_more_of_the_question_than_a_common_one(index: LexicalIndex):
    question = "اجتماع خراسان"
    rare, common = index.coverage(question, TEXTS[3]), index.coverage(question, TEXTS[0])
    assert rare is not None and common is not None
    assert rare > 0.5 > common > 0
    assert index.coverage(question, "اجتماع جماعة خراسان") == pytest.approx(1.0)
    assert index.coverage(question, "طقس مشمس") == 0.0


def test_a_term_the_archive_lacks_weighs_most(index: LexicalIndex):
    assert index.coverage("اجتماع", TEXTS[0]) == pytest.approx(1.0)
    partial = index.coverage("اجتماع طوكيو", TEXTS[0])  # no article mentions Tokyo
    assert partial is not None and 0 < partial < 0.5


def test_a_question_without_search_terms_has_no_coverage(index: LexicalIndex):
    assert index.coverage("ما هو؟", TEXTS[0]) is None
