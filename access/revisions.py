"""A metadata change to a document: one revision row and its audit event, written together (POL-10)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from access.models import User
from core import audit
from records.models import Document, Revision

# Checks every change must pass first, each raising a DanganError to refuse; retention registers its
# legal-hold check here (HLD-2: a held record cannot be edited or moved), as access may not import it.
GUARDS: list[Callable[[Session, Document], None]] = []
# Called once a change is written; retention recomputes the record's due date here (RET-2).
FOLLOWERS: list[Callable[[Session, Document], None]] = []


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
    for guard in GUARDS:
        guard(session, document)
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
    for follower in FOLLOWERS:
        follower(session, document)
    return revision
