"""Page: the review queue — the readable documents flagged for review (low OCR confidence, unclassified,
unmatched customer); an archivist or manager confirms or corrects type, customer, date and title
(workflows.corrections.confirm_review: access.metadata decides, a revision each) and takes the document off the queue (a
revision too). Who may do either is decided there; the form is api.web.metadata_form's, as on the document page.

Archive numbers are not corrected here: they are never renumbered or reused (CLS-2, access.metadata).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from access.errors import AccessDenied
from access.metadata import EDITORS
from access.policy import readable_filter
from api.params import PathId
from api.web import render
from api.web.documents import document_types
from api.web.metadata_form import MetadataFormDep, field_of
from api.web.session import RuntimeDep, Viewer, keep_refusal
from core.errors import DanganError, NotFound
from records.models import Customer, Document
from workflows.corrections import confirm_review

router = APIRouter(include_in_schema=False)
DocId = PathId
REVIEW_PAGE = 50


@router.get("/review", response_class=HTMLResponse)
def review_queue(request: Request, me: Viewer, rt: RuntimeDep) -> HTMLResponse:
    """Readable documents flagged for review (low OCR confidence, unclassified, unmatched customer)."""
    with rt.factory() as session:
        user = me.user(session)
        docs = list(
            session.scalars(
                select(Document)
                .where(Document.needs_review.is_(True), readable_filter(session, user))
                .options(selectinload(Document.customer))
                .order_by(Document.created_at.desc(), Document.id.desc())
                .limit(REVIEW_PAGE)
            )
        )
        types = document_types(session)
        customers = list(session.scalars(select(Customer).order_by(Customer.name).limit(500)))
        rows = [_review_row(d, types, customers) for d in docs]
    return render(request, "intake/review.html", rows=rows, errors={}, form={}, editor=me.has(*EDITORS))


def _review_row(doc: Document, types: list, customers: list) -> dict:
    return {
        "document_id": doc.id,
        "title": doc.title,
        "archive_no": doc.archive_no,
        "doc_type": doc.doc_type,
        "type_confidence": doc.type_confidence,
        "customer": doc.customer.name if doc.customer else None,
        "customer_id": doc.customer_id,
        "doc_date": doc.doc_date,
        "review_reasons": doc.review_reasons or [],
        "created_at": doc.created_at,
        "types": types,
        "customers": customers,
    }


@router.post("/review/{document_id}", response_class=HTMLResponse)
def confirm(
    request: Request, document_id: DocId, me: Viewer, rt: RuntimeDep, form: MetadataFormDep
) -> Response:
    """Apply the corrections (if any) and take the document off the queue; both kept as revisions."""
    errors, values = form.parse()
    if not errors:
        try:
            with rt.factory() as session, session.begin():
                corrections = {k: v for k, v in values.items() if k != "reason"}
                confirm_review(
                    session,
                    rt.index,
                    document_id=document_id,
                    actor=me.user(session),
                    reason=values["reason"],
                    corrections=corrections,
                    client=me.client,
                )
        except DanganError as error:
            keep_refusal(rt, error)
            if isinstance(error, AccessDenied | NotFound) and field_of(error.code) == "form":
                return render(
                    request, "error.html", status_code=error.status_code, code=error.code, params=error.params
                )
            errors[field_of(error.code)] = (error.code, error.params)
    if errors:
        response = review_queue(request, me, rt)
        return render(
            request,
            "intake/review.html",
            status_code=400,
            rows=response.context["rows"],
            errors={document_id: errors},
            form={document_id: form.as_dict()},
            editor=me.has(*EDITORS),
        )
    return RedirectResponse(f"/review?done={document_id}", status_code=303)
