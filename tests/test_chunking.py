from dataclasses import replace

from conftest import REPO, SAMPLE

from ingest.articles import Article, ArticleSource, read_file
from ingest.chunking import MODEL_LIMIT, ChunkMeta, chunk_article, paragraphs_of, split_sentences


def words(text: str) -> int:
    return len(text.split())


def test_sentences_split_on_arabic_punctuation():
    assert split_sentences("هل حضر؟ نعم حضر! وانتهى الاجتماع؛ ثم غادروا. Done.") == [
        "هل حضر؟",
        "نعم حضر!",
        "وانتهى الاجتماع؛",
        "ثم غادروا.",
        "Done.",
    ]


def test_chunks_respect_budget_and_sentence_boundaries():
    paragraphs = [" ".join(f"جملة{i}_{j} كلمة كلمة." for j in range(6)) for i in range(5)]
    article = Article(id="a", headline="عنوان", paragraphs=paragraphs)
    chunks = chunk_article(article, words, max_tokens=20, overlap=6)
    assert len(chunks) > 3
    for chunk in chunks:
        assert words(chunk.text) <= 20
        assert chunk.text.endswith(".")  # never cut mid-sentence
    for before, after in zip(chunks, chunks[1:]):
        if after.paragraph == before.paragraph_end:  # within a paragraph: the last sentence carries over
            assert after.text.split(". ")[0] + "." in before.text
        else:  # a half-full chunk ends at a paragraph boundary, without overlap
            assert after.paragraph == before.paragraph_end + 1 and after.text.startswith(f"جملة{after.paragraph}_0")
    assert chunks[0].paragraph == 0 and chunks[-1].paragraph_end == 4


def test_short_paragraphs_merge_into_one_chunk():
    article = Article(id="a", headline="h", paragraphs=["أ ب ج.", "د ه و.", "ز ح ط."])
    (chunk,) = chunk_article(article, words, max_tokens=20, overlap=6)
    assert chunk.text == "أ ب ج.\nد ه و.\nز ح ط." and (chunk.paragraph, chunk.paragraph_end) == (0, 2)


def test_long_sentence_splits_at_arabic_comma():
    sentence = "، ".join(["كلمة " * 8] * 4).strip() + "."
    chunks = chunk_article(Article(id="a", headline="h", paragraphs=[sentence]), words, max_tokens=20, overlap=0)
    assert all(words(c.text) <= 20 for c in chunks)
    assert chunks[0].text.endswith("،")


def test_sample_chunks_fit_the_model_with_prefix_and_headline(embedder):
    (article,) = list(read_file(SAMPLE))
    chunks = chunk_article(article, embedder.count_tokens, max_tokens=256, overlap=48)
    assert len(chunks) >= 4
    for chunk in chunks:
        assert embedder.count_tokens("passage: " + chunk.embedding_text) + 2 <= MODEL_LIMIT
        assert embedder.count_tokens(chunk.text) <= 256
    assert len({c.id for c in chunks}) == len(chunks)
    assert chunks == chunk_article(article, embedder.count_tokens, max_tokens=256, overlap=48)  # stable ids


def test_chunk_metadata_round_trips_through_chromas_dict():
    meta = ChunkMeta("a1", "عنوان", "2018-02-10T14:56:59", "BBC", "سوريا", "http://x/1", 2, 3, 1, "f00", 1518274619)
    assert ChunkMeta.from_metadata(meta.to_metadata()) == meta
    undated = ChunkMeta("a2", paragraph=4)
    assert "epoch" not in undated.to_metadata()  # Chroma stores no None
    assert ChunkMeta.from_metadata({"article_id": "a2", "paragraph": 4, "added_later": "x"}) == replace(
        undated, paragraph_end=4
    )


def test_an_articles_paragraphs_are_read_back_from_its_chunks():
    """300 news articles chunked small (sentences split across chunks, overlaps carried) and
    reassembled: every paragraph comes back once, in order, up to whitespace."""
    words = lambda text: len(text.split())  # noqa: E731
    news = ArticleSource([REPO / "eval" / "data" / "ant-news-middleeast-300.jsonl"])
    articles = [a for a in news if isinstance(a, Article)]
    assert len(articles) == 300
    for article in articles:
        want = [" ".join(p.split()) for p in article.paragraphs]
        for budget, overlap in ((30, 10), (60, 20), (400, 0)):
            chunks = chunk_article(article, words, budget, overlap)
            got = paragraphs_of([(c.paragraph, c.text) for c in chunks])
            assert [" ".join(p.split()) for p in got] == want, (article.id, budget, overlap)
