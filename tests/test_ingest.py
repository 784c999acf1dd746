"""Ingest into a real Chroma: idempotent, resumable, replaces changed articles, skips bad files."""

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import SAMPLE, SAMPLE_ID, copy_sample, run_cli

from assistant.service import Assistant
from assistant.settings import Settings


def test_reingest_adds_nothing(assistant: Assistant):
    first = assistant.ingest([SAMPLE])
    assert (first.articles, first.added, first.unchanged) == (1, assistant.store.count(), 0)
    again = assistant.ingest([SAMPLE])
    assert (again.added, again.removed, again.unchanged) == (0, 0, first.added)
    assert assistant.store.count() == first.added
    assert "1 articles read, 0 skipped; chunks: 0 added" in again.summary()


def test_changed_article_replaces_its_chunks(assistant: Assistant, tmp_path: Path):
    path = copy_sample(tmp_path / "in", f"{SAMPLE_ID}.txt")
    before = assistant.ingest([path]).added
    text = path.read_text(encoding="utf-8").replace("في غرب حلب", "في شرق حلب")
    path.write_text(text, encoding="utf-8")
    report = assistant.ingest([path])
    assert report.added == report.removed == before  # the fingerprint changed: every chunk is new
    assert assistant.store.count() == before
    (stored,) = [c for c in assistant.store.scan() if "شرق حلب" in c.text] or [None]
    assert stored is not None


def test_broken_file_is_reported_and_the_rest_goes_in(assistant: Assistant, tmp_path: Path):
    folder = tmp_path / "mixed"
    copy_sample(folder, "good.txt")
    (folder / "bad.txt").write_bytes(b"\xff\xfe\x00garbage")
    (folder / "bad.jsonl").write_text('{"title": "x"}\n', encoding="utf-8")
    report = assistant.ingest([folder, tmp_path / "missing.txt"])
    assert report.articles == 1 and report.added > 0
    reasons = sorted(str(s) for s in report.skipped)
    assert reasons == [
        f"{tmp_path / 'missing.txt'}: cannot read: No such file or directory",
        f"{folder / 'bad.jsonl'}:1: field 'body' is missing or empty; it must be a non-empty string",
        f"{folder / 'bad.txt'}: not UTF-8 (byte 0); re-save the file as UTF-8",
    ]


def test_cli_ingest_of_a_missing_path_fails_after_taking_the_rest(settings: Settings, tmp_path: Path):
    result = run_cli("ingest", str(SAMPLE), str(tmp_path / "missing.jsonl"), "--json", settings=settings)
    report = json.loads(result.stdout)
    assert result.returncode == 1 and report["articles"] == 1 and report["added"] > 0
    assert report["skipped"] == [
        {"origin": str(tmp_path / "missing.jsonl"), "reason": "cannot read: No such file or directory"}
    ]


class InterruptingEmbedder:
    """Wraps the real embedder and fails once after ``allowed`` batches, like a killed ingest."""

    def __init__(self, inner, allowed: int) -> None:
        self.inner, self.allowed = inner, allowed
        self.count_tokens, self.embed_queries = inner.count_tokens, inner.embed_queries

    def embed_passages(self, texts):
        if self.allowed == 0:
            raise KeyboardInterrupt
        self.allowed -= 1
        return self.inner.embed_passages(texts)


def test_interrupted_ingest_resumes_without_duplicates(assistant: Assistant, tmp_path: Path):
    folder = tmp_path / "many"
    for i in range(3):
        copy_sample(folder, f"article{i}.txt")
    assistant.settings = assistant.settings.model_copy(update={"batch_size": 2})  # 8 chunks a write
    # Two embedding calls a write (the chunks, then their sentences): the second write is interrupted.
    broken = assistant.ingestor(InterruptingEmbedder(assistant.embedder, allowed=2))
    with pytest.raises(KeyboardInterrupt):
        broken.ingest([folder], progress=False)
    partial = assistant.store.count()
    assert partial > 0
    resumed = assistant.ingestor().ingest([folder], progress=False)
    assert resumed.unchanged == partial and resumed.removed == 0
    ids = [c.id for c in assistant.store.scan()]
    assert len(ids) == len(set(ids)) == partial + resumed.added


class CrashAfterUpsert:
    """The Chroma collection, killed right after its first upsert lands (before the revision bump)."""

    def __init__(self, inner) -> None:
        self.inner = inner

    def __getattr__(self, name: str):
        return getattr(self.inner, name)

    def upsert(self, **kwargs) -> None:
        self.inner.upsert(**kwargs)
        raise KeyboardInterrupt


def test_a_crash_between_upsert_and_revision_bump_is_repaired_by_the_next_ingest(
    assistant: Assistant, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    other = tmp_path / "other.jsonl"
    other.write_text('{"id": "keep", "title": "خبر آخر", "body": "ارتفعت أسعار النفط في الأسواق."}\n', encoding="utf-8")
    assistant.ingest([other])  # the lexical index is saved in step with the store
    with monkeypatch.context() as patch:
        patch.setattr(assistant.store, "collection", CrashAfterUpsert(assistant.store.collection))
        with pytest.raises(KeyboardInterrupt):
            assistant.ingest([SAMPLE])
    again = assistant.ingest([SAMPLE])
    assert again.added == 0 and again.unchanged > 0  # the chunks were in Chroma already
    assert assistant.retriever.search("جماعة خراسان حلب", k=3, mode="lexical")[0].article_id == SAMPLE_ID


def test_delete_removes_article_from_both_legs(assistant: Assistant, tmp_path: Path):
    other = tmp_path / "other.jsonl"
    other.write_text('{"id": "keep", "title": "خبر آخر", "body": "ارتفعت أسعار النفط في الأسواق."}\n', encoding="utf-8")
    assistant.ingest([SAMPLE, other])
    assert assistant.retriever.search("جماعة خراسان حلب", k=3, mode="lexical")[0].article_id == SAMPLE_ID
    assert assistant.delete_article(SAMPLE_ID) > 0
    for mode in ("dense", "lexical", "hybrid"):
        assert all(p.article_id != SAMPLE_ID for p in assistant.retriever.search("جماعة خراسان حلب", k=5, mode=mode))


def test_stored_metadata_and_vectors(assistant: Assistant):
    assistant.ingest([SAMPLE])
    chunk = assistant.store.get([next(assistant.store.scan()).id], with_embeddings=True)[0]
    meta = chunk.meta
    assert (meta.article_id, meta.date, meta.source, meta.epoch) == (
        SAMPLE_ID,
        "2014-11-13T06:11:00",
        "وكالة فرانس برس",
        1415859060,
    )
    assert meta.headline.startswith("«داعش»") and meta.fingerprint and meta.paragraph <= meta.paragraph_end
    assert np.isclose(np.linalg.norm(chunk.embedding), 1.0, atol=1e-3)


def test_sentence_vectors_are_stored_at_ingest_so_answering_embeds_no_sentence(assistant: Assistant, monkeypatch):
    from ingest.chunking import passage_sentences
    from ingest.sentence_store import sentence_id

    assistant.ingest([SAMPLE])
    sentences = {s for c in assistant.store.scan() for s in passage_sentences(c.text)}
    stored = assistant.store.sentence_collection.get(ids=[sentence_id(s) for s in sentences])["ids"]
    assert len(sentences) > 10 and len(stored) == len(sentences)

    embedded: list[str] = []
    real = assistant.embedder.embed_passages
    monkeypatch.setattr(assistant.retriever.sentences, "embed", lambda texts: embedded.extend(texts) or real(texts))
    answer = assistant.ask("من حضر اجتماع جماعة خراسان؟")
    assert answer.answered and embedded == []  # dot products only: every sentence vector came from the store


def stored_sentences(assistant: Assistant) -> tuple[str, list[str], np.ndarray]:
    """The first chunk's embedded text, its sentences and their stored vectors."""
    from ingest.chunking import passage_sentences
    from ingest.sentence_store import sentence_id

    chunk = min(assistant.store.scan(), key=lambda c: c.meta.chunk_index)
    sentences = passage_sentences(chunk.text)
    stored = assistant.store.sentence_collection.get(ids=[sentence_id(s) for s in sentences], include=["embeddings"])
    by_id = dict(zip(stored["ids"], stored["embeddings"]))
    return f"{chunk.meta.headline}\n{chunk.text}", sentences, np.array([by_id[sentence_id(s)] for s in sentences])


def test_a_stored_sentence_vector_is_the_sentence_embedded_alone_by_default(assistant: Assistant):
    assistant.ingest([SAMPLE])
    _, sentences, stored = stored_sentences(assistant)
    assert len(sentences) >= 2 and np.allclose(stored, assistant.embedder.embed_passages(sentences), atol=1e-3)


def test_in_context_sentence_vectors_cost_no_model_call_beyond_the_chunks(assistant: Assistant, monkeypatch):
    assistant.settings = assistant.settings.model_copy(update={"sentence_vectors": "in-context"})
    calls: list[int] = []
    real = assistant.embedder.embed_passages
    monkeypatch.setattr(assistant.embedder, "embed_passages", lambda texts: calls.append(len(texts)) or real(texts))
    assistant.ingest([SAMPLE])
    monkeypatch.undo()
    text, sentences, stored = stored_sentences(assistant)
    _, (in_context,) = assistant.embedder.embed_passages_with_parts([text], [sentences])
    assert calls == [] and np.allclose(stored, in_context, atol=1e-3)
