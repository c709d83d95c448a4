"""A small company behind the API: departments, one account per role, customer files, documents, tokens.

sales1 (manager mgr1; alice, bob) and sales2 (manager mgr2; carol); md (marketing director) and gm;
admin, archivist, officer (records officer), auditor. Customer file c1 is kept by sales1 and owned by
alice, c2 by sales2 and owned by carol. Everyone has the password PASSWORD and an API token.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from access.models import Department, Grant, User, UserPosition, UserRole
from access.passwords import hash_password
from access.tokens import create_token
from core.db import utcnow
from records.document_counts import keeping_counts
from records.models import Customer, Document, Page
from workflows.indexing import index_documents
from workflows.runtime import Runtime

PASSWORD = "correct-horse-battery"

# login: (department, roles, positions)
PEOPLE = {
    "admin": (None, ("admin",), ()),
    "archivist": (None, ("archivist",), ()),
    "alice": ("sales1", ("staff",), ()),
    "bob": ("sales1", ("staff",), ()),
    "carol": ("sales2", ("staff",), ()),
    "mgr1": ("sales1", ("manager",), ("department_manager",)),
    "mgr2": ("sales2", ("manager",), ("department_manager",)),
    "md": (None, ("manager",), ("marketing_director",)),
    "gm": (None, ("manager",), ("gm",)),
    "officer": (None, ("records_officer",), ()),
    "auditor": (None, ("auditor",), ()),
}


@dataclass
class World:
    app: object | None
    runtime: Runtime
    users: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    customers: dict[str, int] = field(default_factory=dict)
    extra: dict = field(default_factory=dict)  # whatever a test module adds

    def client(self, login: str | None = None, *, base_url: str = "https://testserver") -> TestClient:
        """A client signing every request with the user's API token (or anonymous)."""
        headers = {"Authorization": f"Bearer {self.tokens[login]}"} if login else {}
        return TestClient(self.app, base_url=base_url, headers=headers)  # type: ignore[arg-type]

    def session_client(self, login: str, *, base_url: str = "https://testserver") -> tuple[TestClient, str]:
        """A client signed in with a session cookie, and its CSRF token."""
        client = TestClient(self.app, base_url=base_url)  # type: ignore[arg-type]
        response = client.post("/api/login", json={"login": login, "password": PASSWORD})
        assert response.status_code == 200, response.text
        return client, response.json()["csrf_token"]


def build_world(app: object | None, runtime: Runtime) -> World:
    """Create the company in the app's (initialised) database."""
    world = World(app, runtime)
    password_hash = hash_password(PASSWORD)  # one hash for all: argon2 is slow on purpose
    with runtime.factory() as session, session.begin():
        departments = {code: Department(code=code, name=code) for code in ("sales1", "sales2")}
        session.add_all(departments.values())
        users = {}
        for login, (department, roles, positions) in PEOPLE.items():
            # `dangan init` may have made the admin already.
            user = session.scalar(select(User).where(User.login == login)) or User(login=login, name=login)
            user.department, user.password_hash = departments.get(department or ""), password_hash
            user.must_change_password = False
            user.role_rows = [UserRole(role=r) for r in roles]
            user.position_rows = [UserPosition(position=p) for p in positions]
            session.add(user)
            users[login] = user
        session.flush()
        departments["sales1"].manager, departments["sales2"].manager = users["mgr1"], users["mgr2"]
        for name, department, owner in (("c1", "sales1", "alice"), ("c2", "sales2", "carol")):
            customer = Customer(name=f"客户{name}", department=department, owner=owner)
            session.add(customer)
            session.flush()
            world.customers[name] = customer.id
        world.users = {login: u.id for login, u in users.items()}
        for login, user in users.items():
            world.tokens[login] = create_token(session, user=user, name="tests").secret
    return world


def add_document(
    world: World,
    customer: str,
    level: str,
    *,
    title: str = "",
    text: str = "",
    created_by: str = "scanner",
    index: bool = False,
    doc_type: str | None = None,
) -> int:
    """A filed document of a customer file at a level, with an original in the store (and indexed)."""
    runtime = world.runtime
    data = f"%PDF-1.4\n% {uuid.uuid4()} {text}\n".encode()
    put = runtime.store.put_stream(io.BytesIO(data), kind="original")
    with runtime.factory() as session, session.begin():
        doc = Document(
            sha256=put.sha256,
            size=put.size,
            mime="application/pdf",
            original_filename=f"{title or 'doc'}.pdf",
            object_key=put.key,
            title=title or f"{level} doc",
            customer_id=world.customers[customer],
            level=level,
            doc_type=doc_type,
            state="filed",
            created_by=created_by,
            archive_no=f"A001-KH·2025-D30-XS-{uuid.uuid4().hex[:8]}",
        )
        doc.pages = [Page(number=1, text=text, method="text_layer")]
        with keeping_counts(session, customers=[doc.customer_id]):  # as filing does
            session.add(doc)
            session.flush()
        if index:
            index_documents(session, runtime.index, [doc.id])
        return doc.id


def add_grant(
    session: Session,
    world: World,
    login: str,
    *,
    document_id: int | None = None,
    customer_id: int | None = None,
    state: str = "live",
) -> int:
    """A grant in a state: live, expired or revoked."""
    now = utcnow()
    start, end = (
        (now - timedelta(days=10), now - timedelta(days=1))
        if state == "expired"
        else (now - timedelta(days=1), now + timedelta(days=7))
    )
    grant = Grant(
        user_id=world.users[login],
        document_id=document_id,
        customer_id=customer_id,
        valid_from=start,
        valid_until=end,
    )
    if state == "revoked":
        grant.revoked_at, grant.revoked_by = now, "admin"
    session.add(grant)
    session.flush()
    return grant.id
