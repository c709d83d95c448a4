"""Per request: a request id (the caller's X-Request-ID when sane, else a new one) on every log line and in
the answer, one log line when it ends (method, path without query, status, milliseconds) and its duration
on the HTTP histogram. Pure ASGI, so streamed answers pass through untouched."""

from __future__ import annotations

import re
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.logs import get_logger, request_id
from workflows.metrics import HTTP_SECONDS

_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
log = get_logger("dangan.http")


def _group(path: str) -> str:
    """A route group for the histogram's label (few values: never an id or a query)."""
    first = path.strip("/").split("/", 2)
    if first[0] == "api":
        return "api/" + (first[1] if len(first) > 1 and not first[1].isdigit() else "")
    return first[0] if first[0] in {"", "search", "documents", "customers", "access", "admin", "retention",
                                    "intake", "review", "audit", "static", "healthz", "metrics", "login"} else "other"  # fmt: skip


class RequestLog:
    """ASGI middleware: request id, access log line, duration histogram."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        rid = given if _SANE_ID.match(given) else uuid.uuid4().hex
        token = request_id.set(rid)
        started, status = time.perf_counter(), 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            seconds = time.perf_counter() - started
            path = scope.get("path", "")
            HTTP_SECONDS.labels(_group(path)).observe(seconds)
            log.info("request", method=scope.get("method"), path=path[:200], status=status,
                     ms=round(seconds * 1000, 1))  # fmt: skip
            request_id.reset(token)
