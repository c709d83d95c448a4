"""API tokens: created with a secret shown once, listed, used, revoked; expired and revoked ones refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from access.errors import AccessDenied, record_denial
from access.models import ApiToken
from access.tokens import create_token, list_tokens, resolve_token, revoke_token
from core.audit import AuditEvent
from core.db import utcnow


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
    token = _create(factory, company, expires_at=utcnow() + timedelta(days=1))
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
