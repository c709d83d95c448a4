"""Odd input never makes a page answer 5xx: every page, odd ids, odd parameters, each kind of user."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.web.archive import add_pdf_document

ODD = [
    "/documents/abc",
    "/documents/0",
    "/documents/99999999999999999999999",
    "/documents/1/pages/0.png",
    "/documents/1/pages/99999999999999999999.png",
    "/documents/1/pages/x.png",
    "/intake/status/abc",
    "/customers/-1",
    "/customers/999999",
    "/search?q=" + "借" * 1001,
    "/search?q=%22unclosed",
    "/search?q=(((((",
    "/search?q=NOT",
    "/search?q=x&page=0",
    "/search?q=x&page=999999",
    "/search?q=x&sort=nonsense",
    "/audit?document=x&from=2024-02-30&to=tomorrow",
    "/audit?page=-3",
    "/access/request?document=abc",
    "/customers?status=unknown",
    "/customers?stale_days=abc&sort=size&grade=Z&kind=x&page=0",
    "/customers?page=99999999999",
    "/customers?stale_days=999999",
    "/customers/999999/edit",
    "/customers/new?x=1",
    "/login?next=javascript:alert(1)",
    "/static/../api/app.py",
]


@pytest.mark.parametrize("login", [None, "alice", "auditor", "admin", "archivist"])
def test_odd_requests_never_answer_5xx(world, tab, login):
    add_pdf_document(world, "c1", "internal", title="t", lines=["x"])
    client = tab(login).client if login else TestClient(world.app, base_url="https://testserver")
    broken = {}
    for url in ODD:
        status = client.get(url, follow_redirects=False).status_code
        if status >= 500:
            broken[url] = status
    assert broken == {}


ODD_POSTS = [
    ("/admin/users/ghost/positions", {"position": "gm", "held": "1"}),
    ("/admin/users/alice/positions", {"position": "", "held": "maybe"}),
    ("/admin/users/alice/positions", {"position": "借" * 300}),
    ("/admin/levels/secret", {"readers": "gm", "chain": "gm"}),
    ("/admin/levels/company", {"readers": "", "chain": "", "rank": "-1"}),
    ("/admin/levels/company", {"readers": "gm", "chain": "gm", "rank": "9" * 40}),
    ("/admin/levels/company", {"readers": "，、→ ;", "chain": "→→"}),
    ("/admin/levels/company", {"readers": "x" * 201}),
    ("/access/notifications/abc/read", {}),
    ("/access/notifications/0/read", {}),
    ("/access/notifications/99999999999999999999999/read", {}),
    ("/access/notifications/999999/read", {}),
    ("/review/1", {"reason": "r", "customer_id": "9" * 40, "doc_date": "2024-02-30"}),
    ("/documents/1/metadata", {"reason": "r", "customer_id": "-1", "doc_type": "借" * 50}),
    ("/customers", {"name": ""}),
    ("/customers", {"name": "借" * 300, "credit_code": "x" * 40, "status": "gone", "owner": "ghost"}),
    ("/customers/1/edit", {"registered_capital": "abc", "founded_on": "2024-02-30", "reason": "r"}),
    ("/customers/1/edit", {"credit_limit": "9" * 40, "grade": "Z", "email": "@", "reason": ""}),
    ("/customers/1/edit", {"name": "", "status": "", "reason": "r"}),
    ("/customers/999999/edit", {"phone": "1", "reason": "r"}),
    ("/customers/1/contacts", {"name": "", "birthday": "1980-02-30", "phones": "1" * 80}),
    ("/customers/999999/contacts", {"name": "x"}),
    ("/customers/1/timeline", {"kind": "gossip", "on": "2026-13-01", "text": ""}),
    ("/customers/1/timeline", {"kind": "visit", "on": "9999-01-01", "text": "x"}),
    ("/customers/1/accept", {"field": "nonsense"}),
    ("/customers/1/accept", {}),
    ("/customers/entries/999999/approve", {}),
]


@pytest.mark.parametrize("login", ["alice", "admin", "archivist"])
def test_odd_form_posts_never_answer_5xx(world, tab, login):
    add_pdf_document(world, "c1", "internal", title="t", lines=["x"], needs_review=["unclassified"])
    signed_in = tab(login)
    broken = {}
    for url, data in ODD_POSTS:
        status = signed_in.post(url, data).status_code
        if status >= 500:
            broken[url] = status
    assert broken == {}
