"""Password login: argon2 hashes, lockout after repeated failures, every attempt audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from access.errors import AccessDenied
from access.login import authenticate, change_password
from access.passwords import hash_password
from core.audit import AuditEvent
from core.db import utcnow
from core.errors import DanganError

PASSWORD = "correct horse 42"


@pytest.fixture
def alice(factory, company):
    with factory() as session, session.begin():
        company.user(session, "alice").password_hash = hash_password(PASSWORD)
    return company.users["alice"]


def _login(factory, password, *, login="alice", at=None, max_failures=3):
    with factory() as session, session.begin():
        return authenticate(
            session,
            login=login,
            password=password,
            client="10.1.1.1",
            max_failures=max_failures,
            lockout=timedelta(minutes=15),
            at=at,
        )


def _login_events(factory):
    with factory() as session:
        return [
            (e.actor, e.result, e.details.get("reason"))
            for e in session.scalars(
                select(AuditEvent).where(AuditEvent.action == "login").order_by(AuditEvent.id)
            )
        ]


def test_password_is_stored_as_argon2_hash(factory, company, alice):
    with factory() as session:
        stored = company.user(session, "alice").password_hash
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_right_password_logs_in_and_is_audited(factory, alice):
    result = _login(factory, PASSWORD)
    assert result.ok and result.user.login == "alice" and result.reason_code == "login.ok"
    assert _login_events(factory) == [("alice", "ok", None)]


def test_account_locks_after_repeated_failures_and_refuses_even_the_right_password(factory, alice):
    now = utcnow()
    assert [_login(factory, "wrong", at=now).reason_code for _ in range(3)] == [
        "login.failed",
        "login.failed",
        "login.locked",
    ]
    locked = _login(factory, PASSWORD, at=now + timedelta(minutes=14))
    assert not locked.ok and locked.reason_code == "login.locked" and locked.locked_until is not None
    assert _login_events(factory)[-2:] == [
        ("alice", "denied", "wrong_password_locked"),
        ("alice", "denied", "locked"),
    ]


def test_lock_ends_after_the_lockout_period(factory, alice):
    now = utcnow()
    for _ in range(3):
        _login(factory, "wrong", at=now)
    assert _login(factory, PASSWORD, at=now + timedelta(minutes=16)).ok


def test_successful_login_resets_the_failure_count(factory, alice):
    now = utcnow()
    _login(factory, "wrong", at=now)
    _login(factory, "wrong", at=now)
    assert _login(factory, PASSWORD, at=now).ok
    assert _login(factory, "wrong", at=now).reason_code == "login.failed"
    assert _login(factory, "wrong", at=now).reason_code == "login.failed"


def test_unknown_login_fails_like_a_wrong_password_and_is_audited(factory, alice):
    result = _login(factory, PASSWORD, login="mallory")
    assert not result.ok and result.reason_code == "login.failed"
    assert _login_events(factory) == [("mallory", "denied", "unknown_login")]


def test_disabled_account_cannot_log_in(factory, company, alice):
    with factory() as session, session.begin():
        company.user(session, "alice").active = False
    result = _login(factory, PASSWORD)
    assert not result.ok and result.reason_code == "login.failed"
    assert _login_events(factory)[-1] == ("alice", "denied", "disabled")


def test_change_password_needs_the_old_one(factory, company, alice):
    with factory() as session, session.begin():
        user = company.user(session, "alice")
        with pytest.raises(AccessDenied) as refused:
            change_password(session, user=user, old_password="guess", new_password="a new long password")
        assert refused.value.event["action"] == "password.change" and refused.value.status_code == 403
        with pytest.raises(DanganError, match="10"):
            change_password(session, user=user, old_password=PASSWORD, new_password="short")
        user.must_change_password = True
        change_password(session, user=user, old_password=PASSWORD, new_password="a new long password")
        assert not user.must_change_password
    assert _login(factory, "a new long password").ok
    assert not _login(factory, PASSWORD).ok
