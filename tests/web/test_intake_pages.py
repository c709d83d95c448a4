"""Intake: one file per upload request, its row following the processing; the review queue."""

from __future__ import annotations

import io
import re

from records.models import Document
from tests.ingest.samples import render_page
from tests.web.archive import add_pdf_document


def _png() -> bytes:
    out = io.BytesIO()
    render_page(["合同编号：HT-2024-0012", "签订日期：2024年2月20日"], title="借款合同", dpi=150).save(
        out, "PNG"
    )
    return out.getvalue()


def test_an_upload_answers_with_its_row_which_follows_the_document(tab):
    archivist = tab("archivist")
    assert 'id="files"' in archivist.get("/intake").text
    response = archivist.post("/intake/upload", files={"file": ("scan.png", _png(), "image/png")})
    assert response.status_code == 202
    document_id = int(re.search(r'data-document="(\d+)"', response.text).group(1))
    row = archivist.get(f"/intake/status/{document_id}?name=scan.png")  # the queue runs inline in tests
    assert row.status_code == 200
    assert "已编入索引" in row.text and "hx-trigger" not in row.text  # done: no more polling
    assert f'href="/documents/{document_id}"' in row.text
    again = archivist.post("/intake/upload", files={"file": ("again.png", _png(), "image/png")})
    assert again.status_code == 200 and f"已是档案 {document_id}" in again.text


def test_a_rejected_file_says_why_in_both_languages(tab):
    response = tab("archivist", "en").post(
        "/intake/upload", files={"file": ("notes.pdf", b"just some words", "application/pdf")}
    )
    assert response.status_code == 422
    assert "rejected" in response.text
    assert 'lang="zh-CN"' in response.text and 'lang="en"' in response.text
    assert "hx-trigger" not in response.text


def test_a_pending_row_polls_with_htmx(tab, world):
    document_id = add_pdf_document(world, "c1", "internal", title="t", lines=["x"])
    with world.runtime.factory() as session, session.begin():
        doc = session.get(Document, document_id)
        doc.state, doc.pages_done, doc.page_count = "processing", 2, 5
    row = tab("bob").get(f"/intake/status/{document_id}")
    assert 'hx-trigger="every 2s"' in row.text and "第 2 / 5 页" in row.text


def test_intake_is_for_those_who_capture(tab):
    auditor = tab("auditor")
    assert auditor.get("/intake").status_code == 403
    assert auditor.post("/intake/upload", files={"file": ("a.png", _png(), "image/png")}).status_code == 403
