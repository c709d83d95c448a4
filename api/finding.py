"""Search and show: what the CLI and API return for a query or a document."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from core import audit
from core.errors import NotFound
from records.models import Document
from search.highlight import snippet
from search.index import SearchIndex
from search.query import search


def run_search(
    session: Session,
    index: SearchIndex,
    *,
    query: str,
    limit: int = 10,
    offset: int = 0,
    actor: str,
    client: str = "",
) -> dict:
    """Hits with titles, archive numbers and highlighted snippets cut from the database text."""
    result = search(index, query, limit=limit, offset=offset)
    ids = [h.document_id for h in result.hits]
    docs = {
        d.id: d
        for d in session.scalars(
            select(Document)
            .where(Document.id.in_(ids))
            .options(selectinload(Document.pages), selectinload(Document.customer))
        )
    }
    hits = []
    for hit in result.hits:
        doc = docs.get(hit.document_id)
        if doc is None:  # in the index but gone from the database; `dangan check` repairs it
            continue
        hits.append(
            {
                "document_id": doc.id,
                "sha256": doc.sha256,
                "title": doc.title,
                "archive_no": doc.archive_no,
                "doc_type": doc.doc_type,
                "customer": doc.customer.name if doc.customer else None,
                "score": round(float(hit.score), 4),
                "snippet": snippet(doc.text, query),
            }
        )
    audit.record(
        session,
        actor=actor,
        action="search",
        client=client,
        details={"query": query[:500], "total": result.total, "returned": len(hits)},
    )
    return {"total": result.total, "hits": hits}


def document_detail(session: Session, *, document_id: int, actor: str, client: str = "") -> dict:
    """Everything about one document, for `show --json` and GET /api/documents/ID."""
    doc = session.scalar(
        select(Document)
        .where(Document.id == document_id)
        .options(
            selectinload(Document.pages), selectinload(Document.customer), selectinload(Document.derivatives)
        )
    )
    if doc is None:
        audit.record(
            session,
            actor=actor,
            action="view",
            object_type="document",
            object_id=document_id,
            result="not_found",
            client=client,
        )
        raise NotFound("document.not_found", id=document_id)
    audit.record(
        session,
        actor=actor,
        action="view",
        object_type="document",
        object_id=doc.id,
        archive_no=doc.archive_no,
        client=client,
    )
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
        "pages": [
            {
                "number": p.number,
                "text": p.text,
                "method": p.method,
                "confidence": p.confidence,
                "rotation": p.rotation,
            }
            for p in doc.pages
        ],
        "derivatives": [{"kind": d.kind, "sha256": d.sha256, "size": d.size} for d in doc.derivatives],
        "extracted": {
            k: ex.get(k, []) for k in ("dates", "contract_numbers", "amounts", "credit_codes", "phones")
        }
        | {"customer": ex.get("customer", []), "doc_date": ex.get("doc_date")},
    }
