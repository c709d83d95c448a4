"""Signing in: session cookies and CSRF, API tokens, wrong passwords and lockout, disabled accounts."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from access.models import ApiToken
from core.audit import AuditEvent
from core.db import utcnow
from tests.api.world import PASSWORD


def _events(world, **where) -> list[AuditEvent]:
    with world.runtime.factory() as session:
        query = select(AuditEvent).order_by(AuditEvent.id)
        for name, value in where.items():
            query = query.where(getattr(AuditEvent, name) == value)
        return list(session.scalars(query))


def _set_cookie(response) -> str:
    return response.headers["set-cookie"].lower()


def test_login_sets_a_strict_httponly_secure_cookie_and_returns_the_csrf_token(world):
    client = TestClient(world.app, base_url="https://archive.example")
    response = client.post("/api/login", json={"login": "alice", "password": PASSWORD})
    assert response.status_code == 200
    cookie = _set_cookie(response)
    assert "dangan_session=" in cookie and "httponly" in cookie and "secure" in cookie
    assert "samesite=strict" in cookie
    me = client.get("/api/me").json()
    assert (
        me["login"] == "alice"
        and me["via"] == "session"
        and me["csrf_token"] == response.json()["csrf_token"]
    )
    assert [e.result for e in _events(world, action="login", actor="alice")] == ["ok"]


def test_plain_http_on_loopback_gets_a_cookie_without_secure_that_still_works(world):
    client = TestClient(world.app, base_url="http://127.0.0.1:8000")  # `make run`
    response = client.post("/api/login", json={"login": "alice", "password": PASSWORD})
    assert "secure" not in _set_cookie(response) and "httponly" in _set_cookie(response)
    assert client.get("/api/me").json()["login"] == "alice"


@pytest.mark.parametrize(
    ("setting", "base_url", "secure"),
    [
        ("auto", "http://archive.example", True),
        ("always", "http://127.0.0.1:8000", True),
        ("never", "https://archive.example", False),
    ],
)
def test_cookie_secure_setting(world, setting, base_url, secure):
    world.runtime.settings.cookie_secure = setting
    client = TestClient(world.app, base_url=base_url)
    response = client.post("/api/login", json={"login": "alice", "password": PASSWORD})
    assert ("secure" in _set_cookie(response)) is secure


def test_no_credentials_is_a_translated_401(world):
    response = world.client().get("/api/search", params={"q": "合同"}, headers={"Accept-Language": "en"})
    assert response.status_code == 401 and response.json()["error"] == "auth.required"
    assert response.json()["message"] == "Sign in first"
    assert response.headers["www-authenticate"] == "Bearer"


def test_wrong_password_and_unknown_login_get_the_same_401_and_are_audited(world):
    client = world.client()
    wrong = client.post("/api/login", json={"login": "alice", "password": "not-the-password"})
    unknown = client.post("/api/login", json={"login": "nobody", "password": "not-the-password"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json() and wrong.json()["error"] == "login.failed"
    assert "set-cookie" not in wrong.headers
    reasons = [e.details["reason"] for e in _events(world, action="login", result="denied")]
    assert reasons == ["wrong_password", "unknown_login"]


def test_account_locks_after_repeated_failures_even_for_the_right_password(world):
    client = world.client()
    for _ in range(world.runtime.settings.login_max_failures):
        client.post("/api/login", json={"login": "bob", "password": "guess"})
    response = client.post("/api/login", json={"login": "bob", "password": PASSWORD})
    # Refused, and said as for a wrong password: "locked" would tell that bob is a real account.
    assert response.status_code == 401 and response.json()["error"] == "login.failed"
    assert "set-cookie" not in response.headers
    reasons = [e.details["reason"] for e in _events(world, action="login", actor="bob")]
    assert reasons[-2:] == ["wrong_password_locked", "locked"]


def test_state_change_with_a_cookie_needs_the_csrf_header(world):
    client, csrf = world.session_client("alice")
    missing = client.post("/api/tokens", json={"name": "x"})
    forged = client.post("/api/tokens", json={"name": "x"}, headers={"X-CSRF-Token": "forged"})
    good = client.post("/api/tokens", json={"name": "x"}, headers={"X-CSRF-Token": csrf})
    assert (missing.status_code, forged.status_code, good.status_code) == (403, 403, 201)
    assert forged.json()["error"] == "auth.csrf"
    refusals = _events(world, action="csrf")
    assert [(e.actor, e.result, e.object_id) for e in refusals] == [
        ("alice", "denied", "POST /api/tokens")
    ] * 2


def test_another_sessions_csrf_token_is_refused(world):
    alice, _ = world.session_client("alice")
    _, bobs = world.session_client("bob")
    assert alice.post("/api/logout", headers={"X-CSRF-Token": bobs}).status_code == 403


def test_reads_with_a_cookie_and_anything_with_a_token_need_no_csrf_header(world):
    client, _ = world.session_client("alice")
    assert client.get("/api/tokens").status_code == 200
    assert world.client("alice").post("/api/tokens", json={"name": "script"}).status_code == 201


def test_logout_ends_the_session_on_the_server(world):
    client, csrf = world.session_client("alice")
    stolen = client.cookies.get("dangan_session")  # a copy of the cookie is as dead as the original
    assert client.post("/api/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    replay = TestClient(world.app, base_url="https://testserver", cookies={"dangan_session": stolen})
    refused = replay.get("/api/me")
    assert refused.status_code == 401 and refused.json()["error"] == "auth.session_ended"
    assert [e.actor for e in _events(world, action="logout")] == ["alice"]


def test_tokens_are_shown_once_listed_without_secret_and_revocable(world):
    alice = world.client("alice")
    made = alice.post("/api/tokens", json={"name": "nightly", "days": 30}).json()
    assert made["secret"].startswith("dgn_")
    listed = alice.get("/api/tokens").json()
    assert "secret" not in listed[0] and listed[0]["name"] == "nightly" and listed[0]["live"]
    script = TestClient(
        world.app, base_url="https://testserver", headers={"Authorization": f"Bearer {made['secret']}"}
    )
    assert script.get("/api/me").json()["via"] == "token"
    assert alice.delete(f"/api/tokens/{made['id']}").status_code == 204
    refused = script.get("/api/me")
    assert refused.status_code == 401 and refused.json()["error"] == "auth.token_invalid"
    assert _events(world, action="token.use")[-1].details == {"reason": "revoked"}


def test_expired_and_unknown_tokens_are_401_and_audited(world):
    with world.runtime.factory() as session, session.begin():
        token = session.scalar(select(ApiToken).where(ApiToken.user_id == world.users["bob"]))
        token.expires_at = utcnow() - timedelta(minutes=1)
    assert world.client("bob").get("/api/me").status_code == 401
    bogus = TestClient(
        world.app, base_url="https://testserver", headers={"Authorization": "Bearer dgn_bogus"}
    )
    assert bogus.get("/api/me").status_code == 401
    assert [e.details["reason"] for e in _events(world, action="token.use")] == ["expired", "unknown"]


def test_disabling_an_account_stops_its_token_and_its_session(world):
    session_client, _ = world.session_client("bob")
    assert world.client("admin").post("/api/users/bob/disable").status_code == 200
    assert world.client("bob").get("/api/me").status_code == 401
    assert session_client.get("/api/me").status_code == 401
    assert world.client().post("/api/login", json={"login": "bob", "password": PASSWORD}).status_code == 401


def test_a_one_time_password_must_be_replaced_before_anything_else(world):
    added = world.client("admin").post("/api/users", json={"login": "dora", "department": "sales1"}).json()
    client = TestClient(world.app, base_url="https://testserver")
    login = client.post("/api/login", json={"login": "dora", "password": added["one_time_password"]}).json()
    assert login["must_change_password"] is True
    csrf = {"X-CSRF-Token": login["csrf_token"]}
    blocked = client.get("/api/search", params={"q": "合同"})
    assert blocked.status_code == 403 and blocked.json()["error"] == "password.must_change"
    assert client.get("/api/me").status_code == 200
    changed = client.post(
        "/api/password",
        headers=csrf,
        json={"old_password": added["one_time_password"], "new_password": "a-new-long-password"},
    )
    assert changed.status_code == 200
    # The session was renewed: the old CSRF token is dead, the new one works.
    assert client.get("/api/search", params={"q": "合同"}).status_code == 200
    assert client.post("/api/logout", headers=csrf).status_code == 403
    assert (
        client.post("/api/logout", headers={"X-CSRF-Token": changed.json()["csrf_token"]}).status_code == 204
    )


def test_changing_a_password_needs_the_old_one(world):
    response = world.client("alice").post(
        "/api/password", json={"old_password": "wrong", "new_password": "something-long-enough"}
    )
    assert response.status_code == 403 and response.json()["error"] == "password.wrong"
    assert _events(world, action="password.change")[-1].result == "denied"


def test_tokens_end_with_a_password_change_a_reset_and_a_disabling_even_once_enabled_again(world):
    def script(token: str) -> TestClient:
        return TestClient(
            world.app, base_url="https://testserver", headers={"Authorization": f"Bearer {token}"}
        )

    alice, admin = world.client("alice"), world.client("admin")
    kept = script(alice.post("/api/tokens", json={"name": "kept"}).json()["secret"])
    changed = alice.post(
        "/api/password", json={"old_password": PASSWORD, "new_password": "a-new-long-password"}
    )
    assert changed.status_code == 200
    assert kept.get("/api/me").status_code == 401 and world.client("alice").get("/api/me").status_code == 401

    session_client, csrf = world.session_client("bob")
    made = session_client.post("/api/tokens", headers={"X-CSRF-Token": csrf}, json={"name": "bob's"})
    bob = script(made.json()["secret"])
    assert admin.post("/api/users/bob/reset-password", json={}).status_code == 200
    assert bob.get("/api/me").status_code == 401 and world.client("bob").get("/api/me").status_code == 401

    # The auditor holds no customer file or duty, so may be disabled without an offboarding (POL-5).
    auditor = world.client("auditor")
    assert auditor.get("/api/me").status_code == 200
    assert admin.post("/api/users/auditor/disable").status_code == 200
    assert admin.post("/api/users/auditor/enable").status_code == 200
    assert auditor.get("/api/me").status_code == 401
    reasons = [e.details["reason"] for e in _events(world, action="token.use")]
    assert reasons == ["credentials_changed"] * 5


def test_token_lifetime_has_a_default_and_a_maximum(world):
    alice = world.client("alice")
    made = alice.post("/api/tokens", json={"name": "default"})
    assert made.status_code == 201
    expires = datetime.fromisoformat(made.json()["expires_at"])
    assert utcnow() + timedelta(days=89) < expires <= utcnow() + timedelta(days=90)
    too_long = alice.post("/api/tokens", json={"name": "forever", "days": 366})
    body = too_long.json()
    assert too_long.status_code == 422 and body["error"] == "token.too_long"
    assert "365" in body["message_zh"] and "365" in body["message_en"] and "令牌" in body["message_zh"]
    assert alice.post("/api/tokens", json={"name": "year", "days": 365}).status_code == 201


def test_admin_lists_and_revokes_another_users_tokens_and_both_are_audited(world):
    alice, admin = world.client("alice"), world.client("admin")
    made = alice.post("/api/tokens", json={"name": "nightly"}).json()
    assert alice.get("/api/users/bob/tokens").status_code == 403
    listed = admin.get("/api/users/alice/tokens").json()
    assert [t["name"] for t in listed] == ["nightly", "tests"] and all("secret" not in t for t in listed)
    assert admin.delete(f"/api/tokens/{made['id']}").status_code == 204
    assert [t["live"] for t in admin.get("/api/users/alice/tokens").json()] == [False, True]
    assert [(e.actor, e.result) for e in _events(world, action="token.list")] == [
        ("alice", "denied"),
        ("admin", "ok"),
        ("admin", "ok"),
    ]
    assert [(e.actor, e.details["owner"]) for e in _events(world, action="token.revoke")] == [
        ("admin", "alice")
    ]
