"""The HTTP API served by uvicorn in a subprocess on loopback, called with httpx, the official
openai client, gradio_client and headless Chromium."""

import urllib.request
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import SAMPLE_ID, running_server, server_log, server_process

KEY = {"Authorization": "Bearer test-key"}
PROBE = {"Authorization": "Bearer probe-key"}  # for bad input, so the other tests keep test-key's rate budget
PORTAL = "http://portal.example"
QUESTION = "أين عقدت جماعة خراسان اجتماعها السري؟"


@pytest.fixture(scope="module")
def api(archive, archive_settings) -> Iterator[str]:
    env = {
        "AKHBAR_API_KEYS": "test-key,burst-key,probe-key",
        "AKHBAR_REVOKED_KEYS": "old-key",
        "AKHBAR_CORS_ORIGINS": PORTAL,
        "AKHBAR_FRAME_ANCESTORS": PORTAL,
        "AKHBAR_RATE_LIMIT_PER_MINUTE": "40",
        "AKHBAR_MAX_QUESTION_CHARS": "300",
        "AKHBAR_MAX_BODY_BYTES": "4000",
    }
    with running_server(["serve"], archive_settings, "/healthz", **env) as url:
        yield url


@pytest.fixture(scope="module")
def client(api: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api, timeout=120) as c:
        yield c


def test_health_and_readiness(client: httpx.Client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready" and ready["chunks"] > 200


@pytest.mark.parametrize(
    ("headers", "status"),
    [({}, 401), ({"Authorization": "Bearer nope"}, 401), ({"Authorization": "Bearer old-key"}, 403)],
)
def test_keys_are_required(client: httpx.Client, headers: dict, status: int):
    response = client.post("/v1/ask", json={"question": QUESTION}, headers=headers)
    assert response.status_code == status
    assert response.json()["error"]["type"] == "auth"


def test_ask_returns_the_python_api_shape(client: httpx.Client):
    answer = client.post("/v1/ask", json={"question": QUESTION}, headers=KEY).json()
    assert answer["language"] == "ar" and answer["answered"]
    assert answer["short_answer"] and answer["short_answer"] in answer["answer_sentence"]
    assert answer["text"].startswith(f"الجواب: {answer['short_answer']} [1]")
    citation = answer["citations"][0]
    assert citation["article_id"] == SAMPLE_ID and citation["n"] == 1
    assert {"chunk_id", "headline", "date", "source", "paragraph", "quote", "passage"} <= set(citation)
    assert answer["passages"][0]["article_id"] == SAMPLE_ID


def test_ask_streams_tokens_then_citations(client: httpx.Client):
    events = []
    with client.stream("POST", "/v1/ask", json={"question": QUESTION, "stream": True}, headers=KEY) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        events = [line.removeprefix("event: ") for line in response.iter_lines() if line.startswith("event: ")]
    assert events[0] == "token" and events[-1] == "answer" and events.count("answer") == 1


def test_filters_and_search(client: httpx.Client):
    found = client.post("/v1/search", json={"question": "جماعة خراسان", "since": "2014-11-01"}, headers=KEY).json()
    assert {p["article_id"] for p in found["passages"]} == {SAMPLE_ID}
    ranked = client.post("/v1/search", json={"question": "Super Bowl 50", "k": 4}, headers=KEY).json()["passages"]
    assert len(ranked) == 4 and [p["score"] for p in ranked] == sorted((p["score"] for p in ranked), reverse=True)


def test_source_link_for_a_citation(client: httpx.Client):
    citation = client.post("/v1/ask", json={"question": QUESTION}, headers=KEY).json()["citations"][0]
    passage = client.get(f"/v1/sources/{citation['chunk_id']}", headers=KEY).json()
    assert passage["text"] == citation["passage"] and passage["headline"] == citation["headline"]
    missing = client.get("/v1/sources/nope", headers=KEY)
    assert missing.status_code == 404 and missing.json()["error"]["type"] == "not_found"


def test_openai_client_talks_to_chat_completions(api: str):
    from openai import OpenAI

    openai = OpenAI(base_url=f"{api}/v1", api_key="test-key")
    reply = openai.chat.completions.create(model="akhbar", messages=[{"role": "user", "content": QUESTION}])
    assert "[1]" in reply.choices[0].message.content
    assert reply.model_extra["citations"][0]["article_id"] == SAMPLE_ID
    stream = openai.chat.completions.create(
        model="akhbar",
        stream=True,
        messages=[{"role": "user", "content": "Where did the Khorasan group hold its secret meeting?"}],
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert text.startswith("Answer: ") and "From the archive" in text and "[1]" in text
    assert chunks[-1].choices[0].finish_reason == "stop" and chunks[-1].model_extra["citations"]


def test_cors_allow_list(client: httpx.Client):
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization"}
    allowed = client.options("/v1/ask", headers={"Origin": PORTAL, **preflight})
    assert allowed.headers.get("access-control-allow-origin") == PORTAL
    denied = client.options("/v1/ask", headers={"Origin": "http://evil.example", **preflight})
    assert "access-control-allow-origin" not in denied.headers


def test_chat_page_needs_a_key_and_may_be_framed_by_the_portal(client: httpx.Client):
    assert client.get("/chat/").status_code == 401
    page = client.get("/chat/en/?key=test-key")
    assert page.status_code == 200 and "akhbar_key" in page.headers["set-cookie"]
    assert page.headers["content-security-policy"] == f"frame-ancestors 'self' {PORTAL}"


@pytest.mark.parametrize(
    ("body", "status", "limit"),
    [
        ({"question": "س" * 301}, 422, "max_question_chars"),
        ({"question": QUESTION, "k": 21}, 422, "max_top_k"),
        ({"question": QUESTION, "history": ["x" * 5000]}, 413, "max_body_bytes"),
    ],
)
def test_limits_answer_json_naming_the_limit(client: httpx.Client, body: dict, status: int, limit: str):
    response = client.post("/v1/ask", json=body, headers=KEY)
    assert response.status_code == status and response.json()["error"]["limit"] == limit


def test_rate_limit_per_key(client: httpx.Client):
    burst = {"Authorization": "Bearer burst-key"}
    statuses = [client.get("/v1/sources/nope", headers=burst).status_code for _ in range(41)]
    assert statuses[:40] == [404] * 40
    assert statuses[40] == 429
    assert client.get("/v1/sources/nope", headers=KEY).status_code == 404  # other keys unaffected


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('{"question": "\\ud800"}', "no words or numbers"),  # a lone surrogate, escaped in JSON
        ('{"question": "🙂 ؟!"}', "no words or numbers"),
        ('{"question": "q", "k": NaN}', "k: Input should be a valid integer"),
        ('{"question": "q", "k": Infinity}', "k: Input should be a valid integer"),
        ('{"question": "q", "k": true}', "k: Input should be a valid integer"),
        ('{"question": ["q"]}', "question: Input should be a valid string"),
        ("[[[[[[[[[[]]]]]]]]]]", "body: Input should be a valid dictionary"),
    ],
)
def test_bad_bodies_get_a_one_line_422(client: httpx.Client, body: str, message: str):
    headers = {**PROBE, "Content-Type": "application/json"}
    for path in ("/v1/ask", "/v1/search"):
        response = client.post(path, content=body.encode(), headers=headers)
        assert response.status_code == 422, response.text
        error = response.json()["error"]
        assert error["type"] == "invalid" and message in error["message"] and "\n" not in error["message"]


def test_history_is_held_to_the_question_limit(client: httpx.Client):
    response = client.post("/v1/ask", json={"question": QUESTION, "history": ["س" * 301]}, headers=PROBE)
    assert response.status_code == 422 and response.json()["error"]["limit"] == "max_question_chars"


def test_a_chunked_body_over_the_limit_is_refused_unread(client: httpx.Client):
    def body() -> Iterator[bytes]:
        yield b'{"question": "'
        for _ in range(10_000):  # 10 MB, streamed without a Content-Length
            yield b"x" * 1000
        yield b'"}'

    response = client.post("/v1/ask", content=body(), headers={**PROBE, "Content-Type": "application/json"})
    assert response.status_code == 413 and response.json()["error"]["limit"] == "max_body_bytes"


def test_headers_and_readiness_say_no_more_than_needed(client: httpx.Client):
    response = client.get("/readyz")
    assert "model" not in response.json()
    assert response.headers["x-content-type-options"] == "nosniff"


def test_a_fresh_key_in_the_url_beats_an_old_cookie(client: httpx.Client):
    client.cookies.set("akhbar_key", "old-key")
    try:
        assert client.get("/chat/en/?key=test-key").status_code == 200
    finally:
        client.cookies.clear()


def test_the_chat_and_key_guessing_are_rate_limited(client: httpx.Client):
    burst = {"Authorization": "Bearer burst-key"}  # spent by test_rate_limit_per_key
    assert client.post("/chat/gradio_api/queue/join", json={}, headers=burst).status_code == 429
    guesses = [client.get("/v1/sources/x", headers={"Authorization": f"Bearer guess-{i}"}) for i in range(41)]
    assert guesses[-1].status_code == 429 and {g.status_code for g in guesses} == {401, 429}


def test_gradio_client_uses_the_mounted_chat(api: str):
    from gradio_client import Client

    chat = Client(f"{api}/chat/en/", headers={"Authorization": "Bearer test-key"}, verbose=False)
    messages, cards, *_ = chat.predict(QUESTION, [], "", "", "", "", api_name="/respond")
    content = messages[-1]["content"]  # Gradio 6: a list of {"type": "text", "text": ...} parts
    text = "".join(part["text"] for part in content) if isinstance(content, list) else content
    assert "[1]" in text and "حلب" in text and "وكالة فرانس برس" in cards


@pytest.mark.browser
def test_embed_example_shows_the_chat_in_an_iframe(api: str, chrome, artifacts: Path):
    by = pytest.importorskip("selenium.webdriver.common.by").By
    wait = pytest.importorskip("selenium.webdriver.support.ui").WebDriverWait
    chrome.get(f"{api}/embed-example?key=test-key")
    chrome.find_element(by.CSS_SELECTOR, "#quick button").click()
    wait(chrome, 90).until(lambda d: "[1]" in d.find_element(by.ID, "quick-answer").text)
    chrome.switch_to.frame(chrome.find_element(by.ID, "akhbar-chat"))
    box = wait(chrome, 90).until(lambda d: d.find_element(by.CSS_SELECTOR, "#question textarea"))
    box.send_keys(QUESTION)
    chrome.find_element(by.ID, "ask").click()
    wait(chrome, 90).until(lambda d: d.find_elements(by.CSS_SELECTOR, "#sources .card"))
    assert "حلب" in chrome.find_element(by.ID, "chat").text
    chrome.switch_to.default_content()
    chrome.save_screenshot(str(artifacts / "embed-example.png"))


def test_public_chat_and_root_path_behind_a_proxy(archive, archive_settings):
    env = {"AKHBAR_API_KEYS": "test-key", "AKHBAR_PUBLIC_CHAT": "true", "AKHBAR_ROOT_PATH": "/akhbar"}
    with running_server(["serve"], archive_settings, "/healthz", **env) as url, httpx.Client(base_url=url) as client:
        assert client.get("/chat/ar/").status_code == 200  # the page opens without a key
        assert client.get("/chat/", headers={"Accept-Language": "en"}).headers["location"] == "/akhbar/chat/en/"
        assert client.post("/v1/ask", json={"question": QUESTION}).status_code == 401  # the API still needs one
        assert client.get("/openapi.json").json()["servers"] == [{"url": "/akhbar"}]
        assert client.get("/", follow_redirects=False).headers["location"] == "/akhbar/chat/"


def test_the_server_stops_on_sigterm_with_a_chat_page_open(archive, archive_settings):
    """An open chat page holds a heartbeat stream that never ends by itself; on SIGTERM the server
    ends it at once, well before uvicorn's grace period would cut it. (urllib's request holds the
    stream open where httpx's does not; a browser's does too.)"""
    with (
        server_process(["serve"], archive_settings, "/healthz") as (url, server, log),
        urllib.request.urlopen(f"{url}/chat/en/gradio_api/heartbeat/open-page", timeout=30) as heartbeat,
    ):
        assert heartbeat.readline() == b"data: ALIVE\n"
        server.terminate()
        server.wait(timeout=30)
    assert "timeout graceful shutdown exceeded" not in log.read_text(encoding="utf-8"), server_log(log)
