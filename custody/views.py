"""What custody shows: an item's catalogue data and place, a loan slip as the register lists it (ACC-1)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from access.models import User
from custody import items as custody_items
from custody import loans as custody_loans
from custody.items import MovementInfo
from custody.models import Incident, Item, Loan
from records.models import Customer, Document


@dataclass(frozen=True)
class ItemView:
    """An item's catalogue data and where it is (None while out on loan)."""

    id: int
    kind: str
    number: str | None
    title: str
    document_id: int | None
    customer_id: int | None
    customer: str | None
    pieces: int
    pages: int
    location: str | None
    out_on_loan: int | None
    history: list[MovementInfo]


@dataclass(frozen=True)
class LoanView:
    """A loan slip as the register shows it (ACC-1)."""

    id: int
    slip_no: str
    status: str
    borrower: str
    department: str
    purpose: str
    level: str
    items: list[int]
    days: int
    due_date: date | None
    renewal_days: int | None
    renewals: int
    requested_at: datetime
    approved_by: str | None
    out_at: datetime | None
    returned_at: datetime | None
    incidents: int


@dataclass(frozen=True)
class ReturnView:
    loan: LoanView
    complete: bool
    incident_id: int | None


def item_view(session: Session, item: Item) -> ItemView:
    """The item's catalogue data, place and history."""
    document = session.get(Document, item.document_id) if item.document_id else None
    customer_id = item.customer_id or (document.customer_id if document else None)
    customer = session.get(Customer, customer_id) if customer_id else None
    here = custody_items.current_location(session, item.id)
    loan = custody_loans.out_loan_of(session, item.id)
    return ItemView(
        id=item.id,
        kind=item.kind,
        number=document.archive_no if document else None,
        title=document.title if document else (customer.name if customer else ""),
        document_id=item.document_id,
        customer_id=customer_id,
        customer=customer.name if customer else None,
        pieces=item.pieces,
        pages=item.pages,
        location=here.path if here else None,
        out_on_loan=loan.id if loan else None,
        history=custody_items.history(session, item.id),
    )


def loan_view(session: Session, loan: Loan) -> LoanView:
    borrower = session.get_one(User, loan.borrower_id)
    incidents = session.scalar(select(func.count(Incident.id)).where(Incident.loan_id == loan.id)) or 0
    return LoanView(
        id=loan.id,
        slip_no=loan.slip_no,
        status=loan.status,
        borrower=borrower.login,
        department=loan.department,
        purpose=loan.purpose,
        level=loan.level,
        items=[link.item_id for link in loan.items],
        days=loan.days,
        due_date=loan.due_date,
        renewal_days=loan.renewal_days,
        renewals=loan.renewals,
        requested_at=loan.requested_at,
        approved_by=loan.approved_by,
        out_at=loan.out_at,
        returned_at=loan.returned_at,
        incidents=incidents,
    )
