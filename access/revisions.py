"""A metadata change to a document: one revision row and its audit event, written together (POL-10)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from access.models import User
from core import audit
from records.models import Document, Revision


def record_revision(
    session: Session,
    *,
    document: Document,
    actor: User,
    action: str,
    reason: str,
    before: dict,
    after: dict,
    client: str = "",
) -> Revision:
    """Keep who, when, why, before and after as a revision, and audit it with a reference to that revision."""
    revision = Revision(document_id=document.id, actor=actor.login, reason=reason, before=before, after=after)
    session.add(revision)
    session.flush()
    audit.record(
        session,
        actor=actor.login,
        role=actor.role_label,
        action=action,
        object_type="document",
        object_id=document.id,
        archive_no=document.archive_no,
        client=client,
        reference=f"revision:{revision.id}",
        details={"before": before, "after": after, "reason": reason},
    )
    return revision
