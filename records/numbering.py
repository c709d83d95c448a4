"""Archive numbers (档号, DA/T 22-2015): a configurable pattern with gapless item numbers per series."""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.errors import Conflict, DanganError
from records.models import ArchiveSeries, Document

FIELDS = ("fonds", "cls", "year", "retention", "unit", "item")
_FIELD_RE = {
    "fonds": r"[A-Z0-9]{1,8}",
    "cls": r"[A-Z0-9]{1,6}",
    "year": r"\d{4}",
    "retention": r"(?:Y|D\d{1,3})",
    "unit": r"[A-Z0-9]{1,8}",
    "item": r"\d{1,6}",
}


@dataclass(frozen=True)
class ArchiveNumber:
    value: str
    series_key: str
    item: int


def format_number(pattern: str, **fields: object) -> str:
    """Fill the pattern with fields."""
    return pattern.format(**fields)


def series_key(pattern: str, **fields: object) -> str:
    """The series: the pattern with everything but the item filled in."""
    return pattern.replace("{item:04d}", "#").replace("{item}", "#").format(**fields)


def pattern_regex(pattern: str) -> re.Pattern[str]:
    """A regex that accepts exactly the numbers the pattern makes."""
    parts = []
    for literal, field, _spec, _conv in string.Formatter().parse(pattern):
        parts.append(re.escape(literal))
        if field:
            parts.append(f"(?P<{field}>{_FIELD_RE.get(field, '.+?')})")
    return re.compile("^" + "".join(parts) + "$")


def validate(pattern: str, value: str) -> dict[str, str]:
    """The fields of a well-formed archive number, or a refusal (CLS-1)."""
    match = pattern_regex(pattern).match(value)
    if not match:
        raise DanganError("archive_no.malformed", value=value)
    return match.groupdict()


def allocate(session: Session, pattern: str, **fields: object) -> ArchiveNumber:
    """The next item number in the series, in the caller's transaction.

    The increment is one UPDATE on the series row, so concurrent filings queue on its lock and a
    rolled-back filing gives its number back: numbers run on without gaps or duplicates (CLS-2, CLS-4).
    """
    key = series_key(pattern, **fields)
    series_id = session.scalar(select(ArchiveSeries.id).where(ArchiveSeries.key == key))
    if series_id is None:
        # Another filer may create the same series at once; a savepoint keeps our transaction alive.
        try:
            with session.begin_nested():
                session.add(ArchiveSeries(key=key, last_item=0))
        except IntegrityError:  # a concurrent filer created it first
            pass
        series_id = session.scalar(select(ArchiveSeries.id).where(ArchiveSeries.key == key))
    item = session.execute(
        update(ArchiveSeries)
        .where(ArchiveSeries.id == series_id)
        .values(last_item=ArchiveSeries.last_item + 1)
        .returning(ArchiveSeries.last_item)
    ).scalar_one()
    value = format_number(pattern, item=item, **fields)
    if session.scalar(select(Document.id).where(Document.archive_no == value)) is not None:
        raise Conflict("archive_no.duplicate", value=value)
    return ArchiveNumber(value=value, series_key=key, item=item)
