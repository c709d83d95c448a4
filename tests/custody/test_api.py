"""REST under /api/custody: the loan journey by its people, refusals as 4xx with the message, the OpenAPI spec."""

from __future__ import annotations

import pytest

from tests.api.world import add_document, build_world

BOX = "总部/档案室/A柜/2层/03盒"


@pytest.fixture
def world(client):
    return build_world(client.app, client.app.state.runtime)


def test_a_loan_goes_out_and_comes_back_through_the_api(world):
    archivist, alice, gm = world.client("archivist"), world.client("alice"), world.client("gm")
    assert archivist.post("/api/custody/locations", json={"path": BOX, "kind": "box"}).status_code == 201
    doc = add_document(world, "c1", "department")
    made = archivist.post(
        "/api/custody/items", json={"document_id": doc, "pieces": 1, "pages": 8, "location": BOX}
    )
    assert made.status_code == 201, made.text
    item = made.json()["id"]

    third = alice.post("/api/custody/loans", json={"item_ids": [item], "purpose": "核对", "borrower": "bob"})
    assert third.status_code == 403 and third.json()["error"] == "custody.loan.third_party"
    asked = alice.post("/api/custody/loans", json={"item_ids": [item], "purpose": "核对"})
    assert asked.status_code == 201 and asked.json()["status"] == "requested"
    loan = asked.json()["id"]
    assert alice.post(f"/api/custody/loans/{loan}/approve").status_code == 403
    assert gm.post(f"/api/custody/loans/{loan}/approve").json()["status"] == "approved"
    assert archivist.post(f"/api/custody/loans/{loan}/out").json()["status"] == "out"
    where = alice.get(f"/api/custody/items/{item}").json()
    assert (where["location"], where["out_on_loan"]) == (None, loan)
    assert world.client("carol").get(f"/api/custody/items/{item}").status_code == 403  # does not read it

    short = archivist.post(f"/api/custody/loans/{loan}/return", json={"pieces": 1, "pages": 7}).json()
    assert (short["complete"], short["loan"]["status"]) == (False, "out")
    back = archivist.post(f"/api/custody/loans/{loan}/return", json={"pieces": 1, "pages": 8}).json()
    assert (back["complete"], back["loan"]["status"]) == (True, "returned")
    assert archivist.get(f"/api/custody/items/{item}").json()["location"] == BOX
    assert [r["id"] for r in alice.get("/api/custody/loans").json()] == [loan]
    assert world.client("bob").get("/api/custody/loans").json() == []


def test_calendar_route_estimates_later_years_and_refuses_earlier_ones(world):
    alice = world.client("alice")
    answer = alice.get("/api/custody/calendar/workdays-after", params={"date": "2026-09-30", "n": 1})
    assert answer.json() == {"date": "2026-10-08"}
    # 2027 is past chinesecalendar 1.11.0: counted on weekdays (and the company's days), and said so.
    beyond = alice.get("/api/custody/calendar/workdays-after", params={"date": "2026-12-31", "n": 5})
    assert beyond.json() == {"date": "2027-01-07", "estimated": True}
    before = alice.get("/api/custody/calendar/workdays-after", params={"date": "2003-06-02", "n": 1})
    assert before.status_code == 400 and before.json()["error"] == "calendar.uncovered"


def test_custody_routes_are_in_the_openapi_spec(world):
    paths = world.client().get("/openapi.json").json()["paths"]
    assert {"/api/custody/locations", "/api/custody/items/{item_id}", "/api/custody/loans",
            "/api/custody/loans/{loan_id}/return", "/api/custody/calendar/workdays-after"} <= set(paths)  # fmt: skip
