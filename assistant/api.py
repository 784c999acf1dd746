"""The HTTP API (FastAPI) with the Gradio chat mounted at /chat; `akhbar serve` runs it."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any, Literal

import gradio as gr
from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, StreamingResponse
from pydantic import BaseModel, Field, StrictInt
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.api_security import error, install_security
from assistant.archive import PAGE_SIZE
from assistant.article_page import render_article_page
from assistant.feedback import Feedback
from assistant.openai_compat import ChatRequest, completion, completion_chunks
from assistant.records import AnswerStream, Passage
from assistant.service import Assistant, LimitExceeded
from assistant.ui import build_ui, launch_kwargs
from assistant.ui_text import UI_LANGUAGES, preferred_language, ui_text
from ingest.articles import Article, read_json_upload, read_jsonl_upload
from ingest.filters import SearchFilters
from ingest.sanitize import clean_text

logger = logging.getLogger(__name__)
EMBED_EXAMPLE = Path(__file__).parent / "static" / "embed-example.html"


class QuestionRequest(BaseModel):
    question: str
    k: StrictInt | None = Field(None, ge=1)  # strict: JSON true is not k = 1
    since: str | None = Field(None, description="ISO date, inclusive")
    until: str | None = Field(None, description="ISO date, inclusive")
    source: str | None = None
    keyword: str | None = None

    def filters(self) -> SearchFilters:
        return SearchFilters.parse(self.since, self.until, self.source, self.keyword)


class SearchRequest(QuestionRequest):
    mode: Literal["hybrid", "dense", "lexical"] | None = Field(None, description="default: the server's retrieval")


class FeedbackRequest(BaseModel):
    question: str
    rating: Literal["up", "down"]
    answer: dict[str, Any] = Field(description="the answer as /v1/ask returned it")
    correction: str = Field("", description="the right answer, when the analyst knows it")
    history: list[str] = Field(default_factory=list)


class AskRequest(QuestionRequest):
    history: list[str] = Field(default_factory=list, description="earlier questions, oldest first")
    stream: bool = Field(False, description="Server-Sent Events: `token` events, then one `answer` event")


def create_app(assistant: Assistant) -> FastAPI:
    settings = assistant.settings
    app = FastAPI(
        title="Akhbar",
        version="0.1.0",
        root_path=settings.root_path,
        description="Cited answers over an Arabic news archive.",
    )
    install_security(app, settings)

    @app.exception_handler(StarletteHTTPException)
    def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        kinds = {400: "invalid", 404: "not_found", 405: "method_not_allowed"}
        return error(exc.status_code, kinds.get(exc.status_code, "http"), str(exc.detail).partition("\n")[0])

    @app.exception_handler(RequestValidationError)
    def invalid_body(request: Request, exc: RequestValidationError) -> JSONResponse:
        # FastAPI's own handler echoes the input back, which fails to render for NaN or a lone
        # surrogate (a 500 in place of the 422); this names the field and never echoes.
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(part) for part in first.get("loc", ()) if part != "body") or "body"
        return error(422, "invalid", f"{where}: {first.get('msg', 'invalid request')}")

    def rejected(exc: ValueError) -> JSONResponse:
        if isinstance(exc, LimitExceeded):
            return error(422, "limit", str(exc), limit=exc.limit)
        return error(422, "invalid", str(exc))

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz")
    def readyz() -> JSONResponse:
        try:
            chunks = assistant.store.count()
        except Exception as exc:  # the store is down or unreachable
            return JSONResponse({"status": "unavailable", "reason": f"store: {exc}"}, status_code=503)
        if chunks == 0:
            return JSONResponse(
                {"status": "empty", "reason": "the collection has no chunks; run akhbar ingest"}, status_code=503
            )
        return JSONResponse({"status": "ready", "chunks": chunks})

    @app.post("/v1/search")
    def search(request: SearchRequest) -> JSONResponse:
        try:
            passages = assistant.search(request.question, request.k, request.filters(), request.mode)
        except ValueError as exc:
            return rejected(exc)
        return JSONResponse({"passages": [asdict(p) for p in passages]})

    @app.post("/v1/ask", response_model=None)
    def ask(request: AskRequest) -> JSONResponse | StreamingResponse:
        try:
            items = assistant.stream(request.question, request.history, request.k, request.filters())
        except ValueError as exc:
            return rejected(exc)
        if request.stream:
            return StreamingResponse(sse(items), media_type="text/event-stream")
        return JSONResponse(items.answer.as_dict())

    @app.post("/v1/chat/completions", response_model=None)
    def chat_completions(request: ChatRequest) -> JSONResponse | StreamingResponse:
        try:
            items = assistant.stream(*request.question_and_history())
        except ValueError as exc:
            return rejected(exc)
        if request.stream:
            return StreamingResponse(completion_chunks(items, request.model), media_type="text/event-stream")
        return JSONResponse(completion(items.answer, request.model))

    @app.post("/v1/timeline")
    def timeline(request: QuestionRequest) -> JSONResponse:
        try:
            entries = assistant.timeline(request.question, request.k, request.filters())
        except ValueError as exc:
            return rejected(exc)
        return JSONResponse({"entries": [asdict(e) for e in entries]})

    @app.post("/v1/feedback")
    def feedback(request: FeedbackRequest) -> JSONResponse:
        limit = settings.max_question_chars
        if max(len(request.question), len(request.correction)) > limit:
            message = f"the question or correction is over {limit} characters"
            return error(422, "limit", message, limit="max_question_chars")
        question, correction = clean_text(request.question).strip(), clean_text(request.correction).strip()
        history = tuple(clean_text(h) for h in request.history)
        verdict = Feedback(question, request.rating, request.answer, correction, history)
        assistant.feedback.add(verdict)
        return JSONResponse({"id": verdict.id})

    @app.post("/v1/articles", status_code=200)
    async def add_articles(request: Request) -> JSONResponse:
        """Articles as JSON (one, a list, or {"articles": [...]}) or JSONL (Content-Type
        application/x-ndjson), read and checked as `akhbar ingest` reads files; admin keys only."""
        raw = await request.body()
        jsonl = any(kind in request.headers.get("content-type", "") for kind in ("ndjson", "jsonl"))
        items = list(read_jsonl_upload(raw, "body") if jsonl else read_json_upload(raw, "body"))
        articles = [item for item in items if isinstance(item, Article)]
        if not articles:
            skipped = [str(item) for item in items]
            return error(422, "invalid", skipped[0] if skipped else "no articles in the body", skipped=skipped)
        report = await run_in_threadpool(assistant.add_articles, items)
        return JSONResponse({"ids": list(dict.fromkeys(a.id for a in articles)), **report.as_dict()})

    @app.get("/v1/articles")
    def list_articles(
        since: str | None = None,
        until: str | None = None,
        source: str | None = None,
        keyword: str | None = None,
        limit: int = PAGE_SIZE,
        offset: int = 0,
    ) -> JSONResponse:
        """The archive's articles that the filters admit, newest first: {total, offset, articles}."""
        try:
            page = assistant.browse(SearchFilters.parse(since, until, source, keyword), limit, offset)
        except ValueError as exc:
            return rejected(exc)
        return JSONResponse(asdict(page))

    @app.get("/v1/articles/{article_id}")
    def get_article(article_id: str) -> JSONResponse:
        """One article whole: its fields, its paragraphs, and the paragraphs each chunk id covers."""
        article = assistant.article(article_id)
        if article is None:
            return error(404, "not_found", f"no article with id {article_id!r}")
        return JSONResponse(asdict(article))

    @app.get("/articles/{article_id}", response_class=HTMLResponse)
    def article_page(article_id: str, request: Request, chunk: str = "", lang: str = "") -> HTMLResponse:
        """The article to read, the paragraphs of passage ``chunk`` marked (what a source card opens)."""
        language = lang if lang in UI_LANGUAGES else preferred_language(request.headers.get("accept-language"))
        article = assistant.article(article_id)
        page = render_article_page(article, ui_text(language), language, chunk)
        return HTMLResponse(page, status_code=200 if article else 404)

    @app.delete("/v1/articles/{article_id}")
    def delete_article(article_id: str) -> JSONResponse:
        removed = assistant.delete_article(article_id)
        if not removed:
            return error(404, "not_found", f"no article with id {article_id!r}")
        return JSONResponse({"id": article_id, "chunks_removed": removed})

    @app.get("/v1/sources/{chunk_id}")
    def source(chunk_id: str) -> JSONResponse:
        found = assistant.store.get([chunk_id])
        if not found:
            return error(404, "not_found", f"no passage with id {chunk_id!r}")
        return JSONResponse(asdict(Passage.of(found[0])))

    @app.get("/embed-example", response_class=HTMLResponse)
    def embed_example() -> str:
        return EMBED_EXAMPLE.read_text(encoding="utf-8")

    @app.get("/")
    def root() -> RedirectResponse:
        return RedirectResponse(url=f"{settings.root_path}/chat/")

    @app.get("/chat", include_in_schema=False)
    @app.get("/chat/", include_in_schema=False)
    def chat_in_browser_language(request: Request) -> RedirectResponse:
        """The chat in the language the browser prefers (Accept-Language), the query (?key=) kept."""
        language = preferred_language(request.headers.get("accept-language"))
        query = f"?{request.url.query}" if request.url.query else ""
        return RedirectResponse(url=f"{settings.root_path}/chat/{language}/{query}")

    for language in UI_LANGUAGES:
        chat = build_ui(assistant, language, f"{settings.root_path}/articles")
        app = gr.mount_gradio_app(app, chat, path=f"/chat/{language}", **launch_kwargs(language))
    return app


def close_chat_streams(app: FastAPI) -> None:
    """End the heartbeat streams of open chat pages, which never end by themselves: Gradio ends
    them only when it runs its own server, and here uvicorn runs the app it is mounted in."""
    for route in app.routes:
        chat = getattr(route, "app", None)
        if isinstance(chat, gr.routes.App):
            chat.stop_event.set()


def app_from_environment() -> FastAPI:
    """The app of one `akhbar serve --workers N` process, its settings from ``AKHBAR_*``."""
    return create_app(Assistant.from_settings())


def sse(stream: AnswerStream) -> Iterator[str]:
    """Server-Sent Events: `token` events, then one `answer` event; a failure after the stream
    began (the status is sent by then) ends it with an `error` event instead of a cut."""
    try:
        for text in stream:
            yield f"event: token\ndata: {json.dumps({'text': text}, ensure_ascii=False)}\n\n"
        yield f"event: answer\ndata: {json.dumps(stream.answer.as_dict(), ensure_ascii=False)}\n\n"
    except Exception as exc:
        logger.exception("answer stream failed")
        payload = {"error": {"type": "internal", "message": f"the answer failed: {type(exc).__name__}"}}
        yield f"event: error\ndata: {json.dumps(payload)}\n\n"
