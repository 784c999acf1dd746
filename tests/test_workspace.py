"""The analyst's workspace in headless Chromium: the answer beside its sources, [n] scrolling to its
card, the article opened with the cited paragraph marked, the archive browsed and filtered, the
page in Arabic (right to left) and English, axe-core's accessibility check, and the iframe embed
at 400 and 1,200 px."""

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import SAMPLE, SAMPLE_ID, running_server

from ingest.articles import read_file

pytestmark = pytest.mark.browser
By = pytest.importorskip("selenium.webdriver.common.by").By
WebDriverWait = pytest.importorskip("selenium.webdriver.support.ui").WebDriverWait
AXE = Path(__file__).parents[1] / ".venv" / "node" / "node_modules" / "axe-core" / "axe.min.js"
QUESTION = "أين عقدت جماعة خراسان اجتماعها السري؟"
SAMPLE_SOURCE = "وكالة فرانس برس"
SAMPLE_ARTICLE = next(iter(read_file(SAMPLE)))


@pytest.fixture(scope="module")
def server(archive, archive_settings) -> Iterator[str]:
    with running_server(["serve"], archive_settings, "/readyz") as url:
        yield url


@pytest.fixture
def wide(chrome) -> Iterator[object]:
    chrome.set_window_size(1280, 1000)
    yield chrome
    chrome.set_window_size(1280, 1000)


def ask(browser, question: str) -> None:
    box = WebDriverWait(browser, 60).until(lambda d: d.find_element(By.CSS_SELECTOR, "#question textarea"))
    box.clear()
    box.send_keys(question)
    browser.find_element(By.ID, "ask").click()
    WebDriverWait(browser, 90).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#chat a.cite"))
    WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#sources .card"))


def columns(browser) -> tuple[dict, dict]:
    return browser.find_element(By.ID, "chat").rect, browser.find_element(By.ID, "sources").rect


def test_the_chat_opens_in_the_browsers_language(server: str):
    with httpx.Client(base_url=server) as client:
        english = client.get("/chat/?key=k1", headers={"Accept-Language": "en-US,en;q=0.9,ar;q=0.5"})
        arabic = client.get("/chat/", headers={"Accept-Language": "ar-EG,ar;q=0.9"})
        assert (english.status_code, english.headers["location"]) == (307, "/chat/en/?key=k1")
        assert arabic.headers["location"] == "/chat/ar/"
        page = client.get("/chat/ar/")
        assert page.status_code == 200 and "أخبار" in page.text


def test_answer_beside_its_sources_and_a_citation_scrolls_to_its_card(server: str, wide, artifacts: Path):
    wide.get(f"{server}/chat/en/")
    ask(wide, QUESTION)
    chat, sources = columns(wide)
    assert sources["x"] > chat["x"] + chat["width"] / 2  # side by side, sources on the right (left to right)
    assert sources["y"] < chat["y"] + chat["height"]
    cite = wide.find_elements(By.CSS_SELECTOR, "#chat a.cite")[-1]
    card_id = cite.get_attribute("href").rpartition("#")[2]
    wide.execute_script("window.scrollTo(0, document.body.scrollHeight)")
    cite.click()
    card = wide.find_element(By.ID, card_id)
    WebDriverWait(wide, 10).until(lambda d: "flash" in card.get_attribute("class"))
    in_view = "const r = arguments[0].getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight;"
    WebDriverWait(wide, 10).until(lambda d: d.execute_script(in_view, card))  # scrolled (smoothly) into view
    quoted = card.find_element(By.TAG_NAME, "mark").text
    wide.save_screenshot(str(artifacts / "workspace-en.png"))

    wide.get(card.find_element(By.CSS_SELECTOR, "a.open-article").get_attribute("href"))
    cited = WebDriverWait(wide, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, "p.cited"))
    assert wide.find_element(By.TAG_NAME, "h1").text == SAMPLE_ARTICLE.headline
    assert any(quoted.split()[0] in p.text for p in cited)  # the quoted sentence is in a marked paragraph
    assert len(wide.find_elements(By.CSS_SELECTOR, "main p[dir]")) > len(cited)  # the whole article, not the passage
    wide.save_screenshot(str(artifacts / "article-page.png"))


def test_the_arabic_page_runs_right_to_left_and_switches_to_english(server: str, wide, artifacts: Path):
    wide.get(f"{server}/chat/ar/")
    ask(wide, QUESTION)
    html = wide.find_element(By.TAG_NAME, "html")
    assert (html.get_attribute("dir"), html.get_attribute("lang")) == ("rtl", "ar")
    assert wide.find_element(By.ID, "ask").text == "اسأل"
    assert wide.find_element(By.ID, "question").find_element(By.TAG_NAME, "textarea").get_attribute("placeholder") == (
        "اكتب سؤالك بالعربية أو بالإنجليزية"
    )
    chat, sources = columns(wide)
    assert sources["x"] + sources["width"] / 2 < chat["x"]  # side by side, mirrored: sources on the left
    wide.save_screenshot(str(artifacts / "workspace-ar.png"))
    box = wide.find_element(By.CSS_SELECTOR, "#question textarea")
    box.send_keys("اجتماع جماعة خراسان في حلب")
    timeline = wide.find_element(By.ID, "timeline")
    assert timeline.text == "خط زمني"
    timeline.click()
    entries = WebDriverWait(wide, 60).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#chat ol.timeline li"))
    assert "2014-11-13" in entries[0].text
    wide.save_screenshot(str(artifacts / "timeline-ar.png"))
    wide.find_element(By.CSS_SELECTOR, "a.switch").click()
    WebDriverWait(wide, 30).until(lambda d: [b.text for b in d.find_elements(By.ID, "ask")] == ["Ask"])
    assert wide.current_url.endswith("/chat/en/")
    assert wide.find_element(By.TAG_NAME, "html").get_attribute("dir") == "ltr"


def test_the_archive_is_browsed_by_source_and_date_and_an_article_opens(server: str, wide, artifacts: Path):
    with httpx.Client(base_url=server, timeout=30) as client:
        everything = client.get("/v1/articles", params={"limit": 5}).json()
        assert everything["total"] == 49 and len(everything["articles"]) == 5
        assert everything["articles"][0]["article_id"] == SAMPLE_ID  # the only dated article: newest first
        in_november = client.get("/v1/articles", params={"since": "2014-11-01", "until": "2014-11-30"}).json()
        assert [a["article_id"] for a in in_november["articles"]] == [SAMPLE_ID]
        article = client.get(f"/v1/articles/{SAMPLE_ID}").json()
        assert article["paragraphs"] == list(SAMPLE_ARTICLE.paragraphs)
        assert client.get("/v1/articles/no-such-id").status_code == 404
        assert client.get("/v1/articles", params={"since": "last week"}).status_code == 422

    wide.get(f"{server}/chat/ar/")
    WebDriverWait(wide, 60).until(lambda d: d.find_element(By.CSS_SELECTOR, "#question textarea"))
    next(tab for tab in wide.find_elements(By.CSS_SELECTOR, "button[role=tab]") if tab.text == "الأرشيف").click()
    source = WebDriverWait(wide, 30).until(lambda d: d.find_element(By.CSS_SELECTOR, "#browse-source textarea"))
    source.send_keys(SAMPLE_SOURCE)
    wide.find_element(By.ID, "browse").click()
    items = WebDriverWait(wide, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#archive ol.archive li"))
    assert len(items) == 1 and SAMPLE_SOURCE in items[0].text and "2014-11-13" in items[0].text
    assert wide.find_element(By.CSS_SELECTOR, "#archive .count").text.startswith("1 مقالة")
    wide.save_screenshot(str(artifacts / "archive-ar.png"))
    wide.get(items[0].find_element(By.TAG_NAME, "a").get_attribute("href"))
    paragraphs = WebDriverWait(wide, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, "main p[dir]"))
    assert wide.find_element(By.TAG_NAME, "html").get_attribute("lang") == "ar"
    assert len([p for p in paragraphs if p.text.startswith("¶")]) == len(SAMPLE_ARTICLE.paragraphs)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_no_serious_accessibility_violation(server: str, wide, language: str):
    if not AXE.is_file():
        pytest.skip(f"axe-core is not at {AXE}: `make browser` installs it")
    wide.get(f"{server}/chat/{language}/")
    ask(wide, QUESTION)
    wide.execute_script(AXE.read_text(encoding="utf-8"))
    wide.set_script_timeout(60)
    violations = wide.execute_async_script(
        "const done = arguments[0];"
        "axe.run(document).then(r => done(r.violations.map(v => [v.id, v.impact, v.nodes.length])));"
    )
    assert [v for v in violations if v[1] in ("serious", "critical")] == []


@pytest.mark.parametrize("width", [400, 1200])
def test_the_embedded_chat_at_portal_widths(server: str, chrome, width: int, artifacts: Path):
    chrome.set_window_size(width + 200, 1100)
    try:
        chrome.get(f"{server}/embed-example")
        chrome.execute_script(
            "document.querySelector('.layout').style.display = 'block';"
            f"document.getElementById('akhbar-chat').style.width = '{width}px';"
        )
        chrome.switch_to.frame(chrome.find_element(By.ID, "akhbar-chat"))
        ask(chrome, QUESTION)
        chat, sources = columns(chrome)
        if width < 700:
            assert sources["y"] >= chat["y"] + chat["height"]  # stacked: the sources under the conversation
        else:
            assert sources["x"] > chat["x"] + chat["width"] / 2  # side by side
        chrome.switch_to.default_content()
        chrome.save_screenshot(str(artifacts / f"embed-{width}.png"))
    finally:
        chrome.switch_to.default_content()
        chrome.set_window_size(1280, 1000)
