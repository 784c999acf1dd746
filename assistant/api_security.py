"""API keys, rate limits (per key, per address, failed keys), body-size limit, CORS, frame-ancestors and
safe error responses for the HTTP API."""

from __future__ import annotations

import logging
import time
from collections import defaultdict, deque
from threading import Lock

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.settings import Settings
from ingest.store import StoreUnavailable

logger = logging.getLogger(__name__)
OPEN_PATHS = ("/healthz", "/readyz", "/docs", "/openapi.json", "/embed-example")
ADMIN_PATHS = ("/v1/articles",)  # writes to the archive (not reads): admin keys only, by Bearer header
PAGE_PATHS = ("/chat", "/articles")  # pages a browser opens: the key may come as ?key= or the cookie
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
        self.admin_keys = settings.valid_admin_keys()
        self.revoked = set(settings.revoked_keys)
        self.limiter = RateLimiter(settings.rate_limit_per_minute)
        self.failures = RateLimiter(settings.rate_limit_per_minute)
        ancestors = " ".join(["'self'", *settings.frame_ancestors])
        self.csp = f"frame-ancestors {ancestors}"

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        try:
            response = await self._guard(request, call_next)
        except StoreUnavailable as exc:
            logger.warning("%s %s: %s", request.method, request.url.path, exc)
            response = error(503, "unavailable", "the archive's store is unreachable; try again in a moment")
        except Exception:
            logger.exception("%s %s failed", request.method, request.url.path)
            response = error(500, "internal", "the server failed on this request; the log has the details")
        response.headers["Content-Security-Policy"] = self.csp
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    async def _guard(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        path = request.url.path.removeprefix(self.settings.root_path) or "/"
        if request.method == "OPTIONS" or path.startswith(OPEN_PATHS) or path == "/":
            return await call_next(request)
        address = request.client.host if request.client else "anonymous"
        if path.startswith(ADMIN_PATHS) and request.method not in ("GET", "HEAD"):
            return await self._guard_admin(request, call_next, address)
        chat_page = path.startswith(PAGE_PATHS)
        # A fresh ?key= beats the cookie of an earlier one, so that rotating a key reaches iframes.
        key = bearer(request) or (
            request.query_params.get("key") or request.cookies.get(KEY_COOKIE) if chat_page else None
        )
        needs_key = bool(self.keys or self.revoked) and not (chat_page and self.settings.public_chat)
        if needs_key and key not in self.keys | self.admin_keys:
            if not self.failures.allow(address):  # key guessing is limited per address
                return self._too_many()
            if key in self.revoked:
                return error(403, "auth", "this API key was revoked; ask for a new one")
            return error(401, "auth", "missing or unknown API key; send 'Authorization: Bearer <key>'")
        # The chat's page and assets are GETs; its answers are POSTs to the Gradio API, limited as /v1 is.
        limited = not chat_page or request.method == "POST"
        if limited and not self.limiter.allow(key or address):
            return self._too_many()
        response = await call_next(request)
        if chat_page and key and request.query_params.get("key"):
            # Cross-site iframes need SameSite=None, which browsers accept only with Secure (https).
            https = request.url.scheme == "https"
            response.set_cookie(KEY_COOKIE, key, httponly=True, samesite="none" if https else "lax", secure=https)
        return response

    async def _guard_admin(self, request: Request, call_next: RequestResponseEndpoint, address: str) -> Response:
        key = bearer(request)
        if not self.admin_keys:
            return error(403, "auth", "changing the archive over the API is off; set AKHBAR_ADMIN_KEYS to allow it")
        if key not in self.admin_keys:
            if not self.failures.allow(address):
                return self._too_many()
            if key in self.keys:
                return error(403, "auth", "this key may read but not change the archive; use an admin key")
            if key in self.revoked:
                return error(403, "auth", "this API key was revoked; ask for a new one")
            return error(401, "auth", "missing or unknown admin key; send 'Authorization: Bearer <admin key>'")
        if not self.limiter.allow(key):
            return self._too_many()
        return await call_next(request)

    def _too_many(self) -> Response:
        return error(
            429, "limit", f"over {self.settings.rate_limit_per_minute} requests a minute", limit="rate_limit_per_minute"
        )


class BodyLimitMiddleware:
    """413 for a body over ``max_bytes`` (``max_upload_bytes`` for article uploads), by its
    Content-Length or, for a chunked body, by reading at most one byte more than the limit
    before the app sees any of it."""

    def __init__(self, app: ASGIApp, max_bytes: int, max_upload_bytes: int, root_path: str) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_upload_bytes = max_upload_bytes
        self.root_path = root_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        upload = str(scope["path"]).removeprefix(self.root_path).startswith(ADMIN_PATHS)
        limit, setting = (self.max_upload_bytes, "max_upload_bytes") if upload else (self.max_bytes, "max_body_bytes")
        headers = dict(scope["headers"])
        length = headers.get(b"content-length")
        if length is not None:
            if not length.isdigit() or int(length) > limit:
                await self._reject(scope, receive, send, limit, setting)
                return
            await self.app(scope, receive, send)
            return
        if b"chunked" not in headers.get(b"transfer-encoding", b""):
            await self.app(scope, receive, send)
            return
        body = b""
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            body += message.get("body", b"")
            if len(body) > limit:
                await self._reject(scope, receive, send, limit, setting)
                return
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _reject(self, scope: Scope, receive: Receive, send: Send, limit: int, setting: str) -> None:
        response = error(413, "limit", f"request body over {limit} bytes", limit=setting)
        await response(scope, receive, send)


def install_security(app: FastAPI, settings: Settings) -> None:
    app.add_middleware(
        BodyLimitMiddleware,  # type: ignore[arg-type]
        max_bytes=settings.max_body_bytes,
        max_upload_bytes=settings.max_upload_bytes,
        root_path=settings.root_path,
    )
    app.add_middleware(GuardMiddleware, settings=settings)  # type: ignore[arg-type]  # outside: its headers go on every answer
    if settings.cors_origins:  # added last so it runs first: preflights never need a key
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "DELETE", "OPTIONS"],
            allow_headers=["Authorization", "Content-Type"],
        )
