"""What the OpenAPI document says about errors and files, so that it matches what the API answers.

Every error under /api has the body `ErrorBody` (api.app.error_body); routers declare the statuses their
routes can answer with `answers(...)`, and downloads declare their bytes with `binary(...)`.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class ErrorBody(BaseModel):
    """An error: its catalogue code, the message in the client's language, and both languages."""

    error: str = Field(description="The message code, e.g. document.not_found.")
    message: str = Field(description="In the language asked for (?lang= or Accept-Language).")
    message_zh: str
    message_en: str


_WHY = {
    400: "Not possible as asked (the message says why).",
    401: "Not signed in, or the session or token has ended.",
    403: "Not allowed for this user (or a write without its X-CSRF-Token); a document that does not exist is answered alike.",
    404: "Not found (or, for an original, destroyed: only its residual record remains).",
    409: "In conflict with the current state.",
    422: "A parameter is invalid (out of range, a control character, a wrong type).",
    503: "The object store cannot be reached.",
}


def answers(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI responses for these error statuses, each with the error body."""
    return {status: {"model": ErrorBody, "description": _WHY[status]} for status in statuses}


def binary(*media_types: str, description: str = "The file's bytes.") -> dict[int | str, dict[str, Any]]:
    """OpenAPI response 200 for a download of the given media types."""
    schema = {"type": "string", "format": "binary"}
    return {200: {"description": description, "content": {m: {"schema": schema} for m in media_types}}}


# Every route behind sign-in may answer these.
SIGNED_IN = answers(401, 403, 422)
