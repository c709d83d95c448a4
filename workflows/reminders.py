"""The daily reminders (issue 14, ACC-2, POL-4): grants about to end, access requests and destruction batches
waiting for a decision, loans of originals falling due or overdue. Each is left as a notification (in-app) and so goes out by
each recipient's channels through the outbox (workflows.notify)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from access.models import AccessRequest, Grant, Notification
from access.notifications import notify
from access.requests import eligible_approvers
from core.db import utcnow
from retention.models import DestructionBatch
from workflows.custody_reminders import overdue_loans, remind_due_loans, remind_overdue_loans
from workflows.destruction import WAITING, batch_deciders

# A request is reminded once it has waited this long (the approver was told when it arrived).
REQUEST_GRACE = timedelta(hours=20)


@dataclass
class Reminded:
    """How many reminders of each kind were left."""

    grants_expiring: int = 0
    requests_waiting: int = 0
    batches_waiting: int = 0
    loans_due: int = 0
    loans_overdue: int = 0

    def as_json(self) -> dict[str, int]:
        return asdict(self)


def _reminded_grants(session: Session, user_ids: set[int]) -> set[int]:
    notes = session.scalars(
        select(Notification).where(
            Notification.code == "notify.grant.expiring", Notification.user_id.in_(user_ids)
        )
    )
    return {int(note.params.get("grant_id", 0)) for note in notes}


def remind(session: Session, *, today: date, grant_days: int) -> Reminded:
    """Leave today's reminders; a grant's coming end is reminded once, the rest every day until settled."""
    now, done = utcnow(), Reminded()
    expiring = list(
        session.scalars(
            select(Grant).where(
                Grant.revoked_at.is_(None),
                Grant.valid_until > now,
                Grant.valid_until <= now + timedelta(days=grant_days),
            )
        )
    )
    already = _reminded_grants(session, {g.user_id for g in expiring}) if expiring else set()
    for grant in expiring:
        if grant.id in already:
            continue
        notify(session, user_ids=[grant.user_id], code="notify.grant.expiring", grant_id=grant.id,
               until=grant.valid_until.isoformat())  # fmt: skip
        done.grants_expiring += 1
    waiting = session.scalars(
        select(AccessRequest).where(
            AccessRequest.state == "pending", AccessRequest.created_at < now - REQUEST_GRACE
        )
    )
    for request in waiting:
        step = next((s for s in request.steps if s.decision == "pending"), None)
        if step is None:
            continue
        approvers = eligible_approvers(session, step) - {request.requester_id}
        if approvers:
            notify(session, user_ids=approvers, code="notify.access.waiting", request_id=request.id,
                   days=(now - request.created_at).days)  # fmt: skip
            done.requests_waiting += 1
    for batch in session.scalars(select(DestructionBatch).where(DestructionBatch.state == "appraised")):
        deciders = batch_deciders(session, batch)
        if deciders:
            notify(session, user_ids=deciders, code=WAITING, batch_id=batch.id)
            done.batches_waiting += 1
    # Loans: custody's own reminders (the borrower and the archivists, once a day however often it runs; the
    # borrower once before the due date).
    done.loans_due = remind_due_loans(session, today=today)
    done.loans_overdue = len(overdue_loans(session, today=today))
    remind_overdue_loans(session, today=today)
    return done
