"""Custody's registers and checks (POL-7, POL-8, POL-12, ACC-1, ACC-2, PHY-1): ledgers, labels, inspections,
overdue lists, scanning a label, the originals of a document or customer file. Each call checks who may and
writes one audit event (exports as `export`, AUD-2).

The archivist (and the auditor, who reads and changes nothing) see every item's catalogue data — number,
title, customer, pieces, pages, where it is — because keeping the originals is their work; a document's
content stays behind the level rules and grants (access.policy). Others see the originals of what they may
read, and their own loans.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from access.errors import denied
from access.models import User
from access.policy import readable_filter
from core import audit
from core.errors import DanganError, NotFound
from custody import inspections as custody_inspections
from custody import items as custody_items
from custody import ledgers, printing
from custody import locations as custody_locations
from custody.inspections import InspectionInfo, OverdueInspection
from custody.ledgers import ItemRow, LedgerFilter, LoanRow, Page
from custody.models import Item, Location
from custody.views import ItemView, item_view
from records.models import Customer, Document
from workflows.custody import ARCHIVIST, LOAN_WATCHERS, is_approver

# Who reads the archive and certificate ledgers: the keeper and the auditor.
LEDGER_ROLES = frozenset({"archivist", "auditor"})


def _record(session: Session, actor: User, action: str, object_type: str, object_id: object, client: str,
            **details: object) -> None:  # fmt: skip
    audit.record(session, actor=actor.login, role=actor.role_label, action=action, object_type=object_type,
                 object_id=object_id, client=client, details=details)  # fmt: skip


def may_read_ledger(user: User, ledger: str) -> bool:
    """Whether the user reads this ledger: archivist and auditor; the loan ledger also the approving posts."""
    if not user.active:
        return False
    return bool(user.roles & LEDGER_ROLES) or (ledger == "loans" and is_approver(user))


def _check_ledger(user: User, ledger: str, action: str, client: str) -> None:
    if ledger not in ledgers.LEDGERS:
        raise NotFound("custody.ledger.not_found", ledger=ledger)
    if not may_read_ledger(user, ledger):
        raise denied(user, "custody.ledger.denied", action=action, object_type="ledger", object_id=ledger,
                     client=client)  # fmt: skip


def _check_filter(ledger: str, filters: LedgerFilter) -> None:
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise DanganError("custody.ledger.bad_dates", start=filters.date_from.isoformat(),
                          end=filters.date_to.isoformat())  # fmt: skip
    states = (
        ("requested", "approved", "refused", "out", "renewal_requested", "returned", "overdue")
        if ledger == "loans"
        else ledgers.ITEM_STATES
    )
    if filters.status and filters.status not in states:
        raise DanganError("custody.ledger.bad_status", status=filters.status, states=", ".join(states))
    if filters.kind and filters.kind not in ("original", "certificate", "other"):
        raise DanganError("custody.item.bad_kind", kind=filters.kind, kinds="original, certificate, other")


def ledger_page(
    session: Session,
    *,
    ledger: str,
    filters: LedgerFilter,
    page: int = 1,
    size: int = ledgers.PAGE_SIZE,
    actor: User,
    today: date,
    tz: str,
    client: str = "",
) -> Page:
    """One filtered page of a ledger (archive, certificates, loans)."""
    _check_ledger(actor, ledger, "custody.ledger", client)
    _check_filter(ledger, filters)
    page = max(1, page)
    if ledger == "loans":
        result = ledgers.loan_page(session, filters=filters, today=today, page=page, size=size, tz=tz)
    else:
        result = ledgers.item_page(session, ledger=ledger, filters=filters, page=page, size=size, tz=tz)
    _record(session, actor, "custody.ledger", "ledger", ledger, client, filters=filters.as_dict(), page=page,
            total=result.total)  # fmt: skip
    return result


def filter_text(filters: LedgerFilter, lang: str) -> str:
    """The filters as one line under the ledger's title."""
    from core.messages import translate

    parts = [f"{translate('custody.filter.' + k, lang)}: {v}" for k, v in filters.as_dict().items()]
    return "；".join(parts)


def export_ledger(
    session: Session,
    *,
    ledger: str,
    filters: LedgerFilter,
    fmt: str,
    actor: User,
    today: date,
    tz: str,
    lang: str = "zh-CN",
    printed: str = "",
    client: str = "",
) -> bytes:
    """The whole filtered ledger as XLSX or PDF (audited as an export)."""
    _check_ledger(actor, ledger, "custody.ledger.export", client)
    _check_filter(ledger, filters)
    if fmt not in ("xlsx", "pdf"):
        raise DanganError("custody.ledger.bad_format", format=fmt)
    rows: list[ItemRow | LoanRow]
    if ledger == "loans":
        rows = list(ledgers.loan_rows(session, filters=filters, today=today, tz=tz))
    else:
        rows = list(ledgers.item_rows(session, ledger=ledger, filters=filters, tz=tz))
    text = filter_text(filters, lang)
    if fmt == "xlsx":
        data = printing.ledger_xlsx(ledger, rows, lang=lang, tz=tz, filters=text)
    else:
        data = printing.ledger_pdf(
            ledger, rows, lang=lang, tz=tz, filters=text, printed=printed or today.isoformat()
        )
    _record(session, actor, "custody.ledger.export", "ledger", ledger, client, format=fmt,
            filters=filters.as_dict(), rows=len(rows))  # fmt: skip
    return data


# --- labels and scanning ---------------------------------------------------------------------------------


def labels(
    session: Session,
    *,
    item_ids: Sequence[int] = (),
    location_paths: Sequence[str] = (),
    location_ids: Sequence[int] = (),
    actor: User,
    client: str = "",
) -> bytes:
    """A PDF sheet of QR labels for items and locations (archivist)."""
    if not actor.active or ARCHIVIST not in actor.roles:
        raise denied(actor, "permission.role_required", action="custody.labels", object_type="label",
                     client=client, role=ARCHIVIST)  # fmt: skip
    if not (item_ids or location_paths or location_ids):
        raise DanganError("custody.labels.none")
    found: list[printing.Label] = []
    for item_id in item_ids:
        view = item_view(session, custody_items.get_item(session, item_id))
        found.append(printing.Label(ledgers.item_code(view.id), view.number or view.title[:30],
                                    f"{view.customer or ''} {view.pieces}件/{view.pages}页".strip()))  # fmt: skip
    places = [custody_locations.find(session, p) for p in location_paths]
    for location_id in location_ids:
        place = session.get(Location, location_id)
        if place is None:
            raise NotFound("custody.location.not_found", path=str(location_id))
        places.append(place)
    for place in places:
        found.append(printing.Label(place.code, place.path.rsplit("/", 1)[-1], place.path))
    data = printing.labels_pdf(found)
    _record(session, actor, "custody.labels", "label", "", client, items=list(item_ids),
            locations=[p.path for p in places], count=len(found))  # fmt: skip
    return data


@dataclass(frozen=True)
class Scanned:
    kind: str  # "item" or "location"
    id: int


def scan(session: Session, *, code: str, actor: User, client: str = "") -> Scanned:
    """What a typed or scanned label code names (an item or a location), or NotFound."""
    parsed = ledgers.parse_code(code)
    if parsed is None:
        raise NotFound("custody.scan.unknown", code=code.strip()[:40])
    kind, ident = parsed
    exists = session.get(Item if kind == "item" else Location, ident) is not None
    if not exists or (kind == "location" and session.get_one(Location, ident).code != code.strip().upper()):
        raise NotFound("custody.scan.unknown", code=code.strip()[:40])
    _record(session, actor, "custody.scan", kind, ident, client, code=code.strip())
    return Scanned(kind, ident)


# --- locations -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LocationDetail:
    id: int
    path: str
    code: str
    kind: str
    items: list[ItemRow]
    total: int
    inspections: list[InspectionInfo]


def location_detail(
    session: Session, *, location_id: int, tz: str, actor: User, client: str = ""
) -> LocationDetail:
    """A location with the items kept in it and under it, and its last inspections (archivist)."""
    if not actor.active or ARCHIVIST not in actor.roles:
        raise denied(actor, "permission.role_required", action="custody.location.show", object_type="location",
                     object_id=location_id, client=client, role=ARCHIVIST)  # fmt: skip
    place = session.get(Location, location_id)
    if place is None:
        raise NotFound("custody.location.not_found", path=str(location_id))
    filters = LedgerFilter(location=place.path)
    items: list[ItemRow] = []
    total = 0
    for ledger in ("archive", "certificates"):
        part = ledgers.item_page(session, ledger=ledger, filters=filters, size=200, tz=tz)
        items += part.rows
        total += part.total
    _record(session, actor, "custody.location.show", "location", place.id, client, path=place.path)
    return LocationDetail(place.id, place.path, place.code, place.kind, items, total,
                          custody_inspections.inspections_of(session, place.id))  # fmt: skip


# --- inspections -------------------------------------------------------------------------------------------


def inspect(
    session: Session,
    *,
    path: str | None = None,
    location_id: int | None = None,
    findings: str,
    issues: Sequence[str] = (),
    on: date | None = None,
    today: date,
    actor: User,
    client: str = "",
) -> InspectionInfo:
    """Record an inspection of a location and what was found (archivist, POL-12)."""
    if not actor.active or ARCHIVIST not in actor.roles:
        raise denied(actor, "permission.role_required", action="custody.inspect", object_type="location",
                     object_id=path or location_id, client=client, role=ARCHIVIST)  # fmt: skip
    if location_id is not None:
        place = session.get(Location, location_id)
        if place is None:
            raise NotFound("custody.location.not_found", path=str(location_id))
    else:
        place = custody_locations.find(session, path or "")
    made = custody_inspections.record(session, location=place, inspector=actor.login, findings=findings,
                                      issues=issues, on=on or today, today=today)  # fmt: skip
    shown = custody_inspections.info(session, made)
    _record(session, actor, "custody.inspect", "location", place.id, client, path=place.path,
            on=shown.inspected_on.isoformat(), issues=shown.issues, findings=shown.findings)  # fmt: skip
    return shown


def overdue_inspections(
    session: Session, *, today: date, cycle_days: int, actor: User, client: str = ""
) -> list[OverdueInspection]:
    """Rooms and safes whose inspection is overdue (archivist and auditor)."""
    if not actor.active or not actor.roles & LEDGER_ROLES:
        raise denied(actor, "permission.role_required", action="custody.inspections", object_type="location",
                     client=client, role=ARCHIVIST)  # fmt: skip
    found = custody_inspections.overdue(session, today=today, cycle_days=cycle_days)
    _record(session, actor, "custody.inspections", "location", "", client, overdue=len(found))
    return found


# --- what other pages show -------------------------------------------------------------------------------


def originals_of(
    session: Session, *, document_id: int | None = None, customer_id: int | None = None, actor: User,
    client: str = ""
) -> list[ItemView]:  # fmt: skip
    """The paper originals of a document or of a customer file, where each is and whether it is out.

    The archivist (and auditor) see every one; others those whose document they may read (a file-level item:
    when they read the whole file). The page showing them has already checked and audited its own read.
    """
    query = select(Item).order_by(Item.id)
    if document_id is not None:
        query = query.where(Item.document_id == document_id)
    else:
        query = query.where(Item.customer_id == customer_id)
    items = list(session.scalars(query))
    if not actor.roles & (LEDGER_ROLES | LOAN_WATCHERS):
        readable = set(
            session.scalars(
                select(Document.id).where(
                    Document.id.in_([i.document_id for i in items if i.document_id]),
                    readable_filter(session, actor),
                )
            )
        )
        whole = customer_id is not None and _reads_whole_file(session, actor, customer_id)
        items = [i for i in items if (i.document_id in readable) or (i.document_id is None and whole)]
    if items:
        _record(session, actor, "custody.originals", "document" if document_id else "customer",
                document_id or customer_id, client, items=[i.id for i in items])  # fmt: skip
    return [item_view(session, i) for i in items]


def _reads_whole_file(session: Session, actor: User, customer_id: int) -> bool:
    from sqlalchemy import func

    total = session.scalar(select(func.count(Document.id)).where(Document.customer_id == customer_id)) or 0
    readable = session.scalar(
        select(func.count(Document.id)).where(
            Document.customer_id == customer_id, readable_filter(session, actor)
        )
    )
    return total == readable


def customer_name(session: Session, customer_id: int | None) -> str | None:
    customer = session.get(Customer, customer_id) if customer_id else None
    return customer.name if customer else None
