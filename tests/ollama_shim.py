"""A stand-in for the Ollama server, which cannot be installed here (no binary on PyPI).

It speaks Ollama's ``POST /api/chat`` (NDJSON stream or one JSON object) and forwards every
request to the real local LLM's OpenAI-compatible endpoint, so the model answering is real;
only the wire protocol is translated."""

from __future__ import annotations

import json
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def _openai_request(body: dict[str, Any]) -> dict[str, Any]:
    options = body.get("options") or {}
    return {
        "model": body["model"],
        "messages": [{"role": m["role"], "content": m["content"]} for m in body["messages"]],
        "stream": body.get("stream", True),
        "temperature": options.get("temperature", 0.8),
        "max_tokens": options.get("num_predict", 128),
    }


def _chunk(model: str, content: str, done: bool) -> bytes:
    line = {
        "model": model,
        "created_at": datetime.now(UTC).isoformat(),
        "message": {"role": "assistant", "content": content},
        "done": done,
        **({"done_reason": "stop"} if done else {}),
    }
    return json.dumps(line).encode() + b"\n"


def handler_for(upstream: str) -> type[BaseHTTPRequestHandler]:
    class OllamaChat(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            if self.path != "/api/chat":
                self.send_error(404)
                return
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            request = urllib.request.Request(
                f"{upstream}/chat/completions",
                data=json.dumps(_openai_request(body)).encode(),
                headers={"Content-Type": "application/json"},
            )
            with urllib.request.urlopen(request, timeout=300) as response:
                self.send_response(200)
                self.send_header("Content-Type", "application/x-ndjson")
                self.end_headers()
                if not body.get("stream", True):
                    text = json.load(response)["choices"][0]["message"]["content"]
                    self.wfile.write(_chunk(body["model"], text, done=True))
                    return
                for raw in response:
                    line = raw.decode().strip()
                    if not line.startswith("data: ") or line == "data: [DONE]":
                        continue
                    delta = json.loads(line[6:])["choices"][0]["delta"].get("content") or ""
                    if delta:
                        self.wfile.write(_chunk(body["model"], delta, done=False))
                        self.wfile.flush()
                self.wfile.write(_chunk(body["model"], "", done=True))

        def log_message(self, *args: object) -> None:
            pass

    return OllamaChat


@contextmanager
def ollama_shim(upstream_v1: str) -> Iterator[str]:
    """Serve the shim on a free loopback port in front of ``upstream_v1``; yield its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(upstream_v1))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
