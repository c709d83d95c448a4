"""REST: upload, status, detail, original download, history, confidentiality level and search.

Every read goes through workflows.reading.read_document (access.policy.record_read): a refusal is a 403 with a
one-line reason and an audit event; a read under a grant records the grant id.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, Field
from sqlalchemy import select

from access.duties import require_capture
from api.auth import CurrentUser, RuntimeDep
from api.i18n import language
from api.openapi import SIGNED_IN, answers, binary
from api.params import MAX_ID, PathId, clean_filename
from core.errors import DanganError
from core.messages import translate
from records.models import Document, DocumentType
from workflows import corrections, reading, recovery, searching
from workflows.uploads import CHUNK, take_upload

router = APIRouter(prefix="/api", tags=["documents"])
READ = SIGNED_IN  # a missing record answers 403 like one the caller may not read (workflows.reading)


class MetadataBody(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)
    doc_type: str | None = Field(None, max_length=40, description="Document type code")
    title: str | None = Field(None, max_length=500)
    doc_date: date | None = None
    customer_id: int | None = Field(None, ge=1, le=MAX_ID)


class LevelBody(BaseModel):
    level: str = Field(description="internal, department, company or personal")
    reason: str = Field(min_length=1, max_length=2000)


@router.get("/health")
def health() -> dict:
    """Liveness probe (no sign-in needed)."""
    return {"status": "ok"}


@router.post("/documents", status_code=202, responses=SIGNED_IN | answers(400, 409, 503))
def upload(
    request: Request,
    caller: CurrentUser,
    rt: RuntimeDep,
    file: Annotated[UploadFile, File(description="The scan or PDF.")],
    customer: Annotated[str | None, Form()] = None,
    doc_type: Annotated[str | None, Form()] = None,
) -> JSONResponse:
    """Take one file as the signed-in archivist, staff member or admin; returns at once with the document id."""
    with rt.factory() as session:
        require_capture(caller.user(session), client=caller.client)
        if doc_type and session.get(DocumentType, doc_type) is None:
            raise DanganError("doctype.unknown", name=doc_type)
    got = take_upload(
        rt,
        file.file,
        filename=clean_filename(file.filename or "") or "upload",
        actor=caller.login,
        client=caller.client,
    )
    if got.error is not None:
        raise got.error
    if got.status == "ingested":
        request.app.state.queue.dangan_process(got.document_id, caller.login, customer, doc_type)
    state = None
    if got.document_id is not None:  # None: a duplicate of a record the caller may not know of
        with rt.factory() as session:
            state = session.scalar(select(Document.state).where(Document.id == got.document_id))
    body = {"document_id": got.document_id, "status": got.status, "sha256": got.sha256, "state": state}
    if got.reason_code:
        body |= {"message_zh": translate(got.reason_code, "zh-CN", id=got.document_id),
                 "message_en": translate(got.reason_code, "en", id=got.document_id)}  # fmt: skip
    return JSONResponse(body, status_code=202 if got.status == "ingested" else 200)


@router.get("/documents/{document_id}/status", responses=READ)
def status(document_id: PathId, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """Processing state, for readers of the document and for its uploader (audited)."""
    return reading.read_document(
        rt.factory,
        user_id=caller.user_id,
        document_id=document_id,
        action="status",
        client=caller.client,
        show=reading.status_view,
        uploader_may=True,
    )


@router.get("/documents/{document_id}", responses=READ)
def detail(document_id: PathId, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """The document with pages, extracted fields and derivatives (audited as a view)."""
    return reading.document_detail(
        rt.factory, user_id=caller.user_id, document_id=document_id, client=caller.client
    )


@router.get("/documents/{document_id}/similar", responses=READ)
def similar(
    document_id: PathId, caller: CurrentUser, rt: RuntimeDep, limit: Annotated[int, Query(ge=1, le=50)] = 10
) -> dict:
    """Documents like this one, among those the user may read (audited as a read and a search)."""
    return searching.similar_documents(
        rt.factory,
        rt.index,
        user_id=caller.user_id,
        document_id=document_id,
        limit=limit,
        client=caller.client,
    ).as_json()


@router.get(
    "/documents/{document_id}/original",
    response_class=StreamingResponse,
    responses=binary("application/pdf", "image/png", "image/jpeg", "image/tiff") | READ | answers(404, 409),
)
def original(document_id: PathId, caller: CurrentUser, rt: RuntimeDep) -> StreamingResponse:
    """Download the original, streamed from the store (audited as a download)."""
    key, mime, name = reading.read_document(
        rt.factory,
        user_id=caller.user_id,
        document_id=document_id,
        action="download",
        client=caller.client,
        show=reading.original_view,
    )

    def chunks():  # type: ignore[no-untyped-def]
        with rt.store.open(key) as fh:
            while chunk := fh.read(CHUNK):
                yield chunk

    headers = {"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name, safe='')}"}
    return StreamingResponse(chunks(), media_type=mime, headers=headers)


@router.post("/documents/{document_id}/retry", status_code=202, responses=SIGNED_IN | answers(404, 409))
def retry(document_id: PathId, request: Request, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """Read, file and index a failed or interrupted document again: those who capture and may read it
    (audited); 409 for a document that needs no retry."""
    login = recovery.queue_retry(rt, document_id=document_id, user_id=caller.user_id, client=caller.client)
    request.app.state.queue.dangan_process(document_id, login)
    return {"document_id": document_id, "state": "queued"}


@router.get("/documents/{document_id}/history", responses=READ)
def history(document_id: PathId, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """The document's metadata revisions (who, when, why, before/after), for its readers (audited)."""
    return reading.read_document(
        rt.factory,
        user_id=caller.user_id,
        document_id=document_id,
        action="history",
        client=caller.client,
        show=reading.history_view,
    )


@router.put("/documents/{document_id}/level", responses=READ | answers(400, 409))
def document_level(document_id: PathId, body: LevelBody, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """Set a document's level: a manager who reads it by right (not by a grant); kept as a revision."""
    with rt.factory() as session, session.begin():
        change = corrections.set_document_level(
            session,
            rt.index,
            document_id=document_id,
            level=body.level,
            actor=caller.user(session),
            reason=body.reason,
            client=caller.client,
        )
    return asdict(change)


@router.put("/documents/{document_id}/metadata", responses=READ | answers(400, 409))
def document_metadata(document_id: PathId, body: MetadataBody, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """Correct type, title, date or customer file: an archivist or manager who reads it by right; a revision."""
    with rt.factory() as session, session.begin():
        change = corrections.correct_metadata(
            session,
            rt.index,
            document_id=document_id,
            actor=caller.user(session),
            client=caller.client,
            **body.model_dump(),
        )
    return asdict(change)


@router.put("/customers/{customer_id}/level", responses=SIGNED_IN | answers(400, 404, 409))
def customer_level(customer_id: PathId, body: LevelBody, caller: CurrentUser, rt: RuntimeDep) -> dict:
    """Set a customer file's level (it picks the approval chain for requests for the whole file)."""
    with rt.factory() as session, session.begin():
        return asdict(
            corrections.set_customer_level(
                session,
                customer_id=customer_id,
                level=body.level,
                actor=caller.user(session),
                reason=body.reason,
                client=caller.client,
            )
        )


@router.get("/search", responses=SIGNED_IN | answers(400))
def search_documents(
    request: Request,
    caller: CurrentUser,
    rt: RuntimeDep,
    q: Annotated[str, Query(min_length=1, max_length=1000, description="The query.")],
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
    sort: Annotated[str, Query(pattern="^(relevance|date|-date|archive_no)$")] = "relevance",
    facets: Annotated[
        bool,
        Query(
            description="Add counts per type, customer, year and level (the 30 most frequent values each)."
        ),
    ] = False,
) -> dict:
    """Full-text search over what the signed-in user may read (hits, total, facets and snippets alike)."""
    return searching.search_documents(
        rt.factory,
        rt.index,
        user_id=caller.user_id,
        query=q,
        limit=limit,
        offset=offset,
        sort=sort,
        facets=facets,
        client=caller.client,
        language=language(request),
    ).as_json()
