"""A customer file's profile (POL-1): its fields, their checks, opening a file at first contact, and every
change kept as a revision with before and after (POL-10).

A file is opened with or without any document. Two files with the same unified social credit code are
refused (the existing file is named); a name equal after folding is refused the same way (names are unique),
and very similar names (rapidfuzz) are reported so the person can see a likely duplicate. Who may open or
change a file is the access package's to decide (access.customer_files); this module checks the values and
applies them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit
from core.db import utcnow
from core.errors import DanganError
from core.messages import translate
from records.customers import UNMATCHED_NAME, normalise_name
from records.document_counts import FILE_KEYS, keeping_counts
from records.models import (
    CUSTOMER_GRADES,
    CUSTOMER_KINDS,
    CUSTOMER_STATUSES,
    Customer,
    CustomerRevision,
)
from records.uscc import uscc_problem

# Free-text fields and their longest value (the column's length; None: any length).
TEXT_FIELDS: dict[str, int | None] = {
    "legal_rep": 100,
    "registered_address": 300,
    "business_address": 300,
    "province": 40,
    "city": 40,
    "phone": 60,
    "fax": 60,
    "email": 200,
    "website": 200,
    "industry": 100,
    "nature": 60,
    "business_scope": None,
    "credit_standing": 100,
}
MONEY_FIELDS = ("registered_capital", "credit_limit", "annual_sales")  # integer fen
DATE_FIELDS = ("founded_on", "customer_since")
CHOICE_FIELDS: dict[str, tuple[str, ...]] = {"kind": CUSTOMER_KINDS, "grade": CUSTOMER_GRADES}
# What the file's keeper edits, in the order pages and the CLI show them.
PROFILE_FIELDS = (
    "name",
    "credit_code",
    "legal_rep",
    "registered_address",
    "business_address",
    "province",
    "city",
    "phone",
    "fax",
    "email",
    "website",
    "industry",
    "nature",
    "registered_capital",
    "founded_on",
    "business_scope",
    "kind",
    "grade",
    "credit_standing",
    "credit_limit",
    # what the grade rules read (records.customer_grades)
    "annual_sales",
    "customer_since",
)
# Who keeps the file and its standing: access decides who may set them, corrections what follows them.
FILE_FIELDS = ("department", "owner", "status")
EDITABLE = PROFILE_FIELDS + FILE_FIELDS
# Names at least this similar (rapidfuzz ratio on folded names, 0-100) are flagged as possible duplicates.
SIMILAR_SCORE = 85
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class SimilarFile:
    """An existing file whose name is very like a new one."""

    id: int
    name: str
    score: int


@dataclass(frozen=True)
class OpenedFile:
    """A new customer file and the existing files whose names are very like its name."""

    customer: Customer
    similar: list[SimilarFile]


@dataclass(frozen=True)
class ProfileChange:
    """One revision of a file: the fields that changed, before and after; the caller runs what follows."""

    customer_id: int
    revision_id: int
    before: dict[str, Any]
    after: dict[str, Any]


def check_values(values: dict[str, Any]) -> dict[str, Any]:
    """The values checked and normalised (None or "" clears a field); a DanganError names the first bad one."""
    checked: dict[str, Any] = {}
    for name, value in values.items():
        if name not in EDITABLE:
            raise DanganError("customer.field_unknown", field=name, known=", ".join(EDITABLE))
        if isinstance(value, str):
            value = value.strip() or None
        checked[name] = _check(name, value)
    return checked


def _check(name: str, value: Any) -> Any:
    if name == "name":
        folded = normalise_name(value or "")
        if not folded or folded == UNMATCHED_NAME:
            raise DanganError("customer.name_required")
        if len(folded) > 200:
            raise DanganError("customer.too_long", **_field(name), limit=200)
        return folded
    if value is None:
        if name == "status":
            raise DanganError("customer.status_unknown", status="", known=", ".join(CUSTOMER_STATUSES))
        return None
    if name == "credit_code":
        code = str(value).upper().replace(" ", "")
        problem = uscc_problem(code)
        if problem is not None:  # the code names why: length, authority, region, characters or checksum
            raise DanganError(problem, code=code)
        return code
    if name in MONEY_FIELDS:
        if not isinstance(value, int) or isinstance(value, bool) or value < 0 or value >= 10**17:
            raise DanganError("customer.money_invalid", **_field(name), value=value)
        return value
    if name in DATE_FIELDS:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            raise DanganError("customer.date_invalid", **_field(name), value=value) from None
    if name in CHOICE_FIELDS:
        if value not in CHOICE_FIELDS[name]:
            raise DanganError(
                "customer.choice_unknown", **_field(name), value=value, known=", ".join(CHOICE_FIELDS[name])
            )
        return value
    if name == "status":
        if value not in CUSTOMER_STATUSES:
            raise DanganError("customer.status_unknown", status=value, known=", ".join(CUSTOMER_STATUSES))
        return value
    value = str(value)
    limit = TEXT_FIELDS.get(name, 100)
    if limit is not None and len(value) > limit:
        raise DanganError("customer.too_long", **_field(name), limit=limit)
    if name == "email" and not _EMAIL.match(value):
        raise DanganError("customer.email_invalid", value=value)
    return value


def yuan_to_fen(text: str, *, field: str) -> int:
    """An amount typed in yuan ("1,200.50", "1200") as integer fen; a DanganError if it is not one."""
    try:
        amount = Decimal(text.replace(",", "").replace("，", "").strip())
    except InvalidOperation:
        raise DanganError("customer.money_invalid", **_field(field), value=text) from None
    fen = amount * 100
    if not amount.is_finite() or fen != fen.to_integral_value() or fen < 0:
        raise DanganError("customer.money_invalid", **_field(field), value=text)
    return int(fen)


def refuse_duplicate(session: Session, *, name: str | None, credit_code: str | None, but: int | None) -> None:
    """Refuse a name or credit code another file already has, naming that file."""
    if credit_code:
        other = session.scalar(
            select(Customer).where(Customer.credit_code == credit_code, Customer.id != but)
        )
        if other is not None:
            raise DanganError("customer.credit_code_taken", code=credit_code, id=other.id, name=other.name)
    if name:
        other = session.scalar(select(Customer).where(Customer.name == name, Customer.id != but))
        if other is not None:
            raise DanganError("customer.name_taken", id=other.id, name=other.name)


def similar_files(
    session: Session, name: str, *, but: int | None = None, limit: int = 5
) -> list[SimilarFile]:
    """Existing files whose names are very like `name` (folded), most similar first."""
    rows = session.execute(select(Customer.id, Customer.name).where(Customer.name != UNMATCHED_NAME)).all()
    names = {cid: n for cid, n in rows if cid != but}
    found = process.extract(
        normalise_name(name), names, scorer=fuzz.ratio, score_cutoff=SIMILAR_SCORE, limit=limit
    )
    return [SimilarFile(cid, names[cid], round(score)) for _n, score, cid in found]


def open_file(
    session: Session,
    *,
    name: str,
    actor: str,
    role: str = "",
    values: dict[str, Any] | None = None,
    client: str = "",
) -> OpenedFile:
    """Open a customer file at first contact, with or without any document; audited as customer.add."""
    checked = check_values({"name": name} | (values or {}))
    refuse_duplicate(session, name=checked["name"], credit_code=checked.get("credit_code"), but=None)
    similar = similar_files(session, checked["name"])
    customer = Customer(**{k: v for k, v in checked.items() if v is not None})
    customer.status = checked.get("status") or "potential"
    customer.status_on = utcnow().date()
    session.add(customer)
    session.flush()
    audit.record(
        session,
        actor=actor,
        role=role,
        action="customer.add",
        object_type="customer",
        object_id=customer.id,
        client=client,
        details={"values": _plain({k: v for k, v in checked.items() if v is not None})},
    )
    return OpenedFile(customer, similar)


def revise(
    session: Session,
    *,
    customer: Customer,
    actor: str,
    role: str,
    action: str,
    changes: dict[str, Any],
    reason: str,
    client: str = "",
) -> ProfileChange:
    """Apply checked values; the fields that really change become one revision and its audit event.

    A new name keeps the old one among the former names; a new status is dated and carries the reason.
    """
    reason = reason.strip()
    if not reason:
        raise DanganError("customer.reason_required")
    refuse_merged(customer)
    before_all = {name: getattr(customer, name) for name in EDITABLE if name in changes}
    changed = {name: value for name, value in changes.items() if before_all[name] != value}
    if not changed:
        raise DanganError("customer.unchanged", id=customer.id)
    if "name" in changed or "credit_code" in changed:
        refuse_duplicate(
            session, name=changed.get("name"), credit_code=changed.get("credit_code"), but=customer.id
        )
    today = utcnow().date()
    if "name" in changed:
        customer.former_names = [*customer.former_names, {"name": customer.name, "until": today.isoformat()}]
    if "status" in changed:
        customer.status_on, customer.status_reason = today, reason
    # The customer analysis counts documents by their file's department, owner and status (issue 12).
    counted = [customer.id] if changed.keys() & set(FILE_KEYS) else []
    with keeping_counts(session, customers=counted):
        for name, value in changed.items():
            setattr(customer, name, value)
    if "grade" in changed:  # a person's grade overrides the rules until cleared (records.customer_grades)
        by_rule = action == "customer.regrade" or changed["grade"] is None
        customer.grade_source = "rule" if by_rule else "manual"
    if customer.suggested and changes.keys() & customer.suggested.keys():  # a person has decided these
        customer.suggested = {k: v for k, v in customer.suggested.items() if k not in changes}
    customer.updated_at = utcnow()
    before = _plain({name: before_all[name] for name in EDITABLE if name in changed})
    after = _plain({name: changed[name] for name in EDITABLE if name in changed})
    revision = CustomerRevision(
        customer_id=customer.id, actor=actor, reason=reason, before=before, after=after
    )
    session.add(revision)
    session.flush()
    audit.record(
        session,
        actor=actor,
        role=role,
        action=action,
        object_type="customer",
        object_id=customer.id,
        client=client,
        reference=f"customer_revision:{revision.id}",
        details={"before": before, "after": after, "reason": reason},
    )
    return ProfileChange(customer.id, revision.id, before, after)


def refuse_merged(customer: Customer) -> None:
    """Refuse a change to a file merged into another: it is a pointer now, and its content lives there."""
    if customer.merged_into is not None:
        raise DanganError("customer.merged", id=customer.id, into=customer.merged_into)


def profile(customer: Customer) -> dict[str, Any]:
    """The profile as plain JSON-able values (money in fen, dates ISO)."""
    values = {name: getattr(customer, name) for name in PROFILE_FIELDS}
    values |= {
        "former_names": list(customer.former_names),
        "status_on": customer.status_on,
        "status_reason": customer.status_reason,
        "last_contact": customer.last_contact,
        "grade_source": customer.grade_source,
        "merged_into": customer.merged_into,
    }
    return _plain(values)


def revisions(session: Session, customer_id: int) -> list[dict[str, Any]]:
    """A file's revisions, newest first."""
    rows = session.scalars(
        select(CustomerRevision)
        .where(CustomerRevision.customer_id == customer_id)
        .order_by(CustomerRevision.at.desc(), CustomerRevision.id.desc())
    )
    return [
        {
            "id": r.id,
            "actor": r.actor,
            "at": r.at.isoformat(),
            "reason": r.reason,
            "before": r.before,
            "after": r.after,
        }
        for r in rows
    ]


def field_names(name: str) -> dict[str, str]:
    """A field's name in both languages, as message parameters (field_zh, field_en)."""
    code = f"ui.customer.field.{name}"
    return {"field_zh": translate(code, "zh-CN"), "field_en": translate(code, "en")}


_field = field_names


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}
