"""The Gradio chat: streaming answers, [n] citations, and source cards under the answer."""

from __future__ import annotations

import html
import re
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.api_security import KEY_COOKIE
from assistant.conversation import to_json, to_markdown
from assistant.feedback import Feedback
from assistant.records import Answer, Citation
from assistant.service import Assistant
from assistant.timeline import TimelineEntry
from ingest.articles import ArticleSource
from ingest.chunking import split_sentences
from ingest.filters import SearchFilters
from ingest.pipeline import IngestReport
from ingest.sanitize import clean_text
from prompts import load_prompt

CSS_PATH = Path(__file__).parent / "static" / "chat.css"
EXAMPLES = [
    "أين عقدت جماعة خراسان اجتماعها السري؟",
    "من هو قائد جبهة النصرة الذي حضر الاجتماع؟",
    "Which Nusra Front leader attended the meeting in Aleppo?",
    "How many points did the Panthers defense surrender in Super Bowl 50?",
]
NEAREST = 3  # passages shown under a "no answer"
Messages = list[dict[str, Any]]
Answers = dict[int, dict[str, Any]]
THANKS = "✓ recorded, thank you · سُجّل، شكراً"


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


def render_card(c: Citation) -> str:
    meta = " · ".join(filter(None, [html.escape(c.source), c.date[:10], f"¶{c.paragraph + 1}"]))
    also = ""
    if c.also_in:
        others = "; ".join(html.escape(f"{r.source} {r.date[:10]}".strip()) for r in c.also_in)
        also = f'<div class="also">+ {len(c.also_in)}: {others}</div>'
    headline = html.escape(c.headline)
    if c.url.lower().startswith(("https://", "http://")):  # never a javascript: or data: link
        headline = f'<a href="{html.escape(c.url)}" target="_blank" rel="noopener">{headline}</a>'
    return (
        f'<div class="card" dir="auto" data-chunk="{html.escape(c.chunk_id)}"><span class="num">[{c.n}]</span> '
        f'<div class="headline">{headline}</div><div class="meta">{meta}</div>'
        f'<div class="passage">{highlight(c.passage, c.quote)}</div>{also}</div>'
    )


def render_cards(answer: Answer) -> str:
    """The cited passages; for a refusal, the closest ones, so a wrong refusal costs a click, not the answer."""
    if answer.answered:
        label, cited = "sources_label", answer.citations
    else:
        label, cited = "nearest_label", [Citation.of(n, p, "") for n, p in enumerate(answer.passages[:NEAREST], 1)]
    if not cited:
        return ""
    cards = "".join(render_card(c) for c in cited)
    return f'<h3 dir="auto">{html.escape(load_prompt(label, answer.language))}</h3><div id="source-cards">{cards}</div>'


def bubble(text: str) -> str:
    return f'<div dir="auto">{html.escape(text).replace(chr(10), "<br>")}</div>'


def answer_bubble(answer: Answer) -> str:
    """The final answer, each sentence that cites no passage marked so the analyst sees it."""
    label = html.escape(load_prompt("unsupported_label", answer.language), quote=True)
    span = f'<span class="unsupported" title="{label}">'
    text = answer.text
    lead = ""
    if answer.short_answer:  # the short answer stands out above the sentence it was cut from
        first, _, text = text.partition("\n")
        lead = f'<div class="short-answer">{html.escape(first)}</div>'
    return f'<div dir="auto">{lead}{mark_sentences(text.strip(), answer.unsupported_sentences, span, "</span>")}</div>'


def request_key(request: gr.Request | None) -> str | None:
    """The key a chat request carries: a Bearer header (API clients) or the cookie the page set."""
    if request is None:
        return None
    header = request.headers.get("authorization", "")
    return header[7:].strip() if header.lower().startswith("bearer ") else request.cookies.get(KEY_COOKIE)


def upload_report(report: IngestReport) -> str:
    """What an upload added, each skipped article on a line named by its file (not the temp folder)."""
    lines = [
        f"{report.articles} articles read: {report.added} passages added, {report.unchanged} unchanged; "
        f"{len(report.skipped)} skipped"
    ]
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


def build_ui(assistant: Assistant) -> gr.Blocks:
    admin_keys = assistant.settings.valid_admin_keys()

    def is_admin(request: gr.Request | None) -> bool:
        return bool(admin_keys) and request_key(request) in admin_keys

    def show_upload(request: gr.Request) -> Any:
        return gr.update(visible=is_admin(request))

    def add_articles(files: list[str] | None, request: gr.Request) -> str:
        if not is_admin(request):
            return "⚠ adding articles needs an admin key (AKHBAR_ADMIN_KEYS)"
        if not files:
            return ""
        return upload_report(assistant.add_articles(ArticleSource([Path(f) for f in files])))

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
            yield messages, "", "", asked, answers
            return
        messages = [*messages, {"role": "user", "content": bubble(question)}, {"role": "assistant", "content": ""}]
        try:
            filters = SearchFilters.parse(since or None, until or None, source or None, keyword or None)
            stream = assistant.stream(question, history=asked, filters=filters)
            text = ""
            for delta in stream:
                text += delta
                messages[-1]["content"] = bubble(text)
                yield messages, "", "", asked, answers
            messages[-1]["content"] = answer_bubble(stream.answer)
            answered = {"question": question, "history": list(asked), "answer": stream.answer.as_dict()}
            answers = {**answers, len(messages) - 1: answered}
            yield messages, render_cards(stream.answer), "", [*asked, question], answers
        except ValueError as exc:
            messages[-1]["content"] = bubble(f"⚠ {exc}")
            yield messages, "", question, asked, answers

    def show_timeline(
        question: str, messages: Messages, since: str, until: str, source: str, keyword: str
    ) -> tuple[Messages, str]:
        question = (question or "").strip()
        if not question:
            return messages, ""
        try:
            filters = SearchFilters.parse(since or None, until or None, source or None, keyword or None)
            reply = render_timeline(assistant.timeline(question, filters=filters))
        except ValueError as exc:
            reply = bubble(f"⚠ {exc}")
        return [*messages, {"role": "user", "content": bubble(question)}, {"role": "assistant", "content": reply}], ""

    def record(answered: dict[str, Any], rating: str, correction: str = "") -> None:
        history = tuple(answered["history"])
        assistant.feedback.add(Feedback(answered["question"], rating, answered["answer"], correction, history))

    def rate(answers: Answers, like: gr.LikeData) -> str:
        index = like.index[0] if isinstance(like.index, (list, tuple)) else like.index
        answered = answers.get(index)
        if answered is None:
            return ""
        record(answered, "up" if str(like.liked).lower() in ("true", "like") else "down")  # bool, or "Like"
        return THANKS

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

    def correct(text: str, answers: Answers) -> tuple[str, str]:
        text = clean_text(text or "").strip()
        if not text or not answers:
            return text, ""
        record(answers[max(answers)], "down", text[: assistant.settings.max_question_chars])
        return "", THANKS

    with gr.Blocks(title="Akhbar · أخبار") as demo:
        gr.Markdown("## Akhbar · أخبار\nAsk the news archive in Arabic or English; every claim cites its passage.")
        chatbot = gr.Chatbot(elem_id="chat", height=460, label="Akhbar")
        cards = gr.HTML(elem_id="sources")
        asked = gr.State([])
        answers = gr.State({})  # message index -> the question and Answer it shows, for feedback
        with gr.Row():
            box = gr.Textbox(
                placeholder="اسأل بالعربية أو بالإنجليزية · Ask in Arabic or English",
                show_label=False,
                elem_id="question",
                scale=8,
                autofocus=True,
            )
            send = gr.Button("Ask · اسأل", elem_id="ask", variant="primary", scale=1)
            timeline_button = gr.Button("Timeline · خط زمني", elem_id="timeline", scale=1)
        with gr.Accordion("Filters · تصفية", open=False), gr.Row():
            since = gr.Textbox(label="since (YYYY-MM-DD)", elem_id="since")
            until = gr.Textbox(label="until (YYYY-MM-DD)", elem_id="until")
            source = gr.Textbox(label="source", elem_id="source")
            keyword = gr.Textbox(label="keyword · كلمة مفتاحية", elem_id="keyword")
        with gr.Row():
            correction = gr.Textbox(
                placeholder="The right answer is… · الجواب الصحيح هو…",
                show_label=False,
                elem_id="correction",
                scale=8,
            )
            send_correction = gr.Button("Correct · صحّح", elem_id="send-correction", scale=1)
        noted = gr.Markdown(elem_id="feedback-note")
        with gr.Accordion("Export · تصدير", open=False), gr.Row():
            as_markdown = gr.Button("Markdown", elem_id="export-markdown", scale=1)
            as_json = gr.Button("JSON", elem_id="export-json", scale=1)
            exported = gr.File(label="conversation · المحادثة", elem_id="exported", scale=4)
        gr.Examples(EXAMPLES, inputs=box)
        with gr.Accordion("Add articles · إضافة مقالات", open=False, visible=False) as upload_panel:
            files = gr.File(
                label=".txt (headline, date line, body) · .jsonl (title, body, date, source)",
                file_count="multiple",
                file_types=[".txt", ".jsonl"],
                elem_id="upload",
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
    return demo


def launch_kwargs() -> dict[str, Any]:
    return {"css": CSS_PATH.read_text(encoding="utf-8")}
