"""Custody use cases (PHY-1, POL-8, POL-9, ACC-1..3): who may do what with paper originals, audited.

The archivist keeps the originals: locations, items, moves, handing out and taking back; they see every
item's catalogue data (number, title, customer, pieces, pages, where it is) but a document's content only
as the level rules and grants allow. Anyone signed in may ask to borrow items whose documents they may read
(access.policy); the chairman, the GM and the deputy GMs approve, and their own requests need no approval.
Each step writes one audit event; a refusal travels with its event (access.errors.denied).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from access.errors import denied
from access.models import User
from access.policy import can_read, readable_filter
from access.rules import load_rules
from core import audit
from core.calendar import load_overrides
from core.calendar import workdays_after as count_workdays
from core.errors import Conflict, DanganError, NotFound
from custody import items as custody_items
from custody import loans as custody_loans
from custody import locations as custody_locations
from custody.locations import LocationInfo
from custody.models import Item, Loan
from custody.views import ItemView, LoanView, ReturnView, item_view, loan_view
from records.models import Customer, Document

ARCHIVIST = "archivist"
# Who sees every loan besides the approving posts (the others see their own): the keeper and the auditor.
LOAN_WATCHERS = frozenset({"archivist", "auditor"})


def _record(session: Session, actor: User, action: str, object_type: str, object_id: object, client: str,
            **details: object) -> None:  # fmt: skip
    audit.record(session, actor=actor.login, role=actor.role_label, action=action, object_type=object_type,
                 object_id=object_id, client=client, details=details)  # fmt: skip


def _archivist(actor: User, action: str, object_type: str, object_id: object, client: str) -> None:
    if not actor.active or ARCHIVIST not in actor.roles:
        raise denied(actor, "permission.role_required", action=action, object_type=object_type,
                     object_id=object_id, client=client, role=ARCHIVIST)  # fmt: skip


def is_approver(user: User) -> bool:
    """Whether the user holds a post that approves loans (and borrows directly)."""
    return user.active and bool(user.positions & custody_loans.APPROVER_POSITIONS)


def _readable(session: Session, user: User, item: Item) -> bool:
    """Whether the user may read what the item is the original of (its document, or its whole file)."""
    if item.document_id is not None:
        return can_read(session, user, session.get_one(Document, item.document_id)).allowed
    total = session.scalar(select(func.count(Document.id)).where(Document.customer_id == item.customer_id))
    readable = session.scalar(
        select(func.count(Document.id)).where(
            Document.customer_id == item.customer_id, readable_filter(session, user)
        )
    )
    return total == readable


def _documents_of(session: Session, item: Item) -> list[Document]:
    if item.document_id is not None:
        return [session.get_one(Document, item.document_id)]
    return list(session.scalars(select(Document).where(Document.customer_id == item.customer_id)))


# --- locations and items -------------------------------------------------------------------------------


def add_location(session: Session, *, path: str, kind: str, actor: User, client: str = "") -> LocationInfo:
    """Create a location and its missing parents (archivist)."""
    _archivist(actor, "custody.location.add", "location", path, client)
    location, created = custody_locations.add_location(session, path=path, kind=kind, actor=actor.login)
    for made in created:
        _record(session, actor, "custody.location.add", "location", made.id, client, path=made.path,
                kind=made.kind, code=made.code)  # fmt: skip
    return custody_locations.info(location)


def list_locations(session: Session, *, actor: User, client: str = "") -> list[LocationInfo]:
    """Every location (archivist)."""
    _archivist(actor, "custody.location.list", "location", "", client)
    _record(session, actor, "custody.location.list", "location", "", client)
    return custody_locations.list_locations(session)


def add_item(
    session: Session,
    *,
    document_id: int | None,
    customer_id: int | None,
    pieces: int,
    pages: int,
    kind: str = "original",
    location: str | None = None,
    actor: User,
    client: str = "",
) -> ItemView:
    """Register a paper original and put it away (archivist); a certificate without a place goes to the safe."""
    _archivist(actor, "custody.item.add", "item", "", client)
    if document_id is not None and session.get(Document, document_id) is None:
        raise NotFound("document.not_found", id=document_id)
    if customer_id is not None and session.get(Customer, customer_id) is None:
        raise NotFound("customer.not_found", id=customer_id)
    if document_id is not None and customer_id is None:
        customer_id = session.get_one(Document, document_id).customer_id
    place = custody_locations.find(session, location) if location else None
    item = custody_items.add_item(session, document_id=document_id, customer_id=customer_id, pieces=pieces,
                                  pages=pages, kind=kind, location=place, actor=actor.login)  # fmt: skip
    view = item_view(session, item)
    _record(session, actor, "custody.item.add", "item", item.id, client, kind=kind, document_id=document_id,
            customer_id=customer_id, pieces=pieces, pages=pages, location=view.location)  # fmt: skip
    return view


def move_item(
    session: Session, *, item_id: int, to: str, reason: str, actor: User, client: str = ""
) -> ItemView:
    """Move an item in the archive (archivist); an item out on loan comes back by its return only."""
    _archivist(actor, "custody.move", "item", item_id, client)
    if not reason.strip():
        raise DanganError("custody.reason_required")
    item = custody_items.get_item(session, item_id)
    loan = custody_loans.out_loan_of(session, item.id)
    if loan is not None:
        raise Conflict("custody.item.on_loan", id=item.id, slip=loan.slip_no)
    last = custody_items.last_movement(session, item.id)
    if last is not None and last.kind == "destroy":  # destruction is final (retention.paper)
        raise Conflict("custody.item.destroyed", id=item.id)
    place = custody_locations.find(session, to)
    before = custody_items.current_location(session, item.id)
    custody_items.add_movement(session, item, kind="move" if before else "put_away", to=place,
                               actor=actor.login, reason=reason.strip())  # fmt: skip
    _record(session, actor, "custody.move", "item", item.id, client, to=place.path,
            **{"from": before.path if before else None}, reason=reason.strip())  # fmt: skip
    return item_view(session, item)


def where(session: Session, *, item_id: int, actor: User, client: str = "") -> ItemView:
    """Where an item is and its history: the archivist for every item, others for items they may read."""
    item = custody_items.get_item(session, item_id)
    if ARCHIVIST not in actor.roles and not (actor.active and _readable(session, actor, item)):
        raise denied(actor, "custody.item.denied", action="custody.where", object_type="item",
                     object_id=item_id, client=client, id=item_id)  # fmt: skip
    view = item_view(session, item)
    _record(session, actor, "custody.where", "item", item.id, client, location=view.location)
    return view


# --- loans ---------------------------------------------------------------------------------------------


def request_loan(
    session: Session,
    *,
    item_ids: Sequence[int],
    purpose: str,
    days: int | None,
    actor: User,
    today: date,
    default_days: int,
    slip_pattern: str,
    borrower: str | None = None,
    client: str = "",
) -> LoanView:
    """Ask to borrow items (a loan slip with the next number); an approver's own request is approved at once.

    The borrower is the one who asks: a slip for someone else (lending on to a third person) is refused.
    """
    if borrower is not None and borrower != actor.login:
        raise denied(actor, "custody.loan.third_party", action="custody.loan.request", object_type="loan",
                     client=client, borrower=borrower)  # fmt: skip
    term = default_days if days is None else days
    if not 1 <= term <= 60:
        raise DanganError("custody.loan.bad_days", days=term)
    ranks = {level: rule.rank for level, rule in load_rules(session).items()}
    level = "internal"
    for item_id in item_ids:
        item = custody_items.get_item(session, item_id)
        if not _readable(session, actor, item):
            raise denied(actor, "custody.item.denied", action="custody.loan.request", object_type="item",
                         object_id=item_id, client=client, id=item_id)  # fmt: skip
        for document in _documents_of(session, item):
            if ranks.get(document.level, 0) > ranks.get(level, 0):
                level = document.level
    loan = custody_loans.create_loan(
        session,
        borrower_id=actor.id,
        department=actor.department.code if actor.department else "",
        item_ids=item_ids,
        purpose=purpose,
        days=term,
        level=level,
        year=today.year,
        pattern=slip_pattern,
    )
    _record(session, actor, "custody.loan.request", "loan", loan.id, client, slip_no=loan.slip_no,
            items=sorted(set(item_ids)), days=term, level=level)  # fmt: skip
    if is_approver(actor):  # POL-9: the chairman, GM and deputy GMs borrow directly
        custody_loans.approve(session, loan, approver=actor.login, overrides={})
        _record(session, actor, "custody.loan.approve", "loan", loan.id, client, slip_no=loan.slip_no,
                direct=True)  # fmt: skip
    return loan_view(session, loan)


def _approver(actor: User, action: str, loan_id: int, client: str) -> None:
    if not is_approver(actor):
        raise denied(actor, "custody.loan.approver_required", action=action, object_type="loan",
                     object_id=loan_id, client=client)  # fmt: skip


def approve_loan(session: Session, *, loan_id: int, actor: User, client: str = "") -> LoanView:
    """Approve a loan or its renewal (the chairman, the GM or a deputy GM)."""
    _approver(actor, "custody.loan.approve", loan_id, client)
    loan = custody_loans.get_loan(session, loan_id)
    renewal = loan.status == "renewal_requested"
    custody_loans.approve(session, loan, approver=actor.login, overrides=load_overrides(session))
    _record(session, actor, "custody.loan.approve", "loan", loan.id, client, slip_no=loan.slip_no,
            renewal=renewal, due_date=loan.due_date.isoformat() if loan.due_date else None)  # fmt: skip
    return loan_view(session, loan)


def refuse_loan(session: Session, *, loan_id: int, actor: User, client: str = "") -> LoanView:
    """Refuse a loan or its renewal (the chairman, the GM or a deputy GM)."""
    _approver(actor, "custody.loan.refuse", loan_id, client)
    loan = custody_loans.get_loan(session, loan_id)
    custody_loans.refuse(session, loan)
    _record(session, actor, "custody.loan.refuse", "loan", loan.id, client, slip_no=loan.slip_no)
    return loan_view(session, loan)


def hand_out(session: Session, *, loan_id: int, actor: User, today: date, client: str = "") -> LoanView:
    """The archivist hands the items out: each leaves its location; the due date is counted from today."""
    _archivist(actor, "custody.loan.out", "loan", loan_id, client)
    loan = custody_loans.get_loan(session, loan_id)
    borrower = session.get_one(User, loan.borrower_id)
    custody_loans.hand_out(session, loan, actor=actor.login, holder=borrower.login, today=today,
                           overrides=load_overrides(session))  # fmt: skip
    _record(session, actor, "custody.loan.out", "loan", loan.id, client, slip_no=loan.slip_no,
            borrower=borrower.login, due_date=loan.due_date.isoformat() if loan.due_date else None)  # fmt: skip
    return loan_view(session, loan)


def renew_loan(
    session: Session, *, loan_id: int, days: int | None, actor: User, default_days: int, client: str = ""
) -> LoanView:
    """The borrower asks for more time; an approver decides (an approver's own renewal is granted at once)."""
    loan = custody_loans.get_loan(session, loan_id)
    if loan.borrower_id != actor.id:
        raise denied(actor, "custody.loan.not_yours", action="custody.loan.renew", object_type="loan",
                     object_id=loan_id, client=client, id=loan_id)  # fmt: skip
    term = default_days if days is None else days
    if not 1 <= term <= 60:
        raise DanganError("custody.loan.bad_days", days=term)
    custody_loans.ask_renewal(session, loan, days=term)
    _record(session, actor, "custody.loan.renew", "loan", loan.id, client, slip_no=loan.slip_no, days=term)
    if is_approver(actor):
        custody_loans.approve(session, loan, approver=actor.login, overrides=load_overrides(session))
        _record(session, actor, "custody.loan.approve", "loan", loan.id, client, slip_no=loan.slip_no,
                renewal=True, direct=True)  # fmt: skip
    return loan_view(session, loan)


def take_back(
    session: Session, *, loan_id: int, pieces: int, pages: int, actor: User, client: str = ""
) -> ReturnView:
    """The archivist counts the return: all there puts each item back; a shortfall opens an incident."""
    _archivist(actor, "custody.loan.return", "loan", loan_id, client)
    loan = custody_loans.get_loan(session, loan_id)
    result = custody_loans.take_back(session, loan, pieces=pieces, pages=pages, actor=actor.login)
    _record(session, actor, "custody.loan.return", "loan", loan.id, client, slip_no=loan.slip_no,
            pieces=pieces, pages=pages, complete=result.complete, incident=result.incident_id)  # fmt: skip
    return ReturnView(loan_view(session, loan), result.complete, result.incident_id)


def list_loans(
    session: Session, *, actor: User, overdue: bool = False, as_of: date, client: str = ""
) -> list[LoanView]:
    """Loans (newest first): all of them for the archivist, auditors and approvers, else the caller's own.

    Overdue: out (or awaiting a renewal) with a due date before `as_of`.
    """
    query = select(Loan).order_by(Loan.id.desc())
    if not (actor.roles & LOAN_WATCHERS or is_approver(actor)):
        query = query.where(Loan.borrower_id == actor.id)
    if overdue:
        query = query.where(Loan.status.in_(("out", "renewal_requested")), Loan.due_date < as_of)
    views = [loan_view(session, loan) for loan in session.scalars(query)]
    _record(session, actor, "custody.loan.list", "loan", "", client, overdue=overdue, as_of=as_of.isoformat(),
            count=len(views))  # fmt: skip
    return views


def show_loan(session: Session, *, loan_id: int, actor: User, client: str = "") -> LoanView:
    """One loan slip: its borrower, the archivist, auditors and approvers."""
    loan = custody_loans.get_loan(session, loan_id)
    if loan.borrower_id != actor.id and not (actor.roles & LOAN_WATCHERS or is_approver(actor)):
        raise denied(actor, "custody.loan.not_yours", action="custody.loan.show", object_type="loan",
                     object_id=loan_id, client=client, id=loan_id)  # fmt: skip
    _record(session, actor, "custody.loan.show", "loan", loan.id, client, slip_no=loan.slip_no)
    return loan_view(session, loan)


def workdays_after(session: Session, *, day: date, n: int) -> date:
    """The date n working days after `day`, with the company's own days."""
    return count_workdays(day, n, load_overrides(session))
