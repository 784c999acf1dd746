"""OpenAI chat-completions shapes, so the `openai` client and LangChain's ChatOpenAI work
against Akhbar unchanged. Citations travel in an extra top-level field, `citations`."""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Iterator
from dataclasses import asdict
from typing import Any

from pydantic import BaseModel, ConfigDict

from assistant.records import Answer, AnswerStream

logger = logging.getLogger(__name__)


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: str
    content: str | list[dict[str, Any]] | None = None

    @property
    def text(self) -> str:
        if isinstance(self.content, list):  # content parts: keep the text ones
            return " ".join(str(part.get("text", "")) for part in self.content if part.get("type") == "text")
        return self.content or ""


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="allow")  # temperature, max_tokens, … are accepted and ignored
    model: str = "akhbar"
    messages: list[ChatMessage]
    stream: bool = False

    def question_and_history(self) -> tuple[str, list[str]]:
        """The last user message is the question; earlier user messages are the history."""
        asked = [m.text for m in self.messages if m.role == "user" and m.text.strip()]
        if not asked:
            raise ValueError("no user message with text; send messages=[{'role': 'user', 'content': '…'}]")
        return asked[-1], asked[:-1]


def completion(answer: Answer, model: str) -> dict[str, Any]:
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": answer.text}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
        "citations": [asdict(c) for c in answer.citations],
    }


def completion_chunks(stream: AnswerStream, model: str) -> Iterator[str]:
    """Server-sent events in OpenAI's streaming format; the last chunk carries the citations."""
    base = {
        "id": f"chatcmpl-{uuid.uuid4().hex}",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
    }
    try:
        for n, text in enumerate(stream):
            delta = {"role": "assistant", "content": text} if n == 0 else {"content": text}
            chunk = {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": None}]}
            yield f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n"
        last = {
            **base,
            "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
            "citations": [asdict(c) for c in stream.answer.citations],
        }
        yield f"data: {json.dumps(last, ensure_ascii=False)}\n\n"
    except Exception as exc:  # the status went out with the first chunk: end the stream with an error
        logger.exception("completion stream failed")
        yield f"data: {json.dumps({'error': {'type': 'internal', 'message': type(exc).__name__}})}\n\n"
    yield "data: [DONE]\n\n"
