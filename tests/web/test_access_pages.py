"""Asking for access, the approvals inbox, and reading under the grant."""

from __future__ import annotations

import re

from tests.web.archive import add_pdf_document


def test_request_approve_and_read(tab, world):
    secret = add_pdf_document(world, "c2", "department", title="担保合同乙", lines=["机密条款 DB-9"])
    alice = tab("alice")
    assert alice.get(f"/documents/{secret}").status_code == 403

    form = alice.get(f"/access/request?document={secret}")
    assert f'value="{secret}"' in form.text
    missing = alice.post("/access/request", {"document": str(secret), "reason": "", "days": "0"})
    assert missing.status_code == 400
    assert 'id="err-reason"' in missing.text and 'id="err-days"' in missing.text
    typo = alice.post("/access/request", {"document": f"{secret} x7", "reason": "r", "days": "5"})
    assert typo.status_code == 400 and 'id="err-document"' in typo.text
    not_a_file = alice.post("/access/request", {"customer": "c2", "reason": "r", "days": "5"})
    assert not_a_file.status_code == 400 and 'id="err-customer"' in not_a_file.text
    sent = alice.post("/access/request", {"document": str(secret), "reason": "核对担保", "days": "5"})
    assert sent.status_code == 303
    request_id = int(re.search(r"sent=(\d+)", sent.headers["location"]).group(1))
    assert "审批中" in alice.get("/access").text

    assert f"request-{request_id}" not in tab("mgr1").get("/access/inbox").text  # not sales2's signer
    mgr2 = tab("mgr2")
    inbox = mgr2.get("/access/inbox")
    assert f'id="request-{request_id}"' in inbox.text and "核对担保" in inbox.text
    assert "担保合同乙" not in inbox.text  # the inbox names documents by id only
    approved = mgr2.post(f"/access/requests/{request_id}/approve", {"comment": "同意"})
    assert approved.status_code == 303

    page = alice.get(f"/documents/{secret}")
    assert page.status_code == 200 and "担保合同乙" in page.text
    assert 'class="grant"' in page.text
    mine = alice.get("/access").text
    assert "有效" in mine
    grant_id = int(re.search(r'action="/access/grants/(\d+)/revoke"', mine).group(1))
    assert tab("bob").post(f"/access/grants/{grant_id}/revoke").status_code == 403
    assert alice.post(f"/access/grants/{grant_id}/revoke").status_code == 303
    assert alice.get(f"/documents/{secret}").status_code == 403  # ended: she reads it no more


def test_refusing_needs_a_comment_shown_beside_the_request(tab, world):
    secret = add_pdf_document(world, "c2", "department", title="担保合同丙", lines=["x"])
    alice = tab("alice", "en")
    sent = alice.post("/access/request", {"document": str(secret), "reason": "need it", "days": "3"})
    request_id = int(re.search(r"sent=(\d+)", sent.headers["location"]).group(1))
    mgr2 = tab("mgr2", "en")
    refused = mgr2.post(f"/access/requests/{request_id}/refuse", {"comment": ""})
    assert refused.status_code == 400 and 'id="err-' in refused.text
    assert mgr2.post(f"/access/requests/{request_id}/refuse", {"comment": "not now"}).status_code == 303
    assert "Refused" in alice.get("/access").text
    assert alice.get(f"/documents/{secret}").status_code == 403


def test_someone_elses_request_cannot_be_signed(tab, world):
    secret = add_pdf_document(world, "c2", "department", title="担保合同丁", lines=["x"])
    alice = tab("alice")
    sent = alice.post("/access/request", {"document": str(secret), "reason": "r", "days": "3"})
    request_id = int(re.search(r"sent=(\d+)", sent.headers["location"]).group(1))
    assert tab("bob").post(f"/access/requests/{request_id}/approve", {"comment": ""}).status_code == 403


def test_a_whole_customer_file_can_be_asked_for_from_its_page(tab, world):
    c2 = world.customers["c2"]
    alice = tab("alice")
    early = alice.post("/access/request", {"customer": str(c2), "reason": "r", "days": "3"})
    assert early.status_code == 400 and 'id="err-customer"' in early.text  # nothing in it she may not read
    add_pdf_document(world, "c2", "department", title="担保合同戊", lines=["x"])
    assert f'href="/access/request?customer={c2}"' in alice.get(f"/customers/{c2}").text
    assert f'value="{c2}"' in alice.get(f"/access/request?customer={c2}").text
    sent = alice.post("/access/request", {"customer": str(c2), "reason": "年度复核", "days": "3"})
    assert sent.status_code == 303, re.findall(r"field-error[^>]*>([^<]*)", sent.text)
    assert f'href="/customers/{c2}"' in alice.get("/access").text
