"""The lexical leg: term coverage by idf, and a BM25 index that keeps up with writes without a rebuild."""

from pathlib import Path

import bm25s
import numpy as np
import pytest

from assistant.evidence import weighted_coverage
from ingest.arabic import analyze
from ingest.articles import Article
from ingest.chunking import chunk_article
from ingest.lexical import LexicalIndex, LiveLexicalIndex
from ingest.store import ChunkStore
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


NEWS = [
    ("oil", "ارتفعت أسعار النفط في الأسواق العالمية", "ارتفع سعر برميل النفط إلى ثمانين دولارا بعد قرار أوبك."),
    ("gold", "تراجع الذهب", "تراجع سعر الذهب في بورصة لندن مع صعود الدولار."),
    ("rain", "أمطار غزيرة في عمان", "هطلت أمطار غزيرة على العاصمة الأردنية عمان وأغلقت طرقا."),
    ("match", "الأهلي يفوز على الزمالك", "فاز الأهلي على الزمالك بهدفين في نهائي الكأس."),
    ("vote", "انتخابات بلدية في تونس", "أدلى الناخبون في تونس بأصواتهم في أول انتخابات بلدية."),
    ("quake", "زلزال في إيران", "ضرب زلزال بقوة ست درجات غرب إيران وأسقط قتلى."),
]


def write(store: ChunkStore, *keys: str) -> None:
    """Store the NEWS articles named by ``keys``, with arbitrary unit vectors (no model needed)."""
    chunks = [
        c
        for key, headline, body in NEWS
        if key in keys
        for c in chunk_article(Article(key, headline, [body]), lambda text: len(text.split()), 64, 0)
    ]
    vectors = np.random.default_rng(len(chunks)).normal(size=(len(chunks), 8))
    store.add(chunks, vectors / np.linalg.norm(vectors, axis=1, keepdims=True))


def articles(hits: list[tuple[str, float]], store: ChunkStore) -> list[str]:
    return [c.meta.article_id for c in store.get([i for i, _ in hits])]


@pytest.fixture
def store(tmp_path: Path) -> ChunkStore:
    return ChunkStore("live", tmp_path / "chroma")


def test_rarity_runs_from_a_common_word_to_one_the_archive_lacks(store: ChunkStore, tmp_path: Path):
    write(store, "oil", "gold", "rain", "match")
    live = LiveLexicalIndex(store, tmp_path / "lexical", merge_min=100)
    twice, once, absent = (live.current().rarity(t) for t in analyze("سعر أوبك طوكيو"))
    assert 0 < twice < once < absent == pytest.approx(1.0)
    write(store, "vote", "quake")  # two passages more, in the delta, without "أوبك": rarer now
    snapshot = live.current()
    assert len(snapshot.delta) == 2 and snapshot.rarity(analyze("أوبك")[0]) > once


QUESTIONS = ["سعر النفط", "سعر الذهب والدولار", "أمطار عمان", "انتخابات تونس", "زلزال إيران", "الأهلي الزمالك"]


def test_writes_after_the_saved_index_are_searched_without_a_rebuild(
    store: ChunkStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    write(store, "oil", "gold", "rain")
    live = LiveLexicalIndex(store, tmp_path / "lexical", merge_min=100)
    live.settle()
    monkeypatch.setattr(LexicalIndex, "build", lambda store: pytest.fail("a write made the index rebuild"))
    write(store, "match", "vote", "quake")
    snapshot = live.current()
    assert len(snapshot.delta) == 3 and snapshot.stale == 0
    monkeypatch.undo()
    rebuilt = LexicalIndex.build(store)
    for question in QUESTIONS:  # the delta is scored with the index's statistics: same ranking as a rebuild
        assert articles(snapshot.search(question, 3), store) == articles(rebuilt.search(question, 3), store)
    assert articles(snapshot.search("زلزال", 3), store) == ["quake"]


class BuildsMidWrite:
    """A Chroma collection whose upsert lets a lexical index be built and saved first: the
    revision has moved, the chunks are not there yet."""

    def __init__(self, inner, store: ChunkStore, folder: Path) -> None:
        self.inner, self.store, self.folder = inner, store, folder

    def __getattr__(self, name: str):
        return getattr(self.inner, name)

    def upsert(self, **kwargs) -> None:
        LexicalIndex.build(self.store).save(self.folder)
        self.inner.upsert(**kwargs)


def test_a_chunk_written_while_an_index_was_built_is_caught_up(
    store: ChunkStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    write(store, "oil")
    with monkeypatch.context() as patch:
        patch.setattr(store, "collection", BuildsMidWrite(store.collection, store, tmp_path / "lexical"))
        write(store, "quake")
    saved = LexicalIndex.load(tmp_path / "lexical")
    assert saved is not None and len(saved.ids) == 1  # built before the quake's chunks landed
    live = LiveLexicalIndex(store, tmp_path / "lexical")
    assert articles(live.current().search("زلزال إيران", 3), store) == ["quake"]


def test_an_index_of_an_earlier_store_is_rebuilt(tmp_path: Path):
    first = ChunkStore("live", tmp_path / "chroma")
    write(first, "oil", "gold", "rain")
    LiveLexicalIndex(first, tmp_path / "lexical").settle()
    first.client.delete_collection("live")  # the store is emptied and begun again; the index stays
    again = ChunkStore("live", tmp_path / "chroma")
    write(again, "quake")
    live = LiveLexicalIndex(again, tmp_path / "lexical")
    assert articles(live.current().search("زلزال إيران", 3), again) == ["quake"]
    assert live.current().search("النفط", 3) == []


def test_a_deleted_chunk_leaves_the_results_before_any_merge(store: ChunkStore, tmp_path: Path):
    write(store, *(key for key, *_ in NEWS))
    live = LiveLexicalIndex(store, tmp_path / "lexical", merge_min=100)
    assert articles(live.current().search("أمطار عمان", 3), store)[0] == "rain"
    assert store.delete_article("rain") > 0
    snapshot = live.current()
    assert snapshot.stale == 1 and len(snapshot.main.ids) == len(NEWS)  # not rebuilt
    assert "rain" not in articles(snapshot.search("أمطار عمان", 3), store)


def test_a_delta_past_its_share_is_merged_and_saved(store: ChunkStore, tmp_path: Path):
    write(store, "oil")
    live = LiveLexicalIndex(store, tmp_path / "lexical", merge_share=0.5, merge_min=2)
    live.settle()
    write(store, "gold", "rain")
    snapshot = live.settle()
    assert not snapshot.delta and len(snapshot.main.ids) == 3
    saved = LexicalIndex.load(tmp_path / "lexical")
    assert saved is not None and saved.revision == store.revision and sorted(saved.ids) == sorted(snapshot.main.ids)


def test_two_processes_sharing_a_store_stay_in_step(store: ChunkStore, tmp_path: Path):
    server = LiveLexicalIndex(store, tmp_path / "lexical")
    write(store, "oil")
    assert articles(server.current().search("النفط", 3), store) == ["oil"]
    writer_store = ChunkStore("live", tmp_path / "chroma")  # another client, as another process has
    writer = LiveLexicalIndex(writer_store, tmp_path / "lexical")
    write(writer_store, "quake")
    writer.settle()
    assert articles(server.current().search("زلزال إيران", 3), store) == ["quake"]
    writer_store.delete_article("oil")
    assert server.current().search("النفط", 3) == []
