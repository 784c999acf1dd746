"""The Gradio chat: streaming answers, [n] citations, and source cards under the answer."""

from __future__ import annotations

import html
import re
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import gradio as gr

from assistant.api_security import KEY_COOKIE
from assistant.archive import PAGE_SIZE, ArticlePage
from assistant.conversation import to_json, to_markdown
from assistant.feedback import Feedback
from assistant.records import Answer, Citation
from assistant.service import Assistant, LimitExceeded
from assistant.timeline import TimelineEntry
from assistant.ui_text import ui_text
from ingest.articles import ArticleSource
from ingest.chunking import split_sentences
from ingest.filters import FilterError, SearchFilters
from ingest.pipeline import IngestReport
from ingest.sanitize import clean_text
from prompts import load_prompt

CSS_PATH = Path(__file__).parent / "static" / "chat.css"
CITE_SCRIPT = Path(__file__).parent / "static" / "cite.js"
EXAMPLES = [
    "أين عقدت جماعة خراسان اجتماعها السري؟",
    "من هو قائد جبهة النصرة الذي حضر الاجتماع؟",
    "Where did the Khorasan group hold its secret meeting?",
    "How many points did the Panthers defense surrender?",
]
NEAREST = 3  # passages shown under a "no answer"
Messages = list[dict[str, Any]]
Answers = dict[int, dict[str, Any]]


def mark_sentences(text: str, sentences: Iterable[str], open_tag: str, close_tag: str) -> str:
    """``text`` escaped for HTML, line breaks as <br>, the first occurrence of each sentence
    wrapped in the tags (a sentence split off a multi-line text may span a line break)."""
    marked = html.escape(text)
    for sentence in sentences:
        pattern = r"\s+".join(map(re.escape, html.escape(sentence).split()))
        if pattern:
            marked = re.sub(pattern, lambda m: f"{open_tag}{m[0]}{close_tag}", marked, count=1)
    return marked.replace("\n", "<br>")


def highlight(passage: str, quote: str) -> str:
    """The passage with each quoted sentence wrapped in <mark>."""
    return mark_sentences(passage, split_sentences(quote), "<mark>", "</mark>")


def article_link(articles_url: str, article_id: str, language: str, chunk_id: str = "") -> str:
    """The reader page of one article, the chunk's paragraphs marked when ``chunk_id`` is given."""
    query = urlencode({k: v for k, v in (("chunk", chunk_id), ("lang", language)) if v})
    return f"{articles_url}/{quote(article_id, safe='')}?{query}{'#cited' if chunk_id else ''}"


def render_card(c: Citation, turn: int, text: dict[str, str], articles_url: str, language: str) -> str:
    meta = " · ".join(filter(None, [html.escape(c.source), c.date[:10], f"¶{c.paragraph + 1}"]))
    also = ""
    if c.also_in:
        others = "; ".join(html.escape(f"{r.source} {r.date[:10]}".strip()) for r in c.also_in)
        also = f'<div class="also">+ {len(c.also_in)}: {others}</div>'
    headline = html.escape(c.headline)
    if c.url.lower().startswith(("https://", "http://")):  # never a javascript: or data: link
        headline = f'<a href="{html.escape(c.url)}" target="_blank" rel="noopener">{headline}</a>'
    link = html.escape(article_link(articles_url, c.article_id, language, c.chunk_id))
    return (
        f'<div class="card" id="card-{turn}-{c.n}" tabindex="-1" dir="auto" data-chunk="{html.escape(c.chunk_id)}">'
        f'<span class="num">[{c.n}]</span> <div class="headline">{headline}</div><div class="meta">{meta}</div>'
        f'<div class="passage" tabindex="0">{highlight(c.passage, c.quote)}</div>{also}'
        f'<a class="open-article" href="{link}" target="_blank" rel="noopener">{html.escape(text["open_article"])}</a>'
        "</div>"
    )


def render_cards(answer: Answer, turn: int, text: dict[str, str], articles_url: str, language: str) -> str:
    """The cited passages; for a refusal, the closest ones, so a wrong refusal costs a click, not the answer."""
    if answer.answered:
        label, cited = "sources_label", answer.citations
    else:
        label, cited = "nearest_label", [Citation.of(n, p, "") for n, p in enumerate(answer.passages[:NEAREST], 1)]
    if not cited:
        return empty_sources(text)
    cards = "".join(render_card(c, turn, text, articles_url, language) for c in cited)
    return f'<h2 dir="auto">{html.escape(load_prompt(label, answer.language))}</h2><div id="source-cards">{cards}</div>'


def empty_sources(text: dict[str, str]) -> str:
    return f'<p class="empty">{html.escape(text["sources_empty"])}</p>'


def bubble(text: str) -> str:
    return f'<div dir="auto">{html.escape(text).replace(chr(10), "<br>")}</div>'


def link_citations(marked: str, numbers: set[int], turn: int) -> str:
    """Each ``[n]`` of a cited passage as a link to its card (the page's script scrolls and highlights)."""

    def link(match: re.Match[str]) -> str:
        n = int(match[1])
        if n not in numbers:
            return match[0]
        return f'<a class="cite" href="#card-{turn}-{n}">[{n}]</a>'

    return re.sub(r"\[(\d+)\]", link, marked)


def answer_bubble(answer: Answer, turn: int) -> str:
    """The final answer, each sentence that cites no passage marked so the analyst sees it."""
    label = html.escape(load_prompt("unsupported_label", answer.language), quote=True)
    span = f'<span class="unsupported" title="{label}">'
    text = answer.text
    lead = ""
    if answer.short_answer:  # the short answer stands out above the sentence it was cut from
        first, _, text = text.partition("\n")
        # Isolated, so that an Arabic answer in an English line keeps its [n] after it, not inside it.
        isolated = html.escape(first).replace(short := html.escape(answer.short_answer), f"<bdi>{short}</bdi>", 1)
        lead = f'<div class="short-answer">{isolated}</div>'
    body = mark_sentences(text.strip(), answer.unsupported_sentences, span, "</span>")
    numbers = {c.n for c in answer.citations}
    return f'<div dir="auto">{link_citations(lead, numbers, turn)}{link_citations(body, numbers, turn)}</div>'


def request_key(request: gr.Request | None) -> str | None:
    """The key a chat request carries: a Bearer header (API clients) or the cookie the page set."""
    if request is None:
        return None
    header = request.headers.get("authorization", "")
    return header[7:].strip() if header.lower().startswith("bearer ") else request.cookies.get(KEY_COOKIE)


def upload_report(report: IngestReport, text: dict[str, str]) -> str:
    """What an upload added, each skipped article on a line named by its file (not the temp folder)."""
    counts = {"articles": report.articles, "added": report.added, "unchanged": report.unchanged}
    lines = [text["upload_report"].format(**counts, skipped=len(report.skipped))]
    lines += [f"- {html.escape(s.origin.rpartition('/')[2])}: {html.escape(s.reason)}" for s in report.skipped]
    return "\n".join(lines)


def render_timeline(entries: list[TimelineEntry]) -> str:
    """One line per article, oldest first: date, the outlets that carried it, the sentence, [n]."""
    if not entries:
        return bubble("—")
    items = []
    for e in entries:
        outlets = html.escape(" · ".join(filter(None, [e.source, *(r.source for r in e.also_in)])))
        items.append(
            f'<li dir="auto"><b>{e.date[:10]}</b> <span class="meta">{outlets}</span><br>'
            f'{html.escape(e.sentence)} <span class="num">[{e.n}]</span><br>'
            f'<span class="meta">{html.escape(e.headline)} · ¶{e.paragraph + 1}</span></li>'
        )
    return f'<ol class="timeline">{"".join(items)}</ol>'


def render_archive(page: ArticlePage, text: dict[str, str], articles_url: str, language: str) -> str:
    """A page of the archive's articles: headline (opens the article), date, outlet, keywords."""
    if not page.articles:
        return f'<p class="empty">{html.escape(text["browse_empty"])}</p>'
    first, last = page.offset + 1, page.offset + len(page.articles)
    count = text["browse_count"].format(total=page.total, first=first, last=last)
    items = []
    for a in page.articles:
        link = html.escape(article_link(articles_url, a.article_id, language))
        meta = html.escape(" · ".join(filter(None, [a.date[:10], a.source])))
        keywords = f'<div class="keywords">{html.escape(a.keywords)}</div>' if a.keywords else ""
        items.append(
            f'<li dir="auto"><a href="{link}" target="_blank" rel="noopener">{html.escape(a.headline)}</a>'
            f'<div class="meta">{meta}</div>{keywords}</li>'
        )
    return f'<p class="count">{html.escape(count)}</p><ol class="archive" start="{first}">{"".join(items)}</ol>'


def error_message(exc: ValueError, text: dict[str, str], max_chars: int) -> str:
    """A ValueError from a question or a filter, in the page's language."""
    if isinstance(exc, LimitExceeded) and exc.limit == "max_question_chars":
        return text["too_long"].format(limit=max_chars)
    if isinstance(exc, FilterError):
        return text["bad_filter"].format(value=exc.value, field=text[exc.field])
    return text["failed"].format(message=exc)


def filter_boxes(text: dict[str, str], prefix: str = "") -> list[gr.Textbox]:
    """Date range, outlet and keyword boxes (ids ``{prefix}since`` and so on)."""
    return [gr.Textbox(label=text[name], elem_id=f"{prefix}{name}") for name in ("since", "until", "source", "keyword")]


def build_ui(assistant: Assistant, language: str, articles_url: str) -> gr.Blocks:
    """The chat in ``language`` ("ar" lays out right to left); articles open at ``articles_url``/<id>."""
    text = ui_text(language)
    admin_keys = assistant.settings.valid_admin_keys()

    def is_admin(request: gr.Request | None) -> bool:
        return bool(admin_keys) and request_key(request) in admin_keys

    def show_upload(request: gr.Request) -> Any:
        return gr.update(visible=is_admin(request))

    def add_articles(files: list[str] | None, request: gr.Request) -> str:
        if not is_admin(request):
            return text["admin_needed"]
        if not files:
            return ""
        return upload_report(assistant.add_articles(ArticleSource([Path(f) for f in files])), text)

    def filters_of(since: str, until: str, source: str, keyword: str) -> SearchFilters:
        return SearchFilters.parse(since or None, until or None, source or None, keyword or None)

    def respond(
        question: str,
        messages: Messages,
        asked: list[str],
        answers: Answers,
        since: str,
        until: str,
        source: str,
        keyword: str,
    ) -> Iterator[tuple[Messages, str, str, list[str], Answers]]:
        question = (question or "").strip()
        if not question:
            yield messages, gr.skip(), "", asked, answers
            return
        messages = [*messages, {"role": "user", "content": bubble(question)}, {"role": "assistant", "content": ""}]
        turn = len(messages) - 1
        try:
            stream = assistant.stream(question, history=asked, filters=filters_of(since, until, source, keyword))
            streamed = ""
            for delta in stream:
                streamed += delta
                messages[-1]["content"] = bubble(streamed)
                yield messages, gr.skip(), "", asked, answers
            messages[-1]["content"] = answer_bubble(stream.answer, turn)
            answered = {"question": question, "history": list(asked), "answer": stream.answer.as_dict()}
            answers = {**answers, turn: answered}
            cards = render_cards(stream.answer, turn, text, articles_url, language)
            yield messages, cards, "", [*asked, question], answers
        except ValueError as exc:
            messages[-1]["content"] = bubble(error_message(exc, text, assistant.settings.max_question_chars))
            yield messages, empty_sources(text), question, asked, answers

    def show_timeline(
        question: str, messages: Messages, since: str, until: str, source: str, keyword: str
    ) -> tuple[Messages, str]:
        question = (question or "").strip()
        if not question:
            return messages, ""
        try:
            reply = render_timeline(assistant.timeline(question, filters=filters_of(since, until, source, keyword)))
        except ValueError as exc:
            reply = bubble(error_message(exc, text, assistant.settings.max_question_chars))
        return [*messages, {"role": "user", "content": bubble(question)}, {"role": "assistant", "content": reply}], ""

    def show_archive(since: str, until: str, source: str, keyword: str, offset: int) -> tuple[str, int]:
        try:
            page = assistant.browse(filters_of(since, until, source, keyword), PAGE_SIZE, max(0, offset))
        except ValueError as exc:
            return bubble(error_message(exc, text, assistant.settings.max_question_chars)), 0
        return render_archive(page, text, articles_url, language), page.offset

    def first_page(since: str, until: str, source: str, keyword: str) -> tuple[str, int]:
        return show_archive(since, until, source, keyword, 0)

    def next_page(since: str, until: str, source: str, keyword: str, offset: int) -> tuple[str, int]:
        return show_archive(since, until, source, keyword, offset + PAGE_SIZE)

    def previous_page(since: str, until: str, source: str, keyword: str, offset: int) -> tuple[str, int]:
        return show_archive(since, until, source, keyword, offset - PAGE_SIZE)

    def record(answered: dict[str, Any], rating: str, correction: str = "") -> None:
        history = tuple(answered["history"])
        assistant.feedback.add(Feedback(answered["question"], rating, answered["answer"], correction, history))

    def rate(answers: Answers, like: gr.LikeData) -> str:
        index = like.index[0] if isinstance(like.index, (list, tuple)) else like.index
        answered = answers.get(index)
        if answered is None:
            return ""
        record(answered, "up" if str(like.liked).lower() in ("true", "like") else "down")  # bool, or "Like"
        return text["thanks"]

    def export(answers: Answers, suffix: str) -> str | None:
        turns = [answers[i] for i in sorted(answers)]
        if not turns:
            return None
        path = Path(tempfile.mkdtemp(prefix="akhbar-export-")) / f"akhbar-conversation.{suffix}"
        path.write_text(to_markdown(turns) if suffix == "md" else to_json(turns), encoding="utf-8")
        return str(path)

    def export_markdown(answers: Answers) -> str | None:
        return export(answers, "md")

    def export_json(answers: Answers) -> str | None:
        return export(answers, "json")

    def correct(correction: str, answers: Answers) -> tuple[str, str]:
        correction = clean_text(correction or "").strip()
        if not correction or not answers:
            return correction, ""
        record(answers[max(answers)], "down", correction[: assistant.settings.max_question_chars])
        return "", text["thanks"]

    other = "en" if language == "ar" else "ar"
    with gr.Blocks(title=f"{text['title']} · Akhbar", elem_classes=[f"lang-{language}"]) as demo:
        gr.HTML(
            f'<header class="masthead" dir="auto"><h1>{html.escape(text["title"])}</h1>'
            f"<p>{html.escape(text['intro'])}</p>"
            f'<a class="switch" href="../{other}/" lang="{other}" hreflang="{other}">{text["other_language"]}</a>'
            "</header>"
        )
        with gr.Tabs():
            with gr.Tab(text["ask_tab"], elem_id="ask-tab"), gr.Row(equal_height=False, elem_id="workspace"):
                with gr.Column(scale=3, min_width=360):
                    chatbot = gr.Chatbot(
                        elem_id="chat",
                        height=460,
                        label=text["conversation"],
                        rtl=language == "ar",
                        buttons=["copy", "copy_all"],  # no "share": it posts to Hugging Face
                    )
                    asked = gr.State([])
                    answers = gr.State({})  # message index -> the question and Answer it shows, for feedback
                    with gr.Row():
                        box = gr.Textbox(
                            placeholder=text["question_placeholder"],
                            label=text["question_placeholder"],
                            show_label=False,
                            elem_id="question",
                            scale=8,
                            autofocus=True,
                        )
                        send = gr.Button(text["ask"], elem_id="ask", variant="primary", scale=1, min_width=80)
                        timeline_button = gr.Button(text["timeline"], elem_id="timeline", scale=1, min_width=80)
                    with gr.Accordion(text["filters"], open=False), gr.Row():
                        since, until, source, keyword = filter_boxes(text)
                    with gr.Row():
                        correction = gr.Textbox(
                            placeholder=text["correction_placeholder"],
                            label=text["correction_placeholder"],
                            show_label=False,
                            elem_id="correction",
                            scale=8,
                        )
                        send_correction = gr.Button(text["correct"], elem_id="send-correction", scale=1)
                    noted = gr.Markdown(elem_id="feedback-note")
                    with gr.Accordion(text["export"], open=False), gr.Row():
                        as_markdown = gr.Button("Markdown", elem_id="export-markdown", scale=1)
                        as_json = gr.Button("JSON", elem_id="export-json", scale=1)
                        exported = gr.File(label=text["exported"], elem_id="exported", scale=4)
                    gr.Examples(EXAMPLES, inputs=box, label=text["examples"])
                with gr.Column(scale=2, min_width=300, elem_id="sources-column"):
                    cards = gr.HTML(empty_sources(text), elem_id="sources")
            with gr.Tab(text["archive_tab"], elem_id="archive-tab"):
                with gr.Row():
                    browsing = filter_boxes(text, "browse-")
                with gr.Row():
                    browse = gr.Button(text["browse"], elem_id="browse", variant="primary")
                    previous_button = gr.Button(text["previous_page"], elem_id="previous-page")
                    next_button = gr.Button(text["next_page"], elem_id="next-page")
                offset = gr.State(0)
                listing = gr.HTML(elem_id="archive")
        with gr.Accordion(text["add_articles"], open=False, visible=False) as upload_panel:
            files = gr.File(
                label=text["upload_label"], file_count="multiple", file_types=[".txt", ".jsonl"], elem_id="upload"
            )
            uploaded = gr.Markdown(elem_id="upload-report")
        files.upload(add_articles, files, uploaded, api_name="add_articles")
        demo.load(show_upload, None, upload_panel)
        inputs = [box, chatbot, asked, answers, since, until, source, keyword]
        outputs = [chatbot, cards, box, asked, answers]
        send.click(respond, inputs, outputs)
        box.submit(respond, inputs, outputs)
        timeline_button.click(show_timeline, [box, chatbot, since, until, source, keyword], [chatbot, box])
        chatbot.like(rate, answers, noted)
        as_markdown.click(export_markdown, answers, exported)
        as_json.click(export_json, answers, exported)
        send_correction.click(correct, [correction, answers], [correction, noted], api_name="correct")
        browse.click(first_page, browsing, [listing, offset], api_name="browse")
        next_button.click(next_page, [*browsing, offset], [listing, offset])
        previous_button.click(previous_page, [*browsing, offset], [listing, offset])
    return demo


def launch_kwargs(language: str) -> dict[str, Any]:
    """The page's style and script: direction and language on <html>, [n] links that scroll to their card."""
    script = CITE_SCRIPT.read_text(encoding="utf-8")
    head = f"<script>document.documentElement.lang={language!r};"
    head += f"document.documentElement.dir={'rtl' if language == 'ar' else 'ltr'!r};</script><script>{script}</script>"
    return {"css": CSS_PATH.read_text(encoding="utf-8"), "head": head}
