"""The HTTP API (FastAPI) with the Gradio chat mounted at /chat; `akhbar serve` runs it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

import gradio as gr
from fastapi import FastAPI
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, StreamingResponse
from pydantic import BaseModel, Field

from assistant.api_security import error, install_security
from assistant.openai_compat import ChatRequest, completion, completion_chunks
from assistant.records import Answer, Passage
from assistant.service import Assistant
from assistant.ui import build_ui, launch_kwargs
from ingest.filters import SearchFilters

EMBED_EXAMPLE = Path(__file__).parent / "static" / "embed-example.html"


class SearchRequest(BaseModel):
    question: str
    k: int | None = Field(None, ge=1)
    since: str | None = Field(None, description="ISO date, inclusive")
    until: str | None = Field(None, description="ISO date, inclusive")
    source: str | None = None
    keyword: str | None = None

    def filters(self) -> SearchFilters:
        return SearchFilters.parse(self.since, self.until, self.source, self.keyword)


class AskRequest(SearchRequest):
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

    def check_limits(request: SearchRequest) -> JSONResponse | None:
        if not request.question.strip():
            return error(422, "invalid", "question is empty")
        if len(request.question) > settings.max_question_chars:
            return error(
                422, "limit", f"question over {settings.max_question_chars} characters", limit="max_question_chars"
            )
        if request.k is not None and request.k > settings.max_top_k:
            return error(422, "limit", f"k over {settings.max_top_k}", limit="max_top_k")
        return None

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
        return JSONResponse({"status": "ready", "chunks": chunks, "model": settings.model})

    @app.post("/v1/search")
    def search(request: SearchRequest) -> JSONResponse:
        try:
            problem = check_limits(request)
            if problem:
                return problem
            passages = assistant.search(request.question, request.k, request.filters())
        except ValueError as exc:
            return error(422, "invalid", str(exc))
        return JSONResponse({"passages": [asdict(p) for p in passages]})

    @app.post("/v1/ask", response_model=None)
    def ask(request: AskRequest) -> JSONResponse | StreamingResponse:
        try:
            problem = check_limits(request)
            if problem:
                return problem
            filters = request.filters()
        except ValueError as exc:
            return error(422, "invalid", str(exc))
        if request.stream:
            items = assistant.stream(request.question, request.history, request.k, filters)
            return StreamingResponse(sse(items), media_type="text/event-stream")
        return JSONResponse(assistant.ask(request.question, request.history, request.k, filters).as_dict())

    @app.post("/v1/chat/completions", response_model=None)
    def chat_completions(request: ChatRequest) -> JSONResponse | StreamingResponse:
        try:
            question, history = request.question_and_history()
        except ValueError as exc:
            return error(422, "invalid", str(exc))
        problem = check_limits(SearchRequest(question=question))
        if problem:
            return problem
        if request.stream:
            items = assistant.stream(question, history)
            return StreamingResponse(completion_chunks(items, request.model), media_type="text/event-stream")
        return JSONResponse(completion(assistant.ask(question, history), request.model))

    @app.get("/v1/sources/{chunk_id}")
    def source(chunk_id: str) -> JSONResponse:
        found = assistant.store.get([chunk_id])
        if not found:
            return error(404, "not_found", f"no passage with id {chunk_id!r}")
        chunk = found[0]
        return JSONResponse(asdict(Passage.from_metadata(chunk.id, chunk.text, chunk.metadata)))

    @app.get("/embed-example", response_class=HTMLResponse)
    def embed_example() -> str:
        return EMBED_EXAMPLE.read_text(encoding="utf-8")

    @app.get("/")
    def root() -> RedirectResponse:
        return RedirectResponse(url=f"{settings.root_path}/chat/")

    return gr.mount_gradio_app(app, build_ui(assistant), path="/chat", **launch_kwargs())


def sse(items: Iterator[str | Answer]) -> Iterator[str]:
    for item in items:
        if isinstance(item, Answer):
            yield f"event: answer\ndata: {json.dumps(item.as_dict(), ensure_ascii=False)}\n\n"
        else:
            yield f"event: token\ndata: {json.dumps({'text': item}, ensure_ascii=False)}\n\n"
