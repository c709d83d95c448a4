"""API tokens: created with a secret shown once, listed, used, revoked; expired and revoked ones refused;
every token expires, and ends with its owner's password or account."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from access.errors import AccessDenied, record_denial
from access.login import change_password
from access.models import ApiToken, WebSession
from access.passwords import hash_password
from access.sessions import resolve_session, start_session
from access.tokens import (
    TOUCH_EVERY,
    TokenTooLong,
    create_token,
    list_tokens,
    look_up_token,
    resolve_token,
    revoke_token,
    tokens_of,
)
from access.users import reset_password, set_active
from core.audit import AuditEvent
from core.db import utcnow
from core.errors import DanganError, NotFound
from tests.conftest import PG_URL
from tests.support.locks import while_sqlite_is_locked


def _create(factory, company, login="alice", **kw):
    with factory() as session, session.begin():
        return create_token(session, user=company.user(session, login), name="nightly export", **kw)


def _resolve(factory, secret, **kw):
    with factory() as session, session.begin():
        user = resolve_token(session, secret, client="10.2.2.2", **kw)
        return user.login if user else None


def _refusals(factory):
    with factory() as session:
        return [
            e.details["reason"]
            for e in session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action == "token.use", AuditEvent.result == "denied")
                .order_by(AuditEvent.id)
            )
        ]


def test_token_lifecycle_create_list_use_revoke(factory, company):
    token = _create(factory, company)
    assert token.secret.startswith("dgn_") and len(token.secret) > 40
    assert _resolve(factory, token.secret) == "alice"
    with factory() as session, session.begin():
        alice = company.user(session, "alice")
        [info] = list_tokens(session, user=alice)
        assert (info.id, info.name, info.live) == (token.id, "nightly export", True)
        assert info.last_used_at is not None and token.secret.startswith(info.prefix)
        revoke_token(session, actor=alice, token_id=token.id)
    assert _resolve(factory, token.secret) is None
    assert _refusals(factory) == ["revoked"]


def test_only_the_hash_of_the_secret_is_stored(factory, company):
    token = _create(factory, company)
    with factory() as session:
        row = session.get(ApiToken, token.id)
    assert token.secret not in (row.token_hash, row.prefix) and len(row.token_hash) == 64


def test_expired_token_is_refused(factory, company):
    token = _create(factory, company, days=1)
    assert _resolve(factory, token.secret) == "alice"
    assert _resolve(factory, token.secret, at=utcnow() + timedelta(days=2)) is None
    assert _refusals(factory) == ["expired"]


def test_unknown_token_is_refused_and_audited(factory, company):
    assert _resolve(factory, "dgn_forged") is None
    assert _refusals(factory) == ["unknown"]


def test_token_of_disabled_user_is_refused(factory, company):
    token = _create(factory, company)
    with factory() as session, session.begin():
        company.user(session, "alice").active = False
    assert _resolve(factory, token.secret) is None
    assert _refusals(factory) == ["disabled"]


def test_another_users_token_cannot_be_revoked_but_an_admin_may(factory, company):
    token = _create(factory, company)
    with factory() as session, session.begin(), pytest.raises(AccessDenied) as refused:
        revoke_token(session, actor=company.user(session, "bob"), token_id=token.id)
    with factory() as session, session.begin():
        record_denial(session, refused.value)
    assert _resolve(factory, token.secret) == "alice"
    with factory() as session, session.begin():
        revoke_token(session, actor=company.user(session, "admin"), token_id=token.id)
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "token.revoke").order_by(AuditEvent.id)
        ).all()
    assert [(e.actor, e.result) for e in event] == [("bob", "denied"), ("admin", "ok")]
    assert _resolve(factory, token.secret) is None


def test_token_list_shows_only_ones_own(factory, company):
    _create(factory, company, login="alice")
    with factory() as session:
        assert list_tokens(session, user=company.user(session, "bob")) == []


def test_token_without_days_expires_after_the_default_lifetime(factory, company):
    token = _create(factory, company, default_days=30)
    assert utcnow() + timedelta(days=29) < token.expires_at <= utcnow() + timedelta(days=30)
    assert _resolve(factory, token.secret, at=utcnow() + timedelta(days=29)) == "alice"
    assert _resolve(factory, token.secret, at=utcnow() + timedelta(days=31)) is None
    assert _refusals(factory) == ["expired"]


def test_token_longer_than_the_maximum_is_refused(factory, company):
    with pytest.raises(TokenTooLong) as refused:
        _create(factory, company, days=400, max_days=365)
    assert refused.value.status_code == 422 and "365" in refused.value.both()
    with pytest.raises(DanganError):
        _create(factory, company, days=0)
    assert _create(factory, company, days=365, max_days=365).expires_at > utcnow() + timedelta(days=364)


def test_token_ends_when_its_owner_changes_password(factory, company):
    with factory() as session, session.begin():
        company.user(session, "alice").password_hash = hash_password("old password 1")
    token = _create(factory, company)
    with factory() as session, session.begin():
        change_password(
            session,
            user=company.user(session, "alice"),
            old_password="old password 1",
            new_password="new password 2",
        )
    assert _resolve(factory, token.secret) is None
    assert _refusals(factory) == ["credentials_changed"]
    with factory() as session:
        [event] = session.scalars(select(AuditEvent).where(AuditEvent.action == "password.change")).all()
        assert event.details["tokens_ended"] == 1
        [info] = list_tokens(session, user=company.user(session, "alice"))
        assert not info.live
    assert _resolve(factory, _create(factory, company).secret) == "alice"  # a new one works


def test_password_change_ends_the_owners_web_sessions(factory, company):
    with factory() as session, session.begin():
        alice = company.user(session, "alice")
        alice.password_hash = hash_password("old password 1")
        secret = start_session(session, user=alice).secret
    with factory() as session, session.begin():
        change_password(
            session,
            user=company.user(session, "alice"),
            old_password="old password 1",
            new_password="new password 2",
        )
    with factory() as session, session.begin():
        assert resolve_session(session, secret) is None


def test_token_ends_when_an_admin_resets_the_password(factory, company):
    token = _create(factory, company)
    with factory() as session, session.begin():
        reset_password(session, actor=company.user(session, "admin"), login="alice")
    assert _resolve(factory, token.secret) is None
    assert _refusals(factory) == ["credentials_changed"]


def test_token_stays_ended_after_the_account_is_disabled_and_enabled_again(factory, company):
    token = _create(factory, company)
    with factory() as session, session.begin():
        session.add(WebSession(user_id=company.users["alice"], token_hash="x" * 64, csrf_token="c",
                               expires_at=utcnow() + timedelta(hours=1)))  # fmt: skip
    with factory() as session, session.begin():
        admin = company.user(session, "admin")
        set_active(session, actor=admin, login="alice", active=False)
        set_active(session, actor=admin, login="alice", active=True)
    assert _resolve(factory, token.secret) is None
    assert _refusals(factory) == ["credentials_changed"]
    with factory() as session:
        [event] = session.scalars(select(AuditEvent).where(AuditEvent.action == "user.disable")).all()
    assert (event.details["tokens_ended"], event.details["sessions_ended"]) == (1, 1)


def test_admin_lists_another_users_tokens_and_the_look_is_audited(factory, company):
    token = _create(factory, company)
    with factory() as session, session.begin():
        [info] = tokens_of(session, actor=company.user(session, "admin"), login="alice")
        assert (info.id, info.login, info.live) == (token.id, "alice", True)
        with pytest.raises(NotFound):
            tokens_of(session, actor=company.user(session, "admin"), login="ghost")
    with factory() as session, session.begin(), pytest.raises(AccessDenied) as refused:
        tokens_of(session, actor=company.user(session, "bob"), login="alice")
    with factory() as session, session.begin():
        record_denial(session, refused.value)
    with factory() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "token.list").order_by(AuditEvent.id)
        ).all()
    assert [(e.actor, e.result) for e in events] == [("admin", "ok"), ("bob", "denied")]
    assert events[0].details == {"login": "alice", "count": 1, "live": 1}


def _last_used(factory, token_id):
    with factory() as session:
        return session.get(ApiToken, token_id).last_used_at


def test_a_tokens_use_is_written_only_when_the_last_written_is_older_than_a_minute(factory, company):
    token = _create(factory, company)
    now = utcnow()
    assert _resolve(factory, token.secret, at=now) == "alice"
    assert _last_used(factory, token.id) == now
    assert _resolve(factory, token.secret, at=now + TOUCH_EVERY / 2) == "alice"
    assert _last_used(factory, token.id) == now
    assert _resolve(factory, token.secret, at=now + TOUCH_EVERY) == "alice"
    assert _last_used(factory, token.id) == now + TOUCH_EVERY


def test_look_up_token_notes_a_first_use_and_audits_a_refusal(factory, company):
    token = _create(factory, company)
    assert look_up_token(factory, token.secret, client="10.2.2.2").login == "alice"
    assert _last_used(factory, token.id) is not None
    assert look_up_token(factory, "dgn_not-a-token", client="10.2.2.2") is None
    assert _refusals(factory) == ["unknown"]


@pytest.mark.skipif(bool(PG_URL), reason="SQLite's database-wide write lock")
def test_look_up_token_signs_a_request_in_while_another_writer_holds_the_database(factory, company, settings):
    token = _create(factory, company)
    assert look_up_token(factory, token.secret) is not None  # the first use is noted
    # Issue 14: each request with a token wrote its last use, so every script's call queued for the write lock.
    with while_sqlite_is_locked(settings.home / "dangan.db") as pool:
        user = pool.submit(look_up_token, factory, token.secret).result(timeout=30)
    assert user.login == "alice"
