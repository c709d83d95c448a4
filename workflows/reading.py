"""Reading a document, for the CLI, the API and the pages: every read goes through access.policy and is audited.

A read is decided and recorded in one transaction that is committed whatever the answer, so a denied
read stays in the trail (AUD-2); only then is the refusal raised.

A missing document is refused exactly like one the user may not read (403, `access.denied`): answering
404 for one and 403 for the other would tell anyone which ids hold a record. The trail keeps the truth
(`not_found`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from access.duties import uploaded
from access.errors import AccessDenied
from access.models import User
from access.policy import Decision, record_read
from core import audit
from core.errors import NotFound
from records.models import Document, Revision
from retention.views import record_retention
from storage.fixity import refuse_if_quarantined

T = TypeVar("T")


def read_document(
    factory: sessionmaker[Session],
    *,
    user_id: int,
    document_id: int,
    action: str,
    client: str,
    show: Callable[[Session, Document, Decision], T],
    uploader_may: bool = False,
) -> T:
    """Decide and record one read; `show` builds the answer when it is allowed.

    With uploader_may, the document's uploader is also answered (the status of their own capture).
    """
    with factory() as session:
        with session.begin():
            user = session.get_one(User, user_id)
            doc = session.get(Document, document_id)
            if doc is None:
                audit.record(
                    session,
                    actor=user.login,
                    role=user.role_label,
                    action=action,
                    object_type="document",
                    object_id=document_id,
                    result="not_found",
                    client=client,
                )
            elif uploader_may and uploaded(user, doc):
                audit.record(
                    session,
                    actor=user.login,
                    role=user.role_label,
                    action=action,
                    object_type="document",
                    object_id=doc.id,
                    archive_no=doc.archive_no,
                    client=client,
                    details={"reason": "access.reason.uploader", "level": doc.level},
                )
                return show(session, doc, Decision(True, "access.reason.uploader"))
            else:
                decision = record_read(session, user=user, document=doc, action=action, client=client)
                if decision.allowed:
                    return show(session, doc, decision)
        # Committed: the refusal is in the trail.
        if doc is None:
            raise AccessDenied("access.denied")  # the same answer as for a record one may not read
        raise AccessDenied(decision.reason_code)


def status_view(session: Session, doc: Document, decision: Decision) -> dict:
    """Processing state: queued → processing (page k of n) → filed → indexed, or failed."""
    return {
        "document_id": doc.id,
        "state": doc.state,
        "pages_done": doc.pages_done,
        "page_count": doc.page_count,
        "error": doc.error,
    }


def history_view(session: Session, doc: Document, decision: Decision) -> dict:
    """The document's metadata revisions, oldest first (POL-10)."""
    revisions = session.scalars(
        select(Revision).where(Revision.document_id == doc.id).order_by(Revision.at, Revision.id)
    )
    return {
        "document_id": doc.id,
        "revisions": [
            {
                "id": r.id,
                "at": r.at.isoformat(),
                "actor": r.actor,
                "reason": r.reason,
                "before": r.before,
                "after": r.after,
            }
            for r in revisions
        ],
    }


def original_view(session: Session, doc: Document, decision: Decision) -> tuple[str, str, str]:
    """Where the original's bytes are: (object key, MIME type, file name)."""
    if doc.state in ("destroying", "destroyed"):  # destroyed by a batch: only its residual record remains
        raise NotFound("batch.item.destroyed", id=doc.id, archive_no=doc.archive_no or "")
    refuse_if_quarantined(
        session, doc.object_key
    )  # failed fixity: say so rather than serve bad bytes (FIX-4)
    return doc.object_key, doc.mime, doc.original_filename


def detail_view(session: Session, doc: Document, decision: Decision) -> dict[str, Any]:
    """Everything about one document, for `show --json` and GET /api/documents/ID."""
    ex = doc.extracted or {}
    return {
        "document_id": doc.id,
        "title": doc.title,
        "doc_type": doc.doc_type,
        "type_confidence": doc.type_confidence,
        "archive_no": doc.archive_no,
        "customer": doc.customer.name if doc.customer else None,
        "customer_id": doc.customer_id,
        "sha256": doc.sha256,
        "size": doc.size,
        "mime": doc.mime,
        "original_filename": doc.original_filename,
        "level": doc.level,
        "state": doc.state,
        "error": doc.error,
        "doc_date": doc.doc_date.isoformat() if doc.doc_date else None,
        "needs_review": doc.needs_review,
        "review_reasons": doc.review_reasons,
        "page_count": doc.page_count,
        "pages_done": doc.pages_done,
        "created_at": doc.created_at.isoformat(),
        "access": {"reason": decision.reason_code, "grant_id": decision.grant_id},
        "retention": record_retention(session, doc.id),  # due date and why (RET-2)
        "pages": [
            {
                "number": p.number,
                "text": p.text,
                "method": p.method,
                "confidence": p.confidence,
                "rotation": p.rotation,
                "engine": p.engine,  # issue 18: the OCR engine kept, its clean-ups, the seals found
                "steps": p.steps or [],
                "seals": p.seals or [],
            }
            for p in doc.pages
        ],
        "derivatives": [{"kind": d.kind, "sha256": d.sha256, "size": d.size} for d in doc.derivatives],
        "extracted": {
            k: ex.get(k, []) for k in ("dates", "contract_numbers", "amounts", "credit_codes", "phones")
        }
        | {"customer": ex.get("customer", []), "doc_date": ex.get("doc_date")},
    }


def document_detail(
    factory: sessionmaker[Session], *, user_id: int, document_id: int, client: str = ""
) -> dict:
    """The document for a user cleared to read it (the view is audited, with the grant it relied on)."""
    return read_document(
        factory, user_id=user_id, document_id=document_id, action="view", client=client, show=detail_view
    )
