"""REST: upload, status, detail, original download and search."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import JSONResponse, StreamingResponse
from sqlalchemy import select

from api.finding import document_detail, run_search
from api.runtime import Runtime
from core import audit
from core.errors import DanganError, NotFound, RejectedInput
from ingest.receive import receive
from records.models import Document, DocumentType

router = APIRouter(prefix="/api", tags=["documents"])
ACTOR = "api"  # replaced by the signed-in user when accounts arrive
CHUNK = 1024 * 1024


def _runtime(request: Request) -> Runtime:
    return request.app.state.runtime


def _client(request: Request) -> str:
    return request.client.host if request.client else ""


@router.get("/health")
def health() -> dict:
    """Liveness probe."""
    return {"status": "ok"}


@router.post("/documents", status_code=202)
def upload(
    request: Request,
    file: Annotated[UploadFile, File(description="The scan or PDF.")],
    customer: Annotated[str | None, Form()] = None,
    doc_type: Annotated[str | None, Form()] = None,
) -> JSONResponse:
    """Take one file; returns at once with the document id while OCR and indexing run in the background."""
    runtime = _runtime(request)
    settings = runtime.settings
    if doc_type:
        with runtime.factory() as session:
            if session.get(DocumentType, doc_type) is None:
                raise DanganError("doctype.unknown", name=doc_type)
    tmp_root = settings.home / "tmp"
    tmp_root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=tmp_root) as workdir:
        path = Path(workdir) / "upload"
        digest, size = hashlib.sha256(), 0
        with open(path, "wb") as out:
            while chunk := file.file.read(CHUNK):
                size += len(chunk)
                if size > settings.max_upload_bytes:
                    raise RejectedInput(
                        "input.too_large",
                        size=f">{settings.max_upload_bytes}",
                        limit=settings.max_upload_bytes,
                    )
                digest.update(chunk)
                out.write(chunk)
        got = receive(
            runtime.factory,
            runtime.store,
            settings,
            path=path,
            filename=file.filename or "upload",
            actor=ACTOR,
            source="api",
            sha256=digest.hexdigest(),
            client=_client(request),
        )
    if got.error is not None:
        raise got.error
    if got.status == "ingested":
        request.app.state.queue.dangan_process(got.document_id, ACTOR, customer, doc_type)
    with runtime.factory() as session:
        state = session.scalar(select(Document.state).where(Document.id == got.document_id))
    body = {"document_id": got.document_id, "status": got.status, "sha256": got.sha256, "state": state}
    return JSONResponse(body, status_code=202 if got.status == "ingested" else 200)


@router.get("/documents/{document_id}/status")
def status(request: Request, document_id: int) -> dict:
    """Processing state: queued → processing (page k of n) → filed → indexed, or failed."""
    with _runtime(request).factory() as session:
        doc = session.get(Document, document_id)
        if doc is None:
            raise NotFound("document.not_found", id=document_id)
        return {
            "document_id": doc.id,
            "state": doc.state,
            "pages_done": doc.pages_done,
            "page_count": doc.page_count,
            "error": doc.error,
        }


@router.get("/documents/{document_id}")
def detail(request: Request, document_id: int) -> dict:
    """The document with pages, extracted fields and derivatives."""
    with _runtime(request).factory() as session, session.begin():
        return document_detail(session, document_id=document_id, actor=ACTOR, client=_client(request))


@router.get("/documents/{document_id}/original")
def original(request: Request, document_id: int) -> StreamingResponse:
    """Download the original, streamed from the store (audited)."""
    runtime = _runtime(request)
    with runtime.factory() as session, session.begin():
        doc = session.get(Document, document_id)
        if doc is None:
            raise NotFound("document.not_found", id=document_id)
        audit.record(
            session,
            actor=ACTOR,
            action="download",
            object_type="document",
            object_id=doc.id,
            archive_no=doc.archive_no,
            client=_client(request),
        )
        key, mime, name = doc.object_key, doc.mime, doc.original_filename

    def chunks():  # type: ignore[no-untyped-def]
        with runtime.store.open(key) as fh:
            while chunk := fh.read(CHUNK):
                yield chunk

    headers = {"Content-Disposition": f"attachment; filename*=UTF-8''{_quote(name)}"}
    return StreamingResponse(chunks(), media_type=mime, headers=headers)


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")


@router.get("/search")
def search_documents(
    request: Request,
    q: Annotated[str, Query(min_length=1, max_length=1000, description="The query.")],
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> dict:
    """Full-text search with highlighted snippets."""
    runtime = _runtime(request)
    with runtime.factory() as session, session.begin():
        return run_search(
            session, runtime.index, query=q, limit=limit, offset=offset, actor=ACTOR, client=_client(request)
        )
