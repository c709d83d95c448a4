"""Page: intake — drag-and-drop upload with per-file progress and live processing state.

An upload is one file per request (the page sends each file with its own XHR, so each has its own progress
bar) through workflows.uploads.take_upload — the same capture, duplicate check and rejections as the API and the
CLI — then queued for processing. Its row polls /intake/status/ID (htmx) until the document is indexed,
failed or rejected. The review queue is in api/web/review.py.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse

from access.duties import require_capture
from api.params import PathId, clean_filename
from api.web import render
from api.web.session import RuntimeDep, Viewer
from core.errors import DanganError
from workflows import reading
from workflows.uploads import take_upload

router = APIRouter(include_in_schema=False)
DocId = PathId
Field = Annotated[str, Form(max_length=2000)]


@router.get("/intake", response_class=HTMLResponse)
def intake(request: Request, me: Viewer, rt: RuntimeDep) -> HTMLResponse:
    with rt.factory() as session:
        require_capture(me.user(session), client=me.client)
    return render(request, "intake/upload.html", max_bytes=rt.settings.max_upload_bytes)


@router.post("/intake/upload", response_class=HTMLResponse)
def upload(request: Request, me: Viewer, rt: RuntimeDep, file: Annotated[UploadFile, File()]) -> HTMLResponse:
    """Take one file; answers with its row (202 queued, 200 duplicate, 422 rejected with the reason)."""
    with rt.factory() as session:
        require_capture(me.user(session), client=me.client)
    name = clean_filename(file.filename or "") or "upload"
    try:
        got = take_upload(rt, file.file, filename=name, actor=me.login, client=me.client)
    except DanganError as error:
        return render(request, "intake/_row.html", status_code=422, name=name, row=None, error=error)
    if got.error is not None:
        return render(request, "intake/_row.html", status_code=422, name=name, row=None, error=got.error)
    if got.status == "ingested":
        request.app.state.queue.dangan_process(got.document_id, me.login, None, None)
    row = {"document_id": got.document_id, "state": "queued" if got.status == "ingested" else "duplicate"}
    return render(
        request,
        "intake/_row.html",
        status_code=202 if got.status == "ingested" else 200,
        name=name,
        row=row,
        error=None,
    )


@router.get("/intake/status/{document_id}", response_class=HTMLResponse)
def status(request: Request, document_id: DocId, me: Viewer, rt: RuntimeDep) -> HTMLResponse:
    """The row of one upload, for its uploader and its readers (audited like GET /api/documents/ID/status)."""
    row = reading.read_document(
        rt.factory,
        user_id=me.user_id,
        document_id=document_id,
        action="status",
        client=me.client,
        show=reading.status_view,
        uploader_may=True,
    )
    return render(request, "intake/_row.html", name=request.query_params.get("name", ""), row=row, error=None)
