"""The real chat server, driven in headless Chromium: Arabic and English questions, filters,
and a real local LLM's answer streaming into the page."""

import json
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import SAMPLE_ID, running_server

pytestmark = pytest.mark.browser
By = pytest.importorskip("selenium.webdriver.common.by").By
WebDriverWait = pytest.importorskip("selenium.webdriver.support.ui").WebDriverWait
StaleElement = pytest.importorskip("selenium.common.exceptions").StaleElementReferenceException
BOTS = "#chat .bot, #chat [data-testid='bot']"


def wait(browser, seconds: float):
    """A wait that reads again when the chat re-renders: a bubble read mid-render is stale."""
    return WebDriverWait(browser, seconds, ignored_exceptions=(StaleElement,))


@pytest.fixture(scope="module")
def chat_url(archive, archive_settings) -> Iterator[str]:
    with running_server(["chat"], archive_settings) as url:
        yield url + "/"


def send(browser, question: str) -> None:
    box = wait(browser, 60).until(lambda d: d.find_element(By.CSS_SELECTOR, "#question textarea"))
    box.clear()
    box.send_keys(question)
    browser.find_element(By.ID, "ask").click()


def ask(browser, question: str, turn: int) -> str:
    send(browser, question)

    def answered(d):
        bots = d.find_elements(By.CSS_SELECTOR, BOTS)
        cards = d.find_elements(By.CSS_SELECTOR, "#sources .card")
        return bots[-1].text if len(bots) >= turn and cards and "[1]" in bots[-1].text else False

    return wait(browser, 90).until(answered)


def test_chat_answers_arabic_and_english_with_source_cards(chat_url, chrome, artifacts: Path):
    chrome.get(chat_url)
    arabic = ask(chrome, "أين عقدت جماعة خراسان اجتماعها السري؟", 1)
    assert "حلب" in arabic
    short = chrome.find_elements(By.CSS_SELECTOR, "#chat .short-answer")
    assert short and short[-1].text.startswith("الجواب:")  # the short answer first, its sentence under it
    card = chrome.find_element(By.CSS_SELECTOR, "#sources .card")
    assert card.get_attribute("dir") == "auto"
    assert "وكالة فرانس برس" in card.text and "2014-11-13" in card.text
    assert card.find_elements(By.TAG_NAME, "mark")  # the cited sentence is highlighted
    english = ask(chrome, "Where did the Khorasan group hold its secret meeting?", 2)
    assert english.startswith("Answer:") and "From the archive, quoted as published:" in english
    isolated = chrome.find_elements(By.CSS_SELECTOR, "#chat .short-answer bdi")  # Arabic in an English line
    assert isolated and isolated[-1].text and isolated[-1].text in english
    bubbles = chrome.find_elements(By.CSS_SELECTOR, "#chat [dir='auto']")
    assert len(bubbles) >= 4  # two questions, two answers, each direction-aware
    chrome.save_screenshot(str(artifacts / "chat.png"))


def test_keyword_filter_narrows_the_archive(chat_url, chrome):
    chrome.get(chat_url)
    wait(chrome, 60).until(lambda d: d.find_element(By.CSS_SELECTOR, "#question textarea"))
    toggles = chrome.find_elements(By.XPATH, "//*[contains(text(), 'Filters')]")
    next(t for t in toggles if t.is_displayed()).click()
    keyword = wait(chrome, 10).until(  # the accordion animates open: wait until it can be typed in
        lambda d: next((e for e in d.find_elements(By.CSS_SELECTOR, "#keyword textarea") if e.is_displayed()), False)
    )
    keyword.send_keys("الجولاني")  # in the sample article's keyword line only
    ask(chrome, "أين عقدت جماعة خراسان اجتماعها السري؟", 1)
    cards = chrome.find_elements(By.CSS_SELECTOR, "#sources .card")
    assert {c.get_attribute("data-chunk").rsplit("-", 1)[0] for c in cards} == {SAMPLE_ID}
    keyword.clear()
    keyword.send_keys("Super Bowl")  # no article has this keyword
    send(chrome, "أين عقدت جماعة خراسان اجتماعها السري؟")
    refusal = wait(chrome, 90).until(
        lambda d: len(bots := d.find_elements(By.CSS_SELECTOR, BOTS)) >= 2 and "لا يتضمن الأرشيف" in bots[-1].text
    )
    assert refusal and not chrome.find_elements(By.CSS_SELECTOR, "#sources .card")


def test_llm_answer_streams_into_the_chat(archive, archive_settings, local_llm, chrome, artifacts: Path):
    """The real local LLM behind the chat: the bubble grows token by token; at the end the
    checked answer replaces it, sentences without a citation marked (Gemma 270M cites little)."""
    env = {
        "AKHBAR_ANSWERER": "llamacpp",
        "AKHBAR_LLM_BASE_URL": local_llm.server_url,
        "AKHBAR_LLM_MAX_TOKENS": "60",  # enough to see the bubble grow; each token costs on 2 cores
        "AKHBAR_TOP_K": "3",  # a shorter prompt: the passage that answers is the first
    }
    with running_server(["chat"], archive_settings, **env) as url:
        chrome.get(url + "/")
        send(chrome, "Where did the Khorasan group hold its secret meeting?")
        seen: list[str] = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                bots = chrome.find_elements(By.CSS_SELECTOR, BOTS)
                text = bots[-1].text if bots else ""
            except StaleElement:  # re-rendered between the find and the read: read it again
                continue
            if text and (not seen or text != seen[-1]):
                seen.append(text)
            final = chrome.find_elements(By.CSS_SELECTOR, "#chat .unsupported, #sources .card")
            if final:
                break
            time.sleep(0.05)
        chrome.save_screenshot(str(artifacts / "chat-llm.png"))
    assert final, f"no final answer within 120 s; saw {seen[-1:]}"
    growing = [t for t in seen[:-1] if t]
    assert len(growing) >= 3  # partial answers were shown before the end
    assert all(len(a) <= len(b) for a, b in zip(growing, growing[1:]))


def test_a_refusal_shows_the_closest_passages_under_their_own_heading(chat_url, chrome, artifacts: Path):
    chrome.get(chat_url)
    send(chrome, "Who wrote the play Hamlet?")
    wait(chrome, 90).until(
        lambda d: (
            (bots := d.find_elements(By.CSS_SELECTOR, BOTS))
            and "holds no answer" in bots[-1].text
            and d.find_elements(By.CSS_SELECTOR, "#sources .card")
        )
    )
    assert chrome.find_element(By.CSS_SELECTOR, "#sources h2").text.startswith("Closest passages")
    cards = chrome.find_elements(By.CSS_SELECTOR, "#sources .card")
    assert 1 <= len(cards) <= 3
    assert not chrome.find_elements(By.CSS_SELECTOR, "#sources mark")  # nothing quoted: nothing is highlighted
    chrome.save_screenshot(str(artifacts / "chat-refusal.png"))


def test_feedback_export_and_timeline(chat_url, chrome, archive_settings, artifacts: Path):
    log = archive_settings.feedback_path

    def lines() -> int:
        return log.read_text(encoding="utf-8").count("\n") if log.is_file() else 0

    before = lines()
    chrome.get(chat_url)
    ask(chrome, "أين عقدت جماعة خراسان اجتماعها السري؟", 1)
    dislike = wait(chrome, 30).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#chat button[aria-label='Dislike'], #chat button[title='Dislike']")
    )
    dislike[-1].click()
    wait(chrome, 30).until(lambda d: "Recorded" in d.find_element(By.ID, "feedback-note").text)
    chrome.find_element(By.CSS_SELECTOR, "#correction textarea").send_keys("في حلب")
    chrome.find_element(By.ID, "send-correction").click()
    wait(chrome, 30).until(lambda d: lines() >= before + 2)
    verdicts = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()[before:]]
    assert [v["rating"] for v in verdicts] == ["down", "down"] and verdicts[1]["correction"] == "في حلب"
    assert verdicts[1]["answer"]["citations"][0]["article_id"] == SAMPLE_ID

    next(b for b in chrome.find_elements(By.TAG_NAME, "button") if "Export" in b.text).click()
    wait(chrome, 10).until(lambda d: d.find_element(By.ID, "export-markdown").is_displayed())
    chrome.find_element(By.ID, "export-markdown").click()
    links = wait(chrome, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#exported a[href]"))
    assert "akhbar-conversation.md" in chrome.find_element(By.ID, "exported").text.replace("\n", "")
    with urllib.request.urlopen(links[0].get_attribute("href"), timeout=30) as download:
        markdown = download.read().decode("utf-8")
    assert "## 1. أين عقدت جماعة خراسان اجتماعها السري؟" in markdown and "[1] " in markdown and "¶" in markdown
    chrome.save_screenshot(str(artifacts / "chat-feedback-export.png"))

    box = chrome.find_element(By.CSS_SELECTOR, "#question textarea")
    box.send_keys("اجتماع جماعة خراسان في حلب")
    chrome.find_element(By.ID, "timeline").click()
    entries = wait(chrome, 60).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#chat ol.timeline li"))
    assert "2014-11-13" in entries[0].text and "[1]" in entries[0].text
