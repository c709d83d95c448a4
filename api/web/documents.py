"""Page: one document — page images beside their text, metadata and its history, the customer file,
downloads (audited) and, for a user who may not read it, only a way to ask for access.

Every read goes through workflows.reading.read_document (access.policy.record_read): the page, each page image
and each download is decided and recorded; a refusal shows nothing of the document but its id.
"""

from __future__ import annotations

from functools import partial
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response, StreamingResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from access.duties import CAPTURE_ROLES
from access.errors import AccessDenied
from access.metadata import EDITORS
from access.models import User
from access.policy import Decision, readable_filter
from api.params import PathId
from api.web import render
from api.web.metadata_form import MetadataFormDep, field_of
from api.web.session import RuntimeDep, Viewer, WebUser, keep_refusal
from core.errors import DanganError, NotFound
from records.models import Customer, Document, DocumentType
from storage.fixity import refuse_if_quarantined
from workflows import custody_records, reading, recovery
from workflows.corrections import correct_metadata
from workflows.page_images import page_image
from workflows.uploads import CHUNK

router = APIRouter(include_in_schema=False)
DocId = PathId
NEIGHBOURS = 8  # other documents of the customer file shown beside a document


def document_types(session: Session) -> list[DocumentType]:
    return list(session.scalars(select(DocumentType).order_by(DocumentType.position, DocumentType.code)))


def _page_view(
    session: Session, doc: Document, decision: Decision, *, user_id: int, editor: bool
) -> dict[str, Any]:
    detail = reading.detail_view(session, doc, decision)
    detail["history"] = reading.history_view(session, doc, decision)["revisions"]
    detail["customer_file"] = doc.customer
    detail["neighbours"] = _neighbours(session, doc, session.get_one(User, user_id))
    # The correction form's choices, only for those who may correct (a grant lends reading only).
    editing = editor and decision.grant_id is None
    detail["types"] = document_types(session) if editing else []
    detail["customers"] = (
        list(session.scalars(select(Customer).order_by(Customer.name).limit(500))) if editing else []
    )
    return detail


def _neighbours(session: Session, doc: Document, user: User) -> list[tuple[int, str, str | None]]:
    """The newest other documents of the same customer file that the user may read (id, title, number)."""
    if doc.customer_id is None:
        return []
    rows = session.execute(
        select(Document.id, Document.title, Document.archive_no)
        .where(Document.customer_id == doc.customer_id, Document.id != doc.id, readable_filter(session, user))
        .order_by(Document.created_at.desc(), Document.id.desc())
        .limit(NEIGHBOURS)
    )
    return [tuple(row) for row in rows]


def _denied(request: Request, document_id: int, error: AccessDenied) -> HTMLResponse:
    return render(request, "documents/denied.html", status_code=403, document_id=document_id, code=error.code)


def _show(request: Request, me: WebUser, rt: RuntimeDep, document_id: int, **extra: Any) -> HTMLResponse:
    try:
        doc = reading.read_document(
            rt.factory,
            user_id=me.user_id,
            document_id=document_id,
            action="view",
            client=me.client,
            show=partial(_page_view, user_id=me.user_id, editor=me.has(*EDITORS)),
        )
    except AccessDenied as error:
        return _denied(request, document_id, error)
    can_edit = me.has(*EDITORS) and doc["access"]["grant_id"] is None
    status = 400 if extra.get("errors") else 200
    with rt.factory() as session, session.begin():  # issue 13: where the paper original is, and if it is out
        originals = custody_records.originals_of(session, document_id=document_id, actor=me.user(session),
                                                 client=me.client)  # fmt: skip
    return render(
        request,
        "documents/show.html",
        status_code=status,
        doc=doc,
        can_edit=can_edit,
        low=rt.settings.ocr_low_confidence,
        errors=extra.get("errors", {}),
        form=extra.get("form", {}),
        saved=request.query_params.get("saved") == "1",
        retried=request.query_params.get("retried") == "1",
        can_retry=me.has(*CAPTURE_ROLES),
        originals=originals,
    )


@router.get("/documents/{document_id}", response_class=HTMLResponse)
def show(request: Request, document_id: DocId, me: Viewer, rt: RuntimeDep) -> HTMLResponse:
    return _show(request, me, rt, document_id)


@router.get("/documents/{document_id}/pages/{number}.png")
def page_png(request: Request, document_id: DocId, number: int, me: Viewer, rt: RuntimeDep) -> Response:
    """One page as an image (audited as a page view)."""
    found = reading.read_document(
        rt.factory,
        user_id=me.user_id,
        document_id=document_id,
        action="view.page",
        client=me.client,
        show=_page_source,
    )
    sha256, key, mime, count = found
    if not 1 <= number <= max(count, 1):
        raise NotFound("ui.page.unavailable", number=number)
    path = page_image(rt, sha256=sha256, object_key=key, mime=mime, number=number)
    return FileResponse(path, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})


def _page_source(session: Session, doc: Document, decision: Decision) -> tuple[str, str, str, int]:
    """What a page image is rendered from; a destroyed record has only its residual record (404)."""
    key, mime, _ = reading.original_view(session, doc, decision)
    return doc.sha256, key, mime, doc.page_count


def _download(rt: RuntimeDep, key: str, mime: str, name: str) -> StreamingResponse:
    def chunks():  # type: ignore[no-untyped-def]
        with rt.store.open(key) as fh:
            while chunk := fh.read(CHUNK):
                yield chunk

    headers = {"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name, safe='')}"}
    return StreamingResponse(chunks(), media_type=mime, headers=headers)


@router.get("/documents/{document_id}/original")
def original(document_id: DocId, me: Viewer, rt: RuntimeDep) -> StreamingResponse:
    """The original file (audited as a download)."""
    key, mime, name = reading.read_document(
        rt.factory,
        user_id=me.user_id,
        document_id=document_id,
        action="download",
        client=me.client,
        show=reading.original_view,
    )
    return _download(rt, key, mime, name)


def _searchable(session: Session, doc: Document, decision: Decision) -> tuple[str, str] | None:
    for derivative in doc.derivatives:
        if derivative.kind == "searchable_pdf":
            refuse_if_quarantined(session, derivative.object_key)  # failed fixity (FIX-4, issue 14)
            return derivative.object_key, f"{doc.archive_no or doc.id}.pdf"
    return None


@router.get("/documents/{document_id}/searchable")
def searchable(document_id: DocId, me: Viewer, rt: RuntimeDep) -> StreamingResponse:
    """The searchable PDF made from the original (audited as a download)."""
    found = reading.read_document(
        rt.factory,
        user_id=me.user_id,
        document_id=document_id,
        action="download.searchable",
        client=me.client,
        show=_searchable,
    )
    if found is None:
        raise NotFound("ui.document.no_searchable")
    return _download(rt, found[0], "application/pdf", found[1])


@router.post("/documents/{document_id}/retry", response_class=HTMLResponse)
def retry(request: Request, document_id: DocId, me: Viewer, rt: RuntimeDep) -> Response:
    """Read, file and index a failed document again (workflows.recovery: those who capture and read it)."""
    try:
        login = recovery.queue_retry(rt, document_id=document_id, user_id=me.user_id, client=me.client)
    except DanganError as error:
        keep_refusal(rt, error)
        return render(
            request, "error.html", status_code=error.status_code, code=error.code, params=error.params
        )
    request.app.state.queue.dangan_process(document_id, login)
    return RedirectResponse(f"/documents/{document_id}?retried=1", status_code=303)


@router.post("/documents/{document_id}/metadata", response_class=HTMLResponse)
def correct(
    request: Request, document_id: DocId, me: Viewer, rt: RuntimeDep, form: MetadataFormDep
) -> Response:
    """Correct type, title, date or customer file (workflows.corrections.correct_metadata: a revision)."""
    errors, values = form.parse()
    if not errors:
        try:
            with rt.factory() as session, session.begin():
                correct_metadata(
                    session,
                    rt.index,
                    document_id=document_id,
                    actor=me.user(session),
                    client=me.client,
                    **values,
                )
        except DanganError as error:
            keep_refusal(rt, error)
            if isinstance(error, AccessDenied):
                return render(request, "error.html", status_code=403, code=error.code, params=error.params)
            errors[field_of(error.code)] = (error.code, error.params)
    if errors:
        return _show(request, me, rt, document_id, errors=errors, form=form.as_dict())
    return RedirectResponse(f"/documents/{document_id}?saved=1", status_code=303)
