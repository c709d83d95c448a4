"""The staff journey: search, refusal, request, approval, reading under the grant, and the auditor's view."""

from __future__ import annotations

from tests.api.world import add_document


def test_staff_asks_for_a_confidential_file_and_the_trail_shows_everything(world):
    open_doc = add_document(
        world, "c2", "internal", title="授信审批报告（公开部分）", text="授信审批报告 概要", index=True
    )
    secret = add_document(
        world, "c2", "department", title="授信审批报告", text="授信审批报告 机密条款 抵押物清单", index=True
    )
    alice, mgr2, auditor = world.client("alice"), world.client("mgr2"), world.client("auditor")

    # 1. Search shows only what alice may read: no hit, no count, no snippet of the sales2 file.
    found = alice.get("/api/search", params={"q": "授信审批报告"})
    assert found.json()["total"] == 1 and [h["document_id"] for h in found.json()["hits"]] == [open_doc]
    assert "机密" not in found.text and "抵押物" not in found.text
    nothing = alice.get("/api/search", params={"q": "抵押物清单"}).json()
    assert nothing["total"] == 0 and nothing["hits"] == [] and not any(nothing.get("facets", {}).values())
    assert mgr2.get("/api/search", params={"q": "抵押物清单"}).json()["total"] == 1

    # 2. Reading it is refused with a one-line reason, whichever way she tries.
    for suffix in ("", "/original", "/status", "/history"):
        refused = alice.get(f"/api/documents/{secret}{suffix}", headers={"Accept-Language": "en"})
        assert refused.status_code == 403 and refused.json()["error"] == "access.denied"
        assert "\n" not in refused.json()["message"] and "access request" in refused.json()["message"]

    # 3. She asks; sales2's manager is the one to sign.
    asked = alice.post(
        "/api/access-requests", json={"document_ids": [secret], "reason": "客户续贷复核", "days": 7}
    )
    assert asked.status_code == 201
    request = asked.json()
    assert request["state"] == "pending" and [s["position"] for s in request["steps"]] == [
        "department_manager"
    ]
    assert [r["id"] for r in mgr2.get("/api/access-requests/awaiting").json()] == [request["id"]]
    assert world.client("mgr1").get("/api/access-requests/awaiting").json() == []

    # 4. The manager approves with a comment; alice is told.
    approved = mgr2.post(
        f"/api/access-requests/{request['id']}/approve", json={"comment": "同意，限七日"}
    ).json()
    assert approved["state"] == "approved" and approved["steps"][0]["comment"] == "同意，限七日"
    notes = alice.get("/api/notifications").json()
    assert notes[0]["code"] == "notify.access.approved" and notes[0]["params"]["request_id"] == request["id"]
    grant = alice.get("/api/grants").json()[0]
    assert grant["document_id"] == secret and grant["live"] and grant["request_id"] == request["id"]

    # 5. Now she reads it, and the view names the grant; search finds it too.
    shown = alice.get(f"/api/documents/{secret}").json()
    assert shown["access"] == {"reason": "access.reason.grant", "grant_id": grant["id"]}
    assert "抵押物清单" in shown["pages"][0]["text"]
    assert alice.get("/api/search", params={"q": "抵押物清单"}).json()["total"] == 1

    # 6. The auditor sees all of it; the admin, not being an auditor, does not.
    by_alice = auditor.get("/api/audit", params={"user": "alice"}).json()["events"]
    steps = [
        (e["action"], e["result"], e["reference"])
        for e in by_alice
        if e["action"] not in ("search", "token.create")
    ]  # her token was made with the fixture
    assert steps == [
        ("view", "denied", ""),
        ("download", "denied", ""),
        ("status", "denied", ""),
        ("history", "denied", ""),
        ("access.request", "ok", f"request:{request['id']}"),
        ("view", "ok", f"grant:{grant['id']}"),
    ]
    searches = [e["details"] for e in by_alice if e["action"] == "search"]
    assert [s["total"] for s in searches] == [1, 0, 1] and searches[1]["documents"] == []
    about = auditor.get("/api/audit", params={"document": secret, "action": "view"}).json()
    assert [(e["actor"], e["result"]) for e in about["events"]] == [("alice", "denied"), ("alice", "ok")]
    decisions = auditor.get("/api/audit", params={"action": "access.*"}).json()["events"]
    assert [(e["actor"], e["action"]) for e in decisions] == [
        ("alice", "access.request"),
        ("mgr2", "access.approve"),
    ]
    created = auditor.get("/api/audit", params={"action": "grant.create"}).json()["events"]
    assert created[0]["reference"] == f"request:{request['id']}" and created[0]["object_id"] == str(
        grant["id"]
    )
    assert auditor.get("/api/audit/verify").json()["intact"] is True
    assert world.client("admin").get("/api/audit").status_code == 403

    # 7. Once the grant is revoked she is refused again.
    assert mgr2.post(f"/api/grants/{grant['id']}/revoke", json={"reason": "复核完毕"}).status_code == 200
    assert alice.get(f"/api/documents/{secret}").status_code == 403
    assert alice.get("/api/search", params={"q": "抵押物清单"}).json()["total"] == 0


def test_an_expired_grant_reads_nothing(world):
    from datetime import timedelta

    from access.models import Grant
    from core.db import utcnow

    secret = add_document(world, "c2", "department")
    with world.runtime.factory() as session, session.begin():
        session.add(
            Grant(
                user_id=world.users["alice"],
                document_id=secret,
                valid_from=utcnow() - timedelta(days=9),
                valid_until=utcnow() - timedelta(days=2),
            )
        )
    refused = world.client("alice").get(f"/api/documents/{secret}")
    assert refused.status_code == 403
    events = world.client("auditor").get("/api/audit", params={"document": secret}).json()["events"]
    assert [(e["actor"], e["result"]) for e in events] == [("alice", "denied")]


def test_refusal_is_told_to_the_requester_with_the_comment(world):
    secret = add_document(world, "c2", "department")
    request = (
        world.client("alice")
        .post("/api/access-requests", json={"document_ids": [secret], "reason": "看看", "days": 3})
        .json()
    )
    mgr2 = world.client("mgr2")
    assert (
        mgr2.post(f"/api/access-requests/{request['id']}/refuse", json={}).status_code == 400
    )  # needs a why
    refused = mgr2.post(f"/api/access-requests/{request['id']}/refuse", json={"comment": "理由不充分"}).json()
    assert refused["state"] == "refused"
    note = world.client("alice").get("/api/notifications").json()[0]
    assert note["code"] == "notify.access.refused" and "理由不充分" in note["message_zh"]
    assert world.client("alice").get("/api/grants").json() == []


def test_a_manager_changes_a_level_with_a_reason_and_the_history_keeps_it(world):
    doc = add_document(world, "c1", "department", text="报价单", index=True)
    mgr1, alice = world.client("mgr1"), world.client("alice")
    assert (
        alice.put(f"/api/documents/{doc}/level", json={"level": "internal", "reason": "x"}).status_code == 403
    )
    changed = mgr1.put(f"/api/documents/{doc}/level", json={"level": "company", "reason": "含授信额度"})
    assert changed.status_code == 200 and changed.json()["before"] == "department"
    history = mgr1.get(f"/api/documents/{doc}/history")
    assert history.status_code == 403  # company level: mgr1 no longer reads it
    revisions = world.client("md").get(f"/api/documents/{doc}/history").json()["revisions"]
    assert [(r["actor"], r["before"], r["after"], r["reason"]) for r in revisions] == [
        ("mgr1", {"level": "department"}, {"level": "company"}, "含授信额度")
    ]
    assert alice.get("/api/search", params={"q": "报价单"}).json()["total"] == 0
    changes = world.client("auditor").get("/api/audit", params={"action": "level.change"}).json()["events"]
    assert [(e["actor"], e["result"]) for e in changes] == [("alice", "denied"), ("mgr1", "ok")]
    assert changes[1]["details"]["after"] == {"level": "company"} and changes[1]["reference"].startswith(
        "revision:"
    )


def test_a_grant_for_a_whole_customer_file_covers_documents_filed_later(world):
    first = add_document(world, "c2", "department")
    alice, mgr2 = world.client("alice"), world.client("mgr2")
    asked = alice.post(
        "/api/access-requests",
        json={"customer_id": world.customers["c2"], "reason": "年度复核", "days": 30},
    ).json()
    assert asked["level"] == "department" and asked["customer_id"] == world.customers["c2"]
    assert mgr2.post(f"/api/access-requests/{asked['id']}/approve", json={}).json()["state"] == "approved"
    later = add_document(world, "c2", "personal")
    grant = alice.get("/api/grants").json()[0]
    assert grant["customer_id"] == world.customers["c2"] and grant["document_id"] is None
    for document_id in (first, later):
        assert alice.get(f"/api/documents/{document_id}").json()["access"]["grant_id"] == grant["id"]
    assert world.client("bob").get(f"/api/documents/{later}").status_code == 403


def test_an_archivist_corrects_the_type_and_the_correction_is_kept(world):
    doc = add_document(world, "c1", "internal", text="客户来函 关于续贷", index=True)
    archivist, alice = world.client("archivist"), world.client("alice")
    refused = alice.put(f"/api/documents/{doc}/metadata", json={"doc_type": "contract", "reason": "x"})
    assert refused.status_code == 403
    changed = archivist.put(
        f"/api/documents/{doc}/metadata",
        json={
            "doc_type": "correspondence",
            "title": "关于续贷的函",
            "doc_date": "2024-05-06",
            "reason": "复核",
        },
    )
    assert changed.status_code == 200
    assert changed.json()["after"] == {
        "doc_type": "correspondence",
        "title": "关于续贷的函",
        "doc_date": "2024-05-06",
    }
    detail = alice.get(f"/api/documents/{doc}").json()
    assert (detail["doc_type"], detail["title"], detail["doc_date"]) == (
        "correspondence",
        "关于续贷的函",
        "2024-05-06",
    )
    revisions = alice.get(f"/api/documents/{doc}/history").json()["revisions"]
    assert revisions[-1]["actor"] == "archivist" and revisions[-1]["reason"] == "复核"
    hits = alice.get("/api/search", params={"q": "关于续贷的函"}).json()["hits"]
    assert [h["document_id"] for h in hits] == [doc]  # re-indexed with the new title
    same = archivist.put(f"/api/documents/{doc}/metadata", json={"title": "关于续贷的函", "reason": "again"})
    assert same.status_code == 400 and same.json()["error"] == "metadata.unchanged"
    unknown = archivist.put(f"/api/documents/{doc}/metadata", json={"doc_type": "nonsense", "reason": "x"})
    assert unknown.status_code == 400 and unknown.json()["error"] == "doctype.unknown"
