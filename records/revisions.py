"""A metadata change to a document: one revision row and its audit event, written together (POL-10).

Checks a change must pass first (a legal hold, HLD-2) and what follows it (the due date, the index) are the
business of the one workflow that makes the change (workflows.corrections), not of this module.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from core import audit
from records.models import Document, Revision


def record_revision(
    session: Session,
    *,
    document: Document,
    actor: str,
    role: str,
    action: str,
    reason: str,
    before: dict,
    after: dict,
    client: str = "",
) -> Revision:
    """Keep who, when, why, before and after as a revision, and audit it with a reference to that revision."""
    revision = Revision(document_id=document.id, actor=actor, reason=reason, before=before, after=after)
    session.add(revision)
    session.flush()
    audit.record(
        session,
        actor=actor,
        role=role,
        action=action,
        object_type="document",
        object_id=document.id,
        archive_no=document.archive_no,
        client=client,
        reference=f"revision:{revision.id}",
        details={"before": before, "after": after, "reason": reason},
    )
    return revision
