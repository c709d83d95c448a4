"""Customer files in the API: the list and a file's page show only readable documents; moving a file, a
level change and a grant are all seen by the very next search."""

from __future__ import annotations

from sqlalchemy import select

from core.audit import AuditEvent
from records.models import Customer
from tests.api.world import add_document, add_grant


def _found(world, login: str, query: str) -> set[int]:
    body = world.client(login).get("/api/search", params={"q": query, "limit": 50}).json()
    hits = {h["document_id"] for h in body["hits"]}
    assert body["total"] == len(hits)
    return hits


def _files(world, login: str, **params) -> dict[str, dict]:
    response = world.client(login).get("/api/customers", params=params)
    assert response.status_code == 200, response.text
    return {row["name"]: row for row in response.json()}


def test_the_list_counts_only_the_documents_each_user_may_read(world):
    for level in ("internal", "department", "company", "personal"):
        add_document(world, "c1", level)
    assert _files(world, "alice")["客户c1"]["readable_documents"] == 3  # sales1 member and the owner
    assert _files(world, "carol")["客户c1"]["readable_documents"] == 1  # internal only
    assert _files(world, "md")["客户c1"]["readable_documents"] == 2  # internal and company
    row = _files(world, "carol")["客户c1"]
    assert {k: row[k] for k in ("status", "level", "department", "owner")} == {
        "status": "active",
        "level": "internal",
        "department": "sales1",
        "owner": "alice",
    }
    assert set(_files(world, "alice", owner="carol")) == {"客户c2"}
    assert set(_files(world, "alice", department="sales1")) == {"客户c1"}
    assert world.client("alice").get("/api/customers", params={"status": "gone"}).status_code == 400


def test_a_files_page_lists_only_readable_documents_and_is_audited(world):
    docs = {
        level: add_document(world, "c1", level, title=f"{level} 文件") for level in ("internal", "personal")
    }
    carol = world.client("carol").get(f"/api/customers/{world.customers['c1']}").json()
    assert [d["document_id"] for d in carol["documents"]] == [docs["internal"]]
    assert "personal 文件" not in str(carol)
    alice = world.client("alice").get(f"/api/customers/{world.customers['c1']}").json()
    assert {d["document_id"] for d in alice["documents"]} == set(docs.values())
    with world.runtime.factory() as session:
        views = session.scalars(select(AuditEvent).where(AuditEvent.action == "customer.view")).all()
    assert [(e.actor, e.details["documents"]) for e in views] == [
        ("carol", [docs["internal"]]),
        ("alice", sorted(docs.values(), reverse=True)),
    ]
    assert world.client("carol").get("/api/customers/999999").status_code == 404


def test_moving_a_file_is_searched_at_once(world):
    secret = add_document(world, "c1", "personal", title="个人级 授信笔记", text="授信笔记", index=True)
    kept = add_document(world, "c1", "department", title="部门级 授信笔记", text="授信笔记", index=True)
    assert _found(world, "alice", "授信笔记") == {secret, kept}
    assert _found(world, "carol", "授信笔记") == set()

    moved = world.client("mgr1").put(
        f"/api/customers/{world.customers['c1']}",
        json={"department": "sales2", "owner": "carol", "reason": "客户划转销售二部"},
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["after"] == {"department": "sales2", "owner": "carol"}
    assert moved.json()["reindexed"] == 2
    assert _found(world, "carol", "授信笔记") == {secret, kept}
    assert _found(world, "mgr2", "授信笔记") == {secret, kept}
    assert _found(world, "alice", "授信笔记") == set()
    assert _found(world, "bob", "授信笔记") == set()
    with world.runtime.factory() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "customer.change")).one()
    assert event.actor == "mgr1" and event.details["before"] == {"department": "sales1", "owner": "alice"}


def test_level_change_is_searched_at_once(world):
    doc = add_document(world, "c1", "company", title="公司级 战略合作", text="战略合作", index=True)
    assert _found(world, "alice", "战略合作") == set()
    changed = world.client("md").put(
        f"/api/documents/{doc}/level", json={"level": "internal", "reason": "公开"}
    )
    assert changed.status_code == 200, changed.text
    assert _found(world, "alice", "战略合作") == {doc}
    assert _found(world, "carol", "战略合作") == {doc}


def test_grant_and_revocation_are_searched_at_once(world):
    doc = add_document(world, "c2", "department", title="部门级 抵押清单", text="抵押清单", index=True)
    assert _found(world, "alice", "抵押清单") == set()
    with world.runtime.factory() as session, session.begin():
        grant = add_grant(session, world, "alice", document_id=doc)
    assert _found(world, "alice", "抵押清单") == {doc}
    revoked = world.client("admin").post(f"/api/grants/{grant}/revoke", json={"reason": "到期前收回"})
    assert revoked.status_code == 200, revoked.text
    assert _found(world, "alice", "抵押清单") == set()
    with world.runtime.factory() as session, session.begin():
        add_grant(session, world, "alice", customer_id=world.customers["c2"])
    assert _found(world, "alice", "抵押清单") == {doc}


def test_who_may_change_a_file(world):
    url = f"/api/customers/{world.customers['c1']}"
    archivist = world.client("archivist")
    assert archivist.put(url, json={"owner": "bob", "reason": "x"}).status_code == 403
    assert archivist.put(url, json={"status": "former", "reason": "客户已终止合作"}).status_code == 200
    assert world.client("admin").put(url, json={"department": "sales2", "reason": "x"}).status_code == 403
    assert world.client("alice").put(url, json={"owner": "bob", "reason": "x"}).status_code == 403
    mgr1 = world.client("mgr1")
    assert mgr1.put(url, json={"department": "nowhere", "reason": "x"}).status_code == 400
    assert mgr1.put(url, json={"owner": "nobody", "reason": "x"}).status_code == 400
    assert mgr1.put(url, json={"owner": "bob"}).status_code == 422  # a reason is required
    assert mgr1.put(url, json={"reason": "x"}).status_code == 400  # nothing to change
    assert mgr1.put("/api/customers/999999", json={"owner": "bob", "reason": "x"}).status_code == 404
    assert world.client("alice").get(url).json()["status"] == "former"
    with world.runtime.factory() as session:
        denied = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "customer.change", AuditEvent.result == "denied")
        ).all()
    assert sorted(e.actor for e in denied) == ["admin", "alice", "archivist"]


def test_a_manager_cannot_take_another_departments_file_into_their_own(world):
    kept = add_document(world, "c1", "department", title="部门级 授信笔记", text="授信笔记", index=True)
    assert _found(world, "mgr2", "授信笔记") == set()
    taken = world.client("mgr2").put(
        f"/api/customers/{world.customers['c1']}",
        json={"department": "sales2", "owner": "mgr2", "reason": "划给本部门"},
    )
    assert taken.status_code == 403 and taken.json()["error"] == "customer.change_forbidden"
    assert _found(world, "mgr2", "授信笔记") == set()  # still not cleared to read it
    assert world.client("alice").get(f"/api/documents/{kept}").status_code == 200


CODE = "91110000600037341L"


def test_a_file_is_opened_edited_and_shown_through_the_api(world):
    bob = world.client("bob")
    opened = bob.post(
        "/api/customers",
        json={
            "name": "杭州鸿达机电有限公司",
            "credit_code": CODE,
            "kind": "distributor",
            "registered_capital": 500_000_000,
        },
    )
    assert opened.status_code == 201, opened.text
    cid = opened.json()["id"]
    assert (opened.json()["owner"], opened.json()["department"]) == ("bob", "sales1")
    taken = bob.post("/api/customers", json={"name": "鸿达机电", "credit_code": CODE})
    assert taken.status_code == 400 and str(cid) in taken.json()["message_en"]
    wrong = bob.post("/api/customers", json={"name": "远景", "credit_code": CODE[:-1] + "K"})
    assert wrong.json()["error"] == "uscc.checksum" and "校验位" in wrong.json()["message_zh"]
    edited = bob.patch(
        f"/api/customers/{cid}", json={"legal_rep": "张三", "kind": None, "reason": "首次签约"}
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["after"] == {"legal_rep": "张三", "kind": None}
    # The status is management's and the archivists' (access.customer_files), not the owner's.
    assert bob.patch(f"/api/customers/{cid}", json={"status": "active", "reason": "签约"}).status_code == 403
    status = world.client("mgr1").patch(
        f"/api/customers/{cid}", json={"status": "active", "reason": "首次签约"}
    )
    assert status.json()["after"] == {"status": "active"}
    assert bob.patch(f"/api/customers/{cid}", json={"grade": "E", "reason": "x"}).status_code == 400
    assert bob.patch(f"/api/customers/{cid}", json={"phone": "1"}).status_code == 422  # a reason is required
    assert (
        world.client("alice").patch(f"/api/customers/{cid}", json={"phone": "1", "reason": "x"}).status_code
        == 403
    )
    shown = bob.get(f"/api/customers/{cid}").json()
    assert shown["profile"]["legal_rep"] == "张三" and shown["profile"]["registered_capital"] == 500_000_000
    assert [r["before"] for r in shown["revisions"]] == [
        {"status": "potential"},
        {"legal_rep": None, "kind": "distributor"},
    ]
    assert shown["profile"]["status_reason"] == "首次签约"


def test_contacts_and_timeline_entries_through_the_api(world):
    url = f"/api/customers/{world.customers['c1']}"
    alice = world.client("alice")
    contact = alice.post(
        f"{url}/contacts", json={"name": "王经理", "phones": ["13800000000"], "birthday": "1980-06-01"}
    )
    assert contact.status_code == 201 and contact.json()["id"]
    complaint = alice.post(
        f"{url}/timeline", json={"kind": "complaint", "date": "2026-05-02", "text": "交货延误"}
    )
    assert complaint.status_code == 201 and complaint.json()["state"] == "needs_approval"
    assert (
        alice.post(f"{url}/timeline", json={"kind": "gossip", "date": "2026-05-02", "text": "x"}).status_code
        == 422
    )
    assert world.client("carol").post(f"{url}/contacts", json={"name": "李"}).status_code == 403
    approve = f"/api/customers/entries/{complaint.json()['id']}/approve"
    assert world.client("mgr1").post(approve).status_code == 403
    assert world.client("gm").post(approve).json()["state"] == "approved"
    assert world.client("gm").post(approve).status_code == 400  # approved already
    assert world.client("gm").post("/api/customers/entries/999999/approve").status_code == 404
    shown = world.client("carol").get(url).json()  # c1 is internal: everyone reads its profile
    assert [c["name"] for c in shown["contacts"]] == ["王经理"]
    assert [t["kind"] for t in shown["timeline"]] == ["complaint"]


def test_the_list_filters_by_profile_only_among_files_the_caller_may_open(world):
    with world.runtime.factory() as session, session.begin():
        c1 = session.get_one(Customer, world.customers["c1"])
        c1.level, c1.grade, c1.province = "personal", "A", "浙江"
        c2 = session.get_one(Customer, world.customers["c2"])
        c2.grade, c2.status = "A", "former"
    assert list(_files(world, "alice", grade="A")) == ["客户c1", "客户c2"]  # current files first
    carol = _files(world, "carol")
    assert carol["客户c1"]["may_open"] is False and carol["客户c1"]["grade"] is None
    assert list(_files(world, "carol", grade="A")) == ["客户c2"]
    assert list(_files(world, "carol", region="浙江")) == []
    assert carol["客户c2"]["ended"] is True
    assert world.client("alice").get("/api/customers", params={"sort": "size"}).status_code == 422
    assert world.client("alice").get("/api/customers", params={"stale_days": -1}).status_code == 422
    assert list(_files(world, "alice", limit=1, offset=1)) == ["客户c2"]
