"""A customer file's life after it is opened: follow-up visits due after a sale (policy 8), the files gone
stale (policy 3), grades by rules a manager edits (POL-1, policy 9), and merging two files of one customer.

Each is access's check, then records' change, then — here and nowhere else — what must follow it: a merge
is refused while a legal hold covers a moved record (HLD-2), moves custody's items of the file, recomputes
the moved records' due dates (RET-2) and re-indexes them (the index carries the file's department and owner).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from access.customer_files import may_assign, may_edit_profile
from access.duties import require_any
from access.errors import denied
from access.models import User
from core import audit
from custody.reassign import move_customer_items
from records import customer_grades
from records.customer_files import STALE_DAYS, document_ids_of, get_customer, list_customers
from records.customer_followups import followups
from records.customer_merge import merge_files
from retention.holds import refuse_if_held
from retention.schedule import recompute
from search import SearchEngine
from workflows.indexing import index_documents

GRADE_ROLES = frozenset({"manager"})  # the manager edits the grade rules and re-grades (POL-1)


def followups_for(
    session: Session,
    *,
    viewer: User,
    as_of: date,
    due_only: bool = False,
    owner: str | None = None,
    client: str = "",
) -> list[dict[str, Any]]:
    """Open follow-ups of the viewer's files (or of `owner`'s files the viewer may keep), earliest first;
    the look is audited as customer.followups."""
    owner = owner or viewer.login
    rows = followups(session, as_of=as_of, due_only=due_only, owner=owner)
    if owner != viewer.login:
        allowed = {c.id for c in list_customers(session, owner=owner) if may_edit_profile(session, viewer, c)}
        rows = [r for r in rows if r.customer_id in allowed]
    audit.record(
        session,
        actor=viewer.login,
        role=viewer.role_label,
        action="customer.followups",
        client=client,
        details={"owner": owner, "as_of": as_of.isoformat(), "due_only": due_only, "count": len(rows)},
    )
    return [asdict(r) for r in rows]


def stale_files(session: Session, *, viewer: User) -> list[dict[str, Any]]:
    """The viewer's own files not updated for a month (policy 3: 每月最少完善一次), least recently first."""
    rows = list_customers(session, owner=viewer.login, stale_days=STALE_DAYS)
    rows.sort(key=lambda c: c.updated_at)
    return [{"id": c.id, "name": c.name, "updated_at": c.updated_at.isoformat()} for c in rows]


def grade_rules(session: Session, *, actor: User, client: str = "") -> list[dict[str, Any]]:
    """The grade rules, A first (anyone signed in: they say how files are graded, nothing about a file)."""
    return [asdict(r) for r in customer_grades.list_rules(session)]


def set_grade_rule(
    session: Session,
    *,
    actor: User,
    grade: str,
    min_annual_sales: int | None,
    min_years: int | None,
    credit_standings: list[str],
    client: str = "",
) -> dict[str, Any]:
    """Create or replace one grade's rule (a manager)."""
    require_any(actor, GRADE_ROLES, action="customer.grade_rule", object_type="grade_rule", object_id=grade,
                client=client)  # fmt: skip
    return asdict(
        customer_grades.set_rule(
            session,
            grade=grade,
            min_annual_sales=min_annual_sales,
            min_years=min_years,
            credit_standings=credit_standings,
            actor=actor.login,
            role=actor.role_label,
            client=client,
        )
    )


def remove_grade_rule(session: Session, *, actor: User, grade: str, client: str = "") -> None:
    """Remove one grade's rule (a manager)."""
    require_any(actor, GRADE_ROLES, action="customer.grade_rule", object_type="grade_rule", object_id=grade,
                client=client)  # fmt: skip
    customer_grades.remove_rule(session, grade=grade, actor=actor.login, role=actor.role_label, client=client)


def regrade_files(
    session: Session, *, actor: User, reason: str, customer_ids: list[int] | None = None, client: str = ""
) -> dict[str, Any]:
    """Apply the grade rules (a manager): changed grades become revisions; a person's grade overrides."""
    require_any(actor, GRADE_ROLES, action="customer.regrade", client=client)
    done = customer_grades.regrade(
        session,
        actor=actor.login,
        role=actor.role_label,
        reason=reason,
        customer_ids=customer_ids,
        client=client,
    )
    return asdict(done)


def merge_customer_files(
    session: Session,
    index: SearchEngine,
    *,
    actor: User,
    from_id: int,
    into_id: int,
    reason: str,
    client: str = "",
) -> dict[str, Any]:
    """Merge file FROM into file INTO: those who may assign both files (managers, the keeping department's
    manager). Refused while a hold covers FROM or one of its records; every archive number stays."""
    source, target = get_customer(session, from_id), get_customer(session, into_id)
    if not (may_assign(session, actor, source) and may_assign(session, actor, target)):
        raise denied(
            actor,
            "customer.merge_forbidden",
            action="customer.merge",
            object_type="customer",
            object_id=from_id,
            client=client,
        )
    for document_id in document_ids_of(session, from_id):
        refuse_if_held(session, document_id=document_id, left_customer_id=from_id)
    merged = merge_files(
        session,
        source=source,
        target=target,
        actor=actor.login,
        role=actor.role_label,
        reason=reason,
        client=client,
    )
    items = move_customer_items(session, from_id=from_id, into_id=into_id, actor=actor.login, client=client)
    recompute(session, document_ids=merged.document_ids)
    reindexed = index_documents(session, index, merged.document_ids)
    return asdict(merged) | {"items": items, "reindexed": reindexed}
