"""The permission check every read goes through (POL-3).

One rule, three uses (and a fourth: `can_read_customer`, a customer file's own profile, contacts and timeline,
read as a document of the file's level would be): `can_read` for one document, `readable_filter` for lists and database queries and
`search_scope` for the search index. All three come from the same `ReadScope`, the plain values a user may
read by, so they cannot disagree (tests/access/test_policy_property.py proves it on random data, and
tests/api/test_search_permissions.py for what search finds).

A document is read by its own level; its customer file supplies the department (customer.department, a
department code) and the owner (customer.owner, a login). document.created_by does not make anyone an
owner: the search index knows only the file's owner, and the filer is usually the archivist.
Roles (admin, auditor...) clear no one to read anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, false, or_, select
from sqlalchemy.orm import Session

from access.models import Department, DepartmentManager, Grant, User
from access.rules import READER_CODES, load_rules
from core import audit
from core.db import utcnow
from records.models import Customer, Document


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason_code: str  # a catalogue code: access.reason.* when allowed, access.denied* when not
    grant_id: int | None = None  # set when the read is allowed only by a grant


@dataclass(frozen=True)
class ReadScope:
    """What one user may read at one moment, as plain values the search index can filter on.

    A document is readable when its level is in `everywhere`, or its file's department is in
    `departments[level]`, or its file's owner is in `owners[level]`, or its id is in `documents`, or its
    customer id is in `customers`. Mapping values are the reason (or grant id); the keys are what to filter.
    """

    user_id: int
    active: bool
    at: datetime
    everywhere: Mapping[str, str]
    departments: Mapping[str, Mapping[str, str]]
    owners: Mapping[str, Mapping[str, str]]
    documents: Mapping[int, int]
    customers: Mapping[int, int]

    def decide(
        self,
        *,
        level: str,
        department: str | None,
        owner: str | None,
        customer_id: int | None,
        document_id: int | None,
    ) -> Decision:
        """The decision for a document with these indexed values (document_id None: a whole customer file)."""
        if not self.active:
            return Decision(False, "access.denied.inactive")
        if level in self.everywhere:
            return Decision(True, self.everywhere[level])
        if department is not None and department in self.departments.get(level, {}):
            return Decision(True, self.departments[level][department])
        if owner is not None and owner in self.owners.get(level, {}):
            return Decision(True, self.owners[level][owner])
        if document_id is not None and document_id in self.documents:
            return Decision(True, "access.reason.grant", self.documents[document_id])
        if customer_id is not None and customer_id in self.customers:
            return Decision(True, "access.reason.grant", self.customers[customer_id])
        return Decision(False, "access.denied")


def read_scope(session: Session, user: User, *, at: datetime | None = None) -> ReadScope:
    """Everything the user may read at `at` (default now), from the level rules, their posts and grants."""
    now = at or utcnow()
    if not user.active:
        return ReadScope(user.id, False, now, {}, {}, {}, {}, {})
    rules = load_rules(session)
    own_department = user.department.code if user.department is not None else None
    managed = dict(
        session.execute(
            select(Department.id, Department.code)
            .join(DepartmentManager)
            .where(DepartmentManager.user_id == user.id)
        ).all()
    )
    team: list[str] = []
    if managed and any("owner_manager" in r.readers for r in rules.values()):
        team = list(session.scalars(select(User.login).where(User.department_id.in_(managed))))

    everywhere: dict[str, str] = {}
    departments: dict[str, dict[str, str]] = {}
    owners: dict[str, dict[str, str]] = {}
    for rule in rules.values():
        by_department = departments.setdefault(rule.level, {})
        by_owner = owners.setdefault(rule.level, {})
        for reader in rule.readers:
            if reader == "everyone":
                everywhere[rule.level] = "access.reason.everyone"
            elif reader == "department_members" and own_department is not None:
                by_department.setdefault(own_department, "access.reason.department_member")
            elif reader == "department_manager":
                by_department.update(dict.fromkeys(managed.values(), "access.reason.department_manager"))
            elif reader == "owner":
                by_owner[user.login] = "access.reason.owner"
            elif reader == "owner_manager":
                for login in team:
                    by_owner.setdefault(login, "access.reason.owner_manager")
            elif reader not in READER_CODES and reader in user.positions:
                everywhere[rule.level] = "access.reason.position"

    documents: dict[int, int] = {}
    customers: dict[int, int] = {}
    # Ordered by end, so that of several live grants the one lasting longest is named.
    for grant in session.scalars(
        select(Grant)
        .where(Grant.user_id == user.id, Grant.live_at(now))
        .order_by(Grant.valid_until, Grant.id)
    ):
        if grant.document_id is not None:
            documents[grant.document_id] = grant.id
        if grant.customer_id is not None:
            customers[grant.customer_id] = grant.id
    return ReadScope(
        user.id,
        True,
        now,
        everywhere,
        {k: v for k, v in departments.items() if v},
        {k: v for k, v in owners.items() if v},
        documents,
        customers,
    )


def decide(scope: ReadScope, document: Document) -> Decision:
    """The scope's decision for a loaded document."""
    customer = document.customer
    return scope.decide(
        level=document.level,
        department=customer.department if customer is not None else None,
        owner=customer.owner if customer is not None else None,
        customer_id=document.customer_id,
        document_id=document.id,
    )


def can_read(session: Session, user: User, document: Document, *, at: datetime | None = None) -> Decision:
    """Whether the user may read the document now (or at `at`), why, and under which grant."""
    return decide(read_scope(session, user, at=at), document)


def decide_customer(scope: ReadScope, customer: Customer) -> Decision:
    """The scope's decision for a customer file's own content (profile, contacts, timeline): read as a
    document of the file's level would be, so the file and its documents follow one rule."""
    return scope.decide(
        level=customer.level,
        department=customer.department,
        owner=customer.owner,
        customer_id=customer.id,
        document_id=None,
    )


def can_read_customer(
    session: Session, user: User, customer: Customer, *, at: datetime | None = None
) -> Decision:
    """Whether the user may read the customer file's profile, contacts and timeline now, why, and by which grant."""
    return decide_customer(read_scope(session, user, at=at), customer)


def scope_filter(scope: ReadScope) -> ColumnElement[bool]:
    """The scope as a condition on Document (it brings its own customer subqueries: no join needed)."""
    if not scope.active:
        return false()
    terms: list[ColumnElement[bool]] = []
    if scope.everywhere:
        terms.append(Document.level.in_(sorted(scope.everywhere)))
    for level, departments in scope.departments.items():
        files = select(Customer.id).where(Customer.department.in_(sorted(departments)))
        terms.append(and_(Document.level == level, Document.customer_id.in_(files)))
    for level, owners in scope.owners.items():
        files = select(Customer.id).where(Customer.owner.in_(sorted(owners)))
        terms.append(and_(Document.level == level, Document.customer_id.in_(files)))
    if scope.documents:
        terms.append(Document.id.in_(sorted(scope.documents)))
    if scope.customers:
        terms.append(Document.customer_id.in_(sorted(scope.customers)))
    return or_(*terms) if terms else false()


def readable_filter(session: Session, user: User, *, at: datetime | None = None) -> ColumnElement[bool]:
    """A WHERE clause over Document keeping exactly what `can_read` allows the user."""
    return scope_filter(read_scope(session, user, at=at))


def search_scope(session: Session, user: User, *, at: datetime | None = None) -> ReadScope:
    """The plain values the search index filters on (level, department, owner, customer_id, document_id)."""
    return read_scope(session, user, at=at)


def record_read(
    session: Session,
    *,
    user: User,
    document: Document,
    action: str = "view",
    client: str = "",
    at: datetime | None = None,
) -> Decision:
    """Decide a read and audit it either way (AUD-2: a denied read is an event; a read under a grant names it).

    The caller commits even when the read is denied, then refuses with AccessDenied(decision.reason_code).
    """
    decision = can_read(session, user, document, at=at)
    audit.record(
        session,
        actor=user.login,
        role=user.role_label,
        action=action,
        object_type="document",
        object_id=document.id,
        archive_no=document.archive_no,
        result="ok" if decision.allowed else "denied",
        client=client,
        reference=f"grant:{decision.grant_id}" if decision.grant_id else "",
        details={"reason": decision.reason_code, "level": document.level},
    )
    return decision
