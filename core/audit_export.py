"""Exporting a slice of the audit trail, and verifying an exported slice on its own (AUD-3, AUD-4).

An exported row carries everything its hash covers plus the hash, so a slice verifies without the
database: each row's hash is recomputed, and each row's prev_hash must be the hash of the row before it.
The first row's prev_hash anchors the slice to the live chain (compare it, and the last hash, with the
trail); nothing inside a slice can be edited, dropped or reordered without the verifier naming the row.
Each row also names the key that signed it (`key_id`, empty before the keyed segment): verifying needs the
key ring (core.audit_keys), and a row may change keys only where the chain does (a key start or rotation).
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

from core.audit import (
    CONTENT_FIELDS,
    KEY_ROTATE,
    KEY_START,
    AuditEvent,
    content_hash,
    event_content,
    signing_keys,
)
from core.audit_keys import Keyring

EXPORT_FIELDS = (*CONTENT_FIELDS, "hash", "key_id")
OLD_EXPORT_FIELDS = (*CONTENT_FIELDS, "hash")  # exports from before the keyed chain
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


def export_row(event: AuditEvent, key_id: str = "") -> dict[str, Any]:
    """One event as exported: its hashed content, its hash and the id of the key that signed it."""
    return event_content(event) | {"hash": event.hash, "key_id": key_id}


def _next_key(event: AuditEvent | dict[str, Any], current: str) -> tuple[str, str]:
    """(the key that signs this event, the key after it) as the chain's key events say ("" before keys)."""
    if isinstance(event, AuditEvent):
        action, result, details = event.action, event.result, event.details
    else:
        action, result, details = event["action"], event["result"], event["details"]
    signer, after = signing_keys(action, result, details, current or None)
    return signer or "", after or ""


def _key_before(session: Session, event_id: int) -> str:
    """The key in force just before an event, as the chain's key events (few) say."""
    current = ""
    for event in session.scalars(
        select(AuditEvent)
        .where(AuditEvent.id < event_id, AuditEvent.action.in_((KEY_START, KEY_ROTATE)))
        .order_by(AuditEvent.id)
    ):
        current = _next_key(event, current)[1]
    return current


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
    current = _key_before(session, bounds[0])
    for event in _events(session, *bounds):
        signer, current = _next_key(event, current)
        row = export_row(event, signer)
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
            if set(row) not in (set(EXPORT_FIELDS), set(OLD_EXPORT_FIELDS)) or None in row.values():
                raise ValueError("a CSV row without the exported columns")
            yield {"key_id": ""} | row | {"id": int(row["id"]), "details": json.loads(row["details"])}
        return
    for line in lines:
        if line.strip():
            row = json.loads(line)
            if not isinstance(row, dict) or set(row) not in (set(EXPORT_FIELDS), set(OLD_EXPORT_FIELDS)):
                raise ValueError("a JSON line without the exported fields")
            yield {"key_id": ""} | row


def verify_rows(rows: Iterable[dict[str, Any]], ring: Keyring) -> SliceReport:
    """Check a slice: each row's MAC over its content with the key it names, each prev_hash against the row
    before, and each key against the one the chain's key events put in force."""
    count, first, prev = 0, None, None
    current: str | None = None  # unknown until the first row
    for row in rows:
        if prev is not None and row["prev_hash"] != prev["hash"]:
            return SliceReport(
                False, count, broken_at=row["id"], reason="prev_hash does not match the previous row"
            )
        signer, after = _next_key(row, row["key_id"] if current is None else current)
        if row["key_id"] != signer:
            return SliceReport(
                False, count, broken_at=row["id"], reason="signed with another key than the chain says"
            )
        key = ring.get(signer) if signer else None
        if signer and key is None:
            return SliceReport(
                False,
                count,
                broken_at=row["id"],
                reason=f"signed with audit key {signer}, which is not in the key ring",
            )
        if content_hash({k: row[k] for k in CONTENT_FIELDS}, key) != row["hash"]:
            return SliceReport(False, count, broken_at=row["id"], reason="content does not match its hash")
        current = after
        first = first or row
        prev, count = row, count + 1
    if first is None or prev is None:
        return SliceReport(True, 0)
    return SliceReport(True, count, first["id"], prev["id"], first["prev_hash"], prev["hash"])


def verify_export(stream: TextIO, ring: Keyring, fmt: str | None = None) -> SliceReport:
    """Verify an exported file (format from its first character when not given)."""
    lines = iter(stream)
    head = next(lines, "")
    fmt = fmt or ("jsonl" if head.lstrip().startswith("{") else "csv")

    def all_lines() -> Iterator[str]:
        yield head
        yield from lines

    try:
        return verify_rows(read_rows(all_lines(), fmt), ring)
    except (ValueError, KeyError, TypeError) as err:
        return SliceReport(False, 0, reason=f"unreadable export: {err}")
