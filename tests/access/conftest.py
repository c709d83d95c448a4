"""A small company: two sales departments with managers and staff, the posts POL-3 names, customer files."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import count

import pytest
from sqlalchemy.orm import Session, sessionmaker

from access.models import Department, User, UserPosition, UserRole
from access.rules import ensure_defaults
from core import audit
from core.db import make_engine, make_sessionmaker
from records.document_counts import keeping_counts
from records.models import Customer, Document
from workflows.schema import metadata

_serial = count(1)


@pytest.fixture
def factory(settings) -> Iterator[sessionmaker[Session]]:
    """Sessions on a fresh database holding every table (SQLite file or PostgreSQL schema)."""
    engine = make_engine(settings)
    # create_all rather than the migrations: the lead generates those from the models.
    metadata.create_all(engine)
    with engine.begin() as conn, Session(conn) as session:
        ensure_defaults(session)
        audit.ensure_keyed(session)  # as `dangan init` does: the audit chain's first link
        session.flush()
    yield make_sessionmaker(engine)
    engine.dispose()


def add_user(
    session: Session,
    login: str,
    *,
    department: Department | None = None,
    roles=("staff",),
    positions=(),
    active: bool = True,
) -> User:
    """A user without a password (hashing is for the login tests)."""
    user = User(login=login, name=login, department=department, active=active)
    user.role_rows = [UserRole(role=r) for r in roles]
    user.position_rows = [UserPosition(position=p) for p in positions]
    session.add(user)
    session.flush()
    return user


def add_document(session: Session, customer: Customer | None, level: str, *, title: str = "") -> Document:
    """A filed document at a level (no bytes: the policy reads only metadata)."""
    n = next(_serial)
    digest = hashlib.sha256(f"doc-{n}".encode()).hexdigest()
    session.flush()  # the file's id, for the counts
    with keeping_counts(session, customers=[customer.id] if customer is not None else []):  # as filing does
        doc = Document(
            sha256=digest,
            size=1,
            mime="application/pdf",
            original_filename=f"{n}.pdf",
            object_key=f"originals/{digest}",
            title=title or f"doc {n}",
            customer=customer,
            level=level,
            state="filed",
            archive_no=f"A001-KH·2025-D30-XS-{n:04d}",
        )
        session.add(doc)
        session.flush()
    return doc


@dataclass
class Company:
    """Ids of everything in the fixture company, by name."""

    users: dict[str, int] = field(default_factory=dict)
    departments: dict[str, int] = field(default_factory=dict)
    customers: dict[str, int] = field(default_factory=dict)
    documents: dict[str, int] = field(default_factory=dict)

    def user(self, session: Session, login: str) -> User:
        return session.get(User, self.users[login])

    def document(self, session: Session, name: str) -> Document:
        return session.get(Document, self.documents[name])


@pytest.fixture
def company(factory) -> Company:
    """sales1 (manager mgr1; alice, bob) and sales2 (manager mgr2; carol); gm, deputy, md; admin; auditor.

    Customer files: c1 kept by sales1 and owned by alice, c2 kept by sales2 and owned by carol, each with one
    document per level named like `c1.personal`.
    """
    out = Company()
    with factory() as session, session.begin():
        sales1 = Department(code="sales1", name="销售一部")
        sales2 = Department(code="sales2", name="销售二部")
        session.add_all([sales1, sales2])
        session.flush()
        people = [
            add_user(session, "admin", roles=("admin",)),
            add_user(session, "auditor", roles=("auditor",)),
            add_user(session, "gm", roles=("manager",), positions=("gm",)),
            add_user(session, "deputy", roles=("manager",), positions=("deputy_gm",)),
            add_user(session, "md", roles=("manager",), positions=("marketing_director",)),
            add_user(
                session, "mgr1", department=sales1, roles=("manager",), positions=("department_manager",)
            ),
            add_user(
                session, "mgr2", department=sales2, roles=("manager",), positions=("department_manager",)
            ),
            add_user(session, "alice", department=sales1),
            add_user(session, "bob", department=sales1),
            add_user(session, "carol", department=sales2),
            add_user(session, "archivist", roles=("archivist",)),
        ]
        by_login = {u.login: u for u in people}
        out.users = {login: u.id for login, u in by_login.items()}
        sales1.manager, sales2.manager = by_login["mgr1"], by_login["mgr2"]
        out.departments = {"sales1": sales1.id, "sales2": sales2.id}
        for name, dept, owner in (("c1", "sales1", "alice"), ("c2", "sales2", "carol")):
            customer = Customer(name=f"客户{name}", department=dept, owner=owner)
            session.add(customer)
            session.flush()
            out.customers[name] = customer.id
            for level in ("internal", "department", "company", "personal"):
                out.documents[f"{name}.{level}"] = add_document(session, customer, level).id
    return out
