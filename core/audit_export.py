"""Exporting a slice of the audit trail, and verifying an exported slice on its own (AUD-3, AUD-4).

An exported row carries everything its hash covers plus the hash, so a slice verifies without the
database: each row's hash is recomputed, and each row's prev_hash must be the hash of the row before it.
The first row's prev_hash anchors the slice to the live chain (compare it, and the last hash, with the
trail); nothing inside a slice can be edited, dropped or reordered without the verifier naming the row.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TextIO

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.audit import CONTENT_FIELDS, AuditEvent, content_hash, event_content

EXPORT_FIELDS = (*CONTENT_FIELDS, "hash")
FORMATS = ("csv", "jsonl")


@dataclass(frozen=True)
class SliceReport:
    """What an export holds, or what verifying one found."""

    intact: bool
    count: int
    first_id: int | None = None
    last_id: int | None = None
    first_prev_hash: str | None = None
    last_hash: str | None = None
    broken_at: int | None = None  # the id of the first row that does not verify (None: a row unreadable)
    reason: str = ""


def slice_bounds(
    session: Session, *, since: datetime | None, until: datetime | None
) -> tuple[int, int] | None:
    """The first and last event ids recorded in [since, until), or None when there are none.

    Everything between the two ids is exported, so the slice is a contiguous run of the chain even if
    the clock ever stepped back.
    """
    query = select(func.min(AuditEvent.id), func.max(AuditEvent.id))
    if since is not None:
        query = query.where(AuditEvent.at >= since)
    if until is not None:
        query = query.where(AuditEvent.at < until)
    low, high = session.execute(query).one()
    return None if low is None else (low, high)


def _events(session: Session, low: int, high: int, batch: int = 1000) -> Iterator[AuditEvent]:
    last = low - 1
    while last < high:
        rows = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.id > last, AuditEvent.id <= high)
            .order_by(AuditEvent.id)
            .limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].id
        session.expunge_all()


def export_row(event: AuditEvent) -> dict[str, Any]:
    """One event as exported: its hashed content and its hash."""
    return event_content(event) | {"hash": event.hash}


def export_events(
    session: Session,
    out: TextIO,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    fmt: str = "jsonl",
) -> SliceReport:
    """Write the events of [since, until) to out as CSV (with a header) or JSON lines."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    bounds = slice_bounds(session, since=since, until=until)
    writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS, lineterminator="\n") if fmt == "csv" else None
    if writer is not None:
        writer.writeheader()
    if bounds is None:
        return SliceReport(True, 0)
    count, first, last = 0, None, None
    for event in _events(session, *bounds):
        row = export_row(event)
        if writer is not None:
            writer.writerow(row | {"details": _dumps(row["details"])})
        else:
            out.write(_dumps(row) + "\n")
        first = first or row
        last, count = row, count + 1
    assert first is not None and last is not None
    return SliceReport(True, count, first["id"], last["id"], first["prev_hash"], last["hash"])


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def read_rows(lines: Iterable[str], fmt: str) -> Iterator[dict[str, Any]]:
    """Rows of an export; ValueError for a line that is not a row."""
    if fmt == "csv":
        for row in csv.DictReader(lines):
            if set(row) != set(EXPORT_FIELDS) or None in row.values():
                raise ValueError("a CSV row without the exported columns")
            yield row | {"id": int(row["id"]), "details": json.loads(row["details"])}
        return
    for line in lines:
        if line.strip():
            row = json.loads(line)
            if not isinstance(row, dict) or set(row) != set(EXPORT_FIELDS):
                raise ValueError("a JSON line without the exported fields")
            yield row


def verify_rows(rows: Iterable[dict[str, Any]]) -> SliceReport:
    """Check a slice: each row's hash over its content, each prev_hash against the row before."""
    count, first, prev = 0, None, None
    for row in rows:
        if prev is not None and row["prev_hash"] != prev["hash"]:
            return SliceReport(
                False, count, broken_at=row["id"], reason="prev_hash does not match the previous row"
            )
        if content_hash({k: row[k] for k in CONTENT_FIELDS}) != row["hash"]:
            return SliceReport(False, count, broken_at=row["id"], reason="content does not match its hash")
        first = first or row
        prev, count = row, count + 1
    if first is None or prev is None:
        return SliceReport(True, 0)
    return SliceReport(True, count, first["id"], prev["id"], first["prev_hash"], prev["hash"])


def verify_export(stream: TextIO, fmt: str | None = None) -> SliceReport:
    """Verify an exported file (format from its first character when not given)."""
    lines = iter(stream)
    head = next(lines, "")
    fmt = fmt or ("jsonl" if head.lstrip().startswith("{") else "csv")

    def all_lines() -> Iterator[str]:
        yield head
        yield from lines

    try:
        return verify_rows(read_rows(all_lines(), fmt))
    except (ValueError, KeyError, TypeError) as err:
        return SliceReport(False, 0, reason=f"unreadable export: {err}")
