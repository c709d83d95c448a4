"""Other users' ids in URLs (IDOR): refused with 403 (audited) or 404, never 500 and never served."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.audit import AuditEvent
from tests.api.world import add_document


@pytest.fixture
def alices(world):
    """alice's request (for a sales2 document, signed by mgr2), her token, grant and a message for her."""
    alice = world.client("alice")
    document_id = add_document(world, "c2", "department")
    request = alice.post(
        "/api/access-requests", json={"document_ids": [document_id], "reason": "audit prep", "days": 5}
    ).json()
    token = alice.post("/api/tokens", json={"name": "mine"}).json()
    other = add_document(world, "c2", "company")
    granted = alice.post(
        "/api/access-requests", json={"document_ids": [other], "reason": "due diligence", "days": 5}
    ).json()
    for signer in ("mgr1", "gm"):  # company level: alice's own manager, then the GM
        assert (
            world.client(signer).post(f"/api/access-requests/{granted['id']}/approve", json={}).status_code
            == 200
        )
    grant = alice.get("/api/grants").json()[0]
    note = alice.get("/api/notifications").json()[0]
    return {"request": request["id"], "token": token["id"], "grant": grant["id"], "notification": note["id"]}


def _denials(world, actor: str) -> list[tuple[str, str]]:
    with world.runtime.factory() as session:
        events = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.actor == actor, AuditEvent.result == "denied")
            .order_by(AuditEvent.id)
        )
        return [(e.action, e.object_id) for e in events]


@pytest.mark.parametrize(
    ("method", "template", "body", "action"),
    [
        ("GET", "/api/access-requests/{request}", None, "access.view_request"),
        ("POST", "/api/access-requests/{request}/approve", {}, "access.approve"),
        ("POST", "/api/access-requests/{request}/refuse", {"comment": "no"}, "access.refuse"),
        ("POST", "/api/access-requests/{request}/withdraw", None, "access.withdraw"),
        ("POST", "/api/grants/{grant}/revoke", {"reason": "mine now"}, "grant.revoke"),
        ("DELETE", "/api/tokens/{token}", None, "token.revoke"),
    ],
)
def test_another_users_object_is_refused_and_audited(world, alices, method, template, body, action):
    url = template.format(**alices)
    response = world.client("bob").request(method, url, json=body)
    assert response.status_code == 403, response.text
    object_id = str(alices[template.split("{")[1].split("}")[0]])
    assert _denials(world, "bob") == [(action, object_id)]


def test_another_users_grants_are_not_listed(world, alices):
    response = world.client("bob").get("/api/grants", params={"user": "alice"})
    assert response.status_code == 403
    assert _denials(world, "bob") == [("grant.list", "alice")]
    assert world.client("bob").get("/api/grants").json() == []  # his own: none


def test_another_users_message_is_as_unknown_as_a_missing_one(world, alices):
    theirs = world.client("bob").post(f"/api/notifications/{alices['notification']}/read")
    missing = world.client("bob").post("/api/notifications/999999/read")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json()["error"] == missing.json()["error"] == "notification.not_found"


@pytest.mark.parametrize(
    "url",
    [
        "/api/access-requests/999999",
        "/api/grants/999999/revoke",
        "/api/tokens/999999",
    ],
)
def test_unknown_ids_are_404_not_500(world, url):
    method = "DELETE" if url.startswith("/api/tokens") else "POST" if url.endswith("revoke") else "GET"
    response = world.client("alice").request(method, url, json={} if method == "POST" else None)
    assert response.status_code == 404, response.text


@pytest.mark.parametrize("suffix", ["", "/original", "/history", "/status"])
def test_unknown_documents_are_refused_like_unreadable_ones_not_500(world, suffix):
    # 404 for a missing record beside 403 for an unreadable one would tell which ids hold records.
    response = world.client("alice").get(f"/api/documents/999999{suffix}")
    assert response.status_code == 403 and response.json()["error"] == "access.denied", response.text


@pytest.mark.parametrize(
    "url", ["/api/documents/abc", "/api/access-requests/1x", "/api/documents/-1/original"]
)
def test_malformed_ids_are_a_4xx(world, url):
    assert world.client("alice").get(url).status_code in (404, 422)
