"""Loans falling due and overdue (ACC-2): listed on the dashboard and reminded daily through the job queue.

The daily `reminders` job (workflows.scheduled, through workflows.reminders) leaves the borrower and every
archivist a notification per overdue loan and writes a log line; it can run twice on a day without doubling a
reminder: a reminder for the same loan and day is looked for first. A borrower is also told once, DUE_SOON_DAYS
ahead, that a loan falls due. Notifications go out by each recipient's channels (workflows.notify).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from access.models import Notification, User, UserRole
from access.notifications import notify
from core import audit
from custody.models import Loan
from workflows.custody import LOAN_WATCHERS, is_approver

log = logging.getLogger(__name__)
REMINDER = "custody.loan.overdue_reminder"
DUE_REMINDER = "custody.loan.due_reminder"
DUE_SOON_DAYS = 2  # a borrower is told this many days (or fewer) before a loan falls due
OVERDUE_STATES = ("out", "renewal_requested")


@dataclass(frozen=True)
class OverdueLoan:
    id: int
    slip_no: str
    borrower: str
    borrower_name: str
    due_date: date
    days_late: int


def _overdue_query(today: date):  # type: ignore[no-untyped-def]
    return (
        select(Loan, User)
        .join(User, User.id == Loan.borrower_id)
        .where(Loan.status.in_(OVERDUE_STATES), Loan.due_date < today)
        .order_by(Loan.due_date, Loan.id)
    )


def overdue_loans(session: Session, *, today: date, viewer: User | None = None) -> list[OverdueLoan]:
    """Loans out past their due date: all of them for the archivist, auditors and approvers (or the job),
    else the viewer's own."""
    query = _overdue_query(today)
    if viewer is not None and not (viewer.roles & LOAN_WATCHERS or is_approver(viewer)):
        query = query.where(Loan.borrower_id == viewer.id)
    return [
        OverdueLoan(
            loan.id,
            loan.slip_no,
            user.login,
            user.name or user.login,
            loan.due_date,
            (today - loan.due_date).days,
        )  # fmt: skip
        for loan, user in session.execute(query)
    ]


def remind_overdue_loans(session: Session, *, today: date) -> int:
    """Remind the borrower and the archivists of each overdue loan, once a day; how many notifications."""
    archivists = list(
        session.scalars(
            select(User.id)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == "archivist", User.active.is_(True))
        )
    )
    day = today.isoformat()
    already = {
        (n.user_id, (n.params or {}).get("loan"))
        for n in session.scalars(select(Notification).where(Notification.code == REMINDER))
        if (n.params or {}).get("day") == day
    }
    sent = 0
    for loan in overdue_loans(session, today=today):
        targets = {
            uid
            for uid in (*archivists, session.get_one(Loan, loan.id).borrower_id)
            if (uid, loan.id) not in already
        }
        if targets:
            notify(session, user_ids=targets, code=REMINDER, loan=loan.id, slip=loan.slip_no,
                   borrower=loan.borrower_name, due=loan.due_date.isoformat(), days=loan.days_late, day=day)  # fmt: skip
            sent += len(targets)
        log.warning("loan %s (%s) of %s is %d days overdue (due %s)", loan.slip_no, loan.id, loan.borrower,
                    loan.days_late, loan.due_date)  # fmt: skip
    audit.record(session, actor="system", action="custody.loan.remind", object_type="loan", object_id="",
                 details={"day": day, "notifications": sent})  # fmt: skip
    return sent


def remind_due_loans(session: Session, *, today: date, days: int = DUE_SOON_DAYS) -> int:
    """Tell each borrower once that a loan falls due within `days` (a link and the slip number); how many."""
    soon = session.scalars(
        select(Loan).where(Loan.status.in_(OVERDUE_STATES), Loan.due_date >= today,
                           Loan.due_date <= today + timedelta(days=days))
    )  # fmt: skip
    loans = list(soon)
    if not loans:
        return 0
    told = {
        ((n.params or {}).get("loan"), (n.params or {}).get("due"))
        for n in session.scalars(select(Notification).where(Notification.code == DUE_REMINDER))
    }
    sent = 0
    for loan in loans:
        due = loan.due_date.isoformat()
        if (loan.id, due) in told:  # a renewal moves the due date: told again before the new one
            continue
        notify(
            session, user_ids=[loan.borrower_id], code=DUE_REMINDER, loan=loan.id, slip=loan.slip_no, due=due
        )
        sent += 1
    return sent


def remind_now(session: Session, *, actor: User, today: date, client: str = "") -> int:
    """Send today's reminders at once (archivist); the daily job does the same."""
    from access.errors import denied

    if not actor.active or "archivist" not in actor.roles:
        raise denied(actor, "permission.role_required", action="custody.loan.remind", object_type="loan",
                     client=client, role="archivist")  # fmt: skip
    return remind_overdue_loans(session, today=today)
