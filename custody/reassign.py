"""Custody that follows people and files elsewhere: an employee's open loans and their parts in open handover
lists handed to their successor (POL-5: nothing stays with a closed account), and a merged customer file's items
(issue 12's merge). Both are audited here; the workflow that makes the change calls them in its transaction.

A loan's borrower is who answers for its items and whom the archivist chases when it is overdue (ACC-2), so
the successor becomes the borrower of every loan still open: asked for, approved, out or awaiting a renewal.
The items' movements stay as they were (history is not rewritten, and a return goes back to where an item
came from); the loan says who holds them now.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from access.models import User
from core import audit
from core.errors import Conflict
from custody.handover_models import OPEN_STATES, Handover
from custody.models import OPEN_LOAN_STATES, Item, Loan


@dataclass(frozen=True)
class LoanHeld:
    id: int
    slip_no: str
    status: str
    due_date: str | None
    items: list[int]


def open_loans_of(session: Session, user: User) -> list[LoanHeld]:
    """The user's open loans (asked for, approved, out, awaiting a renewal), oldest first."""
    loans = session.scalars(
        select(Loan).where(Loan.borrower_id == user.id, Loan.status.in_(OPEN_LOAN_STATES)).order_by(Loan.id)
    )
    return [
        LoanHeld(
            loan.id,
            loan.slip_no,
            loan.status,
            loan.due_date.isoformat() if loan.due_date else None,
            [i.item_id for i in loan.items],
        )
        for loan in loans
    ]


def reassign_loans(
    session: Session, *, leaver: User, successor: User, actor: str, role: str = "", client: str = ""
) -> list[LoanHeld]:
    """Make the successor the borrower of each of the leaver's open loans; each audited as custody.loan.reassign."""
    held = open_loans_of(session, leaver)
    department = successor.department.code if successor.department else ""
    for loan in held:
        row = session.get_one(Loan, loan.id)
        row.borrower_id, row.department = successor.id, department
        audit.record(
            session,
            actor=actor,
            role=role,
            action="custody.loan.reassign",
            object_type="loan",
            object_id=loan.id,
            client=client,
            reference=f"loan:{loan.slip_no}",
            details={"before": {"borrower": leaver.login}, "after": {"borrower": successor.login}},
        )
    session.flush()
    return held


@dataclass(frozen=True)
class HandoverHeld:
    id: int
    title: str
    status: str
    role: str  # preparer (A) or reviewer (B)


def open_handovers_of(session: Session, user: User) -> list[HandoverHeld]:
    """The open handover lists the user prepares or reviews (HND-1: a step they owe, or will), oldest first."""
    rows = session.scalars(
        select(Handover)
        .where(Handover.status.in_(OPEN_STATES))
        .where((Handover.preparer_id == user.id) | (Handover.reviewer_id == user.id))
        .order_by(Handover.id)
    )
    return [
        HandoverHeld(h.id, h.title, h.status, "preparer" if h.preparer_id == user.id else "reviewer")
        for h in rows
    ]


def reassign_handovers(
    session: Session, *, leaver: User, successor: User, actor: str, role: str = "", client: str = ""
) -> list[HandoverHeld]:
    """Put the successor in the leaver's place on each open handover list; audited as custody.handover.reassign.

    Refused for a list the successor is already the other party of: preparer and reviewer count independently
    (HND-2), so one person may not be both."""
    held = open_handovers_of(session, leaver)
    for entry in held:
        row = session.get_one(Handover, entry.id)
        other = row.reviewer_id if entry.role == "preparer" else row.preparer_id
        if other == successor.id:
            raise Conflict("offboard.handover_same_party", id=row.id, title=row.title, login=successor.login)
        if entry.role == "preparer":
            row.preparer_id = successor.id
        else:
            row.reviewer_id = successor.id
        audit.record(
            session,
            actor=actor,
            role=role,
            action="custody.handover.reassign",
            object_type="handover",
            object_id=row.id,
            client=client,
            details={"part": entry.role, "before": leaver.login, "after": successor.login},
        )
    session.flush()
    return held


def move_customer_items(
    session: Session, *, from_id: int, into_id: int, actor: str, client: str = ""
) -> list[int]:
    """Point the items of a merged file at the file it went into; audited as custody.item.relink."""
    ids = list(session.scalars(select(Item.id).where(Item.customer_id == from_id).order_by(Item.id)))
    if ids:
        session.execute(update(Item).where(Item.id.in_(ids)).values(customer_id=into_id))
        audit.record(
            session,
            actor=actor,
            action="custody.item.relink",
            object_type="customer",
            object_id=into_id,
            client=client,
            details={"from": from_id, "into": into_id, "items": ids},
        )
    return ids
