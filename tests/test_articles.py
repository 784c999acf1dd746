import gzip
import json
from pathlib import Path

import pytest
from conftest import REPO, SAMPLE, SAMPLE_ID, copy_sample

from ingest.articles import Article, ArticleSource, Skipped, read_file
from ingest.dates import parse_arabic_date


def read_one(path: Path) -> Article | Skipped:
    (item,) = list(read_file(path))
    return item


def test_sample_metadata_is_parsed_exactly():
    article = read_one(SAMPLE)
    assert isinstance(article, Article)
    assert article.id == SAMPLE_ID
    assert article.headline == "«داعش» و«النصرة» تتحدان للقضاء على المعارضة «المعتدلة»"
    assert article.date == "2014-11-13T06:11:00"
    assert article.epoch == 1415859060
    assert article.source == "وكالة فرانس برس"
    assert article.keywords == "سوريا المفاوضات عمليات عسكرية المعارضة السورية داعش أبو محمد الجولاني جيش المجاهدين"
    assert len(article.paragraphs) == 18
    assert article.paragraphs[0].startswith('عقدت "جماعة خُراسان" في سوريا اجتماعاً سرياً')
    assert article.paragraphs[-1].endswith('هذا يَسُرّ الأسد".')


def test_related_headlines_source_and_keywords_are_not_body_text():
    body = "\n".join(read_one(SAMPLE).paragraphs)  # type: ignore[union-attr]
    assert "المصدر" not in body
    assert "كلمات مفتاحية" not in body
    assert "الغرب يتغاضى عن القمع" not in body  # first related headline
    assert "لواء دفاع جوي بدرعا" not in body  # last related headline


def test_arabic_date_lines():
    assert parse_arabic_date("الخميس 13 نوفمبر 2014 06:11 ص").isoformat() == "2014-11-13T06:11:00"
    assert parse_arabic_date("الجمعة 1 أيار 2015 07:30 م").isoformat() == "2015-05-01T19:30:00"
    assert parse_arabic_date("٥ تشرين الثاني ٢٠١٦").isoformat() == "2016-11-05T00:00:00"
    assert parse_arabic_date("12:00 ص 3 يناير 2014") is None  # not the layout's order
    assert parse_arabic_date("وكشف مصدر رفيع المستوى") is None


def test_plain_text_without_date_line(tmp_path: Path):
    path = tmp_path / "plain.txt"
    path.write_text("عنوان الخبر\n\nالفقرة الأولى.\n\nالفقرة الثانية.\n", encoding="utf-8")
    article = read_one(path)
    assert isinstance(article, Article)
    assert (article.headline, article.date, article.paragraphs) == (
        "عنوان الخبر",
        None,
        ["الفقرة الأولى.", "الفقرة الثانية."],
    )


def test_jsonl_articles_and_gzip(tmp_path: Path):
    record = {
        "id": "a1",
        "title": "عنوان",
        "date": "2018-02-10T14:56:59+00:00",
        "source": "BBC",
        "body": "فقرة أولى.\n\nفقرة ثانية.",
        "keywords": ["سوريا", "حلب"],
        "url": "http://x/1",
    }
    path = tmp_path / "news.jsonl.gz"
    path.write_bytes(gzip.compress((json.dumps(record, ensure_ascii=False) + "\n").encode()))
    article = read_one(path)
    assert isinstance(article, Article)
    assert article.epoch == 1518274619
    assert article.paragraphs == ["فقرة أولى.", "فقرة ثانية."]
    assert article.keywords == "سوريا، حلب"


def test_bad_inputs_are_named_and_skipped(tmp_path: Path):
    copy_sample(tmp_path, "good.txt")
    (tmp_path / "empty.txt").write_text("  \n", encoding="utf-8")
    (tmp_path / "latin1.txt").write_bytes("عنوان".encode("cp1256"))
    (tmp_path / "broken.jsonl").write_text(
        '{"title": "t", "body": "b"}\n{not json\n{"title": "", "body": "x"}\n'
        '{"title": "t", "body": "b", "date": "yesterday"}\n',
        encoding="utf-8",
    )
    items = list(ArticleSource([tmp_path]))
    good = [i for i in items if isinstance(i, Article)]
    problems = {str(i) for i in items if isinstance(i, Skipped)}
    assert len(good) == 2  # good.txt and the first JSONL line
    assert problems == {
        f"{tmp_path / 'broken.jsonl'}:2: not valid JSON "
        "(Expecting property name enclosed in double quotes at column 2)",
        f"{tmp_path / 'broken.jsonl'}:3: field 'title' is missing or empty; it must be a non-empty string",
        f"{tmp_path / 'broken.jsonl'}:4: field 'date': date 'yesterday' is not ISO 8601 "
        "(e.g. 2014-11-13 or 2018-02-01T10:00:00+03:00)",
        f"{tmp_path / 'empty.txt'}: empty file; expected a headline line followed by body paragraphs",
        f"{tmp_path / 'latin1.txt'}: not UTF-8 (byte 0); re-save the file as UTF-8",
    }


def test_one_bad_line_costs_that_line_only(tmp_path: Path):
    lines = [
        json.dumps({"id": "escaped-surrogate", "title": "عنوان", "body": "نص \ud800 هنا"}),
        '{"title": "t", "body": "b", "n": ' + "1" * 5000 + "}",
        "[" * 100_000,
        json.dumps({"id": "long-title", "title": "x" * 2000, "body": "b"}),
        json.dumps({"id": "separators", "title": "a\u2028b", "body": "one\u2029two\x85three"}, ensure_ascii=False),
        json.dumps({"id": "raw-surrogate", "title": "t", "body": "\ud800"}, ensure_ascii=False),
        json.dumps({"id": "control-only", "title": "t", "body": "\x1b\x00"}),
        json.dumps({"id": "last", "title": "t", "body": "b"}),
    ]
    path = tmp_path / "mixed.jsonl"
    path.write_bytes("\n".join(lines).encode("utf-8", errors="surrogatepass"))
    items = list(read_file(path))
    articles = {i.id: i for i in items if isinstance(i, Article)}
    assert sorted(articles) == ["escaped-surrogate", "last", "separators"]
    assert articles["escaped-surrogate"].paragraphs == ["نص \ufffd هنا"]
    assert (articles["separators"].headline, articles["separators"].paragraphs) == ("a b", ["one", "two", "three"])
    assert {str(i) for i in items if isinstance(i, Skipped)} == {
        f"{path}:2: a number with thousands of digits; no article field holds one",
        f"{path}:3: JSON nested too deeply; an article is one flat object",
        f"{path}:4: field 'title' has 2,000 characters; a headline has at most 1,000",
        f"{path}:6: not UTF-8 (byte 47 of the line); re-save the file as UTF-8",
        f"{path}:7: field 'body' is missing or empty; it must be a non-empty string",
    }


def test_empty_jsonl_and_broken_links_are_reported(tmp_path: Path):
    (tmp_path / "empty.jsonl").write_text("\n", encoding="utf-8")
    (tmp_path / "gone.jsonl").symlink_to(tmp_path / "missing.jsonl")
    assert {str(i) for i in ArticleSource([tmp_path])} == {
        f"{tmp_path / 'empty.jsonl'}: empty file; expected one JSON article per line",
        f"{tmp_path / 'gone.jsonl'}: cannot read: No such file or directory",
    }


ANT = REPO.parent / "shared" / "data" / "ant-news" / "articles.jsonl.gz"


@pytest.mark.slow  # reads the 25 MB archive
@pytest.mark.skipif(not ANT.exists(), reason="the ANT archive lives in ../shared/data")
def test_whole_ant_archive_reads_without_losing_an_article():
    items = list(read_file(ANT))
    assert not [str(i) for i in items if isinstance(i, Skipped)]
    assert len(items) == 30_337  # one per line of the file
    ids = {i.id for i in items if isinstance(i, Article)}
    # Their bodies hold a U+2029 inside a JSON string; str.splitlines() cut each one in two.
    assert {"SK-middleEast-292-20180314", "SK-internationalNews-844-20180407", "SK-middleEast-2326-20180612"} <= ids
