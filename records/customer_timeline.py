"""A customer file's contacts and timeline (POL-1, POL-11): typed, dated entries with who recorded them,
newest first, and the general manager's approval of a complaint's handling (policy 7).

Who may record or approve is the access package's to decide (access.customer_files); this module checks the
values, keeps them and audits them. Every entry and contact counts as an update of the file (policy 3), and a
visit, call... moves its last contact.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit
from core.db import utcnow
from core.errors import DanganError, NotFound
from records.customer_profile import check_values, field_names, refuse_merged
from records.models import ENTRY_KINDS, Customer, CustomerContact, CustomerEntry

# Entries that wait for the general manager's approval of how they were handled (policy 7).
NEEDS_APPROVAL = frozenset({"complaint"})
TEXT_LIMIT = 20_000


@dataclass(frozen=True)
class ContactInfo:
    id: int
    customer_id: int
    name: str
    title: str | None
    phones: list[str]
    email: str | None
    birthday: str | None
    preferences: str | None
    notes: str | None
    created_by: str


@dataclass(frozen=True)
class EntryInfo:
    id: int
    customer_id: int
    kind: str
    date: str
    text: str
    state: str
    recorded_by: str
    recorded_at: str
    approved_by: str | None
    approved_at: str | None


def contact_info(contact: CustomerContact) -> ContactInfo:
    """The plain values of a contact."""
    return ContactInfo(
        contact.id,
        contact.customer_id,
        contact.name,
        contact.title,
        list(contact.phones),
        contact.email,
        contact.birthday.isoformat() if contact.birthday else None,
        contact.preferences,
        contact.notes,
        contact.created_by,
    )


def entry_info(entry: CustomerEntry) -> EntryInfo:
    """The plain values of a timeline entry."""
    return EntryInfo(
        entry.id,
        entry.customer_id,
        entry.kind,
        entry.occurred_on.isoformat(),
        entry.text,
        entry.state,
        entry.recorded_by,
        entry.recorded_at.isoformat(),
        entry.approved_by,
        entry.approved_at.isoformat() if entry.approved_at else None,
    )


def add_contact(
    session: Session,
    *,
    customer: Customer,
    actor: str,
    role: str = "",
    name: str,
    title: str | None = None,
    phones: list[str] | None = None,
    email: str | None = None,
    birthday: date | None = None,
    preferences: str | None = None,
    notes: str | None = None,
    client: str = "",
) -> ContactInfo:
    """Add a person to the file's contacts; audited as customer.contact."""
    refuse_merged(customer)
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise DanganError("contact.name_required")
    if title is not None and len(title.strip()) > 100:
        raise DanganError("customer.too_long", **field_names("title"), limit=100)
    email = check_values({"email": email})["email"] if email else None
    cleaned = [p.strip() for p in phones or [] if p.strip()]
    if any(len(p) > 60 for p in cleaned):
        raise DanganError("customer.too_long", **field_names("phone"), limit=60)
    contact = CustomerContact(
        customer_id=customer.id,
        name=name,
        title=(title or "").strip() or None,
        phones=cleaned,
        email=email,
        birthday=birthday,
        preferences=(preferences or "").strip()[:TEXT_LIMIT] or None,
        notes=(notes or "").strip()[:TEXT_LIMIT] or None,
        created_by=actor,
    )
    session.add(contact)
    customer.updated_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor=actor,
        role=role,
        action="customer.contact",
        object_type="customer",
        object_id=customer.id,
        client=client,
        reference=f"contact:{contact.id}",
        details={"name": name},
    )
    return contact_info(contact)


def add_entry(
    session: Session,
    *,
    customer: Customer,
    actor: str,
    role: str = "",
    kind: str,
    on: date,
    text: str,
    client: str = "",
) -> EntryInfo:
    """Record a dated event on the file's timeline; a complaint waits for approval. Audited as customer.note."""
    refuse_merged(customer)
    if kind not in ENTRY_KINDS:
        raise DanganError("entry.kind_unknown", kind=kind, known=", ".join(ENTRY_KINDS))
    text = (text or "").strip()
    if not text:
        raise DanganError("entry.text_required")
    if len(text) > TEXT_LIMIT:
        raise DanganError("customer.too_long", **field_names("text"), limit=TEXT_LIMIT)
    # Today somewhere: a date in Asia/Shanghai runs up to a day ahead of UTC's.
    if on > utcnow().date() + timedelta(days=1):
        raise DanganError("entry.in_future", date=on.isoformat())
    entry = CustomerEntry(
        customer_id=customer.id,
        kind=kind,
        occurred_on=on,
        text=text,
        state="needs_approval" if kind in NEEDS_APPROVAL else "recorded",
        recorded_by=actor,
    )
    session.add(entry)
    customer.updated_at = utcnow()
    if customer.last_contact is None or on > customer.last_contact:
        customer.last_contact = on
    session.flush()
    audit.record(
        session,
        actor=actor,
        role=role,
        action="customer.note",
        object_type="customer",
        object_id=customer.id,
        client=client,
        reference=f"entry:{entry.id}",
        details={"kind": kind, "date": on.isoformat(), "state": entry.state},
    )
    return entry_info(entry)


def get_entry(session: Session, entry_id: int) -> CustomerEntry:
    """The timeline entry with that id, or NotFound."""
    entry = session.get(CustomerEntry, entry_id)
    if entry is None:
        raise NotFound("entry.not_found", id=entry_id)
    return entry


def approve_entry(
    session: Session, *, entry: CustomerEntry, actor: str, role: str = "", client: str = ""
) -> EntryInfo:
    """Approve an entry waiting for it (a complaint's handling, policy 7); audited as customer.note_approve."""
    if entry.state != "needs_approval":
        raise DanganError("entry.not_waiting", id=entry.id)
    entry.state, entry.approved_by, entry.approved_at = "approved", actor, utcnow()
    session.flush()
    audit.record(
        session,
        actor=actor,
        role=role,
        action="customer.note_approve",
        object_type="customer",
        object_id=entry.customer_id,
        client=client,
        reference=f"entry:{entry.id}",
        details={"kind": entry.kind},
    )
    return entry_info(entry)


def contacts(session: Session, customer_id: int) -> list[dict[str, Any]]:
    """A file's contacts in the order they were added."""
    rows = session.scalars(
        select(CustomerContact).where(CustomerContact.customer_id == customer_id).order_by(CustomerContact.id)
    )
    return [asdict(contact_info(c)) for c in rows]


def entries(session: Session, customer_id: int) -> list[dict[str, Any]]:
    """A file's timeline entries, newest first (by date, then by when they were recorded)."""
    rows = session.scalars(
        select(CustomerEntry)
        .where(CustomerEntry.customer_id == customer_id)
        .order_by(CustomerEntry.occurred_on.desc(), CustomerEntry.id.desc())
    )
    return [asdict(entry_info(e)) for e in rows]
