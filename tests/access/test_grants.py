"""Grants are listed for their holder (others need an overseeing role) and revoked only by those entitled."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from access.errors import AccessDenied
from access.grants import list_grants, revoke_grant
from access.models import Grant, Notification
from core.db import utcnow
from core.errors import Conflict


@pytest.fixture
def grant_id(factory, company) -> int:
    now = utcnow()
    with factory() as session, session.begin():
        grant = Grant(
            user_id=company.users["carol"],
            document_id=company.documents["c1.personal"],
            valid_from=now - timedelta(hours=1),
            valid_until=now + timedelta(days=1),
        )
        session.add(grant)
        session.flush()
        return grant.id


def test_another_users_grants_are_refused_to_staff_but_shown_to_an_auditor(factory, company, grant_id):
    with factory() as session:
        with pytest.raises(AccessDenied):
            list_grants(session, viewer=company.user(session, "bob"), login="carol")
        assert list_grants(session, viewer=company.user(session, "bob")) == []
        [seen] = list_grants(session, viewer=company.user(session, "auditor"), login="carol")
        assert (seen.id, seen.user, seen.live) == (grant_id, "carol", True)
        assert [g.id for g in list_grants(session, viewer=company.user(session, "admin"), everyone=True)] == [
            grant_id
        ]


@pytest.mark.parametrize("login", ["bob", "mgr2_without_role", "auditor"])
def test_grant_cannot_be_revoked_by_an_unrelated_user(factory, company, grant_id, login):
    with factory() as session, session.begin():
        if login == "mgr2_without_role":
            actor = company.user(session, "mgr2")
            actor.role_rows = []
        else:
            actor = company.user(session, login)
        with pytest.raises(AccessDenied) as refused:
            revoke_grant(session, grant_id=grant_id, actor=actor)
    assert refused.value.code == "grant.revoke_forbidden"


def test_revoked_grant_tells_its_holder_and_cannot_be_revoked_twice(factory, company, grant_id):
    with factory() as session, session.begin():
        info = revoke_grant(
            session, grant_id=grant_id, actor=company.user(session, "mgr1"), reason="项目结束"
        )
        assert not info.live and info.revoked_by == "mgr1"
        notes = session.scalars(
            select(Notification).where(Notification.user_id == company.users["carol"])
        ).all()
        assert [(n.code, n.params) for n in notes] == [("notify.grant.revoked", {"grant_id": grant_id})]
        with pytest.raises(Conflict):
            revoke_grant(session, grant_id=grant_id, actor=company.user(session, "carol"))


def test_holder_may_give_up_a_grant(factory, company, grant_id):
    with factory() as session, session.begin():
        assert not revoke_grant(session, grant_id=grant_id, actor=company.user(session, "carol")).live
