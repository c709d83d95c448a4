"""Customer files (客户档案): listed with POL-2's filters, and their department, owner and status changed (POL-1).

The department (a department code) and the owner (a login) decide who reads the file's department- and
personal-level documents, and the search index carries both with every document: a change returns the ids
of the file's documents for the caller to re-index. Who may change a file, and whether the department and
the owner exist, is the access package's to decide (access.customer_files); this module applies the change
and records it with its before and after values.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit
from core.errors import DanganError, NotFound
from records.models import CUSTOMER_STATUSES, Customer, Document

# The fields a change may set, in the order they are reported.
FIELDS = ("department", "owner", "status")
# Changing these changes who reads the file's documents, so the index must follow.
ACCESS_FIELDS = frozenset({"department", "owner"})


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
    session: Session, *, status: str | None = None, department: str | None = None, owner: str | None = None
) -> list[Customer]:
    """Customer files by name, filtered by status, keeping department and owner when given (POL-2)."""
    query = select(Customer).order_by(Customer.name, Customer.id)
    if status is not None:
        query = query.where(Customer.status == check_status(status))
    if department is not None:
        query = query.where(Customer.department == department)
    if owner is not None:
        query = query.where(Customer.owner == owner)
    return list(session.scalars(query))


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
    reason = reason.strip()
    if not reason:
        raise DanganError("customer.reason_required")
    before = {name: getattr(customer, name) for name in FIELDS if name in wanted}
    changed = {name: value for name, value in wanted.items() if before[name] != value}
    if not changed:
        raise DanganError("customer.unchanged", id=customer_id)
    for name, value in changed.items():
        setattr(customer, name, value)
    session.flush()
    before = {name: before[name] for name in FIELDS if name in changed}
    after = {name: changed[name] for name in FIELDS if name in changed}
    audit.record(
        session,
        actor=actor,
        role=role,
        action="customer.change",
        object_type="customer",
        object_id=customer.id,
        client=client,
        details={"before": before, "after": after, "reason": reason},
    )
    documents: list[int] = []
    if ACCESS_FIELDS & changed.keys():
        documents = list(
            session.scalars(
                select(Document.id).where(Document.customer_id == customer.id).order_by(Document.id)
            )
        )
    return CustomerChange(customer.id, before, after, documents)
