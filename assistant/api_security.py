"""API keys, per-key rate limits, body-size limit, CORS and frame-ancestors for the HTTP API."""

from __future__ import annotations

import time
from collections import defaultdict, deque
from threading import Lock

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.responses import Response

from assistant.settings import Settings

OPEN_PATHS = ("/healthz", "/readyz", "/docs", "/openapi.json", "/embed-example")
KEY_COOKIE = "akhbar_key"


def error(status: int, kind: str, message: str, **extra: object) -> JSONResponse:
    """Every API error has this shape: {"error": {"type", "message", ...}}."""
    return JSONResponse({"error": {"type": kind, "message": message, **extra}}, status_code=status)


class RateLimiter:
    """Sliding one-minute window per caller."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self.calls: dict[str, deque[float]] = defaultdict(deque)
        self.lock = Lock()

    def allow(self, caller: str) -> bool:
        now = time.monotonic()
        with self.lock:
            calls = self.calls[caller]
            while calls and now - calls[0] > 60:
                calls.popleft()
            if len(calls) >= self.per_minute:
                return False
            calls.append(now)
            return True


def bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    return header[7:].strip() if header.lower().startswith("bearer ") else None


class GuardMiddleware(BaseHTTPMiddleware):
    """Body size, API keys (401 missing/unknown, 403 revoked), rate limits, frame-ancestors."""

    def __init__(self, app: FastAPI, settings: Settings) -> None:
        super().__init__(app)
        self.settings = settings
        self.keys = settings.valid_keys()
        self.revoked = set(settings.revoked_keys)
        self.limiter = RateLimiter(settings.rate_limit_per_minute)
        ancestors = " ".join(["'self'", *settings.frame_ancestors])
        self.csp = f"frame-ancestors {ancestors}"

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await self._guard(request, call_next)
        response.headers["Content-Security-Policy"] = self.csp
        return response

    async def _guard(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        length = request.headers.get("content-length")
        if length and int(length) > self.settings.max_body_bytes:
            return error(
                413, "limit", f"request body over {self.settings.max_body_bytes} bytes", limit="max_body_bytes"
            )
        path = request.url.path.removeprefix(self.settings.root_path) or "/"
        if request.method == "OPTIONS" or path.startswith(OPEN_PATHS) or path == "/":
            return await call_next(request)
        chat_page = path.startswith("/chat")
        key = bearer(request) or (
            request.cookies.get(KEY_COOKIE) or request.query_params.get("key") if chat_page else None
        )
        needs_key = bool(self.keys or self.revoked) and not (chat_page and self.settings.public_chat)
        if needs_key:
            if key in self.revoked:
                return error(403, "auth", "this API key was revoked; ask for a new one")
            if key not in self.keys:
                return error(401, "auth", "missing or unknown API key; send 'Authorization: Bearer <key>'")
        caller = key or (request.client.host if request.client else "anonymous")
        if not chat_page and not self.limiter.allow(caller):
            return error(
                429,
                "limit",
                f"over {self.settings.rate_limit_per_minute} requests a minute",
                limit="rate_limit_per_minute",
            )
        response = await call_next(request)
        if chat_page and key and request.query_params.get("key"):
            # Cross-site iframes need SameSite=None, which browsers accept only with Secure (https).
            https = request.url.scheme == "https"
            response.set_cookie(KEY_COOKIE, key, httponly=True, samesite="none" if https else "lax", secure=https)
        return response


def install_security(app: FastAPI, settings: Settings) -> None:
    app.add_middleware(GuardMiddleware, settings=settings)  # type: ignore[arg-type]
    if settings.cors_origins:  # added last so it runs first: preflights never need a key
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["Authorization", "Content-Type"],
        )
