"""REST under /api/retention: a batch from due list to register, refusals as 409 naming records."""

from __future__ import annotations

from datetime import date

import pytest

from tests.api.world import build_world
from tests.retention.conftest import add_record

OLD = date(2010, 3, 5)


@pytest.fixture
def api_world(client):
    return build_world(client.app, client.app.state.runtime)


def test_batch_through_the_api_and_the_document_shows_its_due_date(api_world):
    w = api_world
    officer, mgr1, gm = w.client("officer"), w.client("mgr1"), w.client("gm")
    docs = [add_record(w, doc_date=OLD) for _ in range(2)]
    held = add_record(w, doc_date=OLD)
    shown = w.client("archivist").get(f"/api/documents/{docs[0]}", params={"lang": "en"}).json()
    assert shown["retention"]["due_date"] == "2021-01-01"
    assert shown["retention"]["reasoning_en"] == "10 years from document date 2010-03-05 → 2021-01-01"
    due = officer.get("/api/retention/due").json()
    assert {d["document_id"] for d in due} == {*docs, held}
    hold = officer.post("/api/retention/holds", json={"name": "诉讼", "reason": "法院", "scope": "documents",
                                                      "document_ids": [held]})  # fmt: skip
    assert hold.status_code == 201
    refused = officer.post(
        "/api/retention/batches", json={"document_ids": [*docs, held]}, params={"lang": "en"}
    )
    assert refused.status_code == 409 and f"#{held}" in refused.json()["message_zh"]
    batch = officer.post("/api/retention/batches", json={"document_ids": docs}).json()["id"]
    assert (
        officer.post(f"/api/retention/batches/{batch}/appraise", json={"opinion": "到期"}).status_code == 200
    )
    assert mgr1.post(f"/api/retention/batches/{batch}/approve", json={}).json()["state"] == "appraised"
    assert gm.post(f"/api/retention/batches/{batch}/approve", json={}).json()["state"] == "approved"
    report = officer.post(f"/api/retention/batches/{batch}/execute", json={}).json()
    assert report["state"] == "destroyed" and sorted(report["destroyed"]) == sorted(docs)
    pdf = w.client("auditor").get(f"/api/retention/batches/{batch}/register/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and len(pdf.headers["x-sha256"]) == 64
    csv = officer.get(f"/api/retention/batches/{batch}/register/csv")
    assert csv.status_code == 200 and str(docs[0]) in csv.text
    released = officer.post(f"/api/retention/holds/{hold.json()['id']}/release", json={"reason": "结案"})
    assert released.status_code == 200 and not released.json()["active"]


def test_original_of_a_destroyed_record_is_not_found_not_an_error(api_world):
    from tests.retention.helpers import approved_batch, execute

    doc = add_record(api_world, doc_date=OLD)
    execute(api_world, approved_batch(api_world, [doc]))
    response = api_world.client("archivist").get(f"/api/documents/{doc}/original")
    assert response.status_code == 404 and f"#{doc}" in response.json()["message"]
