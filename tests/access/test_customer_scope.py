"""openable_filter (the database's answer) says exactly what decide_customer (one file at a time) says, for
every user of the fixture company over files of every level, department and owner, with a grant or not."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select

from access.customer_scope import openable_filter
from access.models import Grant
from access.policy import decide_customer, read_scope
from core.db import utcnow
from records.models import LEVELS, Customer

USERS = ("admin", "auditor", "gm", "deputy", "md", "mgr1", "mgr2", "alice", "bob", "carol", "archivist")


def test_the_database_filter_agrees_with_the_one_file_decision(factory, company):
    rng = random.Random(7)
    with factory() as session, session.begin():
        for n in range(60):
            session.add(Customer(name=f"随机客户{n}", level=rng.choice(LEVELS),
                                 department=rng.choice(("sales1", "sales2", None)),
                                 owner=rng.choice(("alice", "bob", "carol", None))))  # fmt: skip
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
            if login == "carol":
                assert granted.id in expected  # by her grant for the whole file
