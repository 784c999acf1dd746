"""Generated bad input for the article reader, Assistant.ask and the HTTP API: no crash, no 500,
every rejection one line. A few hundred cases here; `make fuzz` runs over 10,000 (AKHBAR_FUZZ=1)."""

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant import Assistant
from assistant.api import create_app
from ingest.articles import Article, Skipped, read_file
from ingest.chunking import chunk_article
from ingest.embedder import Embedder

FUZZ = os.environ.get("AKHBAR_FUZZ") == "1"
EXAMPLES = {"reader": 6000 if FUZZ else 300, "ask": 2000 if FUZZ else 60, "api": 2000 if FUZZ else 100}
MANGLED = "\ud800\udfff\x00\x07\x1b\x7f\x85\u2028\u2029\ufeff\u200f\ue000\r"


def fuzzed(name: str) -> settings:
    return settings(
        max_examples=EXAMPLES[name],
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )


# Any code point, surrogates and controls included, with Arabic and the usual troublemakers weighted in.
anything = st.characters(codec=None, categories=None)
texts = st.text(st.one_of(anything, st.sampled_from(MANGLED), st.characters(min_codepoint=0x600, max_codepoint=0x6FF)))
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=8,
)
records = st.fixed_dictionaries(
    {},
    optional={
        "id": json_values,
        "title": texts | json_values,
        "body": texts | json_values,
        "abstract": texts,
        "date": st.sampled_from(["2018-02-10", "2018-02-30", "yesterday", ""]) | json_values,
        "source": texts,
        "keywords": st.lists(texts, max_size=3) | json_values,
        "url": texts,
    },
)
lines = st.one_of(
    records.map(lambda r: json.dumps(r).encode()),
    records.map(lambda r: json.dumps(r, ensure_ascii=False).encode("utf-8", errors="surrogatepass")),
    st.binary(max_size=200),
)


def one_line(message: str) -> bool:
    return bool(message.strip()) and "\n" not in message


@pytest.fixture(scope="module")
def token_counter(embedder: Embedder):
    return embedder.count_tokens


@fuzzed("reader")
@given(st.lists(lines, min_size=1, max_size=6))
def test_reader_reports_or_reads_every_line(tmp_path: Path, token_counter, fuzz_lines: list[bytes]) -> None:
    path = tmp_path / "fuzz.jsonl"
    data = b"\n".join(line.replace(b"\n", b" ") for line in fuzz_lines)
    path.write_bytes(data)
    items = list(read_file(path))
    filled = sum(1 for line in data.removeprefix(b"\xef\xbb\xbf").split(b"\n") if line.strip())
    assert len(items) == (filled or 1)  # one result per line; an all-blank file is one "empty file"
    for item in items:
        if isinstance(item, Skipped):
            assert one_line(item.reason), item
            continue
        assert isinstance(item, Article)
        for text in [item.id, item.headline, *item.paragraphs, item.source, item.keywords]:
            assert not any("\ud800" <= ch <= "\udfff" or ch in "\x00\x85\u2028\u2029\r" for ch in text)
        assert chunk_article(item, token_counter, 200, 30)


@fuzzed("ask")
@given(question=texts, history=st.lists(texts, max_size=2))
def test_ask_answers_or_says_why_not(archive: Assistant, question: str, history: list[str]) -> None:
    try:
        answer = archive.ask(question, history)
    except ValueError as exc:
        assert one_line(str(exc)), exc
        return
    json.dumps(answer.as_dict()).encode()  # renders: no lone surrogate left to fail an encoder
    assert answer.language in ("ar", "en")


@pytest.fixture(scope="module")
def api(archive: Assistant) -> Iterator[TestClient]:
    unlimited = archive.settings.model_copy(update={"rate_limit_per_minute": 10**9})
    assistant = Assistant(unlimited, archive.embedder, archive.store, archive.retriever, archive.answerer)
    with TestClient(create_app(assistant)) as client:
        yield client


bodies = st.fixed_dictionaries(
    {},
    optional={
        "question": texts | json_values,
        "k": st.integers(-3, 30) | json_values,
        "history": st.lists(texts, max_size=2) | json_values,
        "since": st.sampled_from(["2014-11-01", "2014-13-01", "x"]) | json_values,
        "until": texts,
        "source": texts,
        "keyword": texts,
        "stream": st.booleans() | json_values,
        "messages": st.lists(st.fixed_dictionaries({"role": st.sampled_from(["user", "system"]), "content": texts}))
        | json_values,
    },
)
raw_bodies = st.one_of(
    bodies.map(lambda b: json.dumps(b).encode()),  # NaN and Infinity included, lone surrogates escaped
    st.binary(max_size=300),
)


@fuzzed("api")
@given(path=st.sampled_from(["/v1/ask", "/v1/search", "/v1/chat/completions"]), body=raw_bodies)
def test_api_never_answers_500(api: TestClient, path: str, body: bytes) -> None:
    response = api.post(path, content=body, headers={"Content-Type": "application/json"})
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert one_line(response.json()["error"]["message"]), response.text
    else:
        assert "event: error" not in response.text and 'data: {"error"' not in response.text
