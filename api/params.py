"""What every way in accepts: ids within the columns' range, text without control characters.

Ids are INTEGER columns: PostgreSQL's reach 2³¹−1 and a larger number makes the driver fail
(NumericValueOutOfRange; SQLite overflows at 2⁶³), so an id outside 1..MAX_ID is refused where it comes in,
as a validation error (422 under /api, the 400 page elsewhere), never sent to the database. The REST and page
routes use `PathId`, `QueryId` and `BodyId`; forms parse with `form_id`; the CLI uses `CLI_ID`.

Text reaches the database and the index as it is, and PostgreSQL refuses a NUL byte (a 500) — and no
archive value needs a control character. `refuse_control_characters` is an app-wide dependency that looks
at every decoded path parameter, query parameter, form field and JSON string of a request before any route
runs, and refuses C0 control characters other than tab, newline and carriage return, DEL, and lone
surrogates (not encodable as UTF-8) with `request.invalid_characters` (422). Uploaded files' names are
stripped of them instead (`clean_filename`), since the name is only a label.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Path, Query, Request
from pydantic import Field

from api.limits import CLI_ID, CONTROL, ID_RANGE, MAX_ID, has_control_characters
from core.errors import DanganError

__all__ = ["CLI_ID", "MAX_ID", "has_control_characters"]  # re-exported for the routes' modules


PathId = Annotated[int, Path(**ID_RANGE)]
QueryId = Annotated[int, Query(**ID_RANGE)]
BodyId = Annotated[int, Field(**ID_RANGE)]

_FILENAME_CONTROL = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")
_JSON_TYPES = ("application/json",)
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class InvalidCharacters(DanganError):
    """Text with a control character (NUL and the like) that no field of the archive accepts."""

    status_code = 422


def check_text(where: str, text: str) -> None:
    """Refuse text with a control character, naming where it was."""
    if has_control_characters(text):
        raise InvalidCharacters("request.invalid_characters", field=CONTROL.sub("?", where)[:100])


def clean_filename(name: str) -> str:
    """An uploaded file's name without control characters (tab and newline included)."""
    return _FILENAME_CONTROL.sub("", name)


def form_id(text: str) -> int | None:
    """An id typed into a form (ASCII digits within 1..MAX_ID), or None."""
    text = text.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 10:
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None


def _strings(value: Any, where: str) -> Iterator[tuple[str, str]]:
    """Every string in a decoded JSON value (keys too), with where it is; iterative, as JSON nests deep."""
    stack = [(value, where)]
    while stack:
        item, at = stack.pop()
        if isinstance(item, str):
            yield at, item
        elif isinstance(item, dict):
            for key, child in item.items():
                stack.append((key, at))
                stack.append((child, f"{at}.{key}"[:100]))
        elif isinstance(item, list):
            stack.extend((child, f"{at}.{index}"[:100]) for index, child in enumerate(item))


async def refuse_control_characters(request: Request) -> None:
    """App-wide dependency: refuse a request whose decoded text holds a control character (see above)."""
    for name, value in request.path_params.items():
        check_text(f"path.{name}", str(value))
    for name, value in request.query_params.multi_items():
        check_text(f"query.{name}", name)
        check_text(f"query.{name}", value)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if content_type in _JSON_TYPES or content_type.endswith("+json"):
        try:
            body = await request.json()  # cached: the route reads the same
        except ValueError:
            return  # malformed JSON is the route's validation error
        for where, text in _strings(body, "body"):
            check_text(where, text)
    elif content_type in _FORM_TYPES:
        try:
            form = await request.form()  # cached, as above; files are not strings and are left alone
        except Exception:  # a malformed body is the route's validation error
            return
        for name, value in form.multi_items():
            check_text(f"form.{name}", name)
            if isinstance(value, str):
                check_text(f"form.{name}", value)
