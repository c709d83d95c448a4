"""The retention pages (api/web/retention.py) in-process: schedule, due list → batch, approvals, execution,
register — each page shown to those whose work it is."""

from __future__ import annotations

import re
import time
from datetime import date

from tests.retention.conftest import add_record
from tests.web.conftest import tab, text_of, world  # noqa: F401 - the web UI's fixtures

OLD = date(2010, 3, 5)


def test_whole_batch_through_the_pages(tab, world):  # noqa: F811
    docs = [add_record(world, doc_date=OLD, title=f"往来函件{i}") for i in range(2)]
    officer, mgr1, gm, alice = tab("officer"), tab("mgr1"), tab("gm"), tab("alice")
    assert "30" in text_of(officer.get("/retention").text)
    assert alice.get("/retention/due").status_code == 403
    due = officer.get("/retention/due")
    assert all(f'value="{d}"' in due.text for d in docs)
    created = officer.post("/retention/batches", {"document": [str(d) for d in docs], "note": "年度销毁"})
    assert created.status_code == 303
    batch = int(re.search(r"/retention/batches/(\d+)", created.headers["location"]).group(1))
    assert officer.post(f"/retention/batches/{batch}/appraise", {"opinion": "无保存价值"}).status_code == 303
    assert mgr1.post(f"/retention/batches/{batch}/approve", {}).status_code == 303
    assert mgr1.post(f"/retention/batches/{batch}/approve", {}).status_code == 409  # once each
    assert gm.post(f"/retention/batches/{batch}/approve", {}).status_code == 303
    assert officer.post(f"/retention/batches/{batch}/execute", {}).status_code == 303
    deadline = time.monotonic() + 60
    while "已销毁 2/2" not in text_of(officer.get(f"/retention/batches/{batch}/progress").text):
        assert time.monotonic() < deadline
        time.sleep(0.2)
    page = officer.get(f"/retention/batches/{batch}").text
    assert "register.pdf" in page and "往来函件0" in page
    assert officer.get(f"/retention/batches/{batch}/register.pdf").content.startswith(b"%PDF")


def test_batch_page_names_each_refused_record(tab, world):  # noqa: F811
    young = add_record(world, doc_date=date(2055, 1, 1))
    refused = tab("officer", "en").post("/retention/batches", {"document": [str(young)]})
    assert (
        refused.status_code == 409
        and f"#{young}" in refused.text
        and "not due until 2066-01-01" in refused.text
    )


def test_document_page_shows_the_due_date_and_why(tab, world):  # noqa: F811
    doc = add_record(world, doc_type="contract", contract_end="2024-12-31")
    page = text_of(tab("archivist", "en").get(f"/documents/{doc}?lang=en").text)
    assert "30 years from contract end 2024-12-31 → 2055-01-01" in page
