"""The real chat server, driven in headless Chromium: Arabic and English questions."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO

pytestmark = pytest.mark.browser
webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def chat_url(archive, archive_settings) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "AKHBAR_DATA_DIR": str(archive_settings.data_dir),
           "AKHBAR_MODEL_CACHE": str(archive_settings.models_dir), "GRADIO_ANALYTICS_ENABLED": "False"}
    server = subprocess.Popen([sys.executable, "-m", "assistant.cli", "chat", "--port", str(port)], cwd=REPO, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            break
        except OSError:
            if server.poll() is not None:
                pytest.fail(f"chat server exited: {server.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
            time.sleep(1)
    yield url
    server.terminate()
    server.wait(timeout=20)


@pytest.fixture(scope="module")
def browser() -> Iterator["webdriver.Chrome"]:
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip("chromium and chromedriver are needed: `make browser` installs them")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-background-networking", "--disable-gpu",
                 "--disable-component-update", "--no-first-run", "--window-size=1280,1400"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=webdriver.ChromeService(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


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


def test_chat_answers_arabic_and_english_with_source_cards(chat_url, browser, artifacts: Path):
    browser.get(chat_url)
    arabic = ask(browser, "أين عقدت جماعة خراسان اجتماعها السري؟", 1)
    assert "حلب" in arabic
    card = browser.find_element(By.CSS_SELECTOR, "#sources .card")
    assert card.get_attribute("dir") == "auto"
    assert "وكالة فرانس برس" in card.text and "2014-11-13" in card.text
    assert card.find_elements(By.TAG_NAME, "mark")  # the cited sentence is highlighted
    english = ask(browser, "Where did the Khorasan group hold its secret meeting?", 2)
    assert english.startswith("From the archive")
    bubble = browser.find_elements(By.CSS_SELECTOR, "#chat [dir='auto']")
    assert len(bubble) >= 4  # two questions, two answers, each direction-aware
    browser.save_screenshot(str(artifacts / "chat.png"))
