"""Search and the permission rule are one: what a user finds is exactly what can_read and readable_filter allow.

The property test builds random companies in the database, indexes their documents in a real index of each engine,
and compares, for every user, the documents a match-everything search finds (hits and total, through
workflows.reading.run_search and through search.query.search with the user's scope) with access.policy.can_read
and readable_filter. Department codes and logins come in pairs that differ only by case or by traditional
and simplified characters, which the index must keep apart. Then it changes levels, adds grants and moves
customer files, re-indexes as the application does, and compares again.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from itertools import count
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from access.models import Department, Grant, LevelRule, User
from access.policy import can_read, readable_filter, search_scope
from access.rules import READER_CODES, ensure_defaults
from core.db import make_engine, make_sessionmaker, utcnow
from records.models import LEVELS, Customer, Document
from search.engine import SearchEngine
from search.engines import ENGINES, make_index
from search.query import search
from tests.access.conftest import add_document, add_user
from workflows.indexing import index_documents
from workflows.schema import metadata
from workflows.searching import run_search

POSITIONS = ["department_manager", "marketing_director", "deputy_gm", "gm"]
ROLES = ["admin", "auditor", "staff", "manager"]
# Pairs the index's keyword folding would merge: case, traditional and simplified characters.
DEPARTMENTS = ["d0", "D0", "销售", "銷售"]
LOGINS = ["u0", "U0", "张三", "張三", "u4"]
TITLE = "借款合同 loan"
# A phrase (scored in one pass), a plain term (block skipping, then counted) and a pure negation.
QUERIES = ("借款合同", "loan", "NOT 不存在")

users = st.lists(
    st.fixed_dictionaries(
        {
            "department": st.sampled_from([None, *DEPARTMENTS]),
            "positions": st.sets(st.sampled_from(POSITIONS)),
            "roles": st.sets(st.sampled_from(ROLES)),
            "active": st.sampled_from([True, True, True, False]),
        }
    ),
    min_size=1,
    max_size=len(LOGINS),
)
departments = st.sampled_from([None, "ghost", *DEPARTMENTS])
# owner: an index into LOGINS (the user may not exist), 5 a login nobody has, 6 none
owners = st.integers(0, 6)
world = st.fixed_dictionaries(
    {
        "users": users,
        # manager of each department: an index into users (taken modulo), or None
        "managers": st.lists(st.one_of(st.none(), st.integers(0, 4)), min_size=4, max_size=4),
        "customers": st.lists(st.tuples(departments, owners), min_size=1, max_size=3),
        # (customer index, 3 meaning none; level); "secret" is a level no rule names
        "documents": st.lists(
            st.tuples(st.integers(0, 3), st.sampled_from([*LEVELS, "secret"])), min_size=1, max_size=6
        ),
        # (user, document or customer target, index, start hours, length hours, revoked)
        "grants": st.lists(
            st.tuples(
                st.integers(0, 4),
                st.sampled_from(["document", "customer"]),
                st.integers(0, 5),
                st.integers(-48, 48),
                st.integers(0, 72),
                st.booleans(),
            ),
            max_size=4,
        ),
        # level rules replaced at random (None keeps the default)
        "rules": st.lists(
            st.one_of(st.none(), st.sets(st.sampled_from(sorted(READER_CODES) + POSITIONS))),
            min_size=4,
            max_size=4,
        ),
        # afterwards: (document, new level), (customer, new department, new owner), one more live grant
        "level_changes": st.lists(st.tuples(st.integers(0, 5), st.sampled_from(LEVELS)), max_size=3),
        "file_moves": st.lists(st.tuples(st.integers(0, 2), departments, owners), max_size=2),
        "new_grant": st.one_of(
            st.none(),
            st.tuples(st.integers(0, 4), st.sampled_from(["document", "customer"]), st.integers(0, 5)),
        ),
    }
)


def _login(owner: int) -> str | None:
    return LOGINS[owner] if owner < len(LOGINS) else "ghost" if owner == len(LOGINS) else None


@pytest.fixture
def factory(settings) -> Iterator[sessionmaker[Session]]:
    """Sessions on a fresh database with every table and the default level rules."""
    engine = make_engine(settings)
    metadata.create_all(engine)
    with engine.begin() as conn, Session(conn) as session:
        ensure_defaults(session)
        session.flush()
    yield make_sessionmaker(engine)
    engine.dispose()


def _grant(session: Session, user: User, target: dict, now, start: int = -1, length: int = 48, revoked=False):
    session.add(
        Grant(
            user_id=user.id,
            valid_from=now + timedelta(hours=start),
            valid_until=now + timedelta(hours=start + length),
            revoked_at=now if revoked else None,
            **target,
        )
    )


def _target(kind: str, index: int, docs: list[Document], customers: list[Customer]) -> dict:
    if kind == "document":
        return {"document_id": docs[index % len(docs)].id}
    return {"customer_id": customers[index % len(customers)].id}


def _build(session: Session, spec: dict, now) -> tuple[list[User], list[Customer], list[Document]]:
    depts = [Department(code=code, name=code) for code in DEPARTMENTS]
    session.add_all(depts)
    session.flush()
    by_code = {d.code: d for d in depts}
    people = [
        add_user(
            session,
            LOGINS[n],
            department=by_code.get(u["department"] or ""),
            roles=sorted(u["roles"]),
            positions=sorted(u["positions"]),
            active=u["active"],
        )
        for n, u in enumerate(spec["users"])
    ]
    for department, manager in zip(depts, spec["managers"], strict=True):
        department.manager = people[manager % len(people)] if manager is not None else None
    customers = []
    for n, (department, owner) in enumerate(spec["customers"]):
        customers.append(Customer(name=f"c{n}", department=department, owner=_login(owner)))
    session.add_all(customers)
    session.flush()
    docs = [
        add_document(session, customers[c % len(customers)] if c < 3 else None, level, title=TITLE)
        for c, level in spec["documents"]
    ]
    for user, kind, index, start, length, revoked in spec["grants"]:
        target = _target(kind, index, docs, customers)
        _grant(session, people[user % len(people)], target, now, start, length, revoked)
    for level, readers in zip(LEVELS, spec["rules"], strict=True):
        if readers is not None:
            session.get_one(LevelRule, level).readers = sorted(readers)
    session.flush()
    return people, customers, docs


def _compare(session: Session, index: SearchEngine, people: list[User], docs: list[Document], now) -> None:
    for user in people:
        by_check = {d.id for d in docs if can_read(session, user, d, at=now).allowed}
        by_filter = set(session.scalars(select(Document.id).where(readable_filter(session, user, at=now))))
        assert by_check == by_filter, user.login
        scope = search_scope(session, user, at=now)
        for query in QUERIES:
            found = search(index, query, limit=100, scope=scope)
            assert {h.document_id for h in found.hits} == by_check, (user.login, query)
            assert found.total == len(by_check), (user.login, query)
            # A short page still counts everything readable.
            assert search(index, query, limit=1, scope=scope).total == len(by_check), (user.login, query)
        shown = run_search(session, index, query="借款合同", user=user, limit=100)
        assert {h.document_id for h in shown.hits} == by_check, user.login
        assert shown.total == len(by_check), user.login


_indexes = count()


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@pytest.mark.parametrize("engine", ENGINES)
@given(spec=world)
def test_search_finds_exactly_what_the_policy_allows(
    factory, tmp_path: Path, engine: str, spec: dict
) -> None:
    now = utcnow()
    path = tmp_path / f"ix{next(_indexes)}"
    with factory() as session, make_index(engine, path).open_or_create() as index:
        session.begin()
        try:
            people, customers, docs = _build(session, spec, now)
            index_documents(session, index, [d.id for d in docs])
            _compare(session, index, people, docs, now)

            # Changes take effect on the next search: level changes and moved files are re-indexed as
            # the level and customer-file commands do; grants need nothing.
            changed = set()
            for position, level in spec["level_changes"]:
                doc = docs[position % len(docs)]
                doc.level = level
                changed.add(doc.id)
            for position, department, owner in spec["file_moves"]:
                customer = customers[position % len(customers)]
                customer.department, customer.owner = department, _login(owner)
                changed |= {d.id for d in docs if d.customer_id == customer.id}
            if spec["new_grant"] is not None:
                user, kind, position = spec["new_grant"]
                _grant(session, people[user % len(people)], _target(kind, position, docs, customers), now)
            session.flush()
            index_documents(session, index, changed)
            _compare(session, index, people, docs, now)
        finally:
            session.rollback()
