"""Customer files (客户档案): listed with POL-2's filters, and their department, owner and status changed (POL-1).

The department (a department code) and the owner (a login) decide who reads the file's department- and
personal-level documents, and the search index carries both with every document: a change returns the ids
of the file's documents for the caller to re-index. Who may change a file, and whether the department and
the owner exist, is the access package's to decide (access.customer_files); this module applies the change
and records it with its before and after values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from core.db import utcnow
from core.errors import DanganError, NotFound
from records.customer_profile import revise
from records.customer_query import CustomerFilter, list_query
from records.models import CUSTOMER_STATUSES, Customer, Document

# The fields a change may set, in the order they are reported.
FIELDS = ("department", "owner", "status")
# Changing these changes who reads the file's documents, so the index must follow.
ACCESS_FIELDS = frozenset({"department", "owner"})
# A file not updated for this many days is flagged (policy 3 asks for monthly upkeep).
STALE_DAYS = 30


@dataclass(frozen=True)
class CustomerInfo:
    """A customer file as lists and the API show it."""

    id: int
    name: str
    credit_code: str | None
    status: str
    level: str
    department: str | None
    owner: str | None
    needs_review: bool


@dataclass(frozen=True)
class CustomerChange:
    """What changed; the caller re-indexes `document_ids` (empty when neither department nor owner changed)."""

    customer_id: int
    before: dict[str, str | None]
    after: dict[str, str | None]
    document_ids: list[int]


def info(customer: Customer) -> CustomerInfo:
    """The plain values of a customer file."""
    return CustomerInfo(
        id=customer.id,
        name=customer.name,
        credit_code=customer.credit_code,
        status=customer.status,
        level=customer.level,
        department=customer.department,
        owner=customer.owner,
        needs_review=customer.needs_review,
    )


def get_customer(session: Session, customer_id: int) -> Customer:
    """The customer file with that id, or NotFound."""
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFound("customer.not_found", id=customer_id)
    return customer


def list_customers(
    session: Session,
    *,
    sort: str = "name",
    openable: ColumnElement[bool] | None = None,
    **filters: str | int | None,
) -> list[Customer]:
    """Every customer file matching POL-2's filters (records.customer_query.CustomerFilter), current before
    former and lost, in the sort's order; openable: the files the reader may open (None: all)."""
    chosen = CustomerFilter(**filters).checked()
    return list(session.scalars(list_query(chosen, sort=sort, openable=openable, now=utcnow())))


def is_stale(customer: Customer, *, now: datetime | None = None) -> bool:
    """Whether the file has not been updated for STALE_DAYS (policy 3: files are kept up to date monthly)."""
    return customer.updated_at < (now or utcnow()) - timedelta(days=STALE_DAYS)


def check_status(status: str) -> str:
    """The status if it is one of POL-1's (active, potential, former, lost); otherwise a DanganError."""
    if status not in CUSTOMER_STATUSES:
        raise DanganError("customer.status_unknown", status=status, known=", ".join(CUSTOMER_STATUSES))
    return status


def change_customer(
    session: Session,
    *,
    customer_id: int,
    actor: str,
    role: str = "",
    department: str | None = None,
    owner: str | None = None,
    status: str | None = None,
    reason: str,
    client: str = "",
) -> CustomerChange:
    """Set the given fields (None leaves one as it is) with a reason; audited as customer.change, before/after.

    The caller has checked that the actor may and that the department and owner exist (access.customer_files).
    """
    customer = get_customer(session, customer_id)
    wanted = {"department": department, "owner": owner, "status": status}
    wanted = {name: value for name, value in wanted.items() if value is not None}
    if not wanted:
        raise DanganError("customer.nothing_to_change")
    if "status" in wanted:
        check_status(wanted["status"])
    change = revise(
        session,
        customer=customer,
        actor=actor,
        role=role,
        action="customer.change",
        changes=wanted,
        reason=reason,
        client=client,
    )
    documents = document_ids_of(session, customer.id) if ACCESS_FIELDS & change.after.keys() else []
    return CustomerChange(customer.id, change.before, change.after, documents)


def document_ids_of(session: Session, customer_id: int) -> list[int]:
    """The ids of a file's documents (to re-index when who reads them changed)."""
    return list(
        session.scalars(select(Document.id).where(Document.customer_id == customer_id).order_by(Document.id))
    )
