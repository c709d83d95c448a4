"""Customer files: find the customer a document names, or open a new file flagged for review (POL-1)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from records.models import Customer

UNMATCHED_NAME = "（待识别客户）"
_SPACES = re.compile(r"\s+")


def normalise_name(name: str) -> str:
    """A customer name folded for matching: NFKC, no spaces, ASCII brackets."""
    folded = unicodedata.normalize("NFKC", name)
    return _SPACES.sub("", folded).replace("（", "(").replace("）", ")").strip()


@dataclass(frozen=True)
class CustomerMatch:
    customer: Customer
    created: bool
    matched_by: str  # credit_code | name | given | unmatched | new


def match_customer(
    session: Session,
    *,
    name: str | None,
    credit_code: str | None,
    org_name: str,
    offered: dict[str, Any] | None = None,
) -> CustomerMatch:
    """Match by credit code first, then by name; otherwise open a new file flagged for review.

    `offered` holds profile values read from the document (a licence's registered capital...): they are kept
    as suggestions for the file's empty fields (offer), never written into its profile.
    """
    match = _match(session, name=name, credit_code=credit_code, org_name=org_name)
    if offered and match.matched_by != "unmatched":
        offer(match.customer, offered)
    return match


def offer(customer: Customer, values: dict[str, Any]) -> dict[str, Any]:
    """Keep values as suggestions for the file's fields that are still empty; what a person entered stays.
    Returns the suggestions the file now has."""
    suggested = dict(customer.suggested or {})
    for field, value in values.items():
        if value is not None and value != "" and getattr(customer, field, None) in (None, ""):
            suggested[field] = value
    if suggested != customer.suggested:
        customer.suggested = suggested  # a new dict: the JSON column notices a replacement, not a mutation
    return suggested


def current_file(session: Session, customer: Customer) -> Customer:
    """The file a merged file points to (following merges on), or the file itself."""
    seen = {customer.id}
    while customer.merged_into is not None and customer.merged_into not in seen:
        seen.add(customer.merged_into)
        customer = session.get_one(Customer, customer.merged_into)
    return customer


def _match(session: Session, *, name: str | None, credit_code: str | None, org_name: str) -> CustomerMatch:
    match = _match_file(session, name=name, credit_code=credit_code, org_name=org_name)
    if match.customer.merged_into is None:
        return match
    return CustomerMatch(current_file(session, match.customer), False, match.matched_by)


def _match_file(
    session: Session, *, name: str | None, credit_code: str | None, org_name: str
) -> CustomerMatch:
    if credit_code:
        found = session.scalar(select(Customer).where(Customer.credit_code == credit_code))
        if found is not None:
            return CustomerMatch(found, False, "credit_code")
    if name and normalise_name(name) != normalise_name(org_name):
        key = normalise_name(name)
        found = session.scalar(select(Customer).where(Customer.name == key).order_by(Customer.id))
        if found is not None:
            found = current_file(session, found)  # a merged file's code belongs on the file it points to
            if credit_code and not found.credit_code:
                found.credit_code = credit_code
            return CustomerMatch(found, False, "name")
        customer, created = _open_file(session, key, credit_code=credit_code, needs_review=True)
        return CustomerMatch(customer, created, "new" if created else "name")
    return CustomerMatch(unmatched_customer(session), False, "unmatched")


def given_customer(session: Session, name: str) -> CustomerMatch:
    """The customer an archivist named (--customer), opening its file if new."""
    key = normalise_name(name)
    found = session.scalar(select(Customer).where(Customer.name == key).order_by(Customer.id))
    if found is not None:
        return CustomerMatch(current_file(session, found), False, "given")
    customer, created = _open_file(session, key, credit_code=None, needs_review=False)
    return CustomerMatch(customer, created, "given")


def unmatched_customer(session: Session) -> Customer:
    """The holding file for documents whose customer could not be read; every document has a file."""
    found = session.scalar(select(Customer).where(Customer.name == UNMATCHED_NAME))
    if found is None:
        found, _ = _open_file(session, UNMATCHED_NAME, credit_code=None, needs_review=True)
    return found


def _open_file(
    session: Session, name: str, *, credit_code: str | None, needs_review: bool
) -> tuple[Customer, bool]:
    """Create the customer file, or take the one a concurrent filer just created (names are unique)."""
    try:
        with session.begin_nested():
            customer = Customer(name=name, credit_code=credit_code, needs_review=needs_review)
            session.add(customer)
        return customer, True
    except IntegrityError:
        clash = Customer.name == name
        if credit_code:
            clash = clash | (Customer.credit_code == credit_code)
        return session.scalars(select(Customer).where(clash).order_by(Customer.id)).first(), False


def customer_names(session: Session, limit: int = 100_000) -> list[str]:
    """Known customer names, for the search analyser's user dictionary."""
    rows = session.scalars(
        select(Customer.name).where(Customer.name != UNMATCHED_NAME).order_by(func.length(Customer.name))
    )
    return list(rows)[:limit]
