"""The language of a request, and error bodies in it (with both languages alongside)."""

from __future__ import annotations

from fastapi import Request

from core.messages import pick_language, translate
from core.settings import Settings


def language(request: Request) -> str:
    """The language the client asked for (?lang= first, then Accept-Language)."""
    settings: Settings = request.app.state.runtime.settings
    asked = request.query_params.get("lang")
    if asked in ("zh-CN", "en"):
        return asked
    return pick_language(request.headers.get("accept-language"), settings.default_language)


def error_body(request: Request, code: str, /, **params: object) -> dict:
    """An error in the client's language, with both languages alongside."""
    return {
        "error": code,
        "message": translate(code, language(request), **params),
        "message_zh": translate(code, "zh-CN", **params),
        "message_en": translate(code, "en", **params),
    }
