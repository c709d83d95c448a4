"""openable_filter (the database's answer) says exactly what decide_customer (one file at a time) says, for
every user of the fixture company over files of every level, department and owner, with a grant or not."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select

from access.customer_scope import joined_document_filter, openable_filter
from access.models import Grant
from access.policy import decide_customer, read_scope, scope_filter
from core.db import utcnow
from records.models import LEVELS, Customer, Document
from tests.access.conftest import add_document

USERS = ("admin", "auditor", "gm", "deputy", "md", "mgr1", "mgr2", "alice", "bob", "carol", "archivist")


def test_the_database_filter_agrees_with_the_one_file_decision(factory, company):
    rng = random.Random(7)
    with factory() as session, session.begin():
        for n in range(60):
            customer = Customer(name=f"随机客户{n}", level=rng.choice(LEVELS),
                                department=rng.choice(("sales1", "sales2", None)),
                                owner=rng.choice(("alice", "bob", "carol", None)))  # fmt: skip
            session.add(customer)
            for level in rng.sample(LEVELS, 2):
                add_document(session, customer if rng.random() < 0.9 else None, level)
        session.flush()
        granted = session.scalars(select(Customer).where(Customer.level == "company")).first()
        now = utcnow()
        session.add(Grant(user_id=company.users["carol"], customer_id=granted.id, valid_from=now - timedelta(days=1),
                          valid_until=now + timedelta(days=1)))  # fmt: skip
    with factory() as session:
        files = list(session.scalars(select(Customer)))
        for login in USERS:
            scope = read_scope(session, company.user(session, login))
            expected = {c.id for c in files if decide_customer(scope, c).allowed}
            condition = openable_filter(scope)
            query = select(Customer.id) if condition is None else select(Customer.id).where(condition)
            assert set(session.scalars(query)) == expected, login
            readable = set(session.scalars(select(Document.id).where(scope_filter(scope))))
            joined = select(Document.id).outerjoin(Customer, Customer.id == Document.customer_id)
            assert set(session.scalars(joined.where(joined_document_filter(scope)))) == readable, login
            if login == "carol":
                assert granted.id in expected  # by her grant for the whole file
