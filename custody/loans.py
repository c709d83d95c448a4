"""Loans against a loan slip (出借单, POL-9, ACC-1..3, CLS-4).

requested → approved (or refused) → out → returned; an out loan may ask for a renewal (renewal_requested),
which an approver grants (back to out, with a later due date) or refuses (out, due date unchanged). A
return whose count falls short opens an incident and leaves the loan out.

The term is counted in working days: the archive room is shut on public holidays, so a seven-day loan taken
before the Spring Festival would otherwise fall due while no one can take it back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.calendar import workdays_after
from core.db import utcnow
from core.errors import Conflict, DanganError, NotFound
from custody.items import add_movement, current_location, get_item, last_movement
from custody.models import OPEN_LOAN_STATES, Incident, Item, Loan, LoanItem, LoanSeries, Location

# The posts that approve loans and borrow without asking (POL-9: 董事长、总经理、副总经理).
APPROVER_POSITIONS = frozenset({"chairman", "gm", "deputy_gm"})


@dataclass(frozen=True)
class Return:
    loan_id: int
    complete: bool
    incident_id: int | None


def allocate_slip(session: Session, *, year: int, pattern: str) -> tuple[int, str]:
    """The next slip number of the year, in the caller's transaction (records.numbering's pattern).

    One UPDATE on the year's row: concurrent requests queue on its lock, and a rolled-back request gives
    its number back, so slip numbers run on without gaps or duplicates (CLS-4).
    """
    if session.get(LoanSeries, year) is None:
        try:
            with session.begin_nested():
                session.add(LoanSeries(year=year, last_no=0))
        except IntegrityError:  # a concurrent request created the year first
            pass
    seq = session.execute(
        update(LoanSeries)
        .where(LoanSeries.year == year)
        .values(last_no=LoanSeries.last_no + 1)
        .returning(LoanSeries.last_no)
    ).scalar_one()
    return seq, pattern.format(year=year, seq=seq)


def get_loan(session: Session, loan_id: int) -> Loan:
    loan = session.get(Loan, loan_id)
    if loan is None:
        raise NotFound("custody.loan.not_found", id=loan_id)
    return loan


def open_loan_of(session: Session, item_id: int) -> Loan | None:
    """The open loan holding or asking for the item, if any."""
    return session.scalar(
        select(Loan)
        .join(LoanItem)
        .where(LoanItem.item_id == item_id, Loan.status.in_(OPEN_LOAN_STATES))
        .order_by(Loan.id)
        .limit(1)
    )


def out_loan_of(session: Session, item_id: int) -> Loan | None:
    """The loan the item is out on, if it is out."""
    last = last_movement(session, item_id)
    if last is None or last.to_location_id is not None or last.loan_id is None:
        return None
    return session.get(Loan, last.loan_id)


def create_loan(
    session: Session,
    *,
    borrower_id: int,
    department: str,
    item_ids: Sequence[int],
    purpose: str,
    days: int,
    level: str,
    year: int,
    pattern: str,
) -> Loan:
    """A loan slip in state `requested` with the next slip number of the year."""
    if not purpose.strip():
        raise DanganError("custody.loan.purpose_required")
    if not item_ids:
        raise DanganError("custody.loan.no_items")
    for item_id in item_ids:
        get_item(session, item_id)
        busy = open_loan_of(session, item_id)
        if busy is not None:
            raise Conflict("custody.item.busy", id=item_id, slip=busy.slip_no)
    seq, slip_no = allocate_slip(session, year=year, pattern=pattern)
    loan = Loan(
        slip_no=slip_no,
        year=year,
        seq=seq,
        borrower_id=borrower_id,
        department=department,
        purpose=purpose.strip(),
        level=level,
        days=days,
        status="requested",
        items=[LoanItem(item_id=i) for i in sorted(set(item_ids))],
    )
    session.add(loan)
    session.flush()
    return loan


def _expect(loan: Loan, *states: str) -> None:
    if loan.status not in states:
        raise Conflict("custody.loan.wrong_state", id=loan.id, status=loan.status)


def approve(session: Session, loan: Loan, *, approver: str, overrides: Mapping[date, bool]) -> Loan:
    """Approve a request, or a renewal (its working days are counted on from the due date)."""
    _expect(loan, "requested", "renewal_requested")
    loan.approved_by, loan.approved_at = approver, utcnow()
    if loan.status == "requested":
        loan.status = "approved"
    else:
        loan.status = "out"
        loan.renewals += 1
        loan.days += loan.renewal_days or 0
        if loan.due_date is not None:
            loan.due_date = workdays_after(loan.due_date, loan.renewal_days or 0, overrides)
        loan.renewal_days = None
    session.flush()
    return loan


def refuse(session: Session, loan: Loan) -> Loan:
    """Refuse a request (closed) or a renewal (the items stay out, due as before)."""
    _expect(loan, "requested", "renewal_requested")
    if loan.status == "requested":
        loan.status = "refused"
    else:
        loan.status, loan.renewal_days = "out", None
    session.flush()
    return loan


def hand_out(
    session: Session, loan: Loan, *, actor: str, holder: str, today: date, overrides: Mapping[date, bool]
) -> Loan:
    """The items leave their locations (a `lend` movement each); the due date is counted from today."""
    _expect(loan, "approved")
    for link in loan.items:
        item = get_item(session, link.item_id)
        if current_location(session, item.id) is None:
            raise Conflict("custody.item.not_in_store", id=item.id)
        add_movement(session, item, kind="lend", to=None, actor=actor, holder=holder, loan_id=loan.id)
    loan.status, loan.out_by, loan.out_at = "out", actor, utcnow()
    loan.due_date = workdays_after(today, loan.days, overrides)
    session.flush()
    return loan


def ask_renewal(session: Session, loan: Loan, *, days: int) -> Loan:
    """Ask for `days` more working days; an approver decides."""
    _expect(loan, "out")
    loan.status, loan.renewal_days = "renewal_requested", days
    session.flush()
    return loan


def take_back(session: Session, loan: Loan, *, pieces: int, pages: int, actor: str) -> Return:
    """Count the return: all there → each item back where it was; short → an incident, the loan stays out."""
    _expect(loan, "out", "renewal_requested")
    items = [get_item(session, link.item_id) for link in loan.items]
    expected_pieces, expected_pages = sum(i.pieces for i in items), sum(i.pages for i in items)
    if (pieces, pages) != (expected_pieces, expected_pages):
        incident = Incident(
            loan_id=loan.id,
            expected_pieces=expected_pieces,
            expected_pages=expected_pages,
            counted_pieces=pieces,
            counted_pages=pages,
            reported_by=actor,
        )
        session.add(incident)
        session.flush()
        return Return(loan.id, False, incident.id)
    for item in items:
        session.flush()
        lent = last_movement(session, item.id)
        home = session.get(Location, lent.from_location_id) if lent and lent.from_location_id else None
        add_movement(session, item, kind="return", to=home, actor=actor, loan_id=loan.id)
    loan.status, loan.returned_by, loan.returned_at = "returned", actor, utcnow()
    loan.renewal_days = None
    session.flush()
    return Return(loan.id, True, None)


def loan_items(session: Session, loan: Loan) -> list[Item]:
    return [get_item(session, link.item_id) for link in loan.items]
