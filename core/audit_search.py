"""Searching the audit trail by user, object, action and time (AUD-3: for auditors; the caller checks the role)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from core.audit import AuditEvent, event_content

MAX_LIMIT = 1000


@dataclass(frozen=True)
class TrailPage:
    total: int
    events: list[dict[str, Any]]  # exported rows: content, prev_hash and hash, oldest first


def _conditions(
    actor: str | None,
    document_id: int | None,
    action: str | None,
    since: datetime | None,
    until: datetime | None,
) -> list[ColumnElement[bool]]:
    terms: list[ColumnElement[bool]] = []
    if actor:
        terms.append(AuditEvent.actor == actor)
    if document_id is not None:
        terms += [AuditEvent.object_type == "document", AuditEvent.object_id == str(document_id)]
    if action:
        # "access.*" finds every access.… action; anything else is matched exactly.
        terms.append(
            AuditEvent.action.startswith(action[:-1], autoescape=True)
            if action.endswith(".*")
            else AuditEvent.action == action
        )
    if since is not None:
        terms.append(AuditEvent.at >= since)
    if until is not None:
        terms.append(AuditEvent.at < until)
    return terms


def find_events(
    session: Session,
    *,
    actor: str | None = None,
    document_id: int | None = None,
    action: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 100,
    offset: int = 0,
) -> TrailPage:
    """Events matching every filter given, oldest first, with the number that match."""
    terms = _conditions(actor, document_id, action, since, until)
    total = session.scalar(select(func.count()).select_from(AuditEvent).where(*terms)) or 0
    rows = session.scalars(
        select(AuditEvent).where(*terms).order_by(AuditEvent.id).offset(offset).limit(min(limit, MAX_LIMIT))
    )
    return TrailPage(total, [event_content(e) | {"hash": e.hash} for e in rows])
