"""What is recorded about a customer: a new file opened at first contact, a contact, a timeline entry and the
approval of a complaint's handling (POL-1, POL-11, policy 7). Changes to what a file says are corrections
(workflows.corrections.edit_customer_file).

Each is access's check followed by records' change; none changes who reads a document, so nothing follows
(a new file has no documents yet, and ingest matches later documents to it by credit code, then by name).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from access.customer_files import check_approve, check_open, check_record
from access.models import User
from records.customer_aliases import learn_aliases
from records.customer_files import get_customer, info
from records.customer_followups import close_due, schedule_after_sale
from records.customer_profile import open_file
from records.customer_timeline import ContactInfo, EntryInfo, add_contact, add_entry, approve_entry, get_entry


@dataclass(frozen=True)
class NewFile:
    """A file opened at first contact, and existing files with very similar names (possible duplicates)."""

    id: int
    name: str
    status: str
    department: str | None
    owner: str | None
    similar: list[dict[str, Any]]


def open_customer_file(
    session: Session,
    *,
    actor: User,
    name: str,
    department: str | None = None,
    owner: str | None = None,
    values: dict[str, Any] | None = None,
    client: str = "",
) -> NewFile:
    """Open a file; without a department or owner it is the opener's (their department; them, unless they
    are an archivist filing for others)."""
    if department is None and actor.department is not None:
        department = actor.department.code
    if owner is None and "archivist" not in actor.roles:
        owner = actor.login
    check_open(session, actor=actor, department=department, owner=owner, client=client)
    opened = open_file(
        session,
        name=name,
        actor=actor.login,
        role=actor.role_label,
        values=(values or {}) | {"department": department, "owner": owner},
        client=client,
    )
    learn_aliases(session, opened.customer)
    shown = info(opened.customer)
    return NewFile(
        shown.id, shown.name, shown.status, shown.department, shown.owner, [asdict(s) for s in opened.similar]
    )


def add_customer_contact(
    session: Session,
    *,
    customer_id: int,
    actor: User,
    name: str,
    title: str | None = None,
    phones: list[str] | None = None,
    email: str | None = None,
    birthday: date | None = None,
    preferences: str | None = None,
    notes: str | None = None,
    client: str = "",
) -> ContactInfo:
    """Add a contact to a file: its owner or those who may assign it."""
    customer = get_customer(session, customer_id)
    check_record(session, customer=customer, actor=actor, action="customer.contact", client=client)
    return add_contact(
        session,
        customer=customer,
        actor=actor.login,
        role=actor.role_label,
        name=name,
        title=title,
        phones=phones,
        email=email,
        birthday=birthday,
        preferences=preferences,
        notes=notes,
        client=client,
    )


def add_customer_note(
    session: Session, *, customer_id: int, actor: User, kind: str, on: date, text: str, client: str = ""
) -> EntryInfo:
    """Record a visit, call, complaint... on a file's timeline: its owner or those who may assign it.

    A sale schedules policy 8's follow-up visits; a follow-up visit closes the earliest one due."""
    customer = get_customer(session, customer_id)
    check_record(session, customer=customer, actor=actor, action="customer.note", client=client)
    entry = add_entry(
        session,
        customer=customer,
        actor=actor.login,
        role=actor.role_label,
        kind=kind,
        on=on,
        text=text,
        client=client,
    )
    if kind == "sale":
        schedule_after_sale(session, entry=get_entry(session, entry.id))
    elif kind == "followup":
        close_due(session, entry=get_entry(session, entry.id))
    return entry


def approve_customer_note(session: Session, *, entry_id: int, actor: User, client: str = "") -> EntryInfo:
    """Approve a complaint's handling: the general manager (policy 7)."""
    entry = get_entry(session, entry_id)
    check_approve(actor=actor, customer_id=entry.customer_id, client=client)
    return approve_entry(session, entry=entry, actor=actor.login, role=actor.role_label, client=client)
