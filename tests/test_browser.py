"""The real chat server, driven in headless Chromium: Arabic and English questions."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import running_server

pytestmark = pytest.mark.browser
By = pytest.importorskip("selenium.webdriver.common.by").By
WebDriverWait = pytest.importorskip("selenium.webdriver.support.ui").WebDriverWait


@pytest.fixture(scope="module")
def chat_url(archive, archive_settings) -> Iterator[str]:
    with running_server(["chat"], archive_settings) as url:
        yield url + "/"


def ask(browser, question: str, turn: int) -> str:
    box = WebDriverWait(browser, 60).until(lambda d: d.find_element(By.CSS_SELECTOR, "#question textarea"))
    box.clear()
    box.send_keys(question)
    browser.find_element(By.ID, "ask").click()

    def answered(d):
        bots = d.find_elements(By.CSS_SELECTOR, "#chat .bot, #chat [data-testid='bot']")
        cards = d.find_elements(By.CSS_SELECTOR, "#sources .card")
        return bots[-1].text if len(bots) >= turn and cards and "[1]" in bots[-1].text else False

    return WebDriverWait(browser, 90).until(answered)


def test_chat_answers_arabic_and_english_with_source_cards(chat_url, chrome, artifacts: Path):
    chrome.get(chat_url)
    arabic = ask(chrome, "أين عقدت جماعة خراسان اجتماعها السري؟", 1)
    assert "حلب" in arabic
    card = chrome.find_element(By.CSS_SELECTOR, "#sources .card")
    assert card.get_attribute("dir") == "auto"
    assert "وكالة فرانس برس" in card.text and "2014-11-13" in card.text
    assert card.find_elements(By.TAG_NAME, "mark")  # the cited sentence is highlighted
    english = ask(chrome, "Where did the Khorasan group hold its secret meeting?", 2)
    assert english.startswith("From the archive")
    bubbles = chrome.find_elements(By.CSS_SELECTOR, "#chat [dir='auto']")
    assert len(bubbles) >= 4  # two questions, two answers, each direction-aware
    chrome.save_screenshot(str(artifacts / "chat.png"))
