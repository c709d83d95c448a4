"""Logs of `serve` and `worker` (issue 14): JSON lines through structlog, every line of a web request carrying
its request id. Only what the code passes is logged — never a setting, a password, a query or a document's
text; the web layer logs a request's method, path (without its query string), status and duration."""

from __future__ import annotations

import logging
import sys
from contextvars import ContextVar

import structlog

request_id: ContextVar[str] = ContextVar("dangan_request_id", default="")


def _add_request_id(logger: object, name: str, event: dict) -> dict:
    rid = request_id.get()
    if rid:
        event.setdefault("request_id", rid)
    return event


def configure_logging(*, json_lines: bool, level: str = "INFO", stream=None) -> None:  # type: ignore[no-untyped-def]
    """Send every stdlib and structlog record through one formatter: JSON lines or plain text."""
    shared = [
        structlog.contextvars.merge_contextvars,
        _add_request_id,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    renderer = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if json_lines
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.format_exc_info, renderer],
    )  # fmt: skip
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "huey", "gunicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


def get_logger(name: str):  # type: ignore[no-untyped-def]
    """A structlog logger (key-value events) that goes through the same handler."""
    return structlog.get_logger(name)
