"""can_read and readable_filter are one rule: on random companies, documents, grants and level rules they agree."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from access.models import Department, Grant, LevelRule, User
from access.policy import can_read, readable_filter
from access.rules import READER_CODES
from core.db import utcnow
from records.models import LEVELS, Customer, Document
from tests.access.conftest import add_document, add_user

POSITIONS = ["department_manager", "marketing_director", "deputy_gm", "gm"]
ROLES = ["admin", "auditor", "staff", "manager"]
DEPARTMENTS = ["d0", "d1", "d2"]

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
    max_size=5,
)
world = st.fixed_dictionaries(
    {
        "users": users,
        # manager of each department: an index into users (taken modulo), or None
        "managers": st.lists(st.one_of(st.none(), st.integers(0, 4)), min_size=3, max_size=3),
        "customers": st.lists(
            # owner: u0..u4 may exist, u5 never does, 6 means no owner
            st.tuples(st.sampled_from([None, "ghost", *DEPARTMENTS]), st.integers(0, 6)),
            min_size=1,
            max_size=3,
        ),
        # (customer index, 3 meaning none; level); "secret" is a level no rule names
        "documents": st.lists(
            st.tuples(st.integers(0, 3), st.sampled_from([*LEVELS, "secret"])),
            min_size=1,
            max_size=6,
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
            min_size=1,
            max_size=6,
        ),
        # level rules replaced at random (None keeps the default)
        "rules": st.lists(
            st.one_of(st.none(), st.sets(st.sampled_from(sorted(READER_CODES) + POSITIONS))),
            min_size=4,
            max_size=4,
        ),
    }
)


def _build(session, spec, now):
    departments = [Department(code=code, name=code) for code in DEPARTMENTS]
    session.add_all(departments)
    session.flush()
    by_code = {d.code: d for d in departments}
    people: list[User] = []
    for n, u in enumerate(spec["users"]):
        user = add_user(
            session,
            f"u{n}",
            department=by_code.get(u["department"]),
            roles=sorted(u["roles"]),
            positions=sorted(u["positions"]),
            active=u["active"],
        )
        people.append(user)
    for department, manager in zip(departments, spec["managers"], strict=True):
        department.manager = people[manager % len(people)] if manager is not None else None
    customers = []
    for n, (department, owner) in enumerate(spec["customers"]):
        login = None if owner == 6 else f"u{owner}"
        customer = Customer(name=f"c{n}", department=department, owner=login)
        session.add(customer)
        customers.append(customer)
    session.flush()
    docs = [
        add_document(session, customers[c % len(customers)] if c < 3 else None, level)
        for c, level in spec["documents"]
    ]
    for user, kind, index, start, length, revoked in spec["grants"]:
        if kind == "customer" and not customers:
            continue
        target = (
            {"document_id": docs[index % len(docs)].id}
            if kind == "document"
            else {"customer_id": customers[index % len(customers)].id}
        )
        session.add(
            Grant(
                user_id=people[user % len(people)].id,
                valid_from=now + timedelta(hours=start),
                valid_until=now + timedelta(hours=start + length),
                revoked_at=now if revoked else None,
                **target,
            )
        )
    for level, readers in zip(LEVELS, spec["rules"], strict=True):
        if readers is not None:
            rule = session.get(LevelRule, level)
            rule.readers = sorted(readers)
    session.flush()
    return people, docs


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(spec=world)
def test_can_read_and_readable_filter_agree(factory, spec):
    now = utcnow()
    with factory() as session:
        session.begin()
        try:
            people, docs = _build(session, spec, now)
            for user in people:
                by_filter = set(
                    session.scalars(select(Document.id).where(readable_filter(session, user, at=now)))
                )
                by_check = {d.id for d in docs if can_read(session, user, d, at=now).allowed}
                assert by_filter == by_check, user.login
        finally:
            session.rollback()
