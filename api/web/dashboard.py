"""Page: the dashboard — review queue counts, approvals awaiting me, my requests and grants, unread
messages (read and marked on /access), my recent activity.

Counts of the review queue cover only documents the user may read (access.policy.readable_filter).
"""

from __future__ import annotations

from collections import Counter

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from access import grants, notifications, requests
from access.policy import readable_filter
from api.web import render
from api.web.session import RuntimeDep, Viewer
from core.audit_search import find_events
from records.models import Document
from workflows import custody_records, custody_reminders
from workflows.customer_lifecycle import followups_for, stale_files
from workflows.handovers import late_steps_owed

router = APIRouter(include_in_schema=False)
RECENT = 10


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, me: Viewer, rt: RuntimeDep) -> HTMLResponse:
    with rt.factory() as session, session.begin():
        user = me.user(session)
        review = Counter()
        if me.has("archivist", "manager"):
            flagged = session.scalars(
                select(Document.review_reasons).where(
                    Document.needs_review.is_(True), readable_filter(session, user)
                )
            )
            for reasons in flagged:
                review["total"] += 1
                review.update(reasons or [])
        awaiting = requests.awaiting(session, approver=user)
        mine = requests.my_requests(session, user=user)[:5]
        unread = len(notifications.list_notifications(session, user=user, unread_only=True))
        held = [g for g in grants.list_grants(session, viewer=user, live_only=True, client=me.client)]
        count = find_events(session, actor=user.login, limit=1).total
        recent = find_events(session, actor=user.login, limit=RECENT, offset=max(0, count - RECENT)).events
        # issue 12: the owner's follow-ups due (policy 8) and files not updated for a month (policy 3)
        followups = followups_for(session, viewer=user, as_of=rt.today(), due_only=True, client=me.client)
        stale = stale_files(session, viewer=user)
        late_handovers = late_steps_owed(session, actor=user, today=rt.today())  # HND-1: steps I owe, late
        # issue 13: overdue loans (all for keepers and approvers, else one's own), overdue inspections
        overdue_loans = custody_reminders.overdue_loans(session, today=rt.today(), viewer=user)
        overdue_inspections = (
            custody_records.overdue_inspections(
                session,
                today=rt.today(),
                cycle_days=rt.settings.inspection_days,
                actor=user,
                client=me.client,
            )  # fmt: skip
            if me.has("archivist")
            else None
        )
    return render(
        request,
        "dashboard/index.html",
        review=review,
        awaiting=awaiting,
        mine=mine,
        grants=held,
        unread=unread,
        recent=list(reversed(recent)),
        followups=followups,
        stale=stale,
        late_handovers=late_handovers,
        overdue_loans=overdue_loans,
        overdue_inspections=overdue_inspections,
    )
