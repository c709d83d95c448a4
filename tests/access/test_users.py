"""Accounts: the first admin, adding, listing, disabling, resetting passwords, roles, positions, departments."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from access.errors import AccessDenied
from access.login import authenticate
from access.models import Department
from access.users import (
    add_department,
    add_user,
    ensure_admin,
    get_user,
    list_users,
    move_user,
    reset_password,
    set_active,
    set_department_manager,
    set_position,
    set_role,
)
from core.audit import AuditEvent
from core.errors import Conflict, DanganError


def test_first_admin_gets_a_one_time_password_once(factory):
    with factory() as session, session.begin():
        one_time = ensure_admin(session)
        assert one_time and len(one_time) >= 12
        assert ensure_admin(session) is None  # init is idempotent
    with factory() as session, session.begin():
        result = authenticate(session, login="admin", password=one_time)
        assert result.ok and result.must_change_password and "admin" in result.user.roles


def test_first_admin_may_take_a_given_password(factory):
    with factory() as session, session.begin():
        assert ensure_admin(session, password="from a password file") is None
        result = authenticate(session, login="admin", password="from a password file")
        assert result.ok and not result.must_change_password


def test_admin_adds_a_user_with_roles_positions_and_department(factory, company):
    with factory() as session, session.begin():
        new = add_user(
            session,
            actor=company.user(session, "admin"),
            login="dave",
            name="戴维",
            department="sales2",
            roles=["staff", "archivist"],
            positions=["deputy_gm"],
        )
        assert new.one_time_password and new.user.must_change_password
        info = next(u for u in list_users(session) if u.login == "dave")
        assert (info.name, info.department, info.roles, info.positions) == (
            "戴维",
            "sales2",
            ("archivist", "staff"),
            ("deputy_gm",),
        )
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "user.add")).one()
        assert (event.actor, event.details["login"]) == ("admin", "dave")


def test_adding_users_needs_the_admin_role(factory, company):
    with factory() as session, session.begin(), pytest.raises(AccessDenied) as refused:
        add_user(session, actor=company.user(session, "mgr1"), login="eve")
    assert refused.value.event["result"] == "denied" and refused.value.code == "permission.role_required"


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"login": "alice"}, Conflict),
        ({"login": "eve", "roles": ["superuser"]}, DanganError),
        ({"login": "eve", "positions": ["treasurer"]}, DanganError),  # no such post
        ({"login": "eve", "department": "nowhere"}, DanganError),
        ({"login": "eve", "password": "short"}, DanganError),
        ({"login": "  "}, DanganError),
    ],
)
def test_bad_user_details_are_refused(factory, company, kwargs, error):
    with factory() as session, session.begin(), pytest.raises(error):
        add_user(session, actor=company.user(session, "admin"), **kwargs)


def test_disabled_user_is_listed_inactive_and_can_be_enabled(factory, company):
    with factory() as session, session.begin():
        admin = company.user(session, "admin")
        set_active(session, actor=admin, login="bob", active=False)
        assert not next(u for u in list_users(session) if u.login == "bob").active
        set_active(session, actor=admin, login="bob", active=True)
        assert get_user(session, "bob").active


def test_last_admin_cannot_be_disabled_or_demoted(factory, company):
    with factory() as session, session.begin():
        admin = company.user(session, "admin")
        with pytest.raises(Conflict):
            set_active(session, actor=admin, login="admin", active=False)
        with pytest.raises(Conflict):
            set_role(session, actor=admin, login="admin", role="admin", granted=False)
        set_role(session, actor=admin, login="bob", role="admin")
        set_role(session, actor=admin, login="admin", role="admin", granted=False)
        assert "admin" not in admin.roles


def test_reset_password_unlocks_and_requires_a_change(factory, company):
    with factory() as session, session.begin():
        alice = company.user(session, "alice")
        alice.failed_logins, alice.locked_until = 3, alice.created_at + timedelta(days=3650)
        one_time = reset_password(session, actor=company.user(session, "admin"), login="alice")
    with factory() as session, session.begin():
        result = authenticate(session, login="alice", password=one_time)
        assert result.ok and result.must_change_password


def test_grant_role_is_audited_as_a_permission_change(factory, company):
    with factory() as session, session.begin():
        set_role(session, actor=company.user(session, "admin"), login="bob", role="archivist")
        assert company.user(session, "bob").roles == {"staff", "archivist"}
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "permission.change")).one()
        assert event.details == {"login": "bob", "role": "archivist", "granted": True}


def test_department_manager_holds_the_position_while_managing(factory, company):
    with factory() as session, session.begin():
        admin = company.user(session, "admin")
        add_department(session, actor=admin, code="risk", name="风控部")
        move_user(session, actor=admin, login="bob", department="risk")
        set_department_manager(session, actor=admin, code="risk", manager="bob")
        assert "department_manager" in company.user(session, "bob").positions
        set_department_manager(session, actor=admin, code="risk", manager="alice")
        assert "department_manager" not in company.user(session, "bob").positions
        risk = session.scalar(select(Department).where(Department.code == "risk"))
        assert risk.manager.login == "alice"
        with pytest.raises(Conflict):
            add_department(session, actor=admin, code="risk", name="again")


def test_positions_are_given_and_taken(factory, company):
    with factory() as session, session.begin():
        admin = company.user(session, "admin")
        set_position(session, actor=admin, login="bob", position="marketing_director")
        assert "marketing_director" in company.user(session, "bob").positions
        set_position(session, actor=admin, login="bob", position="marketing_director", held=False)
        assert company.user(session, "bob").positions == frozenset()
