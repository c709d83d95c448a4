"""REST under /api/custody/handovers: a handover by its three people, refusals as 4xx with the message, the spec."""

from __future__ import annotations

import pytest

from tests.api.world import add_document, build_world

BOX = "总部/档案室/A柜/2层/03盒"


@pytest.fixture
def world(client):
    return build_world(client.app, client.app.state.runtime)


def test_a_handover_through_the_api(world):
    alice, bob, archivist = world.client("alice"), world.client("bob"), world.client("archivist")
    assert archivist.post("/api/custody/locations", json={"path": BOX, "kind": "box"}).status_code == 201
    doc = add_document(world, "c1", "department", title="借款合同")
    body = {"title": "甲公司流动资金贷款", "customer_id": world.customers["c1"], "reviewer": "bob",
            "lines": [{"title": "借款合同", "pieces": 1, "pages": 12, "document_id": doc},
                      {"title": "项目调查报告", "pieces": 1, "pages": 30}]}  # fmt: skip
    made = alice.post("/api/custody/handovers", json=body)
    assert made.status_code == 201, made.text
    hid = made.json()["id"]
    assert world.client("carol").get(f"/api/custody/handovers/{hid}").status_code == 403
    assert world.client("auditor").get(f"/api/custody/handovers/{hid}").status_code == 200
    assert alice.post(f"/api/custody/handovers/{hid}/sign", json={}).json()["status"] == "reviewing"

    short = bob.post(f"/api/custody/handovers/{hid}/sign",
                     json={"counts": [{"position": 1, "pieces": 1, "pages": 11}], "as_listed": True})  # fmt: skip
    assert short.status_code == 409 and short.json()["error"] == "custody.handover.mismatch"
    back = bob.post(f"/api/custody/handovers/{hid}/return", json={"missing": "借款合同缺第5页"})
    assert back.json()["status"] == "returned"
    fixed = alice.put(f"/api/custody/handovers/{hid}/lines",
                      json={"lines": [{"title": "借款合同", "pieces": 1, "pages": 11, "document_id": doc,
                                       "remarks": "第5页另行补交"},
                                      {"title": "项目调查报告", "pieces": 1, "pages": 30}]})  # fmt: skip
    assert fixed.status_code == 200 and fixed.json()["pages"] == 41
    alice.post(f"/api/custody/handovers/{hid}/sign", json={})
    assert (
        bob.post(f"/api/custody/handovers/{hid}/sign", json={"as_listed": True}).json()["status"]
        == "accepting"
    )
    done = archivist.post(
        f"/api/custody/handovers/{hid}/sign", json={"as_listed": True, "location": BOX}
    ).json()
    assert (done["status"], done["number"]) == ("accepted", "鸿借字〔2026〕第001号")
    assert archivist.get(f"/api/custody/items/{done['lines'][0]['item_id']}").json()["location"] == BOX
    pdf = bob.get(f"/api/custody/handovers/{hid}/pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert [h["id"] for h in alice.get("/api/custody/handovers").json()] == [hid]
    assert world.client("carol").get("/api/custody/handovers").json() == []
    assert alice.get("/api/custody/handovers", params={"late": "true"}).json() == []


def test_bad_lists_are_refused_with_the_message(world):
    alice = world.client("alice")
    base = {"title": "x", "customer_id": world.customers["c1"], "reviewer": "bob"}
    empty = alice.post("/api/custody/handovers", json=base | {"lines": []})
    assert empty.status_code == 422
    self_review = alice.post("/api/custody/handovers",
                             json=base | {"reviewer": "alice", "lines": [{"title": "合同", "pieces": 1, "pages": 1}]})  # fmt: skip
    assert self_review.status_code == 400 and self_review.json()["error"] == "custody.handover.same_person"
    archivist = world.client("archivist").post("/api/custody/handovers",
                                               json=base | {"lines": [{"title": "合同", "pieces": 1, "pages": 1}]})  # fmt: skip
    assert archivist.status_code == 403


def test_handover_routes_are_in_the_openapi_spec(world):
    paths = world.client().get("/openapi.json").json()["paths"]
    assert {"/api/custody/handovers", "/api/custody/handovers/{handover_id}",
            "/api/custody/handovers/{handover_id}/sign", "/api/custody/handovers/{handover_id}/return",
            "/api/custody/handovers/{handover_id}/lines", "/api/custody/handovers/{handover_id}/pdf"} <= set(paths)  # fmt: skip
    assert (
        "application/pdf"
        in paths["/api/custody/handovers/{handover_id}/pdf"]["get"]["responses"]["200"]["content"]
    )
