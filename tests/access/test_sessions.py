"""Server-side web sessions: idle and absolute expiry, logout, disabled users, CSRF tokens."""

from __future__ import annotations

from datetime import timedelta

import pytest

from access.models import WebSession
from access.sessions import TOUCH_EVERY, csrf_ok, end_session, look_up_session, resolve_session, start_session
from access.users import reset_password
from core.db import utcnow
from tests.conftest import PG_URL
from tests.support.locks import while_sqlite_is_locked

IDLE = timedelta(minutes=30)


def _start(factory, company, login="alice", at=None):
    with factory() as session, session.begin():
        return start_session(
            session, user=company.user(session, login), client="10.3.3.3", at=at, max_age=timedelta(hours=12)
        )


def _resolve(factory, secret, at=None):
    with factory() as session, session.begin():
        active = resolve_session(session, secret, idle=timedelta(minutes=30), at=at)
        return (active.user.login, active.csrf_token) if active else None


def test_session_resolves_to_its_user_with_its_csrf_token(factory, company):
    new = _start(factory, company)
    assert _resolve(factory, new.secret) == ("alice", new.csrf_token)
    with factory() as session:
        assert session.get(WebSession, new.id).token_hash != new.secret


def test_idle_session_ends(factory, company):
    now = utcnow()
    new = _start(factory, company, at=now)
    assert _resolve(factory, new.secret, at=now + timedelta(minutes=20))
    assert _resolve(factory, new.secret, at=now + timedelta(minutes=45))
    assert _resolve(factory, new.secret, at=now + timedelta(minutes=80)) is None
    assert _resolve(factory, new.secret, at=now + timedelta(minutes=81)) is None


def test_session_ends_at_its_maximum_age_however_used(factory, company):
    now = utcnow()
    new = _start(factory, company, at=now)
    for minutes in range(0, 12 * 60, 25):
        assert _resolve(factory, new.secret, at=now + timedelta(minutes=minutes))
    assert _resolve(factory, new.secret, at=now + timedelta(hours=12, minutes=1)) is None


def test_logout_ends_the_session(factory, company):
    new = _start(factory, company)
    with factory() as session, session.begin():
        assert end_session(session, secret=new.secret)
        assert not end_session(session, secret=new.secret)
    assert _resolve(factory, new.secret) is None


def test_disabled_user_session_is_refused(factory, company):
    new = _start(factory, company)
    with factory() as session, session.begin():
        company.user(session, "alice").active = False
    assert _resolve(factory, new.secret) is None


def test_password_reset_ends_open_sessions(factory, company):
    new = _start(factory, company)
    with factory() as session, session.begin():
        reset_password(session, actor=company.user(session, "admin"), login="alice")
    assert _resolve(factory, new.secret) is None


def test_forged_csrf_token_is_refused(factory, company):
    new = _start(factory, company)
    other = _start(factory, company, login="bob")
    with factory() as session:
        active = resolve_session(session, new.secret)
        assert csrf_ok(active, new.csrf_token)
        assert not csrf_ok(active, other.csrf_token)
        assert not csrf_ok(active, "")
        assert not csrf_ok(active, None)


def _last_seen(factory, new):
    with factory() as session:
        return session.get(WebSession, new.id).last_seen_at


def test_a_use_is_written_only_when_the_last_written_is_older_than_a_minute(factory, company):
    now = utcnow()
    new = _start(factory, company, at=now)
    assert _resolve(factory, new.secret, at=now + TOUCH_EVERY / 2)
    assert _last_seen(factory, new) == now
    assert _resolve(factory, new.secret, at=now + TOUCH_EVERY)
    assert _last_seen(factory, new) == now + TOUCH_EVERY


def test_look_up_session_notes_a_use_after_a_minute_and_ends_an_idle_session(factory, company):
    now = utcnow()
    used = _start(factory, company, at=now - 2 * TOUCH_EVERY)
    active = look_up_session(factory, used.secret, idle=IDLE)
    assert (active.user.login, active.csrf_token) == ("alice", used.csrf_token)
    assert _last_seen(factory, used) > now - TOUCH_EVERY
    idle = _start(factory, company, login="bob", at=now - IDLE - TOUCH_EVERY)
    assert look_up_session(factory, idle.secret, idle=IDLE) is None
    with factory() as session:
        assert session.get(WebSession, idle.id).ended_at is not None


@pytest.mark.skipif(bool(PG_URL), reason="SQLite's database-wide write lock")
def test_look_up_session_signs_a_request_in_while_another_writer_holds_the_database(
    factory, company, settings
):
    new = _start(factory, company)
    # Issue 14: each request wrote the session's last use, so every page and search queued for the write lock.
    with while_sqlite_is_locked(settings.home / "dangan.db") as pool:
        active = pool.submit(look_up_session, factory, new.secret, idle=IDLE).result(timeout=30)
    assert active.csrf_token == new.csrf_token
