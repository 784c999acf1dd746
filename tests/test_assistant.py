"""Questions through the public API against a real archive (sample + XQuAD-ar articles)."""

import json
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import NEAR_TOPIC, REPO, SAMPLE, SAMPLE_ID, make_passage, run_cli

from assistant import Assistant, SearchFilters
from assistant.citations import check_citations
from assistant.generative import GroundedAnswerer
from assistant.records import Passage
from assistant.service import LimitExceeded
from assistant.ui import EXAMPLES
from ingest.chunking import split_sentences


def test_arabic_question_retrieves_and_cites_the_sample(archive: Assistant):
    answer = archive.ask("من حضر الاجتماع الذي عقدته جماعة خراسان في غرب حلب؟")
    assert answer.language == "ar" and answer.answered
    assert answer.passages[0].article_id == SAMPLE_ID
    assert answer.citations[0].article_id == SAMPLE_ID
    first = answer.citations[0]
    assert (first.date, first.source) == ("2014-11-13T06:11:00", "وكالة فرانس برس")
    assert "[1]" in answer.text and all(s in answer.text for s in split_sentences(first.quote))
    assert answer.short_answer == "قائد النصرة أبو محمد الجولاني"  # who attended: the Nusra leader
    assert "الجولاني" in first.passage  # the cited passage names who attended


def test_english_question_over_arabic_article(archive: Assistant):
    answer = archive.ask("Where did the Khorasan group hold its secret meeting?")
    assert answer.language == "en" and answer.answered
    assert answer.passages[0].article_id == SAMPLE_ID
    assert answer.text.startswith(f"Answer: {answer.short_answer} [1]") and answer.short_answer
    assert "From the archive, quoted as published:" in answer.text
    assert answer.citations and all(f"[{c.n}]" in answer.text for c in answer.citations)


def test_a_name_only_the_lexical_leg_matches_reaches_the_passages(archive: Assistant):
    # The embedding does not place this English question near the Arabic article; BM25 finds it
    # through the archive's spelling of "Nusra", and its first hit is kept in the top k.
    question = "Which Nusra Front leader attended the meeting?"
    assert SAMPLE_ID not in [p.article_id for p in archive.retriever.search(question, k=5, mode="dense")]
    assert SAMPLE_ID in [p.article_id for p in archive.search(question, k=5)]


def test_every_example_the_chat_offers_is_answered_in_its_language(archive: Assistant):
    for question in EXAMPLES:
        answer = archive.ask(question)
        assert answer.answered and answer.short_answer, question
        assert answer.language == ("ar" if question[0] > "\u0600" else "en"), question
    # "points" is نقطة: the number beside it (the reader marks the number, the rule adds the unit)
    assert archive.ask(EXAMPLES[-1]).short_answer in ("308", "308 نقطة")


def test_no_answer_in_the_question_language(archive: Assistant):
    arabic = archive.ask("ما هي أفضل وصفة لطهي الكبسة؟")
    english = archive.ask("Who wrote the play Hamlet?")
    assert (arabic.answered, arabic.text, arabic.citations) == (False, "لا يتضمن الأرشيف إجابة عن هذا السؤال.", [])
    assert (english.answered, english.text) == (False, "The archive holds no answer to this question.")


def test_near_topic_question_is_answered_from_the_article_that_holds_it(archive: Assistant):
    answer = archive.ask(NEAR_TOPIC)
    assert answer.answered and answer.citations[0].article_id == "xquad-yuan_dynasty"
    assert answer.passages[0].term_coverage > 0.5  # it holds most of the question's rare words


def test_date_filter_excludes_out_of_range_articles(archive: Assistant):
    question = "جماعة خراسان اجتماع حلب"
    inside = archive.search(question, filters=SearchFilters.parse(since="2014-11-01", until="2014-11-30"))
    assert inside and {p.article_id for p in inside} == {SAMPLE_ID}
    assert archive.search(question, filters=SearchFilters.parse(until="2014-11-12")) == []


def test_follow_up_retrieves_the_same_article_as_the_full_question(archive: Assistant):
    full = archive.search("Who attended the secret meeting of the Khorasan group in Aleppo?")
    follow = archive.ask("Who attended it?", history=["Where did the Khorasan group hold its secret meeting?"])
    assert full[0].article_id == follow.passages[0].article_id == SAMPLE_ID
    assert follow.standalone_question.startswith("Who attended it? Where did the Khorasan")


def test_duplicate_wire_story_returns_once_with_both_sources(assistant: Assistant, tmp_path: Path):
    copy = tmp_path / "copy.txt"
    copy.write_text(SAMPLE.read_text(encoding="utf-8").replace("وكالة فرانس برس", "رويترز"), encoding="utf-8")
    assistant.ingest([SAMPLE, copy])
    passages = assistant.search("اجتماع جماعة خراسان في حلب", k=3)
    assert len({p.chunk_id for p in passages}) == len(passages)
    top = passages[0]
    sources = {top.source} | {d.source for d in top.duplicates}
    assert sources == {"وكالة فرانس برس", "رويترز"}
    assert all(p.text != top.text for p in passages[1:])


def test_cli_ask_json(archive: Assistant, archive_settings):
    result = run_cli("ask", "أين عقدت جماعة خراسان اجتماعها السري؟", "--json", settings=archive_settings)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["language"] == "ar" and answer["answered"]
    assert set(answer["citations"][0]) >= {
        "n",
        "chunk_id",
        "article_id",
        "headline",
        "date",
        "source",
        "paragraph",
        "quote",
    }
    assert answer["citations"][0]["n"] == 1 and answer["passages"][0]["dense_score"] > 0


def test_cli_asking_an_empty_archive_says_so_and_how_to_fill_it(settings, tmp_path: Path):
    """Not "the archive holds no answer", which reads as a searched archive's verdict."""
    empty = settings.model_copy(update={"data_dir": tmp_path})
    for command in (("ask", "من فاز؟", "--json"), ("search", "من فاز؟"), ("timeline", "الانتخابات")):
        result = run_cli(*command, settings=empty)
        assert result.returncode == 2 and result.stdout == "", command
        assert result.stderr == (
            f"akhbar: error: the archive is empty (collection 'akhbar' at {tmp_path}); add articles first:"
            " akhbar ingest PATH\n"
        )


def test_cli_error_is_one_line(tmp_path: Path):
    result = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "ask", "سؤال", "--data-dir", str(tmp_path), "--model", "no/such-model"],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert result.stderr.startswith("akhbar: error: embedding model 'no/such-model' is not in")


def test_cli_bad_date_is_reported_before_the_model_loads(tmp_path: Path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "assistant.cli",
            "ask",
            "سؤال",
            "--since",
            "yesterday",
            "--model",
            "no/such-model",
            "--data-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert result.returncode == 2
    assert result.stderr == (
        "akhbar: error: since: date 'yesterday' is not ISO 8601 (e.g. 2014-11-13 or 2018-02-01T10:00:00+03:00)\n"
    )


def passage(n: int) -> Passage:
    return make_passage(f"الجملة رقم {n} عن حلب.", article_id=f"a{n}", chunk_id=f"c{n}")


def test_generated_citations_are_checked():
    checked = check_citations(
        "Aleppo hosted it [1][7]. It was secret [2, 9]. Nobody knows why.", [passage(1), passage(2)]
    )
    assert checked.text == "Aleppo hosted it [1]. It was secret [2]. Nobody knows why."
    assert [c.n for c in checked.citations] == [1, 2]
    assert checked.unsupported_sentences == ["Nobody knows why."]


@pytest.fixture
def dead_endpoint() -> Iterator[tuple[int, list[int]]]:
    """A loopback port whose every connection is closed unanswered, as by a crashed LLM server;
    the list counts the connections, so a client that retries shows up."""
    attempts: list[int] = []
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()

    def refuse() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            attempts.append(1)
            connection.close()

    thread = threading.Thread(target=refuse, daemon=True)
    thread.start()
    yield listener.getsockname()[1], attempts
    stop.set()
    thread.join()
    listener.close()


@pytest.mark.parametrize(("backend", "path"), [("openai", "/v1"), ("ollama", ""), ("llamacpp", "")])
def test_dead_llm_endpoint_falls_back_to_extractive(
    archive: Assistant, dead_endpoint: tuple[int, list[int]], backend: str, path: str
):
    port, attempts = dead_endpoint
    settings = archive.settings.model_copy(
        update={"answerer": backend, "llm_base_url": f"http://127.0.0.1:{port}{path}", "llm_model": "x"}
    )
    generative = Assistant.from_settings(settings, embedder=archive.embedder)
    assert isinstance(generative.answerer, GroundedAnswerer) and generative.answerer.name == backend
    answer = generative.ask("أين عقدت جماعة خراسان اجتماعها السري؟", history=["من حضر الاجتماع؟"])
    assert answer.answerer == "extractive" and answer.answered and answer.citations
    # One try to condense the follow-up, one to answer (llama.cpp: to count its tokens): no
    # retries, so a dead server costs the analyst nothing they would notice.
    assert len(attempts) == 2


def test_refusal_is_the_answer_not_an_echo_of_the_instructions(archive: Assistant):
    settings = archive.settings.model_copy(
        update={"answerer": "openai", "llm_base_url": "http://127.0.0.1:9/v1", "llm_model": "x"}
    )
    answerer = Assistant.from_settings(settings, embedder=archive.embedder).answerer
    assert isinstance(answerer, GroundedAnswerer)
    refusal = answerer.finish("The archive holds no answer to this question.", "q", "en", [passage(1)], [passage(1)])
    echo = answerer.finish(
        "Answer only from the passages. If they do not contain the answer, reply exactly: "
        "The archive holds no answer to this question.",
        "q",
        "en",
        [passage(1)],
        [passage(1)],
    )
    assert (refusal.answered, refusal.unsupported_sentences) == (False, [])
    assert echo.answered and len(echo.unsupported_sentences) == 2 and not echo.citations


@pytest.mark.parametrize("question", ["🙂🙂", "؟!...", "\ue000\ue001", "\u200f\u200e"])
def test_a_question_without_words_is_refused_with_a_reason(archive: Assistant, question: str):
    with pytest.raises(ValueError, match="no words or numbers|empty"):
        archive.stream(question)  # raised before the first item, so a server can still send a 422


def test_text_entering_the_assistant_is_mended_and_limited(archive: Assistant):
    answer = archive.ask("أين عقدت جماعة خراسان \ud800اجتماعها\x00 السري؟")
    assert answer.answered and "\ud800" not in answer.question and "\x00" not in answer.question
    limit = archive.settings.max_question_chars
    with pytest.raises(LimitExceeded, match=f"over {limit} characters") as raised:
        archive.ask("سؤال", history=["س" * (limit + 1)])
    assert raised.value.limit == "max_question_chars"
