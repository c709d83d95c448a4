"""Level changes (POL-10): a manager who reads the record by right; kept as a revision and audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from access.errors import AccessDenied
from access.levels import set_customer_level, set_document_level
from access.models import Grant
from core.audit import AuditEvent
from core.db import utcnow
from core.errors import DanganError
from records.models import Customer, Revision


def _set(factory, company, login, document, level, reason="客户已结清，降为内部"):
    with factory() as session, session.begin():
        return set_document_level(
            session,
            document_id=company.documents[document],
            level=level,
            actor=company.user(session, login),
            reason=reason,
            client="10.4.4.4",
        )


def test_level_change_is_audited_with_a_revision(factory, company):
    change = _set(factory, company, "mgr1", "c1.department", "internal")
    assert (change.before, change.after) == ("department", "internal")
    with factory() as session:
        assert company.document(session, "c1.department").level == "internal"
        revision = session.get(Revision, change.revision_id)
        assert (revision.actor, revision.reason, revision.before, revision.after) == (
            "mgr1",
            "客户已结清，降为内部",
            {"level": "department"},
            {"level": "internal"},
        )
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "level.change")).one()
    assert event.details["before"] == {"level": "department"} and event.details["after"] == {
        "level": "internal"
    }
    assert (event.actor, event.client, event.reference) == (
        "mgr1",
        "10.4.4.4",
        f"revision:{change.revision_id}",
    )
    assert event.object_id == str(company.documents["c1.department"])


@pytest.mark.parametrize(
    ("login", "document"),
    [
        ("alice", "c1.personal"),  # reads it, but is not a manager
        ("admin", "c1.department"),  # admin, cannot read it
        ("mgr2", "c1.department"),  # a manager of another department, cannot read it
        ("gm", "c1.personal"),  # a manager, cannot read it
    ],
)
def test_level_change_is_refused_without_the_right(factory, company, login, document):
    with pytest.raises(AccessDenied) as refused:
        _set(factory, company, login, document, "internal")
    assert refused.value.code == "level.change_forbidden" and refused.value.event["action"] == "level.change"
    with factory() as session:
        assert company.document(session, document).level == document.split(".")[1]
        assert session.scalars(select(Revision)).all() == []


def test_a_grant_is_not_enough_to_change_a_level(factory, company):
    now = utcnow()
    with factory() as session, session.begin():
        session.add(
            Grant(
                user_id=company.users["mgr2"],
                document_id=company.documents["c1.department"],
                valid_from=now - timedelta(hours=1),
                valid_until=now + timedelta(hours=1),
            )
        )
    with pytest.raises(AccessDenied):
        _set(factory, company, "mgr2", "c1.department", "internal")


def test_gm_may_change_a_company_level_document(factory, company):
    assert _set(factory, company, "gm", "c2.company", "department").after == "department"


@pytest.mark.parametrize(
    ("level", "reason", "code"),
    [
        ("secret", "why", "level.unknown"),
        ("internal", " ", "level.reason_required"),
        ("department", "why", "level.unchanged"),
    ],
)
def test_bad_level_changes_are_refused(factory, company, level, reason, code):
    with pytest.raises(DanganError) as refused:
        _set(factory, company, "mgr1", "c1.department", level, reason=reason)
    assert refused.value.code == code


def test_customer_file_level_change_is_audited(factory, company):
    with factory() as session, session.begin():
        change = set_customer_level(
            session,
            customer_id=company.customers["c1"],
            level="company",
            actor=company.user(session, "mgr1"),
            reason="重点客户",
        )
        assert session.get(Customer, company.customers["c1"]).level == "company"
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "level.change")).one()
    assert (change.before, change.after) == ("internal", "company")
    assert event.object_type == "customer" and event.details["reason"] == "重点客户"
    with factory() as session, session.begin(), pytest.raises(AccessDenied):
        set_customer_level(
            session,
            customer_id=company.customers["c1"],
            level="internal",
            actor=company.user(session, "alice"),
            reason="x",
        )
