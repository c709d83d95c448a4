"""POST /api/documents: returns at once with an id; the job files and indexes; bad input is a clear 4xx.

Uploads are made by the archivist; the licence is filed at company level, so the marketing director reads it.
"""

from __future__ import annotations

import pytest

from tests.api.test_cli_ingest import LICENCE
from tests.ingest import samples


def _upload(client, path, **form):
    with open(path, "rb") as fh:
        return client.post(
            "/api/documents", files={"file": (path.name, fh, "application/octet-stream")}, data=form
        )


@pytest.fixture
def archivist(world):
    return world.client("archivist")


def test_upload_returns_document_id_and_the_job_files_and_indexes_it(world, archivist, tmp_path):
    pdf = samples.write_text_pdf(tmp_path / "licence.pdf", [LICENCE])
    response = _upload(archivist, pdf)
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "ingested" and isinstance(body["document_id"], int)

    # The uploader follows the processing, though a company-level licence is not theirs to read.
    status = archivist.get(f"/api/documents/{body['document_id']}/status").json()
    assert status["state"] == "indexed" and status["pages_done"] == status["page_count"] == 1
    assert archivist.get(f"/api/documents/{body['document_id']}").status_code == 403

    director = world.client("md")
    found = director.get("/api/search", params={"q": "上海明远贸易"}).json()
    assert [h["document_id"] for h in found["hits"]] == [body["document_id"]]

    detail = director.get(f"/api/documents/{body['document_id']}").json()
    assert detail["doc_type"] == "licence" and detail["sha256"] == body["sha256"]
    assert detail["level"] == "company" and detail["access"] == {
        "reason": "access.reason.position",
        "grant_id": None,
    }

    original = director.get(f"/api/documents/{body['document_id']}/original")
    assert original.status_code == 200 and original.content == pdf.read_bytes()


def test_same_bytes_twice_give_the_existing_document(archivist, tmp_path):
    pdf = samples.write_text_pdf(tmp_path / "licence.pdf", [LICENCE])
    first = _upload(archivist, pdf).json()
    second = _upload(archivist, pdf)
    assert second.status_code == 200
    assert second.json()["status"] == "duplicate" and second.json()["document_id"] == first["document_id"]


def test_empty_upload_is_refused_in_both_languages(archivist, tmp_path):
    empty = tmp_path / "scan.pdf"
    empty.write_bytes(b"")
    response = _upload(archivist, empty)
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "input.empty"
    assert body["message_zh"] == "文件为空" and body["message_en"] == "The file is empty"


def test_message_follows_accept_language(archivist, tmp_path):
    bogus = tmp_path / "scan.pdf"
    bogus.write_text("not a pdf at all", encoding="utf-8")
    with open(bogus, "rb") as fh:
        response = archivist.post(
            "/api/documents", files={"file": ("scan.pdf", fh)}, headers={"Accept-Language": "en"}
        )
    assert response.status_code == 422
    assert response.json()["message"].startswith("Unsupported file type")


def test_oversized_upload_is_refused_and_nothing_stored(client, archivist, tmp_path):
    client.app.state.runtime.settings.max_upload_bytes = 1000
    pdf = samples.write_text_pdf(tmp_path / "licence.pdf", [LICENCE])
    response = _upload(archivist, pdf)
    assert response.status_code == 422 and response.json()["error"] == "input.too_large"
    assert list(client.app.state.runtime.store.list()) == []


def test_unknown_document_type_is_a_4xx(archivist, tmp_path):
    pdf = samples.write_text_pdf(tmp_path / "licence.pdf", [LICENCE])
    response = _upload(archivist, pdf, doc_type="nonsense")
    assert response.status_code == 400 and response.json()["error"] == "doctype.unknown"


def test_missing_file_field_is_a_translated_422(archivist):
    response = archivist.post("/api/documents", data={"customer": "x"})
    assert response.status_code == 422 and response.json()["error"] == "request.invalid"


def test_unknown_document_is_refused_like_an_unreadable_one(archivist):
    response = archivist.get("/api/documents/12345")
    assert response.status_code == 403 and response.json()["error"] == "access.denied"


def test_empty_query_is_a_4xx_not_a_500(archivist):
    assert archivist.get("/api/search", params={"q": ""}).status_code == 422


def test_auditor_may_not_upload(world, tmp_path):
    pdf = samples.write_text_pdf(tmp_path / "licence.pdf", [LICENCE])
    response = _upload(world.client("auditor"), pdf)
    assert response.status_code == 403 and response.json()["error"] == "permission.role_required"
    assert list(world.runtime.store.list()) == []
