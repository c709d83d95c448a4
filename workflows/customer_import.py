"""Import customer files and their contacts from an XLSX or CSV file (issue 12, POL-1): a dry run reports every
row (ready, or why not), a real run opens every file of the sheet or none (all-or-nothing per file), audited.

Who may import: those who may open files by hand (access.customer_files.may_open). Each row is checked as a
file opened by hand (records.customer_import.check_row), then against the archive: a name or credit code
another file has, or an earlier row of the same sheet has, is a duplicate; a department or owner that does not
exist (or an owner whose account is disabled) is refused. Without a department or owner a row is the
importer's, as a file opened by hand (workflows.customer_records.open_customer_file).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from access.customer_files import may_open
from access.errors import denied
from access.models import Department, User
from core import audit
from core.db import utcnow
from core.errors import DanganError
from records.customer_import import CheckedRow, check_row, read_table
from records.models import ENDED_STATUSES, Customer, CustomerContact, name_sort_key

_CHUNK = 500


@dataclass(frozen=True)
class RowResult:
    """One row's outcome: ok (dry run), created (real run) or error, with the reason in both languages."""

    row: int
    status: str
    name: str | None
    reason: str | None = None
    reason_zh: str | None = None
    reason_en: str | None = None
    code: str | None = None
    id: int | None = None


@dataclass(frozen=True)
class ImportResult:
    """The whole file's outcome: imported is True only when every row was created."""

    dry_run: bool
    imported: bool
    rows: list[RowResult]
    created: int
    errors: int
    sha256: str


def import_customers(
    session: Session, *, actor: User, data: bytes, dry_run: bool, client: str = ""
) -> ImportResult:
    """Check every row; unless a dry run, and only when no row has a problem, open every file with its contact.

    A file that cannot be read at all raises RejectedInput; the caller commits either way (the attempt is
    audited as customer.import)."""
    if not may_open(actor):
        raise denied(actor, "customer.open_forbidden", action="customer.import", object_type="customer",
                     client=client)  # fmt: skip
    sha256 = hashlib.sha256(data).hexdigest()
    rows = [check_row(r) for r in read_table(data)]
    _defaults(rows, actor)
    _refuse_duplicates_in_file(rows)
    _refuse_taken(session, rows)
    _refuse_unknown_assignees(session, rows)
    errors = sum(1 for r in rows if r.problem is not None)
    create = not dry_run and errors == 0
    ids = _create(session, rows, actor=actor) if create else {}
    names = {ids[r.row]: r.values["name"] for r in rows if r.row in ids}
    results = [_result(r, dry_run=dry_run, created=ids.get(r.row)) for r in rows]
    audit.record(
        session,
        actor=actor.login,
        role=actor.role_label,
        action="customer.import",
        object_type="customer",
        result="ok" if create or dry_run else "refused",
        client=client,
        details={"sha256": sha256, "rows": len(rows), "errors": errors, "dry_run": dry_run,
                 "created": [{"id": i, "name": n} for i, n in sorted(names.items())]},
    )  # fmt: skip
    return ImportResult(dry_run, create, results, len(ids), errors, sha256)


def _result(row: CheckedRow, *, dry_run: bool, created: int | None) -> RowResult:
    if row.problem is not None:
        p = row.problem
        return RowResult(row.row, "error", row.name, p.both(), p.message("zh-CN"), p.message("en"), p.code)
    return RowResult(row.row, "created" if created else "ok", row.values.get("name", row.name), id=created)


def _defaults(rows: list[CheckedRow], actor: User) -> None:
    department = actor.department.code if actor.department is not None else None
    owner = None if "archivist" in actor.roles else actor.login
    for row in rows:
        if row.problem is None:
            row.values["department"] = row.values.get("department") or department
            row.values["owner"] = row.values.get("owner") or owner


def _refuse_duplicates_in_file(rows: list[CheckedRow]) -> None:
    first: dict[tuple[str, str], int] = {}
    for row in rows:
        if row.problem is not None:
            continue
        keys = [("name", row.values["name"])]
        if row.values.get("credit_code"):
            keys.append(("code", row.values["credit_code"]))
        earlier = next((first[k] for k in keys if k in first), None)
        if earlier is not None:
            row.problem = DanganError("customer_import.duplicate_in_file", row=earlier)
            continue
        first.update(dict.fromkeys(keys, row.row))


def _refuse_taken(session: Session, rows: list[CheckedRow]) -> None:
    ok = [r for r in rows if r.problem is None]
    names = _existing(session, Customer.name, [r.values["name"] for r in ok])
    codes = _existing(
        session, Customer.credit_code, [r.values["credit_code"] for r in ok if r.values.get("credit_code")]
    )
    for row in ok:
        code = row.values.get("credit_code")
        if code and code in codes:
            other = codes[code]
            row.problem = DanganError("customer.credit_code_taken", code=code, id=other.id, name=other.name)
        elif row.values["name"] in names:
            other = names[row.values["name"]]
            row.problem = DanganError("customer.name_taken", id=other.id, name=other.name)


def _existing(session: Session, column: Any, values: list[str]) -> dict[str, Customer]:
    found: dict[str, Customer] = {}
    for start in range(0, len(values), _CHUNK):
        for customer in session.scalars(select(Customer).where(column.in_(values[start : start + _CHUNK]))):
            found[getattr(customer, column.key)] = customer
    return found


def _refuse_unknown_assignees(session: Session, rows: list[CheckedRow]) -> None:
    ok = [r for r in rows if r.problem is None]
    wanted_departments = {r.values["department"] for r in ok if r.values.get("department")}
    wanted_owners = {r.values["owner"] for r in ok if r.values.get("owner")}
    departments = set(session.scalars(select(Department.code).where(Department.code.in_(wanted_departments))))
    owners = dict(session.execute(select(User.login, User.active).where(User.login.in_(wanted_owners))).all())
    for row in ok:
        department, owner = row.values.get("department"), row.values.get("owner")
        if department and department not in departments:
            row.problem = DanganError("department.not_found", code=department)
        elif owner and owner not in owners:
            row.problem = DanganError("user.not_found", login=owner)
        elif owner and not owners[owner]:
            row.problem = DanganError("user.disabled", login=owner)


def _create(session: Session, rows: list[CheckedRow], *, actor: User) -> dict[int, int]:
    """Insert every file and contact in bulk (INSERT … RETURNING, in row order): 10k rows in seconds. The
    sort key and the ended flag are set here as the model would set them (records.models.Customer)."""
    today = utcnow().date()
    keys = sorted({k for row in rows for k in row.values} | {"status"})
    files = []
    for row in rows:
        values = dict.fromkeys(keys) | row.values
        values["status"] = values["status"] or "potential"
        values |= {"status_on": today, "name_key": name_sort_key(values["name"]),
                   "ended": values["status"] in ENDED_STATUSES}  # fmt: skip
        files.append(values)
    ids: list[int] = []
    for start in range(0, len(files), _CHUNK):
        query = insert(Customer).returning(Customer.id, sort_by_parameter_order=True)
        ids += session.scalars(query, files[start : start + _CHUNK]).all()
    contacts = [
        {"customer_id": cid, "created_by": actor.login, "preferences": None, "notes": None, **row.contact}
        for row, cid in zip(rows, ids, strict=True)
        if row.contact is not None
    ]
    for start in range(0, len(contacts), _CHUNK):
        session.execute(insert(CustomerContact), contacts[start : start + _CHUNK])
    return {row.row: cid for row, cid in zip(rows, ids, strict=True)}
