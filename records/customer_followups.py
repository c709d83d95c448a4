"""Follow-up visits after a sale (policy 8: within 3, 30 and 60 days), and the files that went stale (policy 3).

A sale is a timeline entry of kind `sale` (POL-13: service and visit records are part of the file): it
schedules one follow-up per period in FOLLOWUP_DAYS, due that many days after the sale. A timeline entry
of kind `followup` closes the earliest open one of the file (a visit answers the oldest promise first). The
due items belong to whoever owns the file *now*, so a reassigned file (a new owner, an offboarding) takes its
follow-ups along without a second write. Who may see them is decided by the caller (access.customer_files).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from records.models import Customer, CustomerEntry, CustomerFollowup

# Policy 8: 3日内第一次回访, 30日内第二次, 60日内第三次.
FOLLOWUP_DAYS = (3, 30, 60)
# A follow-up counts as due this many days before its date (so the owner can plan the visit).
DUE_AHEAD_DAYS = 3


@dataclass(frozen=True)
class FollowupInfo:
    id: int
    customer_id: int
    customer: str
    owner: str | None
    sale_entry_id: int
    sale_date: str
    days: int
    due_on: str
    state: str  # scheduled | due | overdue | done
    done_on: str | None
    done_entry_id: int | None


def schedule_after_sale(session: Session, *, entry: CustomerEntry) -> list[CustomerFollowup]:
    """The follow-ups a sale entry calls for, one per period of policy 8 (none twice for one sale)."""
    if session.scalar(select(CustomerFollowup.id).where(CustomerFollowup.sale_entry_id == entry.id)):
        return []
    rows = [
        CustomerFollowup(
            customer_id=entry.customer_id,
            sale_entry_id=entry.id,
            days=days,
            due_on=entry.occurred_on + timedelta(days=days),
        )
        for days in FOLLOWUP_DAYS
    ]
    session.add_all(rows)
    session.flush()
    return rows


def close_due(session: Session, *, entry: CustomerEntry) -> CustomerFollowup | None:
    """Close the file's earliest open follow-up with this followup entry (None when none is open)."""
    row = session.scalar(
        select(CustomerFollowup)
        .where(CustomerFollowup.customer_id == entry.customer_id, CustomerFollowup.done_entry_id.is_(None))
        .order_by(CustomerFollowup.due_on, CustomerFollowup.id)
        .limit(1)
    )
    if row is not None:
        row.done_entry_id, row.done_on = entry.id, entry.occurred_on
        session.flush()
    return row


def state_of(row: CustomerFollowup, as_of: date) -> str:
    """scheduled, due (within DUE_AHEAD_DAYS), overdue (its day has passed) or done."""
    if row.done_entry_id is not None:
        return "done"
    if row.due_on < as_of:
        return "overdue"
    return "due" if row.due_on <= as_of + timedelta(days=DUE_AHEAD_DAYS) else "scheduled"


def followups(
    session: Session,
    *,
    as_of: date,
    due_only: bool = False,
    owner: str | None = None,
    customer_ids: list[int] | None = None,
    include_done: bool = False,
) -> list[FollowupInfo]:
    """Follow-ups, earliest due first: open ones (and done ones if asked), of one owner's files or of the
    given files; due_only keeps those due or overdue at as_of."""
    query = (
        select(CustomerFollowup, Customer, CustomerEntry.occurred_on)
        .join(Customer, Customer.id == CustomerFollowup.customer_id)
        .join(CustomerEntry, CustomerEntry.id == CustomerFollowup.sale_entry_id)
        .where(Customer.merged_into.is_(None))
        .order_by(CustomerFollowup.due_on, CustomerFollowup.id)
    )
    if not include_done:
        query = query.where(CustomerFollowup.done_entry_id.is_(None))
    if due_only:
        query = query.where(CustomerFollowup.due_on <= as_of + timedelta(days=DUE_AHEAD_DAYS))
    if owner is not None:
        query = query.where(Customer.owner == owner)
    if customer_ids is not None:
        query = query.where(Customer.id.in_(customer_ids))
    return [
        FollowupInfo(
            row.id,
            customer.id,
            customer.name,
            customer.owner,
            row.sale_entry_id,
            sale_on.isoformat(),
            row.days,
            row.due_on.isoformat(),
            state_of(row, as_of),
            row.done_on.isoformat() if row.done_on else None,
            row.done_entry_id,
        )
        for row, customer, sale_on in session.execute(query)
    ]


def move_followups(session: Session, *, from_id: int, into_id: int) -> int:
    """Move a file's follow-ups into another file (a merge); how many moved."""
    rows = list(session.scalars(select(CustomerFollowup).where(CustomerFollowup.customer_id == from_id)))
    for row in rows:
        row.customer_id = into_id
    session.flush()
    return len(rows)
