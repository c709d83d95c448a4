"""Correcting a document's metadata (type, title, date, customer file): a revision and an audit event (POL-10).

The original's bytes never change; only its description does, and every change keeps who, when, why,
before and after. The archive number stays: numbers are never reused or renumbered (CLS-2).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from access.errors import denied
from access.models import User
from access.policy import can_read
from access.revisions import record_revision
from core.errors import DanganError, NotFound
from records.models import Customer, Document, DocumentType

EDITORS = frozenset({"archivist", "manager"})


@dataclass(frozen=True)
class MetadataChange:
    """What changed; the caller re-indexes the document."""

    document_id: int
    before: dict = field(default_factory=dict)
    after: dict = field(default_factory=dict)
    revision_id: int | None = None


def correct_metadata(
    session: Session,
    *,
    document_id: int,
    actor: User,
    reason: str,
    doc_type: str | None = None,
    title: str | None = None,
    doc_date: date | None = None,
    customer_id: int | None = None,
    client: str = "",
) -> MetadataChange:
    """Correct a document's description; needs an archivist or manager who reads it by right."""
    reason = reason.strip()
    if not reason:
        raise DanganError("metadata.reason_required")
    doc = session.get(Document, document_id)
    if doc is None:
        raise NotFound("document.not_found", id=document_id)
    decision = can_read(session, actor, doc)
    if not (EDITORS & set(actor.roles)) or not decision.allowed or decision.grant_id:
        raise denied(
            actor,
            "metadata.change_forbidden",
            action="metadata.change",
            object_type="document",
            object_id=document_id,
            client=client,
        )
    wanted: dict[str, object] = {}
    if doc_type is not None:
        if session.get(DocumentType, doc_type) is None:
            raise DanganError("doctype.unknown", name=doc_type)
        wanted["doc_type"] = doc_type
    if title is not None:
        if not title.strip():
            raise DanganError("metadata.title_empty")
        wanted["title"] = title.strip()[:500]
    if doc_date is not None:
        wanted["doc_date"] = doc_date
    if customer_id is not None:
        if session.get(Customer, customer_id) is None:
            raise NotFound("customer.not_found", id=customer_id)
        wanted["customer_id"] = customer_id
    changed = {k: v for k, v in wanted.items() if getattr(doc, k) != v}
    if not changed:
        raise DanganError("metadata.unchanged")
    before = {k: _plain(getattr(doc, k)) for k in changed}
    for key, value in changed.items():
        setattr(doc, key, value)
    if "doc_type" in changed:
        # The archivist's correction is kept: reprocessing never overrides a type a person chose.
        doc.type_source, doc.type_confidence = "user", 1.0
    after = {k: _plain(v) for k, v in changed.items()}
    revision = record_revision(
        session,
        document=doc,
        actor=actor,
        action="metadata.change",
        reason=reason,
        before=before,
        after=after,
        client=client,
    )
    return MetadataChange(doc.id, before, after, revision.id)


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value
