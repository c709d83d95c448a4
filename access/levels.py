"""Changing a confidentiality level: a manager's decision, kept as a revision and in the audit trail (POL-10)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from access.errors import denied
from access.models import Department, DepartmentManager, User
from access.policy import can_read
from core import audit
from core.errors import DanganError, NotFound
from records.document_counts import keeping_counts
from records.models import LEVELS, Customer, Document
from records.revisions import record_revision


@dataclass(frozen=True)
class LevelChange:
    """What changed; the caller re-indexes the document (the search index filters on its level)."""

    document_id: int | None
    customer_id: int | None
    before: str
    after: str
    revision_id: int | None


def manages(session: Session, user: User, department: str | None) -> bool:
    """Whether the user is the manager of that department."""
    return (
        department is not None
        and session.scalar(
            select(Department.id)
            .join(DepartmentManager)
            .where(Department.code == department, DepartmentManager.user_id == user.id)
        )
        is not None
    )


def may_change_level(session: Session, user: User, customer: Customer | None) -> bool:
    """Holders of the manager role and the manager of the department keeping the file may change levels."""
    if not user.active:
        return False
    return "manager" in user.roles or manages(session, user, customer.department if customer else None)


def _check(level: str, reason: str) -> str:
    if level not in LEVELS:
        raise DanganError("level.unknown", level=level)
    reason = reason.strip()
    if not reason:
        raise DanganError("level.reason_required")
    return reason


def set_document_level(
    session: Session, *, document_id: int, level: str, actor: User, reason: str, client: str = ""
) -> LevelChange:
    """Set a document's level; needs a manager who reads it by right, not by a borrowed grant."""
    reason = _check(level, reason)
    doc = session.get(Document, document_id)
    if doc is None:
        raise NotFound("document.not_found", id=document_id)
    decision = can_read(session, actor, doc)
    if not may_change_level(session, actor, doc.customer) or not decision.allowed or decision.grant_id:
        raise denied(
            actor,
            "level.change_forbidden",
            action="level.change",
            object_type="document",
            object_id=document_id,
            client=client,
        )
    before = doc.level
    if before == level:
        raise DanganError("level.unchanged", level=level)
    with keeping_counts(session, documents=[doc.id]):  # the customer analysis counts by level
        doc.level = level
    revision = record_revision(
        session,
        document=doc,
        actor=actor.login,
        role=actor.role_label,
        action="level.change",
        reason=reason,
        before={"level": before},
        after={"level": level},
        client=client,
    )
    return LevelChange(doc.id, doc.customer_id, before, level, revision.id)


def set_customer_level(
    session: Session, *, customer_id: int, level: str, actor: User, reason: str, client: str = ""
) -> LevelChange:
    """Set a customer file's level (it chooses the approval chain for requests for the whole file)."""
    reason = _check(level, reason)
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFound("customer.not_found", id=customer_id)
    if not may_change_level(session, actor, customer):
        raise denied(
            actor,
            "level.change_forbidden",
            action="level.change",
            object_type="customer",
            object_id=customer_id,
            client=client,
        )
    before = customer.level
    if before == level:
        raise DanganError("level.unchanged", level=level)
    customer.level = level
    audit.record(
        session,
        actor=actor.login,
        role=actor.role_label,
        action="level.change",
        object_type="customer",
        object_id=customer.id,
        client=client,
        details={"before": {"level": before}, "after": {"level": level}, "reason": reason},
    )
    return LevelChange(None, customer.id, before, level, None)
