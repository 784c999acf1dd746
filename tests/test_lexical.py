"""Term coverage: how much of a question's rare vocabulary a passage holds."""

import bm25s
import pytest

from assistant.evidence import weighted_coverage
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


def coverage(index: LexicalIndex, question: str, text: str) -> float:
    """As retrieval and the answerer weigh it: the question's terms by the archive's idf."""
    return weighted_coverage({t: index.idf(t) for t in analyze(question)}, frozenset(analyze(text)))


def test_a_rare_term_covers_more_of_the_question_than_a_common_one(index: LexicalIndex):
    question = "اجتماع خراسان"
    rare, common = coverage(index, question, TEXTS[3]), coverage(index, question, TEXTS[0])
    assert rare > 0.5 > common > 0
    assert coverage(index, question, "اجتماع جماعة خراسان") == pytest.approx(1.0)
    assert coverage(index, question, "طقس مشمس") == 0.0


def test_a_term_the_archive_lacks_weighs_most(index: LexicalIndex):
    assert coverage(index, "اجتماع", TEXTS[0]) == pytest.approx(1.0)
    partial = coverage(index, "اجتماع طوكيو", TEXTS[0])  # no article mentions Tokyo
    assert 0 < partial < 0.5
