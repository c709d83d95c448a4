"""The audit trail: append-only, hash-chained events (REQUIREMENTS AUD-1..4).

Each event carries the hash of the one before it and a hash of its own content, so an edit, a deletion
or a reordering breaks the chain at that row. A one-row head table is updated in the same transaction,
which serialises writers on PostgreSQL (row lock) as on SQLite (database lock), so the chain never forks.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.db import Base, UTCDateTime, utcnow

GENESIS = "0" * 64


class AuditEvent(Base):
    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(100), index=True)
    role: Mapped[str] = mapped_column(String(100), default="")
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str] = mapped_column(String(40), default="")
    object_id: Mapped[str] = mapped_column(String(100), default="", index=True)
    archive_no: Mapped[str] = mapped_column(String(100), default="")
    result: Mapped[str] = mapped_column(String(20), default="ok")
    client: Mapped[str] = mapped_column(String(100), default="")
    reference: Mapped[str] = mapped_column(String(100), default="")
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_event_id: Mapped[int | None] = mapped_column(ForeignKey("audit_event.id"))
    last_hash: Mapped[str] = mapped_column(String(64), default=GENESIS)
    # The key the next event is signed with (announced in the chain itself; None before the keyed segment).
    key_id: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(Text, default="")


CONTENT_FIELDS = (
    "id",
    "at",
    "actor",
    "role",
    "action",
    "object_type",
    "object_id",
    "archive_no",
    "result",
    "client",
    "reference",
    "details",
    "prev_hash",
)


def event_content(event: AuditEvent) -> dict[str, Any]:
    """What an event's hash covers, as plain values (also the shape of an exported row, less its hash)."""
    return {
        "id": event.id,
        "at": event.at.isoformat(),
        "actor": event.actor,
        "role": event.role,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "archive_no": event.archive_no,
        "result": event.result,
        "client": event.client,
        "reference": event.reference,
        "details": event.details,
        "prev_hash": event.prev_hash,
    }


def content_hash(content: dict[str, Any]) -> str:
    """SHA-256 over an event's canonical content (which includes the previous hash)."""
    blob = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def event_hash(event: AuditEvent) -> str:
    """SHA-256 over the previous hash and the event's canonical content."""
    return content_hash(event_content(event))


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    object_type: str = "",
    object_id: object = "",
    archive_no: str | None = "",
    result: str = "ok",
    role: str = "",
    client: str = "",
    reference: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction."""
    head = session.execute(select(AuditHead).where(AuditHead.id == 1).with_for_update()).scalar_one_or_none()
    if head is None:
        head = AuditHead(id=1, last_hash=GENESIS)
        session.add(head)
        session.flush()
    # The id is part of the hash, so it is chosen here rather than by the database: the row is then
    # written once, complete (on PostgreSQL a trigger refuses any UPDATE of audit_event). Writers are
    # serialised by the head lock above, so max + 1 cannot be taken twice.
    next_id = (session.scalar(select(func.max(AuditEvent.id))) or 0) + 1
    event = AuditEvent(
        id=next_id,
        at=utcnow(),
        actor=actor,
        role=role,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        archive_no=archive_no or "",
        result=result,
        client=client,
        reference=reference,
        details=details or {},
        prev_hash=head.last_hash,
        hash="",
    )
    event.hash = event_hash(event)
    session.add(event)
    session.flush()
    head.last_event_id = event.id
    head.last_hash = event.hash
    session.flush()
    return event


@dataclass(frozen=True)
class ChainReport:
    intact: bool
    checked: int
    broken_at: int | None = None
    reason: str = ""


def verify_chain(session: Session, *, batch: int = 1000) -> ChainReport:
    """Walk the chain in id order and name the first broken link."""
    prev = GENESIS
    checked = 0
    last_id = 0
    while True:
        rows = session.scalars(
            select(AuditEvent).where(AuditEvent.id > last_id).order_by(AuditEvent.id).limit(batch)
        ).all()
        if not rows:
            break
        for event in rows:
            if event.prev_hash != prev:
                return ChainReport(False, checked, event.id, "prev_hash does not match the previous event")
            if event_hash(event) != event.hash:
                return ChainReport(False, checked, event.id, "content does not match its hash")
            prev = event.hash
            checked += 1
            last_id = event.id
        session.expunge_all()
    head = session.get(AuditHead, 1)
    if head is not None and head.last_hash != prev:
        return ChainReport(False, checked, head.last_event_id, "the newest events are missing")
    return ChainReport(True, checked)
