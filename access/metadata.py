"""Correcting a document's metadata (type, title, date, customer file): a revision and an audit event (POL-10).

The original's bytes never change; only its description does, and every change keeps who, when, why,
before and after. The archive number stays: numbers are never reused or renumbered (CLS-2). Taking a
document off the review queue is decided by the same rule (check_editor) and kept as a revision too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from access.errors import denied
from access.models import User
from access.policy import can_read
from core.errors import DanganError, NotFound
from records.document_counts import keeping_counts
from records.models import Customer, Document, DocumentType
from records.revisions import record_revision

EDITORS = frozenset({"archivist", "manager"})


@dataclass(frozen=True)
class MetadataChange:
    """What changed; the caller re-indexes the document."""

    document_id: int
    before: dict = field(default_factory=dict)
    after: dict = field(default_factory=dict)
    revision_id: int | None = None


def check_editor(session: Session, *, actor: User, doc: Document, action: str, client: str = "") -> None:
    """Refuse (and record) anyone but an archivist or manager who reads the document by right.

    A grant lends reading only: what a document says about itself is changed by those who keep it.
    """
    decision = can_read(session, actor, doc)
    if not (EDITORS & set(actor.roles)) or not decision.allowed or decision.grant_id:
        raise denied(
            actor,
            "metadata.change_forbidden",
            action=action,
            object_type="document",
            object_id=doc.id,
            client=client,
        )


def _document(session: Session, document_id: int) -> Document:
    doc = session.get(Document, document_id)
    if doc is None:
        raise NotFound("document.not_found", id=document_id)
    return doc


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
    doc = _document(session, document_id)
    check_editor(session, actor=actor, doc=doc, action="metadata.change", client=client)
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
    with keeping_counts(session, documents=[doc.id]):  # its type or file: the customer analysis' counts
        for key, value in changed.items():
            setattr(doc, key, value)
    if "doc_type" in changed:
        # The archivist's correction is kept: reprocessing never overrides a type a person chose.
        doc.type_source, doc.type_confidence = "user", 1.0
    after = {k: _plain(v) for k, v in changed.items()}
    revision = record_revision(
        session,
        document=doc,
        actor=actor.login,
        role=actor.role_label,
        action="metadata.change",
        reason=reason,
        before=before,
        after=after,
        client=client,
    )
    return MetadataChange(doc.id, before, after, revision.id)


def clear_review(session: Session, *, document_id: int, actor: User, reason: str, client: str = "") -> bool:
    """Take a document off the review queue (those who may correct it; a revision); False if it was not on it."""
    doc = _document(session, document_id)
    check_editor(session, actor=actor, doc=doc, action="review.confirm", client=client)
    if not doc.needs_review:
        return False
    before = {"needs_review": True, "review_reasons": list(doc.review_reasons or [])}
    doc.needs_review, doc.review_reasons = False, []
    record_revision(
        session,
        document=doc,
        actor=actor.login,
        role=actor.role_label,
        action="review.confirm",
        reason=reason,
        before=before,
        after={"needs_review": False, "review_reasons": []},
        client=client,
    )
    return True


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value
