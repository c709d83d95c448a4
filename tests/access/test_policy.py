"""The confidentiality rules (POL-3) as can_read and readable_filter apply them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from access.grants import revoke_grant
from access.models import Grant
from access.policy import can_read, readable_filter, record_read, search_scope
from core.audit import AuditEvent
from core.db import utcnow
from records.models import Document

# (user, document) -> readable without a grant. c1: sales1, owner alice. c2: sales2, owner carol.
RULES = [
    ("alice", "c2.internal", True),
    ("carol", "c1.internal", True),
    ("admin", "c1.internal", True),
    ("gm", "c1.company", True),
    ("deputy", "c2.company", True),
    ("md", "c1.company", True),
    ("mgr1", "c1.company", False),
    ("alice", "c1.company", False),
    ("mgr1", "c1.department", True),
    ("alice", "c1.department", True),
    ("bob", "c1.department", True),
    ("carol", "c1.department", False),
    ("mgr2", "c1.department", False),
    ("gm", "c1.department", False),
    ("alice", "c1.personal", True),
    ("mgr1", "c1.personal", True),
    ("bob", "c1.personal", False),
    ("mgr2", "c1.personal", False),
    ("carol", "c2.personal", True),
    ("gm", "c2.personal", False),
]


def _readable_ids(session, user) -> set[int]:
    return set(session.scalars(select(Document.id).where(readable_filter(session, user))))


@pytest.mark.parametrize(("login", "document", "allowed"), RULES)
def test_level_rule_decides_read(factory, company, login, document, allowed):
    with factory() as session:
        user, doc = company.user(session, login), company.document(session, document)
        assert can_read(session, user, doc).allowed is allowed
        assert (doc.id in _readable_ids(session, user)) is allowed


@pytest.mark.parametrize("login", ["admin", "auditor", "archivist"])
@pytest.mark.parametrize("level", ["department", "company", "personal"])
def test_admin_auditor_and_archivist_roles_alone_read_nothing_confidential(factory, company, login, level):
    with factory() as session:
        user = company.user(session, login)
        for customer in ("c1", "c2"):
            decision = can_read(session, user, company.document(session, f"{customer}.{level}"))
            assert not decision.allowed and decision.reason_code == "access.denied"
        assert _readable_ids(session, user) == {
            company.documents["c1.internal"],
            company.documents["c2.internal"],
        }


def test_disabled_user_reads_nothing_not_even_internal(factory, company):
    with factory() as session, session.begin():
        alice = company.user(session, "alice")
        alice.active = False
        decision = can_read(session, alice, company.document(session, "c1.internal"))
        assert decision == type(decision)(False, "access.denied.inactive")
        assert _readable_ids(session, alice) == set()


def test_allowed_read_names_its_reason(factory, company):
    with factory() as session:
        reasons = {
            login: can_read(session, company.user(session, login), company.document(session, doc)).reason_code
            for login, doc in [
                ("alice", "c1.personal"),
                ("mgr1", "c1.personal"),
                ("bob", "c1.department"),
                ("mgr1", "c1.department"),
                ("gm", "c1.company"),
                ("carol", "c1.internal"),
            ]
        }
    assert reasons == {
        "alice": "access.reason.owner",
        "mgr1": "access.reason.department_manager",
        "bob": "access.reason.department_member",
        "gm": "access.reason.position",
        "carol": "access.reason.everyone",
    }


def _grant(factory, company, login, *, document=None, customer=None, start=-1, end=1) -> int:
    now = utcnow()
    with factory() as session, session.begin():
        grant = Grant(
            user_id=company.users[login],
            valid_from=now + timedelta(hours=start),
            valid_until=now + timedelta(hours=end),
            document_id=company.documents[document] if document else None,
            customer_id=company.customers[customer] if customer else None,
        )
        session.add(grant)
        session.flush()
        return grant.id


def test_document_grant_allows_until_it_expires(factory, company):
    grant_id = _grant(factory, company, "carol", document="c1.personal", end=2)
    with factory() as session:
        carol, doc = company.user(session, "carol"), company.document(session, "c1.personal")
        now = utcnow()
        assert can_read(session, carol, doc, at=now).grant_id == grant_id
        assert doc.id in set(
            session.scalars(select(Document.id).where(readable_filter(session, carol, at=now)))
        )
        later = now + timedelta(hours=3)
        assert not can_read(session, carol, doc, at=later).allowed
        assert doc.id not in set(
            session.scalars(select(Document.id).where(readable_filter(session, carol, at=later)))
        )
        # a grant for one document opens no other
        assert not can_read(session, carol, company.document(session, "c1.company"), at=now).allowed


def test_grant_not_yet_started_does_not_allow(factory, company):
    _grant(factory, company, "carol", document="c1.personal", start=1, end=5)
    with factory() as session:
        assert not can_read(
            session, company.user(session, "carol"), company.document(session, "c1.personal")
        ).allowed


def test_customer_file_grant_opens_every_document_of_that_file_only(factory, company):
    grant_id = _grant(factory, company, "carol", customer="c1")
    with factory() as session:
        carol = company.user(session, "carol")
        for level in ("department", "company", "personal"):
            assert can_read(session, carol, company.document(session, f"c1.{level}")).grant_id == grant_id
        assert _readable_ids(session, carol) >= {
            company.documents[f"c1.{lv}"] for lv in ("company", "personal")
        }
        assert not can_read(session, carol, company.document(session, "c2.company")).allowed


def test_revoked_grant_no_longer_allows(factory, company):
    grant_id = _grant(factory, company, "carol", document="c1.company")
    with factory() as session, session.begin():
        revoke_grant(session, grant_id=grant_id, actor=company.user(session, "mgr1"), reason="project ended")
    with factory() as session:
        carol, doc = company.user(session, "carol"), company.document(session, "c1.company")
        assert not can_read(session, carol, doc).allowed
        assert doc.id not in _readable_ids(session, carol)


def test_grant_for_another_user_opens_nothing(factory, company):
    _grant(factory, company, "bob", document="c2.personal")
    with factory() as session:
        assert not can_read(
            session, company.user(session, "carol"), company.document(session, "c1.personal")
        ).allowed
        assert not can_read(
            session, company.user(session, "alice"), company.document(session, "c2.personal")
        ).allowed


def test_search_scope_gives_the_plain_values_to_filter_on(factory, company):
    grant_id = _grant(factory, company, "bob", document="c2.company")
    with factory() as session:
        scope = search_scope(session, company.user(session, "mgr1"))
        assert set(scope.everywhere) == {"internal"}
        assert set(scope.departments["department"]) == {"sales1"}
        assert set(scope.owners["personal"]) == {"mgr1", "alice", "bob"}
        bob_scope = search_scope(session, company.user(session, "bob"))
        assert dict(bob_scope.documents) == {company.documents["c2.company"]: grant_id}
        assert set(bob_scope.owners["personal"]) == {"bob"}


def test_denied_read_is_audited_with_reason(factory, company):
    with factory() as session, session.begin():
        decision = record_read(
            session,
            user=company.user(session, "carol"),
            document=company.document(session, "c1.personal"),
            action="download",
            client="10.0.0.9",
        )
    assert not decision.allowed
    with factory() as session:
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (event.actor, event.action, event.result, event.client) == (
        "carol",
        "download",
        "denied",
        "10.0.0.9",
    )
    assert (
        event.object_id == str(company.documents["c1.personal"])
        and event.details["reason"] == "access.denied"
    )


def test_read_under_a_grant_records_the_grant_id(factory, company):
    grant_id = _grant(factory, company, "carol", document="c1.personal")
    with factory() as session, session.begin():
        record_read(
            session, user=company.user(session, "carol"), document=company.document(session, "c1.personal")
        )
        record_read(
            session, user=company.user(session, "alice"), document=company.document(session, "c1.personal")
        )
    with factory() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "view").order_by(AuditEvent.id)
        ).all()
    assert [(e.actor, e.result, e.reference) for e in events] == [
        ("carol", "ok", f"grant:{grant_id}"),
        ("alice", "ok", ""),
    ]
