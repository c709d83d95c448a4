"""Ledgers (台账, POL-7, POL-8, ACC-1): the archive ledger, the certificate ledger and the loan ledger.

An item's place is still derived here, never stored: it is the destination of its latest movement, the one
`add_movement` marked `latest`. The ledgers join that movement by the mark (a unique partial index), and a
filter on a place reads the marked movements into its subtree (a partial index on to_location_id), so that
a cabinet's page reads the items in the cabinet and not every movement ever made into it (bench/custody.py:
100k items, 1M movements).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, Select, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from access.models import User
from custody.locations import SEPARATOR
from custody.models import Incident, Item, Loan, LoanItem, Location, Movement
from records.models import Customer, Document

LEDGERS = ("archive", "certificates", "loans")
ITEM_STATES = ("in_store", "out", "destroyed", "unplaced")
PAGE_SIZE = 50
COUNT_CAP = 1_000  # a broad filter counts this many rows at most ("1,000+")
MANY_ITEMS = 10_000  # a place holding more items than this is filtered as a broad one
EXPORT_LIMIT = 200_000  # rows in one export: the whole ledger of a large archive, not an unbounded one


@dataclass(frozen=True)
class LedgerFilter:
    """What a ledger is narrowed to; None: no narrowing. Dates are local calendar days, both included."""

    customer_id: int | None = None
    location: str | None = None  # a path: the place and everything under it
    kind: str | None = None  # item kind (archive ledger: original or other)
    status: str | None = None  # ITEM_STATES, or a loan status (loan ledger) or "overdue"
    date_from: date | None = None
    date_to: date | None = None
    borrower: str | None = None  # a login (loan ledger)
    number: str | None = None  # archive number or title contains (item ledgers), slip number (loan ledger)

    def as_dict(self) -> dict:
        return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in self.__dict__.items() if v}


@dataclass(frozen=True)
class ItemRow:
    """A line of the archive or certificate ledger: catalogue data and where the item is."""

    id: int
    code: str
    kind: str
    number: str | None
    title: str
    customer: str | None
    pieces: int
    pages: int
    status: str
    location: str | None
    holder: str | None
    loan_id: int | None
    entered_at: datetime


@dataclass(frozen=True)
class LoanRow:
    """A line of the loan register (ACC-1)."""

    id: int
    slip_no: str
    status: str
    borrower: str
    department: str
    items: str
    pieces: int
    pages: int
    purpose: str
    level: str
    approved_by: str | None
    out_at: datetime | None
    due_date: date | None
    returned_at: datetime | None
    return_check: str  # "" until returned or counted short; "complete" / "short:N"
    handler: str | None
    overdue: bool


@dataclass(frozen=True)
class Page:
    rows: list = field(default_factory=list)
    total: int = 0
    page: int = 1
    size: int = PAGE_SIZE
    more: bool = False  # the total is a floor: more rows match than were counted (COUNT_CAP)


def item_code(item_id: int) -> str:
    """The code printed on an item's label (and typed by a scanner): I and six digits."""
    return f"I{item_id:06d}"


def parse_code(code: str) -> tuple[str, int] | None:
    """("item", id) or ("location", id) for a label code (I000012, L000003), else None."""
    text = code.strip().upper()
    if len(text) >= 2 and text[0] in "IL" and text[1:].isdigit() and len(text) <= 12:
        return ("item" if text[0] == "I" else "location", int(text[1:]))
    return None


def latest_id(item_id: ColumnElement[int]) -> ColumnElement[int]:
    """The id of the item's latest movement: one probe of the (item_id, id) index per item."""
    other = aliased(Movement)
    return select(func.max(other.id)).where(other.item_id == item_id).scalar_subquery()


def latest_place(item_id: ColumnElement[int]) -> ColumnElement[int]:
    """Where the item is now: its marked movement's destination, probed per item (a correlated subquery, so a
    walk of the items newest first stops after a page instead of merging with every marked movement)."""
    m = aliased(Movement)
    return select(m.to_location_id).where(m.item_id == item_id, m.latest).scalar_subquery()


def _latest_items(condition: Callable[[type[Movement]], ColumnElement[bool]]) -> Select:
    """The ids of items whose latest movement meets the condition (read from the marked movements only)."""
    m = aliased(Movement)
    return select(m.item_id).where(m.latest, condition(m))


def subtree(path: str) -> Select:
    """The ids of the location at path and of every location under it (a subquery: the database expands it,
    not a list of hundreds of parameters for a room)."""
    clean = SEPARATOR.join(p.strip() for p in path.strip().strip(SEPARATOR).split(SEPARATOR))
    return select(Location.id).where(
        or_(Location.path == clean, Location.path.startswith(f"{clean}{SEPARATOR}", autoescape=True))
    )


def _holds_few(session: Session, places: Select) -> bool:
    """Whether at most MANY_ITEMS items are in these places now (read from the marked movements, capped)."""
    probe = (
        select(Movement.id).where(Movement.latest, Movement.to_location_id.in_(places)).limit(MANY_ITEMS + 1)
    )
    return (session.scalar(select(func.count()).select_from(probe.subquery())) or 0) <= MANY_ITEMS


def _bounds(f: LedgerFilter, tz: str) -> tuple[datetime | None, datetime | None]:
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(tz)
    start = datetime.combine(f.date_from, time.min, zone).astimezone(UTC) if f.date_from else None
    end = (
        datetime.combine(f.date_to + timedelta(days=1), time.min, zone).astimezone(UTC) if f.date_to else None
    )
    return start, end


def _item_query(
    session: Session, ledger: str, f: LedgerFilter, tz: str
) -> tuple[Select, Select, Select, bool]:
    """The ledger's rows (items with their latest movement), their ids, and the query that counts them: at
    most COUNT_CAP + 1 for a broad filter."""
    latest = aliased(Movement)
    where: list[ColumnElement[bool]] = []
    if ledger == "certificates":
        where.append(Item.kind == "certificate")
    else:
        where.append(Item.kind != "certificate")
        if f.kind:
            where.append(Item.kind == f.kind)
    if f.customer_id:
        where.append(Item.customer_id == f.customer_id)
    if f.number:
        like = f"%{f.number.strip()}%"
        where.append(
            Item.document_id.in_(
                select(Document.id).where(or_(Document.archive_no.like(like), Document.title.like(like)))
            )
        )
    # A place holding up to MANY_ITEMS items is found from the latest movements into its subtree (exactly the
    # items there, counted in full). A larger part of the tree (a room) and "in store" match much of the
    # archive: the items are walked newest first, each one's latest movement probed (for a room a correlated
    # subquery: PostgreSQL would otherwise merge the walk with every marked movement, 95 ms for a room and a
    # year), and at most COUNT_CAP counted ("more than …"), in no order (no sort of every match).
    broad = False
    if f.location:
        places = subtree(f.location)
        if _holds_few(session, places):
            where.append(Item.id.in_(_latest_items(lambda m: m.to_location_id.in_(places))))
        else:
            where.append(latest_place(Item.id).in_(places))
            broad = True
    joined = False  # whether a condition reads the joined latest movement
    if f.status == "in_store" and not f.location:  # a place filter already means "in store"
        where.append(latest.to_location_id.is_not(None))
        broad = joined = True
    elif f.status == "out":  # out on loan: the items of open loans whose latest movement lent them
        on_loan = (
            select(LoanItem.item_id)
            .join(Loan, Loan.id == LoanItem.loan_id)
            .where(Loan.status.in_(("out", "renewal_requested")))
        )
        where.append(Item.id.in_(on_loan))
        where.append(Item.id.in_(_latest_items(lambda m: m.to_location_id.is_(None) & (m.kind != "destroy"))))
    elif f.status == "destroyed":
        where.append(Item.id.in_(_latest_items(lambda m: m.kind == "destroy")))
    elif f.status == "unplaced":
        where.append(~exists().where(Movement.item_id == Item.id))
    start, end = _bounds(f, tz)
    if start:
        where.append(Item.created_at >= start)
    if end:
        where.append(Item.created_at < end)
    on_latest = (latest.item_id == Item.id) & latest.latest
    query = (
        select(Item, latest, Document.archive_no, Document.title, Customer.name)
        .select_from(Item)
        .outerjoin(latest, on_latest)
        .outerjoin(Document, Document.id == Item.document_id)
        .outerjoin(Customer, Customer.id == Item.customer_id)
        .where(*where)
    )
    # The matching ids alone, joined to the latest movement only when a condition reads it ("in store").
    keys = select(Item.id).select_from(Item)
    keys = (keys.outerjoin(latest, on_latest) if joined else keys).where(*where)
    counted = keys.limit(COUNT_CAP + 1) if broad else keys  # any COUNT_CAP + 1 rows: no order to sort
    return query, keys, select(func.count()).select_from(counted.subquery()), broad


def _status(movement: Movement | None) -> str:
    if movement is None:
        return "unplaced"
    if movement.kind == "destroy":
        return "destroyed"
    return "in_store" if movement.to_location_id is not None else "out"


def _item_rows(session: Session, result) -> list[ItemRow]:  # type: ignore[no-untyped-def]
    rows = list(result)
    wanted = {m.to_location_id for _, m, *_ in rows if m is not None and m.to_location_id}
    paths = (
        dict(session.execute(select(Location.id, Location.path).where(Location.id.in_(wanted))).all())
        if wanted
        else {}
    )
    return [
        ItemRow(
            id=item.id,
            code=item_code(item.id),
            kind=item.kind,
            number=archive_no,
            title=title or (customer or ""),
            customer=customer,
            pieces=item.pieces,
            pages=item.pages,
            status=_status(m),
            location=paths.get(m.to_location_id) if m is not None and m.to_location_id else None,
            holder=m.holder if m is not None and m.to_location_id is None else None,
            loan_id=m.loan_id if m is not None and m.to_location_id is None else None,
            entered_at=item.created_at,
        )
        for item, m, archive_no, title, customer in rows
    ]


def item_page(
    session: Session, *, ledger: str, filters: LedgerFilter, page: int = 1, size: int = PAGE_SIZE, tz: str
) -> Page:
    """One page of the archive or certificate ledger, newest entries first, with the filtered total."""
    query, keys, count, broad = _item_query(session, ledger, filters, tz)
    total = session.scalar(count) or 0
    # The page's ids first (without the joins no condition needs), then their rows: a deep page does not
    # look up the latest movement of every row it skips.
    ids = list(session.scalars(keys.order_by(Item.id.desc()).limit(size).offset((page - 1) * size)))
    rows = session.execute(query.where(Item.id.in_(ids or [-1])).order_by(Item.id.desc()))
    more = broad and total > COUNT_CAP
    return Page(_item_rows(session, rows), min(total, COUNT_CAP) if more else total, page, size, more)


def item_rows(session: Session, *, ledger: str, filters: LedgerFilter, tz: str) -> Iterator[ItemRow]:
    """Every line of the archive or certificate ledger (oldest first), streamed in chunks for exports."""
    query, _, _, _ = _item_query(session, ledger, filters, tz)
    last, chunk, sent = 0, 2000, 0
    while sent < EXPORT_LIMIT:
        rows = _item_rows(
            session, session.execute(query.where(Item.id > last).order_by(Item.id).limit(chunk))
        )
        if not rows:
            return
        yield from rows
        last, sent = rows[-1].id, sent + len(rows)


def _loan_query(session: Session, f: LedgerFilter, tz: str, today: date) -> Select:
    query = select(Loan, User.login).select_from(Loan).join(User, User.id == Loan.borrower_id)
    if f.status == "overdue":
        query = query.where(Loan.status.in_(("out", "renewal_requested")), Loan.due_date < today)
    elif f.status:
        query = query.where(Loan.status == f.status)
    if f.borrower:
        query = query.where(User.login == f.borrower.strip())
    if f.number:
        query = query.where(Loan.slip_no.like(f"%{f.number.strip()}%"))
    if f.customer_id or f.location or f.kind:
        items = select(LoanItem.loan_id).join(Item, Item.id == LoanItem.item_id)
        if f.customer_id:
            items = items.where(Item.customer_id == f.customer_id)
        if f.kind:
            items = items.where(Item.kind == f.kind)
        if f.location:
            # the place the items were lent from (or are kept at)
            where = subtree(f.location)
            items = items.where(
                exists().where(Movement.item_id == Item.id, Movement.to_location_id.in_(where))
            )
        query = query.where(Loan.id.in_(items))
    start, end = _bounds(f, tz)
    if start:
        query = query.where(Loan.requested_at >= start)
    if end:
        query = query.where(Loan.requested_at < end)
    return query


def _loan_rows(session: Session, result, today: date) -> list[LoanRow]:  # type: ignore[no-untyped-def]
    rows = list(result)
    ids = [loan.id for loan, _ in rows]
    lines: dict[int, list] = {i: [] for i in ids}
    shorts: dict[int, int] = {}
    if ids:
        for loan_id, item_id, pieces, pages, number, title in session.execute(
            select(LoanItem.loan_id, Item.id, Item.pieces, Item.pages, Document.archive_no, Document.title)
            .join(Item, Item.id == LoanItem.item_id)
            .outerjoin(Document, Document.id == Item.document_id)
            .where(LoanItem.loan_id.in_(ids))
            .order_by(LoanItem.loan_id, Item.id)
        ):
            lines[loan_id].append((item_id, pieces, pages, number or item_code(item_id), title or ""))
        shorts = dict(
            session.execute(
                select(Incident.loan_id, func.count(Incident.id))
                .where(Incident.loan_id.in_(ids))
                .group_by(Incident.loan_id)
            ).all()
        )
    out = []
    for loan, login in rows:
        parts = lines.get(loan.id, [])
        check = "complete" if loan.status == "returned" else ""
        if shorts.get(loan.id):
            check = f"short:{shorts[loan.id]}" + ("/complete" if loan.status == "returned" else "")
        out.append(
            LoanRow(
                id=loan.id,
                slip_no=loan.slip_no,
                status=loan.status,
                borrower=login,
                department=loan.department,
                items="；".join(f"{n} {t}".strip() for _, _, _, n, t in parts),
                pieces=sum(p[1] for p in parts),
                pages=sum(p[2] for p in parts),
                purpose=loan.purpose,
                level=loan.level,
                approved_by=loan.approved_by,
                out_at=loan.out_at,
                due_date=loan.due_date,
                returned_at=loan.returned_at,
                return_check=check,
                handler=loan.returned_by or loan.out_by,
                overdue=loan.status in ("out", "renewal_requested")
                and loan.due_date is not None
                and loan.due_date < today,
            )
        )
    return out


def loan_page(
    session: Session, *, filters: LedgerFilter, today: date, page: int = 1, size: int = PAGE_SIZE, tz: str
) -> Page:
    """One page of the loan ledger, newest slips first, with the filtered total."""
    query = _loan_query(session, filters, tz, today)
    total = session.scalar(select(func.count()).select_from(query.with_only_columns(Loan.id).subquery())) or 0
    rows = session.execute(query.order_by(Loan.id.desc()).limit(size).offset((page - 1) * size))
    return Page(_loan_rows(session, rows, today), total, page, size)


def loan_rows(session: Session, *, filters: LedgerFilter, today: date, tz: str) -> Iterator[LoanRow]:
    """Every line of the loan ledger (oldest first), in chunks."""
    query = _loan_query(session, filters, tz, today)
    last, chunk, sent = 0, 1000, 0
    while sent < EXPORT_LIMIT:
        rows = _loan_rows(
            session, session.execute(query.where(Loan.id > last).order_by(Loan.id).limit(chunk)), today
        )
        if not rows:
            return
        yield from rows
        last, sent = rows[-1].id, sent + len(rows)
